"""The tool cards' pictures, drawn from their SVGs once and then reused.

Parsing and painting an SVG is the slowest part of drawing the first screen,
and its result never changes for the same drawing at the same size. So each
picture is kept in memory for the life of the process, and as a PNG in the
cache folder for the next start: the file's name carries a checksum of the SVG
text, the size in device pixels and the device pixel ratio, so an edited
drawing, a new size or another screen simply gets a new file. QtSvg is only
loaded when a picture is not cached anywhere.
"""

from __future__ import annotations

import contextlib
import logging
import os
import zlib
from importlib.abc import Traversable
from pathlib import Path

from PySide6.QtCore import QSize
from PySide6.QtGui import QImage, QPixmap

log = logging.getLogger(__name__)

#: Part of every file name: raised when the way pictures are drawn changes,
#: so that pictures drawn the old way are not reused.
DRAWING_VERSION = 1
FOLDER_NAME = "cards"

# QImage rather than QPixmap: an image needs no running application, so the
# cache may outlive one (the tests make many windows in one process).
_drawn: dict[str, QImage] = {}


def _key(svg: bytes, size: QSize, ratio: float) -> str:
    # Two checksums rather than hashlib, which would load OpenSSL at start-up;
    # this tells drawings apart, it guards against no one.
    digest = f"{zlib.crc32(svg):08x}{zlib.adler32(svg):08x}{len(svg):x}"
    return f"v{DRAWING_VERSION}-{digest}-{size.width()}x{size.height()}@{ratio:g}"


def card_picture(source: Traversable, size: QSize, ratio: float, folder: Path | None) -> QPixmap:
    """``source`` drawn to fit ``size`` (in logical pixels) on a screen of ``ratio``.

    ``folder`` keeps pictures between runs; None keeps them in memory only. A
    folder that cannot be read or written costs only the time to draw again.
    """
    try:
        svg = source.read_bytes()
    except OSError as exc:
        log.warning("card picture %s not read: %s", source, exc)
        return QPixmap()
    key = _key(svg, size, ratio)
    image = _drawn.get(key)
    if image is None:
        image = _load(folder, key)
    if image is None:
        image = _draw(source, size, ratio)
        _store(folder, key, image)
    _drawn[key] = image
    pixmap = QPixmap.fromImage(image)
    pixmap.setDevicePixelRatio(ratio)
    return pixmap


def _draw(source: Traversable, size: QSize, ratio: float) -> QImage:
    from psoas_timer.ui.widgets.diagram import render_image

    return render_image(source, QSize(round(size.width() * ratio), round(size.height() * ratio)))


def _load(folder: Path | None, key: str) -> QImage | None:
    if folder is None:
        return None
    path = folder / FOLDER_NAME / f"{key}.png"
    if not path.is_file():
        return None
    image = QImage()
    if not image.load(str(path)):
        log.info("card picture %s unreadable; drawing it again", path)
        return None
    return image


def _store(folder: Path | None, key: str, image: QImage) -> None:
    if folder is None:
        return
    target = folder / FOLDER_NAME / f"{key}.png"
    # Its suffix tells Qt the format.
    temp = target.with_name(f".{key}.{os.getpid()}.png")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        if not image.save(str(temp)):
            raise OSError(f"could not write {temp}")
        # Whole or not at all: another copy may be reading the same folder.
        temp.replace(target)
    except OSError as exc:
        log.info("card picture not cached: %s", exc)
        with contextlib.suppress(OSError):
            temp.unlink()
