"""Desktop notifications, against a stand-in notification service on a private bus."""

from __future__ import annotations

import gc
import time
import weakref

from pytestqt.qtbot import QtBot

from psoas_timer.services.keepawake import CALL_TIMEOUT_MS
from psoas_timer.services.notifications import DEFAULT_EXPIRY, DesktopNotifier
from tests.dbus_bus import PrivateBus
from tests.ui.dbus_services import Connection, Stalls, needs_dbus, services

pytestmark = needs_dbus

APP = "Psoas Timer"
ICON = "io.github.psoas_timer.PsoasTimer"


class Fallback:
    def __init__(self) -> None:
        self.lines: list[str] = []

    def __call__(self, line: str) -> None:
        self.lines.append(line)


def notifier(connection: Connection, fallback: Fallback) -> DesktopNotifier:
    return DesktopNotifier(APP, ICON, fallback, connection.bus)


def test_the_desktop_is_sent_notify_with_the_arguments_of_the_specification(
    qtbot: QtBot, bus: PrivateBus, connection: Connection
) -> None:
    fallback = Fallback()
    with services(bus.address, "notifications") as desktop:
        sender = notifier(connection, fallback)
        with Stalls().watching() as stalls, qtbot.waitSignal(sender.shown, timeout=10000) as how:
            sender.notify("Time for your psoas release", "Planned for 19:00 today.")
        call = desktop.wait_for(qtbot, "notifications.Notify")
        sender.wait()
    assert how.args == ["desktop"]
    assert call["app_name"] == APP
    assert call["replaces_id"] == 0
    assert call["app_icon"] == ICON
    assert call["summary"] == "Time for your psoas release"
    assert call["body"] == "Planned for 19:00 today."
    assert call["actions"] == []
    assert call["hints"] == {"desktop-entry": ICON}
    assert call["expire_timeout"] == DEFAULT_EXPIRY
    assert fallback.lines == []
    assert stalls.longest < 0.5, stalls.longest


def test_without_a_notification_service_the_status_bar_says_it(
    qtbot: QtBot, connection: Connection
) -> None:
    fallback = Fallback()
    sender = notifier(connection, fallback)
    # The offscreen platform has no tray, so the window's status bar is what is left.
    with qtbot.waitSignal(sender.shown, timeout=10000) as how:
        sender.notify("Time for your psoas release", "Planned for 19:00 today.")
    assert how.args == ["status bar"]
    assert fallback.lines == ["Time for your psoas release: Planned for 19:00 today."]


def test_a_service_that_never_answers_is_given_up_on_without_the_window_waiting(
    qtbot: QtBot, bus: PrivateBus, connection: Connection
) -> None:
    fallback = Fallback()
    with services(bus.address, "notifications") as desktop:
        desktop.hang()
        sender = notifier(connection, fallback)
        with Stalls().watching() as stalls:
            began = time.monotonic()
            with qtbot.waitSignal(sender.shown, timeout=CALL_TIMEOUT_MS + 5000) as how:
                sender.notify("Summary", "Body")
        took = time.monotonic() - began
    assert how.args == ["status bar"]
    assert fallback.lines == ["Summary: Body"]
    assert CALL_TIMEOUT_MS / 1000 - 0.1 <= took < CALL_TIMEOUT_MS / 1000 + 1.5
    assert stalls.longest < 0.5, stalls.longest


def test_once_it_has_been_answered_nothing_keeps_it_alive(
    qtbot: QtBot, connection: Connection
) -> None:
    fallback = Fallback()
    sender = notifier(connection, fallback)
    gone = weakref.ref(sender)
    with qtbot.waitSignal(sender.shown, timeout=10000):
        sender.notify("Summary", "Body")
    del sender

    # The call's watcher and its handler (which holds the notifier) go once answered:
    # no cycle through a connection that the collector cannot see keeps them.
    def collected() -> bool:
        gc.collect()
        return gone() is None

    qtbot.waitUntil(collected, timeout=2000)
