"""The session state machine, driven by an injected clock.

The engine holds no timers. The UI calls :meth:`SessionEngine.update` whenever
it likes (each animation frame, or when a scheduled cue fires) and the engine
works out from the clock what has happened since. Timed steps end at their
ideal time, not at the moment ``update`` happened to be called, so late frames
never push later steps back.

Pressure is dosed the way a careful therapist would: after each set the
session asks "More pressure?" and goes up one level only when the person says
yes (or, for someone who chose to be carried on hands-free, after a countdown
that one key stops). Marking release ends the pressure on that side at the end
of the breath; so does the per-side limit on time under pressure, counted over
every step spent on the tool. Stop ends a set at once and asks why.

A step that speaks may hold its countdown until its words are out
(:meth:`hold_for_speech`), so that nothing is cut off and nothing is rushed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import Enum

from psoas_timer.core import narration
from psoas_timer.core.clock import Clock
from psoas_timer.core.events import (
    BackedOff,
    Event,
    Paused,
    RatingGiven,
    RatingSkipped,
    Released,
    Resumed,
    SessionFinished,
    SetFinished,
    SetResult,
    StepChanged,
    StepStarted,
    StopEvent,
    StopRecorded,
)
from psoas_timer.core.pacing import Boundary, Pace, next_boundary, pace
from psoas_timer.core.plan import Answer, SessionPlan, Step, StepKind
from psoas_timer.core.step_time import StepTime
from psoas_timer.core.vocab import RATING_MAX, RATING_MIN, Moment, SetOutcome, Side, StopReason

Listener = Callable[[Event], None]


class State(Enum):
    READY = "ready"
    RUNNING = "running"
    PAUSED = "paused"
    FINISHED = "finished"


class SessionError(RuntimeError):
    """An action that makes no sense in the session's current state."""


@dataclass
class _Current:
    index: int
    time: StepTime
    released: tuple[int, float] | None = None
    ends_after: float | None = None  # a released set ends with the breath of release


@dataclass
class _Side:
    cap: int  # the highest level still offered: a back-off lowers it
    pressure_s: float = 0.0  # time under pressure in the steps already over
    stop_breath: int | None = None


