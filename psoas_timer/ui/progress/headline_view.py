"""The answer at the top of the progress page: per side, is the starting tenderness falling?"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout, QWidget

from psoas_timer.core.dose import RestNote
from psoas_timer.core.headline import (
    Headline,
    Verdict,
    headline_text,
    rule_text,
    side_summary,
)
from psoas_timer.core.i18n import _
from psoas_timer.core.progress import SideProgress
from psoas_timer.core.vocab import SIDE_VALUES, Side
from psoas_timer.ui.theme import Colours


class HeadlinePanel(QWidget):
    """One answer per side, the two measures beneath each, and any note about rest."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.answers: dict[Side, QLabel] = {}
        self.summaries: dict[Side, QLabel] = {}
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        for side in SIDE_VALUES:
            column = QVBoxLayout()
            answer = QLabel()
            answer.setWordWrap(True)
            answer.setTextFormat(Qt.TextFormat.RichText)
            answer.setAccessibleName(
                _("Left side: is it working?")
                if side == "left"
                else _("Right side: is it working?")
            )
            answer.setToolTip(rule_text())
            summary = QLabel()
            summary.setWordWrap(True)
            summary.setAccessibleName(
                _("Left side summary") if side == "left" else _("Right side summary")
            )
            column.addWidget(answer)
            column.addWidget(summary)
            row.addLayout(column, 1)
            self.answers[side] = answer
            self.summaries[side] = summary
        self.notes = QLabel()
        self.notes.setWordWrap(True)
        self.notes.setTextFormat(Qt.TextFormat.PlainText)
        self.notes.setAccessibleName(_("Notes about rest"))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(row)
        layout.addWidget(self.notes)
        self._colours: Colours | None = None

    def set_colours(self, colours: Colours) -> None:
        self._colours = colours

    def show_side(self, side: Side, result: Headline, progress: SideProgress, shown: bool) -> None:
        text = escape(headline_text(side, result))
        colour = None
        if self._colours is not None:
            if result.verdict is Verdict.IMPROVED:
                colour = self._colours.exhale
            elif result.verdict is Verdict.WORSE:
                colour = self._colours.warning
        if colour is not None:
            text = f"<span style='color:{colour}'>{text}</span>"
        self.answers[side].setText(f"<b>{text}</b>")
        heading = _("Left side") if side == "left" else _("Right side")
        self.summaries[side].setText(f"{heading} — {side_summary(progress)}")
        self.answers[side].setVisible(shown)
        self.summaries[side].setVisible(shown)

    def show_notes(self, notes: Sequence[RestNote]) -> None:
        # A plain bullet: a circled "i" is missing from common Linux fonts.
        self.notes.setText("\n".join(f"• {n.text}" for n in notes))
        self.notes.setVisible(bool(notes))
