"""The history table, the recovery offer and File → Export/Import, through the real window."""

from __future__ import annotations

import csv
import sqlite3
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QModelIndex, Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox, QSpinBox
from pytestqt.qtbot import QtBot

from psoas_timer.core.clock import Clocks, FakeClock
from psoas_timer.core.events import SetResult
from psoas_timer.core.vocab import NOT_RATED
from psoas_timer.services.saving import SaveService
from psoas_timer.store import StopRow, Store, export_to_path
from psoas_timer.ui.dialogs.recovery import RecoveryChoice, RecoveryDialog
from psoas_timer.ui.main_window import MainWindow
from psoas_timer.ui.progress.history import COLUMNS, ID_ROLE, HistoryView
from psoas_timer.ui.progress.plots import day_x

T0 = datetime(2024, 5, 6, 7, 30, tzinfo=UTC)
LEFT_BEFORE = next(i for i, c in enumerate(COLUMNS) if c.title == "Left before")
RIGHT_AFTER = next(i for i, c in enumerate(COLUMNS) if c.title == "Right after")
NOTE = next(i for i, c in enumerate(COLUMNS) if c.title == "Note")
STOPS = next(i for i, c in enumerate(COLUMNS) if c.title == "Stops")


def seed(store: Store, n: int = 3) -> list[int]:
    ids = []
    for k in range(n):
        when = T0 + timedelta(days=k)
        sid = store.start_session("ql-claw", "prone", "left" if k == 1 else "both", when)
        store.record_rating(sid, "left", "before", 5 + k, when)
        store.finish_session(sid, "completed", when + timedelta(minutes=25))
        ids.append(sid)
    return ids


@pytest.fixture
def view(qtbot: QtBot, tmp_path: Path) -> Iterator[tuple[HistoryView, Store, list[int]]]:
    store = Store.open(tmp_path / "log.sqlite3")
    ids = seed(store)
    saving = SaveService(store, Clocks.following(FakeClock(), T0).wall)
    table = HistoryView(saving, {"ql-claw": "QL Claw"})
    qtbot.addWidget(table)
    table.reload()
    yield table, store, ids
    store.close()


def logged(window: MainWindow) -> Store:
    """The window's own log, to set up and check what the user did."""
    store = window.saving.store
    assert isinstance(store, Store)
    return store


def cell(table: HistoryView, session_id: int, column: int) -> QModelIndex:
    row = table.model.row_of(session_id)
    assert row is not None
    return table.model.index(row, column)


def left_before(store: Store, session_id: int) -> int | None:
    return {(r.side, r.moment): r.value for r in store.ratings(session_id)}.get(("left", "before"))


def test_every_session_is_listed_newest_first_and_sorts(
    view: tuple[HistoryView, Store, list[int]],
) -> None:
    table, _, ids = view
    shown = [table.proxy.index(r, 0).data(ID_ROLE) for r in range(table.proxy.rowCount())]
    assert shown == list(reversed(ids))
    table.table.sortByColumn(LEFT_BEFORE, Qt.SortOrder.AscendingOrder)
    values = [table.proxy.index(r, LEFT_BEFORE).data() for r in range(3)]
    assert values == ["5", "6", "7"]
    assert table.count.text() == "3 sessions"


def test_stops_are_listed_with_what_felt_wrong(
    view: tuple[HistoryView, Store, list[int]],
) -> None:
    table, store, ids = view
    store.record_stop(ids[0], StopRow(0, 0, 0, "left", 0, 4, "pulse", T0))
    store.record_stop(ids[0], StopRow(0, 0, 0, "right", 1, None, "dizzy", T0))
    table.reload()
    shown = cell(table, ids[0], STOPS)
    assert shown.data() == "a pulse under the tool; dizzy or sick"
    assert shown.data(Qt.ItemDataRole.ToolTipRole).startswith("Stop was pressed: ")
    assert cell(table, ids[1], STOPS).data() == ""
    table.table.sortByColumn(STOPS, Qt.SortOrder.DescendingOrder)
    assert table.proxy.index(0, 0).data(ID_ROLE) == ids[0]


def test_a_rating_is_edited_through_the_spin_box(
    qtbot: QtBot, view: tuple[HistoryView, Store, list[int]]
) -> None:
    table, store, ids = view
    table.show()
    qtbot.waitExposed(table)
    index = table.proxy.mapFromSource(cell(table, ids[0], LEFT_BEFORE))
    table.table.setCurrentIndex(index)
    table.table.edit(index)
    editor = table.table.findChild(QSpinBox)
    assert editor is not None and editor.minimum() == NOT_RATED and editor.maximum() == 10
    qtbot.waitUntil(editor.hasFocus, timeout=2000)
    editor.setValue(2)
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    # The delegate commits from a queued call, after the key event returns.
    qtbot.waitUntil(lambda: left_before(store, ids[0]) == 2, timeout=2000)
    assert index.data() == "2"


