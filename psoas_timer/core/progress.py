"""Progress numbers for the progress page: pure functions over plain data.

Nothing here knows about SQLite or Qt. The store turns its rows into
:class:`ProgressSession` values (see ``Store.progress_sessions``); the UI asks
:func:`build_progress` for everything one page needs and draws it.

Every session carries the local calendar ``day`` it belongs to, fixed by
whoever builds it, so these functions never touch time zones and give the same
answer on every machine.

Two measures answer "is it working?", and are kept apart:

* the **within-session drop** (:attr:`Change.drop`): the before rating minus
  the after rating of one session. Tenderness right after pressure nearly
  always falls a little, so this alone proves little.
* the **carry-over** (:class:`CarryOver`): the session's after rating minus the
  next session's before rating on that side, up to :data:`CARRY_OVER_MAX_DAYS`
  later. 0 means the relief held until next time; -2 means two points came
  back. It belongs to the session whose relief it measures. Whether the
  starting tenderness itself falls over the weeks is judged by
  :mod:`psoas_timer.core.headline`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import Enum
from operator import itemgetter
from typing import NamedTuple

from psoas_timer.core.i18n import N_, _
from psoas_timer.core.vocab import SIDE_VALUES, NextDay, Side, StopReason

#: A drop of this many points on the 0-10 scale counts as a meaningful change.
MEANINGFUL_DROP_POINTS = 2
#: ... and so does a drop of at least this share of the "before" rating
#: (kept as a fraction of ten so the test is exact integer arithmetic).
MEANINGFUL_DROP_TENTHS = 3

ROLLING_WINDOW_DAYS = 7
#: Charts of more than this many days show weekly means, not a point a session.
WEEKLY_ABOVE_DAYS = 400
#: A next session further away than this says little about the one before it,
#: so no carry-over is measured across the gap.
CARRY_OVER_MAX_DAYS = 14

#: The two measures in one sentence each, as the page and the report explain them.
DROP_TEXT = N_(
    "Within-session drop: the before rating minus the after rating of the same session; "
    "tenderness right after pressure nearly always eases a little, so this alone proves little."
)
CARRY_TEXT = N_(
    "Carry-over: a session's after rating minus the next session's before rating on that side "
    "(within {days} days); 0 means the relief held until next time, −2 that two "
    "points came back."
)


def drop_text() -> str:
    """What the within-session drop measures, in the language in use."""
    return _(DROP_TEXT)


def carry_text() -> str:
    """What carry-over measures, in the language in use."""
    return _(CARRY_TEXT).format(days=CARRY_OVER_MAX_DAYS)


# A log's worth of these is made on every load of the progress page, so they are
# named tuples too (see DayValue below): several times cheaper to build than
# frozen dataclasses.
class SideResult(NamedTuple):
    """One side of one session: its tenderness ratings, earliest release and dose.

    ``under_pressure_s`` is the active time of the side's sets (pauses left
    out) and ``max_level`` the highest pressure level reached; both are
    ``None`` when the side has no sets.
    """

    before: int | None = None
    after: int | None = None
    released_breath: int | None = None
    under_pressure_s: float | None = None
    max_level: int | None = None


class ProgressSession(NamedTuple):
    """What the progress page needs to know about one session.

    ``left``/``right`` is ``None`` when the session did not include that side.
    """

    day: date
    started_at: datetime
    tool_id: str
    left: SideResult | None = None
    right: SideResult | None = None
    #: The log's id for the session, so a chart point can lead back to it.
    session_id: int | None = None
    position_id: str = ""
    #: The next-day check: how the area felt a day or so later, and whether
    #: bruising or soreness lasted more than a day. ``None`` when not answered.
    next_day: NextDay | None = None
    lasting_soreness: bool | None = None
    #: Each time Stop was pressed: on which side, and why, in order.
    stops: tuple[tuple[Side, StopReason], ...] = ()

    def side(self, side: Side) -> SideResult | None:
        return self.left if side == "left" else self.right


# The chart points are named tuples rather than frozen dataclasses: tens of
# thousands are made per redraw and a tuple is several times cheaper to build
# (the hot loops even skip the generated __new__, see _new). They also unzip
# straight into x and y arrays for plotting.
class DayValue(NamedTuple):
    day: date
    value: float


class Change(NamedTuple):
    """Before and after of one side of one session, judged against the threshold."""

    day: date
    started_at: datetime
    before: int
    after: int
    drop: int
    meaningful: bool


class CarryOver(NamedTuple):
    """How much of a session's relief on one side was still there at the next session.

    ``day`` and ``started_at`` are the session whose relief it measures;
    ``next_day`` is when it was measured.
    """

    day: date
    started_at: datetime
    after: int
    next_before: int
    next_day: date

    @property
    def value(self) -> int:
        """After minus the next before: 0 held, negative came back, positive kept easing."""
        return self.after - self.next_before


class DatedEvent(NamedTuple):
    """Something that happened on a day, drawn as a mark on the tenderness charts.

    ``kind`` picks the mark's look (``"better"``, ``"same"``, ``"worse"`` for
    next-day checks; other kinds, such as stopping a set, bring their own).
    """

    day: date
    kind: str
    label: str
    session_id: int | None = None
    side: Side | None = None


class WeekCount(NamedTuple):
    year: int  # ISO year, which differs from the calendar year around New Year
    week: int
    monday: date
    sessions: int


# tuple.__new__ builds a named tuple without the Python-level __new__ frame,
# which halves the cost of making one.
_new = tuple.__new__


class DateRange(Enum):
    """The progress page's range choices; the value is the number of days shown."""

    LAST_30_DAYS = 30
    LAST_90_DAYS = 90
    LAST_365_DAYS = 365
    ALL = 0

    def first_day(self, today: date) -> date | None:
        """The earliest day inside the range, or ``None`` for no limit.

        The range includes ``today``: "last 30 days" is today and the 29 before.
        """
        if self is DateRange.ALL:
            return None
        return today - timedelta(days=self.value - 1)


