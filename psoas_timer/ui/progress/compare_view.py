"""Which works for me: the table of tools and positions, and left against right."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Final

import pyqtgraph as pg
from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from psoas_timer.core.compare import (
    METHOD_HEADERS,
    METHOD_TIPS,
    Asymmetry,
    MethodRow,
    asymmetry_text,
    number,
)
from psoas_timer.core.i18n import _
from psoas_timer.core.progress import rolling_average
from psoas_timer.ui.progress.plots import (
    Clicked,
    DatedLine,
    DatedPoints,
    Tip,
    WeeklyDetail,
    WeeklyLine,
    add_plot,
)
from psoas_timer.ui.theme import Colours

_Index = QModelIndex | QPersistentModelIndex
#: The raw value of a cell (a number or ``None``), for sorting and for tests.
VALUE_ROLE: Final = Qt.ItemDataRole.UserRole + 1


class MethodsModel(QAbstractTableModel):
    """One row per tool and position (:func:`psoas_timer.core.compare.compare_methods`)."""

    def __init__(
        self,
        tool_names: Mapping[str, str] | None = None,
        position_names: Mapping[tuple[str, str], str] | None = None,
    ) -> None:
        super().__init__()
        self.tool_names = dict(tool_names or {})
        self.position_names = dict(position_names or {})
        self.rows: list[MethodRow] = []

    def set_rows(self, rows: Sequence[MethodRow]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(METHOD_HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return _(METHOD_HEADERS[section])
        if role == Qt.ItemDataRole.ToolTipRole:
            return _(METHOD_TIPS[section]) if METHOD_TIPS[section] else None
        return None

    def value(self, row: MethodRow, col: int) -> Any:
        values = (
            row.tool_id,
            row.position_id,
            row.sessions,
            row.mean_drop,
            row.mean_carry_over,
            row.median_release,
            row.worse_next_day,
        )
        return values[col]

    def text(self, row: MethodRow, col: int) -> str:
        if col == 0:
            return self.tool_names.get(row.tool_id, row.tool_id)
        if col == 1:
            key = (row.tool_id, row.position_id)
            return self.position_names.get(key, row.position_id)
        if col == 2:
            return str(row.sessions)
        if col == 6:
            if not row.next_day_checks:
                return "–"
            return _("{n} of {total}").format(n=row.worse_next_day, total=row.next_day_checks)
        value = self.value(row, col)
        return number(value, signed=col == 4)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self.text(row, index.column())
        if role == VALUE_ROLE:
            return self.value(row, index.column())
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() >= 2:
            return int(Qt.AlignmentFlag.AlignCenter)
        return None


class CompareView(QWidget):
    """The table, then the gap between the sides: a sentence and a chart."""

    def __init__(
        self,
        tip: Tip,
        clicked: Clicked,
        tool_names: Mapping[str, str] | None = None,
        position_names: Mapping[tuple[str, str], str] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.model = MethodsModel(tool_names, position_names)
        self.table = QTableView()
        self.table.setAccessibleName(_("Which works for me: tools and positions compared"))
        self.table.setModel(self.model)
        self.table.verticalHeader().hide()
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.gap_text = QLabel()
        self.gap_text.setWordWrap(True)
        self.gap_text.setAccessibleName(_("Left against right"))
        self.graphics = pg.GraphicsLayoutWidget()
        self.graphics.setAccessibleName(_("Right minus left before rating"))
        self.plot = add_plot(
            self.graphics,
            0,
            0,
            "asymmetry",
            _("Right minus left, before rating"),
            _("Points"),
            date_axis=True,
        )
        self.zero = pg.InfiniteLine(pos=0, angle=0)
        self.plot.addItem(self.zero)
        self.detail = WeeklyDetail(self.plot)
        self.gap_points = DatedPoints(
            self.plot, "asymmetry", tip=tip, clicked=clicked, detail=self.detail
        )
        self.gap_average = DatedLine(self.plot, "asymmetry-average", detail=self.detail)
        self.gap_weekly = WeeklyLine(self.plot, "asymmetry-weekly", self.detail)
        self.detail.show_weekly(False)
        note = QLabel(
            _(
                "Above the line the right side started more tender, below it the left. "
                "Carry-over counts for the session whose relief it measures."
            )
        )
        note.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table, 2)
        layout.addWidget(self.gap_text)
        layout.addWidget(self.graphics, 3)
        layout.addWidget(note)

    @property
    def lead(self) -> pg.PlotItem:
        return self.plot

    @property
    def others(self) -> list[pg.PlotItem]:
        return []

    def set_colours(self, c: Colours) -> None:
        self.zero.setPen(pg.mkPen(c.track, width=1))
        self.gap_points.style(c.hold, filled=True)
        self.gap_average.style(c.hold, 2)
        self.gap_weekly.style(c.hold, 2)

    def show_comparison(self, rows: Sequence[MethodRow], gap: Asymmetry) -> None:
        self.model.set_rows(rows)
        self.gap_text.setText(asymmetry_text(gap))
        self.gap_points.set(gap.points, gap.ids)
        self.gap_average.set(lambda: rolling_average(gap.points))
        self.gap_weekly.set(gap.points)
        top = max([3.0, *(abs(p.value) for p in gap.points)]) + 0.5
        self.plot.setYRange(-top, top, padding=0)
