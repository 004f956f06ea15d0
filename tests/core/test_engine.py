"""The session engine on a fake clock: pacing, opt-in escalation, release, the limit, Stop."""

from __future__ import annotations

import pytest

from psoas_timer.core.clock import FakeClock
from psoas_timer.core.engine import SessionEngine, SessionError, State
from psoas_timer.core.events import (
    BackedOff,
    Event,
    Paused,
    RatingGiven,
    Released,
    Resumed,
    SessionFinished,
    SetFinished,
    StepChanged,
    StepStarted,
    StopEvent,
    StopRecorded,
)
from psoas_timer.core.pacing import BreathPattern, Phase
from psoas_timer.core.plan import PlanOptions, StepKind, build_plan
from psoas_timer.core.vocab import HANDS_FREE_SECONDS, Sides
from tests.helpers import STRETCHES, make_tool

OPTIONS = PlanOptions(pattern=BreathPattern(4, 0, 6, 0), breaths=20, countdown=20, transition=8)


def engine_for(
    sides: Sides = "both",
    variants: int = 3,
    stretches: bool = False,
    breaths: int = 20,
    hands_free: bool = False,
    minutes: int = 6,
    repositions: tuple[int, ...] = (),
) -> tuple[SessionEngine, FakeClock, list[Event]]:
    options = PlanOptions(
        pattern=OPTIONS.pattern,
        breaths=breaths,
        countdown=20,
        transition=8,
        stretches=stretches,
        hands_free=hands_free,
        pressure_minutes=minutes,
    )
    tool = make_tool(variants, repositions=repositions)
    plan = build_plan(tool, None, sides, options, STRETCHES)
    clock = FakeClock(1000.0)
    engine = SessionEngine(plan, clock)
    events: list[Event] = []
    engine.subscribe(events.append)
    return engine, clock, events


def to_first_set(engine: SessionEngine, clock: FakeClock) -> None:
    engine.start()
    clock.advance(20)
    engine.update()
    assert engine.step.kind is StepKind.RATING
    engine.rate(6)
    assert engine.step.kind is StepKind.SET


def walk(engine: SessionEngine, clock: FakeClock, seconds: float, step: float = 0.5) -> None:
    end = clock.now() + seconds
    while clock.now() < end:
        clock.advance(min(step, end - clock.now()))
        engine.update()


def finish_set(engine: SessionEngine, clock: FakeClock) -> None:
    assert engine.step.kind is StepKind.SET
    remaining = engine.remaining()
    assert remaining is not None
    clock.advance(remaining)
    engine.update()


def test_a_plan_starts_with_one_base_set_per_side_and_nothing_more() -> None:
    plan = build_plan(make_tool(3), None, "both", OPTIONS, STRETCHES)
    kinds = [(s.kind.value, s.side, s.level, s.moment) for s in plan.steps]
    one_side = lambda side, first: [  # noqa: E731
        ("countdown" if first else "switch-side", side, 0, None),
        ("rating", side, 0, "before"),
        ("set", side, 0, None),
        ("rating", side, 0, "after"),
    ]
    assert kinds[:8] == one_side("left", True) + one_side("right", False)
    assert len([k for k in kinds if k[0] == "stretch"]) == 5  # lunge 2 x 2 sides, bridge once
    assert kinds[-1] == ("done", None, 0, None)


def test_phase_boundaries_exact_over_twenty_breaths() -> None:
    engine, clock, _ = engine_for()
    to_first_set(engine, clock)
    start = clock.now()
    seen: list[tuple[float, Phase, int]] = []
    while True:
        cue = engine.next_cue()
        if cue is None:
            break
        at, boundary = cue
        clock.set(at)  # straight to each scheduled cue, as a precise timer would
        engine.update()
        seen.append((at - start, boundary.phase, boundary.breath))
        if boundary.phase is Phase.DONE:
            break
    ideal = [
        item
        for i in range(20)
        for item in ((10.0 * i + 4, Phase.EXHALE, i + 1), (10.0 * i + 10, Phase.INHALE, i + 2))
    ]
    ideal[-1] = (200.0, Phase.DONE, 20)
    assert seen == ideal


