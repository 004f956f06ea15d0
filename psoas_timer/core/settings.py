"""User settings: validated, saved atomically, and never fatal when corrupt."""

from __future__ import annotations

import codecs
import contextlib
import errno
import json
import stat
from dataclasses import asdict, dataclass, fields, replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, Literal, get_args

from psoas_timer.core.cue_sounds import CUE_THEMES, DEFAULT_CUE_THEME, CueTheme
from psoas_timer.core.fileio import atomic_write
from psoas_timer.core.i18n import _, available_languages, clean_language
from psoas_timer.core.jsonsafe import parse_int
from psoas_timer.core.pacing import BreathPattern, PatternError
from psoas_timer.core.reminders import (
    DEFAULT_DAYS,
    DEFAULT_TIME,
    PlanError,
    Weekday,
    WeeklyPlan,
    parse_days,
    parse_time,
)
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
from psoas_timer.core.voices import (
    DEFAULT_VOICE_RATE,
    locale_problem,
    name_problem,
    rate_problem,
)

if TYPE_CHECKING:
    from psoas_timer.core.plan import PlanOptions

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
    #: A weekly plan (see :mod:`psoas_timer.core.reminders`), off until chosen.
    reminders: bool = False
    reminder_days: tuple[Weekday, ...] = DEFAULT_DAYS
    reminder_time: str = DEFAULT_TIME
    cue_theme: CueTheme = DEFAULT_CUE_THEME  # which set of breath sounds (core/cue_sounds.py)
    # Off: "More pressure?" waits for an answer. On: it goes on by itself after a countdown.
    hands_free: bool = False
    pressure_minutes: int = DEFAULT_PRESSURE_MINUTES  # per side, before "come off the tool"
    #: "" follows the system (core/i18n.py); else a language the app has, such as "de".
    language: str = ""
    # Empty: the plain voice for the language of the text (core/voices.py).
    voice_name: str = ""
    voice_locale: str = ""  # empty: the language of the text itself
    voice_rate: float = DEFAULT_VOICE_RATE

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
        _check_choice("cue_theme", self.cue_theme, tuple(CUE_THEMES))
        if self.language != clean_language(self.language):
            raise SettingsError(
                f"expected one of {', '.join(available_languages())} or nothing, "
                f"got {self.language!r}",
                "language",
            )
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
        self._check_reminders()
        self._check_voice()

    def _check_voice(self) -> None:
        for name, problem in (
            ("voice_name", name_problem(self.voice_name)),
            ("voice_locale", locale_problem(self.voice_locale)),
            ("voice_rate", rate_problem(self.voice_rate)),
        ):
            if problem is not None:
                raise SettingsError(problem, name)
        # A file may hold 0 for 0.0; kept a float so equal settings compare equal.
        object.__setattr__(self, "voice_rate", round(float(self.voice_rate), 2))

    def _check_reminders(self) -> None:
        if not isinstance(self.reminders, bool):
            raise SettingsError("expected true or false", "reminders")
        try:
            # A settings file holds a list; kept as a tuple so settings compare and hash.
            object.__setattr__(self, "reminder_days", parse_days(self.reminder_days))
        except PlanError as exc:
            raise SettingsError(str(exc), "reminder_days") from None
        try:
            parse_time(self.reminder_time)
        except PlanError as exc:
            raise SettingsError(str(exc), "reminder_time") from None

    def reminder_plan(self) -> WeeklyPlan | None:
        """The weekly plan when reminders are on and it has a day, else ``None``."""
        if not self.reminders or not self.reminder_days:
            return None
        return WeeklyPlan(self.reminder_days, parse_time(self.reminder_time))

    @property
    def pattern(self) -> BreathPattern:
        return BreathPattern(self.inhale, self.hold_in, self.exhale, self.hold_out)

    def plan_options(self) -> PlanOptions:
        # The plan (and the session's words with it) is loaded when a session starts,
        # not with the settings at start-up.
        from psoas_timer.core.plan import PlanOptions

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


#: A settings file is well under 1 KB; anything this big is not one.
SETTINGS_MAX_BYTES: Final = 64 * 1024
_PATTERN_FIELDS: Final = ("inhale", "hold_in", "exhale", "hold_out")
_WHOLE_FIELDS: Final = ("breaths", "countdown", "transition", "volume", "pressure_minutes")


