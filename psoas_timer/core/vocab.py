"""The words every layer shares, each written down once.

Sides, moments, set outcomes, stop reasons and session statuses are what the engine emits,
the store keeps and the export writes; the rating scale and the limits of a
session are checked by the engine, the plan, the settings, the store and the
importer alike. A new side or outcome is added here and nowhere else: the
``*_VALUES`` tuples are read off the types, so the two cannot disagree.
"""

from __future__ import annotations

from typing import Final, Literal, NamedTuple, get_args

Side = Literal["left", "right"]
#: The sides a session covers.
Sides = Literal["left", "right", "both"]
Moment = Literal["before", "after"]
#: How a set ended: it ran its breaths; it was left for an easier level (backed_off),
#: for the next step (skipped) or with the session (ended_early); the muscle let go
#: and the set ended with that breath (released); the per-side limit on time under
#: pressure was reached (time_limit); or Stop was pressed (stopped).
SetOutcome = Literal[
    "completed", "backed_off", "ended_early", "skipped", "released", "time_limit", "stopped"
]
#: Why a set was stopped, as the person answered (1-5), or not_given.
StopReason = Literal["pulse", "tingling", "sharp_pain", "dizzy", "other", "not_given"]
SessionStatus = Literal["running", "completed", "ended_early", "interrupted"]

SIDE_VALUES: Final[tuple[Side, ...]] = get_args(Side)
SIDES_VALUES: Final[tuple[Sides, ...]] = get_args(Sides)
MOMENT_VALUES: Final[tuple[Moment, ...]] = get_args(Moment)
OUTCOME_VALUES: Final[tuple[SetOutcome, ...]] = get_args(SetOutcome)
STOP_REASON_VALUES: Final[tuple[StopReason, ...]] = get_args(StopReason)
#: The reasons a person can choose, in the order of their number keys (1-5).
STOP_REASON_CHOICES: Final[tuple[StopReason, ...]] = STOP_REASON_VALUES[:-1]
STATUS_VALUES: Final[tuple[SessionStatus, ...]] = get_args(SessionStatus)


def sides_of(sides: Sides) -> tuple[Side, ...]:
    """The sides a session covers, in the order it works them: left first."""
    return SIDE_VALUES if sides == "both" else (sides,)


# -- tenderness ratings ------------------------------------------------------

RATING_MIN: Final = 0
RATING_MAX: Final = 10
#: What a rating editor holds for "no rating": the step just below the scale,
#: so a spin box can offer it as its special value.
NOT_RATED: Final = RATING_MIN - 1
#: The key that gives a 10, the scale having one more value than there are digits.
TEN_KEY: Final = "T"


# -- session limits ----------------------------------------------------------


class Bounds(NamedTuple):
    """An inclusive range; unpacks as ``low, high``."""

    low: int
    high: int


#: Breaths in one set.
BREATHS_LIMITS: Final = Bounds(5, 30)
DEFAULT_BREATHS: Final = 15
#: Seconds to get into position before the first set (and to switch sides).
COUNTDOWN_LIMITS: Final = Bounds(5, 120)
DEFAULT_COUNTDOWN: Final = 20
#: Seconds of the pause between steps.
TRANSITION_LIMITS: Final = Bounds(3, 30)
DEFAULT_TRANSITION: Final = 8
#: Minutes of pressure on one side before the app says to come off the tool.
PRESSURE_MINUTES_LIMITS: Final = Bounds(2, 15)
DEFAULT_PRESSURE_MINUTES: Final = 6
#: Seconds the "More pressure?" question counts down for a hands-free user.
HANDS_FREE_SECONDS: Final = 10
#: Seconds between repeats of an instruction that waits for Enter.
REMIND_SECONDS: Final = 30


# -- the next-day check ------------------------------------------------------

#: How the worked area feels a day or so after a session, compared with before it.
NextDay = Literal["better", "same", "worse"]
NEXT_DAY_VALUES: Final[tuple[NextDay, ...]] = get_args(NextDay)