def test_pause_shifts_later_boundaries_by_exactly_the_pause() -> None:
    engine, clock, events = engine_for()
    to_first_set(engine, clock)
    start = clock.now()
    clock.advance(57.0)  # mid exhale of breath 6
    engine.pause()
    assert engine.state is State.PAUSED and engine.next_cue() is None
    clock.advance(37.0)
    engine.update()
    p = engine.pace()
    assert p is not None and p.breath == 6 and p.phase is Phase.EXHALE  # frozen while paused
    engine.resume()
    assert isinstance(events[-1], Resumed) and events[-1].paused_for == 37.0
    cue = engine.next_cue()
    assert cue is not None and cue[0] - start == 60.0 + 37.0
    clock.set(start + 200.0 + 37.0 - 0.001)
    engine.update()
    assert engine.step.kind is StepKind.SET
    clock.advance(0.001)
    engine.update()
    (finished,) = [e for e in events if isinstance(e, SetFinished)]
    assert (finished.result.breaths_done, finished.result.paused_s) == (20, 37.0)
    assert finished.result.duration_s == 200.0
    assert engine.step.kind is StepKind.QUESTION


def test_late_updates_do_not_push_later_steps_back() -> None:
    engine, clock, events = engine_for()
    to_first_set(engine, clock)
    set_start = clock.now()
    clock.advance(200 + 33)  # one update long after the set ended
    engine.update()
    assert engine.step.kind is StepKind.QUESTION
    (finished,) = [e for e in events if isinstance(e, SetFinished)]
    assert finished.result.duration_s == 200.0
    engine.answer("more")
    assert engine.step.kind is StepKind.TRANSITION and engine.step.level == 1
    transition_start = clock.now()
    clock.advance(8 + 34)
    engine.update()
    assert engine.step.kind is StepKind.SET and engine.step.level == 1
    cue = engine.next_cue()
    assert cue is not None and cue[0] == transition_start + 8 + 40  # breath 5 begins
    assert set_start + 200 < transition_start


# -- escalation only when asked for ------------------------------------------------------


def test_with_no_answer_after_a_base_set_no_second_set_ever_starts() -> None:
    engine, clock, events = engine_for(minutes=15)
    to_first_set(engine, clock)
    finish_set(engine, clock)
    assert engine.step.kind is StepKind.QUESTION and engine.step.duration is None
    assert engine.step.title == "More pressure?"
    walk(engine, clock, 600, step=1.0)  # ten minutes with no answer
    assert engine.step.kind is StepKind.QUESTION
    assert [e.result.level for e in events if isinstance(e, SetFinished)] == [0]
    assert engine.next_deadline() is not None  # only the side's limit is still to come


def test_the_time_limit_ends_a_question_left_unanswered() -> None:
    engine, clock, _ = engine_for(minutes=6)
    to_first_set(engine, clock)
    finish_set(engine, clock)
    walk(engine, clock, 600, step=1.0)
    # 200 s of set + 160 s waiting on the tool = 6 minutes: come off, then rate.
    kinds = [s.kind for s in engine.steps[: engine.index + 1]]
    assert kinds[-2:] == [StepKind.COME_OFF, StepKind.RATING]
    assert engine.steps[engine.index - 1].come_off == "time_limit"
    assert engine.step.moment == "after"
    assert engine.pressure_seconds("left") == pytest.approx(360.0)


def test_yes_goes_up_one_level_and_space_repeats_the_level() -> None:
    engine, clock, events = engine_for(breaths=5, minutes=15)
    to_first_set(engine, clock)
    finish_set(engine, clock)
    assert engine.answer("more")
    assert engine.step.kind is StepKind.TRANSITION and engine.step.level == 1
    assert engine.step.title == "Next: Extra pressure 1 of 3 — Glute squeeze, leg locked"
    walk(engine, clock, 8)
    assert engine.step.kind is StepKind.SET and engine.step.level == 1
    finish_set(engine, clock)
    assert engine.answer("again")
    assert engine.step.kind is StepKind.SET and engine.step.level == 1 and engine.step.again
    finish_set(engine, clock)
    engine.next()  # Enter says yes
    assert engine.step.kind is StepKind.TRANSITION and engine.step.level == 2
    walk(engine, clock, 8)
    finish_set(engine, clock)
    assert engine.answer("off")
    assert engine.step.kind is StepKind.COME_OFF and engine.step.come_off == "chosen"
    walk(engine, clock, 8)
    assert engine.step.kind is StepKind.RATING and engine.step.moment == "after"
    levels = [e.result.level for e in events if isinstance(e, SetFinished)]
    assert levels == [0, 1, 1, 2]


def test_at_the_last_level_the_question_offers_one_more_set_or_coming_off() -> None:
    engine, clock, _ = engine_for(variants=1, breaths=5)
    to_first_set(engine, clock)
    finish_set(engine, clock)
    engine.answer("more")
    walk(engine, clock, 8)
    finish_set(engine, clock)
    assert engine.step.kind is StepKind.QUESTION and engine.step.title == "One more set?"
    assert "last level" in engine.step.words.spoken
    engine.answer("more")
    assert engine.step.kind is StepKind.SET and engine.step.level == 1 and engine.step.again


