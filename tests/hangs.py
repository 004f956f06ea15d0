"""Hung services, and a meter of how long the GUI thread is held.

:class:`MuteSocket` is what a hung speech-dispatcher or sound server looks like
to a client: connecting succeeds, and a request waits for its reply for ever.
With a ``greeting``, each connection's first request is answered with it and
nothing after that is: a daemon that hangs once a client has begun talking to it.
"""

from __future__ import annotations

import contextlib
import ctypes.util
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

from PySide6.QtCore import QTimer

from psoas_timer.services import voice as voice_module

#: How late the GUI thread may be, or a call that must not wait may return,
#: before a test calls it held. The hangs these tests guard against last for
#: ever (or up to a 2 s bound the test checks on its own); a busy machine running
#: other tests beside these delays a healthy event loop by a few hundred ms.
HELD_S = 1.5


class GuiTicks:
    """A 10 ms timer on the GUI thread: its longest gap is the longest the thread was
    kept from its event loop."""

    def __init__(self) -> None:
        self.count = 0
        self.longest = 0.0
        self._last = time.monotonic()
        self._timer = QTimer()
        self._timer.setInterval(10)
        self._timer.timeout.connect(self._tick)
        self._timer.start()

    def _tick(self) -> None:
        now = time.monotonic()
        self.count += 1
        self.longest = max(self.longest, now - self._last)
        self._last = now

    def stop(self) -> float:
        self._timer.stop()
        self._tick()  # a block still going on counts too
        return self.longest


def speechd_missing() -> str | None:
    """Why Qt cannot talk to speech-dispatcher in this process, or None."""
    if ctypes.util.find_library("speechd") is None:
        return "speech-dispatcher's client library is not installed (apt install libspeechd2)"
    if "speechd" not in voice_module.available_engines():
        return "Qt's speech-dispatcher plugin is not installed"
    return None


class MuteSocket:
    def __init__(self, path: Path, greeting: bytes | None = None) -> None:
        self.path = path
        self.greeting = greeting
        self._server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self._server.bind(str(path))
        self._server.listen(64)
        self._held: list[socket.socket] = []
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._accept, name="mute-socket", daemon=True)
        self._thread.start()

    @property
    def connections(self) -> int:
        """How many clients have connected (and are still being ignored)."""
        with self._lock:
            return len(self._held)

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self._server.accept()
            except OSError:
                return  # closed
            with self._lock:
                self._held.append(client)
            if self.greeting is not None:
                threading.Thread(target=self._greet, args=(client,), daemon=True).start()

    def _greet(self, client: socket.socket) -> None:
        request = b""
        with contextlib.suppress(OSError):
            while b"\n" not in request:
                chunk = client.recv(256)
                if not chunk:
                    return
                request += chunk
            assert self.greeting is not None
            client.sendall(self.greeting)
        # From here on the client may ask what it likes: it is never answered.

    def close(self) -> None:
        # shutdown() wakes the thread blocked in accept(); close() alone may not.
        with contextlib.suppress(OSError):
            self._server.shutdown(socket.SHUT_RDWR)
        self._server.close()
        self._thread.join(5)
        with self._lock:
            for client in self._held:
                client.close()
            self._held.clear()
        self.path.unlink(missing_ok=True)


@contextlib.contextmanager
def mute_socket(path: Path, greeting: bytes | None = None) -> Iterator[MuteSocket]:
    server = MuteSocket(path, greeting)
    try:
        yield server
    finally:
        server.close()