@dataclass(frozen=True, slots=True)
class SideProgress:
    before: list[DayValue] = field(default_factory=list)
    after: list[DayValue] = field(default_factory=list)
    before_average: list[DayValue] = field(default_factory=list)
    after_average: list[DayValue] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)
    release: list[DayValue] = field(default_factory=list)
    # The session behind each point of before/after/changes/release, index for
    # index, so a hovered or clicked point can name its session.
    before_ids: list[int | None] = field(default_factory=list)
    after_ids: list[int | None] = field(default_factory=list)
    change_ids: list[int | None] = field(default_factory=list)
    release_ids: list[int | None] = field(default_factory=list)
    carry_over: list[CarryOver] = field(default_factory=list)
    carry_ids: list[int | None] = field(default_factory=list)

    @property
    def meaningful_share(self) -> float | None:
        """Share of rated session sides that reached a meaningful change."""
        if not self.changes:
            return None
        return sum(c.meaningful for c in self.changes) / len(self.changes)


@dataclass(frozen=True, slots=True)
class Progress:
    left: SideProgress
    right: SideProgress
    weeks: list[WeekCount]
    sessions: int

    def side(self, side: Side) -> SideProgress:
        return self.left if side == "left" else self.right


def is_meaningful_change(before: int, after: int) -> bool:
    """Whether tenderness fell enough to matter: by 2 points, or by 30 % of ``before``."""
    drop = before - after
    if drop <= 0:
        return False
    return drop >= MEANINGFUL_DROP_POINTS or (
        before > 0 and drop * 10 >= before * MEANINGFUL_DROP_TENTHS
    )


def filter_sessions(
    sessions: Iterable[ProgressSession],
    *,
    today: date,
    tool_id: str | None = None,
    side: Side | None = None,
    date_range: DateRange = DateRange.ALL,
) -> list[ProgressSession]:
    """The sessions inside the range ending ``today``, for one tool and/or side."""
    first = date_range.first_day(today)
    return [
        s
        for s in sessions
        if (tool_id is None or s.tool_id == tool_id)
        and (side is None or s.side(side) is not None)
        and (first is None or first <= s.day <= today)
    ]


def _in_order(sessions: Iterable[ProgressSession]) -> list[ProgressSession]:
    return sorted(sessions, key=lambda s: (s.day, s.started_at))


def rolling_average(
    points: Iterable[DayValue], window_days: int = ROLLING_WINDOW_DAYS
) -> list[DayValue]:
    """For each day that has entries, the mean of every entry in the window ending that day.

    The window is by calendar date (that day and the ``window_days - 1`` days
    before), not by count, so a gap of a week empties it.
    """
    if window_days < 1:
        raise ValueError(f"window_days must be at least 1, got {window_days}")
    days: list[date] = []
    # Running totals per distinct day: a window's sum is the difference of two.
    # Ratings are whole numbers, so these float sums stay exact far beyond any
    # real log.
    total_at = [0.0]
    count_at = [0]
    for day, value in sorted(points, key=itemgetter(0)):
        if days and day == days[-1]:
            total_at[-1] += value
            count_at[-1] += 1
        else:
            days.append(day)
            total_at.append(total_at[-1] + value)
            count_at.append(count_at[-1] + 1)
    ordinals = [d.toordinal() for d in days]
    out: list[DayValue] = []
    start = 0
    for end, (day, key) in enumerate(zip(days, ordinals, strict=True), start=1):
        first = key - window_days + 1
        while ordinals[start] < first:
            start += 1
        mean = (total_at[end] - total_at[start]) / (count_at[end] - count_at[start])
        out.append(_new(DayValue, (day, mean)))
    return out


