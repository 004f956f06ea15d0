"""Keeping the screen awake, against stand-ins for the desktop's services on a private bus."""

from __future__ import annotations

import os
import time
import weakref
from collections.abc import Callable

import pytest
from PySide6.QtCore import QCoreApplication, Qt
from pytestqt.qtbot import QtBot

from psoas_timer.core.clock import FakeClock
from psoas_timer.core.engine import State
from psoas_timer.services.keepawake import (
    CALL_TIMEOUT_MS,
    INHIBIT_IDLE,
    INHIBIT_SUSPEND,
    REASON,
    KeepAwake,
)
from psoas_timer.ui.main_window import MainWindow
from tests.dbus_bus import PrivateBus
from tests.dbus_fakes import COOKIE
from tests.qt_helpers import start_session
from tests.ui.dbus_services import Connection, Stalls, needs_dbus, private_bus, services, waited

pytestmark = needs_dbus

PORTAL = "the desktop portal"
SCREENSAVER = "the screensaver service"
LOGIND = "logind"


def keep_awake(session: Connection, system: Connection | None = None) -> KeepAwake:
    return KeepAwake("Psoas Timer", session.bus, (system or session).bus)


def test_the_portal_is_asked_first_and_its_request_closed_on_release(
    qtbot: QtBot, bus: PrivateBus, connection: Connection
) -> None:
    with services(bus.address, "portal", "screensaver") as desktop:
        awake = keep_awake(connection)
        awake.acquire()
        qtbot.waitUntil(lambda: awake.active, timeout=5000)
        assert awake.held_by == PORTAL
        # The stand-in's report can reach this process after its answer did.
        asked = desktop.wait_for(qtbot, "portal.Inhibit")
        assert asked["window"] == ""
        assert asked["flags"] == INHIBIT_IDLE | INHIBIT_SUSPEND == 12
        assert asked["options"] == {"reason": REASON}
        assert not desktop.named("screensaver.Inhibit")
        awake.acquire()  # again, while held: nothing more is asked
        awake.release()
        assert not awake.active
        closed = desktop.wait_for(qtbot, "portal.Close")
        assert closed["path"] == asked["handle"]
        assert len(desktop.named("portal.Inhibit")) == 1


def test_without_a_portal_the_screensaver_is_asked_and_uninhibited_with_its_cookie(
    qtbot: QtBot, bus: PrivateBus, connection: Connection
) -> None:
    with services(bus.address, "screensaver") as desktop:
        awake = keep_awake(connection)
        awake.acquire()
        qtbot.waitUntil(lambda: awake.active, timeout=5000)
        assert awake.held_by == SCREENSAVER
        [asked] = desktop.named("screensaver.Inhibit")
        assert (asked["application"], asked["reason"]) == ("Psoas Timer", REASON)
        awake.release()
        # Sent as the unsigned number it is: the stand-in, like the real
        # services, refuses an UnInhibit whose cookie comes signed.
        assert desktop.wait_for(qtbot, "screensaver.UnInhibit")["cookie"] == COOKIE > 2**31


def test_with_neither_logind_holds_a_descriptor_until_release(
    qtbot: QtBot, bus: PrivateBus
) -> None:
    with private_bus() as system_bus:
        session, system = Connection(bus.address), Connection(system_bus.address)
        try:
            with services(system_bus.address, "logind") as logind:
                awake = keep_awake(session, system)
                awake.acquire()
                qtbot.waitUntil(lambda: awake.active, timeout=5000)
                assert awake.held_by == LOGIND
                [asked] = logind.named("logind.Inhibit")
                assert asked == {
                    "call": "logind.Inhibit",
                    "what": "idle:sleep",
                    "who": "Psoas Timer",
                    "why": REASON,
                    "mode": "block",
                }
                qtbot.wait(300)
                assert not logind.named("logind.released"), "let go before release"
                awake.release()
                # Every copy of the descriptor is closed, the reply's included.
                logind.wait_for(qtbot, "logind.released")
        finally:
            session.close()
            system.close()


