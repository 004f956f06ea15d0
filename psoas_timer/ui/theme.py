"""Colours and fonts: one palette per theme, checked for WCAG AA contrast in the tests."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

from psoas_timer.core.i18n import N_


@dataclass(frozen=True)
class Colours:
    """One theme. ``track`` outlines the ring's full size, so it is held to the 3:1
    contrast of a graphical object like the phase colours; ``muted`` is for small
    secondary text and still meets 4.5:1 on both backgrounds."""

    window: str
    text: str
    muted: str
    inhale: str
    exhale: str
    hold: str
    track: str
    accent: str
    warning: str
    card: str


LIGHT = Colours(
    window="#FAFAF7",
    text="#1B1F23",
    muted="#4A5560",
    inhale="#1A5E9A",
    exhale="#1F6B48",
    hold="#6A4A8C",
    track="#7F8B97",
    accent="#1A5E9A",
    warning="#A12A1E",
    card="#FFFFFF",
)
DARK = Colours(
    window="#15191D",
    text="#F2F4F6",
    muted="#B8C2CC",
    inhale="#6EC1FF",
    exhale="#7DDBA3",
    hold="#C9A8F0",
    track="#606C78",
    accent="#6EC1FF",
    warning="#FF8A7A",
    card="#1F252B",
)
# Floor mode is read from two metres away by someone lying down: pure black and
# bright, saturated colours give the strongest contrast a screen can manage.
FLOOR = Colours(
    window="#000000",
    text="#FFFFFF",
    muted="#D0D6DC",
    inhale="#5CC8FF",
    exhale="#6FE3A0",
    hold="#D7B8FF",
    track="#5A6570",
    accent="#5CC8FF",
    warning="#FF9B8A",
    card="#0B0E11",
)


# Every colour the SVGs in assets/diagrams may use. The diagrams are drawn on
# their own light paper whatever the theme, so the key beside them sits on the
# same paper and shows each mark in the colour it is drawn in.
DIAGRAM_COLOURS = {
    "paper": "#F7F5F0",
    "skin": "#E9DFD3",
    "ink": "#3A4A55",  # body outlines, the navel
    "bone": "#7A5F4A",  # landmarks: hip bone, groin crease, ribs, spine, sacrum
    "target-fill": "#2E8B57",
    "target": "#1E6B40",
    "avoid-fill": "#C0392B",
    "avoid": "#A93226",
    "tool-fill": "#2F6FB3",
    "tool": "#1D4E85",
    "pressing": "#0F2F55",  # the part of a tool that presses
    "floor": "#8A8A8A",
    "prop-fill": "#D8B26E",  # book, pillows, chair
    "prop": "#8A6F3A",
}
DIAGRAM_PAPER = DIAGRAM_COLOURS["paper"]
DIAGRAM_INK = "#1B1F23"


@dataclass(frozen=True)
class Mark:
    """How the key shows one kind of mark: a glyph in the mark's colour (empty when the
    words alone describe it) and the mark put into words for a screen reader. Glyphs
    stay within WGL4, which every common desktop font covers."""

    glyph: str
    colour: str
    looks: str  # marked for translation; shown through _()


# Keyed by the id the mark carries in the SVGs.
MARKS = {
    "target": Mark("■", DIAGRAM_COLOURS["target"], N_("green area")),
    "avoid": Mark("■", DIAGRAM_COLOURS["avoid"], N_("red area")),
    "tool": Mark("■", DIAGRAM_COLOURS["tool"], N_("blue shape")),
    "tool-alternative": Mark("", DIAGRAM_COLOURS["tool"], N_("dashed blue outline")),
    "press-toward-spine": Mark("", DIAGRAM_COLOURS["tool"], N_("crossed circle")),
    "start-reference": Mark("○", DIAGRAM_COLOURS["tool"], N_("dashed blue ring")),
    "navel": Mark("●", DIAGRAM_COLOURS["ink"], N_("dark dot")),
    "asis": Mark("▲", DIAGRAM_COLOURS["bone"], N_("brown triangle")),
    "iliac-crest": Mark("—", DIAGRAM_COLOURS["bone"], N_("brown line")),
    "groin-crease": Mark("- - -", DIAGRAM_COLOURS["bone"], N_("brown dashed line")),
    "spine": Mark("□", DIAGRAM_COLOURS["bone"], N_("column of brown boxes")),
    "lowest-ribs": Mark("···", DIAGRAM_COLOURS["bone"], N_("brown dotted lines")),
    "sacrum": Mark("▼", DIAGRAM_COLOURS["bone"], N_("brown triangle")),
}
# How strongly the breathing disc is filled with the phase colour (the edge is solid).
RING_FILL_ALPHA = 0.28


def blend(colour: str, background: str, alpha: float) -> str:
    """``colour`` painted at ``alpha`` over ``background``, as an opaque colour."""
    top, bottom = QColor(colour), QColor(background)
    mixed = QColor.fromRgbF(
        top.redF() * alpha + bottom.redF() * (1 - alpha),
        top.greenF() * alpha + bottom.greenF() * (1 - alpha),
        top.blueF() * alpha + bottom.blueF() * (1 - alpha),
    )
    return str(mixed.name())


def contrast_ratio(first: str, second: str) -> float:
    """WCAG 2.x contrast ratio between two colours."""

    def luminance(colour: str) -> float:
        c = QColor(colour)
        channels = []
        for value in (c.redF(), c.greenF(), c.blueF()):
            channels.append(value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4)
        red, green, blue = channels
        return 0.2126 * red + 0.7152 * green + 0.0722 * blue

    high, low = sorted((luminance(first), luminance(second)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def system_is_dark() -> bool:
    hints = QGuiApplication.styleHints()
    scheme = hints.colorScheme() if hints is not None else None
    from PySide6.QtCore import Qt

    return scheme == Qt.ColorScheme.Dark


def colours_for(theme: str) -> Colours:
    if theme == "dark" or (theme == "system" and system_is_dark()):
        return DARK
    return LIGHT


def apply_theme(app: QApplication, theme: str) -> Colours:
    colours = colours_for(theme)
    palette = QPalette()
    window, text, card = QColor(colours.window), QColor(colours.text), QColor(colours.card)
    palette.setColor(QPalette.ColorRole.Window, window)
    palette.setColor(QPalette.ColorRole.WindowText, text)
    palette.setColor(QPalette.ColorRole.Base, card)
    palette.setColor(QPalette.ColorRole.AlternateBase, window)
    palette.setColor(QPalette.ColorRole.Text, text)
    palette.setColor(QPalette.ColorRole.Button, card)
    palette.setColor(QPalette.ColorRole.ButtonText, text)
    palette.setColor(QPalette.ColorRole.ToolTipBase, card)
    palette.setColor(QPalette.ColorRole.ToolTipText, text)
    palette.setColor(QPalette.ColorRole.PlaceholderText, QColor(colours.muted))
    palette.setColor(QPalette.ColorRole.Highlight, QColor(colours.accent))
    palette.setColor(QPalette.ColorRole.HighlightedText, window)
    palette.setColor(QPalette.ColorRole.Link, QColor(colours.accent))
    app.setPalette(palette)
    return colours
