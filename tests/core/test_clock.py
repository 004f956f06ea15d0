"""The two clocks: session time for pacing, wall time for stamps, from one seam."""

from __future__ import annotations

import time
from datetime import UTC, date, datetime, timedelta

import pytest

from psoas_timer.core.clock import Clocks, FakeClock, MonotonicClock, system_wall


def test_wall_time_follows_a_fake_session_clock() -> None:
    session = FakeClock(10.0)
    clocks = Clocks.following(session, datetime(2024, 5, 6, 7, 30, tzinfo=UTC))
    assert clocks.wall() == datetime(2024, 5, 6, 7, 30, 10, tzinfo=UTC)
    session.advance(90.5)
    assert clocks.wall() == datetime(2024, 5, 6, 7, 31, 40, 500000, tzinfo=UTC)
    assert clocks.today() == clocks.wall().astimezone().date()


def test_by_default_wall_time_starts_now() -> None:
    before = system_wall()
    clocks = Clocks.following(FakeClock(3600.0))
    assert before - timedelta(seconds=1) <= clocks.wall() <= system_wall() + timedelta(seconds=1)


def test_a_naive_origin_is_refused() -> None:
    with pytest.raises(ValueError, match="time zone"):
        Clocks.following(FakeClock(), datetime(2024, 5, 6, 7, 30))


def test_at_normal_speed_wall_time_is_the_computers() -> None:
    clocks = Clocks.real()
    assert clocks.wall is system_wall
    assert isinstance(clocks.session, MonotonicClock)


def test_scaled_wall_time_agrees_with_scaled_session_time() -> None:
    """Under --time-scale the stamps must agree with the durations logged."""
    clocks = Clocks.real(50.0)
    wall_0, session_0 = clocks.wall(), clocks.session.now()
    time.sleep(0.05)
    wall_1, session_1 = clocks.wall(), clocks.session.now()
    elapsed_wall = (wall_1 - wall_0).total_seconds()
    elapsed_session = session_1 - session_0
    assert elapsed_session >= 2.0  # 50 times 0.05 s
    assert elapsed_wall == pytest.approx(elapsed_session, abs=0.01)


def test_today_is_a_date() -> None:
    assert isinstance(Clocks.real().today(), date)
