"""Progress charts: is tenderness falling, on which side, with which tool?

This module imports pyqtgraph, which costs over half a second; the main window
imports it only when the progress page is first opened, so start-up never pays.
"""

from __future__ import annotations

import gc
import logging
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QPoint, QRect, Qt, Signal
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtSvg import QSvgGenerator
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from psoas_timer.core.clock import Clocks
from psoas_timer.core.fileio import atomic_write
from psoas_timer.core.progress import (
    DateRange,
    DayValue,
    Progress,
    ProgressSession,
    SideProgress,
    build_progress,
)
from psoas_timer.core.vocab import SIDE_VALUES as SIDES
from psoas_timer.core.vocab import Side
from psoas_timer.services.saving import SaveService
from psoas_timer.store import StoreError
from psoas_timer.ui.theme import LIGHT, Colours

log = logging.getLogger(__name__)

_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()
_DAY_S = 86_400.0
RANGE_LABELS: dict[DateRange, str] = {
    DateRange.LAST_30_DAYS: "Last 30 days",
    DateRange.LAST_90_DAYS: "Last 90 days",
    DateRange.LAST_365_DAYS: "Last 12 months",
    DateRange.ALL: "All time",
}


class ChartExportError(Exception):
    """The chart could not be written; ``str()`` says why and what to do."""


def day_x(days: Sequence[date]) -> np.ndarray:
    """Chart x for each day: that day's noon, in seconds, on a UTC date axis.

    Noon keeps a point inside its day whichever way the axis rounds, and the
    axis runs in UTC so the label under a point is the day it was logged on.
    """
    ordinals = np.fromiter((d.toordinal() for d in days), dtype=np.float64, count=len(days))
    return (ordinals - _EPOCH_ORDINAL) * _DAY_S + _DAY_S / 2


def _xy(points: Sequence[DayValue]) -> tuple[np.ndarray, np.ndarray]:
    x = day_x([p.day for p in points])
    y = np.fromiter((p.value for p in points), dtype=np.float64, count=len(points))
    return x, y


def side_summary(progress: SideProgress) -> str:
    """One sentence per side: where the 7-day averages started and where they are now."""
    parts: list[str] = []
    for label, series in (("Before", progress.before_average), ("After", progress.after_average)):
        if len(series) >= 2:
            first, last = series[0].value, series[-1].value
            delta = last - first
            if abs(delta) < 0.05:
                how = "no change"
            else:
                how = f"{'down' if delta < 0 else 'up'} {abs(delta):.1f}"
            parts.append(f"{label}: {first:.1f} → {last:.1f} ({how})")
        elif series:
            parts.append(f"{label}: {series[-1].value:.1f}")
    if progress.changes:
        hits = sum(c.meaningful for c in progress.changes)
        parts.append(f"meaningful drop in {hits} of {len(progress.changes)} sessions")
    return " · ".join(parts) if parts else "No ratings in this range."


@contextmanager
def paused_gc() -> Iterator[None]:
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


