"""The key beside a placement diagram: what each mark in the picture means."""

from __future__ import annotations

from html import escape
from importlib.abc import Traversable

from PySide6.QtCore import QByteArray, Qt
from PySide6.QtSvg import QSvgRenderer
from PySide6.QtWidgets import QLabel, QWidget

from psoas_timer.core.i18n import N_, _
from psoas_timer.ui.theme import DIAGRAM_INK, DIAGRAM_PAPER, MARKS

# What each mark means, in the order the key lists them, by the id the mark carries
# in the SVG. The first group explains the drawing, the second names the landmarks.
MEANINGS: tuple[tuple[tuple[str, str], ...], ...] = (
    (
        ("target", N_("target")),
        ("avoid", N_("avoid (artery, nerve)")),
        ("tool", N_("tool, pressing part darkest")),
        ("tool-alternative", N_("the other place it can go")),
        ("press-toward-spine", N_("press toward the spine")),
        ("start-reference", N_("line it up here before lying down, then move it")),
    ),
    (
        ("navel", N_("navel")),
        ("asis", N_("bony point at the front of the hip (ASIS)")),
        ("iliac-crest", N_("iliac crest (top of the hip bone)")),
        ("groin-crease", N_("groin crease")),
        ("spine", N_("spine")),
        ("lowest-ribs", N_("lowest ribs")),
        ("sacrum", N_("sacrum (flat bone at the base of the spine)")),
    ),
)
# Shown before a diagram is chosen, and for a diagram drawn without marked ids.
GENERAL = ("target", "avoid", "tool")


def marks_in(source: Traversable | None) -> tuple[str, ...]:
    """The ids of the marks ``source`` carries, in key order."""
    if source is None:
        return GENERAL
    renderer = QSvgRenderer(QByteArray(source.read_bytes()))
    found = tuple(mark for group in MEANINGS for mark, _ in group if renderer.elementExists(mark))
    return found or GENERAL


def key_html(marks: tuple[str, ...]) -> str:
    lines = []
    for group in MEANINGS:
        entries = []
        for mark_id, meaning in group:
            if mark_id not in marks:
                continue
            mark = MARKS[mark_id]
            # Lines break only between entries, never inside one.
            shown = _(meaning)
            words = escape(shown if mark.glyph else f"{_(mark.looks)}: {shown}")
            words = words.replace(" ", "&nbsp;")
            if mark.glyph:
                glyph = escape(mark.glyph).replace(" ", "&nbsp;")
                words = f"<b style='color:{mark.colour}; font-size:large'>{glyph}</b>&nbsp;{words}"
            entries.append(words)
        if entries:
            lines.append(" &nbsp; ".join(entries))
    return "<br>".join(lines)


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def key_description(marks: tuple[str, ...]) -> str:
    return " ".join(
        f"{_capital(_(MARKS[mark_id].looks))}: {_(meaning)}."
        for group in MEANINGS
        for mark_id, meaning in group
        if mark_id in marks
    )


class DiagramKey(QLabel):
    """Names only the marks the shown diagram carries, on the diagrams' own paper so
    they read the same in every theme."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("legend")
        self.setTextFormat(Qt.TextFormat.RichText)
        self.setWordWrap(True)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setStyleSheet(
            f"QLabel#legend {{ background: {DIAGRAM_PAPER}; color: {DIAGRAM_INK}; "
            "border-radius: 6px; padding: 4px 8px; }"
        )
        self.setAccessibleName(_("Diagram key"))
        self.marks: tuple[str, ...] = ()
        self._source: Traversable | None = None
        self._show(None)

    def show_for(self, source: Traversable | None) -> None:
        # Called on every change of side as well: read the SVG only when it changes.
        if source is not self._source:
            self._show(source)

    def _show(self, source: Traversable | None) -> None:
        self._source = source
        self.marks = marks_in(source)
        self.setText(key_html(self.marks))
        self.setAccessibleDescription(key_description(self.marks))
