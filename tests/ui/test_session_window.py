"""A whole session through the real window, driven by keys, on a fake clock."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from psoas_timer.core.clock import FakeClock
from psoas_timer.core.engine import State
from psoas_timer.core.pacing import pace, ring_fraction
from psoas_timer.core.plan import StepKind
from psoas_timer.store import Store
from psoas_timer.ui.main_window import MainWindow
from psoas_timer.ui.widgets.ring import MIN_FRACTION
from tests.helpers import QUICK_SETTINGS
from tests.qt_helpers import start_session


def press(qtbot: QtBot, window: MainWindow, key: Qt.Key, text: str = "") -> None:
    qtbot.keyClick(window.session, key) if not text else qtbot.keyClicks(window.session, text)


def run_for(window: MainWindow, clock: FakeClock, seconds: float, step: float = 0.5) -> None:
    end = clock.now() + seconds
    while clock.now() < end:
        clock.advance(min(step, end - clock.now()))
        window.session.refresh()


def start(window: MainWindow, qtbot: QtBot, tool: str = "ql-claw", sides: str = "both") -> None:
    start_session(window, tool, sides)
    assert window.stack.currentWidget() is window.session


def test_whole_two_sided_ql_claw_session_by_keys(
    qtbot: QtBot, make_window: Callable[..., MainWindow]
) -> None:
    clock = FakeClock()
    window = make_window(clock)
    window.show()
    qtbot.waitExposed(window)
    start(window, qtbot)
    page = window.session
    engine = page.engine
    assert engine is not None
    seen: list[str] = []

    for side in ("Left side", "Right side"):
        assert page.side.text() == side
        assert page.title.text() in ("Get into position", "Switch sides")
        assert page.diagram.mirrored is (side == "Right side")
        seen.append(page.title.text())
        run_for(window, clock, 5)
        assert engine.step.kind is StepKind.RATING
        assert page.centre.currentWidget() is page.rating
        qtbot.keyClicks(page, "7")
        assert page.title.text() == "Base set"
        assert page.ring.isVisible()
        run_for(window, clock, 12)
        assert page.ring._count == "2 / 5"
        for level, name in enumerate(("Glute squeeze", "knee", "book"), start=1):
            run_for(window, clock, 50 - (12 if level == 1 else 0))
            assert engine.step.kind is StepKind.TRANSITION, page.title.text()
            assert page.title.text().startswith(f"Next: Extra pressure {level} of 3")
            assert name.lower() in page.title.text().lower()
            run_for(window, clock, 3)
            assert engine.step.kind is StepKind.SET and engine.step.level == level
            seen.append(page.title.text())
        run_for(window, clock, 50)
        assert engine.step.kind is StepKind.RATING and engine.step.moment == "after"
        qtbot.keyClick(page, Qt.Key.Key_3)
    # Stretches follow; Enter skips through them.
    while engine.state is not State.FINISHED:
        qtbot.keyClick(page, Qt.Key.Key_Return)
    assert page.title.text() == "Session complete"
    assert [r.outcome for r in engine.results].count("completed") == 8
    assert engine.ratings == {
        ("left", "before"): 7,
        ("left", "after"): 3,
        ("right", "before"): 7,
        ("right", "after"): 3,
    }
    assert not page.timers_active
    qtbot.keyClick(page, Qt.Key.Key_Return)
    assert window.stack.currentWidget() is window.picker
    # The log has it all.
    store = window.saving.store
    assert isinstance(store, Store)
    summaries = store.sessions()
    assert len(summaries) == 1
    assert summaries[0].set_count == 8
    assert summaries[0].side("left").before == 7 and summaries[0].side("right").after == 3


def test_pause_resume_back_off_released_and_end(
    qtbot: QtBot, make_window: Callable[..., MainWindow], monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = FakeClock()
    window = make_window(clock)
    start(window, qtbot, sides="left")
    page = window.session
    engine = page.engine
    assert engine is not None
    run_for(window, clock, 5)
    qtbot.keyClick(page, Qt.Key.Key_5)
    run_for(window, clock, 14)  # breath 2, inhale
    qtbot.keyClick(page, Qt.Key.Key_Space)
    assert engine.state is State.PAUSED and page.ring._word == "Paused"
    assert not page.timers_active
    clock.advance(30)
    page.refresh()
    assert page.ring._count == "2 / 5"
    qtbot.keyClick(page, Qt.Key.Key_Space)
    assert engine.state is State.RUNNING and page.timers_active
    qtbot.keyClick(page, Qt.Key.Key_R)
    assert "breath 2" in page.notice.text()
    run_for(window, clock, 36 + 3 + 10)  # into extra pressure 1
    assert engine.step.level == 1
    qtbot.keyClick(page, Qt.Key.Key_Left)
    assert engine.step.kind is StepKind.TRANSITION and engine.step.level == 0
    assert page.title.text().startswith("Backing off")
    run_for(window, clock, 3)
    assert engine.step.kind is StepKind.SET and engine.step.level == 0
    monkeypatch.setattr("psoas_timer.ui.prompts.confirm", lambda *args, **kwargs: True)
    qtbot.keyClick(page, Qt.Key.Key_Escape)
    assert engine.state is State.FINISHED
    assert [r.outcome for r in engine.results] == ["completed", "backed_off", "ended_early"]
    assert engine.results[0].released_breath == 2
    assert not page.timers_active


def test_ring_radius_follows_the_pacer(
    qtbot: QtBot, make_window: Callable[..., MainWindow]
) -> None:
    clock = FakeClock()
    window = make_window(clock)
    window.resize(1000, 700)
    window.show()
    qtbot.waitExposed(window)
    start(window, qtbot, sides="left")
    page = window.session
    engine = page.engine
    assert engine is not None
    run_for(window, clock, 5)
    qtbot.keyClick(page, Qt.Key.Key_0)
    set_start = clock.now()
    outer = page.ring.outer_radius()
    for elapsed in (0.0, 1.0, 2.0, 3.9, 4.0, 6.5, 9.99, 21.3):
        clock.set(set_start + elapsed)
        page.refresh()
        expected = ring_fraction(pace(engine.plan.pattern, 5, elapsed))
        assert page.ring.fraction == pytest.approx(expected)
        assert page.ring.radius() == pytest.approx(
            outer * (MIN_FRACTION + (1 - MIN_FRACTION) * expected)
        )
    engine.end()


def test_click_pauses_during_a_set_and_goes_on_elsewhere(
    qtbot: QtBot, make_window: Callable[..., MainWindow]
) -> None:
    clock = FakeClock()
    window = make_window(clock)
    window.show()
    start(window, qtbot, sides="left")
    page = window.session
    engine = page.engine
    assert engine is not None
    qtbot.mouseClick(page, Qt.MouseButton.LeftButton)
    assert engine.step.kind is StepKind.RATING
    qtbot.keyClick(page, Qt.Key.Key_T)
    assert engine.ratings[("left", "before")] == 10
    qtbot.mouseClick(page, Qt.MouseButton.LeftButton)
    assert engine.state is State.PAUSED
    qtbot.mouseClick(page, Qt.MouseButton.LeftButton)
    assert engine.state is State.RUNNING
    engine.end()


def test_floor_mode_is_full_screen_with_big_text(
    qtbot: QtBot, make_window: Callable[..., MainWindow]
) -> None:
    clock = FakeClock()
    window = make_window(clock, QUICK_SETTINGS.with_changes(floor_mode=True))
    window.show()
    start(window, qtbot, sides="left")
    assert window.floor_mode and window.isFullScreen()
    page = window.session
    run_for(window, clock, 5)
    qtbot.keyClick(page, Qt.Key.Key_4)
    qtbot.wait(50)
    screen_height = window.screen().geometry().height()
    assert page.ring.outer_radius() * 2 >= screen_height / 2
    assert page.ring._min_text_px >= int(0.1 * page.height())
    qtbot.keyClick(page, Qt.Key.Key_F11)
    assert not window.floor_mode
    assert page.engine is not None
    page.engine.end()


def test_a_cue_timer_waking_early_plays_its_cue_once(
    qtbot: QtBot, make_window: Callable[..., MainWindow], monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = FakeClock()
    window = make_window(clock)
    start(window, qtbot, sides="left")
    page = window.session
    run_for(window, clock, 5)
    qtbot.keyClick(page, Qt.Key.Key_0)  # the before-rating; the set starts
    played: list[tuple[float, object]] = []
    monkeypatch.setattr(page, "_play_phase", lambda phase: played.append((clock.now(), phase)))
    page._schedule()
    boundary = page._pending_at
    # The timer fires a millisecond before the boundary, as real timers do.
    clock.set(boundary - 0.001)
    page._on_cue_timer()
    assert played == []
    assert page._pending_at == boundary and page._cue_timer.isActive()
    clock.set(boundary + 0.0005)
    page._on_cue_timer()
    assert len(played) == 1
    assert page._pending_at > boundary  # the next boundary, never the same one again
    page._on_cue_timer()  # a stray wake-up before the next boundary plays nothing
    assert len(played) == 1
    assert page.engine is not None
    page.engine.end()