def test_a_level_that_changes_the_set_up_waits_for_enter_and_is_not_pressure() -> None:
    engine, clock, _ = engine_for(variants=1, breaths=5, repositions=(1,), minutes=2)
    to_first_set(engine, clock)
    finish_set(engine, clock)
    engine.answer("more")
    step = engine.step
    assert step.kind is StepKind.TRANSITION and step.duration is None and not step.pressure
    assert step.words.remind and "Press Enter" in step.words.shown
    walk(engine, clock, 600, step=2.0)
    assert engine.step is step  # off the tool, setting up: it waits as long as it takes
    engine.next()
    assert engine.step.kind is StepKind.SET and engine.step.level == 1


def test_hands_free_goes_on_after_its_words_and_ten_seconds() -> None:
    engine, clock, _ = engine_for(breaths=5, hands_free=True)
    to_first_set(engine, clock)
    finish_set(engine, clock)
    question = engine.step
    assert question.kind is StepKind.QUESTION and question.duration == HANDS_FREE_SECONDS
    engine.hold_for_speech(None)  # a voice says the question
    walk(engine, clock, 30)
    assert engine.step is question, "the countdown waits for the words"
    engine.speech_done()
    walk(engine, clock, HANDS_FREE_SECONDS - 0.5)
    assert engine.step is question
    walk(engine, clock, 0.5)
    assert engine.step.kind is StepKind.TRANSITION and engine.step.level == 1


def test_left_arrow_stops_a_hands_free_countdown_and_the_question_waits() -> None:
    engine, clock, events = engine_for(breaths=5, hands_free=True, minutes=15)
    to_first_set(engine, clock)
    finish_set(engine, clock)
    walk(engine, clock, 5)
    assert engine.back_off()
    changed = [e for e in events if isinstance(e, StepChanged)]
    assert len(changed) == 1 and "Staying at base set" in changed[0].said
    assert engine.step.kind is StepKind.QUESTION and engine.step.duration is None
    walk(engine, clock, 120)
    assert engine.step.kind is StepKind.QUESTION
    assert engine.back_off()  # now the left arrow means come off
    assert engine.step.kind is StepKind.COME_OFF


# -- release and the limit ---------------------------------------------------------------


def test_release_in_the_base_set_ends_that_breath_and_goes_to_the_after_rating() -> None:
    engine, clock, events = engine_for()
    to_first_set(engine, clock)
    clock.advance(73.5)  # breath 8, exhale
    assert engine.release()
    clock.advance(5)
    assert not engine.release()  # only the first mark counts
    assert [e for e in events if isinstance(e, Released)] == [Released("left", 0, 8, 73.5)]
    clock.advance(1.5)  # the end of breath 8
    engine.update()
    (finished,) = [e.result for e in events if isinstance(e, SetFinished)]
    assert (finished.outcome, finished.breaths_done, finished.duration_s) == ("released", 8, 80)
    assert (finished.released_breath, finished.released_at_s) == (8, 73.5)
    assert engine.step.kind is StepKind.COME_OFF and engine.step.come_off == "released"
    walk(engine, clock, 8)
    assert engine.step.kind is StepKind.RATING and engine.step.moment == "after"


def test_the_limit_ends_a_set_at_the_limit_with_its_own_outcome() -> None:
    engine, clock, events = engine_for(minutes=2, breaths=30)
    to_first_set(engine, clock)
    walk(engine, clock, 125)
    (finished,) = [e.result for e in events if isinstance(e, SetFinished)]
    assert (finished.outcome, finished.duration_s, finished.breaths_done) == ("time_limit", 120, 12)
    assert engine.step.kind is StepKind.COME_OFF and engine.step.come_off == "time_limit"
    assert "2 minutes" in engine.step.words.spoken


def test_time_under_pressure_counts_questions_but_not_setting_up_or_pauses() -> None:
    engine, clock, _ = engine_for(variants=1, breaths=5, repositions=(1,), minutes=15)
    to_first_set(engine, clock)
    finish_set(engine, clock)  # 50 s
    walk(engine, clock, 20)  # waiting at the question, on the tool
    engine.pause()
    clock.advance(100)
    engine.resume()
    engine.answer("more")
    walk(engine, clock, 40)  # setting up on a book
    assert engine.pressure_seconds("left") == pytest.approx(70.0)
    engine.next()
    walk(engine, clock, 10)
    assert engine.pressure_seconds("left") == pytest.approx(80.0)


# -- back off and Stop ------------------------------------------------------------------------


