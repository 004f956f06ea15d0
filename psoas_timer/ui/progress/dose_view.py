"""The dose charts: time under pressure, highest level, breaths to release, sessions a week.

Drawn together, on one time axis per column, so a rise in pressure can be
seen beside what followed it; the table of levels beneath says it in numbers
(:func:`psoas_timer.core.dose.by_level`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from psoas_timer.core.dose import LevelRow, SideDose, level_text
from psoas_timer.core.i18n import _
from psoas_timer.core.narration import where
from psoas_timer.core.progress import DayValue, WeekCount
from psoas_timer.core.vocab import SIDE_VALUES, Side
from psoas_timer.ui.progress.plots import (
    DAY_S,
    Clicked,
    DatedLine,
    DatedPoints,
    Tip,
    WeeklyDetail,
    WeeklyLine,
    add_plot,
    day_x,
    whole_top,
)
from psoas_timer.ui.theme import Colours

SYMBOLS: dict[Side, str] = {"left": "o", "right": "t"}


class _SideSeries:
    """One side's points, lines and weekly means in one chart."""

    def __init__(
        self, plot: pg.PlotItem, side: Side, tip: Tip, clicked: Clicked, detail: WeeklyDetail
    ) -> None:
        self.side = side
        self.line = DatedLine(plot, side, detail=detail)
        self.points = DatedPoints(
            plot, side, symbol=SYMBOLS[side], tip=tip, clicked=clicked, detail=detail
        )
        self.weekly = WeeklyLine(plot, f"{side}-weekly", detail)

    def style(self, colour: str) -> None:
        self.line.style(colour, 1.5)
        self.points.style(colour, filled=True)
        self.weekly.style(colour, 2)

    def set(self, points: Sequence[DayValue], ids: Sequence[int | None]) -> None:
        self.line.set(points)
        self.points.set(points, ids)
        self.weekly.set(points)


class DoseView(QWidget):
    """Four charts and the table of levels."""

    def __init__(self, tip: Tip, clicked: Clicked, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.graphics = pg.GraphicsLayoutWidget()
        self.graphics.setAccessibleName(_("Dose charts"))
        g = self.graphics
        release = _("Breaths until the muscle let go (● left, ▲ right)")
        self.plots: dict[str, pg.PlotItem] = {
            "minutes": add_plot(g, 0, 0, "minutes", _("Minutes under pressure (● left, ▲ right)"),
                                _("Minutes"), date_axis=False),
            "level": add_plot(g, 0, 1, "level", _("Highest pressure level (0 = base set)"),
                              _("Level"), date_axis=False, whole_numbers=True),
            "release": add_plot(g, 1, 0, "release", release, _("Breath"),
                                date_axis=True, whole_numbers=True),
            "weeks": add_plot(g, 1, 1, "weeks", _("Sessions per week"), _("Sessions"),
                              date_axis=True, whole_numbers=True),
        }  # fmt: skip
        self.detail = WeeklyDetail(self.plots["minutes"])
        self.series: dict[str, dict[Side, _SideSeries]] = {
            key: {
                side: _SideSeries(self.plots[key], side, tip, clicked, self.detail)
                for side in SIDE_VALUES
            }
            for key in ("minutes", "level", "release")
        }
        self.bars = pg.BarGraphItem(x=[], height=[], width=6 * DAY_S)
        self.bars.setObjectName("weeks")
        self.plots["weeks"].addItem(self.bars)
        for plot in self.others:
            plot.setXLink(self.lead)
        self.detail.show_weekly(False)

        self.levels = QLabel()
        self.levels.setTextFormat(Qt.TextFormat.RichText)
        self.levels.setWordWrap(True)
        self.levels.setAccessibleName(_("Drop and carry-over by highest level"))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.graphics, 1)
        layout.addWidget(self.levels)

    @property
    def lead(self) -> pg.PlotItem:
        """The chart the others follow (linked charts side by side show the same span)."""
        return self.plots["minutes"]

    @property
    def others(self) -> list[pg.PlotItem]:
        return [plot for key, plot in self.plots.items() if key != "minutes"]

    def set_colours(self, c: Colours) -> None:
        colours: dict[Side, str] = {"left": c.inhale, "right": c.hold}
        for by_side in self.series.values():
            for side, s in by_side.items():
                s.style(colours[side])
        self.bars.setOpts(brush=pg.mkBrush(c.exhale))

    def show_dose(
        self,
        dose: Mapping[Side, SideDose],
        release: Mapping[Side, tuple[Sequence[DayValue], Sequence[int | None]]],
        weeks: Sequence[WeekCount],
        side: Side | None,
    ) -> None:
        tops: dict[str, list[float]] = {key: [] for key in self.series}
        for s in SIDE_VALUES:
            shown = side in (None, s)
            columns = {
                "minutes": (dose[s].minutes, dose[s].minutes_ids),
                "level": (dose[s].level, dose[s].level_ids),
                "release": release[s],
            }
            for key, (points, ids) in columns.items():
                self.series[key][s].set(points if shown else [], ids if shown else [])
                if shown:
                    tops[key] += [p.value for p in points]
        for key, values in tops.items():
            # Level 0 is the base set: keep it off the bottom edge.
            self.plots[key].setYRange(-0.5 if key == "level" else 0, whole_top(values), padding=0)
        if weeks:
            x = day_x([w.monday for w in weeks]) + 3 * DAY_S  # the week's middle
            heights = np.array([w.sessions for w in weeks], dtype=np.float64)
        else:
            x = heights = np.zeros(0)
        self.bars.setOpts(x=x, height=heights, width=6 * DAY_S)
        self.plots["weeks"].setYRange(0, whole_top(list(heights)), padding=0)

    def show_levels(self, rows: Mapping[Side, Sequence[LevelRow]]) -> None:
        self.levels.setText(levels_html(rows))


def levels_html(rows: Mapping[Side, Sequence[LevelRow]]) -> str:
    """Did more pressure help? Per side and highest level: sessions, drop, carry-over."""
    parts: list[str] = []
    for side, side_rows in rows.items():
        if not side_rows:
            continue
        cells = "; ".join(level_text(r) for r in side_rows)
        parts.append(
            _("<b>{side}</b> by highest level — {levels}").format(
                side=escape(where(side)), levels=escape(cells)
            )
        )
    if not parts:
        return _("No sets in this range.")
    return "<br>".join(parts)
