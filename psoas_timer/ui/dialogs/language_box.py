"""The language choice in Settings: the system's, or one the app has."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox

from psoas_timer.core.i18n import ENDONYMS, _, available_languages


def language_box(chosen: str) -> QComboBox:
    """The languages, "" (the first) following the system; used from the next start."""
    box = QComboBox()
    box.addItem(_("Follow the system"), "")
    for code in available_languages():
        box.addItem(ENDONYMS.get(code, code), code)
    box.setCurrentIndex(max(0, box.findData(chosen)))
    box.setAccessibleName(_("Language"))
    box.setToolTip(_("Used from the next start."))
    return box
