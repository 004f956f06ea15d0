"""Progress numbers: thresholds, rolling averages, series, weeks and filters."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock_time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from psoas_timer.core.progress import (
    Change,
    DateRange,
    DayValue,
    ProgressSession,
    SideResult,
    WeekCount,
    build_progress,
    filter_sessions,
    is_meaningful_change,
    rolling_average,
    sessions_per_week,
)

D0 = date(2024, 1, 1)  # a Monday


def session(
    day: date,
    *,
    tool: str = "ball",
    left: SideResult | None = None,
    right: SideResult | None = None,
    hour: int = 8,
) -> ProgressSession:
    started = datetime.combine(day, clock_time(hour), UTC)
    return ProgressSession(day, started, tool, left, right)


@pytest.mark.parametrize(
    ("before", "after", "meaningful"),
    [
        (6, 4, True),  # 2 points
        (6, 5, False),  # 1 point, 17 %
        (3, 2, True),  # 1 point but 33 %
        (4, 3, False),  # 25 %
        (10, 7, True),  # 3 points, exactly 30 %
        (10, 8, True),  # 2 points
        (10, 9, False),
        (1, 0, True),  # 100 %
        (0, 0, False),
        (2, 2, False),
        (4, 5, False),  # worse
        (5, 10, False),
    ],
)
def test_meaningful_change(before: int, after: int, meaningful: bool) -> None:
    assert is_meaningful_change(before, after) is meaningful


def test_rolling_average_by_calendar_window() -> None:
    points = [
        DayValue(D0, 6.0),
        DayValue(D0, 4.0),  # two entries on one day both count
        DayValue(D0 + timedelta(days=3), 8.0),
        DayValue(D0 + timedelta(days=6), 2.0),  # window D0..D0+6 still holds D0
        DayValue(D0 + timedelta(days=7), 5.0),  # D0 has dropped out
        DayValue(D0 + timedelta(days=20), 1.0),  # after a gap, alone
    ]
    assert rolling_average(reversed(points)) == [
        DayValue(D0, 5.0),
        DayValue(D0 + timedelta(days=3), 6.0),
        DayValue(D0 + timedelta(days=6), 5.0),
        DayValue(D0 + timedelta(days=7), 5.0),
        DayValue(D0 + timedelta(days=20), 1.0),
    ]
    assert rolling_average([]) == []
    with pytest.raises(ValueError, match="window"):
        rolling_average(points, window_days=0)


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.builds(
            DayValue,
            st.integers(0, 60).map(lambda n: D0 + timedelta(days=n)),
            st.integers(0, 10).map(float),
        ),
        max_size=40,
    ),
    st.integers(1, 10),
)
def test_rolling_average_matches_the_definition(points: list[DayValue], window: int) -> None:
    got = rolling_average(points, window)
    days = sorted({p.day for p in points})
    assert [g.day for g in got] == days
    for g in got:
        inside = [p.value for p in points if g.day - timedelta(days=window - 1) <= p.day <= g.day]
        assert g.value == pytest.approx(sum(inside) / len(inside))
        assert min(inside) <= g.value <= max(inside)


def test_date_ranges_include_today() -> None:
    today = date(2024, 3, 31)
    assert DateRange.LAST_30_DAYS.first_day(today) == date(2024, 3, 2)
    assert DateRange.LAST_90_DAYS.first_day(today) == today - timedelta(days=89)
    assert DateRange.LAST_365_DAYS.first_day(today) == today - timedelta(days=364)
    assert DateRange.ALL.first_day(today) is None


def test_filters_by_range_tool_and_side() -> None:
    today = date(2024, 3, 31)
    edge = today - timedelta(days=29)
    sessions = [
        session(edge - timedelta(days=1), left=SideResult(5, 3)),  # just outside 30 days
        session(edge, tool="peanut", right=SideResult(4, 4)),
        session(today, left=SideResult(2), right=SideResult(3)),
        session(today + timedelta(days=1), left=SideResult(1)),  # the future is out of range
    ]
    in_30 = filter_sessions(sessions, today=today, date_range=DateRange.LAST_30_DAYS)
    assert in_30 == sessions[1:3]
    assert filter_sessions(sessions, today=today) == sessions
    assert filter_sessions(sessions, today=today, tool_id="peanut") == [sessions[1]]
    assert filter_sessions(sessions, today=today, side="left") == [
        sessions[0],
        sessions[2],
        sessions[3],
    ]
    assert filter_sessions(
        sessions, today=today, tool_id="ball", side="right", date_range=DateRange.LAST_90_DAYS
    ) == [sessions[2]]


def test_series_are_in_time_order_and_skip_gaps() -> None:
    late = session(D0, left=SideResult(7, 6, 12), hour=20)
    early = session(D0, left=SideResult(5, None, None), hour=7)
    next_day = session(D0 + timedelta(days=1), left=SideResult(None, 1, 4), right=SideResult(9))
    progress = build_progress([next_day, late, early], today=D0 + timedelta(days=1))
    left, right = progress.left, progress.right
    assert left.before == [DayValue(D0, 5.0), DayValue(D0, 7.0)]
    assert left.after == [DayValue(D0, 6.0), DayValue(D0 + timedelta(days=1), 1.0)]
    assert right.before == [DayValue(D0 + timedelta(days=1), 9.0)]
    assert right.after == right.release == right.changes == []
    assert left.release == [DayValue(D0, 12.0), DayValue(D0 + timedelta(days=1), 4.0)]
    assert left.changes == [Change(D0, late.started_at, 7, 6, 1, False)]


def test_sessions_per_week_fills_gaps_and_uses_iso_weeks() -> None:
    days = [date(2020, 12, 31), date(2021, 1, 3), date(2021, 1, 4), date(2021, 1, 20)]
    weeks = sessions_per_week([session(d) for d in days])
    assert weeks == [
        WeekCount(2020, 53, date(2020, 12, 28), 2),
        WeekCount(2021, 1, date(2021, 1, 4), 1),
        WeekCount(2021, 2, date(2021, 1, 11), 0),
        WeekCount(2021, 3, date(2021, 1, 18), 1),
    ]
    assert sessions_per_week([]) == []


def test_build_progress_for_one_side() -> None:
    sessions = [
        session(D0, left=SideResult(6, 3, 10), right=SideResult(5, 5, 8)),
        session(D0 + timedelta(days=2), left=SideResult(4, 4), right=SideResult(6, 2)),
        session(D0 + timedelta(days=3), tool="peanut", right=SideResult(7, 1)),
    ]
    both = build_progress(sessions, today=D0 + timedelta(days=3))
    assert both.sessions == 3
    assert [v.value for v in both.left.before_average] == [6.0, 5.0]
    assert [c.meaningful for c in both.right.changes] == [False, True, True]
    assert both.right.meaningful_share == pytest.approx(2 / 3)
    assert [w.sessions for w in both.weeks] == [3]

    right = build_progress(sessions, today=D0 + timedelta(days=3), side="right", tool_id="ball")
    assert right.sessions == 2
    assert right.left.before == [] and right.left.meaningful_share is None
    assert [v.value for v in right.side("right").after] == [5.0, 2.0]
    assert [v.value for v in right.right.release] == [8.0]


def ten_years() -> list[ProgressSession]:
    return [
        session(
            D0 + timedelta(days=n),
            tool=("ball", "peanut")[n % 2],
            left=SideResult(3 + n % 7, n % 5, 4 + n % 9),
            right=SideResult(2 + n % 8, n % 4, 5 + n % 6),
        )
        for n in range(3650)
    ]


def test_ten_years_of_daily_sessions_give_every_point() -> None:
    # How fast this runs is measured by bench/run, not asserted here.
    sessions = ten_years()
    today = D0 + timedelta(days=3649)
    progress = build_progress(sessions, today=today)
    assert len(progress.left.before) == 3650 and len(progress.weeks) == 522
    assert len(progress.left.before_ids) == len(progress.left.before)
    assert len(progress.right.release_ids) == len(progress.right.release)


def test_the_progress_module_imports_no_database_or_gui() -> None:
    code = (
        "import sys, psoas_timer.core.progress\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('sqlite3', '_sqlite3', 'PySide6', 'pyqtgraph') or m.startswith('psoas_timer.store')))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
