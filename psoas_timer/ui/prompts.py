"""Every question, warning and file chooser the window shows, through one seam.

The main window and the session page call these functions instead of
``QMessageBox`` and ``QFileDialog``, and always through the module
(``prompts.confirm(...)``), so a test answers a question by patching one name
here.

A dialog is not answered by a key that was meant for what opened it. The key
that ended a session or pressed Start is often still down when the question or
the safety notice appears, and held, it would press the dialog's default button
a moment later (accepting the safety notice unread). So a dialog drops the
repeats of a key held since before it opened until that key is let go, and
takes no keys at all for its first half second, against a hurried second
press. The mouse works at once.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QDialog, QFileDialog, QMessageBox, QWidget

from psoas_timer import APP_NAME, __version__
from psoas_timer.core.i18n import _
from psoas_timer.ui.held_keys import KeyRepeats

SETTLE_MS = 500
_KEY_EVENTS = (QEvent.Type.KeyPress, QEvent.Type.KeyRelease)


class _HeldKeyGuard(QObject):
    """Keeps keys from before ``dialog`` opened from answering it."""

    def __init__(self, dialog: QDialog) -> None:
        super().__init__(dialog)
        self._dialog = dialog
        self._held = True  # until a key is let go or pressed afresh
        self._repeats = KeyRepeats()
        self.settling = QTimer(self)
        self.settling.setObjectName("dialogSettling")
        self.settling.setSingleShot(True)
        self.settling.start(SETTLE_MS)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            event.type() not in _KEY_EVENTS
            or not isinstance(event, QKeyEvent)
            or not isinstance(watched, QWidget)
            or not (watched is self._dialog or self._dialog.isAncestorOf(watched))
        ):
            return False
        if event.type() == QEvent.Type.KeyRelease:
            self._repeats.note_release(event)
            repeated = event.isAutoRepeat()
        else:
            repeated = self._repeats.is_repeat(event)
            if repeated and not event.isAutoRepeat():
                self._held = True  # X11's late repeat after what looked like letting go
        if self.settling.isActive() or (repeated and self._held):
            return True
        self._held = False
        return False


def run_modal(dialog: QDialog) -> int:
    """``dialog.exec()``, but keys pressed or held for what opened it do nothing in it."""
    app = QApplication.instance()
    guard = _HeldKeyGuard(dialog)
    # On the application: key events go to whichever button has focus.
    if app is not None:
        app.installEventFilter(guard)
    try:
        return dialog.exec()
    finally:
        guard.settling.stop()
        if app is not None:
            app.removeEventFilter(guard)


def confirm(parent: QWidget, title: str, text: str, *, default_yes: bool = False) -> bool:
    """Ask a yes/no question; True for yes."""
    yes, no = QMessageBox.StandardButton.Yes, QMessageBox.StandardButton.No
    box = QMessageBox(QMessageBox.Icon.Question, title, text, yes | no, parent)
    box.setDefaultButton(yes if default_yes else no)
    run_modal(box)
    return box.clickedButton() is box.button(yes)


def warn(parent: QWidget, title: str, text: str) -> None:
    box = QMessageBox(QMessageBox.Icon.Warning, title, text, QMessageBox.StandardButton.Ok, parent)
    run_modal(box)


def about(parent: QWidget, title: str, text: str) -> None:
    QMessageBox.about(parent, title, text)


def about_app(parent: QWidget, data: Path) -> None:
    """Help → About: what the app is, its version, and where its data lives."""
    about(
        parent,
        _("About {app}").format(app=APP_NAME),
        f"<b>{APP_NAME}</b> {__version__}<p>"
        + _(
            "Breath-paced psoas self-release with a tenderness log. It does not diagnose or "
            "treat anything; see Help → Safety."
        )
        + "</p><p>"
        + _("Your data: {folder}").format(folder=data)
        + "</p>",
    )


def choose_save_file(
    parent: QWidget, caption: str, suggested: str, filters: str
) -> tuple[str, str]:
    """(the chosen path, the chosen filter); the path is "" if the person cancelled."""
    return QFileDialog.getSaveFileName(parent, caption, suggested, filters)


def choose_open_file(
    parent: QWidget, caption: str, directory: str, filters: str
) -> tuple[str, str]:
    """(the chosen path, the chosen filter); the path is "" if the person cancelled."""
    return QFileDialog.getOpenFileName(parent, caption, directory, filters)
