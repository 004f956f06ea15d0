"""Distances are written once, in centimetres, and shown in the user's units."""

from __future__ import annotations

import locale
import re
from typing import Literal

Units = Literal["cm", "in"]
DISTANCE = re.compile(r"\{cm:(\d+(?:\.\d+)?)(?:-(\d+(?:\.\d+)?))?\}")
CM_PER_INCH = 2.54
# Countries that still measure the body in inches.
_IMPERIAL_TERRITORIES = {"US", "LR", "MM"}


def _number(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _inches(cm: float) -> float:
    # Half-inch steps: finer precision would be false for a hand on a belly.
    return max(0.5, round(cm / CM_PER_INCH * 2) / 2)


def format_distance(low_cm: float, high_cm: float | None, units: Units) -> str:
    if units == "in":
        low, high = _inches(low_cm), None if high_cm is None else _inches(high_cm)
    else:
        low, high = low_cm, high_cm
    if high is None or high == low:
        return f"{_number(low)} {units}"
    return f"{_number(low)}–{_number(high)} {units}"


def render_distances(text: str, units: Units) -> str:
    """Replace every ``{cm:5}`` or ``{cm:2.5-7.5}`` marker with a distance in ``units``."""

    def replace(match: re.Match[str]) -> str:
        high = match.group(2)
        return format_distance(float(match.group(1)), None if high is None else float(high), units)

    return DISTANCE.sub(replace, text)


def default_units(territory: str | None = None) -> Units:
    """Inches where the locale's territory measures in inches, centimetres elsewhere."""
    if territory is None:
        name = locale.getlocale()[0] or ""
        territory = name.split(".")[0].rpartition("_")[2]
    return "in" if territory.upper() in _IMPERIAL_TERRITORIES else "cm"
