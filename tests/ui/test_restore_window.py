"""File → Restore from backup… through the real window, with a real log and real backups."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot

from psoas_timer import paths
from psoas_timer.store import Store, backups_folder, list_backups, local_time
from psoas_timer.store.saving import Outcome
from psoas_timer.ui.dialogs.restore import RestoreDialog, taken_text
from psoas_timer.ui.main_window import MainWindow
from tests.qt_helpers import start_session
from tests.refusing_store import RefusingStore

T0 = datetime(2024, 1, 3, 12, 0, tzinfo=UTC)
MakeWindow = Callable[..., MainWindow]


def log_with_backups(where: paths.Paths) -> list[list[str]]:
    """Three days, one session and one backup each; the uuids each backup holds."""
    where.ensure()
    held: list[list[str]] = []
    with Store.open(where.database) as store:
        for day in range(3):
            sid = store.start_session("ql-claw", "prone", "left", T0 + timedelta(days=day))
            store.finish_session(sid, "completed", T0 + timedelta(days=day, minutes=20))
            store.backup_if_due(T0 + timedelta(days=day, hours=1))
            held.append([s.uuid for s in store.sessions()])
    return held


def cell(dialog: RestoreDialog, row: int, column: int) -> str:
    item = dialog.table.item(row, column)
    assert item is not None
    return item.text()


def uuids(window: MainWindow) -> list[str]:
    return [s.uuid for s in window.saving.sessions()]


class Answers:
    """Answers the dialogs the window opens, in order, and keeps what they said."""

    def __init__(self, qtbot: QtBot) -> None:
        self.qtbot = qtbot
        self.said: list[str] = []
        self.dialogs: list[RestoreDialog] = []

    def restore_row(self, row: int | None) -> None:
        """Choose ``row`` in the restore dialog and press Restore (``None``: Cancel)."""

        def act() -> None:
            dialog = QApplication.activeModalWidget()
            if not isinstance(dialog, RestoreDialog):
                QTimer.singleShot(10, act)
                return
            self.dialogs.append(dialog)
            # Enter alone never replaces the log.
            assert dialog.cancel_button.isDefault() and not dialog.restore_button.isDefault()
            self.said.append(
                "|".join(
                    cell(dialog, r, c) for r in range(dialog.table.rowCount()) for c in range(3)
                )
            )
            if row is None:
                dialog.cancel_button.click()
            else:
                dialog.table.selectRow(row)
                dialog.restore_button.click()

        QTimer.singleShot(0, act)

    def message(self, delay: int = 0) -> None:
        """Read the next message box and press OK."""

        def act() -> None:
            box = QApplication.activeModalWidget()
            if not isinstance(box, QMessageBox):
                QTimer.singleShot(10, act)
                return
            self.said.append(box.text())
            box.button(QMessageBox.StandardButton.Ok).click()

        QTimer.singleShot(delay, act)


@pytest.fixture
def answers(qtbot: QtBot) -> Answers:
    return Answers(qtbot)


def test_a_backup_is_restored_and_the_history_shows_it(
    make_window: MakeWindow, private_paths: paths.Paths, answers: Answers
) -> None:
    held = log_with_backups(private_paths)
    window = make_window()
    window.show()
    page = window.show_progress()
    assert page is not None and page.history.model.rowCount() == 3
    page.history.table.selectRow(0)
    deleted = window.saving.queue.readable().session(page.history.selected_session() or 0).uuid
    page.history.delete_selected()  # something to undo, in the log about to be set aside
    assert window.undo_stack.canUndo() and page.history.model.rowCount() == 2
    before = window.saving.store

    answers.restore_row(2)  # the oldest
    answers.message(delay=50)
    window.commands["restore_backup"].trigger()

    listed, told = answers.said
    oldest = list_backups(private_paths.database)[-1]
    # Newest first: date, sessions, size.
    assert listed.split("|")[1::3] == ["3", "2", "1"]
    backups = list_backups(private_paths.database)
    assert listed.split("|")[0::3] == [taken_text(b) for b in backups]
    assert taken_text(backups[-1]) == local_time(T0 + timedelta(hours=1)).strftime(
        "%a %d %b %Y, %H:%M"
    )
    assert all(size.endswith("kB") for size in listed.split("|")[2::3])
    (aside,) = private_paths.data.glob("psoas-timer.sqlite3.before-restore-*")
    assert told.startswith("The backup of ")
    assert told.endswith(f"is your log now: 1 session. Your log as it was is kept as {aside}.")
    assert oldest.path.exists()  # a restore copies; the backup stays
    # The page read the log again without being asked; undo would reach the old log.
    assert page.history.model.rowCount() == 1
    assert not window.undo_stack.canUndo()
    assert uuids(window) == held[0]
    store = window.saving.store
    assert isinstance(store, Store) and store is not before
    assert store.path == private_paths.database
    with Store.open(aside) as kept:
        # As it was, the deletion made just before included.
        assert sorted(s.uuid for s in kept.sessions()) == sorted(set(held[2]) - {deleted})
    # Writes go to the restored log.
    (summary,) = window.saving.sessions()
    assert window.saving.set_note(summary.id, "after the restore").outcome is Outcome.SAVED
    assert store.session(summary.id).note == "after the restore"


def test_cancel_changes_nothing(
    make_window: MakeWindow, private_paths: paths.Paths, answers: Answers
) -> None:
    held = log_with_backups(private_paths)
    window = make_window()
    before = private_paths.database.read_bytes()
    answers.restore_row(None)
    assert not window.restore_from_backup()
    assert uuids(window) == held[2]
    assert private_paths.database.read_bytes() == before
    assert not list(private_paths.data.glob("*.before-restore-*"))


def test_a_backup_that_cannot_be_read_cannot_be_chosen(
    make_window: MakeWindow, private_paths: paths.Paths, answers: Answers
) -> None:
    log_with_backups(private_paths)
    newest = list_backups(private_paths.database)[0]
    newest.path.write_bytes(b"garbage, not a backup" * 100)
    window = make_window()

    def look() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, RestoreDialog):
            QTimer.singleShot(10, look)
            return
        assert cell(dialog, 0, 1) == "cannot be read"
        assert not dialog.restore_button.isEnabled()
        dialog.table.selectRow(1)
        assert dialog.restore_button.isEnabled()
        dialog.cancel_button.click()

    QTimer.singleShot(0, look)
    assert not window.restore_from_backup()


def test_a_restore_that_fails_leaves_the_log_as_it_was_and_in_use(
    make_window: MakeWindow, private_paths: paths.Paths, answers: Answers
) -> None:
    held = log_with_backups(private_paths)
    window = make_window()
    chosen = list_backups(private_paths.database)[1]

    def spoil_then_restore() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, RestoreDialog):
            QTimer.singleShot(10, spoil_then_restore)
            return
        # Damaged after it was listed: the check before anything is moved refuses it.
        chosen.path.write_bytes(b"\0" * 4096)
        dialog.table.selectRow(1)
        dialog.restore_button.click()

    QTimer.singleShot(0, spoil_then_restore)
    answers.message(delay=50)
    assert not window.restore_from_backup()
    (told,) = answers.said
    assert "is not a usable backup" in told and "Nothing was changed." in told
    assert uuids(window) == held[2]
    assert not list(private_paths.data.glob("*.before-restore-*"))
    (summary, *_) = window.saving.sessions()
    assert window.saving.set_note(summary.id, "still writing").outcome is Outcome.SAVED


def test_restore_is_refused_while_a_session_runs(
    make_window: MakeWindow, private_paths: paths.Paths, answers: Answers
) -> None:
    log_with_backups(private_paths)
    window = make_window()
    start_session(window, "ql-claw", "left")
    answers.message()
    assert not window.restore_from_backup()
    (told,) = answers.said
    assert told.startswith("A backup cannot be restored while a session runs")
    assert not list(private_paths.data.glob("*.before-restore-*"))


def test_restore_is_refused_while_changes_wait_to_be_saved(
    make_window: MakeWindow, private_paths: paths.Paths, answers: Answers
) -> None:
    held = log_with_backups(private_paths)
    store = RefusingStore.open(private_paths.database)
    assert isinstance(store, RefusingStore)
    window = make_window(store=store)
    store.refuse()
    (first, *_) = window.saving.sessions()
    window.saving.set_note(first.id, "waiting")
    answers.message()
    assert not window.restore_from_backup()
    (told,) = answers.said
    assert told.startswith("1 change is still waiting to be saved to the log that would be")
    assert "would be lost" in told
    assert window.saving.pending == 1 and uuids(window) == held[2]
    assert not list(private_paths.data.glob("*.before-restore-*"))
    store.accept()
    window.saving.flush()


def test_with_no_backups_it_says_when_they_are_made(
    make_window: MakeWindow, private_paths: paths.Paths, answers: Answers
) -> None:
    window = make_window()
    answers.message()
    assert not window.restore_from_backup()
    (told,) = answers.said
    assert told == (
        f"There are no backups yet in {backups_folder(private_paths.database)}. One is made "
        "after a completed session, at most once a day."
    )
