"""The charts' date axis: dates in UTC, worked out cheaply on every pan.

The charts put each day at its noon on a UTC axis (see
:func:`psoas_timer.ui.progress.plots.day_x`). pyqtgraph's date axis moves every
tick to local time and back through a ``QDateTime``, even when told the offset
is zero, and formats every tick of every level afresh: on ten years in view
that was about 9 ms an axis at each step of a pan, most of a frame. Here the
ticks stay where they are (UTC needs no moving) and each tick's text is kept
once made, as a date's label never changes.

This module imports pyqtgraph; see :mod:`psoas_timer.ui.progress.charts`.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from typing import Any, Final

import numpy as np
import pyqtgraph as pg
from pyqtgraph.graphicsItems.DateAxisItem import ZoomLevel

from psoas_timer.core.dates import MONTH_SHORT
from psoas_timer.core.i18n import _
from psoas_timer.core.i18n import language as language_in_use
from psoas_timer.core.reminders import WEEKDAY_SHORT

_SHORT_NAME: Final = re.compile(rf"\b(?:{'|'.join((*MONTH_SHORT, *WEEKDAY_SHORT))})\b")
#: Tick texts kept per axis; a pan across ten years by days needs a few thousand.
TEXTS_KEPT: Final = 4096


class _UtcLevel(ZoomLevel):  # type: ignore[misc]  # pyqtgraph has no type hints
    """A zoom level whose ticks are in UTC already: nothing to move to local time."""

    def extendTimeRangeForSpacing(
        self, spacing: int, low: float, high: float
    ) -> tuple[float, float]:
        del spacing
        return low, high

    def moveTicksToLocalTimeCoords(self, ticks: np.ndarray, spacing: int, skip: int) -> np.ndarray:
        del spacing, skip
        return ticks


def utc_levels(levels: OrderedDict[float, Any]) -> OrderedDict[float, Any]:
    """pyqtgraph's zoom levels, the same ticks and formats, without the move to local time."""
    return OrderedDict(
        (spacing, _UtcLevel(level.tickSpecs, level.exampleText))
        for spacing, level in levels.items()
    )


class UtcDateAxis(pg.DateAxisItem):  # type: ignore[misc]  # pyqtgraph has no type hints
    """A date axis in UTC whose tick texts are made once each, in the language in use."""

    zoomLevels: OrderedDict[float, Any]  # noqa: N815 -- pyqtgraph's name

    def __init__(self, orientation: str = "bottom", **kwargs: Any) -> None:
        kwargs["utcOffset"] = 0
        super().__init__(orientation, **kwargs)
        self.zoomLevels = utc_levels(self.zoomLevels)
        self._texts: dict[tuple[str, str | None, float, float], str] = {}
        #: The range and length last ticked, and the spacing of its first level.
        self._ticked: tuple[float, float, float, float | None] | None = None

    def tickValues(self, minVal: float, maxVal: float, size: float) -> list[Any]:  # noqa: N803
        levels: list[Any] = super().tickValues(minVal, maxVal, size)
        self._ticked = (minVal, maxVal, size, levels[0][0] if levels else None)
        return levels

    def _crowded(self, values: list[float], texts: list[str], spacing: float) -> bool:
        """Whether pyqtgraph would leave this level of ticks unlabelled.

        It labels a finer level only if the labels so far and this level's fill
        less than 80 % of the axis, and it measures every label of the level to
        find out, on every pan: 120 month names an axis with ten years in view.
        This level's labels alone already filling that much, it need not.
        Measured from below (an advance short of a pixel, ticks a pixel inside
        the ends), so a level that might be labelled is always handed over.
        """
        ticked = self._ticked
        metrics = getattr(self, "fontMetrics", None)
        limits = [limit for count, limit in self.style["textFillLimits"] if count == 0]
        if ticked is None or metrics is None or not limits:
            return False
        low, high, length, first = ticked
        if spacing == first or length <= 0:
            return False  # the first level is always labelled
        pixel = (high - low) / length
        width = sum(
            max(0, metrics.horizontalAdvance(text) - 1)
            for value, text in zip(values, texts, strict=True)
            if low + pixel <= value <= high - pixel
        )
        return bool(width >= min(limits) * length)

    def tickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:
        # The same spacing is written differently at different zoom levels (days
        # as "05" or as "Mon 05"): a text is kept under its level's format.
        form = next((s.format for s in self.zoomLevel.tickSpecs if s.spacing == spacing), None)
        key = (language_in_use(), form, spacing)
        texts = self._texts
        missing = [v for v in values if (*key, v) not in texts]
        if missing:
            if len(texts) + len(missing) > TEXTS_KEPT:
                texts.clear()
            # pyqtgraph writes "Oct" and "Mon" through strftime in English; the
            # same short names are messages, so they are shown in the language in use.
            made = super().tickStrings(missing, scale, spacing)
            for value, text in zip(missing, made, strict=True):
                texts[(*key, value)] = _SHORT_NAME.sub(lambda m: _(m.group(0)), text)
        made = [texts[(*key, v)] for v in values]
        # An empty list tells pyqtgraph to skip the level's labels unmeasured.
        return [] if self._crowded(values, made, spacing) else made