def _short(text: str, limit: int = 160) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def read_settings(data: object) -> tuple[Settings, dict[str, str]]:
    """Settings from a settings file's content, checked setting by setting.

    Each setting that cannot be used is left at its default and named in the
    returned ``{setting: why}``; the others are kept. The four breath timings
    are checked together as well (a whole breath has limits): if together
    they fail, each is reset. Unknown keys are ignored. Raises
    :class:`SettingsError` only when ``data`` is no settings object at all.
    """
    if not isinstance(data, dict):
        raise SettingsError("the settings file does not hold a settings object")
    base = Settings.defaults()
    kept: dict[str, Any] = {}
    reset: dict[str, str] = {}
    for f in fields(Settings):
        if f.name not in data or f.name in _PATTERN_FIELDS:
            continue
        value = data[f.name]
        # Whole-number settings saved as 20.0 by hand are still whole numbers.
        if f.name in _WHOLE_FIELDS and isinstance(value, float) and value.is_integer():
            value = int(value)
        try:
            replace(base, **{f.name: value})
        except (SettingsError, PatternError, TypeError, ValueError) as exc:
            reset[f.name] = _short(str(exc).removeprefix(f"{f.name}: "))
        else:
            kept[f.name] = value
    timings = {name: data[name] for name in _PATTERN_FIELDS if name in data}
    while timings:
        try:
            replace(base, **timings)
        except PatternError as exc:
            why = _short(str(exc).removeprefix(f"{exc.field}: "))
            if exc.field in timings:
                reset[exc.field] = why
                del timings[exc.field]
                continue
            for name in timings:  # the whole breath: no one timing is to blame
                reset[name] = f"together the breath timings fail: {why}"
            timings = {}
        break
    return replace(base, **kept, **timings), reset


def settings_from_dict(data: object) -> Settings:
    """Settings from a settings file's content; any bad setting is a :class:`SettingsError`."""
    settings, reset = read_settings(data)
    if reset:
        name, why = next(iter(reset.items()))
        raise SettingsError(f"a setting is out of range: {name}: {why}")
    return settings


def _decode(raw: bytes) -> str:
    """The text of a settings file: UTF-8 (a byte order mark is fine) or UTF-16 with its mark."""
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return raw.decode("utf-16")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SettingsError(
            f"it is not valid JSON: it is not UTF-8 text (byte 0x{raw[exc.start]:02x} at "
            f"position {exc.start})"
        ) from None


def _parse(raw: bytes) -> object:
    """The JSON content of a settings file; :class:`SettingsError` says why there is none."""
    if len(raw) > SETTINGS_MAX_BYTES:
        raise SettingsError(
            f"it is over {SETTINGS_MAX_BYTES // 1024} KB long; a settings file is well under 1 KB"
        )
    try:
        return json.loads(_decode(raw), parse_int=parse_int)
    except UnicodeDecodeError:
        raise SettingsError("it is not valid JSON: it is not UTF-16 text either") from None
    except json.JSONDecodeError as exc:
        raise SettingsError(f"it is not valid JSON (line {exc.lineno}: {exc.msg})") from None
    except RecursionError:
        raise SettingsError(
            "it is not valid JSON for settings: it is nested far too deeply"
        ) from None


def _read_bounded(path: Path) -> bytes:
    """At most one byte more than a settings file may hold, so a huge file is never loaded.

    Only a regular file is opened: opening a fifo would wait for a writer.
    """
    if not stat.S_ISREG(path.stat().st_mode):
        raise OSError(errno.EINVAL, "it is not a regular file", str(path))
    with path.open("rb") as f:
        return f.read(SETTINGS_MAX_BYTES + 1)


def _set_aside(path: Path) -> Path | None:
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    aside = path.with_name(f"{path.name}.corrupt-{stamp}")
    n = 1
    while aside.exists():
        n += 1
        aside = path.with_name(f"{path.name}.corrupt-{stamp}-{n}")
    try:
        path.rename(aside)
    except OSError:
        return None
    return aside


def load_settings(path: Path) -> tuple[Settings, str | None]:
    """Read settings; what cannot be used is reset to its default and the file set aside.

    Never raises. Returns the settings and, when anything had to be reset, a
    message for the user that names what was reset and says where the file
    as it was went (``settings.json.corrupt-<time>``). The settings kept are
    written back at once, so the next start has them too.
    """
    try:
        raw = _read_bounded(path)
    except FileNotFoundError:
        return Settings.defaults(), None
    except OSError as exc:
        return Settings.defaults(), _(
            "Could not read the settings file {file} ({error}); using defaults for now."
        ).format(file=path, error=exc.strerror)
    whole: str | None = None
    try:
        settings, reset = read_settings(_parse(raw))
    except SettingsError as exc:
        settings, reset, whole = Settings.defaults(), {}, str(exc)
    if whole is None and not reset:
        return settings, None
    aside = _set_aside(path)
    if whole is not None:
        problem = _("The settings file could not be used ({why})").format(why=whole)
        outcome = _("the defaults are in use")
    else:
        listed = "; ".join(f"{name} ({why})" for name, why in reset.items())
        problem = _(
            "Some settings could not be used and are back at their defaults: {settings}"
        ).format(settings=listed)
        outcome = _("every other setting was kept")
    if aside is None:
        return settings, _(
            "{problem}. The file {file} could not be moved aside and was left as it is; "
            "{outcome} for now."
        ).format(problem=problem, file=path, outcome=outcome)
    if settings != Settings.defaults():
        with contextlib.suppress(OSError):
            save_settings(path, settings)
    return settings, _("{problem}. It was kept as {file}; {outcome}.").format(
        problem=problem, file=aside, outcome=outcome
    )


def save_settings(path: Path, settings: Settings) -> None:
    """Write settings atomically: a crash mid-write leaves the old file whole."""
    data = {"version": SETTINGS_VERSION, **asdict(settings)}
    atomic_write(path, (json.dumps(data, indent=2, sort_keys=True) + "\n").encode("utf-8"))
