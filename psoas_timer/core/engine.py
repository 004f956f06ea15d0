"""The session state machine, driven by an injected clock.

The engine holds no timers. The UI calls :meth:`SessionEngine.update` whenever
it likes (each animation frame, or when a scheduled cue fires) and the engine
works out from the clock what has happened since. Timed steps end at their
ideal time, not at the moment ``update`` happened to be called, so late frames
never push later steps back.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import Enum

from psoas_timer.core.clock import Clock
from psoas_timer.core.pacing import Boundary, Pace, next_boundary, pace
from psoas_timer.core.plan import SessionPlan, Step, StepKind, backed_off_steps
from psoas_timer.core.vocab import RATING_MAX, RATING_MIN, Moment, SetOutcome, Side


class State(Enum):
    READY = "ready"
    RUNNING = "running"
    PAUSED = "paused"
    FINISHED = "finished"


@dataclass(frozen=True)
class SetResult:
    side: Side
    level: int
    variant_name: str
    breaths_planned: int
    breaths_done: int
    released_breath: int | None
    released_at_s: float | None
    duration_s: float
    paused_s: float
    outcome: SetOutcome


# Events: what the UI and the store subscribe to.
@dataclass(frozen=True)
class StepStarted:
    index: int
    step: Step


@dataclass(frozen=True)
class SetFinished:
    result: SetResult


@dataclass(frozen=True)
class RatingGiven:
    side: Side
    moment: Moment
    value: int


@dataclass(frozen=True)
class RatingSkipped:
    side: Side
    moment: Moment


@dataclass(frozen=True)
class Released:
    side: Side
    level: int
    breath: int
    at_s: float


@dataclass(frozen=True)
class BackedOff:
    side: Side
    from_level: int
    to_level: int  # -1: already at the base level, so the session paused instead


@dataclass(frozen=True)
class Paused:
    pass


@dataclass(frozen=True)
class Resumed:
    paused_for: float


@dataclass(frozen=True)
class SessionFinished:
    completed: bool


Event = (
    StepStarted
    | SetFinished
    | RatingGiven
    | RatingSkipped
    | Released
    | BackedOff
    | Paused
    | Resumed
    | SessionFinished
)
Listener = Callable[[Event], None]


class SessionError(RuntimeError):
    """An action that makes no sense in the session's current state."""


@dataclass
class _Current:
    index: int
    started_at: float  # clock time at which the step began
    paused_total: float = 0.0
    released: tuple[int, float] | None = None


