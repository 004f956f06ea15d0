"""Where the tool goes, how to lie, and Start."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from psoas_timer.core.catalog import Position, Tool
from psoas_timer.core.plan import Sides
from psoas_timer.core.units import Units, render_distances
from psoas_timer.ui.widgets.diagram import DiagramView
from psoas_timer.ui.widgets.diagram_key import DiagramKey


class PlacementPage(QWidget):
    start_requested = Signal(str, str, str)  # tool id, position id, sides
    back_requested = Signal()
    safety_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tool: Tool | None = None
        self.units: Units = "cm"
        outer = QHBoxLayout(self)
        left = QVBoxLayout()
        self.diagram = DiagramView()
        self.diagram.setAccessibleName("Placement diagram")
        left.addWidget(self.diagram, 1)
        self.legend = DiagramKey()
        left.addWidget(self.legend)
        self.pose = DiagramView(labels=False)
        self.pose.setAccessibleName("Body position")
        self.pose.setMinimumHeight(110)
        self.pose.setMaximumHeight(170)
        left.addWidget(self.pose)
        outer.addLayout(left, 5)

        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setAccessibleName("Placement steps")
        panel = QWidget()
        right = QVBoxLayout(panel)
        self.heading = QLabel()
        self.heading.setObjectName("pageHeading")
        font = QFont(self.heading.font())
        font.setPointSizeF(font.pointSizeF() * 1.8)
        font.setBold(True)
        self.heading.setFont(font)
        self.heading.setWordWrap(True)
        right.addWidget(self.heading)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        right.addWidget(self.summary)

        choices = QGridLayout()
        position_label = QLabel("&Position:")
        choices.addWidget(position_label, 0, 0)
        self.position_box = QComboBox()
        self.position_box.setAccessibleName("Position")
        position_label.setBuddy(self.position_box)
        self.position_box.currentIndexChanged.connect(self._position_changed)
        choices.addWidget(self.position_box, 0, 1, 1, 3)
        choices.addWidget(QLabel("Side:"), 1, 0)
        self.side_group = QButtonGroup(self)
        self.side_buttons: dict[str, QRadioButton] = {}
        for column, (value, text) in enumerate(
            (("left", "Left"), ("right", "Right"), ("both", "Both, left first")), start=1
        ):
            button = QRadioButton(text)
            button.setAccessibleName(f"Side: {text}")
            self.side_group.addButton(button)
            self.side_buttons[value] = button
            button.toggled.connect(self._side_changed)
            choices.addWidget(button, 1, column)
        right.addLayout(choices)

        self.steps = QLabel()
        self.steps.setWordWrap(True)
        self.steps.setTextFormat(Qt.TextFormat.RichText)
        right.addWidget(self.steps)
        self.cautions = QLabel()
        self.cautions.setWordWrap(True)
        self.cautions.setObjectName("cautions")
        self.cautions.setTextFormat(Qt.TextFormat.RichText)
        right.addWidget(self.cautions)
        right.addStretch(1)
        scroll.setWidget(panel)
        outer.addWidget(scroll, 6)

        buttons = QHBoxLayout()
        back = QPushButton("◀ Tools")
        back.setAccessibleName("Back to the tools")
        back.clicked.connect(self.back_requested.emit)
        safety = QPushButton("Safety")
        safety.setAccessibleName("Safety information")
        safety.clicked.connect(self.safety_requested.emit)
        self.start = QPushButton("Start  ▶")
        self.start.setObjectName("startButton")
        self.start.setDefault(True)
        self.start.setAccessibleName("Start the session (Enter)")
        self.start.setMinimumHeight(48)
        start_font = QFont(self.start.font())
        start_font.setBold(True)
        start_font.setPointSizeF(start_font.pointSizeF() * 1.4)
        self.start.setFont(start_font)
        self.start.clicked.connect(self._start)
        buttons.addWidget(back)
        buttons.addWidget(safety)
        buttons.addStretch(1)
        buttons.addWidget(self.start)
        right.addLayout(buttons)

    def show_tool(self, tool: Tool, sides: Sides, units: Units) -> None:
        self.tool = tool
        self.units = units
        self.heading.setText(tool.name + ("  (custom)" if tool.custom else ""))
        summary = render_distances(tool.summary, units)
        if tool.general_guidance:
            summary += (
                " <i>This is general guidance: follow your tool's own instructions where "
                "they differ.</i>"
            )
        self.summary.setText(summary)
        self.position_box.blockSignals(True)
        self.position_box.clear()
        for position in tool.positions:
            self.position_box.addItem(position.name, position.id)
        self.position_box.blockSignals(False)
        self.side_buttons[sides].setChecked(True)
        self._position_changed()
        self.start.setFocus()

    @property
    def position(self) -> Position | None:
        if self.tool is None:
            return None
        return self.tool.position(self.position_box.currentData())

    @property
    def sides(self) -> str:
        for value, button in self.side_buttons.items():
            if button.isChecked():
                return value
        return "both"

    def _side_changed(self) -> None:
        position = self.position
        if position is not None:
            side = "right" if self.sides == "right" else "left"
            self.diagram.set_diagram(position.diagram, side)
            self.legend.show_for(position.diagram)

    def _position_changed(self) -> None:
        tool, position = self.tool, self.position
        if tool is None or position is None:
            return
        self._side_changed()
        from importlib.resources import files

        pose = files("psoas_timer.assets") / "diagrams" / f"pose-{position.pose}.svg"
        self.pose.set_diagram(pose if pose.is_file() else None, "left", "side")
        units = self.units
        steps = "".join(f"<li>{escape(render_distances(s, units))}</li>" for s in position.steps)
        note = (
            f"<p><b>Aiming:</b> {escape(render_distances(position.target_note, units))}</p>"
            if position.target_note
            else ""
        )
        targets = " and ".join(tool.targets)
        variants = ""
        if position.variants:
            items = "".join(f"<li>{escape(v.name)}</li>" for v in position.variants)
            variants = f"<p><b>Then, extra pressure in this order:</b></p><ol>{items}</ol>"
        self.steps.setText(
            f"<p><b>Target:</b> {escape(targets)}</p><p><b>Placement</b></p><ol>{steps}</ol>"
            f"{note}{variants}"
            f"<p><b>Breathing:</b> in — {escape(tool.cue.inhale)}; "
            f"out — {escape(tool.cue.exhale)}.</p>"
            f"<p><b>Release feels like:</b> "
            f"{escape(render_distances(tool.release_sign, units))}</p>"
            f"<p><b>Too much?</b> {escape(render_distances(tool.ease_off, units))}</p>"
        )
        cautions = "".join(f"<li>{escape(render_distances(c, units))}</li>" for c in tool.cautions)
        self.cautions.setText(f"<p><b>⚠ Cautions</b></p><ul>{cautions}</ul>")

    def _start(self) -> None:
        if self.tool is not None and self.position is not None:
            self.start_requested.emit(self.tool.id, self.position.id, self.sides)