class ProgressCharts(QWidget):
    """Tenderness per side, breaths to release and sessions per week, with filters."""

    session_chosen = Signal(int)

    def __init__(
        self,
        log: SaveService,
        clocks: Clocks,
        parent: QWidget | None = None,
        *,
        tool_names: Mapping[str, str] | None = None,
        colours: Colours = LIGHT,
    ) -> None:
        super().__init__(parent)
        self.log = log
        self.tool_names = dict(tool_names or {})
        self._today = clocks.today
        self._colours = colours
        self._sessions: list[ProgressSession] = []
        self._unreadable: str | None = None  # why the log could not be read, if it could not
        self._by_id: dict[int, ProgressSession] = {}
        self.progress: Progress | None = None
        self._first_load = True

        self.tool_box = QComboBox()
        self.tool_box.setAccessibleName("Tool shown in the charts")
        self.side_box = QComboBox()
        self.side_box.setAccessibleName("Side shown in the charts")
        for text, side in (("Both sides", None), ("Left side", "left"), ("Right side", "right")):
            self.side_box.addItem(text, side)
        self.range_box = QComboBox()
        self.range_box.setAccessibleName("Date range shown in the charts")
        for date_range, text in RANGE_LABELS.items():
            self.range_box.addItem(text, date_range)
        self.range_box.setCurrentIndex(self.range_box.findData(DateRange.LAST_90_DAYS))
        for box in (self.tool_box, self.side_box, self.range_box):
            box.currentIndexChanged.connect(self.replot)

        filters = QHBoxLayout()
        for text, box in (
            ("Tool", self.tool_box),
            ("Side", self.side_box),
            ("Range", self.range_box),
        ):
            label = QLabel(text)
            label.setBuddy(box)
            filters.addWidget(label)
            filters.addWidget(box)
        filters.addStretch(1)

        self.legend = QLabel()
        self.legend.setTextFormat(Qt.TextFormat.RichText)
        self.legend.setWordWrap(True)

        self.graphics = pg.GraphicsLayoutWidget()
        self.graphics.setAccessibleName("Progress charts")
        self.plots: dict[str, pg.PlotItem] = {}
        for row, col, key, title, y_label in (
            (0, 0, "left", "Left side", "Tenderness (0–10)"),
            (0, 1, "right", "Right side", "Tenderness (0–10)"),
            (1, 0, "release", "Breaths until the muscle let go (● left, ▲ right)", "Breath"),
            (1, 1, "weeks", "Sessions per week", "Sessions"),
        ):
            plot = self.graphics.addPlot(
                row=row, col=col, axisItems={"bottom": pg.DateAxisItem(utcOffset=0)}
            )
            plot.setTitle(title)
            plot.setObjectName(key)
            plot.setLabel("left", y_label)
            plot.showGrid(x=True, y=True, alpha=0.2)
            plot.setMenuEnabled(False)
            # Lines draw only what is in view, thinned to the screen's width.
            plot.setClipToView(True)
            plot.setDownsampling(auto=True, mode="peak")
            plot.getViewBox().setMouseEnabled(x=True, y=False)
            self.plots[key] = plot
        for key in ("left", "right"):
            self.plots[key].setYRange(-0.5, 10.5, padding=0)
            self.plots[key].getAxis("left").setTicks([[(v, str(v)) for v in range(0, 11, 2)]])
        for key in ("right", "release", "weeks"):
            self.plots[key].setXLink(self.plots["left"])

        self.summaries: dict[Side, QLabel] = {}
        summary_row = QHBoxLayout()
        for side in SIDES:
            label = QLabel()
            label.setWordWrap(True)
            label.setAccessibleName(f"{side.capitalize()} side summary")
            self.summaries[side] = label
            summary_row.addWidget(label, 1)

        charts = QWidget()
        charts_layout = QVBoxLayout(charts)
        charts_layout.setContentsMargins(0, 0, 0, 0)
        charts_layout.addLayout(summary_row)
        charts_layout.addWidget(self.graphics, 1)
        charts_layout.addWidget(self.legend)

        self.empty = QLabel()
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setWordWrap(True)
        self.empty.setAccessibleName("No progress to show")
        self.body = QStackedWidget()
        self.body.addWidget(charts)
        self.body.addWidget(self.empty)

        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(self.body, 1)
        self.set_colours(colours)

    # -- data -----------------------------------------------------------------

    @property
    def tenderness_plot(self) -> pg.PlotItem:
        return self.plots["left"]

    def series(self, plot: str, name: str) -> list[pg.GraphicsObject]:
        """The items drawn in one chart under one name ("before", "after", "left", …)."""
        return [
            item
            for item in self.plots[plot].items
            if isinstance(item, pg.PlotDataItem | pg.ScatterPlotItem) and item.name() == name
        ]

    def reload(self) -> None:
        """Read the log again and redraw; called when the page is shown or the log changed."""
        try:
            with paused_gc():
                self._sessions = self.log.progress_sessions()
        except StoreError as exc:
            log.warning("progress not loaded: %s", exc)
            self._sessions = []
            self._unreadable = f"The log could not be read: {exc}"
        else:
            self._unreadable = None
        self._by_id = {s.session_id: s for s in self._sessions if s.session_id is not None}
        self._refill_tools()
        if self._first_load and self._sessions:
            self._first_load = False
            # Someone back after a long break should see their history, not nothing.
            first = DateRange.LAST_90_DAYS.first_day(self._today())
            if first is not None and self._sessions[-1].day < first:
                self.range_box.setCurrentIndex(self.range_box.findData(DateRange.ALL))
        self.replot()

    def _refill_tools(self) -> None:
        chosen = self.tool_box.currentData()
        ids = sorted({s.tool_id for s in self._sessions})
        self.tool_box.blockSignals(True)
        self.tool_box.clear()
        self.tool_box.addItem("All tools", None)
        for tool_id in ids:
            self.tool_box.addItem(self.tool_names.get(tool_id, tool_id), tool_id)
        index = self.tool_box.findData(chosen)
        self.tool_box.setCurrentIndex(max(index, 0))
        self.tool_box.blockSignals(False)

    def selected_side(self) -> Side | None:
        side: Side | None = self.side_box.currentData()
        return side

    def replot(self) -> None:
        side = self.selected_side()
        # Tens of thousands of small tuples, none of them in a cycle: pausing the
        # cycle collector stops it from rescanning them over and over meanwhile.
        with paused_gc():
            progress = build_progress(
                self._sessions,
                today=self._today(),
                tool_id=self.tool_box.currentData(),
                side=side,
                date_range=self.range_box.currentData(),
            )
        self.progress = progress
        if self._unreadable is not None:
            self._show_empty(self._unreadable)
            return
        if not self._sessions:
            self._show_empty(
                "No sessions yet.\n\nRate your tenderness before and after a session and "
                "this page shows, side by side, whether it is falling over the weeks."
            )
            return
        if progress.sessions == 0:
            self._show_empty(
                "No sessions match these filters. Choose another tool or side, or a longer range."
            )
            return
        self.body.setCurrentIndex(0)
        for s in SIDES:
            self._plot_side(s, progress.side(s), shown=side in (None, s))
        self._plot_release(progress, side)
        self._plot_weeks(progress)
        self._fit_x(progress)

    def _show_empty(self, text: str) -> None:
        self.empty.setText(text)
        self.body.setCurrentIndex(1)
        for plot in self.plots.values():
            plot.clear()

    def session_details(self, session_id: int) -> str:
        """The tooltip text for one session, made when a point is hovered."""
        session = self._by_id.get(session_id)
        if session is None:
            return ""
        lines = [
            session.day.strftime("%a %d %b %Y"),
            self.tool_names.get(session.tool_id, session.tool_id),
        ]
        for side in SIDES:
            result = session.side(side)
            if result is None:
                continue
            before = "–" if result.before is None else str(result.before)
            after = "–" if result.after is None else str(result.after)
            line = f"{side.capitalize()}: {before} → {after}"
            if result.released_breath is not None:
                line += f", let go at breath {result.released_breath}"
            lines.append(line)
        return "\n".join(lines)

    # -- drawing --------------------------------------------------------------

    def _scatter(
        self,
        points: Sequence[DayValue],
        ids: Sequence[int | None],
        colour: str,
        *,
        filled: bool,
        symbol: str = "o",
        size: float = 8,
        name: str = "",
    ) -> pg.ScatterPlotItem:
        x, y = _xy(points)
        item = pg.ScatterPlotItem(
            x=x,
            y=y,
            data=np.asarray(ids, dtype=object),
            symbol=symbol,
            size=size,
            pen=pg.mkPen(colour, width=1.5),
            brush=pg.mkBrush(colour) if filled else pg.mkBrush(self._colours.card),
            hoverable=True,
            tip=self._tip,
            name=name,
        )
        item.sigClicked.connect(self._clicked)
        return item

    def _tip(self, x: float, y: float, data: object) -> str:
        del x, y
        return self.session_details(data) if isinstance(data, int) else ""

    def _clicked(self, item: object, points: Sequence[pg.SpotItem], event: object) -> None:
        del item, event
        for point in points:
            session_id = point.data()
            if isinstance(session_id, int):
                self.session_chosen.emit(session_id)
                return

    def _plot_side(self, side: Side, progress: SideProgress, *, shown: bool) -> None:
        plot = self.plots[side]
        plot.clear()
        plot.setVisible(shown)
        c = self._colours
        before_pen = pg.mkPen(c.hold, width=2, style=Qt.PenStyle.DashLine)
        for series, pen, name in (
            (progress.before_average, before_pen, "before-average"),
            (progress.after_average, pg.mkPen(c.inhale, width=3), "after-average"),
        ):
            x, y = _xy(series)
            plot.addItem(pg.PlotDataItem(x=x, y=y, pen=pen, name=name))
        plot.addItem(
            self._scatter(progress.before, progress.before_ids, c.hold, filled=False, name="before")
        )
        plot.addItem(
            self._scatter(progress.after, progress.after_ids, c.inhale, filled=True, name="after")
        )
        marked = [i for i, change in enumerate(progress.changes) if change.meaningful]
        marks = [
            DayValue(progress.changes[i].day, float(progress.changes[i].after)) for i in marked
        ]
        ring = self._scatter(
            marks,
            [progress.change_ids[i] for i in marked],
            c.exhale,
            filled=False,
            size=18,
            name="meaningful",
        )
        ring.setBrush(pg.mkBrush(None))
        ring.setPen(pg.mkPen(c.exhale, width=2.5))
        plot.addItem(ring)
        self.summaries[side].setText(f"<b>{side.capitalize()} side</b> — {side_summary(progress)}")
        self.summaries[side].setVisible(shown)

    def _plot_release(self, progress: Progress, side: Side | None) -> None:
        plot = self.plots["release"]
        plot.clear()
        top = 1.0
        styles: tuple[tuple[Side, str, str], ...] = (
            ("left", self._colours.inhale, "o"),
            ("right", self._colours.hold, "t"),
        )
        for s, colour, symbol in styles:
            if side not in (None, s):
                continue
            part = progress.side(s)
            if not part.release:
                continue
            x, y = _xy(part.release)
            top = max(top, float(y.max()))
            plot.addItem(pg.PlotDataItem(x=x, y=y, pen=pg.mkPen(colour, width=1.5), name=s))
            plot.addItem(
                self._scatter(
                    part.release, part.release_ids, colour, filled=True, symbol=symbol, name=s
                )
            )
        plot.setYRange(0, top + 1, padding=0)

    def _plot_weeks(self, progress: Progress) -> None:
        plot = self.plots["weeks"]
        plot.clear()
        if not progress.weeks:
            return
        x = day_x([w.monday for w in progress.weeks]) + 3 * _DAY_S  # the week's middle
        heights = np.array([w.sessions for w in progress.weeks], dtype=np.float64)
        bars = pg.BarGraphItem(
            x=x, height=heights, width=6 * _DAY_S, brush=pg.mkBrush(self._colours.exhale)
        )
        bars.setObjectName("weeks")
        plot.addItem(bars)
        plot.setYRange(0, max(float(heights.max()), 1.0) + 0.5, padding=0)

    def _fit_x(self, progress: Progress) -> None:
        first = self.range_box.currentData().first_day(self._today())
        days = [w.monday for w in progress.weeks]
        start = first if first is not None else (days[0] if days else self._today())
        left, right = day_x([start, self._today()])
        self.plots["left"].setXRange(left - _DAY_S, right + _DAY_S, padding=0.02)

    # -- look and export --------------------------------------------------------

    def set_colours(self, colours: Colours) -> None:
        self._colours = colours
        self.graphics.setBackground(colours.window)
        for plot in self.plots.values():
            for axis in ("left", "bottom"):
                ax = plot.getAxis(axis)
                ax.setPen(pg.mkPen(colours.muted))
                ax.setTextPen(pg.mkPen(colours.text))
            plot.titleLabel.setText(plot.titleLabel.text, color=colours.text)
        c = colours
        glyph = "<span style='color:{}; font-size:large'>{}</span> {}"
        self.legend.setText(
            " &nbsp; ".join(
                [
                    glyph.format(c.hold, "○", "Before (dashed line: 7-day average)"),
                    glyph.format(c.inhale, "●", "After (solid line: 7-day average)"),
                    glyph.format(
                        c.exhale, "◯", "Meaningful drop: at least 2 points or 30 % in a session"
                    ),
                ]
            )
        )
        if self.progress is not None and self.body.currentIndex() == 0:
            self.replot()

    def export_chart(self, path: Path) -> None:
        """Write the charts as PNG or SVG, by the file's suffix."""
        suffix = path.suffix.lower()
        if suffix not in (".png", ".svg"):
            raise ChartExportError(
                f"Charts can be saved as .png or .svg, not '{path.suffix or 'no suffix'}'."
            )
        buffer = QByteArray()
        device = QBuffer(buffer)
        device.open(QIODevice.OpenModeFlag.WriteOnly)
        size = self.graphics.size()
        if suffix == ".svg":
            # Qt's own SVG writer: pyqtgraph's exporter chokes on the paths Qt 6 emits.
            generator = QSvgGenerator()
            generator.setOutputDevice(device)
            generator.setSize(size)
            generator.setViewBox(QRect(QPoint(0, 0), size))
            generator.setTitle("Psoas Timer progress")
            painter = QPainter(generator)
            self.graphics.render(painter)
            painter.end()
        else:
            image = QImage(size * 2, QImage.Format.Format_ARGB32)
            image.setDevicePixelRatio(2)
            image.fill(QColor(self._colours.window))
            painter = QPainter(image)
            self.graphics.render(painter)
            painter.end()
            # The stubs ask for bytes, but PySide6 accepts only str here.
            if not image.save(device, "PNG"):  # type: ignore[call-overload]
                raise ChartExportError("The chart could not be drawn as a PNG image.")
        device.close()
        try:
            atomic_write(path, bytes(buffer.data()), mode=0o644)
        except OSError as exc:
            raise ChartExportError(
                f"The chart could not be saved to {path} ({exc.strerror or exc}). "
                "Choose another folder or free some space."
            ) from exc