def sessions_per_week(sessions: Iterable[ProgressSession]) -> list[WeekCount]:
    """Sessions per ISO week from the first week with one to the last, empty weeks as 0."""
    # Keyed by the Monday's ordinal; day 1 of the proleptic calendar was a Monday.
    counts: dict[int, int] = {}
    for s in sessions:
        key = s.day.toordinal()
        key -= (key - 1) % 7
        counts[key] = counts.get(key, 0) + 1
    if not counts:
        return []
    out: list[WeekCount] = []
    for key in range(min(counts), max(counts) + 1, 7):
        monday = date.fromordinal(key)
        year, week, _ = monday.isocalendar()
        out.append(WeekCount(year, week, monday, counts.get(key, 0)))
    return out


def carry_overs(ordered: Iterable[ProgressSession], side: Side) -> dict[int, CarryOver]:
    """Each session's carry-over on ``side``, keyed by ``id()`` of the session.

    ``ordered`` must be every session in time order, not a filtered choice: the
    next session of a side is the next one of any tool, and it may lie outside
    the range shown.
    """
    out: dict[int, CarryOver] = {}
    previous: ProgressSession | None = None
    previous_after: int | None = None
    for s in ordered:
        result = s.left if side == "left" else s.right
        if result is None:
            continue
        if (
            previous is not None
            and previous_after is not None
            and result.before is not None
            and (s.day - previous.day).days <= CARRY_OVER_MAX_DAYS
        ):
            out[id(previous)] = _new(
                CarryOver, (previous.day, previous.started_at, previous_after, result.before, s.day)
            )
        previous, previous_after = s, result.after
    return out


def weekly_means(points: Iterable[DayValue]) -> list[DayValue]:
    """The mean of each ISO week that has points, placed on the week's Thursday.

    For charts of more than about a year, where one mark a session is a smear.
    """
    totals: dict[int, list[float]] = {}
    for day, value in points:
        key = day.toordinal()
        key -= (key - 1) % 7  # that week's Monday
        entry = totals.get(key)
        if entry is None:
            totals[key] = [value, 1.0]
        else:
            entry[0] += value
            entry[1] += 1.0
    return [
        _new(DayValue, (date.fromordinal(key + 3), total / count))
        for key, (total, count) in sorted(totals.items())
    ]


def _side_progress(
    ordered: list[ProgressSession], side: Side, carried: dict[int, CarryOver] | None = None
) -> SideProgress:
    # One pass making all the series: this runs on every filter change.
    before: list[DayValue] = []
    after: list[DayValue] = []
    changes: list[Change] = []
    release: list[DayValue] = []
    before_ids: list[int | None] = []
    after_ids: list[int | None] = []
    change_ids: list[int | None] = []
    release_ids: list[int | None] = []
    carry: list[CarryOver] = []
    carry_ids: list[int | None] = []
    carried = carried if carried is not None else carry_overs(ordered, side)
    for s in ordered:
        result = s.left if side == "left" else s.right
        if result is None:
            continue
        kept = carried.get(id(s))
        if kept is not None:
            carry.append(kept)
            carry_ids.append(s.session_id)
        b, a, r = result.before, result.after, result.released_breath
        if b is not None:
            before.append(_new(DayValue, (s.day, float(b))))
            before_ids.append(s.session_id)
        if a is not None:
            after.append(_new(DayValue, (s.day, float(a))))
            after_ids.append(s.session_id)
            if b is not None:
                meaningful = is_meaningful_change(b, a)
                changes.append(_new(Change, (s.day, s.started_at, b, a, b - a, meaningful)))
                change_ids.append(s.session_id)
        if r is not None:
            release.append(_new(DayValue, (s.day, float(r))))
            release_ids.append(s.session_id)
    return SideProgress(
        before=before,
        after=after,
        before_average=rolling_average(before),
        after_average=rolling_average(after),
        changes=changes,
        release=release,
        before_ids=before_ids,
        after_ids=after_ids,
        change_ids=change_ids,
        release_ids=release_ids,
        carry_over=carry,
        carry_ids=carry_ids,
    )


def build_progress(
    sessions: Iterable[ProgressSession],
    *,
    today: date,
    tool_id: str | None = None,
    side: Side | None = None,
    date_range: DateRange = DateRange.ALL,
    carried: Mapping[Side, dict[int, CarryOver]] | None = None,
) -> Progress:
    """Everything the progress page shows, for one choice of filters.

    ``carried`` is :func:`carry_overs` per side over ``sessions``, when the
    caller has it already.
    """
    everything = _in_order(sessions)
    chosen = filter_sessions(
        everything, today=today, tool_id=tool_id, side=side, date_range=date_range
    )
    per_side = {
        s: _side_progress(
            chosen, s, carried[s] if carried is not None else carry_overs(everything, s)
        )
        if side in (None, s)
        else SideProgress()
        for s in SIDE_VALUES
    }
    return Progress(
        left=per_side["left"],
        right=per_side["right"],
        weeks=sessions_per_week(chosen),
        sessions=len(chosen),
    )
