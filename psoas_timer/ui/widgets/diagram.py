"""Placement diagrams: SVGs drawn for the left side and mirrored for the right."""

from __future__ import annotations

from importlib.abc import Traversable

from PySide6.QtCore import QByteArray, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QImage, QPainter, QPaintEvent, QPixmap
from PySide6.QtSvg import QSvgRenderer
from PySide6.QtWidgets import QSizePolicy, QWidget

from psoas_timer.core.i18n import _
from psoas_timer.ui.theme import LIGHT, Colours


def renderer_for(source: Traversable) -> QSvgRenderer:
    renderer = QSvgRenderer(QByteArray(source.read_bytes()))
    renderer.setAspectRatioMode(Qt.AspectRatioMode.KeepAspectRatio)
    return renderer


def paint_svg(painter: QPainter, renderer: QSvgRenderer, box: QRectF, mirrored: bool) -> QRectF:
    """Draw the SVG centred in ``box`` keeping its proportions; return where it landed."""
    view = renderer.viewBoxF()
    if view.isEmpty():
        view = QRectF(0, 0, 400, 480)
    scale = min(box.width() / view.width(), box.height() / view.height())
    width, height = view.width() * scale, view.height() * scale
    target = QRectF(
        box.x() + (box.width() - width) / 2, box.y() + (box.height() - height) / 2, width, height
    )
    painter.save()
    if mirrored:
        # The anatomy is symmetric; only the target, the tool and the arrows
        # change sides, so one drawing serves both.
        painter.translate(target.center().x() * 2, 0)
        painter.scale(-1, 1)
    renderer.render(painter, target)
    painter.restore()
    return target


def render_image(source: Traversable, size: QSize, mirrored: bool = False) -> QImage:
    image = QImage(size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    paint_svg(painter, renderer_for(source), QRectF(0, 0, size.width(), size.height()), mirrored)
    painter.end()
    return image


def render_pixmap(source: Traversable, size: QSize, mirrored: bool = False) -> QPixmap:
    return QPixmap.fromImage(render_image(source, size, mirrored))


class DiagramView(QWidget):
    """A diagram scaled to fit, with the side labels the SVG itself cannot carry."""

    def __init__(self, parent: QWidget | None = None, labels: bool = True) -> None:
        super().__init__(parent)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(120, 120)
        self.setAccessibleName(_("Placement diagram"))
        self._renderer: QSvgRenderer | None = None
        self._source: Traversable | None = None
        self._mirrored = False
        self._labels = labels
        self._view = "front"
        self._colours: Colours = LIGHT

    def set_colours(self, colours: Colours) -> None:
        self._colours = colours
        self.update()

    def set_diagram(
        self, source: Traversable | None, side: str = "left", view: str = "front"
    ) -> None:
        if source is not self._source:
            self._renderer = renderer_for(source) if source is not None else None
            self._source = source
        self._mirrored = side == "right"
        self._view = view
        if source is None:
            self.setAccessibleDescription(_("No drawing"))
        elif view == "side":
            self.setAccessibleDescription(_("Seen from the side"))
        else:
            self.setAccessibleDescription(
                _("Drawn for your right side; your left is on the left")
                if side == "right"
                else _("Drawn for your left side; your left is on the left")
            )
        self.update()

    @property
    def mirrored(self) -> bool:
        return self._mirrored

    @property
    def source(self) -> Traversable | None:
        return self._source

    def sizeHint(self) -> QSize:
        return QSize(400, 480)

    def paintEvent(self, event: QPaintEvent) -> None:
        if self._renderer is None:
            return
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        label_height = max(18.0, self.height() * 0.05) if self._labels else 0.0
        box = QRectF(0, label_height, self.width(), self.height() - label_height)
        target = paint_svg(painter, self._renderer, box, self._mirrored)
        if self._labels and self._view in ("front", "back"):
            font = QFont(self.font())
            font.setBold(True)
            font.setPixelSize(int(max(12.0, label_height * 0.7)))
            painter.setFont(font)
            painter.setPen(QColor(self._colours.text))
            # Front views are drawn as you look down at yourself, back views as
            # someone behind you sees you: in both, your left is on the left.
            left = QRectF(target.left(), 0, target.width() / 2, label_height)
            right = QRectF(target.center().x(), 0, target.width() / 2, label_height)
            painter.drawText(
                left, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, _("◀ Your left")
            )
            painter.drawText(
                right,
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                _("Your right ▶"),
            )
        painter.end()
