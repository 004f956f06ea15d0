"""The pieces every progress chart is drawn with: dated series, marks and axes.

Each series is one plot item made once and refilled with ``setData`` when the
filters change, never rebuilt. A series made of ratings can hold two versions,
one point per session and one weekly mean, and :class:`WeeklyDetail` shows the
weekly one while more than about a year is in view, where a point a session is
a smear that only costs time to draw.

This module imports pyqtgraph; see :mod:`psoas_timer.ui.progress.charts`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from operator import itemgetter
from typing import Any, Final

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import QGraphicsView

from psoas_timer.core.progress import WEEKLY_ABOVE_DAYS, DatedEvent, DayValue, weekly_means
from psoas_timer.ui.progress.chart_items import Line, Rules, Scatter
from psoas_timer.ui.progress.date_axis import UtcDateAxis
from psoas_timer.ui.theme import LIGHT

_EPOCH_ORDINAL: Final = date(1970, 1, 1).toordinal()
DAY_S: Final = 86_400.0


def day_x(days: Sequence[date]) -> np.ndarray:
    """Chart x for each day: that day's noon, in seconds, on a UTC date axis.

    Noon keeps a point inside its day whichever way the axis rounds, and the
    axis runs in UTC so the label under a point is the day it was logged on.
    """
    # map() over C functions: no Python frame per day, on tens of thousands of them.
    ordinals = np.fromiter(map(date.toordinal, days), dtype=np.float64, count=len(days))
    return (ordinals - _EPOCH_ORDINAL) * DAY_S + DAY_S / 2


_DAY = itemgetter(0)
_VALUE = itemgetter(1)


def xy(points: Sequence[DayValue]) -> tuple[np.ndarray, np.ndarray]:
    count = len(points)
    ordinals = np.fromiter(map(date.toordinal, map(_DAY, points)), dtype=np.float64, count=count)
    x = (ordinals - _EPOCH_ORDINAL) * DAY_S + DAY_S / 2
    return x, np.fromiter(map(_VALUE, points), dtype=np.float64, count=count)


def _set_label_once(axis: Any) -> None:
    html = axis.labelString()
    if html != axis.__dict__.get("_label_html"):
        axis._label_html = html
        axis.label.setHtml(html)
    axis._adjustSize()
    axis.picture = None
    axis.update()


def _no_unit_prefix(axis: Any) -> None:
    axis.autoSIPrefixScale = 1.0
    axis.labelUnitPrefix = ""
    axis._updateLabel()


@contextmanager
def _kept(painter: QPainter) -> Iterator[None]:
    """The painter's state kept around an axis' drawing.

    The charts' view leaves each item's painter state unsaved (see
    :func:`unsaved_painter_state`); an axis replays a recorded picture that
    clips the painter to the axis, which would leave the charts after it unseen.
    """
    painter.save()
    try:
        yield
    finally:
        painter.restore()


def unsaved_painter_state(graphics: pg.GraphicsView) -> None:
    """Let ``graphics`` paint its items without saving the painter's state for each.

    Qt saves and restores the whole painter around each of the about sixty items
    a pan repaints; every item of these charts sets what it draws with (pen,
    brush, hints; Qt sets the transform, opacity and clip), so only the axes,
    whose recorded pictures set a clip, keep their state themselves (`_kept`).
    The tests compare the charts drawn either way, pixel for pixel.
    """
    graphics.setOptimizationFlag(QGraphicsView.OptimizationFlag.DontSavePainterState, True)


class PlainAxis(pg.AxisItem):  # type: ignore[misc]  # pyqtgraph has no type hints
    """An axis whose label is laid out only when its text changes.

    pyqtgraph lays an axis label out again as rich text on every change of pen,
    range or scale, even when the text is the same: building the four charts of
    the tenderness tab did it about 200 times, a fifth of the page's opening.
    The charts' values carry no units, so no unit prefix (k, M) is worked out.
    """

    def _updateLabel(self) -> None:
        _set_label_once(self)

    def updateAutoSIPrefix(self) -> None:
        _no_unit_prefix(self)

    def paint(self, painter: QPainter, *args: Any) -> None:
        with _kept(painter):
            super().paint(painter, *args)


class PlainDateAxis(UtcDateAxis):
    """A UTC date axis whose label is laid out only when its text changes (see PlainAxis)."""

    def _updateLabel(self) -> None:
        _set_label_once(self)

    def updateAutoSIPrefix(self) -> None:
        _no_unit_prefix(self)

    def paint(self, painter: QPainter, *args: Any) -> None:
        with _kept(painter):
            super().paint(painter, *args)


class WholeNumberAxis(PlainAxis):
    """An axis of counts (sessions, breaths, levels): ticks only at whole numbers."""

    def tickSpacing(self, low: float, high: float, size: float) -> list[tuple[float, float]]:
        levels = super().tickSpacing(low, high, size)
        whole = [(float(max(1, round(s))), o) for s, o in levels if s >= 1]
        return whole or [(1.0, 0.0)]

    def tickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:
        del scale, spacing
        return [str(round(v)) for v in values]


class GridLines:
    """Light horizontal lines at chosen values, drawn as plain lines in the view.

    pyqtgraph's own grid is drawn by the axis across the whole chart, which
    made the axis repaint with every change in the chart. All the lines of a
    chart are one item: the view paints every item apart, with its own saved
    and restored painter and clip, and six lines as six items cost about 1 ms
    a pan on the tenderness charts.
    """

    def __init__(self, plot: pg.PlotItem) -> None:
        self.plot = plot
        self.rules = Rules()
        self.rules.setZValue(-10)
        plot.addItem(self.rules)
        self.colour = LIGHT.track

    @property
    def values(self) -> tuple[float, ...]:
        return self.rules.values

    def set(self, values: Sequence[float]) -> None:
        self.rules.values = tuple(float(v) for v in values)
        self.style(self.colour)

    def style(self, colour: str) -> None:
        self.colour = colour
        pen = pg.mkPen(QColor(colour), width=1)
        pen.setCosmetic(True)
        colour_alpha = pen.color()
        colour_alpha.setAlpha(90)
        pen.setColor(colour_alpha)
        self.rules.pen = pen
        self.rules.update()


def add_plot(
    layout: pg.GraphicsLayoutWidget,
    row: int,
    col: int,
    key: str,
    title: str,
    y_label: str,
    *,
    date_axis: bool,
    whole_numbers: bool = False,
) -> pg.PlotItem:
    """One chart of a column. Only the bottom chart of a column carries the date axis:
    the charts above share it through their linked x range, and are spared drawing
    ticks of their own."""
    axes: dict[str, pg.AxisItem] = {name: PlainAxis(name) for name in ("top", "right")}
    axes["bottom"] = PlainDateAxis() if date_axis else PlainAxis("bottom")
    axes["left"] = WholeNumberAxis("left") if whole_numbers else PlainAxis("left")
    plot = layout.addPlot(row=row, col=col, axisItems=axes, enableMenu=False)
    # Given explicitly, pyqtgraph shows every axis; a chart has only left and bottom.
    plot.hideAxis("top")
    plot.hideAxis("right")
    plot.setTitle(title)
    plot.setObjectName(key)
    plot.setLabel("left", y_label)
    if not date_axis:
        plot.hideAxis("bottom")
    # Lines draw only what is in view, thinned to the screen's width.
    plot.setClipToView(True)
    plot.setDownsampling(auto=True, mode="peak")
    plot.getViewBox().setMouseEnabled(x=True, y=False)
    # Ranges are set by the page: x from the range chosen, y from the scale. An
    # automatic range would also fight the linked charts whenever data changed.
    plot.disableAutoRange()
    plot.getAxis("left").setWidth(48)
    return plot


Tip = Callable[[float, float, object], str]
#: Dated values, or what works them out when they are first drawn.
Points = Sequence[DayValue] | Callable[[], Sequence[DayValue]]
Clicked = Callable[[object, Sequence[pg.SpotItem], object], None]


class _Daily:
    """A per-session series. Given a :class:`WeeklyDetail`, it is hidden while the
    weekly means show, and its data waits until it is shown again: a hidden
    scatter still costs its full price to fill."""

    item: pg.GraphicsObject

    def _join(self, detail: WeeklyDetail | None) -> None:
        self.detail = detail
        self._points: Points = ()
        self.ids: Sequence[int | None] = ()
        self.stale = False
        if detail is not None:
            detail.daily.append(self)

    def set(self, points: Points, ids: Sequence[int | None] = ()) -> None:
        """Show ``points``; a function making them is called only once they are needed."""
        self._points, self.ids = points, ids
        self.stale = True
        if self.detail is None or not self.detail.weekly_shown:
            self.flush()

    @property
    def points(self) -> Sequence[DayValue]:
        if callable(self._points):
            self._points = self._points()
        return self._points

    def flush(self) -> None:
        if self.stale:
            self.stale = False
            self._draw()

    def _draw(self) -> None:
        raise NotImplementedError

    def arrays(self) -> tuple[np.ndarray, np.ndarray]:
        """The series as chart coordinates, drawn yet or not."""
        return xy(self.points)


class DatedPoints(_Daily):
    """A scatter of dated values, each point carrying its session's id for hover and click."""

    def __init__(
        self,
        plot: pg.PlotItem,
        name: str,
        *,
        symbol: str = "o",
        size: float = 8,
        tip: Tip | None = None,
        clicked: Clicked | None = None,
        detail: WeeklyDetail | None = None,
    ) -> None:
        self.item = Scatter(symbol=symbol, size=size, hoverable=tip is not None, tip=tip, name=name)
        if clicked is not None:
            self.item.sigClicked.connect(clicked)
        plot.addItem(self.item)
        self._join(detail)

    def style(
        self, colour: str, *, filled: bool, fill: str = LIGHT.card, width: float = 1.5
    ) -> None:
        self.item.setPen(pg.mkPen(colour, width=width))
        self.item.setBrush(pg.mkBrush(colour) if filled else pg.mkBrush(fill))

    def ring(self, colour: str, width: float = 2.5) -> None:
        self.item.setPen(pg.mkPen(colour, width=width))
        self.item.setBrush(pg.mkBrush(None))

    def _draw(self) -> None:
        x, y = xy(self.points)
        self.item.setData(x=x, y=y, data=np.asarray(self.ids, dtype=object))