def test_back_off_returns_to_the_previous_level_and_the_harder_ones_are_not_offered() -> None:
    engine, clock, events = engine_for(breaths=5, minutes=15)
    to_first_set(engine, clock)
    for _ in range(2):
        finish_set(engine, clock)
        engine.answer("more")
        walk(engine, clock, 8)
    assert engine.step.kind is StepKind.SET and engine.step.level == 2
    clock.advance(12)  # breath 2 under way
    assert engine.back_off()
    assert [e for e in events if isinstance(e, BackedOff)] == [BackedOff("left", 2, 1)]
    last = [e for e in events if isinstance(e, SetFinished)][-1].result
    assert (last.level, last.outcome, last.breaths_done) == (2, "backed_off", 1)
    assert engine.step.kind is StepKind.TRANSITION and engine.step.title.startswith("Backing off")
    walk(engine, clock, 8)
    finish_set(engine, clock)
    assert engine.step.kind is StepKind.QUESTION and engine.step.title == "One more set?"
    engine.answer("off")
    walk(engine, clock, 8)
    engine.rate(4)
    assert engine.step.kind is StepKind.SWITCH_SIDE
    walk(engine, clock, 20)
    engine.rate(5)
    finish_set(engine, clock)
    assert engine.step.title == "More pressure?"  # the other side starts afresh


def test_back_off_at_the_base_level_pauses() -> None:
    engine, clock, events = engine_for()
    to_first_set(engine, clock)
    clock.advance(3)
    assert engine.back_off()
    assert isinstance(events[-1], Paused) and BackedOff("left", 0, -1) in events
    assert engine.state is State.PAUSED and engine.step.level == 0


def test_back_off_before_a_level_begins_asks_again_at_the_level_before() -> None:
    engine, clock, _ = engine_for(breaths=5)
    to_first_set(engine, clock)
    finish_set(engine, clock)
    engine.answer("more")
    assert engine.back_off()
    assert engine.step.kind is StepKind.QUESTION and engine.step.level == 0
    assert engine.step.title == "One more set?"
    assert [s.kind for s in engine.steps[engine.index + 1 :]][:1] == [StepKind.RATING]


def test_back_off_outside_pressure_steps_does_nothing() -> None:
    engine, _, _ = engine_for()
    engine.start()
    assert not engine.back_off()
    assert engine.step.kind is StepKind.COUNTDOWN


def test_stop_ends_the_set_at_once_asks_why_and_records_the_answer() -> None:
    engine, clock, events = engine_for()
    to_first_set(engine, clock)
    clock.advance(43)  # breath 5
    assert engine.stop()
    result = [e for e in events if isinstance(e, SetFinished)][-1].result
    assert (result.outcome, result.breaths_done, result.duration_s) == ("stopped", 4, 43)
    assert engine.step.kind is StepKind.STOP_REASON
    assert not engine.stop()  # once is enough
    assert engine.give_reason("pulse")
    assert engine.stops == [StopEvent("left", 0, 5, "pulse")]
    assert StopRecorded(StopEvent("left", 0, 5, "pulse")) in events
    assert engine.step.kind is StepKind.STOP_ADVICE and engine.step.reason == "pulse"
    assert "pulse" in engine.step.words.shown.lower()
    walk(engine, clock, 600, step=5.0)
    assert engine.step.kind is StepKind.STOP_ADVICE  # waits for the person
    engine.next()
    assert engine.step.kind is StepKind.RATING and engine.step.moment == "after"


def test_stop_before_the_set_skips_to_the_after_rating_and_ending_keeps_the_stop() -> None:
    engine, clock, events = engine_for(sides="left")
    engine.start()
    clock.advance(5)
    assert engine.stop()
    assert engine.step.kind is StepKind.STOP_REASON
    assert engine.steps[engine.index + 1].kind is StepKind.RATING
    engine.end()
    assert engine.stops == [StopEvent("left", 0, None, "not_given")]
    assert events[-1] == SessionFinished(completed=False)


def test_enter_at_the_stop_question_goes_on_without_a_reason() -> None:
    engine, clock, _ = engine_for(sides="left")
    to_first_set(engine, clock)
    engine.stop()
    engine.next()
    assert engine.stops[-1].reason == "not_given"
    assert engine.step.kind is StepKind.STOP_ADVICE


# -- holding for words ---------------------------------------------------------------------


