"""The next-day check: asked once, 12 to 72 hours after a session, with one key per answer."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot

from psoas_timer.core.clock import Clocks, FakeClock
from psoas_timer.store import SetRecord, Store
from psoas_timer.ui import prompts
from psoas_timer.ui.dialogs.next_day import NextDayChoice, NextDayDialog
from psoas_timer.ui.main_window import MainWindow
from psoas_timer.ui.progress.history import COL_NEXT_DAY

ENDED = datetime(2024, 5, 1, 20, 0, tzinfo=UTC)

Keys = list[Qt.Key]


@pytest.fixture
def answers(monkeypatch: pytest.MonkeyPatch, qtbot: QtBot) -> Iterator[list[Keys]]:
    """Each time the dialog opens it takes the next list of keys; ``asked`` counts the openings."""
    queued: list[Keys] = []

    def answer(dialog: QDialog) -> int:
        assert isinstance(dialog, NextDayDialog)
        keys = queued.pop(0)
        for key in keys:
            qtbot.keyClick(dialog, key)
        return int(dialog.result())

    monkeypatch.setattr(prompts, "run_modal", answer)
    yield queued


def session_ending_at(store: Store, ended: datetime, *, with_set: bool = True) -> int:
    started = ended - timedelta(minutes=20)
    sid = store.start_session("ql-claw", "prone", "left", started)
    store.record_rating(sid, "left", "before", 6, started)
    if with_set:
        store.record_set(sid, SetRecord("left", 0, "Base set", 15, 15, 150.0), started)
    store.finish_session(sid, "completed", ended)
    return sid


def window_at(
    make_window: Callable[..., MainWindow], hours: float
) -> tuple[MainWindow, Store, FakeClock]:
    """A window whose clock stands ``hours`` after :data:`ENDED`."""
    clock = FakeClock()
    window = make_window(clock)
    store = window.saving.store
    assert isinstance(store, Store)
    # Wall time follows the fake clock from "now"; move the log's session instead.
    window.clocks = Clocks.following(clock, ENDED + timedelta(hours=hours))
    return window, store, clock


@pytest.mark.parametrize(
    ("hours", "asked"),
    [(11.99, False), (12, True), (40, True), (72, True), (72.01, False)],
)
def test_asked_only_12_to_72_hours_after(
    make_window: Callable[..., MainWindow], answers: list[Keys], hours: float, asked: bool
) -> None:
    window, store, _ = window_at(make_window, hours)
    sid = session_ending_at(store, ENDED)
    answers.append([Qt.Key.Key_1, Qt.Key.Key_N])
    window.offer_next_day_check()
    assert (not answers) is asked
    check = store.next_day_check(sid)
    assert (check is not None) is asked
    if asked:
        assert check is not None
        assert (check.feeling, check.lasting_soreness) == ("better", False)


@pytest.mark.parametrize(
    ("keys", "feeling", "sore"),
    [
        ([Qt.Key.Key_1, Qt.Key.Key_N], "better", False),
        ([Qt.Key.Key_2, Qt.Key.Key_Y], "same", True),
        ([Qt.Key.Key_Y, Qt.Key.Key_3], "worse", True),  # either order
    ],
)
def test_one_key_per_answer(
    make_window: Callable[..., MainWindow],
    answers: list[Keys],
    keys: Keys,
    feeling: str,
    sore: bool,
) -> None:
    window, store, _ = window_at(make_window, 20)
    sid = session_ending_at(store, ENDED)
    answers.append(keys)
    window.offer_next_day_check()
    check = store.next_day_check(sid)
    assert check is not None and (check.feeling, check.lasting_soreness) == (feeling, sore)
    # Answered: never asked again for this session.
    window.offer_next_day_check()
    assert answers == []


def test_esc_asks_again_at_the_next_start_and_d_never_again(
    make_window: Callable[..., MainWindow], answers: list[Keys]
) -> None:
    window, store, clock = window_at(make_window, 13)
    sid = session_ending_at(store, ENDED)
    answers.append([Qt.Key.Key_2, Qt.Key.Key_Escape])  # half answered, then "ask me later"
    window.offer_next_day_check()
    assert store.next_day_check(sid) is None
    clock.advance(17 * 3600)  # the next start, 30 hours after the session
    answers.append([Qt.Key.Key_D])
    window.offer_next_day_check()
    check = store.next_day_check(sid)
    assert check is not None and check.declined
    window.offer_next_day_check()  # declined: not asked again
    assert answers == []


def test_never_about_a_session_without_sets_or_an_older_one(
    make_window: Callable[..., MainWindow], answers: list[Keys]
) -> None:
    window, store, _ = window_at(make_window, 20)
    session_ending_at(store, ENDED - timedelta(hours=10))  # due on its own…
    session_ending_at(store, ENDED, with_set=False)  # …but a later one came after
    window.offer_next_day_check()
    assert answers == []


def test_the_dialog_can_be_answered_with_the_mouse(qtbot: QtBot) -> None:
    from psoas_timer.core.next_day import LastSession

    last = LastSession(1, "ql-claw", ENDED - timedelta(minutes=20), ENDED, True, False)
    dialog = NextDayDialog(last, "QL Claw")
    qtbot.addWidget(dialog)
    assert "QL Claw" in dialog.findChildren(type(dialog.advice))[0].text()
    qtbot.mouseClick(dialog.feeling_buttons["worse"], Qt.MouseButton.LeftButton)
    assert dialog.choice is NextDayChoice.LATER  # one answer is not enough
    qtbot.mouseClick(dialog.soreness_buttons[True], Qt.MouseButton.LeftButton)
    assert dialog.choice is NextDayChoice.ANSWERED
    assert (dialog.feeling, dialog.lasting_soreness) == ("worse", True)
    assert not dialog.advice.isHidden()  # lasting soreness: the safety advice is shown


def test_the_history_shows_the_answer(
    make_window: Callable[..., MainWindow], answers: list[Keys]
) -> None:
    window, store, _ = window_at(make_window, 20)
    session_ending_at(store, ENDED)
    answers.append([Qt.Key.Key_3, Qt.Key.Key_Y])
    window.offer_next_day_check()
    page = window.show_progress()
    assert page is not None
    model = page.history.model
    assert model.data(model.index(0, COL_NEXT_DAY)) == "Worse, lasting soreness"


def test_enter_asks_later_and_never_declines(qtbot: QtBot) -> None:
    from psoas_timer.core.next_day import LastSession

    last = LastSession(1, "ql-claw", ENDED - timedelta(minutes=20), ENDED, True, False)
    dialog = NextDayDialog(last, "QL Claw")
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    qtbot.keyClick(dialog, Qt.Key.Key_Return)
    assert dialog.choice is NextDayChoice.LATER
    assert dialog.result() == NextDayDialog.DialogCode.Rejected
