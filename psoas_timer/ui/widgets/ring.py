"""The pacing ring: a disc that fills on the inhale and empties on the exhale.

The widget holds no timing of its own. Whoever owns it sets the fraction from
the core's pacing function on each frame, so the ring can never drift from the
cues.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from psoas_timer.core.i18n import _, ngettext
from psoas_timer.ui.theme import LIGHT, RING_FILL_ALPHA, Colours

MIN_FRACTION = 0.32  # the ring never vanishes: an empty screen looks like a crash


def _spoken(count: str) -> str:
    """'3 / 15' reads as '3 slash 15'; a screen reader gets 'breath 3 of 15'."""
    if " / " in count:
        done, total = count.split(" / ", 1)
        return _("breath {done} of {total}").format(done=done, total=total)
    if count.isdigit():
        return ngettext("{n} second left", "{n} seconds left", int(count)).format(n=count)
    return count


class PacingRing(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(160, 160)
        self.setAccessibleName(_("Breath pacing ring"))
        self.setAccessibleDescription(_("Grows as you breathe in and shrinks as you breathe out"))
        self._fraction = 0.0
        self._word = ""
        self._count = ""
        self._colour = QColor(LIGHT.inhale)
        self._colours = LIGHT
        self._min_text_px = 0

    def set_min_text_px(self, pixels: int) -> None:
        """Floor mode asks for text no smaller than a share of the screen's height."""
        self._min_text_px = pixels
        self.update()

    @property
    def fraction(self) -> float:
        return self._fraction

    def radius(self) -> float:
        """The disc's radius in pixels for the current fraction."""
        outer = self.outer_radius()
        return outer * (MIN_FRACTION + (1.0 - MIN_FRACTION) * self._fraction)

    def outer_radius(self) -> float:
        return min(self.width(), self.height()) / 2.0 - 6.0

    def set_colours(self, colours: Colours) -> None:
        self._colours = colours
        self.update()

    def set_state(self, fraction: float, word: str, count: str, colour: str) -> None:
        fraction = min(1.0, max(0.0, fraction))
        if (fraction, word, count) == (self._fraction, self._word, self._count) and QColor(
            colour
        ) == self._colour:
            return
        if (word, count) != (self._word, self._count):
            # Changes a few times a breath at most, never on every frame.
            self.setAccessibleDescription(", ".join(p for p in (word, _spoken(count)) if p))
        self._fraction, self._word, self._count = fraction, word, count
        self._colour = QColor(colour)
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        centre = QPointF(self.width() / 2.0, self.height() / 2.0)
        outer = self.outer_radius()
        track = QPen(QColor(self._colours.track))
        track.setWidthF(max(4.0, outer * 0.035))
        painter.setPen(track)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawEllipse(centre, outer, outer)

        fill = QColor(self._colour)
        fill.setAlphaF(RING_FILL_ALPHA)
        edge = QPen(self._colour)
        edge.setWidthF(max(4.0, outer * 0.045))
        painter.setPen(edge)
        painter.setBrush(fill)
        radius = self.radius()
        painter.drawEllipse(centre, radius, radius)

        painter.setPen(QColor(self._colours.text))
        if self._word:
            font = QFont(self.font())
            font.setBold(True)
            size = max(14, self._min_text_px, int(outer * 0.30))
            font.setPixelSize(size)
            # A longer word (German "Einatmen") shrinks to stay inside the ring.
            width = QFontMetricsF(font).horizontalAdvance(self._word)
            if width > outer * 1.7:
                font.setPixelSize(max(14, int(size * outer * 1.7 / width)))
            painter.setFont(font)
            box = QRectF(centre.x() - outer, centre.y() - outer * 0.6, 2 * outer, outer * 0.6)
            painter.drawText(
                box, Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignBottom, self._word
            )
        if self._count:
            font = QFont(self.font())
            font.setPixelSize(max(12, self._min_text_px, int(outer * 0.24)))
            painter.setFont(font)
            box = QRectF(centre.x() - outer, centre.y() + outer * 0.02, 2 * outer, outer * 0.6)
            painter.drawText(
                box, Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop, self._count
            )
        painter.end()
