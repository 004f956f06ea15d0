"""A weekly plan ("Mon, Wed and Fri at 19:00"): when it is next due, and what to say about it.

Everything here is plain arithmetic on aware datetimes, so it is tested
without Qt and without waiting. Plan times are local wall-clock times: 19:00
stays 19:00 across a change to or from summer time. A time that a change
skips (02:30 on the night the clocks go forward) falls at the same distance
after the change instead, as the zone database maps it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Final, Literal, get_args

from psoas_timer.core.i18n import N_, _

Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
#: In calendar order, Monday first, as ``date.weekday()`` counts them.
WEEKDAYS: Final[tuple[Weekday, ...]] = get_args(Weekday)
#: Marked for translation; shown through ``_()``.
WEEKDAY_NAMES: Final = (
    N_("Monday"),
    N_("Tuesday"),
    N_("Wednesday"),
    N_("Thursday"),
    N_("Friday"),
    N_("Saturday"),
    N_("Sunday"),
)
WEEKDAY_SHORT: Final = (N_("Mon"), N_("Tue"), N_("Wed"), N_("Thu"), N_("Fri"), N_("Sat"), N_("Sun"))
DEFAULT_DAYS: Final[tuple[Weekday, ...]] = ("mon", "wed", "fri")
DEFAULT_TIME: Final = "19:00"
_TIME: Final = re.compile(r"(\d{2}):(\d{2})")


class PlanError(ValueError):
    """A weekly plan that cannot be used; the message says why."""


def parse_time(text: object) -> time:
    """``"HH:MM"`` (24-hour, 00:00 to 23:59) as a time; :class:`PlanError` otherwise."""
    match = _TIME.fullmatch(text) if isinstance(text, str) else None
    if match is None or int(match[1]) > 23 or int(match[2]) > 59:
        raise PlanError(f'expected a time of day from "00:00" to "23:59", got {text!r}')
    return time(int(match[1]), int(match[2]))


def format_time(at: time) -> str:
    return f"{at.hour:02d}:{at.minute:02d}"


def parse_days(value: object) -> tuple[Weekday, ...]:
    """A list of weekday names (``"mon"`` … ``"sun"``) in calendar order, each once."""
    if isinstance(value, str) or not isinstance(value, Sequence):
        raise PlanError(f"expected a list of weekdays such as ['mon', 'wed'], got {value!r}")
    unknown = [day for day in value if day not in WEEKDAYS]
    if unknown:
        raise PlanError(f"expected weekdays among {', '.join(WEEKDAYS)}, got {unknown[0]!r}")
    if len(set(value)) != len(value):
        raise PlanError(f"a weekday is listed twice in {list(value)!r}")
    return tuple(day for day in WEEKDAYS if day in value)


@dataclass(frozen=True, slots=True)
class WeeklyPlan:
    """Sessions on ``days`` at ``at`` local time; at least one day."""

    days: tuple[Weekday, ...]
    at: time

    def __post_init__(self) -> None:
        if not self.days:
            raise PlanError("a weekly plan needs at least one day")
        if parse_days(self.days) != self.days:
            raise PlanError(f"weekdays must be listed once each in calendar order: {self.days}")

    def on(self, day: date) -> bool:
        return WEEKDAYS[day.weekday()] in self.days

    def due_at(self, day: date, tz: tzinfo | None = None) -> datetime:
        """When the session planned for ``day`` is due, as an aware datetime."""
        return _local(datetime.combine(day, self.at), tz)

    def next_due(self, now: datetime, tz: tzinfo | None = None) -> datetime:
        """The first planned time at or after ``now``, at most a week ahead."""
        today = local_day(now, tz)
        for ahead in range(8):
            day = today + timedelta(days=ahead)
            if self.on(day):
                due = self.due_at(day, tz)
                if due >= now:
                    return due
        raise AssertionError("a plan with a day is due within eight days")  # pragma: no cover

    def describe(self) -> str:
        """ "Mon, Wed and Fri at 19:00"."""
        names = [_(WEEKDAY_SHORT[WEEKDAYS.index(day)]) for day in self.days]
        if len(names) == 1:
            listed = names[0]
        else:
            listed = _("{days} and {last}").format(days=", ".join(names[:-1]), last=names[-1])
        if len(names) == 7:
            listed = _("Every day")
        return _("{days} at {time}").format(days=listed, time=format_time(self.at))


def _local(naive: datetime, tz: tzinfo | None) -> datetime:
    if tz is None:
        return naive.astimezone()  # the computer's zone, with its summer time
    # Through UTC and back: a time in a skipped hour comes out as a real one.
    return naive.replace(tzinfo=tz).astimezone(UTC).astimezone(tz)


def local_day(moment: datetime, tz: tzinfo | None = None) -> date:
    return moment.astimezone(tz).date()


def next_midnight(now: datetime, tz: tzinfo | None = None) -> datetime:
    """The start of tomorrow where the computer is: when "today" changes."""
    return _local(datetime.combine(local_day(now, tz) + timedelta(days=1), time()), tz)


def due_today(plan: WeeklyPlan, now: datetime, done_today: bool, tz: tzinfo | None = None) -> bool:
    """Whether today is a planned day with no session yet (one today counts as done)."""
    return plan.on(local_day(now, tz)) and not done_today


def plan_line(plan: WeeklyPlan, now: datetime, done_today: bool, tz: tzinfo | None = None) -> str:
    """The picker's one line: "Due today (19:00)" or "Next: Wednesday 19:00"."""
    if due_today(plan, now, done_today, tz):
        return _("Due today ({time})").format(time=format_time(plan.at))
    today = local_day(now, tz)
    # Done today, or today is no planned day: the next one from tomorrow on.
    after = max(now, next_midnight(now, tz)) if plan.on(today) else now
    due = plan.next_due(after, tz)
    day = local_day(due, tz)
    when = _("tomorrow") if day == today + timedelta(days=1) else _(WEEKDAY_NAMES[day.weekday()])
    return _("Next: {day} {time}").format(day=when, time=format_time(plan.at))


