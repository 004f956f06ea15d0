"""The safety notice: first-run confirmation and Help → Safety."""

from __future__ import annotations

from html import escape

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from psoas_timer.core.catalog import Safety
from psoas_timer.core.i18n import _


def safety_html(safety: Safety) -> str:
    def items(lines: tuple[str, ...]) -> str:
        return "<ul>" + "".join(f"<li>{escape(line)}</li>" for line in lines) + "</ul>"

    return (
        f"<p>{escape(safety.intro)}</p>"
        f"<h3>{escape(_('Do not press into your belly if'))}</h3>{items(safety.do_not_use)}"
        f"<h3>{escape(_('Stop at once if'))}</h3>{items(safety.stop_if)}"
        f"<h3>{escape(_('Get urgent medical help for'))}</h3>{items(safety.urgent)}"
        f"<p><i>{escape(safety.disclaimer)}</i></p>"
    )


class SafetyDialog(QDialog):
    def __init__(self, safety: Safety, first_run: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Before you start: safety") if first_run else _("Safety"))
        self.resize(640, 620)
        layout = QVBoxLayout(self)
        text = QTextBrowser()
        text.setHtml(safety_html(safety))
        text.setAccessibleName(_("Safety information"))
        layout.addWidget(text)
        buttons = QDialogButtonBox()
        label = _("I have read this — continue") if first_run else _("Close")
        self.confirm = buttons.addButton(label, QDialogButtonBox.ButtonRole.AcceptRole)
        self.confirm.setDefault(True)
        self.confirm.setAutoDefault(True)
        buttons.accepted.connect(self.accept)
        layout.addWidget(buttons)
        self.confirm.setFocus()
