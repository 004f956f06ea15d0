"""Test configuration: offscreen Qt, private folders, and no dangling timers."""

from __future__ import annotations

import atexit
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from psoas_timer import paths
from psoas_timer.store import Store
from tests.dbus_bus import NO_BUS, daemon, start_bus
from tests.helpers import ticking_clock

# Tests never need a display; set before anything imports Qt.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# A speech engine started by a test could talk to a real desktop session.
os.environ.setdefault("SPEECHD_ADDRESS", "unix_socket:/nonexistent/psoas-timer-tests")
# A session holds the screen awake and shows in media controls over D-Bus: in
# the tests on a bus of their own, never the desktop's. Set before QtDBus first
# connects, which it does once a process.
_BUS = start_bus() if daemon() else None
if _BUS is not None:
    atexit.register(_BUS.stop)
os.environ["DBUS_SESSION_BUS_ADDRESS"] = _BUS.address if _BUS else NO_BUS
os.environ["DBUS_SYSTEM_BUS_ADDRESS"] = _BUS.address if _BUS else NO_BUS

# These tests check properties, not how fast examples are made: on a busy
# machine one slow draw must not fail a run with nothing wrong in the code.
settings.register_profile(
    "psoas-timer", deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile("psoas-timer")


@pytest.fixture(autouse=True)
def private_paths(tmp_path: Path) -> paths.Paths:
    """Every test writes under its own temporary folder, never the user's."""
    return paths.paths_for(tmp_path / "appdata")


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    """An empty log of its own, whose clock ticks a second at each stamp."""
    opened = Store.open(tmp_path / "log.sqlite3", clock=ticking_clock())
    yield opened
    opened.close()
