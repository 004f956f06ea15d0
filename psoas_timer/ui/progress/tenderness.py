"""The tenderness charts: before and after per side, and beneath them drop and carry-over.

Two columns, one per side. The top chart of a column holds the ratings, their
7-day averages, rings on meaningful drops and marks for next-day checks (and
any other dated events); the chart beneath holds the two measures of
:mod:`psoas_timer.core.progress`, within-session drop and carry-over, and the
column's one date axis.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Final

import pyqtgraph as pg

from psoas_timer.core.dates import short_day_text
from psoas_timer.core.i18n import _
from psoas_timer.core.narration import stop_reason_phrase
from psoas_timer.core.next_day import check_text
from psoas_timer.core.progress import (
    DatedEvent,
    DayValue,
    ProgressSession,
    SideProgress,
    carry_text,
    drop_text,
    rolling_average,
)
from psoas_timer.core.vocab import SIDE_VALUES, Side
from psoas_timer.ui.progress.plots import (
    Clicked,
    DatedLine,
    DatedPoints,
    GridLines,
    MarkLayer,
    MarkStyle,
    Tip,
    WeeklyDetail,
    WeeklyLine,
    add_plot,
    unsaved_painter_state,
)
from psoas_timer.ui.theme import Colours

#: Where the next-day marks and other events sit, above the 0-10 scale.
NEXT_DAY_Y: Final = 11.0
EVENTS_Y: Final = 11.7
TENDERNESS_RANGE: Final = (-1.0, 12.2)


class SideCharts:
    """The two charts of one side and every series in them."""

    def __init__(
        self,
        layout: pg.GraphicsLayoutWidget,
        col: int,
        side: Side,
        tip: Tip,
        mark_tip: Tip,
        clicked: Clicked,
    ) -> None:
        left = side == "left"
        self.plot = add_plot(
            layout,
            0,
            col,
            side,
            _("Left side") if left else _("Right side"),
            _("Tenderness (0–10)"),
            date_axis=False,
        )
        self.carry_plot = add_plot(
            layout,
            1,
            col,
            f"carry-{side}",
            _("Left: drop and carry-over") if left else _("Right: drop and carry-over"),
            _("Points"),
            date_axis=True,
        )
        self.plot.setYRange(*TENDERNESS_RANGE, padding=0)
        self.grid = GridLines(self.plot)
        self.grid.set(range(0, 11, 2))
        self.plot.getAxis("left").setTicks([[(v, str(v)) for v in range(0, 11, 2)]])
        self.zero = pg.InfiniteLine(pos=0, angle=0)
        self.carry_plot.addItem(self.zero)
        self.carry_plot.setXLink(self.plot)

        p = self.plot
        c = self.carry_plot
        self.detail = d = WeeklyDetail(self.plot)
        self.before_average = DatedLine(p, "before-average", detail=d)
        self.after_average = DatedLine(p, "after-average", detail=d)
        self.before = DatedPoints(p, "before", tip=tip, clicked=clicked, detail=d)
        self.after = DatedPoints(p, "after", tip=tip, clicked=clicked, detail=d)
        self.meaningful = DatedPoints(p, "meaningful", size=18, tip=tip, clicked=clicked, detail=d)
        self.before_weekly = WeeklyLine(p, "before-weekly", self.detail)
        self.after_weekly = WeeklyLine(p, "after-weekly", self.detail)
        self.next_day = MarkLayer(p, "next-day", NEXT_DAY_Y, mark_tip)
        self.events = MarkLayer(p, "events", EVENTS_Y, mark_tip)

        self.drop_average = DatedLine(c, "drop-average", detail=d)
        self.carry_average = DatedLine(c, "carry-over-average", detail=d)
        self.drop = DatedPoints(c, "drop", symbol="d", size=7, tip=tip, clicked=clicked, detail=d)
        self.carry = DatedPoints(
            c, "carry-over", symbol="s", size=7, tip=tip, clicked=clicked, detail=d
        )
        self.drop_weekly = WeeklyLine(c, "drop-weekly", self.detail)
        self.carry_weekly = WeeklyLine(c, "carry-over-weekly", self.detail)
        self.detail.show_weekly(False)

    def style(self, c: Colours) -> None:
        self.zero.setPen(pg.mkPen(c.track, width=1))
        self.grid.style(c.track)
        self.before_average.style(c.hold, 2, dashed=True)
        self.after_average.style(c.inhale, 3)
        self.before.style(c.hold, filled=False, fill=c.card)
        self.after.style(c.inhale, filled=True)
        self.meaningful.ring(c.exhale)
        self.before_weekly.style(c.hold, 2, dashed=True)
        self.after_weekly.style(c.inhale, 3)
        self.drop_average.style(c.exhale, 2)
        self.carry_average.style(c.warning, 2)
        self.drop.style(c.exhale, filled=True)
        self.carry.style(c.warning, filled=True)
        self.drop_weekly.style(c.exhale, 2)
        self.carry_weekly.style(c.warning, 2)

    def show(self, progress: SideProgress, shown: bool) -> None:
        for plot in (self.plot, self.carry_plot):
            plot.setVisible(shown)
        self.before.set(progress.before, progress.before_ids)
        self.after.set(progress.after, progress.after_ids)
        self.before_average.set(progress.before_average)
        self.after_average.set(progress.after_average)
        marked = [i for i, change in enumerate(progress.changes) if change.meaningful]
        self.meaningful.set(
            [DayValue(progress.changes[i].day, float(progress.changes[i].after)) for i in marked],
            [progress.change_ids[i] for i in marked],
        )
        drops = [DayValue(c.day, float(c.drop)) for c in progress.changes]
        carries = [DayValue(c.day, float(c.value)) for c in progress.carry_over]
        self.drop.set(drops, progress.change_ids)
        self.carry.set(carries, progress.carry_ids)
        self.drop_average.set(lambda: rolling_average(drops))
        self.carry_average.set(lambda: rolling_average(carries))
        self.before_weekly.set(progress.before)
        self.after_weekly.set(progress.after)
        self.drop_weekly.set(drops)
        self.carry_weekly.set(carries)
        values = [abs(p.value) for p in (*drops, *carries)]
        top = min(10.0, max([3.0, *values])) + 0.5
        self.carry_plot.setYRange(-top, top, padding=0)

    def mark(
        self,
        checks: Sequence[DatedEvent],
        events: Sequence[DatedEvent],
        styles: Mapping[str, MarkStyle],
    ) -> None:
        self.next_day.set(checks, styles)
        self.events.set(events, styles)


class TendernessCharts:
    """Both sides' charts in one layout, x-linked, with one date axis per column."""

    def __init__(self, tip: Tip, mark_tip: Tip, clicked: Clicked) -> None:
        self.graphics = pg.GraphicsLayoutWidget()
        self.graphics.setAccessibleName(_("Tenderness, drop and carry-over charts"))
        unsaved_painter_state(self.graphics)
        self.sides: dict[Side, SideCharts] = {
            side: SideCharts(self.graphics, col, side, tip, mark_tip, clicked)
            for col, side in enumerate(SIDE_VALUES)
        }
        self.sides["right"].plot.setXLink(self.sides["left"].plot)
        # The ratings get more room than the measures beneath them.
        layout = self.graphics.ci.layout
        layout.setRowStretchFactor(0, 3)
        layout.setRowStretchFactor(1, 2)

    @property
    def plot(self) -> pg.PlotItem:
        """The chart every other chart's x range follows."""
        return self.sides["left"].plot

    def plots(self) -> dict[str, pg.PlotItem]:
        out: dict[str, pg.PlotItem] = {}
        for side, charts in self.sides.items():
            out[side] = charts.plot
            out[f"carry-{side}"] = charts.carry_plot
        return out

    def style(self, colours: Colours) -> None:
        for charts in self.sides.values():
            charts.style(colours)


