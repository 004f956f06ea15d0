"""What a pan or zoom of the progress charts draws, checked by its data.

The charts cut work from every redraw; each cut is held here to showing what
pyqtgraph's own way of drawing would show.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from typing import Any

import numpy as np
import pyqtgraph as pg
import pytest
from pyqtgraph.exporters import ImageExporter
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QImage, QPainter
from pytestqt.qtbot import QtBot

from psoas_timer.core import i18n
from psoas_timer.ui.progress.chart_items import Line, Scatter
from psoas_timer.ui.progress.plots import DAY_S, GridLines, PlainDateAxis, add_plot

#: Spans a person can show: ten years down to a day, at narrow and wide charts.
SPANS_DAYS = (3650, 1095, 400, 365, 90, 30, 7, 1)
WIDTHS_PX = (250, 520, 1000)


@pytest.fixture
def english() -> Iterator[None]:
    i18n.install(i18n.SOURCE_LANGUAGE)
    yield
    i18n.install(i18n.SOURCE_LANGUAGE)


def _ticks(axis: pg.DateAxisItem, low: float, high: float, width: int) -> list[list[str]]:
    axis.fontMetrics = QFontMetrics(QFont())  # what the axis takes from its painter
    levels = axis.tickValues(low, high, width)
    return [
        [*map(str, values), *axis.tickStrings(values, 1.0, spacing)] for spacing, values in levels
    ]


Drawn = tuple[list[tuple[float, ...]], list[tuple[float | str, ...]]]


def _drawn(axis: pg.AxisItem, painter: QPainter) -> Drawn:
    """The tick lines and the labels (where, and what they say) an axis would paint."""
    _line, ticks, texts = axis.generateDrawSpecs(painter)
    return (
        [(a.x(), a.y(), b.x(), b.y()) for _pen, a, b in ticks],
        [(r.x(), r.y(), r.width(), r.height(), text) for r, _flags, text in texts],
    )


def test_the_date_axis_draws_what_pyqtgraphs_own_draws_in_utc(qtbot: QtBot, english: None) -> None:
    del english
    layout = pg.GraphicsLayoutWidget()
    qtbot.addWidget(layout)
    ours = PlainDateAxis()
    theirs = pg.DateAxisItem(utcOffset=0)
    top = layout.addPlot(row=0, col=0, axisItems={"bottom": ours})
    layout.addPlot(row=1, col=0, axisItems={"bottom": theirs}).setXLink(top)
    layout.show()
    qtbot.waitExposed(layout)
    image = QImage(8, 8, QImage.Format.Format_ARGB32)
    painter = QPainter(image)
    painter.setFont(layout.font())
    start = datetime(2015, 3, 29, 12, tzinfo=UTC).timestamp()  # a spring clock change in Europe
    labelled = 0
    try:
        for width in WIDTHS_PX:
            layout.resize(width, 400)
            for days in SPANS_DAYS:
                for shift in (0.0, 0.37, 5.5):
                    low = start + shift * days * DAY_S
                    top.setXRange(low, low + days * DAY_S, padding=0)
                    layout.grab()
                    # Twice: the second time our labels come from what the first one made.
                    for _ in range(2):
                        drawn = _drawn(ours, painter)
                        assert drawn == _drawn(theirs, painter), (width, days, shift)
                        labelled += len(drawn[1])
    finally:
        painter.end()
    assert labelled > 100  # labels were drawn, and compared


def test_tick_texts_are_pyqtgraphs_own_in_utc(qtbot: QtBot, english: None) -> None:
    del qtbot, english  # a QApplication for the fonts
    ours = PlainDateAxis()
    theirs = pg.DateAxisItem(utcOffset=0)
    start = datetime(2015, 3, 29, 12, tzinfo=UTC).timestamp()
    for days in SPANS_DAYS:
        for width in WIDTHS_PX:
            low = start + 0.37 * days * DAY_S
            ours.fontMetrics = theirs.fontMetrics = QFontMetrics(QFont())
            levels = theirs.tickValues(low, low + days * DAY_S, width)
            assert ours.tickValues(low, low + days * DAY_S, width) == levels
            for spacing, values in levels[:1]:  # the first level is always labelled
                assert ours.tickStrings(values, 1.0, spacing) == theirs.tickStrings(
                    values, 1.0, spacing
                )


def test_date_labels_follow_the_language_in_use(qtbot: QtBot, english: None) -> None:
    del qtbot, english
    axis = PlainDateAxis()
    october = datetime(2024, 10, 1, tzinfo=UTC).timestamp()
    span = (october - 40 * DAY_S, october + 40 * DAY_S, 500)

    def months() -> list[str]:
        return [text for level in _ticks(axis, *span) for text in level]

    assert "Oct" in months()
    i18n.install("de")
    assert "Okt" in months() and "Oct" not in months()
    i18n.install(i18n.SOURCE_LANGUAGE)
    assert "Oct" in months()


def _shown_chart(
    qtbot: QtBot, name: str, items: Sequence[Any], width: int
) -> tuple[pg.GraphicsLayoutWidget, pg.PlotItem]:
    """A date chart on screen holding ``items``, ratings -1 to 12 in view."""
    layout = pg.GraphicsLayoutWidget()
    qtbot.addWidget(layout)
    plot = add_plot(layout, 0, 0, name.lower(), name, "Rating", date_axis=True)
    plot.setYRange(-1, 12, padding=0)
    for item in items:
        plot.addItem(item)
    layout.resize(width, 300)
    layout.show()
    qtbot.waitExposed(layout)
    return layout, plot


def test_the_grid_is_one_item_spanning_whatever_is_in_view(qtbot: QtBot) -> None:
    layout = pg.GraphicsLayoutWidget()
    qtbot.addWidget(layout)
    plot = add_plot(layout, 0, 0, "grid", "Grid", "Points", date_axis=True)
    plot.setYRange(-1, 12, padding=0)
    grid = GridLines(plot)
    grid.set(range(0, 11, 2))
    layout.resize(600, 300)
    layout.show()
    qtbot.waitExposed(layout)
    assert grid.values == (0.0, 2.0, 4.0, 6.0, 8.0, 10.0)
    assert [item for item in plot.items if isinstance(item, pg.InfiniteLine)] == []
    start = datetime(2020, 1, 1, tzinfo=UTC).timestamp()
    for left, days in ((start, 3650), (start + 400 * DAY_S, 90), (start - 30 * DAY_S, 7)):
        plot.setXRange(left, left + days * DAY_S, padding=0)
        layout.grab()  # paints, and the view brings its transform up to date
        bounds = grid.rules.mapRectToView(grid.rules.boundingRect())
        low, high = plot.viewRange()[0]
        assert bounds.left() == pytest.approx(low) and bounds.right() == pytest.approx(high)
        assert bounds.top() <= 0 and bounds.bottom() >= 10  # every line inside


def test_a_scatter_keeps_its_bounds_only_while_view_and_data_stay(qtbot: QtBot) -> None:
    points = Scatter(symbol="o", size=8)
    layout, plot = _shown_chart(qtbot, "Points", [points], 600)
    start = datetime(2020, 1, 1, tzinfo=UTC).timestamp()
    x = start + DAY_S * np.arange(400.0)
    y = np.arange(400.0) % 11

    def bounds_as_pyqtgraph_has_them() -> QRectF:
        return QRectF(pg.ScatterPlotItem.boundingRect(points))

    points.setData(x=x, y=y)
    for left, days in ((start, 400), (start + 100 * DAY_S, 90), (start - 10 * DAY_S, 7)):
        plot.setXRange(left, left + days * DAY_S, padding=0)
        layout.grab()
        kept = points.boundingRect()
        assert kept == bounds_as_pyqtgraph_has_them()
        assert points.boundingRect() == kept
    # New data, bigger symbols, a resized chart: each gives new bounds.
    points.setData(x=x[:50] - 30 * DAY_S, y=y[:50])
    assert points.boundingRect() == bounds_as_pyqtgraph_has_them()
    assert points.boundingRect().left() < start - 29 * DAY_S
    before = points.boundingRect()
    points.setSize(30)
    assert points.boundingRect() == bounds_as_pyqtgraph_has_them() != before
    before = points.boundingRect()
    layout.resize(300, 200)
    layout.grab()
    assert points.boundingRect() == bounds_as_pyqtgraph_has_them() != before


@pytest.mark.parametrize(
    ("in_date_order", "one_look"), [(True, True), (False, True), (True, False)]
)
def test_a_scatter_draws_what_pyqtgraphs_own_draws(
    qtbot: QtBot, in_date_order: bool, one_look: bool
) -> None:
    """Ratings have one look a series; the marks along the top, one a point."""
    start = datetime(2020, 1, 1, tzinfo=UTC).timestamp()
    days = (
        np.arange(1000.0)
        if in_date_order
        else np.random.default_rng(1).permutation(1000).astype(float)
    )
    x = start + DAY_S * days
    y = (days * 7) % 11
    charts = []
    for kind in (Scatter, pg.ScatterPlotItem):
        points = kind(symbol="o", size=8, pen=pg.mkPen("#336699", width=1.5), brush="#ffffff")
        if one_look:
            points.setData(x=x, y=y)
        else:
            kinds = np.arange(x.size) % 4
            points.setData(
                x=x,
                y=y,
                symbol=[("t", "o", "t1", "x")[k] for k in kinds],
                size=[(11, 9, 11, 13)[k] for k in kinds],
                pen=[pg.mkPen(("#2a7", "#888", "#c60", "#c60")[k], width=1.5) for k in kinds],
                brush=[pg.mkBrush(("#2a7", "#888", "#c60", "#c60")[k]) for k in kinds],
            )
        charts.append(_shown_chart(qtbot, "Points", [points], 500))
    for left, span in ((start, 1000), (start + 300 * DAY_S, 365), (start + 990 * DAY_S, 30)):
        images = []
        for layout, plot in charts:
            plot.setXRange(left, left + span * DAY_S, padding=0)
            images.append(layout.grab().toImage())
        assert images[0] == images[1], span


def test_a_hidden_line_skips_pans_and_catches_up_when_shown(qtbot: QtBot) -> None:
    layout = pg.GraphicsLayoutWidget()
    qtbot.addWidget(layout)
    plot = add_plot(layout, 0, 0, "lines", "Lines", "Rating", date_axis=True)
    start = datetime(2020, 1, 1, tzinfo=UTC).timestamp()
    x = start + DAY_S * np.arange(1000.0)
    y = (np.arange(1000.0) * 3) % 11
    line = Line(x=x, y=y)
    plain = pg.PlotDataItem(x=x, y=y)
    for item in (line, plain):
        plot.addItem(item)  # clipped to the view, as every chart's lines are
    layout.resize(500, 300)
    layout.show()
    qtbot.waitExposed(layout)

    def shown(item: pg.PlotDataItem) -> list[list[float]]:
        return [list(a) for a in item.curve.getData()]

    plot.setXRange(start, start + 90 * DAY_S, padding=0)
    assert shown(line) == shown(plain) and len(shown(line)[0]) < 100
    line.setVisible(False)
    hidden_with = shown(line)
    for left in (start + 200 * DAY_S, start + 500 * DAY_S):
        plot.setXRange(left, left + 90 * DAY_S, padding=0)
        assert shown(line) == hidden_with != shown(plain)
    line.setVisible(True)
    assert shown(line) == shown(plain)
    plot.setXRange(start, start + 30 * DAY_S, padding=0)
    assert shown(line) == shown(plain)


def _line_pixels(image: QImage, colour: QColor) -> np.ndarray:
    """Where ``image`` shows ``colour``, as a boolean array."""
    image = image.convertToFormat(QImage.Format.Format_RGB32)
    pixels = np.frombuffer(image.constBits(), dtype=np.uint32).reshape(image.height(), -1)
    found: np.ndarray = (pixels[:, : image.width()] & 0xFFFFFF) == (colour.rgb() & 0xFFFFFF)
    return found


def _near(shown: np.ndarray, other: np.ndarray) -> np.ndarray:
    """Pixels of ``shown`` with no pixel of ``other`` at most one pixel away."""
    grown = other.copy()
    for dy in (-1, 0, 1):
        for dx in (-1, 0, 1):
            grown |= np.roll(np.roll(other, dy, axis=0), dx, axis=1)
    alone: np.ndarray = shown & ~grown
    return alone


@pytest.mark.parametrize("width", [2, 3])
def test_a_solid_line_draws_pyqtgraphs_line_within_an_edge_pixel(qtbot: QtBot, width: int) -> None:
    """Given in screen pixels, Qt strokes a wide line on its fast path, and puts
    about one edge pixel in a hundred one pixel over: never more than that."""
    start = datetime(2020, 1, 1, tzinfo=UTC).timestamp()
    days = np.arange(1500.0)
    x = start + DAY_S * days
    y = 5 + 3 * np.sin(days / 9) + (days % 7) / 3
    colour = QColor("#336699")
    charts = []
    for kind in (Line, pg.PlotDataItem):
        line = kind(x=x, y=y, pen=pg.mkPen(colour, width=width))
        charts.append(_shown_chart(qtbot, "Lines", [line], 520))
    compared = 0
    for left, span in ((start, 1500), (start + 300 * DAY_S, 365), (start + 990 * DAY_S, 30)):
        ours, theirs = (
            _line_pixels(layout.grab().toImage(), colour)
            for layout, plot in charts
            if plot.setXRange(left, left + span * DAY_S, padding=0) is None
        )
        drawn = int(theirs.sum())
        assert drawn > 500, span  # the line is there to compare
        assert int((ours != theirs).sum()) <= drawn // 50, span
        assert not _near(ours, theirs).any() and not _near(theirs, ours).any(), span
        compared += drawn
    assert compared > 3000


def test_a_dashed_line_and_an_export_are_pyqtgraphs_own_drawing(qtbot: QtBot) -> None:
    start = datetime(2020, 1, 1, tzinfo=UTC).timestamp()
    days = np.arange(400.0)
    x, y = start + DAY_S * days, 5 + 3 * np.sin(days / 9)
    dashed = pg.mkPen("#336699", width=2, style=Qt.PenStyle.DashLine)
    solid = pg.mkPen("#993366", width=3)
    exports: list[QImage] = []
    dashes: list[np.ndarray] = []
    for kind in (Line, pg.PlotDataItem):
        lines = [kind(x=x, y=y, pen=dashed), kind(x=x, y=y - 2, pen=solid)]
        layout, plot = _shown_chart(qtbot, "Lines", lines, 520)
        plot.setXRange(start + 30 * DAY_S, start + 300 * DAY_S, padding=0)
        exports.append(ImageExporter(plot.scene()).export(toBytes=True))
        dashes.append(_line_pixels(layout.grab().toImage(), QColor("#336699")))
    assert exports[0] == exports[1]  # the export, solid line and all
    assert np.array_equal(dashes[0], dashes[1]) and dashes[0].sum() > 300
