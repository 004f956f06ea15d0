"""Breath patterns and pacing as a pure function of elapsed time.

The pacer never counts ticks: every question ("which breath, which phase, how
far into it, when is the next boundary?") is answered from the elapsed seconds
alone, so a late frame or a slow machine can never make the pacing drift.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from enum import Enum

from psoas_timer.core.i18n import _
from psoas_timer.core.vocab import BREATHS_LIMITS


class Phase(Enum):
    INHALE = "inhale"
    HOLD_IN = "hold-in"
    EXHALE = "exhale"
    HOLD_OUT = "hold-out"
    DONE = "done"

    @property
    def word(self) -> str:
        return {
            Phase.INHALE: _("Inhale"),
            Phase.HOLD_IN: _("Hold"),
            Phase.EXHALE: _("Exhale"),
            Phase.HOLD_OUT: _("Hold"),
            Phase.DONE: _("Done"),
        }[self]


class PatternError(ValueError):
    """A breath pattern outside the safe limits; ``field`` names the culprit."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field


# Limits from slow-breathing practice: about six breaths a minute, a longer
# exhale than inhale, short optional holds.
LIMITS: dict[str, tuple[float, float]] = {
    "inhale": (2.0, 8.0),
    "hold_in": (0.0, 4.0),
    "exhale": (2.0, 10.0),
    "hold_out": (0.0, 4.0),
}
CYCLE_LIMITS = (6.0, 15.0)


@dataclass(frozen=True)
class BreathPattern:
    inhale: float = 4.0
    hold_in: float = 0.0
    exhale: float = 6.0
    hold_out: float = 0.0

    def __post_init__(self) -> None:
        for name, (low, high) in LIMITS.items():
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise PatternError(name, f"expected a number of seconds, got {value!r}")
            if not math.isfinite(value):
                raise PatternError(name, f"expected a finite number of seconds, got {value!r}")
            if value < 0:
                raise PatternError(name, f"cannot be negative (got {value:g} s)")
            if not low <= value <= high:
                raise PatternError(
                    name, f"must be between {low:g} and {high:g} s (got {value:g} s)"
                )
        low, high = CYCLE_LIMITS
        if not low <= self.cycle <= high:
            raise PatternError(
                "cycle",
                f"a whole breath must last between {low:g} and {high:g} s (got {self.cycle:g} s)",
            )

    @property
    def cycle(self) -> float:
        return self.inhale + self.hold_in + self.exhale + self.hold_out

    def phases(self) -> list[tuple[Phase, float]]:
        """The phases of one breath with their durations, zero-length holds left out."""
        parts = [
            (Phase.INHALE, self.inhale),
            (Phase.HOLD_IN, self.hold_in),
            (Phase.EXHALE, self.exhale),
            (Phase.HOLD_OUT, self.hold_out),
        ]
        return [(phase, seconds) for phase, seconds in parts if seconds > 0]

    @property
    def breaths_per_minute(self) -> float:
        return 60.0 / self.cycle


def validate_breaths(breaths: object, field: str = "breaths") -> int:
    low, high = BREATHS_LIMITS
    if isinstance(breaths, bool) or not isinstance(breaths, int):
        raise PatternError(field, f"expected a whole number of breaths, got {breaths!r}")
    if not low <= breaths <= high:
        raise PatternError(field, f"must be between {low} and {high} breaths (got {breaths})")
    return breaths


@dataclass(frozen=True)
class Pace:
    """Where a set stands at one instant."""

    breath: int  # 1-based; equals the set's breath count once it is done
    phase: Phase
    fraction: float  # 0..1 within the phase
    phase_start: float  # elapsed seconds at which this phase began
    phase_end: float  # elapsed seconds at which it ends (the next boundary)
    breaths_done: int  # breaths fully completed

    @property
    def done(self) -> bool:
        return self.phase is Phase.DONE


@dataclass(frozen=True)
class Boundary:
    """A phase start: the moment a cue must sound."""

    at: float  # elapsed seconds since the set began
    breath: int
    phase: Phase


def pace(pattern: BreathPattern, breaths: int, elapsed: float) -> Pace:
    """The pacing state ``elapsed`` seconds into a set of ``breaths`` breaths."""
    total = pattern.cycle * breaths
    if elapsed >= total:
        return Pace(breaths, Phase.DONE, 1.0, total, total, breaths)
    elapsed = max(elapsed, 0.0)
    index = min(int(elapsed // pattern.cycle), breaths - 1)
    start = index * pattern.cycle
    within = elapsed - start
    for phase, seconds in pattern.phases():
        if within < seconds:
            return Pace(index + 1, phase, within / seconds, start, start + seconds, index)
        within -= seconds
        start += seconds
    # Floating point left us a hair past the last phase of this breath.
    last_phase, last_seconds = pattern.phases()[-1]
    end = (index + 1) * pattern.cycle
    return Pace(index + 1, last_phase, 1.0, end - last_seconds, end, index)


def boundaries(pattern: BreathPattern, breaths: int) -> Iterator[Boundary]:
    """Every phase start of a set, then its end, each at its ideal time.

    Each time is computed from the breath index (never by adding to the
    previous boundary) so no rounding error can accumulate over a set.
    """
    offsets: list[tuple[Phase, float]] = []
    offset = 0.0
    for phase, seconds in pattern.phases():
        offsets.append((phase, offset))
        offset += seconds
    for index in range(breaths):
        start = index * pattern.cycle
        for phase, phase_offset in offsets:
            yield Boundary(start + phase_offset, index + 1, phase)
    yield Boundary(breaths * pattern.cycle, breaths, Phase.DONE)


def next_boundary(pattern: BreathPattern, breaths: int, elapsed: float) -> Boundary | None:
    """The first boundary strictly after ``elapsed``, or ``None`` once the set is over."""
    current = pace(pattern, breaths, elapsed)
    if current.done:
        return None
    end = current.phase_end
    following = pace(pattern, breaths, end)
    return Boundary(end, following.breath, following.phase)


def ring_fraction(p: Pace) -> float:
    """How open the pacing ring is, 0 (empty lungs) to 1 (full), eased like a breath."""
    eased = (1.0 - math.cos(math.pi * p.fraction)) / 2.0
    if p.phase is Phase.INHALE:
        return eased
    if p.phase is Phase.EXHALE:
        return 1.0 - eased
    if p.phase is Phase.HOLD_IN:
        return 1.0
    return 0.0
