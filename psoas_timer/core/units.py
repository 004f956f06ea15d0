"""Distances are written once, in centimetres, and shown in the user's units."""

from __future__ import annotations

import math
import os
import re
from collections.abc import Mapping
from typing import Literal

from psoas_timer.core.i18n import _, decimal

Units = Literal["cm", "in"]
DISTANCE = re.compile(r"\{cm:(\d+(?:\.\d+)?)(?:-(\d+(?:\.\d+)?))?\}")
CM_PER_INCH = 2.54
# Countries that still measure the body in inches.
_IMPERIAL_TERRITORIES = {"US", "LR", "MM"}
_MEASUREMENT_VARIABLES = ("LC_ALL", "LC_MEASUREMENT", "LANG")


def _number(value: float) -> str:
    return decimal(value, 1, trim=True)


def _floor_lead() -> re.Pattern[str]:
    """A distance right after "at least" is a safety floor (see assets/catalog/SCHEMA.md)."""
    # A translation says "at least" in its own words, and its floors must still
    # round up in inches: the translated words count as well as the English.
    words = [r"at\s+least"]
    translated = _("at least").strip()
    if translated and translated != "at least":
        words.append(r"\s+".join(re.escape(word) for word in translated.split()))
    return re.compile(rf"\b(?:{'|'.join(words)})\s+$", re.IGNORECASE)


def _about() -> str:
    return _("about")


def _inches(cm: float, floor: bool = False) -> float:
    # Half-inch steps: finer precision would be false for a hand on a belly.
    halves = cm / CM_PER_INCH * 2
    # A floor rounded down would let the user come closer than it allows.
    steps = math.ceil(halves - 1e-9) if floor else round(halves)
    return max(0.5, steps / 2)


def format_distance(low_cm: float, high_cm: float | None, units: Units, floor: bool = False) -> str:
    """``low_cm`` (to ``high_cm``) in ``units``; a ``floor`` is never shown smaller than it is."""
    if units == "in":
        low = _inches(low_cm, floor)
        high = None if high_cm is None else _inches(high_cm, floor)
    else:
        low, high = low_cm, high_cm
    if high is None:
        shown = _number(low)
    elif high == low:
        # Two ends that round to one number are still a range, not an exact figure.
        shown = f"{_about()} {_number(low)}"
    else:
        shown = f"{_number(low)}–{_number(high)}"
    return _in_units(shown, units)


def _in_units(distance: str, units: Units) -> str:
    """``distance`` followed by the unit's abbreviation ("Zoll" for inches in German)."""
    return (_("{distance} cm") if units == "cm" else _("{distance} in")).format(distance=distance)


def _is_floor(text: str, match: re.Match[str]) -> bool:
    return _floor_lead().search(text, 0, match.start()) is not None


def render_distances(text: str, units: Units) -> str:
    """Replace every ``{cm:5}`` or ``{cm:2.5-7.5}`` marker with a distance in ``units``."""

    def replace(match: re.Match[str]) -> str:
        high = match.group(2)
        shown = format_distance(
            float(match.group(1)),
            None if high is None else float(high),
            units,
            floor=_is_floor(text, match),
        )
        about = f"{_about()} "
        before = text[: match.start()].lower()
        # The text's own "about" stands, in English (a person's own tool) or translated.
        if before.endswith(("about ", about.lower())):
            shown = shown.replace(about, "", 1)
        return shown

    return DISTANCE.sub(replace, text)


def floor_distances(text: str) -> list[tuple[float, float | None]]:
    """The safety floors in ``text``: each marker right after "at least", as (low, high) cm."""
    return [
        (float(m.group(1)), None if m.group(2) is None else float(m.group(2)))
        for m in DISTANCE.finditer(text)
        if _is_floor(text, m)
    ]


def default_units(territory: str | None = None, environ: Mapping[str, str] | None = None) -> Units:
    """Inches where the locale's territory measures in inches, centimetres elsewhere.

    The territory is read from the environment the way the C library reads it for
    measurements (``LC_ALL``, then ``LC_MEASUREMENT``, then ``LANG``): Python's own
    ``locale.getlocale()`` calls the plain ``C.UTF-8`` locale ``en_US``, which would
    give inches to everyone without a locale set.
    """
    if territory is None:
        environ = os.environ if environ is None else environ
        name = next((environ[v] for v in _MEASUREMENT_VARIABLES if environ.get(v)), "")
        language_territory = name.split(".")[0].split("@")[0]
        territory = language_territory.partition("_")[2]
    return "in" if territory.upper() in _IMPERIAL_TERRITORIES else "cm"
