"""The one seam through which the app reads time.

There are two kinds of time, and each has one source here:

* **Session time** (:class:`Clock`): seconds on a monotonic scale, for pacing,
  step deadlines and set durations. The real clock is monotonic (wall-clock
  jumps from NTP or DST never disturb a set) and may run faster than real time
  for demonstrations and end-to-end checks.
* **Wall time** (:data:`WallClock`): an aware UTC ``datetime`` for the stamps
  in the log (when a session started and ended, when a rating was given) and
  for "today" on the progress charts.

:class:`Clocks` carries one of each. The application builds it once at start
and hands it down; tests build one from a :class:`FakeClock`. When session time
runs faster than real time, wall time is derived from it (:meth:`Clocks.real`),
so the start and end stamps of a session agree with the durations logged for
its sets.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
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


class FollowingWallClock:
    """Wall time that moves exactly as a session clock does, from a fixed origin.

    ``origin`` is the wall time at which ``session`` reads zero.
    """

    def __init__(self, session: Clock, origin: datetime) -> None:
        if origin.tzinfo is None or origin.utcoffset() is None:
            raise ValueError(f"the origin must carry its time zone, got {origin.isoformat()}")
        self._session = session
        self._origin = origin.astimezone(UTC)

    def __call__(self) -> datetime:
        return self._origin + timedelta(seconds=self._session.now())


@dataclass(frozen=True, slots=True)
class Clocks:
    """The app's two clocks: ``session`` for pacing, ``wall`` for stamps and dates."""

    session: Clock
    wall: WallClock

    def today(self) -> date:
        """Today's date where the computer is (its local time zone)."""
        return self.wall().astimezone().date()

    @classmethod
    def real(cls, scale: float = 1.0) -> Clocks:
        """The clocks of a running app; ``scale`` > 1 runs sessions faster than real time.

        At normal speed wall time is the computer's own, which keeps counting
        while the computer sleeps. Scaled, it is derived from the session clock
        so that stored start and end times agree with stored durations.
        """
        session = MonotonicClock(scale)
        if scale == 1.0:
            return cls(session, system_wall)
        return cls.following(session)

    @classmethod
    def following(cls, session: Clock, origin: datetime | None = None) -> Clocks:
        """Wall time derived from ``session`` (a :class:`FakeClock` in tests).

        ``origin`` is the wall time at which ``session`` reads zero; by default,
        now minus whatever ``session`` already reads.
        """
        if origin is None:
            origin = system_wall() - timedelta(seconds=session.now())
        return cls(session, FollowingWallClock(session, origin))
