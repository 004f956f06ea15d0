"""The records the store takes in and hands out, and the stored form of a time.

Times are stored as ISO 8601 UTC text to the second (``2024-05-01T07:30:00Z``):
fixed width, so text order is time order and the indexes work on it directly.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from typing import Final, Protocol

from psoas_timer.core.vocab import (
    Moment,
    NextDay,
    SessionStatus,
    SetOutcome,
    Side,
    Sides,
    StopReason,
    sides_of,
)


def to_db_time(value: datetime) -> str:
    """The stored form of an aware datetime: UTC, to the second, with a ``Z``."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"a time must carry its time zone, got the naive {value.isoformat()}")
    u = value.astimezone(UTC)
    # Formatted by hand: strftime("%Y") does not zero-pad years before 1000 on
    # glibc, which would break the fixed width that text ordering relies on.
    return f"{u.year:04d}-{u.month:02d}-{u.day:02d}T{u.hour:02d}:{u.minute:02d}:{u.second:02d}Z"


def from_db_time(text: str) -> datetime:
    return datetime.fromisoformat(text)


def local_time(value: datetime, tz: tzinfo | None = None) -> datetime:
    """``value`` in ``tz`` (the computer's zone when ``None``), for showing and for days.

    A time within a day of the ends of the calendar (years 1 and 9999) may
    have no equivalent in the zone; it is then given in UTC rather than
    failing, so a log holding such a time (imported by an older version)
    still opens on every page.
    """
    try:
        return value.astimezone(tz)
    except (OverflowError, ValueError):
        return value.astimezone(UTC)


class SetLike(Protocol):
    """What :meth:`Store.record_set` needs; the engine's ``SetResult`` fits as it is."""

    @property
    def side(self) -> Side: ...
    @property
    def level(self) -> int: ...
    @property
    def variant_name(self) -> str: ...
    @property
    def breaths_planned(self) -> int: ...
    @property
    def breaths_done(self) -> int: ...
    @property
    def released_breath(self) -> int | None: ...
    @property
    def released_at_s(self) -> float | None: ...
    @property
    def duration_s(self) -> float: ...
    @property
    def paused_s(self) -> float: ...
    @property
    def outcome(self) -> SetOutcome: ...


@dataclass(frozen=True, slots=True)
class SetRecord:
    """A set as reported when it ends (see :class:`SetLike`).

    ``released_breath`` is the 1-based breath during which the muscle let go.
    ``breaths_done`` counts finished breaths, so a release during a breath that
    was then cut short (backed off, skipped, ended) is one more than
    ``breaths_done``; anything beyond that was never reached.
    """

    side: Side
    level: int
    variant_name: str
    breaths_planned: int
    breaths_done: int
    duration_s: float
    outcome: SetOutcome = "completed"
    paused_s: float = 0.0
    released_breath: int | None = None
    released_at_s: float | None = None


class StopLike(Protocol):
    """What :meth:`Store.record_stop` needs; the engine's ``StopEvent`` fits as it is."""

    @property
    def side(self) -> Side: ...
    @property
    def level(self) -> int: ...
    @property
    def breath(self) -> int | None: ...
    @property
    def reason(self) -> StopReason: ...


# The fields of Session, SetRow, Rating, NextDayCheck and StopRow are the columns
# of their tables, in order: the queries list their columns from these fields
# (store.queries).


@dataclass(frozen=True, slots=True)
class Session:
    id: int
    uuid: str
    started_at: datetime
    ended_at: datetime | None
    tool_id: str
    position_id: str
    sides: Sides
    status: SessionStatus
    note: str

    @property
    def side_list(self) -> tuple[Side, ...]:
        return sides_of(self.sides)


@dataclass(frozen=True, slots=True)
class SetRow:
    id: int
    session_id: int
    seq: int  # 1-based order within the session
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
    recorded_at: datetime


@dataclass(frozen=True, slots=True)
class Rating:
    session_id: int
    side: Side
    moment: Moment
    value: int
    recorded_at: datetime


@dataclass(frozen=True, slots=True)
class NextDayCheck:
    """How the area felt a day or so after a session (see :mod:`psoas_timer.core.next_day`).

    ``feeling`` and ``lasting_soreness`` are both ``None`` when the person
    chose not to be asked about this session.
    """

    session_id: int
    feeling: NextDay | None
    lasting_soreness: bool | None
    recorded_at: datetime

    @property
    def declined(self) -> bool:
        return self.feeling is None


@dataclass(frozen=True, slots=True)
class StopRow:
    """Stop was pressed: on which side and level, in which breath of a set, and why."""

    id: int
    session_id: int
    seq: int  # 1-based order among the session's stops
    side: Side
    level: int
    breath: int | None  # the breath under way when a set was stopped; None outside a set
    reason: StopReason
    recorded_at: datetime


@dataclass(frozen=True, slots=True)
class SessionSnapshot:
    """A session with everything hanging off it, in stored order.

    Returned by :meth:`Store.delete_session` for undo and by
    :meth:`Store.snapshots` for export.
    """

    session: Session
    sets: tuple[SetRow, ...]
    ratings: tuple[Rating, ...]
    next_day: NextDayCheck | None = None
    stops: tuple[StopRow, ...] = ()


@dataclass(frozen=True, slots=True)
class SideSummary:
    before: int | None
    after: int | None
    set_count: int
    min_released_breath: int | None
    max_level: int | None


#: The summary of a side with no sets and no ratings.
EMPTY_SIDE: Final = SideSummary(None, None, 0, None, None)


@dataclass(frozen=True, slots=True)
class SessionSummary:
    id: int
    uuid: str
    started_at: datetime
    ended_at: datetime | None
    tool_id: str
    position_id: str
    sides: Sides
    status: SessionStatus
    note: str
    left: SideSummary
    right: SideSummary
    next_day: NextDayCheck | None = None
    stops: tuple[StopReason, ...] = ()  # why each Stop was pressed, in order

    def side(self, side: Side) -> SideSummary:
        return self.left if side == "left" else self.right

    @property
    def set_count(self) -> int:
        return self.left.set_count + self.right.set_count

    @property
    def min_released_breath(self) -> int | None:
        found = [
            b
            for b in (self.left.min_released_breath, self.right.min_released_breath)
            if b is not None
        ]
        return min(found) if found else None


#: What an import hands the store, in file order: a session, or a set or
#: rating, stop or next-day check with the uuid of its session (which may come later
#: in the file).
ImportRecord = Session | tuple[str, SetRow | Rating | NextDayCheck | StopRow]


@dataclass(frozen=True, slots=True)
class MergeResult:
    sessions_added: int
    sessions_skipped: int
    sets_added: int
    ratings_added: int
    next_day_checks_added: int = 0
    stops_added: int = 0
