"""Progress charts: is tenderness falling, on which side, with which tool?

The answer comes first (:class:`HeadlinePanel`), then three tabs: tenderness
with its two measures (:mod:`.tenderness`), the dose (:mod:`.dose_view`) and
which tool and position works (:mod:`.compare_view`). A tab's charts are made
the first time it is shown and refilled with ``setData`` on every change of
the filters; every chart follows the x range of the tenderness chart.

This module imports pyqtgraph, which costs over half a second; the main window
imports it only when the progress page is first opened, so start-up never pays.
"""

from __future__ import annotations

import gc
import logging
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path

import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from psoas_timer.core.clock import Clocks
from psoas_timer.core.compare import asymmetry, compare_methods
from psoas_timer.core.dose import by_level, rest_notes, side_dose
from psoas_timer.core.headline import Headline, headline
from psoas_timer.core.i18n import N_, _
from psoas_timer.core.progress import (
    CarryOver,
    DatedEvent,
    DateRange,
    Progress,
    ProgressSession,
    build_progress,
    carry_overs,
    filter_sessions,
)
from psoas_timer.core.vocab import SIDE_VALUES as SIDES
from psoas_timer.core.vocab import Side
from psoas_timer.services.saving import SaveService
from psoas_timer.store import StoreError
from psoas_timer.ui.progress.chart_file import ChartExportError, save_graphics
from psoas_timer.ui.progress.compare_view import CompareView
from psoas_timer.ui.progress.dose_view import DoseView
from psoas_timer.ui.progress.headline_view import HeadlinePanel
from psoas_timer.ui.progress.plots import DAY_S, DatedLine, DatedPoints, day_x, items_named
from psoas_timer.ui.progress.session_tip import session_tip
from psoas_timer.ui.progress.tenderness import (
    TendernessCharts,
    legend_html,
    mark_styles,
    next_day_events,
    stop_events,
)
from psoas_timer.ui.theme import LIGHT, Colours

log = logging.getLogger(__name__)

__all__ = ["ChartExportError", "ProgressCharts", "day_x"]