@dataclass
class SessionEngine:
    plan: SessionPlan
    clock: Clock
    steps: list[Step] = field(init=False)
    state: State = field(init=False, default=State.READY)
    results: list[SetResult] = field(init=False, default_factory=list)
    ratings: dict[tuple[Side, Moment], int] = field(init=False, default_factory=dict)
    _current: _Current = field(init=False)
    _paused_since: float | None = field(init=False, default=None)
    _listeners: list[Listener] = field(init=False, default_factory=list)

    def __post_init__(self) -> None:
        self.steps = list(self.plan.steps)
        self._current = _Current(0, 0.0)

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
        """Active (unpaused) seconds since the current step began."""
        now = self.clock.now() if now is None else now
        if self._paused_since is not None:
            now = self._paused_since
        return max(0.0, now - self._current.started_at - self._current.paused_total)

    def step_duration(self) -> float | None:
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

    def next_cue(self) -> tuple[float, Boundary] | None:
        """The clock time of the next phase boundary of the running set, and that boundary."""
        if self.state is not State.RUNNING or self.step.kind is not StepKind.SET:
            return None
        boundary = next_boundary(self.plan.pattern, self.step.breaths, self.step_elapsed())
        if boundary is None:
            return None
        return self._step_clock(boundary.at), boundary

    def next_deadline(self) -> float | None:
        """Clock time at which the current timed step ends (``None`` if it waits or is paused)."""
        duration = self.step_duration()
        if self.state is not State.RUNNING or duration is None:
            return None
        return self._step_clock(duration)

    def _step_clock(self, elapsed: float) -> float:
        return self._current.started_at + self._current.paused_total + elapsed

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
        """Advance past every timed step whose time is up; call as often as you like."""
        if self.state is not State.RUNNING:
            return
        now = self.clock.now()
        while self.state is State.RUNNING:
            duration = self.step_duration()
            if duration is None or self.step.kind is StepKind.DONE:
                return
            if self.step_elapsed(now) < duration:
                return
            end = self._step_clock(duration)
            if self.step.kind is StepKind.SET:
                self._record_set("completed", self.step.breaths, duration)
            self._advance(end)

    def pause(self) -> None:
        self.update()
        if self.state is State.RUNNING:
            self.state = State.PAUSED
            self._paused_since = self.clock.now()
            self._emit(Paused())

    def resume(self) -> None:
        if self.state is State.PAUSED and self._paused_since is not None:
            paused_for = self.clock.now() - self._paused_since
            self._current.paused_total += paused_for
            self._paused_since = None
            self.state = State.RUNNING
            self._emit(Resumed(paused_for))

    def toggle_pause(self) -> None:
        if self.state is State.PAUSED:
            self.resume()
        else:
            self.pause()

    def next(self) -> None:
        """Go on to the next step now: skip the rest of a countdown, a set or a rating."""
        self.update()
        if not self.running or self.step.kind is StepKind.DONE:
            return
        self._resume_silently()
        step = self.step
        if step.kind is StepKind.SET:
            current = self.pace()
            assert current is not None
            outcome: SetOutcome = "completed" if current.done else "skipped"
            self._record_set(outcome, current.breaths_done, self.step_elapsed())
        elif step.kind is StepKind.RATING:
            assert step.side is not None and step.moment is not None
            self._emit(RatingSkipped(step.side, step.moment))
        self._advance(self.clock.now())

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

    def release(self) -> bool:
        """Mark the moment the muscle let go; only the first mark of a set counts."""
        self.update()
        current = self.pace()
        step = self.step
        if current is None or current.done or not self.running or self._current.released:
            return False
        assert step.side is not None
        at = self.step_elapsed()
        self._current.released = (current.breath, at)
        self._emit(Released(step.side, step.level, current.breath, at))
        return True

    def back_off(self) -> bool:
        """Return to the previous pressure level; at the base level, pause instead."""
        self.update()
        step = self.step
        if not self.running or not step.is_pressure or step.side is None:
            return False
        if step.level == 0:
            self._emit(BackedOff(step.side, 0, -1))
            self.pause()
            return True
        self._resume_silently()
        now = self.clock.now()
        if step.kind is StepKind.SET:
            current = self.pace()
            assert current is not None
            self._record_set("backed_off", current.breaths_done, self.step_elapsed())
        # The harder levels of this side are dropped: they just proved too much.
        index = self._current.index
        end = index + 1
        while (
            end < len(self.steps)
            and self.steps[end].is_pressure
            and (self.steps[end].side == step.side)
        ):
            end += 1
        replacement = backed_off_steps(
            self.plan.position, step, self.plan.options.breaths, self.plan.options.transition
        )
        self.steps[index + 1 : end] = replacement
        self._emit(BackedOff(step.side, step.level, step.level - 1))
        self._advance(now)
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
        if self.step.kind is StepKind.SET:
            current = self.pace()
            assert current is not None
            self._record_set("ended_early", current.breaths_done, self.step_elapsed())
        self._paused_since = None
        self.state = State.FINISHED
        self._emit(SessionFinished(completed=False))

    # -- internals ---------------------------------------------------------

    def _resume_silently(self) -> None:
        # Acting on the session while paused means the person is back.
        if self.state is State.PAUSED:
            self.resume()

    def _begin(self, index: int, at: float) -> None:
        self._current = _Current(index, at)
        step = self.steps[index]
        self._emit(StepStarted(index, step))
        if step.kind is StepKind.DONE:
            self.state = State.FINISHED
            self._emit(SessionFinished(completed=True))

    def _advance(self, at: float) -> None:
        self._begin(self._current.index + 1, at)

    def _record_set(self, outcome: SetOutcome, breaths_done: int, active: float) -> None:
        step = self.step
        assert step.side is not None
        released = self._current.released
        paused = self._current.paused_total
        if self._paused_since is not None:
            paused += self.clock.now() - self._paused_since
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
