"""Times the progress page against a bare pyqtgraph PlotWidget on the same arrays.

    python -m bench.chart_driver --database FILE --rounds N

pyqtgraph, numpy and the page's module are imported, and one page and one
bare plot are built and shown untimed, before anything is timed: both sides
start warm. Then, interleaved:

* open: construct → "All time" chosen → ``reload()`` → shown → the charts'
  first paint. Two bare baselines are built from the arrays the page drew
  (copied item by item with their pens, brushes, symbols and sizes) and timed
  construct → shown → first paint: all of them in one PlotWidget, and the same
  charts as the page's in the same places with pyqtgraph's defaults.
* pan/zoom: ``setXRange`` on the tenderness chart (the others follow, as they
  are linked) then a synchronous repaint of the charts, stepping through pans
  and zooms from the whole log down to 90 days.
* query: ``store.progress_sessions()``.

Prints one JSON line of times in milliseconds.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyqtgraph as pg
from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QApplication, QWidget

from psoas_timer.core.clock import Clocks
from psoas_timer.core.progress import DateRange
from psoas_timer.services.saving import SaveService
from psoas_timer.store import Store
from psoas_timer.ui.progress.charts import ProgressCharts, day_x

SIZE = (1100, 760)
DAY_S = 86_400.0


class PaintWatch(QObject):
    """Notes when a widget has been painted."""

    def __init__(self, widget: QWidget) -> None:
        super().__init__(widget)
        self.painted = False
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            self.painted = True
        return False


def _until_painted(app: QApplication, watch: PaintWatch, started: float) -> float:
    deadline = started + 60
    while not watch.painted:
        app.processEvents()
        if time.perf_counter() > deadline:
            raise RuntimeError("the chart never painted")
    # The paint event is handled inside processEvents: once it returns, it is drawn.
    return (time.perf_counter() - started) * 1000


Copied = list[tuple[tuple[int, int], str, dict[str, Any]]]


def _cell(item: Any) -> tuple[int, int]:
    """Where the chart holding ``item`` sits in its layout (row, column)."""
    plot = item.getViewBox().parentItem()
    row, col = plot.parentItem().items[plot][0]
    return int(row), int(col)


def copy_items(page: ProgressCharts) -> Copied:
    """The per-session arrays of the tab on show, with their looks and their chart.

    These are what plotting the log plainly would draw. The page holds them
    all, and beyond about a year in view draws weekly means of them instead;
    the tabs not on show are not made yet.
    """
    items: Copied = []
    for series in page.per_session_series():
        if not series.item.getViewBox().isVisible():
            continue  # a side the filters leave out
        x, y = series.arrays()
        item = series.item
        if isinstance(item, pg.ScatterPlotItem):
            opts = item.opts
            look = {
                "symbol": opts["symbol"],
                "size": opts["size"],
                "pen": opts["pen"],
                "brush": opts["brush"],
            }
            items.append((_cell(item), "scatter", {"x": x, "y": y, **look}))
        else:
            items.append((_cell(item), "line", {"x": x, "y": y, "pen": item.opts["pen"]}))
    return items


def _add(plot: pg.PlotItem, kind: str, data: dict[str, Any]) -> None:
    if kind == "line":
        plot.addItem(pg.PlotDataItem(x=data["x"], y=data["y"], pen=data["pen"]))
    else:
        plot.addItem(pg.ScatterPlotItem(**data))


def build_bare(items: Copied) -> pg.PlotWidget:
    """Every array in one plot: what plotting the log plainly costs."""
    widget = pg.PlotWidget(axisItems={"bottom": pg.DateAxisItem(utcOffset=0)})
    for _, kind, data in items:
        _add(widget.getPlotItem(), kind, data)
    return widget


def build_bare_charts(items: Copied) -> pg.GraphicsLayoutWidget:
    """The same charts as the page, in the same places, each holding the same arrays,
    made with pyqtgraph's defaults: what showing those charts costs before the page
    adds anything (its headline, filters, tabs, grid, marks, titles and tips)."""
    widget = pg.GraphicsLayoutWidget()
    cells = sorted({cell for cell, _, _ in items})
    bottom = {col: max(r for r, c in cells if c == col) for _, col in cells}
    plots: dict[tuple[int, int], pg.PlotItem] = {}
    for row, col in cells:
        axes = {"bottom": pg.DateAxisItem(utcOffset=0)} if bottom[col] == row else {}
        plots[(row, col)] = widget.addPlot(row=row, col=col, axisItems=axes)
    for cell, kind, data in items:
        _add(plots[cell], kind, data)
    return widget


class Bench:
    def __init__(self, app: QApplication, store: Store) -> None:
        self.app = app
        self.store = store
        self.clocks = Clocks.real()
        self.items: Copied = []

    def open_page(self) -> tuple[float, ProgressCharts]:
        started = time.perf_counter()
        page = ProgressCharts(SaveService(self.store, self.clocks.wall), self.clocks)
        page.range_box.setCurrentIndex(page.range_box.findData(DateRange.ALL))
        page.reload()
        page.resize(*SIZE)
        watch = PaintWatch(page.graphics.viewport())
        page.show()
        return _until_painted(self.app, watch, started), page

    def open_bare(self, build: Callable[[Copied], QWidget] = build_bare) -> tuple[float, QWidget]:
        started = time.perf_counter()
        widget = build(self.items)
        widget.resize(*SIZE)
        assert isinstance(widget, pg.GraphicsView)
        watch = PaintWatch(widget.viewport())
        widget.show()
        return _until_painted(self.app, watch, started), widget

    def close(self, widget: QWidget) -> None:
        widget.close()
        widget.deleteLater()
        self.app.processEvents()

    def pan_zoom(self, set_range: Callable[[float, float], None], viewport: QWidget) -> list[float]:
        """Times each of a series of pans and zooms across the whole log."""
        sessions = self.store.progress_sessions()
        first, last = (float(x) for x in day_x([sessions[0].day, sessions[-1].day]))
        span = last - first
        times: list[float] = []
        widths = (span, 365 * DAY_S, 90 * DAY_S)
        steps = 24
        for step in range(steps):
            width = min(span, widths[step % len(widths)])
            left = first + (span - width) * step / (steps - 1)
            started = time.perf_counter()
            set_range(left, left + width)
            viewport.repaint()
            times.append((time.perf_counter() - started) * 1000)
            self.app.processEvents()
        return times

    def query(self, rounds: int) -> list[float]:
        times: list[float] = []
        for _ in range(rounds):
            started = time.perf_counter()
            self.store.progress_sessions()
            times.append((time.perf_counter() - started) * 1000)
        return times


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.chart_driver")
    parser.add_argument("--database", type=Path, required=True)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args(argv)
    app = QApplication(sys.argv[:1])
    store = Store.open(args.database)
    bench = Bench(app, store)
    # Untimed: warm every cache on both sides, and take the arrays the page draws.
    _, warm_page = bench.open_page()
    bench.items = copy_items(warm_page)
    bench.close(warm_page)
    for build in (build_bare, build_bare_charts):
        _, warm = bench.open_bare(build)
        bench.close(warm)

    opened: dict[str, list[float]] = {"page": [], "bare": [], "charts": []}
    builders: dict[str, Callable[[Copied], QWidget]] = {
        "bare": build_bare,
        "charts": build_bare_charts,
    }
    order = ("page", "bare", "charts")
    shown: dict[str, QWidget] = {}
    for index in range(args.rounds):
        # Each round in another order: no side always goes first on a cold cache.
        rotated = order[index % 3 :] + order[: index % 3]
        for which in rotated:
            if which == "page":
                took, shown[which] = bench.open_page()
            else:
                took, shown[which] = bench.open_bare(builders[which])
            opened[which].append(took)
            if index < args.rounds - 1:
                bench.close(shown[which])
    page = shown["page"]
    bare = shown["bare"]
    assert isinstance(page, ProgressCharts) and isinstance(bare, pg.PlotWidget)
    plot = page.tenderness_plot
    page_pan = bench.pan_zoom(
        lambda a, b: plot.setXRange(a, b, padding=0), page.graphics.viewport()
    )
    bare_pan = bench.pan_zoom(lambda a, b: bare.setXRange(a, b, padding=0), bare.viewport())
    query = bench.query(max(5, args.rounds))
    points = sum(len(data["x"]) for _, _, data in bench.items)
    print(
        json.dumps(
            {
                "sessions": len(store.progress_sessions()),
                "points": points,
                "items": len(bench.items),
                "page_open_ms": opened["page"],
                "bare_open_ms": opened["bare"],
                "charts_open_ms": opened["charts"],
                "page_pan_ms": page_pan,
                "bare_pan_ms": bare_pan,
                "query_ms": query,
                "query_median_ms": statistics.median(query),
            }
        ),
        flush=True,
    )
    for widget in shown.values():
        bench.close(widget)
    store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
