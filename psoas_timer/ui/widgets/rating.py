"""The 0–10 tenderness rating panel: big, one key per rating, the same anchors every time."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont, QFontMetrics, QResizeEvent
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from psoas_timer.core.i18n import N_, _
from psoas_timer.core.vocab import TEN_KEY

ANCHOR_LOW = N_("0 = no tenderness")
ANCHOR_HIGH = N_("10 = worst imaginable")
BANDS = ((1, 3, "mild"), (4, 6, "moderate"), (7, 10, "severe"))
#: The bands as shown; ``band()`` stays English because it names styles.
BAND_LABELS = (N_("Mild"), N_("Moderate"), N_("Severe"))  # the labels above the buttons
BAND_NAMES = {
    "none": N_("none"),
    "mild": N_("mild"),
    "moderate": N_("moderate"),
    "severe": N_("severe"),
}


def band(value: int) -> str:
    if value == 0:
        return "none"
    for low, high, name in BANDS:
        if low <= value <= high:
            return name
    raise ValueError(f"a rating is a whole number from 0 to 10, got {value}")


class RatingPanel(QWidget):
    rated = Signal(int)
    skipped = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName(_("Tenderness rating"))
        self._digit_px = 0  # asked-for size of the numbers; 0 until set_scale
        layout = QVBoxLayout(self)
        layout.setSpacing(16)
        self.question = QLabel(_("How tender is it?"))
        self.question.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.question.setWordWrap(True)
        self.question.setObjectName("ratingQuestion")
        layout.addWidget(self.question)

        grid = QGridLayout()
        grid.setSpacing(8)
        self.buttons: list[QPushButton] = []
        for value in range(11):
            key = TEN_KEY if value == 10 else str(value)
            button = QPushButton(str(value))
            button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
            button.setMinimumSize(56, 56)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.setAccessibleName(
                _("Rate {value}, {band} (key {key})").format(
                    value=value, band=_(BAND_NAMES[band(value)]), key=key
                )
            )
            button.setToolTip(_("Key {key}").format(key=key))
            button.setObjectName(f"rating-{band(value)}")
            button.clicked.connect(lambda _=False, v=value: self.rated.emit(v))
            grid.addWidget(button, 0, value)
            self.buttons.append(button)
        for low, high, name in BANDS:
            label = QLabel(_(name.capitalize()))
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
            label.setObjectName("ratingBand")
            grid.addWidget(label, 1, low, 1, high - low + 1)
        layout.addLayout(grid, 1)

        anchors = QHBoxLayout()
        for text, align in (
            (ANCHOR_LOW, Qt.AlignmentFlag.AlignLeft),
            (ANCHOR_HIGH, Qt.AlignmentFlag.AlignRight),
        ):
            label = QLabel(_(text))
            label.setAlignment(align)
            anchors.addWidget(label)
        layout.addLayout(anchors)

        hint = QLabel(_("Press 0–9, or {key} for 10.  Enter skips.").format(key=TEN_KEY))
        hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        hint.setObjectName("hint")
        layout.addWidget(hint)
        skip = QPushButton(_("Skip this rating"))
        skip.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        skip.setAccessibleName(_("Skip this rating (Enter)"))
        skip.clicked.connect(self.skipped.emit)
        layout.addWidget(skip, 0, Qt.AlignmentFlag.AlignHCenter)

    def set_question(self, text: str) -> None:
        self.question.setText(text)
        self.setAccessibleDescription(text)

    def set_scale(self, pixels: int) -> None:
        """Size the numbers for reading from the floor."""
        self._digit_px = pixels
        self._fit_digits()
        question = QFont(self.font())
        question.setPixelSize(int(pixels * 0.8))
        self.question.setFont(question)
        small = QFont(self.font())
        small.setPixelSize(max(13, int(pixels * 0.36)))
        for label in self.findChildren(QLabel):
            if label is not self.question:
                label.setFont(small)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit_digits()

    def _fit_digits(self) -> None:
        """As large as asked, but never so large that "10" is cut off in its button."""
        if not self._digit_px:
            return
        font = QFont(self.font())
        font.setBold(True)
        font.setPixelSize(self._digit_px)
        button = self.buttons[10]
        # Width of one button's text area: share of the row less spacing, border, padding.
        room = (self.width() - 8 * 10) / 11 - 20
        wide = QFontMetrics(font).horizontalAdvance("10")
        if room > 0 and wide > room:
            font.setPixelSize(max(14, int(self._digit_px * room / wide)))
        if button.font() != font:
            for each in self.buttons:
                each.setFont(font)
