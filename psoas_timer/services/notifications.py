"""A desktop notification, shown while the app runs and never waited for.

On Linux it goes to ``org.freedesktop.Notifications`` on the session bus.
Elsewhere, or when no such service answers, it is a tray balloon when the
desktop has a tray, and otherwise a line in the window's status bar (the
``fallback`` given), so a reminder is never silently lost.

``Notify`` takes its ``replaces_id`` as an unsigned 32-bit number, which
PySide6 can only send through a ``QDBusInterface`` method call, and such a
call waits for its answer. So the call is made on a thread of its own, with a
deadline, and only after the service has answered an asynchronous
introspection: the window never waits on another process.
"""

from __future__ import annotations

import logging
import sys
import threading
from collections.abc import Callable
from typing import Final

from PySide6.QtCore import Q_ARG, Q_RETURN_ARG, QMetaObject, QObject, Qt, QTimer, Signal
from PySide6.QtDBus import QDBusConnection, QDBusInterface, QDBusMessage
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QSystemTrayIcon

from psoas_timer.services.keepawake import (
    CALL_TIMEOUT_MS,
    INTROSPECTABLE,
    call_async,
    failed,
    method_call,
)

log = logging.getLogger(__name__)

NOTIFICATIONS: Final = ("org.freedesktop.Notifications", "/org/freedesktop/Notifications")
NOTIFICATIONS_INTERFACE: Final = "org.freedesktop.Notifications"
#: Let the desktop choose how long the notification stays.
DEFAULT_EXPIRY: Final = -1
TRAY_MESSAGE_MS: Final = 15000


class DesktopNotifier(QObject):
    """Shows one notification at a time: :meth:`notify` returns at once.

    ``shown`` carries the way it went ("desktop", "tray" or "status bar").
    """

    shown = Signal(str)
    #: From the calling thread: the desktop's answer, or why there was none.
    _answered = Signal(bool, str, str, str)

    def __init__(
        self,
        app_name: str,
        icon_name: str,
        fallback: Callable[[str], None],
        session_bus: QDBusConnection | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._app_name = app_name
        self._icon_name = icon_name
        self._fallback = fallback
        self._bus = session_bus
        self._tray: QSystemTrayIcon | None = None
        self._threads: list[threading.Thread] = []
        self._answered.connect(self._settle)

    def notify(self, summary: str, body: str) -> None:
        if not sys.platform.startswith(("linux", "freebsd", "openbsd", "netbsd")):
            self._without_desktop(summary, body, "not a freedesktop system")
            return
        bus = self._bus if self._bus is not None else QDBusConnection.sessionBus()
        if not bus.isConnected():
            self._without_desktop(summary, body, "no session bus")
            return
        message = method_call(*NOTIFICATIONS, INTROSPECTABLE, "Introspect")

        def described(reply: QDBusMessage) -> None:
            why = failed(reply)
            if why is None and f'name="{NOTIFICATIONS_INTERFACE}"' not in str(
                reply.arguments()[0] if reply.arguments() else ""
            ):
                why = "the service has no notifications interface"
            if why is not None:
                self._without_desktop(summary, body, why)
                return
            self._send(bus, summary, body)

        call_async(
            self, bus, message, described, lambda why: self._without_desktop(summary, body, why)
        )

    def _send(self, bus: QDBusConnection, summary: str, body: str) -> None:
        def call() -> None:
            # Made and used on this thread only; it waits here, not in the window.
            proxy = QDBusInterface(*NOTIFICATIONS, NOTIFICATIONS_INTERFACE, bus)
            proxy.setTimeout(CALL_TIMEOUT_MS)
            why = ""
            if not proxy.isValid():
                why = proxy.lastError().message() or "the service went away"
            else:
                QMetaObject.invokeMethod(
                    proxy,
                    "Notify",
                    Qt.ConnectionType.DirectConnection,
                    Q_RETURN_ARG("uint"),
                    Q_ARG(str, self._app_name),
                    Q_ARG("uint", 0),  # a new notification, replacing none
                    Q_ARG(str, self._icon_name),
                    Q_ARG(str, summary),
                    Q_ARG(str, body),
                    Q_ARG("QStringList", []),
                    Q_ARG("QVariantMap", {"desktop-entry": self._icon_name}),
                    Q_ARG(int, DEFAULT_EXPIRY),
                )
                error = proxy.lastError()
                if error.isValid():
                    why = error.message() or error.name() or "no answer"
            # No deleteLater: this thread runs no event loop; the wrapper deletes it here.
            del proxy
            self._answered.emit(not why, why, summary, body)

        thread = threading.Thread(target=call, name="desktop-notification", daemon=True)
        self._threads = [t for t in self._threads if t.is_alive()]
        self._threads.append(thread)
        thread.start()

    def _settle(self, ok: bool, why: str, summary: str, body: str) -> None:
        if ok:
            log.info("reminder shown by the desktop")
            self.shown.emit("desktop")
        else:
            self._without_desktop(summary, body, why)

    def _without_desktop(self, summary: str, body: str, why: str) -> None:
        log.info("no desktop notification (%s); showing the reminder here", why)
        if QSystemTrayIcon.isSystemTrayAvailable() and QSystemTrayIcon.supportsMessages():
            tray = self._tray
            if tray is None:
                tray = QSystemTrayIcon(QGuiApplication.windowIcon(), self)
                tray.setToolTip(self._app_name)
                self._tray = tray
            tray.show()
            tray.showMessage(
                summary, body, QSystemTrayIcon.MessageIcon.Information, TRAY_MESSAGE_MS
            )
            # The icon is only the balloon's anchor: no lasting tray presence.
            QTimer.singleShot(TRAY_MESSAGE_MS, tray.hide)
            self.shown.emit("tray")
            return
        self._fallback(f"{summary}: {body}")
        self.shown.emit("status bar")

    def wait(self, seconds: float = CALL_TIMEOUT_MS / 1000 + 1) -> None:
        """At quit: let a call on its way finish, so no thread outlives the app's Qt."""
        for thread in self._threads:
            thread.join(seconds)
        self._threads.clear()