class DatedLine(_Daily):
    """A line through dated values."""

    def __init__(self, plot: pg.PlotItem, name: str, *, detail: WeeklyDetail | None = None) -> None:
        self.item = Line(name=name)
        plot.addItem(self.item)
        self._join(detail)

    def style(
        self, colour: str, width: float = 2, *, dashed: bool = False, symbol: str | None = None
    ) -> None:
        pen = pg.mkPen(
            colour, width=width, style=Qt.PenStyle.DashLine if dashed else Qt.PenStyle.SolidLine
        )
        self.item.setPen(pen)
        if symbol is not None:
            self.item.setSymbol(symbol)
            self.item.setSymbolSize(6)
            self.item.setSymbolPen(pg.mkPen(colour))
            self.item.setSymbolBrush(pg.mkBrush(colour))

    def _draw(self) -> None:
        x, y = xy(self.points)
        self.item.setData(x=x, y=y)


class WeeklyLine:
    """The weekly means of a series, made and worked out only once they are on show.

    At most one point a week, so it is drawn whole: clipping it to the view
    would re-make its symbols at every step of a pan.
    """

    def __init__(self, plot: pg.PlotItem, name: str, detail: WeeklyDetail) -> None:
        self.plot = plot
        self.name = name
        self.detail = detail
        self.line: DatedLine | None = None
        self._style: tuple[str, float, bool, str | None] = ("#000000", 2, False, None)
        self.points: Sequence[DayValue] = ()
        self.stale = False
        detail.lines.append(self)

    @property
    def item(self) -> pg.PlotDataItem | None:
        return None if self.line is None else self.line.item

    def style(
        self, colour: str, width: float = 2, *, dashed: bool = False, symbol: str | None = None
    ) -> None:
        self._style = (colour, width, dashed, symbol)
        if self.line is not None:
            self.line.style(colour, width, dashed=dashed, symbol=symbol)

    def set(self, points: Sequence[DayValue]) -> None:
        self.points = points
        self.stale = True
        if self.detail.weekly_shown:
            self.refresh()

    def refresh(self) -> None:
        if self.line is None:
            self.line = DatedLine(self.plot, self.name)
            self.line.item.setClipToView(False)
            self.line.item.setDownsampling(auto=False, ds=1)
            colour, width, dashed, symbol = self._style
            self.line.style(colour, width, dashed=dashed, symbol=symbol)
        self.line.item.setVisible(self.detail.weekly_shown)
        if self.stale:
            self.stale = False
            self.line.set(weekly_means(self.points))


