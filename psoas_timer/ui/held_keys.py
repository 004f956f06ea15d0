"""Telling a held key's repeats from fresh presses, on every platform.

Qt marks auto-repeated key events (``QKeyEvent.isAutoRepeat``), and that is
right on Windows, macOS and Wayland. On X11 a held key sends a release and a
press with the same timestamp at every repeat, and Qt marks the pair as a
repeat only if the press is already queued when it reads the release. When the
press comes a moment late the pair arrives as a plain release and a fresh
press: holding Enter would now and then go on a step after all. No finger lets
go of a key and presses it again within a few milliseconds, so a press that
follows the release of the same key that closely is taken for a repeat too.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QKeyEvent

SAME_MOMENT_MS = 5


class KeyRepeats:
    """Feed it every key release; it says whether a key press is a repeat."""

    def __init__(self) -> None:
        self._released: tuple[int, int] | None = None  # (key, timestamp) of the last release

    def note_release(self, event: QKeyEvent) -> None:
        if event.type() == QEvent.Type.KeyRelease:
            self._released = None if event.isAutoRepeat() else (event.key(), event.timestamp())

    def is_repeat(self, event: QKeyEvent) -> bool:
        if event.isAutoRepeat():
            return True
        released = self._released
        return (
            released is not None
            and released[0] == event.key()
            and released[1] != 0  # events made up by tests and tools carry no time
            and 0 <= event.timestamp() - released[1] <= SAME_MOMENT_MS
        )


class HeldShortcuts(QObject):
    """Keeps a held key from running a window command more than once.

    ``QAction.setAutoRepeat(False)`` covers the repeats Qt marks; this catches
    the ones X11 brings unmarked. Accepting a key's ShortcutOverride tells Qt
    that the key is no shortcut this time. Installed on the window, which the
    releases and overrides that no widget took pass through.
    """

    def __init__(self, parent: QObject) -> None:
        super().__init__(parent)
        self._repeats = KeyRepeats()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if not isinstance(event, QKeyEvent):
            return False
        if event.type() == QEvent.Type.KeyRelease:
            self._repeats.note_release(event)
        elif event.type() == QEvent.Type.ShortcutOverride and self._repeats.is_repeat(event):
            event.accept()
            return True
        return False
