"""Render the app icon from its one SVG into every size and format the packages need.

    python packaging/icons.py OUT_DIR

writes, under OUT_DIR:

    hicolor/<N>x<N>/apps/io.github.psoas_timer.PsoasTimer.png   (16 … 512)
    hicolor/scalable/apps/io.github.psoas_timer.PsoasTimer.svg
    psoas-timer.ico    (Windows: 16 … 256)
    psoas-timer.icns   (macOS: 16 … 1024)

The SVG is drawn by Qt's own SVG renderer, the same one the app uses at run
time; Pillow only packs the finished pixels into .ico and .icns containers.
"""

from __future__ import annotations

import io
import os
import shutil
import sys
from pathlib import Path

HICOLOR_SIZES = (16, 22, 24, 32, 48, 64, 128, 256, 512)
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
ICNS_SIZES = (16, 32, 64, 128, 256, 512, 1024)


def render(svg: bytes, size: int) -> bytes:
    """The icon as PNG bytes, ``size`` pixels square, on a transparent background."""
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRectF, Qt
    from PySide6.QtGui import QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    renderer = QSvgRenderer(QByteArray(svg))
    if not renderer.isValid():
        raise SystemExit("icons.py: the SVG icon could not be read")
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    renderer.render(painter, QRectF(0, 0, size, size))
    painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    buffer.close()
    return bytes(data.data())


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    root = Path(__file__).resolve().parent.parent
    sys.path.insert(0, str(root))
    out = Path(argv[1])
    svg_file = root / "assets" / "icons" / "psoas-timer.svg"
    app_id = "io.github.psoas_timer.PsoasTimer"

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PIL import Image
    from PySide6.QtGui import QGuiApplication

    app = QGuiApplication.instance() or QGuiApplication([sys.argv[0]])
    svg = svg_file.read_bytes()
    sizes = sorted({*HICOLOR_SIZES, *ICO_SIZES, *ICNS_SIZES})
    pngs = {size: render(svg, size) for size in sizes}
    del app

    for size in HICOLOR_SIZES:
        folder = out / "hicolor" / f"{size}x{size}" / "apps"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{app_id}.png").write_bytes(pngs[size])
    scalable = out / "hicolor" / "scalable" / "apps"
    scalable.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(svg_file, scalable / f"{app_id}.svg")

    images = {size: Image.open(io.BytesIO(pngs[size])).convert("RGBA") for size in sizes}
    largest_ico = max(ICO_SIZES)
    images[largest_ico].save(
        out / "psoas-timer.ico",
        format="ICO",
        sizes=[(s, s) for s in ICO_SIZES],
        append_images=[images[s] for s in ICO_SIZES if s != largest_ico],
    )
    largest_icns = max(ICNS_SIZES)
    images[largest_icns].save(
        out / "psoas-timer.icns",
        format="ICNS",
        append_images=[images[s] for s in ICNS_SIZES if s != largest_icns],
    )
    print(f"icons written to {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
