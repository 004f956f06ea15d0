"""The panel for a step that waits for a choice: "More pressure?", "What felt wrong?", what next.

Every choice is a key first (the person may be face down on the floor) and a
large button too. The panel shows whether the session is waiting, or counting
down to going on by itself, so a wait is never mistaken for a pause.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QLabel, QPushButton, QSizePolicy, QVBoxLayout, QWidget

from psoas_timer.core.i18n import _


@dataclass(frozen=True)
class Choice:
    text: str  # the button's words
    key: str  # the key that does the same, as the button says it
    act: Callable[[], object]


class ChoicePanel(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("choicePanel")
        self.setAccessibleName(_("Choice"))
        layout = QVBoxLayout(self)
        layout.setSpacing(12)
        # Centred in the height it is given, level with the picture beside it, rather
        # than hung from the top of an otherwise empty page.
        layout.addStretch(1)
        # The question itself is the page's heading, in its largest type.
        self.status = QLabel()
        self.status.setObjectName("choiceStatus")
        self.status.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.status.setAccessibleName(_("Waiting"))
        layout.addWidget(self.status)
        self.body = QLabel()
        self.body.setObjectName("choiceBody")
        self.body.setWordWrap(True)
        self.body.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        layout.addWidget(self.body)
        self._buttons_box = QVBoxLayout()
        self._buttons_box.setSpacing(8)
        layout.addLayout(self._buttons_box)
        layout.addStretch(1)
        self.buttons: list[QPushButton] = []
        self._pixels = 24

    def show_choices(self, question: str, body: str, choices: Sequence[Choice]) -> None:
        self.body.setText(body)
        self.body.setVisible(bool(body))
        self.setAccessibleDescription(question)
        for button in self.buttons:
            self._buttons_box.removeWidget(button)
            button.deleteLater()
        self.buttons = []
        for choice in choices:
            button = QPushButton(f"{choice.text}   ({choice.key})")
            button.setObjectName("choiceButton")
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # keys go to the session
            button.setAccessibleName(
                _("{choice} (key {key})").format(choice=choice.text, key=choice.key)
            )
            button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
            button.clicked.connect(lambda _checked=False, act=choice.act: act())
            self._buttons_box.addWidget(button)
            self.buttons.append(button)
        self.set_scale(self._pixels)

    def set_status(self, text: str) -> None:
        self.status.setText(text)
        self.status.setAccessibleDescription(text)
        self.status.setVisible(bool(text))

    def set_scale(self, pixels: int) -> None:
        """Size the question for reading from the floor; the rest in proportion."""
        self._pixels = pixels
        for label, size, bold in (
            (self.status, int(pixels * 0.75), True),
            (self.body, max(14, int(pixels * 0.6)), False),
        ):
            font = QFont(label.font())
            font.setPixelSize(size)
            font.setBold(bold)
            label.setFont(font)
        for button in self.buttons:
            font = QFont(button.font())
            font.setPixelSize(max(14, int(pixels * 0.6)))
            button.setFont(font)
            button.setMinimumHeight(int(pixels * 1.6))
