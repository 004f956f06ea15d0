from __future__ import annotations

import pytest

from psoas_timer.core.clock import FakeClock
from psoas_timer.core.engine import (
    BackedOff,
    Event,
    Paused,
    RatingGiven,
    Released,
    Resumed,
    SessionEngine,
    SessionError,
    SessionFinished,
    SetFinished,
    State,
    StepStarted,
)
from psoas_timer.core.pacing import BreathPattern, Phase
from psoas_timer.core.plan import PlanOptions, StepKind, build_plan
from psoas_timer.core.vocab import Sides
from tests.helpers import STRETCHES, make_tool

OPTIONS = PlanOptions(pattern=BreathPattern(4, 0, 6, 0), breaths=20, countdown=20, transition=8)


def engine_for(
    sides: Sides = "both", variants: int = 3, stretches: bool = False, breaths: int = 20
) -> tuple[SessionEngine, FakeClock, list[Event]]:
    options = PlanOptions(
        pattern=OPTIONS.pattern, breaths=breaths, countdown=20, transition=8, stretches=stretches
    )
    plan = build_plan(make_tool(variants), None, sides, options, STRETCHES)
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


def test_plan_order_for_both_sides() -> None:
    plan = build_plan(make_tool(3), None, "both", OPTIONS, STRETCHES)
    kinds = [(s.kind.value, s.side, s.level) for s in plan.steps]
    one_side = lambda side, first: [  # noqa: E731
        ("countdown" if first else "switch-side", side, 0),
        ("rating", side, 0),
        ("set", side, 0),
        ("transition", side, 1),
        ("set", side, 1),
        ("transition", side, 2),
        ("set", side, 2),
        ("transition", side, 3),
        ("set", side, 3),
        ("rating", side, 0),
    ]
    stretch_part = [k for k in kinds if k[0] in ("stretch",)]
    assert kinds[:20] == one_side("left", True) + one_side("right", False)
    # Lunge: 2 reps on each side; bridge once, not per side.
    assert len(stretch_part) == 5
    assert kinds[-1] == ("done", None, 0)
    assert plan.steps[4].title == "Extra pressure 1 of 3 — Glute squeeze, leg locked"


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
        # Jump straight to each scheduled cue, as a precise timer would.
        clock.set(at)
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
    assert engine.state is State.PAUSED
    assert engine.next_cue() is None
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
    assert engine.step.kind is StepKind.SET and engine.step.level == 0
    clock.advance(0.001)
    engine.update()
    finished = [e for e in events if isinstance(e, SetFinished)]
    assert len(finished) == 1
    assert finished[0].result.breaths_done == 20
    assert finished[0].result.paused_s == 37.0
    assert finished[0].result.duration_s == 200.0
    assert engine.step.kind is StepKind.TRANSITION


def test_late_updates_do_not_push_later_steps_back() -> None:
    engine, clock, _ = engine_for()
    to_first_set(engine, clock)
    set_start = clock.now()
    # One update long after the set, the transition and half the next set.
    clock.advance(200 + 8 + 33)
    engine.update()
    assert engine.step.kind is StepKind.SET and engine.step.level == 1
    p = engine.pace()
    assert p is not None and p.breath == 4 and p.phase is Phase.INHALE
    cue = engine.next_cue()
    assert cue is not None and cue[0] == set_start + 208 + 34


def test_whole_two_sided_session_walks_every_step_in_order() -> None:
    engine, clock, events = engine_for(stretches=True, breaths=5)
    engine.start()
    visited = [engine.index]
    for _ in range(10_000):
        if engine.state is State.FINISHED:
            break
        if engine.step.kind is StepKind.RATING:
            engine.rate(7 if engine.step.moment == "before" else 3)
        else:
            clock.advance(0.5)
            engine.update()
        if visited[-1] != engine.index:
            visited.append(engine.index)
    assert engine.state is State.FINISHED
    assert visited == list(range(len(engine.plan.steps)))
    started = [e.step.kind for e in events if isinstance(e, StepStarted)]
    assert started == [s.kind for s in engine.plan.steps]
    assert len(engine.results) == 8 and all(r.outcome == "completed" for r in engine.results)
    assert [r.level for r in engine.results] == [0, 1, 2, 3, 0, 1, 2, 3]
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


def walk_to_level(engine: SessionEngine, clock: FakeClock, level: int) -> None:
    while not (engine.step.kind is StepKind.SET and engine.step.level == level):
        clock.advance(0.5)
        engine.update()


def test_back_off_returns_to_previous_level_and_drops_harder_levels() -> None:
    engine, clock, events = engine_for(breaths=5)
    to_first_set(engine, clock)
    walk_to_level(engine, clock, 2)
    clock.advance(12)  # breath 2 under way
    assert engine.back_off()
    backed = [e for e in events if isinstance(e, BackedOff)]
    assert backed == [BackedOff("left", 2, 1)]
    last = [e for e in events if isinstance(e, SetFinished)][-1].result
    assert (last.level, last.outcome, last.breaths_done) == (2, "backed_off", 1)
    assert engine.step.kind is StepKind.TRANSITION and engine.step.level == 1
    assert engine.step.title.startswith("Backing off")
    walk_to_level(engine, clock, 1)
    clock.advance(50)
    engine.update()
    # After the easier set comes the after-rating: level 3 was dropped for this side.
    assert engine.step.kind is StepKind.RATING and engine.step.moment == "after"
    engine.rate(4)
    assert engine.step.kind is StepKind.SWITCH_SIDE
    levels = [s.level for s in engine.steps[engine.index :] if s.kind is StepKind.SET]
    assert levels == [0, 1, 2, 3]  # the other side keeps its full escalation


def test_back_off_at_base_level_pauses() -> None:
    engine, clock, events = engine_for()
    to_first_set(engine, clock)
    clock.advance(3)
    assert engine.back_off()
    assert isinstance(events[-1], Paused)
    assert BackedOff("left", 0, -1) in events
    assert engine.state is State.PAUSED and engine.step.level == 0


def test_back_off_outside_pressure_steps_does_nothing() -> None:
    engine, _, _ = engine_for()
    engine.start()
    assert not engine.back_off()
    assert engine.step.kind is StepKind.COUNTDOWN


def test_released_records_breath_and_time_once() -> None:
    engine, clock, events = engine_for()
    to_first_set(engine, clock)
    clock.advance(73.5)  # breath 8, exhale
    assert engine.release()
    clock.advance(20)
    assert not engine.release()
    assert [e for e in events if isinstance(e, Released)] == [Released("left", 0, 8, 73.5)]
    clock.advance(200)
    engine.update()
    result = next(e for e in events if isinstance(e, SetFinished)).result
    assert (result.released_breath, result.released_at_s) == (8, 73.5)


def test_release_outside_a_set_is_ignored() -> None:
    engine, _, _ = engine_for()
    engine.start()
    assert not engine.release()


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


def test_cannot_start_twice() -> None:
    engine, _, _ = engine_for()
    engine.start()
    with pytest.raises(SessionError):
        engine.start()