#: The kind of mark a Stop makes on the chart of its side.
STOP_KIND: Final = "stop"


def mark_styles(c: Colours) -> dict[str, MarkStyle]:
    """Next-day marks: ▼ better (less tender), ● the same, ▲ worse; × a Stop."""
    return {
        "better": MarkStyle("t", c.exhale),
        "same": MarkStyle("o", c.track, 9),
        "worse": MarkStyle("t1", c.warning),
        STOP_KIND: MarkStyle("x", c.warning, 13),
    }


def stop_events(sessions: Sequence[ProgressSession], side: Side) -> list[DatedEvent]:
    """A mark for each session in which Stop was pressed on ``side``, naming why."""
    out: list[DatedEvent] = []
    for s in sessions:
        reasons = [stop_reason_phrase(reason) for where, reason in s.stops if where == side]
        if reasons:
            label = _("Stopped in the session of {day}: {reasons}").format(
                day=short_day_text(s.day), reasons="; ".join(reasons)
            )
            out.append(DatedEvent(s.day, STOP_KIND, label, s.session_id, side))
    return out


def next_day_events(sessions: Sequence[ProgressSession], side: Side) -> list[DatedEvent]:
    """A mark for each answered next-day check of a session that covered ``side``."""
    out: list[DatedEvent] = []
    for s in sessions:
        if s.next_day is None or s.side(side) is None:
            continue
        label = _("Next day after the session of {day}: {answer}").format(
            day=short_day_text(s.day), answer=check_text(s.next_day, s.lasting_soreness)
        )
        out.append(DatedEvent(s.day, s.next_day, label, s.session_id, side))
    return out


def legend_html(c: Colours) -> str:
    glyph = "<span style='color:{}; font-size:large'>{}</span> {}"
    marks = " &nbsp; ".join(
        [
            glyph.format(c.hold, "○", _("Before (dashed: 7-day average)")),
            glyph.format(c.inhale, "●", _("After (solid: 7-day average)")),
            glyph.format(c.exhale, "◯", _("Meaningful drop: 2 points or 30 % in a session")),
            _("Next day:")
            + " "
            + glyph.format(c.exhale, "▼", _("better"))
            + " "
            + glyph.format(c.track, "●", _("same"))
            + " "
            + glyph.format(c.warning, "▲", _("worse")),
            glyph.format(c.exhale, "◆", _("drop"))
            + " "
            + glyph.format(c.warning, "■", _("carry-over")),
            glyph.format(c.warning, "×", _("Stop pressed (what felt wrong: hover the mark)")),
        ]
    )
    return f"{marks}<br><small>{drop_text()}<br>{carry_text()}</small>"
