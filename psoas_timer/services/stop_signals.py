"""Being told to stop from outside (a logout, a shutdown, ``kill``), as a Qt signal.

Python runs a signal handler only between two steps of Python code, and a Qt
app spends its time inside Qt's event loop, in C++: a handler that did the
work could wait for the next Python slot, or run in the middle of one. So the
handler installed here does nothing. ``signal.set_wakeup_fd`` has Python's
own C handler write the signal's number to a socket, a ``QSocketNotifier``
wakes the event loop on it, and the number comes out as
:attr:`StopSignals.received`, once, handled between events like any other.

SIGTERM is what a logout, a shutdown and ``kill`` send; SIGHUP, what closing
the terminal the app was started from sends. SIGKILL cannot be caught at all.
"""

from __future__ import annotations

import contextlib
import signal
import socket
from collections.abc import Iterable
from types import FrameType

from PySide6.QtCore import QObject, QSocketNotifier, Signal

STOP_SIGNALS: tuple[signal.Signals, ...] = tuple(
    getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name)
)


def _noted(number: int, frame: FrameType | None) -> None:
    """Nothing: the wake-up socket carries the number to the event loop."""


class StopSignals(QObject):
    """Turns SIGTERM and SIGHUP into :attr:`received` (the signal's number), once.

    Made on the main thread, with a running Qt application; :meth:`close`
    puts back the handlers and wake-up socket that were there before.
    """

    received = Signal(int)

    def __init__(
        self, numbers: Iterable[signal.Signals] = STOP_SIGNALS, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._reader, self._writer = socket.socketpair()
        self._reader.setblocking(False)
        self._writer.setblocking(False)
        self._fired = False
        self._previous_fd = signal.set_wakeup_fd(self._writer.fileno(), warn_on_full_buffer=False)
        self._previous = {number: signal.signal(number, _noted) for number in numbers}
        self._notifier = QSocketNotifier(self._reader.fileno(), QSocketNotifier.Type.Read, self)
        self._notifier.activated.connect(self._woken)

    @property
    def fired(self) -> bool:
        """Whether :attr:`received` was emitted: the app is stopping."""
        return self._fired

    def _woken(self) -> None:
        try:
            numbers = self._reader.recv(256)
        except (BlockingIOError, InterruptedError):
            return
        # Other signals Python handles (SIGINT, say) wake it too.
        ours = [n for n in numbers if n in self._previous]
        if ours and not self._fired:
            self._fired = True  # a second SIGTERM while stopping changes nothing
            self.received.emit(ours[0])

    def close(self) -> None:
        self._notifier.setEnabled(False)
        for number, handler in self._previous.items():
            # None: a handler set outside Python, which cannot be put back as it was.
            signal.signal(number, signal.SIG_DFL if handler is None else handler)
        self._previous = {}
        with contextlib.suppress(ValueError):
            signal.set_wakeup_fd(self._previous_fd)
        self._reader.close()
        self._writer.close()
