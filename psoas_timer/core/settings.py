"""User settings: validated, saved atomically, and never fatal when corrupt."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, fields, replace
from datetime import datetime
from pathlib import Path
from typing import Any, Final, Literal, get_args

from psoas_timer.core.fileio import atomic_write
from psoas_timer.core.pacing import BreathPattern, PatternError
from psoas_timer.core.plan import PlanOptions
from psoas_timer.core.units import Units, default_units
from psoas_timer.core.vocab import (
    BREATHS_LIMITS,
    COUNTDOWN_LIMITS,
    DEFAULT_BREATHS,
    DEFAULT_COUNTDOWN,
    DEFAULT_PRESSURE_MINUTES,
    DEFAULT_TRANSITION,
    PRESSURE_MINUTES_LIMITS,
    SIDES_VALUES,
    TRANSITION_LIMITS,
    Bounds,
    Sides,
)

Theme = Literal["system", "light", "dark"]
SETTINGS_VERSION = 1
#: Percent, for breath sounds and voice alike.
VOLUME_LIMITS: Final = Bounds(0, 100)
DEFAULT_VOLUME: Final = 70

_DEFAULT_PATTERN: Final = BreathPattern()


class SettingsError(ValueError):
    """A setting or settings file that cannot be used; the message says what to do.

    ``field`` names the setting at fault, or is ``None`` when the file as a
    whole is unusable.
    """

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message if field is None else f"{field}: {message}")
        self.field = field


@dataclass(frozen=True)
class Settings:
    """Everything the person chose, checked whole.

    A breath timing out of range raises the breath pattern's own
    :class:`PatternError` (its ``field`` says which timing, or ``"cycle"``);
    every other setting raises :class:`SettingsError`.
    """

    inhale: float = _DEFAULT_PATTERN.inhale
    hold_in: float = _DEFAULT_PATTERN.hold_in
    exhale: float = _DEFAULT_PATTERN.exhale
    hold_out: float = _DEFAULT_PATTERN.hold_out
    breaths: int = DEFAULT_BREATHS
    countdown: int = DEFAULT_COUNTDOWN
    transition: int = DEFAULT_TRANSITION
    sides: Sides = "both"
    stretches: bool = True
    sound: bool = True
    voice: bool = True
    volume: int = DEFAULT_VOLUME
    floor_mode: bool = True
    theme: Theme = "system"
    units: Units = "cm"
    safety_acknowledged: bool = False
    # Off: "More pressure?" waits for an answer. On: it goes on by itself after a countdown.
    hands_free: bool = False
    pressure_minutes: int = DEFAULT_PRESSURE_MINUTES  # per side, before "come off the tool"

    def __post_init__(self) -> None:
        self.pattern  # noqa: B018  (validates the breath timings)
        _check_int("breaths", self.breaths, BREATHS_LIMITS)
        _check_int("countdown", self.countdown, COUNTDOWN_LIMITS)
        _check_int("transition", self.transition, TRANSITION_LIMITS)
        _check_int("volume", self.volume, VOLUME_LIMITS)
        _check_int("pressure_minutes", self.pressure_minutes, PRESSURE_MINUTES_LIMITS)
        _check_choice("sides", self.sides, SIDES_VALUES)
        _check_choice("theme", self.theme, get_args(Theme))
        _check_choice("units", self.units, get_args(Units))
        for name in (
            "stretches",
            "sound",
            "voice",
            "floor_mode",
            "safety_acknowledged",
            "hands_free",
        ):
            if not isinstance(getattr(self, name), bool):
                raise SettingsError("expected true or false", name)

    @property
    def pattern(self) -> BreathPattern:
        return BreathPattern(self.inhale, self.hold_in, self.exhale, self.hold_out)

    def plan_options(self) -> PlanOptions:
        return PlanOptions(
            pattern=self.pattern,
            breaths=self.breaths,
            countdown=float(self.countdown),
            transition=float(self.transition),
            stretches=self.stretches,
            units=self.units,
            hands_free=self.hands_free,
            pressure_minutes=self.pressure_minutes,
        )

    def with_changes(self, **changes: Any) -> Settings:
        return replace(self, **changes)

    @classmethod
    def defaults(cls) -> Settings:
        return cls(units=default_units())


def _check_int(name: str, value: object, bounds: Bounds) -> None:
    low, high = bounds
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise SettingsError(f"expected a whole number from {low} to {high}, got {value!r}", name)


def _check_choice(name: str, value: object, choices: tuple[str, ...]) -> None:
    if value not in choices:
        raise SettingsError(f"expected one of {', '.join(choices)}, got {value!r}", name)


def settings_from_dict(data: object) -> Settings:
    if not isinstance(data, dict):
        raise SettingsError("the settings file does not hold a settings object")
    known = {f.name for f in fields(Settings)}
    values = {key: value for key, value in data.items() if key in known}
    # Whole-number settings saved as 20.0 by hand are still whole numbers.
    for key in ("breaths", "countdown", "transition", "volume", "pressure_minutes"):
        value = values.get(key)
        if isinstance(value, float) and value.is_integer():
            values[key] = int(value)
    base = Settings.defaults()
    try:
        return replace(base, **values)
    except (PatternError, SettingsError, TypeError) as exc:
        raise SettingsError(f"a setting is out of range: {exc}") from None


def load_settings(path: Path) -> tuple[Settings, str | None]:
    """Read settings; a corrupt file is set aside and defaults are used.

    Returns the settings and, when the file had to be set aside, a message for
    the user that says where it went.
    """
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return Settings.defaults(), None
    except OSError as exc:
        return Settings.defaults(), (
            f"Could not read the settings file {path} ({exc.strerror}); using defaults for now."
        )
    try:
        return settings_from_dict(json.loads(raw.decode("utf-8"))), None
    except (UnicodeDecodeError, json.JSONDecodeError, SettingsError) as exc:
        reason = exc if isinstance(exc, SettingsError) else "it is not valid JSON"
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        aside = path.with_name(f"{path.name}.corrupt-{stamp}")
        try:
            path.rename(aside)
        except OSError:
            return Settings.defaults(), (
                f"The settings file {path} could not be used ({reason}) and could not be moved "
                "aside; defaults are in use and the file was left as it is."
            )
        return Settings.defaults(), (
            f"The settings file could not be used ({reason}). It was kept as {aside}; "
            "the defaults are in use."
        )


def save_settings(path: Path, settings: Settings) -> None:
    """Write settings atomically: a crash mid-write leaves the old file whole."""
    data = {"version": SETTINGS_VERSION, **asdict(settings)}
    atomic_write(path, (json.dumps(data, indent=2, sort_keys=True) + "\n").encode("utf-8"))