@pytest.mark.parametrize("bad", [11, -5, "7", 3.5, True])
def test_out_of_range_ratings_are_refused(
    view: tuple[HistoryView, Store, list[int]], bad: object
) -> None:
    table, store, ids = view
    errors: list[str] = []
    table.message.connect(errors.append)
    assert not table.model.setData(cell(table, ids[0], LEFT_BEFORE), bad)
    assert left_before(store, ids[0]) == 5
    assert errors and "0 to 10" in errors[0]


def test_the_database_refuses_out_of_range_ratings_too(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "log.sqlite3")
    (sid, *_) = seed(store)
    store.close()
    conn = sqlite3.connect(tmp_path / "log.sqlite3")
    with pytest.raises(sqlite3.IntegrityError):
        conn.execute("UPDATE ratings SET value = 11 WHERE session_id = ?", (sid,))
    conn.close()


def test_a_rating_can_be_cleared_and_a_note_written(
    view: tuple[HistoryView, Store, list[int]],
) -> None:
    table, store, ids = view
    assert table.model.setData(cell(table, ids[0], LEFT_BEFORE), NOT_RATED)
    assert left_before(store, ids[0]) is None
    assert table.model.setData(cell(table, ids[2], NOTE), "Better after the walk.")
    assert store.session(ids[2]).note == "Better after the walk."


def test_a_side_the_session_did_not_cover_cannot_be_rated(
    view: tuple[HistoryView, Store, list[int]],
) -> None:
    table, store, ids = view
    one_sided = cell(table, ids[1], RIGHT_AFTER)
    assert not one_sided.flags() & Qt.ItemFlag.ItemIsEditable
    assert not table.model.setData(one_sided, 4)
    assert store.ratings(ids[1])[0].side == "left"


def test_delete_then_undo_restores_the_session_exactly(
    view: tuple[HistoryView, Store, list[int]],
) -> None:
    table, store, ids = view
    store.record_set(ids[0], SetResult("left", 0, "Base", 15, 15, 9, 40.0, 90.0, 0.0, "completed"))
    before = store.snapshot(ids[0])
    table.select_session(ids[0])
    table.delete_selected()
    assert [s.id for s in store.sessions()] == ids[1:]
    assert table.model.rowCount() == 2 and table.undo_button.isEnabled()
    table.undo_stack.undo()
    assert store.snapshot(ids[0]) == before
    assert table.model.rowCount() == 3 and table.selected_session() == ids[0]
    table.undo_stack.redo()
    assert [s.id for s in store.sessions()] == ids[1:]


# -- through the main window ----------------------------------------------------


def answer_next_dialog(qtbot: QtBot, act: Callable[[QDialog], None]) -> None:
    """Act on the next modal dialog as soon as it is open (exec() blocks the test)."""

    def find() -> None:
        dialog = QApplication.activeModalWidget()
        if isinstance(dialog, QDialog):
            act(dialog)
        else:
            QTimer.singleShot(10, find)

    QTimer.singleShot(0, find)


def running_session(window: MainWindow) -> int:
    store = logged(window)
    sid = store.start_session("ql-claw", "prone", "both", T0)
    store.record_rating(sid, "left", "before", 6, T0)
    store.record_set(sid, SetResult("left", 0, "Base", 15, 15, None, None, 90.0, 0.0, "completed"))
    return sid


def test_a_crashed_session_is_offered_and_rated(
    qtbot: QtBot, make_window: Callable[..., MainWindow]
) -> None:
    window = make_window()
    sid = running_session(window)
    assert [s.id for s in window.recovery_candidates()] == [sid]

    def rate(dialog: QDialog) -> None:
        assert isinstance(dialog, RecoveryDialog)
        dialog.spins[("left", "after")].setValue(3)
        dialog.spins[("right", "before")].setValue(4)
        dialog.rate_button.click()

    answer_next_dialog(qtbot, rate)
    window.offer_recovery()
    ratings = {(r.side, r.moment): r.value for r in logged(window).ratings(sid)}
    assert ratings == {("left", "before"): 6, ("left", "after"): 3, ("right", "before"): 4}
    assert logged(window).session(sid).status == "interrupted"
    assert window.recovery_candidates() == []


