"""Help → Keyboard controls, written from the action table and the keys really bound."""

from __future__ import annotations

from collections.abc import Mapping
from html import escape

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from psoas_timer.core.i18n import _
from psoas_timer.ui.actions import bound_keys, session_rows, window_rows


def _table(rows: list[tuple[str, str]]) -> str:
    cells = "".join(
        f"<tr><td style='padding-right:18px'><b>{escape(keys)}</b></td>"
        f"<td>{escape(what[:1].upper() + what[1:])}</td></tr>"
        for keys, what in rows
    )
    return f"<table>{cells}</table>"


def keys_html(actions: Mapping[str, QAction]) -> str:
    """The session's keys, then every window shortcut as it is bound on this platform."""
    keys_of = bound_keys(actions)
    return (
        f"<h3>{escape(_('During a session'))}</h3>"
        + _table(session_rows(keys_of))
        + f"<p>{escape(_('Single keys only: no key combinations are needed on the floor.'))}</p>"
        + f"<h3>{escape(_('Anywhere'))}</h3>"
        + _table(window_rows(keys_of))
    )


class KeysDialog(QDialog):
    def __init__(self, actions: Mapping[str, QAction], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Keyboard controls"))
        layout = QVBoxLayout(self)
        self.text = QLabel(keys_html(actions))
        self.text.setTextFormat(Qt.TextFormat.RichText)
        layout.addWidget(self.text)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        # Qt's own button words come from Qt's translations, which the app does not ship.
        close = buttons.button(QDialogButtonBox.StandardButton.Close)
        if close is not None:
            close.setText(_("Close"))
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
