"""Times the progress page against a bare pyqtgraph PlotWidget on the same arrays.

    python -m bench.chart_driver --database FILE --rounds N

pyqtgraph, numpy and the page's module are imported, and one page and one
bare plot are built and shown untimed, before anything is timed: both sides
start warm. Then, interleaved:

* open: construct → "All time" chosen → ``reload()`` → shown → the charts'
  first paint. The bare plot is built from the arrays the page drew (copied
  item by item with their pens, brushes, symbols and sizes, all in one
  PlotWidget) and timed construct → shown → first paint.
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


Copied = list[tuple[str, dict[str, Any]]]


def copy_items(page: ProgressCharts) -> Copied:
    """The per-session arrays of the tab on show, with their looks.

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
            items.append(
                (
                    "scatter",
                    {
                        "x": x,
                        "y": y,
                        "symbol": opts["symbol"],
                        "size": opts["size"],
                        "pen": opts["pen"],
                        "brush": opts["brush"],
                    },
                )
            )
        else:
            items.append(("line", {"x": x, "y": y, "pen": item.opts["pen"]}))
    return items


def build_bare(items: Copied) -> pg.PlotWidget:
    widget = pg.PlotWidget(axisItems={"bottom": pg.DateAxisItem(utcOffset=0)})
    for kind, data in items:
        if kind == "line":
            widget.addItem(pg.PlotDataItem(x=data["x"], y=data["y"], pen=data["pen"]))
        elif kind == "scatter":
            widget.addItem(pg.ScatterPlotItem(**data))
        else:
            widget.addItem(pg.BarGraphItem(**data))
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

    def open_bare(self) -> tuple[float, pg.PlotWidget]:
        started = time.perf_counter()
        widget = build_bare(self.items)
        widget.resize(*SIZE)
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
    _, page = bench.open_page()
    bench.items = copy_items(page)
    bench.close(page)
    _, bare = bench.open_bare()
    bench.close(bare)

    page_open: list[float] = []
    bare_open: list[float] = []
    for index in range(args.rounds):
        for which in ("page", "bare") if index % 2 == 0 else ("bare", "page"):
            if which == "page":
                took, page = bench.open_page()
                page_open.append(took)
                if index < args.rounds - 1:
                    bench.close(page)
            else:
                took, bare = bench.open_bare()
                bare_open.append(took)
                if index < args.rounds - 1:
                    bench.close(bare)
    plot = page.tenderness_plot
    page_pan = bench.pan_zoom(
        lambda a, b: plot.setXRange(a, b, padding=0), page.graphics.viewport()
    )
    bare_pan = bench.pan_zoom(lambda a, b: bare.setXRange(a, b, padding=0), bare.viewport())
    query = bench.query(max(5, args.rounds))
    points = sum(len(data["x"]) for _, data in bench.items)
    print(
        json.dumps(
            {
                "sessions": len(store.progress_sessions()),
                "points": points,
                "items": len(bench.items),
                "page_open_ms": page_open,
                "bare_open_ms": bare_open,
                "page_pan_ms": page_pan,
                "bare_pan_ms": bare_pan,
                "query_ms": query,
                "query_median_ms": statistics.median(query),
            }
        ),
        flush=True,
    )
    bench.close(page)
    bench.close(bare)
    store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
