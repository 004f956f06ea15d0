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

import math
import re
from collections import OrderedDict
from typing import Any, Final

import numpy as np
import pyqtgraph as pg
from pyqtgraph.graphicsItems.DateAxisItem import YEAR_MONTH_ZOOM_LEVEL, ZoomLevel
from PySide6.QtCore import QLineF, QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPen

from psoas_timer.core.dates import MONTH_SHORT
from psoas_timer.core.i18n import _
from psoas_timer.core.i18n import language as language_in_use
from psoas_timer.core.reminders import WEEKDAY_SHORT

_SHORT_NAME: Final = re.compile(rf"\b(?:{'|'.join((*MONTH_SHORT, *WEEKDAY_SHORT))})\b")
#: Tick texts kept per axis; a pan across ten years by days needs a few thousand.
TEXTS_KEPT: Final = 4096
_TEXT_FLAGS: Final = (
    Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop | Qt.TextFlag.TextDontClip
)


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
        #: What each text measures in the font last drawn with: a month name or
        #: a zoom level's example is measured once, not at every pan.
        self._measures: dict[tuple[str, str], Any] = {}
        self._measured_with: Any = None

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
        measures = self._measures_in(metrics)
        width = 0
        for value, text in zip(values, texts, strict=True):
            if low + pixel <= value <= high - pixel:
                advance = measures.get(("advance", text))
                if advance is None:
                    advance = max(0, metrics.horizontalAdvance(text) - 1)
                    measures[("advance", text)] = advance
                width += advance
        return bool(width >= min(limits) * length)

    def _measures_in(self, metrics: Any) -> dict[tuple[str, str], Any]:
        if self._measured_with != metrics or len(self._measures) > TEXTS_KEPT:
            self._measures, self._measured_with = {}, metrics
        return self._measures

    def setZoomLevelForDensity(self, density: float) -> None:
        """pyqtgraph's choice of zoom level, its example texts measured once a font."""
        measures = self._measures_in(self.fontMetrics)

        def size_of(text: str) -> float:
            size = measures.get(("example", text))
            if size is None:
                size = measures[("example", text)] = self.fontMetrics.boundingRect(text).width()
            return float(size + 10)  # pyqtgraph's padding

        self.zoomLevel = YEAR_MONTH_ZOOM_LEVEL
        for widest, level in self.zoomLevels.items():
            if widest / size_of(level.exampleText) < density:
                break
            self.zoomLevel = level
        self.zoomLevel.utcOffset = self.utcOffset
        self.minSpacing = density * size_of(self.zoomLevel.exampleText)

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

    def generateDrawSpecs(self, p: QPainter) -> Any:
        """pyqtgraph's draw specs for a bottom date axis, the ticks placed as arrays.

        pyqtgraph places each tick through a Python loop making two ``Point``s,
        about 120 ticks an axis with years in view: most of the axis' cost on
        every pan. The specs are the same (the tests compare them); anything
        but a plain bottom axis is left to pyqtgraph.
        """
        style = self.style
        if (
            self.orientation != "bottom"
            or self.grid is not False
            or self._tickLevels is not None
            or tuple(style["stopAxisAtTick"]) != (False, False)
        ):
            return super().generateDrawSpecs(p)
        if style["tickFont"] is not None:
            p.setFont(style["tickFont"])
        self.fontMetrics = p.fontMetrics()
        bounds = self.mapRectFromParent(self.geometry())
        span = (
            bounds.topLeft() + QPointF(-1.0, 1.0),
            bounds.topRight() + QPointF(1.0, 1.0),
        )
        ends = [self.mapToDevice(point) for point in span]
        if ends[0] is None or ends[1] is None:
            return None
        length = QLineF(ends[0], ends[1]).length()
        if length == 0:
            return None
        low, high = self.range
        levels = self.tickValues(low, high, length)
        difference = high - low
        scale = 1.0 if difference == 0 else bounds.width() / difference
        offset = 0.0 if difference == 0 else low * scale
        x_min, x_max = sorted(x * scale - offset for x in self.range)
        top = bounds.top()
        positions: list[np.ndarray] = []  # NaN where a tick falls outside
        tick_specs: list[tuple[QPen, QPointF, QPointF]] = []
        for i, (_spacing, values) in enumerate(levels):
            x = np.asarray(values, dtype=np.float64) * scale - offset
            x[(x < x_min) | (x > x_max)] = np.nan
            positions.append(x)
            pen = self._tick_pen(i)
            bottom = top + style["tickLength"] / (i * 0.5 + 1.0)
            tick_specs += [
                (pen, QPointF(v, top), QPointF(v, bottom)) for v in x[~np.isnan(x)].tolist()
            ]
        axis_spec = (self.pen(), span[0], span[1])
        if not style["showValues"]:
            return axis_spec, tick_specs, []
        text_specs = self._text_specs(p, levels, positions, length, top)
        return axis_spec, tick_specs, text_specs

    def _tick_pen(self, level: int) -> QPen:
        alpha = self.style["tickAlpha"]
        if alpha is None:
            alpha = 255 / (level + 1)
        elif isinstance(alpha, float):
            alpha = min(255, max(0, round(alpha * 255)))
        pen: QPen = self.tickPen()
        if pen.brush().style() == Qt.BrushStyle.SolidPattern:
            pen = QPen(pen)
            color = QColor(pen.color())
            color.setAlpha(int(alpha))
            pen.setColor(color)
        return pen

    def _text_specs(
        self,
        p: QPainter,
        levels: list[Any],
        positions: list[np.ndarray],
        length: float,
        top: float,
    ) -> list[tuple[QRectF, Any, str]]:
        """pyqtgraph's choice of labels and their places, as its ``generateDrawSpecs``."""
        style = self.style
        measures = self._measures_in(self.fontMetrics)
        text_rects: list[QRectF] = []
        text_specs: list[tuple[QRectF, Any, str]] = []
        last_height = 0.0
        box = self.boundingRect()
        offset = max(0, style["tickLength"]) + style["tickTextOffset"][1]
        for i in range(min(len(levels), style["maxTextLevel"] + 1)):
            spacing, values = levels[i]
            strings = self.tickStrings(values, self.autoSIPrefixScale * self.scale, spacing)
            if len(strings) == 0:
                continue
            xs = positions[i].tolist()
            rects: list[QRectF | None] = []
            for text, x in zip(strings, xs, strict=True):
                if math.isnan(x):  # out of bounds
                    rects.append(None)
                    continue
                measured = measures.get(("box", text))
                if measured is None:
                    measured = p.boundingRect(
                        QRectF(0, 0, 100, 100), Qt.AlignmentFlag.AlignCenter, text
                    )
                    measured.setHeight(measured.height() * 0.8)
                    measures[("box", text)] = measured
                rects.append(measured)
                text_rects.append(measured)
            if text_rects:
                used = float(np.sum([r.width() for r in text_rects]))
                height = float(np.max([r.height() for r in text_rects]))
            else:
                used = height = 0.0
            if i > 0 and any(
                len(text_specs) >= count and used / length >= limit
                for count, limit in style["textFillLimits"]
            ):
                break
            last_height = height
            for text, x, rect in zip(strings, xs, rects, strict=True):
                if rect is None:
                    continue
                width, tall = rect.width(), rect.height()
                placed = QRectF(x - width / 2.0, top + offset, width, tall)
                if box & placed != placed:
                    continue
                text_specs.append((placed, _TEXT_FLAGS, text))
        self._updateMaxTextSize(last_height)
        return text_specs
