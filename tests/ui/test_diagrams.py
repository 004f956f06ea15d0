"""The diagrams: every SVG is valid, wordless and in the palette; the placement pictures
keep tools and targets clear of the navel and the arteries; the key names their marks."""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET
from importlib.abc import Traversable

import numpy as np
import pytest
from PySide6.QtCore import QByteArray, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from psoas_timer.core.catalog import POSES, Catalog, builtin_root, load_catalog
from psoas_timer.ui.theme import DIAGRAM_COLOURS, MARKS
from psoas_timer.ui.widgets.diagram import render_pixmap
from psoas_timer.ui.widgets.diagram_key import MEANINGS, DiagramKey, marks_in

DIAGRAMS = builtin_root() / "diagrams"
# About 8.5 drawing units to the centimetre in the front views (the navel-to-ASIS
# distance, about 14 cm, is 117 units), so the 5 cm floor is 42 units.
FLOOR_UNITS = 42.0
FRONT_VIEWS = (
    "ql-claw-prone.svg",
    "pso-rite-prone.svg",
    "pso-rite-supine.svg",
    "meat-grinder-prone.svg",
    "massage-ball-sphinx.svg",
    "littlemum-shoulder-sphinx.svg",
    "hands-supine.svg",
)
REAR_VIEWS = (
    "massage-ball-supine-back.svg",
    "littlemum-shoulder-supine.svg",
    "littlemum-back-supine.svg",
)
FRONT_LANDMARKS = {"navel", "asis", "iliac-crest", "groin-crease"}
REAR_LANDMARKS = {"spine", "lowest-ribs", "iliac-crest", "sacrum"}
# One body picture per position, each with its own tool, and one per stretch.
POSE_PICTURES = (
    "pose-ql-claw-prone.svg",
    "pose-pso-rite-prone.svg",
    "pose-pso-rite-supine.svg",
    "pose-meat-grinder-prone.svg",
    "pose-massage-ball-sphinx.svg",
    "pose-massage-ball-supine-low-back.svg",
    "pose-massage-ball-locate.svg",
    "pose-littlemum-shoulder-sphinx.svg",
    "pose-littlemum-shoulder-supine.svg",
    "pose-littlemum-back-supine.svg",
    "pose-hands-supine.svg",
)
STRETCH_PICTURES = (
    "stretch-half-kneeling-lunge.svg",
    "stretch-standing-lunge.svg",
    "stretch-pigeon.svg",
    "stretch-glute-bridge.svg",
)
# Glyphs every common desktop font draws (all in WGL4): the key must not need a
# fallback font.
WGL4_GLYPHS = set("■□▲▼○●—-· ")


def every_svg() -> list[Traversable]:
    return sorted(
        (item for item in DIAGRAMS.iterdir() if item.name.endswith(".svg")),
        key=lambda item: item.name,
    )


def referenced() -> list[Traversable]:
    catalog = load_catalog()
    found: dict[str, Traversable] = {item.name: item for item in every_svg()}
    for tool in catalog.tools.values():
        for position in tool.positions:
            found[position.diagram.name] = position.diagram
            for variant in position.variants:
                if variant.diagram is not None:
                    found[variant.diagram.name] = variant.diagram
    for pose in POSES:
        item = DIAGRAMS / f"pose-{pose}.svg"
        found[item.name] = item
    found["icon"] = builtin_root() / "icons" / "psoas-timer.svg"
    return [found[name] for name in sorted(found)]


def inked_share(image: QImage) -> float:
    """Share of sampled pixels that are neither transparent nor the background card."""
    inked = total = 0
    background = QColor(DIAGRAM_COLOURS["paper"]).rgb()
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


@pytest.mark.parametrize("name", POSE_PICTURES + STRETCH_PICTURES + FRONT_VIEWS + REAR_VIEWS)
def test_every_named_picture_exists(name: str) -> None:
    assert (DIAGRAMS / name).is_file(), name


def test_catalog_points_at_real_diagrams(catalog: Catalog) -> None:
    for tool in catalog.tools.values():
        for position in tool.positions:
            assert position.diagram.is_file()


# -- words and colours ---------------------------------------------------------

WORDS = {"text", "tspan", "textPath", "flowRoot", "flowPara", "foreignObject"}
COLOUR_ATTRIBUTES = ("fill", "stroke", "stop-color", "color", "solid-color")


def tree(source: Traversable) -> ET.Element:
    return ET.fromstring(source.read_bytes())


