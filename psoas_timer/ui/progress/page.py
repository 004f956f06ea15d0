"""Progress charts above the history table: the page for looking back.

Importing this module imports pyqtgraph; the main window does so only when the
page is first opened.
"""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSplitter, QVBoxLayout, QWidget

from psoas_timer.core.clock import Clocks
from psoas_timer.core.i18n import _
from psoas_timer.services.saving import SaveService
from psoas_timer.ui.progress.charts import ProgressCharts
from psoas_timer.ui.progress.history import HistoryView
from psoas_timer.ui.theme import Colours


class ProgressHistoryPage(QWidget):
    back_requested = Signal()
    export_chart_requested = Signal()
    report_requested = Signal()

    def __init__(
        self,
        log: SaveService,
        clocks: Clocks,
        tool_names: Mapping[str, str],
        colours: Colours,
        undo_stack: QUndoStack | None = None,
        parent: QWidget | None = None,
        *,
        position_names: Mapping[tuple[str, str], str] | None = None,
    ) -> None:
        super().__init__(parent)
        self.progress = ProgressCharts(
            log, clocks, tool_names=tool_names, position_names=position_names, colours=colours
        )
        self.history = HistoryView(log, tool_names, undo_stack=undo_stack)
        self.progress.session_chosen.connect(self.history.select_session)
        log.log_changed.connect(self._log_changed)

        back = QPushButton(_("← Tools"))
        back.setAccessibleName(_("Back to the tools"))
        back.clicked.connect(self.back_requested)
        export = QPushButton(_("Save chart…"))
        export.setAccessibleName(_("Save the charts as a PNG or SVG file"))
        export.clicked.connect(self.export_chart_requested)
        report = QPushButton(_("Report for your physio…"))
        report.setAccessibleName(_("Write a PDF report for your physiotherapist"))
        report.clicked.connect(self.report_requested)
        title = QLabel(_("<h2>Progress</h2>"))
        top = QHBoxLayout()
        top.addWidget(back)
        top.addWidget(title)
        top.addStretch(1)
        top.addWidget(report)
        top.addWidget(export)

        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.progress)
        splitter.addWidget(self.history)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setChildrenCollapsible(False)
        # Charts first, but leave the table room for several rows.
        splitter.setSizes([520, 200])
        self.progress.tabs.setMinimumHeight(300)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(splitter, 1)

    def reload(self) -> None:
        self.progress.reload()
        self.history.reload()

    def _log_changed(self) -> None:
        # Hidden (during a session, say), it is read again when next shown:
        # reading ten years of sessions at a set boundary would delay the cues.
        if not self.isVisible():
            return
        self.progress.reload()
        if not self.history.model.writing:
            self.history.reload()

    def set_colours(self, colours: Colours) -> None:
        self.progress.set_colours(colours)
