"""File → Restore from backup…: choose one of the daily backups and bring it back.

The log as it is now is set aside beside it (``….before-restore-<time>``),
never deleted; the chosen backup is copied in, opened, and handed to the save
service, whose ``log_changed`` has every page read it again. Refused while a
session runs or while changes wait to be saved: both belong to the log that
would be set aside.
"""

from __future__ import annotations

import logging
from html import escape

from PySide6.QtCore import QLocale, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from psoas_timer.core.dates import moment_text
from psoas_timer.core.i18n import N_, _, ngettext
from psoas_timer.paths import Paths
from psoas_timer.services.saving import SaveService
from psoas_timer.store import (
    Backup,
    Store,
    StoreError,
    backups_folder,
    list_backups,
    local_time,
    restore_backup,
)
from psoas_timer.store.saving import UnavailableStore
from psoas_timer.ui import prompts

log = logging.getLogger(__name__)

TITLE = N_("Restore from backup")


def taken_text(backup: Backup) -> str:
    return moment_text(local_time(backup.taken))


class RestoreDialog(QDialog):
    """The backups, newest first, with the date, the sessions and the size of each."""

    def __init__(self, backups: list[Backup], paths: Paths, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_(TITLE))
        self.backups = backups
        intro = QLabel(
            _(
                "<p>Choose the backup to bring back.</p><p>Your log as it is now is set aside, "
                "not deleted, in {folder}: sessions logged since the backup stay in it.</p>"
            ).format(folder=escape(str(paths.data)))
        )
        intro.setWordWrap(True)

        self.table = QTableWidget(len(backups), 3)
        self.table.setHorizontalHeaderLabels([_("Taken"), _("Sessions"), _("Size")])
        self.table.setAccessibleName(_("Backups, newest first"))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        locale = QLocale()
        right = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        for row, backup in enumerate(backups):
            sessions = _("cannot be read") if backup.sessions is None else f"{backup.sessions:,}"
            size = locale.formattedDataSize(backup.size, 1, QLocale.DataSizeFormat.DataSizeSIFormat)
            for column, text in enumerate((taken_text(backup), sessions, size)):
                item = QTableWidgetItem(text)
                if column:
                    item.setTextAlignment(right)
                item.setToolTip(str(backup.path))
                self.table.setItem(row, column, item)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in (1, 2):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)

        buttons = QDialogButtonBox()
        self.restore_button = QPushButton(_("Restore"))
        self.cancel_button = QPushButton(_("Cancel"))
        buttons.addButton(self.restore_button, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(self.cancel_button, QDialogButtonBox.ButtonRole.RejectRole)
        self.restore_button.clicked.connect(self.accept)
        self.cancel_button.clicked.connect(self.reject)
        self.table.itemSelectionChanged.connect(self._selection_changed)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.table, 1)
        layout.addWidget(buttons)
        # Enter alone never replaces the log. Set once the buttons are the
        # dialog's: before, the box would make its first accept button the default.
        self.cancel_button.setDefault(True)
        self.resize(580, 420)
        self.table.selectRow(0)
        self.table.setFocus()

    def chosen(self) -> Backup | None:
        rows = self.table.selectionModel().selectedRows()
        return self.backups[rows[0].row()] if rows else None

    def _selection_changed(self) -> None:
        backup = self.chosen()
        self.restore_button.setEnabled(backup is not None and backup.sessions is not None)


def refusal(saving: SaveService, session_running: bool) -> str | None:
    """Why a backup cannot be restored now, or ``None`` if it can."""
    if session_running:
        return _(
            "A backup cannot be restored while a session runs: the session is being saved "
            "to the log that would be set aside. End the session first (Esc)."
        )
    waiting = saving.pending
    if waiting:
        return ngettext(
            "{n} change is still waiting to be saved to the log that would be set aside, and "
            "would be lost. Try again once everything is saved.",
            "{n} changes are still waiting to be saved to the log that would be set aside, and "
            "would be lost. Try again once everything is saved.",
            waiting,
        ).format(n=waiting)
    return None


def offer_restore(
    parent: QWidget, saving: SaveService, paths: Paths, *, session_running: bool
) -> bool:
    """Ask which backup to bring back and bring it back; ``True`` once restored."""
    why = refusal(saving, session_running)
    if why is not None:
        prompts.warn(parent, _(TITLE), why)
        return False
    try:
        backups = list_backups(paths.database)
    except StoreError as exc:
        prompts.warn(parent, _(TITLE), str(exc))
        return False
    if not backups:
        prompts.warn(
            parent,
            _(TITLE),
            _(
                "There are no backups yet in {folder}. One is made after "
                "a completed session, at most once a day."
            ).format(folder=backups_folder(paths.database)),
        )
        return False
    dialog = RestoreDialog(backups, paths, parent)
    chosen = dialog.chosen() if prompts.run_modal(dialog) == QDialog.DialogCode.Accepted else None
    if chosen is None:
        return False
    return restore(parent, saving, paths, chosen)


def restore(parent: QWidget, saving: SaveService, paths: Paths, backup: Backup) -> bool:
    """Bring ``backup`` back as the log, and hand the log to the save service either way."""
    from psoas_timer.ui.application import open_store

    # Nothing waits (see refusal), and nothing runs between here and the swap:
    # no write can reach the closed log meanwhile.
    current = saving.store
    if isinstance(current, Store):
        current.close()
    wall = saving.queue.wall
    try:
        result = restore_backup(paths.database, backup.path, now=wall().astimezone())
    except StoreError as exc:
        result, failure = None, str(exc)
    reopened, problem = open_store(paths, wall)
    saving.swap_store(reopened)
    if result is None:
        log.warning("restore failed: %s", failure)
        prompts.warn(parent, _("Not restored"), failure)
        return False
    log.info("restored %s; the log as it was is %s", backup.path, result.set_aside)
    text = ngettext(
        "The backup of {taken} is your log now: {n} session.",
        "The backup of {taken} is your log now: {n} sessions.",
        result.sessions,
    ).format(taken=taken_text(backup), n=result.sessions)
    if result.set_aside is not None:
        text += " " + _("Your log as it was is kept as {file}.").format(file=result.set_aside)
    if isinstance(reopened, UnavailableStore) or problem:
        prompts.warn(parent, _(TITLE), f"{text} {problem or ''}".strip())
    else:
        ok = QMessageBox.StandardButton.Ok
        prompts.run_modal(QMessageBox(QMessageBox.Icon.Information, _(TITLE), text, ok, parent))
    return True