RANGE_LABELS: dict[DateRange, str] = {
    DateRange.LAST_30_DAYS: N_("Last 30 days"),
    DateRange.LAST_90_DAYS: N_("Last 90 days"),
    DateRange.LAST_365_DAYS: N_("Last 12 months"),
    DateRange.ALL: N_("All time"),
}
TABS = ("tenderness", "dose", "compare")


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
    """The headline, the filters and the three tabs of charts."""

    session_chosen = Signal(int)

    def __init__(
        self,
        log: SaveService,
        clocks: Clocks,
        parent: QWidget | None = None,
        *,
        tool_names: Mapping[str, str] | None = None,
        position_names: Mapping[tuple[str, str], str] | None = None,
        colours: Colours = LIGHT,
    ) -> None:
        super().__init__(parent)
        self.log = log
        self.tool_names = dict(tool_names or {})
        self.position_names = dict(position_names or {})
        self._today = clocks.today
        self._colours = colours
        self._sessions: list[ProgressSession] = []
        self._unreadable: str | None = None  # why the log could not be read, if it could not
        self._by_id: dict[int, ProgressSession] = {}
        self._events: list[DatedEvent] = []
        self.chosen: list[ProgressSession] = []
        self.carried: dict[Side, dict[int, CarryOver]] = {s: {} for s in SIDES}
        self.progress: Progress | None = None
        self.headlines: dict[Side, Headline] = {}
        self._first_load = True
        self._stale: set[str] = set()
        self._shown = TABS[0]

        self.tool_box = QComboBox()
        self.tool_box.setAccessibleName(_("Tool shown in the charts"))
        self.side_box = QComboBox()
        self.side_box.setAccessibleName(_("Side shown in the charts"))
        for text, side in (
            (_("Both sides"), None),
            (_("Left side"), "left"),
            (_("Right side"), "right"),
        ):
            self.side_box.addItem(text, side)
        self.range_box = QComboBox()
        self.range_box.setAccessibleName(_("Date range shown in the charts"))
        for date_range, text in RANGE_LABELS.items():
            self.range_box.addItem(_(text), date_range)
        self.range_box.setCurrentIndex(self.range_box.findData(DateRange.LAST_90_DAYS))
        for box in (self.tool_box, self.side_box, self.range_box):
            box.currentIndexChanged.connect(self.replot)
        filters = QHBoxLayout()
        for text, box in (
            (_("Tool"), self.tool_box),
            (_("Side"), self.side_box),
            (_("Range"), self.range_box),
        ):
            label = QLabel(text)
            label.setBuddy(box)
            filters.addWidget(label)
            filters.addWidget(box)
        filters.addStretch(1)

        self.headline = HeadlinePanel()
        self.summaries = self.headline.summaries
        self.tenderness = TendernessCharts(self._tip, self._mark_tip, self._clicked)
        self.graphics = self.tenderness.graphics
        self.plots: dict[str, pg.PlotItem] = self.tenderness.plots()
        #: The chart of each tab whose x range the others in the tab follow.
        self._lead: dict[str, pg.PlotItem] = {TABS[0]: self.tenderness.plot}
        self.legend = QLabel()
        self.legend.setTextFormat(Qt.TextFormat.RichText)
        self.legend.setWordWrap(True)
        tenderness_tab = QWidget()
        tab_layout = QVBoxLayout(tenderness_tab)
        tab_layout.setContentsMargins(0, 0, 0, 0)
        tab_layout.addWidget(self.graphics, 1)
        tab_layout.addWidget(self.legend)
        self._dose: DoseView | None = None
        self._compare: CompareView | None = None
        self.tabs = QTabWidget()
        self.tabs.setAccessibleName(_("Progress charts"))
        self.tabs.addTab(tenderness_tab, _("&Tenderness and carry-over"))
        for title in (_("D&ose"), _("&Which works for me")):
            holder = QWidget()
            QVBoxLayout(holder).setContentsMargins(0, 0, 0, 0)
            self.tabs.addTab(holder, title)
        self.tabs.currentChanged.connect(self._tab_shown)

        self.empty = QLabel()
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setWordWrap(True)
        self.empty.setAccessibleName(_("No progress to show"))
        self.body = QStackedWidget()
        self.body.addWidget(self.tabs)
        self.body.addWidget(self.empty)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.headline)
        layout.addLayout(filters)
        layout.addWidget(self.body, 1)
        self.set_colours(colours)

    # -- the lazily made tabs ----------------------------------------------------

    @property
    def tenderness_plot(self) -> pg.PlotItem:
        return self.tenderness.plot

    @property
    def dose(self) -> DoseView:
        if self._dose is None:
            self._dose = DoseView(self._tip, self._clicked)
            self._adopt(1, self._dose, self._dose.graphics, self._dose.plots)
        return self._dose

    @property
    def compare(self) -> CompareView:
        if self._compare is None:
            self._compare = CompareView(
                self._tip, self._clicked, self.tool_names, self.position_names
            )
            self._adopt(2, self._compare, self._compare.graphics, {"asymmetry": self._compare.plot})
        return self._compare

    def _adopt(
        self,
        index: int,
        view: DoseView | CompareView,
        graphics: pg.GraphicsLayoutWidget,
        plots: Mapping[str, pg.PlotItem],
    ) -> None:
        holder = self.tabs.widget(index)
        holder_layout = holder.layout() if holder is not None else None
        assert holder_layout is not None
        holder_layout.addWidget(view)
        self.plots.update(plots)
        view.set_colours(self._colours)
        self._look(graphics, plots.values())
        self._lead[TABS[index]] = view.lead
        self._stale.add(TABS[index])

    def show_tab(self, name: str) -> None:
        """Bring one tab forward: "tenderness", "dose" or "compare"."""
        self.tabs.setCurrentIndex(TABS.index(name))

    def _tab_shown(self, index: int) -> None:
        name = TABS[index]
        if name == "dose":
            self.dose  # noqa: B018 -- made on first sight
        elif name == "compare":
            self.compare  # noqa: B018
        # The tabs share one span of time: the one left hands it to the one shown.
        # (Linking them would pan the hidden charts too, at every step of a drag.)
        span = self._lead[self._shown].viewRange()[0]
        self._shown = name
        self._lead[name].setXRange(*span, padding=0)
        if name in self._stale:
            self._fill(name)

    # -- data -----------------------------------------------------------------

    def series(self, plot: str, name: str) -> list[pg.GraphicsObject]:
        """The items drawn in one chart under one name ("before", "after", "left", …)."""
        return items_named(self.plots[plot], name)

    def per_session_series(self) -> list[DatedPoints | DatedLine]:
        """Every per-session series of the tab shown, drawn yet or waiting to be."""
        name = TABS[self.tabs.currentIndex()]
        if name == "dose":
            details = [self.dose.detail]
        elif name == "compare":
            details = [self.compare.detail]
        else:
            details = [charts.detail for charts in self.tenderness.sides.values()]
        return [s for d in details for s in d.daily if isinstance(s, DatedPoints | DatedLine)]

    def set_events(self, events: Sequence[DatedEvent]) -> None:
        """Dated events to mark on the tenderness charts (a side of ``None`` marks both)."""
        self._events = list(events)
        if self.progress is not None:
            self.replot()

    def reload(self) -> None:
        """Read the log again and redraw; called when the page is shown or the log changed."""
        try:
            with paused_gc():
                self._sessions = self.log.progress_sessions()
        except StoreError as exc:
            log.warning("progress not loaded: %s", exc)
            self._sessions = []
            self._unreadable = _("The log could not be read: {why}").format(why=exc)
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
        self.tool_box.addItem(_("All tools"), None)
        for tool_id in ids:
            self.tool_box.addItem(self.tool_names.get(tool_id, tool_id), tool_id)
        index = self.tool_box.findData(chosen)
        self.tool_box.setCurrentIndex(max(index, 0))
        self.tool_box.blockSignals(False)

    def selected_side(self) -> Side | None:
        side: Side | None = self.side_box.currentData()
        return side

    def replot(self) -> None:
        # Tens of thousands of small tuples, none of them in a cycle: pausing the
        # cycle collector stops it from rescanning them over and over meanwhile.
        with paused_gc():
            self._replot()

    def _replot(self) -> None:
        side = self.selected_side()
        today = self._today()
        everything = self._sessions
        self.carried = {s: carry_overs(everything, s) for s in SIDES}
        self.chosen = filter_sessions(
            everything,
            today=today,
            tool_id=self.tool_box.currentData(),
            side=side,
            date_range=self.range_box.currentData(),
        )
        progress = build_progress(
            everything,
            today=today,
            tool_id=self.tool_box.currentData(),
            side=side,
            date_range=self.range_box.currentData(),
            carried=self.carried,
        )
        self.progress = progress
        if self._unreadable is not None:
            self._show_empty(self._unreadable)
            return
        if not self._sessions:
            self._show_empty(
                _(
                    "No sessions yet.\n\nRate your tenderness before and after a session and "
                    "this page shows, side by side, whether it is falling over the weeks."
                )
            )
            return
        if progress.sessions == 0:
            self._show_empty(
                _(
                    "No sessions match these filters. Choose another tool or side, or a longer "
                    "range."
                )
            )
            return
        self.body.setCurrentIndex(0)
        self.headline.setVisible(True)
        notes = []
        for s in SIDES:
            shown = side in (None, s)
            self.headlines[s] = headline(progress.side(s).before)
            self.headline.show_side(s, self.headlines[s], progress.side(s), shown)
            if shown:
                notes += rest_notes(self.chosen, s, today)
        self.headline.show_notes(notes)
        self._stale.update(TABS)
        self._fill("tenderness")
        current = TABS[self.tabs.currentIndex()]
        if current != "tenderness":
            self._fill(current)
        self._fit_x()

    def _fill(self, name: str) -> None:
        progress = self.progress
        if progress is None:
            return
        self._stale.discard(name)
        side = self.selected_side()
        if name == "tenderness":
            styles = mark_styles(self._colours)
            first = self.range_box.currentData().first_day(self._today())
            for s, charts in self.tenderness.sides.items():
                charts.show(progress.side(s), shown=side in (None, s))
                events = stop_events(self.chosen, s) + [
                    e
                    for e in self._events
                    if e.side in (None, s) and (first is None or e.day >= first)
                ]
                charts.mark(next_day_events(self.chosen, s), events, styles)
        elif name == "dose" and self._dose is not None:
            self._dose.show_dose(
                {s: side_dose(self.chosen, s) for s in SIDES},
                {s: (progress.side(s).release, progress.side(s).release_ids) for s in SIDES},
                progress.weeks,
                side,
            )
            self._dose.show_levels(
                {s: by_level(self.chosen, s, self.carried[s]) for s in SIDES if side in (None, s)}
            )
        elif name == "compare" and self._compare is not None:
            self._compare.show_comparison(
                compare_methods(self.chosen, self.carried, side), asymmetry(self.chosen)
            )

    def _show_empty(self, text: str) -> None:
        self.empty.setText(text)
        self.body.setCurrentIndex(1)
        self.headline.setVisible(False)

    def session_details(self, session_id: int) -> str:
        """The tooltip text for one session, made when a point is hovered."""
        session = self._by_id.get(session_id)
        if session is None:
            return ""
        return session_tip(
            session, self.tool_names.get(session.tool_id, session.tool_id), self.carried
        )

    # -- pointing -------------------------------------------------------------

    def _tip(self, x: float, y: float, data: object) -> str:
        del x, y
        return self.session_details(data) if isinstance(data, int) else ""

    def _mark_tip(self, x: float, y: float, data: object) -> str:
        del x, y
        return data if isinstance(data, str) else ""

    def _clicked(self, item: object, points: Sequence[pg.SpotItem], event: object) -> None:
        del item, event
        for point in points:
            session_id = point.data()
            if isinstance(session_id, int):
                self.session_chosen.emit(session_id)
                return

    def _fit_x(self) -> None:
        today = self._today()
        first = self.range_box.currentData().first_day(today)
        if first is None:
            first = self.chosen[0].day if self.chosen else today
        left, right = day_x([first, today])
        for name in {TABS[0], self._shown}:
            self._lead[name].setXRange(left - DAY_S, right + DAY_S, padding=0.02)

    # -- look and export --------------------------------------------------------

    def set_colours(self, colours: Colours) -> None:
        self._colours = colours
        self.headline.set_colours(colours)
        self.tenderness.style(colours)
        self._look(self.tenderness.graphics, self.tenderness.plots().values())
        for view in (self._dose, self._compare):
            if view is not None:
                view.set_colours(colours)
                self._look(view.graphics, [view.lead, *view.others])
        self.legend.setText(legend_html(colours))
        if self.progress is not None and self.body.currentIndex() == 0:
            self.replot()

    def _look(self, graphics: pg.GraphicsLayoutWidget, plots: Iterable[pg.PlotItem]) -> None:
        c = self._colours
        graphics.setBackground(c.window)
        for plot in plots:
            for axis in ("left", "bottom"):
                ax = plot.getAxis(axis)
                ax.setPen(pg.mkPen(c.muted))
                ax.setTextPen(pg.mkPen(c.text))
            plot.titleLabel.setText(plot.titleLabel.text, color=c.text)

    def _current_graphics(self) -> pg.GraphicsLayoutWidget:
        name = TABS[self.tabs.currentIndex()]
        if name == "dose":
            return self.dose.graphics
        if name == "compare":
            return self.compare.graphics
        return self.tenderness.graphics

    def export_chart(self, path: Path) -> None:
        """Write the charts of the tab shown as PNG or SVG, by the file's suffix."""
        save_graphics(self._current_graphics(), path, self._colours.window)