@dataclass(frozen=True, slots=True)
class BeforeRatings:
    """One session's tenderness before the sets, per side (``None``: not rated or not done)."""

    started_at: datetime
    left: int | None
    right: int | None
    #: The sides the session was planned for, so a one-sided session is named as such.
    sides: tuple[str, ...] = ("left", "right")


def tighter_side_line(last: BeforeRatings | None) -> str | None:
    """What the last session's before-ratings say about the sides, or ``None`` without any."""
    if last is None or (last.left is None and last.right is None):
        return None
    left, right = last.left, last.right
    if left is not None and right is not None:
        if left == right:
            return _("Last time both sides were equally tender ({left} vs {right})").format(
                left=left, right=right
            )
        if left > right:
            text = _("Last time your left side was tighter ({high} vs {low})")
            return text.format(high=left, low=right)
        text = _("Last time your right side was tighter ({high} vs {low})")
        return text.format(high=right, low=left)
    if len(last.sides) == 1:
        if left is not None:
            text = _("Last time you worked only your left side (rated {value} before)")
        else:
            text = _("Last time you worked only your right side (rated {value} before)")
    elif left is not None:
        text = _("Last time only your left side was rated before ({value}): nothing to compare")
    else:
        text = _("Last time only your right side was rated before ({value}): nothing to compare")
    return text.format(value=left if left is not None else right)


def last_rated(sessions: Iterable[BeforeRatings]) -> BeforeRatings | None:
    """The latest session with any before-rating."""
    rated = [s for s in sessions if s.left is not None or s.right is not None]
    return max(rated, key=lambda s: s.started_at, default=None)


def reminder_due(
    armed_for: datetime | None,
    now: datetime,
    done_today: bool,
    tz: tzinfo | None = None,
) -> bool:
    """Whether the reminder armed for ``armed_for`` should show now.

    Only on the day it was planned for: a reminder held back by a running
    session, or by a computer asleep past midnight, is dropped rather than
    shown a day late. A session already done that day needs no reminder.
    """
    if armed_for is None or now < armed_for or done_today:
        return False
    return local_day(now, tz) == local_day(armed_for, tz)
