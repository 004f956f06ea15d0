"""Where the tool goes, how to lie, and Start."""

from __future__ import annotations

from collections.abc import Mapping
from html import escape
from typing import Final

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
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from psoas_timer.core.catalog import Position, Stretch, Tool
from psoas_timer.core.i18n import N_, _, ngettext
from psoas_timer.core.safety import STANDARD_CAUTIONS
from psoas_timer.core.units import Units, render_distances
from psoas_timer.core.vocab import Sides
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
        self.diagram.setAccessibleName(_("Placement diagram"))
        left.addWidget(self.diagram, 1)
        self.caption = _caption_label(_("Diagram caption"))
        left.addWidget(self.caption)
        self.legend = DiagramKey()
        left.addWidget(self.legend)
        poses = QHBoxLayout()
        # Finding the spot (where a position has a picture of it), then how to lie.
        self.locate = DiagramView(labels=False)
        self.locate.setAccessibleName(_("Finding the spot"))
        self.pose = DiagramView(labels=False)
        self.pose.setAccessibleName(_("Body position"))
        for view in (self.locate, self.pose):
            view.setMinimumHeight(110)
            view.setMaximumHeight(170)
            poses.addWidget(view)
        left.addLayout(poses)
        outer.addLayout(left, 5)

        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setAccessibleName(_("Placement steps"))
        panel = QWidget()
        right = QVBoxLayout(panel)
        self.heading = QLabel()
        self.heading.setTextFormat(Qt.TextFormat.PlainText)  # a tool file's name is text
        self.heading.setObjectName("pageHeading")
        font = QFont(self.heading.font())
        font.setPointSizeF(font.pointSizeF() * 1.8)
        font.setBold(True)
        self.heading.setFont(font)
        self.heading.setWordWrap(True)
        right.addWidget(self.heading)
        self.summary = QLabel()
        self.summary.setTextFormat(Qt.TextFormat.RichText)  # escaped, with an italic note
        self.summary.setWordWrap(True)
        right.addWidget(self.summary)

        choices = QGridLayout()
        position_label = QLabel(_("&Position:"))
        choices.addWidget(position_label, 0, 0)
        self.position_box = QComboBox()
        self.position_box.setAccessibleName(_("Position"))
        position_label.setBuddy(self.position_box)
        self.position_box.currentIndexChanged.connect(self._position_changed)
        choices.addWidget(self.position_box, 0, 1, 1, 3)
        choices.addWidget(QLabel(_("Side:")), 1, 0)
        self.side_group = QButtonGroup(self)
        self.side_buttons: dict[str, QRadioButton] = {}
        for column, (value, text) in enumerate(
            (("left", _("Left")), ("right", _("Right")), ("both", _("Both, left first"))), start=1
        ):
            button = QRadioButton(text)
            button.setAccessibleName(_("Side: {side}").format(side=text))
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
        self.stretch_heading = QLabel(_("<b>Afterwards, stretches</b>"))
        right.addWidget(self.stretch_heading)
        self.stretch_list = QVBoxLayout()
        right.addLayout(self.stretch_list)
        right.addStretch(1)
        scroll.setWidget(panel)
        text_and_buttons = QVBoxLayout()
        text_and_buttons.addWidget(scroll, 1)
        outer.addLayout(text_and_buttons, 6)

        buttons = QHBoxLayout()
        back = QPushButton(_("◀ Tools"))
        back.setAccessibleName(_("Back to the tools"))
        back.clicked.connect(self.back_requested.emit)
        safety = QPushButton(_("Safety"))
        safety.setAccessibleName(_("Safety information"))
        safety.clicked.connect(self.safety_requested.emit)
        self.start = QPushButton(_("Start  ▶"))
        self.start.setObjectName("startButton")
        self.start.setDefault(True)
        self.start.setAccessibleName(_("Start the session (Enter)"))
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
        # Outside the scrolling text, so Start stays in view however long the steps are.
        text_and_buttons.addLayout(buttons)
        # Beside Start, so that whoever relies on hearing the steps learns before starting.
        self.speech_note = QLabel()
        self.speech_note.setObjectName("speechNote")
        self.speech_note.setWordWrap(True)
        self.speech_note.setTextFormat(Qt.TextFormat.PlainText)
        self.speech_note.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.speech_note.setAccessibleName(_("Spoken steps"))
        self.speech_note.hide()
        text_and_buttons.insertWidget(text_and_buttons.count() - 1, self.speech_note)

    def show_speech_off(self, why: str) -> None:
        """Say why the steps will not be spoken (and what to install); empty: hide it."""
        self.speech_note.setText(why)
        self.speech_note.setAccessibleDescription(why)
        self.speech_note.setVisible(bool(why))

    def show_tool(
        self,
        tool: Tool,
        sides: Sides,
        units: Units,
        stretches: Mapping[str, Stretch] | None = None,
    ) -> None:
        self.tool = tool
        self.units = units
        self._show_stretches([s for i in tool.stretches if (s := (stretches or {}).get(i))])
        self.heading.setText(tool.name + ("  " + _("(custom)") if tool.custom else ""))
        summary = escape(render_distances(tool.summary, units))
        if tool.general_guidance:
            summary += " <i>{}</i>".format(
                escape(
                    _(
                        "This is general guidance: follow your tool's own instructions where "
                        "they differ."
                    )
                )
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
        _show_optional(self.caption, position.diagram_caption)
        self.pose.set_diagram(position.pose_diagram, "left", "side")
        self.pose.setVisible(position.pose_diagram is not None)
        self.locate.set_diagram(position.locate_diagram, "left", "side")
        self.locate.setVisible(position.locate_diagram is not None)
        units = self.units

        def text(value: str) -> str:
            return escape(render_distances(value, units))

        steps = "".join(f"<li>{text(s)}</li>" for s in position.steps)
        aiming = escape(_("Aiming:"))
        note = (
            f"<p><b>{aiming}</b> {text(position.target_note)}</p>" if position.target_note else ""
        )
        target = (
            text(position.target)
            if position.target
            else escape(_(" and ").join(_(TARGET_NAMES[t]) for t in tool.targets))
        )
        variants = ""
        if position.variants:
            items = "".join(
                f"<li><b>{text(v.name)}.</b> {text(v.instruction)}</li>" for v in position.variants
            )
            lead = _("<b>Extra pressure</b>, one level at a time, in this order:")
            variants = f"<p>{lead}</p><ol>{items}</ol>"
        breathing = _("<b>Breathing:</b> in — {inhale}; out — {exhale}.").format(
            inhale=escape(tool.cue.inhale), exhale=escape(tool.cue.exhale)
        )
        self.steps.setText(
            f"<p><b>{escape(_('Target:'))}</b> {target}</p>"
            f"<p><b>{escape(_('Placement'))}</b></p><ol>{steps}</ol>"
            f"{note}{variants}<p>{breathing}</p>"
            f"<p><b>{escape(_('Release feels like:'))}</b> {text(tool.release_sign)}</p>"
            f"<p><b>{escape(_('Too much?'))}</b> {text(tool.ease_off)}</p>"
        )
        cautions = "".join(f"<li>{text(c)}</li>" for c in tool.cautions)
        standard = ""
        if tool.custom:
            # The app did not write this tool's text, so the rules that keep
            # every tool safe are shown with it.
            items = "".join(f"<li>{text(_(c))}</li>" for c in STANDARD_CAUTIONS)
            lead = _(
                "<b>⚠ For every tool</b> (this one is your own, so these apply as well "
                "as its own cautions):"
            )
            standard = f"<p>{lead}</p><ul>{items}</ul>"
        heading = escape(_("⚠ Cautions"))
        self.cautions.setText(f"{standard}<p><b>{heading}</b></p><ul>{cautions}</ul>")

    def _show_stretches(self, stretches: list[Stretch]) -> None:
        while self.stretch_list.count():
            item = self.stretch_list.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        self.stretch_heading.setVisible(bool(stretches))
        for stretch in stretches:
            row = QWidget()
            row.setAccessibleName(_("Stretch: {name}").format(name=stretch.name))
            row.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
            layout = QHBoxLayout(row)
            layout.setContentsMargins(0, 0, 0, 0)
            layout.setAlignment(Qt.AlignmentFlag.AlignTop)
            picture = DiagramView(labels=False)
            picture.setAccessibleName(_("Picture: {name}").format(name=stretch.name))
            picture.setFixedSize(150, 80)  # the pose and stretch drawings are about 2:1
            picture.set_diagram(stretch.diagram, "left", "side")
            picture.setVisible(stretch.diagram is not None)
            layout.addWidget(picture)
            caution = (
                f"<br>⚠ {escape(render_distances(stretch.caution, self.units))}"
                if stretch.caution
                else ""
            )
            label = QLabel(f"<b>{escape(stretch.name)}</b>: {_stretch_dose(stretch)}{caution}")
            label.setTextFormat(Qt.TextFormat.RichText)
            label.setWordWrap(True)
            layout.addWidget(label, 1)
            self.stretch_list.addWidget(row)

    def _start(self) -> None:
        if self.tool is not None and self.position is not None:
            self.start_requested.emit(self.tool.id, self.position.id, self.sides)


def _caption_label(name: str) -> QLabel:
    label = QLabel()
    label.setTextFormat(Qt.TextFormat.RichText)  # shown escaped by _show_optional
    label.setObjectName("diagramCaption")
    label.setAccessibleName(name)
    label.setWordWrap(True)
    label.setAlignment(Qt.AlignmentFlag.AlignCenter)
    label.hide()
    return label


def _show_optional(label: QLabel, text: str) -> None:
    label.setText(escape(text))
    label.setVisible(bool(text))


#: The muscles a tool's ``targets`` name, as shown.
TARGET_NAMES: Final = {"psoas": N_("psoas"), "iliacus": N_("iliacus")}


def _stretch_dose(stretch: Stretch) -> str:
    """How long and how often a stretch is held, e.g. "hold 30 s, 2 times on each side."."""
    n = stretch.repetitions
    if stretch.per_side:
        text = ngettext(
            "hold {seconds} s, once on each side.", "hold {seconds} s, {n} times on each side.", n
        )
    else:
        text = ngettext("hold {seconds} s, once.", "hold {seconds} s, {n} times.", n)
    return escape(text.format(seconds=stretch.hold_seconds, n=n))
