"""The session page's line about saving.

It says "Saved: …" once something is in the log, and, while anything is kept
in memory instead, what is waiting and what to do, in the warning colour. It
is a line of its own so no caption or notice can replace that warning.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import QLabel, QWidget

from psoas_timer.core.i18n import _

LISTED = 3


def saved_summary(waiting: Sequence[str]) -> str:
    """The end screen's word on saving: "saved" only while nothing waits."""
    if not waiting:
        return _("Everything you did is saved.")
    listed = "; ".join(waiting[:LISTED])
    if len(waiting) > LISTED:
        listed = _("{listed} and {n} more").format(listed=listed, n=len(waiting) - LISTED)
    return _("Not saved yet: {listed}. It is kept in memory.").format(listed=listed)


class SaveLine(QLabel):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("saveState")
        self.setAccessibleName(_("Saving"))
        self.setWordWrap(True)
        self.waiting: tuple[str, ...] = ()  # what is not saved yet, oldest first

    def set_waiting(self, message: str, waiting: tuple[str, ...]) -> None:
        """Show ``message`` (what waits and what to do) while ``waiting`` is not empty."""
        self.waiting = waiting
        self.setProperty("waiting", bool(waiting))
        self.setText(message if waiting else "")
        # A dynamic property only restyles once the style is asked again.
        self.style().unpolish(self)
        self.style().polish(self)

    def show_saved(self, what: str) -> None:
        if not self.waiting:
            self.setText(_("Saved: {what}").format(what=what))

    def new_session(self) -> None:
        """A new session starts: an old "Saved: …" goes, a warning stays while true."""
        if not self.waiting:
            self.setText("")