def test_a_transition_counts_down_only_once_its_words_are_said() -> None:
    engine, clock, _ = engine_for(breaths=5)
    to_first_set(engine, clock)
    finish_set(engine, clock)
    engine.answer("more")
    engine.hold_for_speech(None)
    assert engine.waiting_for_words and engine.next_deadline() is not None  # the limit
    walk(engine, clock, 20)
    assert engine.step.kind is StepKind.TRANSITION
    engine.speech_done()
    walk(engine, clock, 7.5)
    assert engine.step.kind is StepKind.TRANSITION and engine.remaining() == pytest.approx(0.5)
    walk(engine, clock, 0.5)
    assert engine.step.kind is StepKind.SET


def test_without_a_voice_a_step_waits_for_the_estimated_length_of_its_words() -> None:
    engine, clock, _ = engine_for()
    engine.start()
    engine.hold_for_speech(12.0)
    walk(engine, clock, 31.5)
    assert engine.step.kind is StepKind.COUNTDOWN
    walk(engine, clock, 0.5)
    assert engine.step.kind is StepKind.RATING


def test_a_pause_cuts_the_words_short_and_the_countdown_goes_on_after_it() -> None:
    engine, clock, _ = engine_for()
    engine.start()
    engine.hold_for_speech(None)
    clock.advance(4)
    engine.pause()
    clock.advance(50)
    engine.resume()
    walk(engine, clock, 19.5)
    assert engine.step.kind is StepKind.COUNTDOWN
    walk(engine, clock, 0.5)
    assert engine.step.kind is StepKind.RATING


# -- whole sessions ----------------------------------------------------------------------------


def test_whole_two_sided_session_saying_yes_until_the_limit() -> None:
    engine, clock, events = engine_for(stretches=True, breaths=5, minutes=3)
    engine.start()
    for _ in range(20_000):
        if engine.state is State.FINISHED:
            break
        step = engine.step
        if step.kind is StepKind.RATING:
            engine.rate(7 if step.moment == "before" else 3)
        elif step.kind is StepKind.QUESTION:
            engine.answer("more")
        else:
            clock.advance(0.5)
            engine.update()
    assert engine.state is State.FINISHED
    started = [e.step.kind for e in events if isinstance(e, StepStarted)]
    assert started == [s.kind for s in engine.steps]
    # 3 minutes: base (50 s), +1 and +2 (8 s before each, 50 s), 8 s, then +3 for 6 s.
    levels = [r.level for r in engine.results]
    assert levels == [0, 1, 2, 3, 0, 1, 2, 3]
    assert engine.results[3].duration_s == pytest.approx(6.0)
    assert [r.outcome for r in engine.results].count("time_limit") == 2
    assert engine.ratings == {
        ("left", "before"): 7,
        ("left", "after"): 3,
        ("right", "before"): 7,
        ("right", "after"): 3,
    }
    assert isinstance(events[-1], SessionFinished) and events[-1].completed
    ratings = [e for e in events if isinstance(e, RatingGiven)]
    assert [(r.side, r.moment) for r in ratings] == [
        ("left", "before"),
        ("left", "after"),
        ("right", "before"),
        ("right", "after"),
    ]


def test_next_skips_rating_and_set() -> None:
    engine, clock, _ = engine_for(variants=0, sides="left")
    engine.start()
    engine.next()
    assert engine.step.kind is StepKind.RATING
    engine.next()
    assert engine.step.kind is StepKind.SET
    clock.advance(15)
    engine.next()
    assert engine.results[-1].outcome == "skipped" and engine.results[-1].breaths_done == 1
    assert engine.step.kind is StepKind.QUESTION and engine.step.title == "One more set?"


def test_end_early_keeps_everything_done() -> None:
    engine, clock, events = engine_for()
    to_first_set(engine, clock)
    clock.advance(45)
    engine.end()
    assert engine.state is State.FINISHED
    assert engine.ratings == {("left", "before"): 6}
    result = engine.results[-1]
    assert (result.outcome, result.breaths_done, result.duration_s) == ("ended_early", 4, 45)
    assert events[-1] == SessionFinished(completed=False)
    engine.end()  # a second end is harmless
    assert events.count(SessionFinished(completed=False)) == 1


def test_rating_rules() -> None:
    engine, clock, _ = engine_for()
    engine.start()
    with pytest.raises(SessionError):
        engine.rate(3)  # no rating asked during the countdown
    clock.advance(20)
    for bad in (-1, 11, 2.5, True):
        with pytest.raises(ValueError, match="0 to 10"):
            engine.rate(bad)  # type: ignore[arg-type]
    engine.rate(10)
    assert engine.ratings[("left", "before")] == 10


def test_release_outside_a_set_is_ignored() -> None:
    engine, _, _ = engine_for()
    engine.start()
    assert not engine.release()


def test_cannot_start_twice() -> None:
    engine, _, _ = engine_for()
    engine.start()
    with pytest.raises(SessionError):
        engine.start()