def local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


@pytest.mark.parametrize("source", every_svg(), ids=lambda s: s.name)
def test_no_words_in_a_picture(source: Traversable) -> None:
    # The app mirrors the pictures for the right side, which would turn text back to
    # front: every word lives in the app's key and captions.
    assert not [local(e.tag) for e in tree(source).iter() if local(e.tag) in WORDS]


@pytest.mark.parametrize("source", every_svg(), ids=lambda s: s.name)
def test_ids_are_unique(source: Traversable) -> None:
    # The key and the measurements find marks by id; a repeated id is ambiguous.
    ids = [e.get("id") for e in tree(source).iter() if e.get("id")]
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize("source", every_svg(), ids=lambda s: s.name)
def test_only_the_palette(source: Traversable) -> None:
    palette = {colour.upper() for colour in DIAGRAM_COLOURS.values()}
    text = source.read_text("utf-8")
    for found in re.findall(r"#[0-9A-Fa-f]+\b", text):
        assert found.upper() in palette, found
    for element in tree(source).iter():
        assert "style" not in element.attrib, "colours belong in attributes the test can read"
        for name in COLOUR_ATTRIBUTES:
            value = element.get(name)
            if value is not None:
                assert value == "none" or value.upper() in palette, (name, value)


# -- geometry of the front views -------------------------------------------------

SCALE = 2  # pixels per drawing unit when measuring


def renderer(name: str) -> QSvgRenderer:
    return QSvgRenderer(QByteArray((DIAGRAMS / name).read_bytes()))


