"""The tool picker and the placement page."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import QSize, Qt, Signal
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
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from psoas_timer.core.catalog import Catalog, Position, Tool
from psoas_timer.core.plan import Sides
from psoas_timer.core.units import Units, render_distances
from psoas_timer.ui.diagram import DiagramView, render_pixmap
from psoas_timer.ui.theme import DIAGRAM_INK, DIAGRAM_PAPER, LEGEND


class ToolCard(QPushButton):
    """A whole-card button: the diagram on the left, the name and positions beside it."""

    def __init__(self, tool: Tool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tool = tool
        self.setObjectName("toolCard")
        badges = []
        if tool.custom:
            badges.append("Custom")
        if tool.general_guidance:
            badges.append("General guidance")
        positions = " · ".join(p.name for p in tool.positions)
        picture = QLabel()
        picture.setPixmap(render_pixmap(tool.positions[0].diagram, QSize(100, 120)))
        picture.setFixedSize(QSize(100, 120))
        name = QLabel(f"<b>{escape(tool.name)}</b>")
        bigger = QFont(name.font())
        bigger.setPointSizeF(bigger.pointSizeF() * 1.2)
        name.setFont(bigger)
        where = QLabel(positions)
        where.setObjectName("muted")
        text = QVBoxLayout()
        text.addStretch(1)
        text.addWidget(name)
        text.addWidget(where)
        if badges:
            badge = QLabel(" · ".join(badges))
            badge.setObjectName("badge")
            text.addWidget(badge)
        text.addStretch(1)
        row = QHBoxLayout(self)
        row.setContentsMargins(10, 8, 10, 8)
        row.setSpacing(14)
        row.addWidget(picture)
        row.addLayout(text, 1)
        for label in self.findChildren(QLabel):
            # Clicks go to the card; long names wrap instead of widening the grid.
            label.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
            label.setWordWrap(label is not picture)
        self.setMinimumHeight(140)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setAccessibleName(f"{tool.name}{', custom tool' if tool.custom else ''}")
        guidance = " General guidance." if tool.general_guidance else ""
        self.setAccessibleDescription(f"Positions: {positions}. {tool.summary}{guidance}")
        self.setToolTip(tool.summary)

    def sizeHint(self) -> QSize:
        # The layout's hint, not a push button's text width, so two cards share a row.
        layout = self.layout()
        hint = layout.sizeHint() if layout is not None else super().sizeHint()
        return QSize(min(hint.width(), 420), max(hint.height(), 140))

    def minimumSizeHint(self) -> QSize:
        return QSize(260, 140)


class PickerPage(QWidget):
    chosen = Signal(str)
    progress_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        heading = QLabel("Choose your tool")
        heading.setObjectName("pageHeading")
        font = QFont(heading.font())
        font.setPointSizeF(font.pointSizeF() * 1.8)
        font.setBold(True)
        heading.setFont(font)
        self.progress_button = QPushButton("Progress and history")
        self.progress_button.setAccessibleName("Open progress charts and session history")
        self.progress_button.clicked.connect(self.progress_requested)
        top = QHBoxLayout()
        top.addWidget(heading)
        top.addStretch(1)
        top.addWidget(self.progress_button)
        layout.addLayout(top)
        intro = QLabel(
            "Pick the tool you will lie on. The next page shows where it goes; "
            "then a countdown gives you time to get down onto the mat."
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.errors = QLabel()
        self.errors.setWordWrap(True)
        self.errors.setObjectName("catalogErrors")
        self.errors.setAccessibleName("Tool files that could not be loaded")
        self.errors.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.errors.hide()
        layout.addWidget(self.errors)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setAccessibleName("Tools")
        holder = QWidget()
        self.grid = QGridLayout(holder)
        self.grid.setSpacing(12)
        scroll.setWidget(holder)
        layout.addWidget(scroll, 1)
        self.cards: dict[str, ToolCard] = {}

    def set_catalog(self, catalog: Catalog) -> None:
        while self.grid.count():
            item = self.grid.takeAt(0)
            if item is not None and item.widget() is not None:
                item.widget().deleteLater()  # type: ignore[union-attr]
        self.cards.clear()
        for index, tool in enumerate(catalog.tools.values()):
            card = ToolCard(tool)
            card.clicked.connect(lambda _=False, tool_id=tool.id: self.chosen.emit(tool_id))
            self.grid.addWidget(card, index // 2, index % 2)
            self.cards[tool.id] = card
        if catalog.errors:
            lines = "<br>".join(escape(str(error)) for error in catalog.errors)
            self.errors.setText(
                "<b>Some tool files could not be loaded</b> (the others are fine). "
                f"Fix or remove them, then restart:<br>{lines}"
            )
            self.errors.show()
        else:
            self.errors.hide()
        if self.cards:
            next(iter(self.cards.values())).setFocus()


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
        # On the diagrams' own paper, so the marks read the same in every theme.
        self.legend = QLabel(
            f"<span style='color:{LEGEND['target']}'>■</span> target &nbsp; "
            f"<span style='color:{LEGEND['avoid']}'>■</span> avoid (artery, nerve) &nbsp; "
            f"<span style='color:{LEGEND['tool']}'>■</span> tool, pressing edge darkest &nbsp; "
            "crossed circle: press toward the spine"
        )
        self.legend.setObjectName("legend")
        self.legend.setWordWrap(True)
        self.legend.setStyleSheet(
            f"QLabel#legend {{ background: {DIAGRAM_PAPER}; color: {DIAGRAM_INK}; "
            "border-radius: 6px; padding: 4px 8px; }"
        )
        self.legend.setAccessibleName("Diagram key")
        self.legend.setAccessibleDescription(
            "Green marks the target, red what to avoid (artery, nerve), blue the tool with its "
            "pressing edge darkest; a crossed circle means press toward the spine."
        )
        self.legend.setAlignment(Qt.AlignmentFlag.AlignCenter)
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
