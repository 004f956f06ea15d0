from __future__ import annotations

import math
from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st

from psoas_timer.core.pacing import (
    BreathPattern,
    PatternError,
    Phase,
    boundaries,
    next_boundary,
    pace,
    ring_fraction,
    validate_breaths,
)


def test_default_pattern_is_six_breaths_a_minute() -> None:
    pattern = BreathPattern()
    assert (pattern.inhale, pattern.hold_in, pattern.exhale, pattern.hold_out) == (4, 0, 6, 0)
    assert pattern.breaths_per_minute == pytest.approx(6.0)


def test_twenty_breaths_every_boundary_at_its_ideal_time() -> None:
    pattern = BreathPattern(4, 0, 6, 0)
    found = list(boundaries(pattern, 20))
    assert len(found) == 41  # an inhale and an exhale per breath, then the end
    for index in range(20):
        inhale, exhale = found[2 * index], found[2 * index + 1]
        assert (inhale.phase, inhale.breath, inhale.at) == (Phase.INHALE, index + 1, 10.0 * index)
        assert (exhale.phase, exhale.breath, exhale.at) == (
            Phase.EXHALE,
            index + 1,
            10.0 * index + 4,
        )
    assert found[-1].phase is Phase.DONE
    assert found[-1].at == 200.0


def test_no_drift_with_awkward_durations() -> None:
    # 3.3 + 0.7 + 5.1 + 0.9 cannot be summed repeatedly in binary without error;
    # every boundary must still be within a nanosecond of index * cycle + offset.
    pattern = BreathPattern(3.3, 0.7, 5.1, 0.9)
    offsets = {Phase.INHALE: 0.0, Phase.HOLD_IN: 3.3, Phase.EXHALE: 4.0, Phase.HOLD_OUT: 9.1}
    for boundary in boundaries(pattern, 30):
        if boundary.phase is Phase.DONE:
            continue
        ideal = (boundary.breath - 1) * 10.0 + offsets[boundary.phase]
        assert abs(boundary.at - ideal) < 1e-9


def test_pace_walks_through_a_breath() -> None:
    pattern = BreathPattern(4, 1, 6, 2)
    assert pace(pattern, 5, 0.0).phase is Phase.INHALE
    p = pace(pattern, 5, 2.0)
    assert (p.phase, p.fraction, p.breath) == (Phase.INHALE, 0.5, 1)
    assert pace(pattern, 5, 4.5).phase is Phase.HOLD_IN
    p = pace(pattern, 5, 8.0)
    assert (p.phase, p.phase_start, p.phase_end) == (Phase.EXHALE, 5.0, 11.0)
    assert pace(pattern, 5, 12.0).phase is Phase.HOLD_OUT
    p = pace(pattern, 5, 13.0)
    assert (p.phase, p.breath, p.breaths_done) == (Phase.INHALE, 2, 1)
    done = pace(pattern, 5, 65.0)
    assert done.done and done.breaths_done == 5


def test_next_boundary_is_strictly_ahead() -> None:
    pattern = BreathPattern()
    boundary = next_boundary(pattern, 15, 3.999)
    assert boundary is not None and (boundary.at, boundary.phase) == (4.0, Phase.EXHALE)
    boundary = next_boundary(pattern, 15, 4.0)
    assert boundary is not None and (boundary.at, boundary.phase, boundary.breath) == (
        10.0,
        Phase.INHALE,
        2,
    )
    last = next_boundary(pattern, 15, 146.0)
    assert last is not None and (last.at, last.phase) == (150.0, Phase.DONE)
    assert next_boundary(pattern, 15, 150.0) is None


def test_ring_grows_on_inhale_and_shrinks_on_exhale() -> None:
    pattern = BreathPattern(4, 1, 6, 1)
    samples = [ring_fraction(pace(pattern, 5, t / 10)) for t in range(0, 41)]
    assert samples[0] == 0.0 and samples[-1] == pytest.approx(1.0, abs=1e-3)
    assert all(b >= a for a, b in pairwise(samples))
    assert ring_fraction(pace(pattern, 5, 4.5)) == 1.0
    exhale = [ring_fraction(pace(pattern, 5, 5 + t / 10)) for t in range(0, 60)]
    assert all(b <= a for a, b in pairwise(exhale))
    assert ring_fraction(pace(pattern, 5, 11.5)) == 0.0


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"inhale": -1}, "inhale"),
        ({"exhale": 0}, "exhale"),
        ({"inhale": 9}, "inhale"),
        ({"exhale": 11}, "exhale"),
        ({"hold_in": 5}, "hold_in"),
        ({"hold_out": -0.5}, "hold_out"),
        ({"inhale": 2, "exhale": 2}, "cycle"),
        ({"inhale": 8, "exhale": 10}, "cycle"),
        ({"inhale": math.nan}, "inhale"),
        ({"inhale": "4"}, "inhale"),
    ],
)
def test_invalid_patterns_name_the_field(kwargs: dict[str, object], field: str) -> None:
    with pytest.raises(PatternError) as caught:
        BreathPattern(**kwargs)  # type: ignore[arg-type]
    assert caught.value.field == field
    assert str(caught.value).startswith(f"{field}:")


@pytest.mark.parametrize("breaths", [4, 31, 0, -3, 15.0, True])
def test_breaths_outside_limits_are_refused(breaths: object) -> None:
    with pytest.raises(PatternError, match="breaths"):
        validate_breaths(breaths)


@given(
    inhale=st.floats(2, 8),
    exhale=st.floats(2, 10),
    hold_in=st.sampled_from([0.0, 1.0, 2.5]),
    hold_out=st.sampled_from([0.0, 1.5]),
    breaths=st.integers(5, 30),
    elapsed=st.floats(0, 500),
)
def test_pace_agrees_with_boundaries(
    inhale: float, exhale: float, hold_in: float, hold_out: float, breaths: int, elapsed: float
) -> None:
    try:
        pattern = BreathPattern(inhale, hold_in, exhale, hold_out)
    except PatternError:
        return
    p = pace(pattern, breaths, elapsed)
    assert 0.0 <= p.fraction <= 1.0
    assert 0.0 <= ring_fraction(p) <= 1.0
    if p.done:
        assert elapsed >= pattern.cycle * breaths
        return
    assert p.phase_start <= elapsed < p.phase_end + 1e-9
    starts = [b for b in boundaries(pattern, breaths) if b.at <= elapsed]
    assert starts[-1].phase is p.phase and starts[-1].breath == p.breath
