"""The first screen: a card for each tool."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from psoas_timer.core.catalog import Catalog, Tool
from psoas_timer.core.i18n import _
from psoas_timer.ui.picker.card_pictures import card_picture

PICTURE_SIZE = QSize(100, 120)


class ToolCard(QPushButton):
    """A whole-card button: the diagram on the left, the name and positions beside it."""

    def __init__(
        self, tool: Tool, cache: Path | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.tool = tool
        self.setObjectName("toolCard")
        badges = []
        if tool.custom:
            badges.append(_("Custom"))
        if tool.general_guidance:
            badges.append(_("General guidance"))
        positions = " · ".join(p.name for p in tool.positions)
        picture = QLabel()
        picture.setPixmap(
            card_picture(tool.positions[0].diagram, PICTURE_SIZE, self.devicePixelRatioF(), cache)
        )
        picture.setFixedSize(PICTURE_SIZE)
        name = QLabel(tool.name)
        bigger = QFont(name.font())
        bigger.setPointSizeF(bigger.pointSizeF() * 1.2)
        bigger.setBold(True)
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
            if label is not picture:
                label.setWordWrap(True)
                # What a tool file says is shown as written, never read as markup.
                label.setTextFormat(Qt.TextFormat.PlainText)
        self.setMinimumHeight(140)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setAccessibleName(
            _("{name}, custom tool").format(name=tool.name) if tool.custom else tool.name
        )
        guidance = " " + _("General guidance.") if tool.general_guidance else ""
        positions_line = _("Positions: {positions}.").format(positions=positions)
        self.setAccessibleDescription(f"{positions_line} {tool.summary}{guidance}")
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

    def __init__(self, cache: Path | None = None, parent: QWidget | None = None) -> None:
        """``cache``: where the cards' pictures are kept between runs (None: not kept)."""
        super().__init__(parent)
        self._cache = cache
        layout = QVBoxLayout(self)
        heading = QLabel(_("Choose your tool"))
        heading.setObjectName("pageHeading")
        font = QFont(heading.font())
        font.setPointSizeF(font.pointSizeF() * 1.8)
        font.setBold(True)
        heading.setFont(font)
        self.progress_button = QPushButton(_("Progress and history"))
        self.progress_button.setAccessibleName(_("Open progress charts and session history"))
        self.progress_button.clicked.connect(self.progress_requested)
        top = QHBoxLayout()
        top.addWidget(heading)
        top.addStretch(1)
        top.addWidget(self.progress_button)
        layout.addLayout(top)
        intro = QLabel(
            _(
                "Pick the tool you will lie on. The next page shows where it goes; "
                "then a countdown gives you time to get down onto the mat."
            )
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        # The weekly plan and the last session's sides (services/reminders.py).
        self.plan_note = QLabel()
        self.plan_note.setObjectName("planNote")
        self.plan_note.setAccessibleName(_("Weekly plan"))
        self.sides_note = QLabel()
        self.sides_note.setObjectName("sidesNote")
        self.sides_note.setAccessibleName(_("Last session's sides"))
        for note in (self.plan_note, self.sides_note):
            note.setTextFormat(Qt.TextFormat.PlainText)
            note.setWordWrap(True)
            note.hide()
            layout.addWidget(note)
        self.errors = QLabel()
        self.errors.setWordWrap(True)
        self.errors.setObjectName("catalogErrors")
        self.errors.setAccessibleName(_("Tool files that could not be loaded"))
        self.errors.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.errors.hide()
        layout.addWidget(self.errors)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setAccessibleName(_("Tools"))
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
            card = ToolCard(tool, self._cache)
            card.clicked.connect(lambda _=False, tool_id=tool.id: self.chosen.emit(tool_id))
            self.grid.addWidget(card, index // 2, index % 2)
            self.cards[tool.id] = card
        if catalog.errors:
            from html import escape

            lines = "<br>".join(escape(str(error)) for error in catalog.errors)
            self.errors.setText(
                _(
                    "<b>Some tool files could not be loaded</b> (the others are fine). "
                    "Fix or remove them, then restart:<br>{lines}"
                ).format(lines=lines)
            )
            self.errors.show()
        else:
            self.errors.hide()
        if self.cards:
            next(iter(self.cards.values())).setFocus()

    def set_reminder_lines(self, plan: str, sides: str) -> None:
        """The plan's line ("Due today") and the sides' line; an empty one is hidden."""
        for note, text in ((self.plan_note, plan), (self.sides_note, sides)):
            note.setText(text)
            note.setAccessibleDescription(text)
            note.setVisible(bool(text))
