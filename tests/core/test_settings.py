"""Settings: each bad value is named by the right error, and every default is in range."""

from __future__ import annotations

from dataclasses import fields
from typing import Any

import pytest

from psoas_timer.core.pacing import BreathPattern, PatternError
from psoas_timer.core.plan import PlanOptions
from psoas_timer.core.settings import Settings, SettingsError, settings_from_dict
from psoas_timer.core.vocab import (
    BREATHS_LIMITS,
    COUNTDOWN_LIMITS,
    DEFAULT_BREATHS,
    DEFAULT_COUNTDOWN,
    DEFAULT_TRANSITION,
    TRANSITION_LIMITS,
)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"theme": "neon"}, "theme"),
        ({"sides": "middle"}, "sides"),
        ({"units": "furlongs"}, "units"),
        ({"sound": "yes"}, "sound"),
        ({"floor_mode": 1}, "floor_mode"),
        ({"safety_acknowledged": None}, "safety_acknowledged"),
        ({"volume": 101}, "volume"),
        ({"volume": -1}, "volume"),
        ({"volume": 50.0}, "volume"),
        ({"countdown": COUNTDOWN_LIMITS.high + 1}, "countdown"),
        ({"transition": TRANSITION_LIMITS.low - 1}, "transition"),
        ({"breaths": BREATHS_LIMITS.high + 1}, "breaths"),
        ({"breaths": True}, "breaths"),
    ],
)
def test_a_bad_setting_raises_settings_error_naming_it(changes: dict[str, Any], field: str) -> None:
    with pytest.raises(SettingsError) as caught:
        Settings(**changes)
    assert not isinstance(caught.value, PatternError)
    assert caught.value.field == field
    assert str(caught.value).startswith(f"{field}: ")


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"inhale": 1.0}, "inhale"),
        ({"hold_out": 9.0}, "hold_out"),
        ({"inhale": 8.0, "exhale": 10.0}, "cycle"),
    ],
)
def test_a_bad_breath_timing_is_still_a_pattern_error(changes: dict[str, Any], field: str) -> None:
    with pytest.raises(PatternError) as caught:
        Settings(**changes)
    assert caught.value.field == field


def test_the_limits_at_their_edges_are_accepted() -> None:
    for bounds, name in (
        (BREATHS_LIMITS, "breaths"),
        (COUNTDOWN_LIMITS, "countdown"),
        (TRANSITION_LIMITS, "transition"),
    ):
        for value in bounds:
            assert getattr(Settings().with_changes(**{name: value}), name) == value


def test_defaults_agree_with_the_plan_and_the_pattern() -> None:
    settings = Settings()
    assert (settings.breaths, settings.countdown, settings.transition) == (
        DEFAULT_BREATHS,
        DEFAULT_COUNTDOWN,
        DEFAULT_TRANSITION,
    )
    assert settings.pattern == BreathPattern()
    assert settings.plan_options() == PlanOptions()


def test_a_settings_file_with_a_bad_value_is_one_settings_error() -> None:
    with pytest.raises(SettingsError, match="a setting is out of range: theme: expected one of"):
        settings_from_dict({"theme": "neon"})
    with pytest.raises(SettingsError, match="out of range: inhale: must be between"):
        settings_from_dict({"inhale": 1})
    with pytest.raises(SettingsError, match="does not hold a settings object") as caught:
        settings_from_dict([])
    assert caught.value.field is None


def test_every_saved_field_reads_back() -> None:
    changed = Settings(theme="dark", sides="right", volume=0, breaths=BREATHS_LIMITS.low)
    data = {f.name: getattr(changed, f.name) for f in fields(Settings)}
    assert settings_from_dict(data) == changed
