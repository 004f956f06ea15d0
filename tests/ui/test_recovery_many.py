"""Many unfinished sessions at start: one question listing them all, not one dialog each."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QDialog, QLabel
from pytestqt.qtbot import QtBot

from psoas_timer.core.events import SetResult
from psoas_timer.store import Store, local_time
from psoas_timer.ui.dialogs.recovery import ManyRecoveryDialog, RecoveryDialog
from psoas_timer.ui.main_window import MainWindow

T0 = datetime(2022, 3, 1, 7, 30, tzinfo=UTC)
MakeWindow = Callable[..., MainWindow]
Act = Callable[[QDialog], None]


def unfinished(window: MainWindow, count: int) -> list[int]:
    """``count`` sessions left running, some with a set and a rating, over two years."""
    store = window.saving.store
    assert isinstance(store, Store)
    ids = []
    for n in range(count):
        when = T0 + timedelta(days=25 * n)
        sid = store.start_session("ql-claw", "prone", "both", when)
        if n % 2 == 0:
            store.record_rating(sid, "left", "before", n % 11, when)
            store.record_set(
                sid, SetResult("left", 0, "Base", 15, 15, None, None, 90.0, 0.0, "completed")
            )
        ids.append(sid)
    return ids


def answer_each(acts: list[Act]) -> list[QDialog]:
    """Answer the dialogs that open, in order, one act each; returns those seen."""
    seen: list[QDialog] = []

    def find() -> None:
        dialog = QApplication.activeModalWidget()
        if isinstance(dialog, QDialog) and dialog not in seen and dialog.isVisible():
            seen.append(dialog)
            acts[len(seen) - 1](dialog)
        if len(seen) < len(acts):
            QTimer.singleShot(10, find)

    QTimer.singleShot(0, find)
    return seen


def statuses(window: MainWindow) -> list[str]:
    said: list[str] = []
    window.statusBar().messageChanged.connect(lambda text: said.append(text) if text else None)
    return said


def press(name: str) -> Act:
    def act(dialog: QDialog) -> None:
        getattr(dialog, name).click()

    return act


def test_thirty_unfinished_sessions_are_one_question_and_kept_all_at_once(
    qtbot: QtBot, make_window: MakeWindow
) -> None:
    window = make_window()
    ids = unfinished(window, 30)
    said = statuses(window)
    listed: list[str] = []

    def keep_all(dialog: QDialog) -> None:
        assert isinstance(dialog, ManyRecoveryDialog)
        assert dialog.windowTitle() == "30 sessions did not finish"
        table = dialog.table
        assert table.rowCount() == 30
        for row in range(30):
            cells = [table.item(row, c) for c in range(4)]
            listed.append(" | ".join(c.text() if c is not None else "" for c in cells))
        dialog.keep_all_button.click()

    seen = answer_each([keep_all])
    window.offer_recovery()
    assert len(seen) == 1  # one question, not thirty
    # Oldest first, with the year, the tool, the sets and ratings logged.
    assert (
        listed[0] == f"{local_time(T0).strftime('%a %d %b %Y, %H:%M')} | QL Claw (ramp end) | 1 | 1"
    )
    assert listed[1].endswith("| QL Claw (ramp end) | 0 | 0")
    store = window.saving.store
    assert isinstance(store, Store)
    assert {store.session(sid).status for sid in ids} == {"interrupted"}
    assert "30 unfinished sessions kept in your history." in said
    assert window.recovery_candidates() == []


def test_ask_me_later_changes_nothing_and_asks_again_next_time(
    qtbot: QtBot, make_window: MakeWindow
) -> None:
    window = make_window()
    ids = unfinished(window, 5)
    seen = answer_each([press("later_button")])
    window.offer_recovery()
    assert len(seen) == 1 and isinstance(seen[0], ManyRecoveryDialog)
    assert [s.id for s in window.recovery_candidates()] == ids
    seen = answer_each([press("later_button")])
    window.offer_recovery()
    assert len(seen) == 1


def test_one_by_one_asks_about_each_with_its_place_in_the_run(
    qtbot: QtBot, make_window: MakeWindow
) -> None:
    window = make_window()
    first, second, third = unfinished(window, 3)

    def rate(dialog: QDialog) -> None:
        assert isinstance(dialog, RecoveryDialog)
        assert dialog.windowTitle() == "A session did not finish (1 of 3)"
        dialog.spins[("left", "after")].setValue(2)
        dialog.rate_button.click()

    def keep(dialog: QDialog) -> None:
        assert isinstance(dialog, RecoveryDialog)
        assert dialog.windowTitle() == "A session did not finish (2 of 3)"
        dialog.keep_button.click()

    def later(dialog: QDialog) -> None:
        assert isinstance(dialog, RecoveryDialog)
        assert dialog.windowTitle() == "A session did not finish (3 of 3)"
        assert dialog.rest_later_button is None  # nothing after this one
        dialog.later_button.click()

    seen = answer_each([press("one_by_one_button"), rate, keep, later])
    window.offer_recovery()
    assert len(seen) == 4
    store = window.saving.store
    assert isinstance(store, Store)
    assert store.session(first).status == "interrupted"
    assert {(r.side, r.moment): r.value for r in store.ratings(first)} == {
        ("left", "before"): 0,
        ("left", "after"): 2,
    }
    assert store.session(second).status == "interrupted"
    assert store.session(third).status == "running"


def test_one_by_one_can_leave_the_rest_for_later(qtbot: QtBot, make_window: MakeWindow) -> None:
    window = make_window()
    ids = unfinished(window, 4)

    def rest_later(dialog: QDialog) -> None:
        assert isinstance(dialog, RecoveryDialog)
        assert dialog.rest_later_button is not None
        dialog.rest_later_button.click()

    seen = answer_each([press("one_by_one_button"), press("keep_button"), rest_later])
    window.offer_recovery()
    qtbot.wait(50)
    assert len(seen) == 3  # no fourth question
    assert [s.id for s in window.recovery_candidates()] == ids[1:]


def test_a_single_unfinished_session_is_asked_about_as_before(
    qtbot: QtBot, make_window: MakeWindow
) -> None:
    window = make_window()
    (sid,) = unfinished(window, 1)

    def keep(dialog: QDialog) -> None:
        assert isinstance(dialog, RecoveryDialog)
        assert dialog.windowTitle() == "A session did not finish"
        assert dialog.rest_later_button is None
        text = " ".join(label.text() for label in dialog.findChildren(QLabel))
        assert "QL Claw" in text and "1 set and 1 rating" in text
        dialog.keep_button.click()

    seen = answer_each([keep])
    window.offer_recovery()
    assert len(seen) == 1
    store = window.saving.store
    assert isinstance(store, Store)
    assert store.session(sid).status == "interrupted"
