"""The D-Bus pieces the keep-awake and media-control tests share: buses, stand-ins, listeners."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from itertools import count
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtDBus import QDBusConnection
from pytestqt.qtbot import QtBot

from tests.dbus_bus import PrivateBus, daemon, dying_with_this_process, start_bus

_names = count()
ROOT = Path(__file__).resolve().parents[2]


class Connection:
    """A connection of this process to ``address``, under a name of its own."""

    def __init__(self, address: str) -> None:
        self.name = f"test-{next(_names)}"
        self.bus = QDBusConnection.connectToBus(address, self.name)
        assert self.bus.isConnected(), self.bus.lastError().message()

    def close(self) -> None:
        QDBusConnection.disconnectFromBus(self.name)


#: For a test module that needs a D-Bus daemon to start buses of its own.
needs_dbus = pytest.mark.skipif(
    sys.platform != "linux" or daemon() is None, reason="needs a D-Bus daemon (Linux)"
)


@contextmanager
def private_bus() -> Iterator[PrivateBus]:
    bus = start_bus()
    try:
        yield bus
    finally:
        bus.stop()


class Services:
    """tests/dbus_fakes.py in a process of its own; what it was asked, as it reported it."""

    def __init__(self, address: str, *services: str) -> None:
        self.process = subprocess.Popen(
            dying_with_this_process([sys.executable, "-m", "tests.dbus_fakes", address, *services]),
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stdin=subprocess.DEVNULL,
            text=True,
        )
        self.calls: list[dict[str, Any]] = []
        self._ready = threading.Event()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        if not self._ready.wait(15):
            self.stop()
            raise RuntimeError(f"the stand-in services {services} did not start")

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            record = json.loads(line)
            if "ready" in record:
                self._ready.set()
            else:
                self.calls.append(record)

    def named(self, call: str) -> list[dict[str, Any]]:
        return [record for record in self.calls if record["call"] == call]

    def wait_for(self, qtbot: QtBot, call: str, timeout_ms: int = 5000) -> dict[str, Any]:
        qtbot.waitUntil(lambda: bool(self.named(call)), timeout=timeout_ms)
        return self.named(call)[-1]

    def hang(self) -> None:
        """Stop the process: it keeps its names, and every call to it goes unanswered."""
        os.kill(self.process.pid, signal.SIGSTOP)

    def stop(self) -> None:
        os.kill(self.process.pid, signal.SIGCONT)
        self.process.terminate()
        try:
            self.process.wait(5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self._reader.join(5)
        if self.process.stdout is not None:
            self.process.stdout.close()


@contextmanager
def services(address: str, *names: str) -> Iterator[Services]:
    running = Services(address, *names)
    try:
        yield running
    finally:
        running.stop()


class Stalls:
    """The longest the event loop went without running, while watched."""

    def __init__(self) -> None:
        self.longest = 0.0
        self._last = time.monotonic()
        self._timer = QTimer()
        self._timer.setInterval(10)
        self._timer.timeout.connect(self._tick)

    def _tick(self) -> None:
        now = time.monotonic()
        self.longest = max(self.longest, now - self._last)
        self._last = now

    @contextmanager
    def watching(self) -> Iterator[Stalls]:
        self._last = time.monotonic()
        self._timer.start()
        try:
            yield self
        finally:
            self._timer.stop()


def waited(qtbot: QtBot, condition: Callable[[], bool], timeout_ms: int) -> float:
    """Seconds until ``condition`` held (failing after ``timeout_ms``)."""
    began = time.monotonic()
    qtbot.waitUntil(condition, timeout=timeout_ms)
    return time.monotonic() - began