def footprint(svg: QSvgRenderer, element: str) -> np.ndarray:
    """Where ``element`` alone puts ink, as a boolean mask in drawing units × SCALE."""
    assert svg.elementExists(element), element
    view = svg.viewBoxF()
    image = QImage(
        int(view.width() * SCALE), int(view.height() * SCALE), QImage.Format.Format_ARGB32
    )
    image.fill(Qt.GlobalColor.transparent)
    bounds = svg.boundsOnElement(element)
    painter = QPainter(image)
    svg.render(
        painter,
        element,
        QRectF(
            bounds.x() * SCALE, bounds.y() * SCALE, bounds.width() * SCALE, bounds.height() * SCALE
        ),
    )
    painter.end()
    pixels = np.frombuffer(bytes(image.constBits()), np.uint8)
    alpha = pixels.reshape(image.height(), image.bytesPerLine() // 4, 4)[:, : image.width(), 3]
    mask = alpha > 0
    assert mask.any(), element
    return mask


def nearest(mask: np.ndarray, x: float, y: float) -> float:
    rows, columns = np.nonzero(mask)
    return float(np.min(np.hypot((columns + 0.5) / SCALE - x, (rows + 0.5) / SCALE - y)))


def test_the_measure_finds_a_known_shape(qapp: QApplication) -> None:
    # The ball sits on the target: a circle of radius 20 with a 3-unit outline.
    svg = renderer("massage-ball-sphinx.svg")
    ball = next(e for e in tree(DIAGRAMS / "massage-ball-sphinx.svg").iter() if e.get("r") == "20")
    cx, cy = float(ball.get("cx", 0)), float(ball.get("cy", 0))
    navel = svg.boundsOnElement("navel").center()
    expected = math.hypot(cx - navel.x(), cy - navel.y()) - 21.5
    assert nearest(footprint(svg, "tool"), navel.x(), navel.y()) == pytest.approx(expected, abs=1)


@pytest.mark.parametrize("name", FRONT_VIEWS)
def test_tool_and_target_keep_five_cm_from_the_navel(qapp: QApplication, name: str) -> None:
    svg = renderer(name)
    navel = svg.boundsOnElement("navel").center()
    for element in ("tool", "target", "tool-alternative"):
        if svg.elementExists(element):
            distance = nearest(footprint(svg, element), navel.x(), navel.y())
            assert distance >= FLOOR_UNITS, (element, round(distance, 1))


@pytest.mark.parametrize("name", FRONT_VIEWS + REAR_VIEWS)
def test_targets_stay_clear_of_what_to_avoid(qapp: QApplication, name: str) -> None:
    svg = renderer(name)
    avoid = footprint(svg, "avoid")
    assert not (footprint(svg, "target") & avoid).any()
    # A back massager straddles the spine by design (its groove); front tools never
    # touch an artery or nerve zone.
    if name in FRONT_VIEWS:
        assert not (footprint(svg, "tool") & avoid).any()


@pytest.mark.parametrize("name", FRONT_VIEWS)
def test_the_aorta_zone_fans_out_to_both_groins(qapp: QApplication, name: str) -> None:
    # Below the navel the aorta divides into the iliac arteries, which run down and
    # out to the middle of each groin crease: the zone must reach both creases.
    svg = renderer(name)
    aorta, crease = footprint(svg, "avoid-aorta"), footprint(svg, "groin-crease")
    middle = aorta.shape[1] // 2
    assert (aorta & crease)[:, :middle].any()
    assert (aorta & crease)[:, middle:].any()
    navel = svg.boundsOnElement("navel").center()
    _rows, columns = np.nonzero(aorta[int((navel.y() + FLOOR_UNITS) * SCALE) :, :])
    assert columns.max() - columns.min() > 100 * SCALE  # wide below the navel, not a strip


# -- the key --------------------------------------------------------------------


def style_of(element: ET.Element) -> set[tuple[str, ...]]:
    keys = ("fill", "fill-opacity", "stroke", "stroke-width", "stroke-dasharray")
    return {(local(e.tag), *(e.get(k, "") for k in keys)) for e in element.iter()}


def test_each_landmark_looks_the_same_in_every_picture() -> None:
    seen: dict[str, tuple[str, set[tuple[str, ...]]]] = {}
    for source in every_svg():
        for element in tree(source).iter():
            mark = element.get("id")
            if mark in REAR_LANDMARKS | FRONT_LANDMARKS:
                style = style_of(element)
                # The key shows the mark in the colour it is drawn in.
                assert any(MARKS[mark].colour in s for s in style), (source.name, mark)
                first = seen.setdefault(mark, (source.name, style))
                assert style == first[1], (mark, source.name, first[0])
    assert set(seen) == FRONT_LANDMARKS | REAR_LANDMARKS


@pytest.mark.parametrize("name", FRONT_VIEWS + REAR_VIEWS)
def test_the_key_names_the_landmarks_of_each_view(qapp: QApplication, name: str) -> None:
    found = set(marks_in(DIAGRAMS / name))
    expected = FRONT_LANDMARKS if name in FRONT_VIEWS else REAR_LANDMARKS
    assert expected <= found
    assert {"target", "avoid", "tool"} <= found
    other = REAR_LANDMARKS if name in FRONT_VIEWS else FRONT_LANDMARKS
    assert not (other - {"iliac-crest"}) & found


def test_every_mark_has_a_meaning_and_a_glyph_every_font_draws() -> None:
    meanings = [mark for group in MEANINGS for mark, _ in group]
    assert sorted(meanings) == sorted(MARKS)
    for mark in MARKS.values():
        assert set(mark.glyph) <= WGL4_GLYPHS, mark.glyph
        assert mark.glyph or mark.looks  # glyph-less marks are described in words


def test_the_key_follows_the_picture(qtbot: QtBot) -> None:
    key = DiagramKey()
    qtbot.addWidget(key)
    key.show_for(DIAGRAMS / "littlemum-shoulder-sphinx.svg")
    assert "ASIS" in key.text() and "groin&nbsp;crease" in key.text()
    assert "line it up here" in key.accessibleDescription()
    assert "spine" not in key.text()
    key.show_for(DIAGRAMS / "massage-ball-supine-back.svg")
    assert "sacrum" in key.text() and "ASIS" not in key.text()
    # What a screen reader hears matches what is shown, mark for mark.
    for group in MEANINGS:
        for mark, meaning in group:
            shown = meaning.replace(" ", "&nbsp;") in key.text()
            assert shown == (meaning in key.accessibleDescription()), mark


def test_the_placement_page_shows_the_key_of_its_diagram(qtbot: QtBot, catalog: Catalog) -> None:
    from psoas_timer.ui.picker.placement_page import PlacementPage

    page = PlacementPage()
    qtbot.addWidget(page)
    page.show_tool(catalog.tool("ql-claw"), "left", "cm")
    assert "navel" in page.legend.marks and "spine" not in page.legend.marks
    page.show_tool(catalog.tool("massage-ball"), "left", "cm")
    page.position_box.setCurrentIndex(page.position_box.findData("supine-low-back"))
    assert "spine" in page.legend.marks and "navel" not in page.legend.marks


# -- mirroring ------------------------------------------------------------------


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