@dataclass
class SessionEngine:
    plan: SessionPlan
    clock: Clock
    steps: list[Step] = field(init=False)
    state: State = field(init=False, default=State.READY)
    results: list[SetResult] = field(init=False, default_factory=list)
    ratings: dict[tuple[Side, Moment], int] = field(init=False, default_factory=dict)
    stops: list[StopEvent] = field(init=False, default_factory=list)
    _current: _Current = field(init=False)
    _sides: dict[Side, _Side] = field(init=False, default_factory=dict)
    _listeners: list[Listener] = field(init=False, default_factory=list)

    def __post_init__(self) -> None:
        self.steps = list(self.plan.steps)
        self._current = _Current(0, StepTime(0.0))

    # -- observation -------------------------------------------------------

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener)

    def _emit(self, event: Event) -> None:
        for listener in list(self._listeners):
            listener(event)

    @property
    def index(self) -> int:
        return self._current.index

    @property
    def step(self) -> Step:
        return self.steps[self._current.index]

    @property
    def running(self) -> bool:
        return self.state in (State.RUNNING, State.PAUSED)

    def step_elapsed(self, now: float | None = None) -> float:
        """Seconds the current step has counted: unpaused, and not waiting for its words."""
        return self._current.time.elapsed(self.clock.now() if now is None else now)

    @property
    def waiting_for_words(self) -> bool:
        """The step's countdown has not started: its words are still being said."""
        return self._current.time.holding

    def step_duration(self) -> float | None:
        if self._current.ends_after is not None:
            return self._current.ends_after
        return self.plan.step_duration(self.step)

    def remaining(self) -> float | None:
        duration = self.step_duration()
        if duration is None:
            return None
        return max(0.0, duration - self.step_elapsed())

    def pace(self) -> Pace | None:
        if self.step.kind is not StepKind.SET:
            return None
        return pace(self.plan.pattern, self.step.breaths, self.step_elapsed())

    def pressure_seconds(self, side: Side) -> float:
        """Time under pressure on ``side`` so far, the current step included."""
        done = self._side(side).pressure_s
        step = self.step
        if self.running and step.pressure and step.side == side:
            done += self._current.time.active(self.clock.now())
        return done

    def next_cue(self, after: float | None = None) -> tuple[float, Boundary] | None:
        """The clock time of the running set's next phase boundary after ``after`` (a
        clock time, by default now), and that boundary."""
        if self.state is not State.RUNNING or self.step.kind is not StepKind.SET:
            return None
        elapsed = self.step_elapsed(after)
        boundary = next_boundary(self.plan.pattern, self.step.breaths, elapsed)
        if boundary is None:
            return None
        return self._current.time.clock_at(boundary.at), boundary

    def next_deadline(self) -> float | None:
        """Clock time of the next thing time alone brings (``None`` if the step just waits)."""
        found = self._next_event()
        return found[0] if found is not None else None

    def upcoming(self) -> Step | None:
        index = self._current.index + 1
        return self.steps[index] if index < len(self.steps) else None

    # -- control -----------------------------------------------------------

    def start(self) -> None:
        if self.state is not State.READY:
            raise SessionError("the session has already started")
        self.state = State.RUNNING
        self._begin(0, self.clock.now())

    def update(self) -> None:
        """Act on everything the clock has brought since; call as often as you like."""
        while self.state is State.RUNNING:
            found = self._next_event()
            if found is None or found[0] > self.clock.now():
                return
            at, what = found
            if what == "words":
                self._current.time.end_hold(at)
            elif what == "limit":
                self._limit_reached(at)
            else:
                self._time_up(at)

    def hold_for_speech(self, seconds: float | None) -> None:
        """Hold the countdown of the step just begun until its words are said.

        ``seconds``: how long they take when no voice can say when it has
        finished; ``None``: until :meth:`speech_done`.
        """
        if self.state is State.RUNNING and self.step.waits_for_speech:
            self._current.time.hold(seconds)

    def speech_done(self) -> None:
        """The current step's words have been said: its countdown starts now."""
        self._current.time.end_hold(self.clock.now())

    def pause(self) -> None:
        self.update()
        if self.state is State.RUNNING:
            self._current.time.pause(self.clock.now())
            self.state = State.PAUSED
            self._emit(Paused())

    def resume(self) -> None:
        if self.state is State.PAUSED:
            paused_for = self._current.time.resume(self.clock.now())
            self.state = State.RUNNING
            self._emit(Resumed(paused_for))

    def toggle_pause(self) -> None:
        if self.state is State.PAUSED:
            self.resume()
        else:
            self.pause()

    def next(self) -> None:
        """Go on: skip the rest of a countdown, set or rating; say yes to a question."""
        self.update()
        if not self.running or self.step.kind is StepKind.DONE:
            return
        self._resume_silently()
        step, now = self.step, self.clock.now()
        if step.kind is StepKind.QUESTION:
            self._answer("more", now)
        elif step.kind is StepKind.STOP_REASON:
            self._give_reason("not_given", now)
        elif step.kind is StepKind.SET:
            done = self.step_elapsed() >= (self.step_duration() or 0.0)
            outcome: SetOutcome = "completed" if done else "skipped"
            self._after_set("released" if self._current.released else outcome, now)
        else:
            if step.kind is StepKind.RATING:
                assert step.side is not None and step.moment is not None
                self._emit(RatingSkipped(step.side, step.moment))
            self._advance(now)

    def rate(self, value: int) -> None:
        whole = isinstance(value, int) and not isinstance(value, bool)
        if not whole or not RATING_MIN <= value <= RATING_MAX:
            raise ValueError(
                f"a tenderness rating is a whole number from {RATING_MIN} to {RATING_MAX}, "
                f"got {value!r}"
            )
        self.update()
        step = self.step
        if step.kind is not StepKind.RATING or not self.running:
            raise SessionError("no rating is being asked for right now")
        assert step.side is not None and step.moment is not None
        self._resume_silently()
        self.ratings[(step.side, step.moment)] = value
        self._emit(RatingGiven(step.side, step.moment, value))
        self._advance(self.clock.now())

    def answer(self, choice: Answer) -> bool:
        """Answer "More pressure?"; False when it is not being asked."""
        self.update()
        if not self.running or self.step.kind is not StepKind.QUESTION:
            return False
        self._resume_silently()
        self._answer(choice, self.clock.now())
        return True

    def keep_level(self) -> bool:
        """Stop a hands-free countdown: the question waits for an answer instead."""
        self.update()
        step = self.step
        if not self.running or step.kind is not StepKind.QUESTION or step.duration is None:
            return False
        assert step.side is not None
        self._current.time.end_hold(self.clock.now())
        waiting = self.plan.waiting_question(step, self._side(step.side).cap)
        self.steps[self.index] = waiting
        self._emit(StepChanged(self.index, waiting, narration.staying(step.level)))
        return True

    def release(self) -> bool:
        """Mark the moment the muscle let go: the set ends with this breath, and so does
        the pressure on this side. Only the first mark of a set counts."""
        self.update()
        current = self.pace()
        step = self.step
        if current is None or current.done or not self.running or self._current.released:
            return False
        assert step.side is not None
        at = self.step_elapsed()
        self._current.released = (current.breath, at)
        self._current.ends_after = current.breath * self.plan.pattern.cycle
        self._emit(Released(step.side, step.level, current.breath, at))
        return True

    def back_off(self) -> bool:
        """Ease off one level; at the base level, pause. At the question: come off."""
        self.update()
        step = self.step
        if not self.running or step.side is None or step.stretch is not None:
            return False
        side = step.side
        if step.kind is StepKind.QUESTION:
            if step.duration is not None:
                return self.keep_level()
            return self.answer("off")
        if step.kind not in (StepKind.SET, StepKind.TRANSITION):
            return False
        if step.level == 0:
            self._emit(BackedOff(side, 0, -1))
            self.pause()
            return True
        self._resume_silently()
        level = step.level - 1
        # The harder levels of this side are not offered again: they just proved too much.
        self._side(side).cap = level
        self._drop_pending(side)
        if step.kind is StepKind.SET:
            self._record_set("backed_off", self.step_elapsed())
            added = [self.plan.backing_off(side, level), self.plan.set_step(side, level)]
        else:
            # Not begun yet: ask again at the level the person was at.
            added = [self.plan.question(side, level, level)]
        self._emit(BackedOff(side, step.level, level))
        self._go_on(added, self.clock.now())
        return True

    def stop(self) -> bool:
        """Stop (something felt wrong): the set ends at once and the session asks why."""
        self.update()
        step = self.step
        if not self.running or not step.on_tool:
            return False
        assert step.side is not None
        self._resume_silently()
        current = self.pace()
        self._side(step.side).stop_breath = current.breath if current is not None else None
        if current is not None:
            self._record_set("stopped", self.step_elapsed())
        self._drop_pending(step.side)
        self._go_on([self.plan.stop_question(step.side, step.level)], self.clock.now())
        return True

    def give_reason(self, reason: StopReason) -> bool:
        """Say what felt wrong after a stop; False when no one is asking."""
        self.update()
        if not self.running or self.step.kind is not StepKind.STOP_REASON:
            return False
        self._resume_silently()
        self._give_reason(reason, self.clock.now())
        return True

    def end(self) -> None:
        """End early: everything done so far is kept."""
        if self.state is State.FINISHED:
            return
        if self.state is State.READY:
            self.state = State.FINISHED
            self._emit(SessionFinished(completed=False))
            return
        self.update()
        if not self.running:
            return
        step = self.step
        if step.kind is StepKind.SET:
            self._record_set("ended_early", self.step_elapsed())
        elif step.kind is StepKind.STOP_REASON:
            self._record_stop("not_given")
        self._close(self.clock.now())
        self.state = State.FINISHED
        self._emit(SessionFinished(completed=False))

    # -- internals ---------------------------------------------------------

    def _side(self, side: Side) -> _Side:
        return self._sides.setdefault(side, _Side(self.plan.levels))

    def _resume_silently(self) -> None:
        # Acting on the session while paused means the person is back.
        if self.state is State.PAUSED:
            self.resume()

    def _next_event(self) -> tuple[float, str] | None:
        """The next moment time alone changes something, and what: the words' estimated
        end, the side's limit, or the step's end. The limit wins a tie."""
        if self.state is not State.RUNNING:
            return None
        time, step = self._current.time, self.step
        found: list[tuple[float, str]] = []
        if time.holding and time.hold_until is not None:
            found.append((time.hold_until, "words"))
        if step.pressure and step.side is not None:
            left = self.plan.limit_seconds - self._side(step.side).pressure_s
            found.append((time.clock_on_tool(left), "limit"))
        duration = self.step_duration()
        if duration is not None and step.kind is not StepKind.DONE and not time.holding_for_good:
            found.append((time.clock_at(duration), "end"))
        return min(found, key=lambda item: item[0]) if found else None

    def _time_up(self, at: float) -> None:
        step = self.step
        if step.kind is StepKind.SET:
            self._after_set("released" if self._current.released else "completed", at)
        elif step.kind is StepKind.QUESTION:
            self._answer("more", at)  # carried on, hands-free
        else:
            self._advance(at)

    def _limit_reached(self, at: float) -> None:
        step = self.step
        assert step.side is not None
        if step.kind is StepKind.SET:
            self._record_set("time_limit", self.step_elapsed(at))
        self._drop_pending(step.side)
        self._go_on([self.plan.come_off(step.side, "time_limit")], at)

    def _after_set(self, outcome: SetOutcome, at: float) -> None:
        """End the set at ``at`` (the time it counted then) and go on to what follows."""
        step = self.step
        assert step.side is not None
        self._record_set(outcome, self.step_elapsed(at))
        self._go_on(self.plan.after_set(step, outcome, self._side(step.side).cap), at)

    def _answer(self, choice: Answer, at: float) -> None:
        step = self.step
        assert step.side is not None
        self._go_on(self.plan.after_answer(step, choice, self._side(step.side).cap), at)

    def _give_reason(self, reason: StopReason, at: float) -> None:
        step = self.step
        assert step.side is not None
        self._record_stop(reason)
        self._go_on([self.plan.stop_advice(step.side, step.level, reason)], at)

    def _record_stop(self, reason: StopReason) -> None:
        step = self.step
        assert step.side is not None
        stop = StopEvent(step.side, step.level, self._side(step.side).stop_breath, reason)
        self.stops.append(stop)
        self._emit(StopRecorded(stop))

    def _go_on(self, added: list[Step], at: float) -> None:
        """Put ``added`` next and begin the first of them at ``at``."""
        index = self._current.index + 1
        self.steps[index:index] = added
        self._advance(at)

    def _drop_pending(self, side: Side) -> None:
        """Forget what was to come on ``side`` before its after-rating."""
        start = end = self._current.index + 1
        while end < len(self.steps):
            step = self.steps[end]
            if step.side != side or step.stretch is not None or step.moment == "after":
                break
            end += 1
        del self.steps[start:end]

    def _close(self, at: float) -> None:
        """The current step is over: its time on the tool counts toward its side's limit."""
        step = self.step
        if step.pressure and step.side is not None:
            self._side(step.side).pressure_s += self._current.time.active(at)

    def _begin(self, index: int, at: float) -> None:
        self._current = _Current(index, StepTime(at))
        step = self.steps[index]
        self._emit(StepStarted(index, step))
        if step.kind is StepKind.DONE:
            self.state = State.FINISHED
            self._emit(SessionFinished(completed=True))

    def _advance(self, at: float) -> None:
        self._close(at)
        self._begin(self._current.index + 1, at)

    def _record_set(self, outcome: SetOutcome, active: float) -> None:
        step = self.step
        assert step.side is not None
        breaths_done = pace(self.plan.pattern, step.breaths, active).breaths_done
        released = self._current.released
        paused = self._current.time.paused_for(self.clock.now())
        variant = self.plan.position.variants[step.level - 1].name if step.level else "Base set"
        result = SetResult(
            side=step.side,
            level=step.level,
            variant_name=variant,
            breaths_planned=step.breaths,
            breaths_done=breaths_done,
            released_breath=released[0] if released else None,
            released_at_s=released[1] if released else None,
            duration_s=active,
            paused_s=paused,
            outcome=outcome,
        )
        self.results.append(result)
        self._emit(SetFinished(result))
