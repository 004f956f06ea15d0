"""Whole sessions through the real window, driven by keys, on a fake clock."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from psoas_timer.core.clock import FakeClock
from psoas_timer.core.engine import SessionEngine, State
from psoas_timer.core.pacing import pace, ring_fraction
from psoas_timer.core.plan import StepKind
from psoas_timer.store import Store, export_csv
from psoas_timer.ui.main_window import MainWindow
from psoas_timer.ui.session.session_page import SessionPage
from psoas_timer.ui.widgets.ring import MIN_FRACTION
from tests.helpers import QUICK_SETTINGS
from tests.qt_helpers import run_for, run_until, start_session


def press(qtbot: QtBot, window: MainWindow, key: Qt.Key, text: str = "") -> None:
    qtbot.keyClick(window.session, key) if not text else qtbot.keyClicks(window.session, text)


def start(
    window: MainWindow, qtbot: QtBot, tool: str = "ql-claw", sides: str = "both"
) -> tuple[SessionPage, SessionEngine]:
    """Start a session from the tools; the session page and its engine."""
    start_session(window, tool, sides)
    page = window.session
    assert window.stack.currentWidget() is page
    assert page.engine is not None
    return page, page.engine


def kind_is(window: MainWindow, kind: StepKind) -> Callable[[], bool]:
    def check() -> bool:
        engine = window.session.engine
        return engine is not None and engine.step.kind is kind

    return check


def test_whole_two_sided_ql_claw_session_by_keys(
    qtbot: QtBot, make_window: Callable[..., MainWindow]
) -> None:
    clock = FakeClock()
    window = make_window(clock)
    window.show()
    qtbot.waitExposed(window)
    page, engine = start(window, qtbot)

    # Left: yes to extra pressure 1, one more set there, then come off.
    assert (page.side.text(), page.title.text()) == ("Left side", "Get into position")
    assert page.stop_button.isVisible() and page.safety.isVisible()
    run_until(window, clock, StepKind.RATING)
    assert page.centre.currentWidget() is page.rating
    assert not page.diagram.isVisible() and page.stop_button.isVisible()
    qtbot.keyClicks(page, "7")
    assert page.title.text() == "Base set" and page.ring.isVisible()
    run_for(window, clock, 12)
    assert page.ring._count == "2 / 5"
    run_until(window, clock, StepKind.QUESTION)
    assert page.title.text() == "More pressure?"
    assert page.centre.currentWidget() is page.choices
    assert page.choices.status.text() == "Waiting for your answer"
    assert [b.text() for b in page.choices.buttons] == [
        "Yes: Extra pressure 1 of 3 — Glute squeeze, leg locked   (Enter)",
        "One more set at this level   (Space)",
        "Come off the tool and rate   (←)",
    ]
    assert "Squeeze the buttock" in page.choices.body.text()  # what yes would bring
    assert (
        page.diagram.isVisible()
        and page.diagram.source == engine.plan.set_step("left", 1).picture.source
    )
    qtbot.keyClick(page, Qt.Key.Key_Return)
    assert engine.step.kind is StepKind.TRANSITION
    assert page.title.text() == "Next: Extra pressure 1 of 3 — Glute squeeze, leg locked"
    run_until(window, clock, StepKind.SET)
    assert engine.step.level == 1
    run_until(window, clock, StepKind.QUESTION)
    qtbot.keyClick(page, Qt.Key.Key_Space)
    assert engine.step.kind is StepKind.SET and engine.step.again
    run_until(window, clock, StepKind.QUESTION)
    qtbot.keyClick(page, Qt.Key.Key_Left)
    assert engine.step.kind is StepKind.COME_OFF and not page.diagram.isVisible()
    assert not page.stop_button.isVisible()
    run_until(window, clock, StepKind.RATING)
    qtbot.keyClick(page, Qt.Key.Key_3)

    # Right: release in the base set goes straight to coming off and the after-rating.
    assert page.title.text() == "Switch sides" and page.diagram.mirrored
    run_until(window, clock, StepKind.RATING)
    qtbot.keyClick(page, Qt.Key.Key_6)
    run_for(window, clock, 23)  # breath 3
    qtbot.keyClick(page, Qt.Key.Key_R)
    run_until(window, clock, StepKind.COME_OFF, limit=10)
    assert page.title.text() == "Released — come off the tool"
    run_until(window, clock, StepKind.RATING)
    assert engine.step.moment == "after"
    qtbot.keyClick(page, Qt.Key.Key_2)

    # Stretches show the stretch, never the tool; Enter skips through them.
    assert engine.step.stretch is not None
    assert page.diagram.source == engine.step.stretch.diagram
    assert not page.safety.isVisible() and not page.stop_button.isVisible()
    while engine.state is not State.FINISHED:
        qtbot.keyClick(page, Qt.Key.Key_Return)
    assert page.title.text() == "Session complete"
    assert page.centre.currentWidget() is page.summary
    summary = page.summary.text()
    assert "Tenderness 7 → 3 (−4, a meaningful drop)" in summary
    assert "Released at breath 3 of the base set" in summary
    assert "Last time: no earlier session with this tool" in summary
    assert not page.diagram.isVisible()
    assert [r.outcome for r in engine.results] == [
        "completed",
        "completed",
        "completed",
        "released",
    ]
    assert not page.timers_active
    qtbot.keyClick(page, Qt.Key.Key_Return)
    assert window.stack.currentWidget() is window.picker
    store = window.saving.store
    assert isinstance(store, Store)
    (logged,) = store.sessions()
    assert logged.set_count == 4
    assert logged.side("left").before == 7 and logged.side("right").after == 2

    # The next session with the same tool compares with this one.
    start(window, qtbot, sides="left")
    run_until(window, clock, StepKind.RATING)
    qtbot.keyClick(page, Qt.Key.Key_5)
    page.end_session(confirm=False)
    assert "Last time: 7 → 3 (−4, a meaningful drop)" in page.summary.text()


def test_with_no_answer_no_second_set_ever_starts(
    qtbot: QtBot, make_window: Callable[..., MainWindow]
) -> None:
    clock = FakeClock()
    window = make_window(clock, QUICK_SETTINGS.with_changes(pressure_minutes=15))
    page, engine = start(window, qtbot, sides="left")
    run_until(window, clock, StepKind.RATING)
    qtbot.keyClick(page, Qt.Key.Key_4)
    run_until(window, clock, StepKind.QUESTION)
    run_for(window, clock, 600, step=2.0)  # ten minutes, no answer
    assert engine.step.kind is StepKind.QUESTION
    assert page.choices.status.text() == "Waiting for your answer"
    assert len(engine.results) == 1
    # The limit is still the limit: at 15 minutes on the tool the session says come off.
    run_until(window, clock, StepKind.COME_OFF, limit=400)
    assert engine.step.come_off == "time_limit" and len(engine.results) == 1


def test_the_end_of_a_set_is_heard_with_spoken_steps_off(
    qtbot: QtBot, make_window: Callable[..., MainWindow], monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = FakeClock()
    window = make_window(clock, QUICK_SETTINGS.with_changes(voice=False))
    page, engine = start(window, qtbot, sides="left")
    run_until(window, clock, StepKind.RATING)
    qtbot.keyClick(page, Qt.Key.Key_4)
    played: list[tuple[StepKind, str]] = []
    monkeypatch.setattr(page.cues, "play", lambda cue: played.append((engine.step.kind, cue)))
    run_until(window, clock, StepKind.QUESTION)
    # Face down with tones only, the chime is what says the set is over and a question waits.
    assert played and played[-1] == (StepKind.QUESTION, "chime")
    assert all(kind is StepKind.SET for kind, _ in played[:-1])
    engine.end()


def test_hands_free_goes_on_after_ten_seconds_unless_stopped(
    qtbot: QtBot, make_window: Callable[..., MainWindow]
) -> None:
    clock = FakeClock()
    window = make_window(clock, QUICK_SETTINGS.with_changes(hands_free=True))
    page, engine = start(window, qtbot, sides="left")
    run_until(window, clock, StepKind.RATING)
    qtbot.keyClick(page, Qt.Key.Key_4)
    run_until(window, clock, StepKind.QUESTION)
    waited = run_until(window, clock, StepKind.TRANSITION, limit=60)
    assert 10 <= waited < 40  # its words (read on screen), then ten seconds
    run_until(window, clock, StepKind.QUESTION, limit=200)
    run_for(window, clock, 3)
    assert page.choices.status.text().startswith("Going on in")
    assert page.choices.buttons[0].text() == "Stay at this level and be asked   (←)"
    qtbot.mouseClick(page, Qt.MouseButton.LeftButton)  # a click keeps this level
    assert engine.step.kind is StepKind.QUESTION and engine.step.duration is None
    assert page.choices.buttons[-1].text() == "Come off the tool and rate   (←)"
    run_for(window, clock, 60)
    assert engine.step.kind is StepKind.QUESTION
    assert page.choices.status.text() == "Waiting for your answer"
    engine.end()


def test_stop_asks_why_gives_advice_and_the_export_carries_it(
    qtbot: QtBot, make_window: Callable[..., MainWindow]
) -> None:
    clock = FakeClock()
    window = make_window(clock)
    page, engine = start(window, qtbot, sides="left")
    run_until(window, clock, StepKind.RATING)
    qtbot.keyClick(page, Qt.Key.Key_5)
    run_for(window, clock, 14)  # breath 3
    assert not page.hints.isHidden()
    qtbot.keyClick(page, Qt.Key.Key_S)
    assert engine.step.kind is StepKind.STOP_REASON
    assert page.centre.currentWidget() is page.choices
    assert page.choices.buttons[0].text() == "A pulse under the tool   (1)"
    qtbot.keyClick(page, Qt.Key.Key_1)
    assert engine.step.kind is StepKind.STOP_ADVICE
    assert "pulse" in page.choices.body.text().lower()
    run_for(window, clock, 120)
    assert engine.step.kind is StepKind.STOP_ADVICE
    qtbot.keyClick(page, Qt.Key.Key_Return)
    assert engine.step.kind is StepKind.RATING and engine.step.moment == "after"
    qtbot.keyClick(page, Qt.Key.Key_3)
    store = window.saving.store
    assert isinstance(store, Store)
    out = io.StringIO(newline="")
    export_csv(store, out)
    rows = list(csv.DictReader(io.StringIO(out.getvalue(), newline="")))
    (stop,) = [row for row in rows if row["record"] == "stop"]
    assert (stop["side"], stop["level"], stop["breath"], stop["reason"]) == (
        "left",
        "0",
        "2",
        "pulse",
    )
    assert [row["outcome"] for row in rows if row["record"] == "set"] == ["stopped"]
    engine.end()


def test_the_stop_button_stops_like_s(qtbot: QtBot, make_window: Callable[..., MainWindow]) -> None:
    clock = FakeClock()
    window = make_window(clock)
    window.show()
    page, engine = start(window, qtbot, sides="left")
    qtbot.mouseClick(page.stop_button, Qt.MouseButton.LeftButton)
    assert engine.step.kind is StepKind.STOP_REASON
    qtbot.mouseClick(page.choices.buttons[-1], Qt.MouseButton.LeftButton)  # no reason
    assert engine.stops[-1].reason == "not_given"
    qtbot.mouseClick(page.choices.buttons[1], Qt.MouseButton.LeftButton)  # end the session
    assert engine.state is State.FINISHED


def test_esc_at_the_stop_advice_ends_without_a_second_question(
    qtbot: QtBot, make_window: Callable[..., MainWindow], monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[str] = []
    monkeypatch.setattr(
        "psoas_timer.ui.prompts.confirm", lambda _parent, title, *_a, **_k: asked.append(title)
    )
    clock = FakeClock()
    window = make_window(clock)
    page, engine = start(window, qtbot, sides="left")
    qtbot.keyClick(page, Qt.Key.Key_S)
    qtbot.keyClick(page, Qt.Key.Key_3)
    assert engine.step.kind is StepKind.STOP_ADVICE
    assert page.choices.buttons[1].text() == "End the session   (Esc)"
    assert page.hints.isHidden()  # the buttons name the keys that apply here
    qtbot.keyClick(page, Qt.Key.Key_Escape)  # what the button says Esc does
    assert engine.state is State.FINISHED
    assert asked == []
    assert page.centre.currentWidget() is page.summary and page.hints.isHidden()


def test_pause_resume_back_off_released_and_end(
    qtbot: QtBot, make_window: Callable[..., MainWindow], monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = FakeClock()
    window = make_window(clock)
    page, engine = start(window, qtbot, sides="left")
    run_until(window, clock, StepKind.RATING)
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
    run_until(window, clock, StepKind.QUESTION)
    qtbot.keyClick(page, Qt.Key.Key_Return)
    run_until(window, clock, StepKind.SET)
    assert engine.step.level == 1
    qtbot.keyClick(page, Qt.Key.Key_Left)
    assert engine.step.kind is StepKind.TRANSITION and engine.step.level == 0
    assert page.title.text().startswith("Backing off")
    run_until(window, clock, StepKind.SET)
    qtbot.keyClick(page, Qt.Key.Key_R)
    assert page.notice.text() == "Release marked at breath 1."
    monkeypatch.setattr("psoas_timer.ui.prompts.confirm", lambda *args, **kwargs: True)
    qtbot.keyClick(page, Qt.Key.Key_Escape)
    assert engine.state is State.FINISHED
    assert [r.outcome for r in engine.results] == ["completed", "backed_off", "ended_early"]
    assert engine.results[2].released_breath == 1
    assert page.title.text() == "Session ended"
    assert not page.timers_active


def test_ring_radius_follows_the_pacer(
    qtbot: QtBot, make_window: Callable[..., MainWindow]
) -> None:
    clock = FakeClock()
    window = make_window(clock)
    window.resize(1000, 700)
    window.show()
    qtbot.waitExposed(window)
    page, engine = start(window, qtbot, sides="left")
    run_until(window, clock, StepKind.RATING)
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
    page, engine = start(window, qtbot, sides="left")
    qtbot.mouseClick(page, Qt.MouseButton.LeftButton)
    assert engine.step.kind is StepKind.RATING
    qtbot.keyClick(page, Qt.Key.Key_T)
    assert engine.ratings[("left", "before")] == 10
    qtbot.mouseClick(page, Qt.MouseButton.LeftButton)
    assert engine.state is State.PAUSED
    qtbot.mouseClick(page, Qt.MouseButton.LeftButton)
    assert engine.state is State.RUNNING
    page.next_step()
    assert engine.step.kind is StepKind.QUESTION
    qtbot.mouseClick(page, Qt.MouseButton.LeftButton)  # a click never says yes
    assert engine.step.kind is StepKind.QUESTION
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
    run_until(window, clock, StepKind.RATING)
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
    run_until(window, clock, StepKind.RATING)
    qtbot.keyClick(page, Qt.Key.Key_0)  # the before-rating; the set starts
    run_for(window, clock, 1.0)  # past the set's first words
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


def test_release_in_the_left_base_set_goes_straight_to_the_left_after_rating(
    qtbot: QtBot, make_window: Callable[..., MainWindow]
) -> None:
    clock = FakeClock()
    window = make_window(clock)
    page, engine = start(window, qtbot)
    run_until(window, clock, StepKind.RATING)
    qtbot.keyClick(page, Qt.Key.Key_6)
    run_for(window, clock, 31)  # breath 4
    qtbot.keyClick(page, Qt.Key.Key_R)
    run_until(window, clock, StepKind.RATING, limit=60)
    assert (engine.step.side, engine.step.moment) == ("left", "after")
    kinds = [step.kind for step in engine.steps[: engine.index]]
    assert StepKind.QUESTION not in kinds and StepKind.TRANSITION not in kinds
    (result,) = engine.results
    assert (result.outcome, result.released_breath, result.breaths_done) == ("released", 4, 4)
    engine.end()


def test_a_level_that_changes_the_set_up_waits_and_reminds(
    qtbot: QtBot, make_window: Callable[..., MainWindow], monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = FakeClock()
    window = make_window(clock, QUICK_SETTINGS.with_changes(pressure_minutes=15))
    said: list[str] = []
    original = window.voice.say

    def say(text: str, *, interrupt: bool = False) -> None:
        said.append(text)
        original(text, interrupt=interrupt)

    monkeypatch.setattr(window.voice, "say", say)
    page, engine = start(window, qtbot, sides="left")
    run_until(window, clock, StepKind.RATING)
    qtbot.keyClick(page, Qt.Key.Key_6)
    for _ in range(3):  # yes, three times, to the tool on a book
        run_until(window, clock, StepKind.QUESTION)
        qtbot.keyClick(page, Qt.Key.Key_Return)
    assert engine.step.kind is StepKind.TRANSITION and engine.step.level == 3
    assert engine.remaining() is None
    run_for(window, clock, 65)
    assert engine.step.kind is StepKind.TRANSITION
    assert (page.ring._word, page.ring._count) == ("Ready?", "Enter")
    reminders = [text for text in said if text == engine.step.words.remind]
    assert len(reminders) == 2  # every 30 s
    qtbot.keyClick(page, Qt.Key.Key_Return)
    assert engine.step.kind is StepKind.SET and engine.step.level == 3
    engine.end()