class WeeklyDetail:
    """Shows per-session items while a year or less is in view, weekly means beyond."""

    def __init__(self, plot: pg.PlotItem) -> None:
        self.daily: list[_Daily] = []
        self.lines: list[WeeklyLine] = []
        self.weekly_shown = False
        plot.sigXRangeChanged.connect(lambda _view, span: self.follow(float(span[1] - span[0])))

    def follow(self, width_s: float) -> None:
        weekly = bool(width_s > WEEKLY_ABOVE_DAYS * DAY_S)
        if weekly != self.weekly_shown:
            self.show_weekly(weekly)

    def show_weekly(self, weekly: bool) -> None:
        self.weekly_shown = weekly
        if weekly:
            for line in self.lines:
                line.refresh()
        for series in self.daily:
            series.item.setVisible(not weekly)
            if not weekly:
                series.flush()
        for line in self.lines:
            if line.item is not None:
                line.item.setVisible(weekly)


@dataclass(frozen=True)
class MarkStyle:
    symbol: str
    colour: str
    size: float = 11


#: How an event of an unknown kind is marked.
PLAIN_MARK: Final = MarkStyle("d", LIGHT.track)


class MarkLayer:
    """Dated events drawn as marks along the top of a chart, one symbol per kind.

    It takes any list of :class:`DatedEvent`: the next-day checks now, and
    whatever else is dated and worth seeing beside the ratings (stopping a set
    for a warning sign, say) when the log records it.
    """

    def __init__(self, plot: pg.PlotItem, name: str, y: float, tip: Tip | None = None) -> None:
        self.plot = plot
        self.name = name
        self.y = y
        self.tip = tip
        # Made with the first event: most charts never have any.
        self.item: pg.ScatterPlotItem | None = None
        self.events: list[DatedEvent] = []

    def set(self, events: Sequence[DatedEvent], styles: Mapping[str, MarkStyle]) -> None:
        self.events = list(events)
        if not events:
            if self.item is not None:
                self.item.setData(x=[], y=[])
            return
        if self.item is None:
            tip = self.tip
            self.item = Scatter(name=self.name, hoverable=tip is not None, tip=tip)
            self.plot.addItem(self.item)
        looks = [styles.get(e.kind, PLAIN_MARK) for e in events]
        self.item.setData(
            x=day_x([e.day for e in events]),
            y=np.full(len(events), self.y),
            symbol=[look.symbol for look in looks],
            size=[look.size for look in looks],
            pen=[pg.mkPen(look.colour, width=1.5) for look in looks],
            brush=[pg.mkBrush(look.colour) for look in looks],
            data=np.asarray([e.label for e in events], dtype=object),
        )


def items_named(plot: pg.PlotItem, name: str) -> list[Any]:
    """The items drawn in ``plot`` under ``name`` (for tests and the benchmark)."""
    return [
        item
        for item in plot.items
        if isinstance(item, pg.PlotDataItem | pg.ScatterPlotItem) and item.name() == name
    ]


def whole_top(values: Sequence[float], floor: float = 1.0) -> float:
    """A y maximum a little above the largest value, on a whole number."""
    return float(math.ceil(max([floor, *values]))) + 0.5
