"""The weekly plan: when it is next due, across week ends and summer-time changes."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from psoas_timer.core.reminders import (
    BeforeRatings,
    PlanError,
    WeeklyPlan,
    due_today,
    last_rated,
    local_day,
    next_midnight,
    parse_days,
    parse_time,
    plan_line,
    reminder_due,
    tighter_side_line,
)

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
MWF = WeeklyPlan(("mon", "wed", "fri"), time(19, 0))


def at(
    year: int, month: int, day: int, hour: int, minute: int = 0, tz: ZoneInfo = BERLIN
) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=tz)


# 2026-11-30 is a Monday.
@pytest.mark.parametrize(
    ("now", "due"),
    [
        (at(2026, 11, 30, 8), at(2026, 11, 30, 19)),  # later the same day
        (at(2026, 11, 30, 19), at(2026, 11, 30, 19)),  # exactly then
        (at(2026, 11, 30, 19, 1), at(2026, 12, 2, 19)),  # just missed: Wednesday
        (at(2026, 12, 4, 20), at(2026, 12, 7, 19)),  # Friday evening: over the week end
        (at(2026, 12, 6, 23, 59), at(2026, 12, 7, 19)),  # Sunday night
    ],
)
def test_next_due_is_the_first_planned_time_from_now(now: datetime, due: datetime) -> None:
    assert MWF.next_due(now, BERLIN) == due


def test_a_one_day_plan_missed_today_is_due_in_a_week() -> None:
    plan = WeeklyPlan(("mon",), time(7, 30))
    assert plan.next_due(at(2026, 11, 30, 8), BERLIN) == at(2026, 12, 7, 7, 30)


def test_next_due_keeps_local_time_across_the_autumn_change() -> None:
    # Berlin leaves summer time on Sunday 2026-10-25: Friday 19:00 is 17:00 UTC,
    # Monday 19:00 is 18:00 UTC; both are 19:00 on the wall.
    friday = MWF.next_due(at(2026, 10, 23, 12), BERLIN)
    monday = MWF.next_due(friday + timedelta(minutes=1), BERLIN)
    assert friday.astimezone(UTC).hour == 17
    assert monday.astimezone(UTC).hour == 18
    assert (friday.astimezone(BERLIN).hour, monday.astimezone(BERLIN).hour) == (19, 19)
    assert monday.astimezone(UTC) - friday.astimezone(UTC) == timedelta(days=3, hours=1)


def test_a_time_the_spring_change_skips_falls_just_after_it() -> None:
    # New York skips 02:00–03:00 on Sunday 2026-03-08.
    plan = WeeklyPlan(("sun",), time(2, 30))
    due = plan.next_due(datetime(2026, 3, 7, 12, tzinfo=NEW_YORK), NEW_YORK)
    assert due.astimezone(NEW_YORK).replace(tzinfo=None) == datetime(2026, 3, 8, 3, 30)
    assert due.astimezone(UTC) == datetime(2026, 3, 8, 7, 30, tzinfo=UTC)


def test_midnight_is_the_local_one_even_on_a_short_day() -> None:
    saturday = datetime(2026, 3, 7, 23, 0, tzinfo=NEW_YORK)
    assert next_midnight(saturday, NEW_YORK) == datetime(2026, 3, 8, 0, 0, tzinfo=NEW_YORK)
    assert local_day(datetime(2026, 11, 30, 23, 30, tzinfo=UTC), BERLIN).isoformat() == "2026-12-01"


def test_the_picker_line() -> None:
    monday = at(2026, 11, 30, 8)
    assert due_today(MWF, monday, done_today=False, tz=BERLIN)
    assert plan_line(MWF, monday, False, BERLIN) == "Due today (19:00)"
    # Still due after the time has passed, until a session is done.
    assert plan_line(MWF, at(2026, 11, 30, 22), False, BERLIN) == "Due today (19:00)"
    assert plan_line(MWF, monday, True, BERLIN) == "Next: Wednesday 19:00"
    assert plan_line(MWF, at(2026, 12, 1, 9), False, BERLIN) == "Next: tomorrow 19:00"
    assert plan_line(MWF, at(2026, 12, 5, 9), False, BERLIN) == "Next: Monday 19:00"
    every_day = WeeklyPlan(("mon", "tue", "wed", "thu", "fri", "sat", "sun"), time(6, 0))
    assert plan_line(every_day, monday, True, BERLIN) == "Next: tomorrow 06:00"
    assert every_day.describe() == "Every day at 06:00"
    assert MWF.describe() == "Mon, Wed and Fri at 19:00"


def test_the_reminder_shows_once_due_on_its_own_day_only() -> None:
    due = at(2026, 11, 30, 19)
    assert not reminder_due(due, at(2026, 11, 30, 18, 59), False, BERLIN)
    assert reminder_due(due, at(2026, 11, 30, 19), False, BERLIN)
    assert reminder_due(due, at(2026, 11, 30, 23, 59), False, BERLIN)
    assert not reminder_due(due, at(2026, 11, 30, 19, 30), True, BERLIN)  # done already
    assert not reminder_due(due, at(2026, 12, 1, 0, 0), False, BERLIN)  # the day has passed
    assert not reminder_due(None, at(2026, 11, 30, 19), False, BERLIN)


@pytest.mark.parametrize(
    ("left", "right", "sides", "said"),
    [
        (6, 4, ("left", "right"), "Last time your left side was tighter (6 vs 4)"),
        (3, 7, ("left", "right"), "Last time your right side was tighter (7 vs 3)"),
        (5, 5, ("left", "right"), "Last time both sides were equally tender (5 vs 5)"),
        (6, None, ("left",), "Last time you worked only your left side (rated 6 before)"),
        (
            None,
            2,
            ("left", "right"),
            "Last time only your right side was rated before (2): nothing to compare",
        ),
        (None, None, ("left", "right"), None),
    ],
)
def test_which_side_was_tighter(
    left: int | None, right: int | None, sides: tuple[str, ...], said: str | None
) -> None:
    assert tighter_side_line(BeforeRatings(at(2026, 11, 30, 19), left, right, sides)) == said


def test_the_last_rated_session_is_the_latest_with_a_before_rating() -> None:
    older = BeforeRatings(at(2026, 11, 27, 19), 6, 4)
    unrated = BeforeRatings(at(2026, 11, 30, 19), None, None)
    assert last_rated([unrated, older]) == older
    assert last_rated([unrated]) is None
    assert tighter_side_line(None) is None


@pytest.mark.parametrize("text", ["24:00", "19:60", "7:00", "19-00", "", None, 1900, " 19:00"])
def test_a_bad_time_is_refused(text: object) -> None:
    with pytest.raises(PlanError, match="time of day"):
        parse_time(text)


@pytest.mark.parametrize(
    "days", ["mon", ["mon", "mon"], ["monday"], [1], {"mon": 1}, None, [["mon"]]]
)
def test_bad_weekdays_are_refused(days: object) -> None:
    with pytest.raises(PlanError):
        parse_days(days)


def test_weekdays_come_back_in_calendar_order() -> None:
    assert parse_days(["sun", "mon"]) == ("mon", "sun")
    assert parse_time("00:00") == time(0, 0)
    assert parse_time("23:59") == time(23, 59)
    with pytest.raises(PlanError, match="at least one day"):
        WeeklyPlan((), time(19, 0))
