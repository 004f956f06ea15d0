"""The session screen's widgets and how they look: large type from the floor, colours
for the theme. :class:`~psoas_timer.ui.session.session_page.SessionPage` adds what
they do."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QResizeEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from psoas_timer.ui.actions import HINT_LINE
from psoas_timer.ui.session.save_line import SaveLine
from psoas_timer.ui.theme import LIGHT, Colours
from psoas_timer.ui.widgets.diagram import DiagramView
from psoas_timer.ui.widgets.rating import RatingPanel
from psoas_timer.ui.widgets.ring import PacingRing


class SessionLayout(QWidget):
    """Builds the screen; every label shows text as text (tool files may hold markup)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._colours: Colours = LIGHT
        self._floor = False
        root = QVBoxLayout(self)
        root.setContentsMargins(24, 16, 24, 16)
        root.setSpacing(8)
        top = QHBoxLayout()
        self.title = QLabel()
        self.title.setObjectName("stepTitle")
        self.title.setWordWrap(True)
        self.side = QLabel()
        self.side.setObjectName("sideLabel")
        self.side.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        top.addWidget(self.title, 1)
        top.addWidget(self.side)
        root.addLayout(top)
        self.safety = QLabel()
        self.safety.setObjectName("safetyLine")
        self.safety.setWordWrap(True)
        root.addWidget(self.safety)

        middle = QHBoxLayout()
        self._middle = middle
        self.centre = QStackedWidget()
        self.ring = PacingRing()
        self.rating = RatingPanel()
        self.centre.addWidget(self.ring)
        self.centre.addWidget(self.rating)
        middle.addWidget(self.centre, 3)
        side_panel = QVBoxLayout()
        self.diagram = DiagramView(labels=True)
        self.diagram.setAccessibleName("Placement diagram")
        self.diagram.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Expanding)
        side_panel.addWidget(self.diagram, 1)
        self.diagram_caption = QLabel(wordWrap=True)  # e.g. "Schematic: your model may …"
        side_panel.addWidget(self.diagram_caption)
        self.instruction = QLabel()
        self.instruction.setObjectName("instruction")
        self.instruction.setWordWrap(True)
        self.instruction.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        side_panel.addWidget(self.instruction)
        middle.addLayout(side_panel, 2)
        root.addLayout(middle, 1)

        self.cue = QLabel()
        self.cue.setObjectName("cueLine")
        self.cue.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.cue.setWordWrap(True)
        root.addWidget(self.cue)
        bottom = QHBoxLayout()
        self.upcoming = QLabel()
        self.upcoming.setObjectName("upcoming")
        self.upcoming.setWordWrap(True)
        self.hints = QLabel(HINT_LINE)
        self.hints.setObjectName("hint")
        self.hints.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        bottom.addWidget(self.upcoming, 1)
        bottom.addWidget(self.hints)
        root.addLayout(bottom)
        self.notice = QLabel()
        self.notice.setObjectName("notice")
        self.notice.setAccessibleName("Announcement")
        self.notice.setWordWrap(True)
        root.addWidget(self.notice)
        self.save_state = SaveLine()
        root.addWidget(self.save_state)
        # What a screen reader is told as the session moves on: phase changes,
        # steps, the side and rating questions. Out of the layout and one pixel
        # small: the same words are already on screen in large type.
        self.live = QLabel(self)
        self.live.setObjectName("liveStatus")
        self.live.setAccessibleName("Session status")
        self.live.setGeometry(0, 0, 1, 1)
        for label in self.findChildren(QLabel):
            label.setTextFormat(Qt.TextFormat.PlainText)

    def set_colours(self, colours: Colours, floor: bool) -> None:
        self._colours = colours
        self.ring.set_colours(colours)
        self.diagram.set_colours(colours)
        self.setStyleSheet(
            f"""
            #sessionPage {{ background: {colours.window}; }}
            #sessionPage QLabel {{ color: {colours.text}; }}
            #sessionPage QLabel#safetyLine {{ color: {colours.warning}; font-weight: bold; }}
            #sessionPage QLabel#hint, #sessionPage QLabel#upcoming {{ color: {colours.muted}; }}
            #sessionPage QLabel#saveState {{ color: {colours.muted}; }}
            #sessionPage QLabel#saveState[waiting="true"] {{
                color: {colours.warning}; font-weight: bold;
            }}
            #sessionPage QPushButton {{
                background: {colours.card}; color: {colours.text};
                border: 2px solid {colours.muted}; border-radius: 8px; padding: 6px;
            }}
            """
        )
        self.setAutoFillBackground(True)
        self._floor = floor
        self._rescale()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._rescale()

    def _rescale(self) -> None:
        # Sized from the screen, never from this page's own height: text that
        # grows with the page would make the page grow, and so on without end.
        screen = self.screen()
        screen_height = screen.geometry().height() if screen is not None else 800
        height = max(400, min(self.height(), screen_height))
        floor = self._floor
        # Floor mode: phase word and count at least a tenth of the screen's height.
        self.ring.set_min_text_px(int(height * 0.105) if floor else 0)
        big = max(18, int(height * (0.045 if floor else 0.035)))
        medium = max(14, int(height * (0.032 if floor else 0.024)))
        small = max(12, int(height * 0.02))
        waiting = bool(self.save_state.waiting)
        for label, pixels, bold in (
            (self.title, big, True),
            (self.side, big, True),
            (self.cue, big, True),
            (self.instruction, medium, False),
            (self.safety, medium, True),
            (self.upcoming, medium, False),
            (self.notice, small, False),
            (self.diagram_caption, small, False),
            # Large on the floor only while something waits: a plain "Saved" needs no room.
            (self.save_state, medium if floor and waiting else small, waiting),
            (self.hints, small, False),
        ):
            font = QFont(label.font())
            font.setPixelSize(pixels)
            font.setBold(bold)
            label.setFont(font)
        self.rating.set_scale(max(22, int(height * 0.07)))

    def set_safety_line(self, text: str) -> None:
        self.safety.setText(f"⚠ {text}")
