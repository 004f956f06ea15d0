"""The end of a session: per side, tenderness before → after, release, time, and last time."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout, QWidget

from psoas_timer.core.engine import SessionEngine
from psoas_timer.core.i18n import _
from psoas_timer.core.summary import (
    SideFigures,
    SideReport,
    figures_from_session,
    side_figures,
    side_lines,
)
from psoas_timer.core.vocab import sides_of
from psoas_timer.services.saving import SaveService
from psoas_timer.store import StoreError

log = logging.getLogger(__name__)


def session_reports(engine: SessionEngine, history: SaveService | None) -> list[SideReport]:
    """Each side of the session, with the same side of the last session with this tool."""
    plan = engine.plan
    stops = [(stop.side, stop.reason) for stop in engine.stops]
    previous = None
    if history is not None:
        try:
            previous = history.previous_session(plan.tool.id, history.session_id)
        except StoreError as exc:
            log.info("no comparison with last time: %s", exc)
    reports: list[SideReport] = []
    for side in sides_of(plan.sides):
        now = figures_from_session(side, engine.ratings, engine.results, stops)
        last: SideFigures | None = None
        if previous is not None and side in sides_of(previous[0].sides):
            summary, sets = previous
            covered = summary.side(side)
            last = side_figures(side, covered.before, covered.after, sets)
        reports.append(SideReport(side, now, last))
    return reports


class SummaryPanel(QWidget):
    """One column per side; the first line of each is its heading."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("summaryPanel")
        self.setAccessibleName(_("Session summary"))
        self._columns = QHBoxLayout(self)
        self._columns.setSpacing(32)
        self.sides: list[list[QLabel]] = []
        self._pixels = 24

    def show_reports(self, reports: Sequence[SideReport], centred: bool) -> None:
        while self._columns.count():
            item = self._columns.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        self.sides = []
        described: list[str] = []
        for report in reports:
            column = QWidget()
            box = QVBoxLayout(column)
            box.setAlignment(Qt.AlignmentFlag.AlignTop)
            labels = []
            for line in side_lines(report, centred):
                label = QLabel(line)
                # A line may name a tool or position from a tool file: text, never markup.
                label.setTextFormat(Qt.TextFormat.PlainText)
                label.setWordWrap(True)
                box.addWidget(label)
                labels.append(label)
                described.append(line)
            self._columns.addWidget(column, 1)
            self.sides.append(labels)
        self.setAccessibleDescription(". ".join(described))
        self.set_scale(self._pixels)

    def text(self) -> str:
        return "\n".join(label.text() for labels in self.sides for label in labels)

    def set_scale(self, pixels: int) -> None:
        self._pixels = pixels
        for labels in self.sides:
            for index, label in enumerate(labels):
                font = QFont(label.font())
                heading = index == 0
                font.setPixelSize(pixels if heading else max(14, int(pixels * 0.7)))
                font.setBold(heading or index == 1)
                label.setFont(font)
