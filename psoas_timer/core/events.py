"""What a session engine reports: finished sets, ratings, stops and each step as it starts.

The session page, the save queue and the tests subscribe to these; the engine
module re-exports them.
"""

from __future__ import annotations

from dataclasses import dataclass

from psoas_timer.core.plan import Step
from psoas_timer.core.vocab import Moment, SetOutcome, Side, StopReason


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


@dataclass(frozen=True)
class StopEvent:
    """Stop was pressed: where, and why as the person answered."""

    side: Side
    level: int
    breath: int | None  # the breath under way, when a set was stopped
    reason: StopReason


@dataclass(frozen=True)
class StepStarted:
    index: int
    step: Step


@dataclass(frozen=True)
class StepChanged:
    """The current step changed in place (a hands-free countdown stopped); ``said`` says so."""

    index: int
    step: Step
    said: str


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
class StopRecorded:
    stop: StopEvent


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
    | StepChanged
    | SetFinished
    | RatingGiven
    | RatingSkipped
    | Released
    | BackedOff
    | StopRecorded
    | Paused
    | Resumed
    | SessionFinished
)
