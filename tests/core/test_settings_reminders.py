"""The weekly plan's settings: off by default, checked, and each bad one reset alone."""

from __future__ import annotations

import json
from datetime import time
from pathlib import Path
from typing import Any

import pytest

from psoas_timer.core.reminders import WeeklyPlan
from psoas_timer.core.settings import Settings, SettingsError, load_settings, save_settings


def test_reminders_are_off_until_chosen() -> None:
    settings = Settings.defaults()
    assert settings.reminders is False
    assert settings.reminder_plan() is None
    assert settings.reminder_days == ("mon", "wed", "fri")
    assert settings.reminder_time == "19:00"


def test_a_plan_round_trips_through_the_settings_file(tmp_path: Path) -> None:
    chosen = Settings(reminders=True, reminder_days=("tue", "sat"), reminder_time="06:45")
    path = tmp_path / "settings.json"
    save_settings(path, chosen)
    assert json.loads(path.read_text("utf-8"))["reminder_days"] == ["tue", "sat"]
    loaded, message = load_settings(path)
    assert message is None
    assert loaded == chosen
    assert loaded.reminder_plan() == WeeklyPlan(("tue", "sat"), time(6, 45))


def test_weekdays_written_by_hand_in_any_order_are_read_in_calendar_order(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_text(json.dumps({"reminders": True, "reminder_days": ["fri", "mon"]}), "utf-8")
    loaded, message = load_settings(path)
    assert message is None
    assert loaded.reminder_days == ("mon", "fri")


def test_a_plan_with_no_day_is_no_plan() -> None:
    assert Settings(reminders=True, reminder_days=()).reminder_plan() is None


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"reminders": "yes"}, "reminders"),
        ({"reminder_days": ["mon", "funday"]}, "reminder_days"),
        ({"reminder_days": "mon"}, "reminder_days"),
        ({"reminder_days": ["mon", "mon"]}, "reminder_days"),
        ({"reminder_time": "25:00"}, "reminder_time"),
        ({"reminder_time": 1900}, "reminder_time"),
    ],
)
def test_a_bad_plan_setting_is_named(changes: dict[str, Any], field: str) -> None:
    with pytest.raises(SettingsError) as caught:
        Settings(**changes)
    assert caught.value.field == field


def test_hostile_plan_values_reset_only_themselves(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    data = {
        "volume": 40,
        "reminders": True,
        "reminder_days": ["sat", {"x": 1}],
        "reminder_time": "07:61",
    }
    path.write_text(json.dumps(data), "utf-8")
    loaded, message = load_settings(path)
    assert message is not None
    assert "reminder_days" in message and "reminder_time" in message
    assert "reminders (" not in message
    assert (loaded.volume, loaded.reminders) == (40, True)
    assert (loaded.reminder_days, loaded.reminder_time) == (("mon", "wed", "fri"), "19:00")