@pytest.mark.parametrize(
    ("button", "status"), [("keep_button", "interrupted"), ("later_button", "running")]
)
def test_a_crashed_session_can_be_kept_or_left_for_later(
    qtbot: QtBot, make_window: Callable[..., MainWindow], button: str, status: str
) -> None:
    window = make_window()
    sid = running_session(window)

    def press(dialog: QDialog) -> None:
        assert isinstance(dialog, RecoveryDialog)
        dialog.spins[("left", "after")].setValue(9)  # ignored unless "Save these ratings"
        getattr(dialog, button).click()

    answer_next_dialog(qtbot, press)
    window.offer_recovery()
    assert logged(window).session(sid).status == status
    assert len(logged(window).ratings(sid)) == 1


def test_the_recovery_dialog_says_what_was_kept(
    qtbot: QtBot, make_window: Callable[..., MainWindow]
) -> None:
    window = make_window()
    sid = running_session(window)
    dialog = RecoveryDialog(logged(window).session(sid), "QL Claw", 1, logged(window).ratings(sid))
    qtbot.addWidget(dialog)
    text = " ".join(label.text() for label in dialog.findChildren(type(window.status_label)))
    assert "QL Claw" in text and "1 set and 1 rating" in text
    assert dialog.choice is RecoveryChoice.LATER
    assert dialog.spins[("left", "before")].value() == 6
    assert dialog.spins[("right", "after")].value() == NOT_RATED


def test_progress_page_opens_from_the_menu_and_a_chart_point_selects_a_row(
    make_window: Callable[..., MainWindow],
) -> None:
    window = make_window()
    ids = seed(logged(window))
    window.show()
    page = window.show_progress()
    assert page is not None and window.stack.currentWidget() is page
    page.progress.session_chosen.emit(ids[1])
    assert page.history.selected_session() == ids[1]
    page.history.model.setData(cell(page.history, ids[2], LEFT_BEFORE), 1)
    # Long ago, so the charts open on all time: look at those days, a point a session.
    start, end = day_x([T0.date(), T0.date() + timedelta(days=30)])
    page.progress.tenderness_plot.setXRange(start, end, padding=0)
    (before,) = page.progress.series("left", "before")
    assert 1.0 in list(before.getData()[1])


def test_import_and_export_from_the_window(
    qtbot: QtBot, make_window: Callable[..., MainWindow], tmp_path: Path
) -> None:
    source = Store.open(tmp_path / "other.sqlite3")
    seed(source, 2)
    exported = tmp_path / "log.csv"
    export_to_path(source, exported)
    source.close()

    window = make_window()
    assert window.import_from(exported)
    assert len(logged(window).sessions()) == 2
    assert window.import_from(exported)  # twice: no duplicates
    assert len(logged(window).sessions()) == 2

    broken = tmp_path / "broken.csv"
    rows = list(csv.reader(exported.read_text("utf-8").splitlines()))
    rows[1][0] = "not-a-record-type"
    broken.write_text("\n".join(",".join(r) for r in rows), "utf-8")
    shown: list[str] = []

    def read_and_close(dialog: QDialog) -> None:
        assert isinstance(dialog, QMessageBox)
        shown.append(dialog.text())
        dialog.accept()

    answer_next_dialog(qtbot, read_and_close)
    assert not window.import_from(broken)
    assert shown and "line 2" in shown[0]
    assert len(logged(window).sessions()) == 2


def test_a_lasting_problem_stays_in_view_after_short_messages(
    qtbot: QtBot, make_window: Callable[..., MainWindow]
) -> None:
    window = make_window()
    window.show()
    window.show_problem("Voice is off: no speech engine is installed.")
    assert window.statusBar().currentMessage().startswith("Voice is off")
    assert window.status_label.isHidden()  # not shown twice
    window.show_status("Saved: rating 4/10 saved.", 50)
    assert not window.status_label.isHidden()
    qtbot.waitUntil(lambda: window.statusBar().currentMessage() == "", timeout=2000)
    assert window.status_label.text().startswith("Voice is off")
    assert not window.status_label.isHidden()


def test_the_picker_leads_to_progress(qtbot: QtBot, make_window: Callable[..., MainWindow]) -> None:
    window = make_window()
    window.show()
    qtbot.mouseClick(window.picker.progress_button, Qt.MouseButton.LeftButton)
    assert window.progress_page is not None and window.stack.currentWidget() is window.progress_page
