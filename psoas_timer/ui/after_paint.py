"""Run something once a widget is on screen, not before.

A ``QTimer.singleShot(0, …)`` made when a page is shown runs before the page
paints (Qt posts repaints at low priority), so slow work queued that way would
hold the page back. This waits for the page's next paint and then queues the
work, so the user sees the page first.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QWidget


class _AfterPaint(QObject):
    def __init__(self, widget: QWidget, work: Callable[[], object]) -> None:
        super().__init__(widget)
        self._work = work

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            watched.removeEventFilter(self)
            self.deleteLater()
            QTimer.singleShot(0, self._work)
        return False


def after_next_paint(widget: QWidget, work: Callable[[], object]) -> None:
    """Call ``work`` on the turn of the event loop after ``widget`` next paints.

    Never, if it is not painted again (hidden or closed first).
    """
    widget.installEventFilter(_AfterPaint(widget, work))
