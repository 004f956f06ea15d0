"""The one seam through which the app reads time.

Everything that needs "now" for pacing takes a :class:`Clock`. The real clock is
monotonic (wall-clock jumps from NTP or DST never disturb a set) and may run
faster than real time for demonstrations and end-to-end checks.

Wall time (an aware UTC ``datetime``, for "how long since the last session")
is a :data:`WallClock`; the app's is :func:`system_wall`, tests pass their own.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Protocol

#: Wall time now, as an aware datetime.
WallClock = Callable[[], datetime]


class Clock(Protocol):
    """Session time in seconds on a monotonic scale."""

    def now(self) -> float: ...

    def real_seconds(self, session_seconds: float) -> float:
        """How long a real-time timer must wait for ``session_seconds`` to pass."""
        ...


class MonotonicClock:
    """``time.monotonic`` scaled by ``scale`` from the moment of creation."""

    def __init__(self, scale: float = 1.0) -> None:
        if not scale > 0:
            raise ValueError(f"time scale must be positive, got {scale!r}")
        self.scale = scale
        self._origin = time.monotonic()

    def now(self) -> float:
        return (time.monotonic() - self._origin) * self.scale

    def real_seconds(self, session_seconds: float) -> float:
        return session_seconds / self.scale

    def to_monotonic(self, session_time: float) -> float:
        """The ``time.monotonic`` reading at which session time ``session_time`` falls."""
        return self._origin + session_time / self.scale


class FakeClock:
    """A clock that moves only when told to: for tests and previews."""

    def __init__(self, start: float = 0.0) -> None:
        self._now = start

    def now(self) -> float:
        return self._now

    def advance(self, seconds: float) -> None:
        if seconds < 0:
            raise ValueError("a clock cannot go backwards")
        self._now += seconds

    def set(self, seconds: float) -> None:
        if seconds < self._now:
            raise ValueError("a clock cannot go backwards")
        self._now = seconds

    def real_seconds(self, session_seconds: float) -> float:
        return session_seconds


def system_wall() -> datetime:
    """The computer's own idea of now, in UTC."""
    return datetime.now(UTC)
