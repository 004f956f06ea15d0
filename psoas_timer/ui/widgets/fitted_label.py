"""Word-wrapped text that shrinks, down to a floor, rather than run off the page."""

from __future__ import annotations

from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QFont, QFontMetrics, QResizeEvent
from PySide6.QtWidgets import QLabel, QWidget

_WRAP = Qt.TextFlag.TextWordWrap | Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop


class FittedLabel(QLabel):
    """Plain text at the largest pixel size, up to a limit, whose wrapped lines fit a
    given height; below its smallest size it stops shrinking (and is cut, as any label).

    A stretch's instructions run to a dozen lines: at the size a step's few words are
    shown in, its last sentences would fall below the window, where a person on the
    floor cannot scroll to them.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self._smallest = 12
        self._largest = 18
        self._max_height = 10_000
        self._fitted_for: tuple[str, int, int, int, int] | None = None

    def set_fit(self, smallest_px: int, largest_px: int, max_height: int, bold: bool) -> None:
        """Sizes from ``largest_px`` down to ``smallest_px``, lines at most ``max_height`` tall."""
        self._smallest, self._largest = smallest_px, max(smallest_px, largest_px)
        self._max_height = max_height
        font = QFont(self.font())
        font.setBold(bold)
        self.setFont(font)
        self._fitted_for = None
        self._fit()

    def setText(self, text: str) -> None:
        super().setText(text)
        self._fit()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if event.size().width() != event.oldSize().width():
            self._fit()

    def needed_height(self, pixel_size: int, width: int) -> int:
        """The height of the text wrapped to ``width`` at ``pixel_size``."""
        font = QFont(self.font())
        font.setPixelSize(pixel_size)
        rect = QRect(0, 0, max(1, width), 1_000_000)
        return QFontMetrics(font).boundingRect(rect, int(_WRAP.value), self.text()).height()

    def _fit(self) -> None:
        margins = self.contentsMargins()
        width = self.width() - margins.left() - margins.right()
        wanted = (self.text(), width, self._smallest, self._largest, self._max_height)
        if width <= 0 or wanted == self._fitted_for:
            return
        self._fitted_for = wanted
        size = self._largest
        while size > self._smallest and self.needed_height(size, width) > self._max_height:
            size -= 1
        if self.font().pixelSize() != size:
            font = QFont(self.font())
            font.setPixelSize(size)
            self.setFont(font)
            self.updateGeometry()
