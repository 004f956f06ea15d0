"""Saving the charts on show as a PNG or SVG file."""

from __future__ import annotations

from pathlib import Path

import pyqtgraph as pg
from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QPoint, QRect
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtSvg import QSvgGenerator

from psoas_timer.core.fileio import atomic_write
from psoas_timer.core.i18n import _


class ChartExportError(Exception):
    """The chart could not be written; ``str()`` says why and what to do."""


def save_graphics(graphics: pg.GraphicsLayoutWidget, path: Path, background: str) -> None:
    """Write ``graphics`` as PNG or SVG, by the file's suffix."""
    suffix = path.suffix.lower()
    if suffix not in (".png", ".svg"):
        raise ChartExportError(
            _("Charts can be saved as .png or .svg, not '{suffix}'.").format(
                suffix=path.suffix or _("no suffix")
            )
        )
    buffer = QByteArray()
    device = QBuffer(buffer)
    device.open(QIODevice.OpenModeFlag.WriteOnly)
    size = graphics.size()
    if suffix == ".svg":
        # Qt's own SVG writer: pyqtgraph's exporter chokes on the paths Qt 6 emits.
        generator = QSvgGenerator()
        generator.setOutputDevice(device)
        generator.setSize(size)
        generator.setViewBox(QRect(QPoint(0, 0), size))
        generator.setTitle(_("Psoas Timer progress"))
        painter = QPainter(generator)
        graphics.render(painter)
        painter.end()
    else:
        image = QImage(size * 2, QImage.Format.Format_ARGB32)
        image.setDevicePixelRatio(2)
        image.fill(QColor(background))
        painter = QPainter(image)
        graphics.render(painter)
        painter.end()
        # The stubs ask for bytes, but PySide6 accepts only str here.
        if not image.save(device, "PNG"):  # type: ignore[call-overload]
            raise ChartExportError(_("The chart could not be drawn as a PNG image."))
    device.close()
    try:
        atomic_write(path, bytes(buffer.data()), mode=0o644)
    except OSError as exc:
        raise ChartExportError(
            _(
                "The chart could not be saved to {file} ({error}). "
                "Choose another folder or free some space."
            ).format(file=path, error=exc.strerror or exc)
        ) from exc
