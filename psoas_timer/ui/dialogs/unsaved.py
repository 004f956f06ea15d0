"""Closing the app while changes are still waiting to be saved: never drop them silently.

The user chooses: try again now (and quit if that works), save them to a file
that File → Import log reads back, or quit and lose them. Cancel keeps the app
open with everything still waiting.

Stopped from outside (SIGTERM: a logout, a shutdown), there is no one to ask:
:func:`keep_and_quit` keeps what waits in the journal for the next start.
"""

from __future__ import annotations

import logging
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from psoas_timer.core.i18n import _
from psoas_timer.services.saving import SaveService
from psoas_timer.ui import prompts

if TYPE_CHECKING:
    from psoas_timer.ui.main_window import MainWindow

log = logging.getLogger(__name__)

LISTED = 6


class UnsavedChoice(Enum):
    RETRY = "retry"
    SAVE_TO_FILE = "file"
    DISCARD = "discard"
    CANCEL = "cancel"


def ask_about_unsaved(parent: QWidget, saving: SaveService) -> UnsavedChoice:
    waiting = [change.what for change in saving.queue.pending_changes()]
    listed = "".join(f"<li>{what}</li>" for what in waiting[:LISTED])
    if len(waiting) > LISTED:
        listed += "<li>{}</li>".format(_("… and {n} more").format(n=len(waiting) - LISTED))
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle(_("Not everything is saved"))
    box.setText(f"<p>{saving.message}</p><ul>{listed}</ul>")
    box.setInformativeText(
        _(
            "Try again now: write them to the log, then quit.\n"
            "Save them to a file: keep them in a file that File → Import log reads back.\n"
            "Quit and lose them: they are gone for good."
        )
    )
    retry = box.addButton(_("Try again now"), QMessageBox.ButtonRole.AcceptRole)
    to_file = box.addButton(_("Save them to a file…"), QMessageBox.ButtonRole.ActionRole)
    discard = box.addButton(_("Quit and lose them"), QMessageBox.ButtonRole.DestructiveRole)
    cancel = box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(retry)
    box.setEscapeButton(cancel)
    prompts.run_modal(box)
    clicked = box.clickedButton()
    if clicked is retry:
        return UnsavedChoice.RETRY
    if clicked is to_file:
        return UnsavedChoice.SAVE_TO_FILE
    if clicked is discard:
        return UnsavedChoice.DISCARD
    return UnsavedChoice.CANCEL


def choose_pending_file(parent: QWidget) -> Path | None:
    path, _filter = prompts.choose_save_file(
        parent,
        _("Save the changes not yet saved"),
        str(Path.home() / "psoas-timer-not-saved.json"),
        "JSON (*.json)",
    )
    if not path:
        return None
    chosen = Path(path)
    return chosen if chosen.suffix else chosen.with_suffix(".json")


def settle_unsaved(parent: QWidget, saving: SaveService) -> bool:
    """Before closing: ``True`` once nothing waits or the user has said what becomes of it."""
    while saving.pending:
        choice = ask_about_unsaved(parent, saving)
        if choice is UnsavedChoice.RETRY:
            try:
                saving.flush()
            except Exception:
                # A fault in one change (already logged with its traceback) must
                # not stop the question: the others are still waiting to be settled.
                log.exception("a waiting change failed with a fault while quitting")
        elif choice is UnsavedChoice.SAVE_TO_FILE:
            path = choose_pending_file(parent)
            if path is None:
                continue
            try:
                count = saving.write_pending(path)
            except OSError as exc:
                QMessageBox.warning(
                    parent,
                    _("Not saved to the file"),
                    _(
                        "The changes could not be written to {file} ({error}). "
                        "Choose another place, such as a USB stick."
                    ).format(file=path, error=exc.strerror or exc),
                )
                continue
            log.warning("%d changes not saved to the log were saved to %s", count, path)
            saving.discard()
            return True
        elif choice is UnsavedChoice.DISCARD:
            dropped = "; ".join(change.what for change in saving.queue.pending_changes())
            log.warning("quit with %d changes not saved: %s", saving.pending, dropped)
            saving.discard()
            return True
        else:
            return False
    return True


def keep_and_quit(window: MainWindow) -> None:
    """Told to stop (SIGTERM): ask nothing, keep what waits for the next start, and quit."""
    from psoas_timer.ui.main_window import MainWindow

    engine = window.session_engine
    if engine is not None and engine.running:
        engine.end()  # as quitting during a session does: everything done so far is kept
    # A log not opened yet has nothing waiting, and its journal stays for the next start.
    saving = MainWindow.saving.made(window)
    kept = saving.keep_for_next_start() if saving is not None else 0
    log.warning("told to stop; %d changes waiting to be saved kept for the next start", kept)
    window.shutdown()
    # exit(), not quit(): quit() would close the window, and closing asks questions.
    QApplication.exit(0)