def test_nothing_at_all_is_a_quiet_no(
    qtbot: QtBot, connection: Connection, caplog: pytest.LogCaptureFixture
) -> None:
    awake = keep_awake(connection)
    awake.acquire()
    qtbot.waitUntil(lambda: "it may blank" in caplog.text, timeout=5000)
    assert not awake.active
    awake.release()


def test_a_portal_that_never_answers_is_given_up_at_the_deadline_without_freezing(
    qtbot: QtBot, bus: PrivateBus, connection: Connection
) -> None:
    with services(bus.address, "portal") as portal, services(bus.address, "screensaver") as saver:
        portal.hang()
        awake = keep_awake(connection)
        with Stalls().watching() as stalls:
            began = time.monotonic()
            awake.acquire()
            took = waited(qtbot, lambda: awake.active, CALL_TIMEOUT_MS + 5000)
        assert awake.held_by == SCREENSAVER
        assert saver.named("screensaver.Inhibit")
        # Given up at the deadline, not before, and never waited for on the GUI thread.
        assert time.monotonic() - began >= CALL_TIMEOUT_MS / 1000 - 0.1
        assert took < CALL_TIMEOUT_MS / 1000 + 1.5
        assert stalls.longest < 0.5, stalls.longest
        awake.release()
        saver.wait_for(qtbot, "screensaver.UnInhibit")


def test_an_answer_that_comes_after_release_is_undone_at_once(
    qtbot: QtBot, bus: PrivateBus, connection: Connection
) -> None:
    with services(bus.address, "portal") as desktop:
        awake = keep_awake(connection)
        awake.acquire()
        awake.release()  # the session ended before the portal answered
        asked = desktop.wait_for(qtbot, "portal.Inhibit")
        assert desktop.wait_for(qtbot, "portal.Close")["path"] == asked["handle"]
        assert not awake.active
        # Taken again for the next session.
        awake.acquire()
        qtbot.waitUntil(lambda: awake.active, timeout=5000)
        assert len(desktop.named("portal.Inhibit")) == 2
        awake.release()
        qtbot.waitUntil(lambda: len(desktop.named("portal.Close")) == 2, timeout=5000)


def test_let_go_of_just_after_an_answer_it_is_deleted_once(
    qtbot: QtBot, bus: PrivateBus, connection: Connection
) -> None:
    with services(bus.address, "screensaver"):
        awake = keep_awake(connection)
        gone = weakref.ref(awake)
        awake.acquire()
        # Stop in the very turn of the event loop in which the answer came: the call's
        # watcher is marked for deletion and its handler, which holds the object, not yet let go.
        deadline = time.monotonic() + 5
        while not awake.active and time.monotonic() < deadline:
            QCoreApplication.processEvents()
        assert awake.active
        awake.release()
        del awake
        # Its watcher's deletion, the last hold on it, must not delete it twice.
        qtbot.waitUntil(lambda: gone() is None, timeout=2000)


def test_a_session_holds_it_while_paused_and_lets_go_when_it_ends(
    qtbot: QtBot, make_window: Callable[..., MainWindow]
) -> None:
    # The window uses the session bus as the app does: the tests' own (tests/conftest.py).
    with services(os.environ["DBUS_SESSION_BUS_ADDRESS"], "portal") as desktop:
        window = make_window(FakeClock())
        start_session(window, sides="left")
        qtbot.waitUntil(lambda: window.keep_awake.active, timeout=5000)
        assert window.keep_awake.held_by == PORTAL
        page = window.session
        qtbot.keyClick(page, Qt.Key.Key_Return)  # on to the rating
        qtbot.keyClick(page, Qt.Key.Key_Space)
        assert page.engine is not None and page.engine.state is State.PAUSED
        qtbot.wait(200)
        # A paused person is still lying on the tool.
        assert window.keep_awake.active and not desktop.named("portal.Close")
        qtbot.keyClick(page, Qt.Key.Key_Escape)  # "End the session?" is answered yes
        assert page.engine.state is State.FINISHED
        assert not window.keep_awake.active
        handle = desktop.named("portal.Inhibit")[0]["handle"]
        assert desktop.wait_for(qtbot, "portal.Close")["path"] == handle
