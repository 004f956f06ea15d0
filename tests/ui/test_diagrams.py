"""Every diagram the catalog names exists, is valid SVG, and draws something."""

from __future__ import annotations

from importlib.abc import Traversable

import pytest
from PySide6.QtCore import QByteArray, QSize, Qt
from PySide6.QtGui import QColor, QImage
from PySide6.QtSvg import QSvgRenderer
from PySide6.QtWidgets import QApplication

from psoas_timer.core.catalog import POSES, Catalog, builtin_root, load_catalog
from psoas_timer.ui.widgets.diagram import render_pixmap


def referenced() -> list[Traversable]:
    catalog = load_catalog()
    found: dict[str, Traversable] = {}
    for tool in catalog.tools.values():
        for position in tool.positions:
            found[position.diagram.name] = position.diagram
            for variant in position.variants:
                if variant.diagram is not None:
                    found[variant.diagram.name] = variant.diagram
    for pose in POSES:
        item = builtin_root() / "diagrams" / f"pose-{pose}.svg"
        found[item.name] = item
    found["icon"] = builtin_root() / "icons" / "psoas-timer.svg"
    return [found[name] for name in sorted(found)]


def inked_share(image: QImage) -> float:
    """Share of sampled pixels that are neither transparent nor the background card."""
    inked = total = 0
    background = QColor("#F7F5F0").rgb()
    for y in range(0, image.height(), 4):
        for x in range(0, image.width(), 4):
            pixel = image.pixelColor(x, y)
            total += 1
            if pixel.alpha() > 0 and pixel.rgb() != background:
                inked += 1
    return inked / total


@pytest.mark.parametrize("source", referenced(), ids=lambda s: s.name)
def test_diagram_renders(qapp: QApplication, source: Traversable) -> None:
    assert source.is_file(), source
    renderer = QSvgRenderer(QByteArray(source.read_bytes()))
    assert renderer.isValid()
    assert not renderer.viewBoxF().isEmpty()
    for width in (300, 1200):
        image = render_pixmap(source, QSize(width, width)).toImage()
        assert 0.02 < inked_share(image) < 0.95


def test_catalog_points_at_real_diagrams(catalog: Catalog) -> None:
    for tool in catalog.tools.values():
        assert tool.positions[0].diagram.is_file()


def test_mirroring_flips_the_picture(qapp: QApplication, catalog: Catalog) -> None:
    source = catalog.tool("ql-claw").positions[0].diagram
    left = render_pixmap(source, QSize(200, 240)).toImage()
    right = render_pixmap(source, QSize(200, 240), mirrored=True).toImage()
    # Antialiasing differs by a shade at edges, so compare with a tolerance.
    assert differing_share(right, left.flipped(Qt.Orientation.Horizontal)) < 0.01
    assert differing_share(right, left) > 0.02  # the target is on one side only


def differing_share(first: QImage, second: QImage) -> float:
    differ = total = 0
    for y in range(first.height()):
        for x in range(first.width()):
            a, b = first.pixelColor(x, y), second.pixelColor(x, y)
            total += 1
            if (
                max(
                    abs(a.red() - b.red()),
                    abs(a.green() - b.green()),
                    abs(a.blue() - b.blue()),
                    abs(a.alpha() - b.alpha()),
                )
                > 40
            ):
                differ += 1
    return differ / total
