"""Carry-over, the headline rule, dose, which works, and when to ask the next-day check."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from datetime import time as clock_time

import pytest

from psoas_timer.core.compare import asymmetry, asymmetry_text, compare_methods
from psoas_timer.core.dose import by_level, rest_notes, rising_run, side_dose
from psoas_timer.core.headline import (
    MIN_DAYS,
    MIN_SESSIONS,
    Verdict,
    headline,
    headline_text,
    span_text,
    window_size,
)
from psoas_timer.core.next_day import ASK_FROM, ASK_UNTIL, LastSession, check_text, is_due
from psoas_timer.core.progress import (
    CARRY_OVER_MAX_DAYS,
    CarryOver,
    DateRange,
    DayValue,
    ProgressSession,
    SideResult,
    build_progress,
    carry_overs,
    weekly_means,
)
from psoas_timer.core.vocab import SIDE_VALUES, NextDay

D0 = date(2024, 1, 1)  # a Monday


def session(
    n: int,
    left: SideResult | None = None,
    right: SideResult | None = None,
    *,
    tool: str = "ball",
    position: str = "prone",
    day: date | None = None,
    next_day: NextDay | None = None,
) -> ProgressSession:
    when = day or D0 + timedelta(days=n)
    started = datetime.combine(when, clock_time(8, n % 60), UTC)
    return ProgressSession(
        when, started, tool, left, right, n, position, next_day, None if next_day is None else False
    )


def rated(before: int | None, after: int | None, **dose: object) -> SideResult:
    return SideResult(before, after, **dose)  # type: ignore[arg-type]


# -- carry-over -----------------------------------------------------------------


def test_carry_over_is_the_after_against_the_next_before() -> None:
    sessions = [
        session(0, rated(6, 3)),
        session(2, rated(5, 2)),  # 3 → 5: two points came back
        session(3, rated(2, 1)),  # 2 → 2: held
        session(4, rated(None, 0)),  # no before: nothing measured for session 3
        session(5, rated(0, 0)),  # 0 → 0
    ]
    carried = carry_overs(sessions, "left")
    assert [(c.day, c.value) for c in carried.values()] == [
        (D0, -2),
        (D0 + timedelta(days=2), 0),
        (D0 + timedelta(days=4), 0),
    ]
    first = carried[id(sessions[0])]
    assert first == CarryOver(D0, sessions[0].started_at, 3, 5, D0 + timedelta(days=2))


def test_carry_over_needs_the_next_session_of_that_side_within_the_gap() -> None:
    sessions = [
        session(0, rated(6, 3)),
        session(1, right=rated(4, 2)),  # the other side only: skipped for the left
        session(CARRY_OVER_MAX_DAYS, rated(5, 4)),  # 14 days after session 0: counts
        session(CARRY_OVER_MAX_DAYS * 2 + 1, rated(4, 4)),  # 15 days later: too far
        session(CARRY_OVER_MAX_DAYS * 2 + 2, rated(3, 2)),
    ]
    left = carry_overs(sessions, "left")
    assert [c.value for c in left.values()] == [-2, 1]
    assert id(sessions[2]) not in left
    # A session with no after rating measures nothing, even if an earlier one could.
    gap = [session(0, rated(6, 2)), session(1, rated(5, None)), session(2, rated(4, 3))]
    assert [c.day for c in carry_overs(gap, "left").values()] == [D0]


def test_carry_over_crosses_a_tool_filter_and_the_range_start() -> None:
    sessions = [
        session(0, rated(6, 2), tool="ball"),
        session(1, rated(5, 4), tool="claw"),  # ball's relief is measured here
        session(2, rated(4, 1), tool="ball"),
        session(3, rated(3, 3), tool="claw"),
    ]
    today = D0 + timedelta(days=3)
    ball = build_progress(sessions, today=today, tool_id="ball").left
    # Each ball session's carry-over is measured at the next session, a claw one.
    assert [(c.day, c.value) for c in ball.carry_over] == [(D0, -3), (D0 + timedelta(days=2), -2)]
    assert ball.carry_ids == [0, 2]
    # The last session's relief is not measured yet.
    assert build_progress(sessions, today=today).left.carry_over[-1].day == D0 + timedelta(days=2)
    recent = build_progress(sessions, today=today, date_range=DateRange.LAST_30_DAYS).left
    assert len(recent.carry_over) == 3


def test_weekly_means_sit_on_thursdays() -> None:
    points = [
        DayValue(D0, 4.0),
        DayValue(D0 + timedelta(days=6), 6.0),  # Sunday: same week
        DayValue(D0 + timedelta(days=7), 1.0),
        DayValue(D0 + timedelta(days=21), 3.0),
    ]
    assert weekly_means(points) == [
        DayValue(D0 + timedelta(days=3), 5.0),
        DayValue(D0 + timedelta(days=10), 1.0),
        DayValue(D0 + timedelta(days=24), 3.0),
    ]
    assert weekly_means([]) == []


# -- the headline ---------------------------------------------------------------------


def befores(values: list[int], every: int = 3) -> list[DayValue]:
    return [DayValue(D0 + timedelta(days=i * every), float(v)) for i, v in enumerate(values)]


def test_window_is_a_quarter_but_at_least_three() -> None:
    assert [window_size(n) for n in (6, 11, 12, 15, 16, 78)] == [3, 3, 3, 3, 4, 19]


def test_too_few_sessions_say_so() -> None:
    result = headline(befores([8, 8, 8, 2, 2]))
    assert result.verdict is Verdict.NOT_ENOUGH and result.sessions == MIN_SESSIONS - 1
    assert "not enough sessions yet" in headline_text("Left", result)
    assert f"at least {MIN_SESSIONS}" in headline_text("Left", result)
    assert headline([]).verdict is Verdict.NOT_ENOUGH


def test_too_short_a_span_says_so() -> None:
    # Six ratings over 13 days: one day short.
    short = [DayValue(D0 + timedelta(days=d), 8.0 - d / 3) for d in (0, 2, 5, 8, 10, 13)]
    result = headline(short)
    assert result.verdict is Verdict.NOT_ENOUGH
    assert "not enough time yet" in headline_text("Right", result)
    enough = [*short[:-1], DayValue(D0 + timedelta(days=MIN_DAYS), 4.0)]
    assert headline(enough).verdict is not Verdict.NOT_ENOUGH


@pytest.mark.parametrize(
    ("values", "verdict"),
    [
        ([6, 6, 6, 4, 4, 4], Verdict.IMPROVED),  # exactly 2 points
        ([6, 6, 6, 5, 4, 4], Verdict.NO_CLEAR_CHANGE),  # 1.67 points, 28 %
        ([3, 3, 4, 2, 2, 3], Verdict.IMPROVED),  # 3.33 → 2.33: exactly 30 %
        ([4, 3, 3, 3, 2, 3], Verdict.NO_CLEAR_CHANGE),  # 3.33 → 2.67: 20 %
        ([1, 1, 1, 0, 0, 0], Verdict.IMPROVED),  # 100 %
        ([0, 0, 0, 0, 0, 0], Verdict.NO_CLEAR_CHANGE),
        ([4, 4, 4, 6, 6, 6], Verdict.WORSE),  # up 2 points
        ([5, 5, 5, 6, 6, 6], Verdict.NO_CLEAR_CHANGE),  # up 20 %
        ([0, 0, 0, 1, 1, 1], Verdict.NO_CLEAR_CHANGE),  # from 0: only points count
        ([10, 10, 10, 7, 7, 7], Verdict.IMPROVED),  # 3 points, exactly 30 %
    ],
)
def test_the_headline_threshold_at_its_edges(values: list[int], verdict: Verdict) -> None:
    assert headline(befores(values)).verdict is verdict


def test_the_middle_is_left_out_and_the_text_reads_plainly() -> None:
    # 16 ratings: k = 4; the middle eight never count.
    values = [7, 6, 6, 5] + [9] * 8 + [3, 4, 3, 3]
    result = headline(befores(values, every=4))
    assert (result.window, result.first_mean, result.last_mean) == (4, 6.0, 3.25)
    assert result.verdict is Verdict.IMPROVED and result.days == 60
    assert headline_text("Left", result) == (
        "Left: starting tenderness 6.0 → 3.2 over 9 weeks — a meaningful improvement "
        "(≥2 points or ≥30 %)."
    )
    assert "no clear change" in headline_text("Left", headline(befores([5] * 8)))
    assert "risen" in headline_text("Left", headline(befores([3, 3, 3, 6, 6, 6])))


def test_span_text_picks_the_unit() -> None:
    assert [span_text(d) for d in (1, 13, 14, 56, 181, 182, 400)] == [
        "1 day",
        "13 days",
        "2 weeks",
        "8 weeks",
        "26 weeks",
        "6 months",
        "13 months",
    ]


# -- dose ------------------------------------------------------------------------------


def test_dose_series_and_levels() -> None:
    sessions = [
        session(0, rated(6, 4, under_pressure_s=180.0, max_level=0)),
        session(1, rated(5, 2, under_pressure_s=300.0, max_level=2)),
        session(2, rated(4, 4, under_pressure_s=240.0, max_level=2)),
        session(3, rated(5, None)),  # no sets
    ]
    dose = side_dose(sessions, "left")
    assert [p.value for p in dose.minutes] == [3.0, 5.0, 4.0]
    assert [p.value for p in dose.level] == [0.0, 2.0, 2.0]
    assert dose.level_ids == [0, 1, 2]
    rows = by_level(sessions, "left", carry_overs(sessions, "left"))
    assert [(r.level, r.sessions, r.mean_drop, r.mean_carry_over) for r in rows] == [
        (0, 1, 2.0, -1.0),  # 4 → next before 5
        (2, 2, 1.5, -1.5),  # 2 → 4 (-2) and 4 → 5 (-1)
    ]
    assert rows[1].mean_minutes == 4.5


def test_rising_runs_are_counted_back_from_the_latest() -> None:
    days = [D0 + timedelta(days=i) for i in range(6)]
    assert rising_run(list(zip(days, [5, 3, 4, 5, 6], strict=False))) == 3
    assert rising_run(list(zip(days, [3, 4, 5, 5], strict=False))) == 0
    assert rising_run([]) == 0


def test_rest_notes_for_a_rising_before_and_a_busy_day() -> None:
    today = D0 + timedelta(days=20)
    rising = [
        session(n, rated(v, v - 1)) for n, v in zip((14, 16, 18, 20), (3, 4, 5, 6), strict=True)
    ]
    (note,) = rest_notes(rising, "left", today)
    assert "rose 3 sessions running (3 → 4 → 5 → 6" in note.text and "rest day" in note.text
    assert rest_notes(rising[1:], "left", today) == []  # only two rises
    busy = [
        session(17, rated(4, 3), day=today - timedelta(days=3)),
        session(18, rated(3, 3), day=today - timedelta(days=3)),
    ]
    (note,) = rest_notes(busy, "left", today)
    assert note.text.startswith("Left side: worked 2 times on") and "rest day" in note.text
    assert rest_notes(busy, "right", today) == []
    # A busy day long ago is not news.
    assert rest_notes(busy, "left", today + timedelta(days=30)) == []


# -- which works -------------------------------------------------------------------------


def test_methods_compare_drop_carry_over_release_and_next_day() -> None:
    sessions = [
        session(0, rated(6, 3, released_breath=8), tool="ball", next_day="worse"),
        session(1, rated(5, 4, released_breath=4), tool="claw", next_day="better"),
        session(2, rated(5, 1, released_breath=6), tool="ball", next_day="worse"),
        session(3, rated(4, 4), tool="ball", position="sphinx"),
    ]
    carried = {s: carry_overs(sessions, s) for s in SIDE_VALUES}
    rows = compare_methods(sessions, carried)
    assert [(r.tool_id, r.position_id) for r in rows] == [
        ("ball", "prone"),
        ("ball", "sphinx"),
        ("claw", "prone"),
    ]
    ball, sphinx, claw = rows
    assert (ball.tool_id, ball.position_id, ball.sessions) == ("ball", "prone", 2)
    assert ball.mean_drop == 3.5  # 3 and 4
    assert ball.mean_carry_over == -2.5  # 3 → 5 and 1 → 4
    assert ball.median_release == 7.0
    assert (ball.worse_next_day, ball.next_day_checks) == (2, 2)
    assert (claw.mean_carry_over, claw.worse_next_day, claw.next_day_checks) == (-1.0, 0, 1)
    assert (sphinx.mean_carry_over, sphinx.median_release) == (None, None)


def test_asymmetry_names_the_tighter_side_and_its_trend() -> None:
    sessions = [
        session(i, rated(4, 3), rated(4 + gap, 3)) for i, gap in enumerate([3, 3, 2, 1, 0, 0, 0])
    ]
    gap = asymmetry(sessions)
    assert [p.value for p in gap.points] == [3, 3, 2, 1, 0, 0, 0]
    text = asymmetry_text(gap)
    assert text.startswith("Right side is tighter: its before rating is 1.3 points higher")
    assert "the gap has narrowed: right 2.7 higher at first, about even lately" in text
    even = asymmetry([session(0, rated(3, 2), rated(3, 1))])
    assert asymmetry_text(even).startswith("Both sides start about equally tender (1 session")
    assert "no session in this range rated both" in asymmetry_text(asymmetry([]))


# -- the next-day check ----------------------------------------------------------------------


ENDED = datetime(2024, 5, 1, 20, 0, tzinfo=UTC)


def last(**changes: object) -> LastSession:
    values: dict[str, object] = {
        "session_id": 1,
        "tool_id": "ball",
        "started_at": ENDED - timedelta(minutes=20),
        "ended_at": ENDED,
        "has_sets": True,
        "checked": False,
    }
    values.update(changes)
    return LastSession(**values)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("after", "due"),
    [
        (ASK_FROM - timedelta(seconds=1), False),
        (ASK_FROM, True),
        (timedelta(hours=30), True),
        (ASK_UNTIL, True),
        (ASK_UNTIL + timedelta(seconds=1), False),
        (timedelta(hours=-2), False),  # a clock set back
    ],
)
def test_the_check_is_due_12_to_72_hours_after(after: timedelta, due: bool) -> None:
    assert is_due(last(), ENDED + after) is due


def test_never_for_a_checked_or_empty_session() -> None:
    now = ENDED + timedelta(hours=20)
    assert not is_due(last(checked=True), now)
    assert not is_due(last(has_sets=False), now)
    assert not is_due(None, now)


def test_check_text() -> None:
    assert check_text("worse", True) == "Worse, lasting soreness"
    assert check_text("same", False) == "The same, no lasting soreness"
    assert check_text(None, None) == "not answered"
