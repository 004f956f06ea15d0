"""Keep the screen on and the machine awake while a session runs.

A timer whose screen blanks while its person lies face down on a tool is of no
use. On Linux three ways are tried, first to last, until one holds:

1. the desktop portal's ``org.freedesktop.portal.Inhibit`` (idle and suspend):
   the only way out of a Flatpak sandbox, and the one Wayland desktops honour;
   released by closing the request object it returns;
2. ``org.freedesktop.ScreenSaver.Inhibit`` on the session bus (X11 desktops
   without a portal), released with ``UnInhibit`` and its cookie;
3. logind's ``idle:sleep`` block on the system bus, held as long as the file
   descriptor it hands back stays open.

Every call has a deadline of :data:`CALL_TIMEOUT_MS`, and the calls that need
no unsigned argument are made without waiting, so a service that never answers
is given up on and the next way tried while the session runs on. The portal's
flags and the screensaver's cookie are unsigned 32-bit numbers, which PySide6
can only send through a ``QDBusInterface`` method (a Python int goes out signed);
such an interface is made only after the service has just answered, because
making one asks the service for its interface description with no deadline.

All three end with the process: a crash cannot leave the screen held awake
(the portal and the screensaver drop inhibitions whose caller has left the bus,
and the kernel closes logind's descriptor).
"""

from __future__ import annotations

import ctypes
import logging
import os
import sys
from collections.abc import Callable

import shiboken6
from PySide6.QtCore import Q_ARG, Q_RETURN_ARG, QCoreApplication, QMetaObject, QObject, Qt
from PySide6.QtDBus import (
    QDBusConnection,
    QDBusInterface,
    QDBusMessage,
    QDBusObjectPath,
    QDBusPendingCallWatcher,
    QDBusUnixFileDescriptor,
)

from psoas_timer.core.i18n import N_, _

log = logging.getLogger(__name__)
REASON = N_("A breathing session is running")
#: No call to another process may keep the app waiting longer than this.
CALL_TIMEOUT_MS = 2000

PORTAL = ("org.freedesktop.portal.Desktop", "/org/freedesktop/portal/desktop")
PORTAL_INHIBIT = "org.freedesktop.portal.Inhibit"
PORTAL_REQUEST = "org.freedesktop.portal.Request"
INHIBIT_SUSPEND = 4
INHIBIT_IDLE = 8
SCREENSAVER = ("org.freedesktop.ScreenSaver", "/org/freedesktop/ScreenSaver")
SCREENSAVER_INTERFACE = "org.freedesktop.ScreenSaver"
LOGIND = ("org.freedesktop.login1", "/org/freedesktop/login1")
LOGIND_MANAGER = "org.freedesktop.login1.Manager"
INTROSPECTABLE = "org.freedesktop.DBus.Introspectable"

Release = Callable[[], None]
#: How one way reports back: its release when it holds, else None and why not.
Outcome = Callable[[Release | None, str], None]


def method_call(
    service: str, path: str, interface: str, member: str, *args: object
) -> QDBusMessage:
    message = QDBusMessage.createMethodCall(service, path, interface, member)
    message.setArguments(list(args))
    return message


def failed(reply: QDBusMessage) -> str | None:
    """Why ``reply`` is no answer (a timeout included), or None if it is one."""
    if reply.type() == QDBusMessage.MessageType.ReplyMessage:
        return None
    return reply.errorMessage() or reply.errorName() or "no answer"


def call_async(
    owner: QObject,
    bus: QDBusConnection,
    message: QDBusMessage,
    then: Callable[[QDBusMessage], None],
    on_error: Callable[[str], None],
) -> None:
    """Send ``message`` without waiting; ``then`` gets the answer (or the error reply)
    unless ``owner`` has been deleted meanwhile. ``on_error`` gets why ``then`` failed.
    """
    # The watcher belongs to the application, not to ``owner``: its handler below
    # holds ``owner``, which would otherwise be deleted from inside the destructor
    # of its own child (and so delete that child twice) when the handler was all
    # that kept it. Nor does a Python attribute keep it: that would be a cycle
    # through the connection that nothing ever collects.
    watcher = QDBusPendingCallWatcher(
        bus.asyncCall(message, CALL_TIMEOUT_MS), QCoreApplication.instance()
    )

    def finished(done: QDBusPendingCallWatcher) -> None:
        reply = done.reply()
        # The pending call keeps its reply, and with it any descriptor it carries.
        done.deleteLater()
        if not shiboken6.isValid(owner):  # deleted while the call was out
            return
        try:
            then(reply)
        except Exception as exc:
            on_error(f"{type(exc).__name__}: {exc}")

    watcher.finished.connect(finished)


class KeepAwake(QObject):
    """Inhibits screen blanking and sleep; releasing is always safe to call.

    On Linux :meth:`acquire` returns at once and the inhibition is taken when a
    service answers; :attr:`held_by` names the way that holds it.
    """

    def __init__(
        self,
        app_name: str = "Psoas Timer",
        session_bus: QDBusConnection | None = None,
        system_bus: QDBusConnection | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._app_name = app_name
        self._session_bus = session_bus
        self._system_bus = system_bus
        self._release: Release | None = None
        self.held_by = ""
        self._wanted = False
        self._trying = False
        # Made once a service has answered, and kept: QtDBus describes an
        # interface once a connection, so a later session asks nothing more.
        self._proxies: dict[str, QDBusInterface] = {}

    @property
    def active(self) -> bool:
        return self._release is not None

    def acquire(self) -> None:
        self._wanted = True
        if self.active or self._trying:
            return
        try:
            if sys.platform.startswith("win"):
                self._hold(self._acquire_windows(), "Windows")
            elif sys.platform == "darwin":
                self._hold(self._acquire_macos(), "macOS")
            else:
                self._trying = True
                self._try_way(0)
                return
        except Exception as exc:
            log.warning("could not keep the screen awake: %s", exc)
        if not self.active:
            log.warning("no way to keep the screen awake was available; it may blank")

    def release(self) -> None:
        """Let the screen blank again; an answer still on its way is undone when it comes."""
        self._wanted = False
        undo, self._release = self._release, None
        self.held_by = ""
        if undo is None:
            return
        try:
            undo()
        except Exception as exc:
            log.warning("releasing the keep-awake failed: %s", exc)

    def _hold(self, undo: Release | None, way: str) -> None:
        if undo is None:
            return
        self._release, self.held_by = undo, way
        if not self._wanted:  # the session ended while the service was answering
            self.release()
            return
        log.info("keeping the screen awake through %s", way)

    # -- Linux and other freedesktop systems --------------------------------

    def _try_way(self, index: int) -> None:
        ways = (
            ("the desktop portal", self._portal),
            ("the screensaver service", self._screensaver),
            ("logind", self._logind),
        )
        if not self._wanted:
            self._trying = False
            return
        if index == len(ways):
            self._trying = False
            log.warning("no way to keep the screen awake was available; it may blank")
            return
        way, attempt = ways[index]
        settled = False

        def outcome(undo: Release | None, why: str) -> None:
            nonlocal settled
            if settled:  # an attempt reports once; anything after is a stray error
                log.info("keep-awake: %s: %s", way, why)
                return
            settled = True
            if undo is not None:
                self._trying = False
                self._hold(undo, way)
            else:
                log.info("keep-awake: %s: %s", way, why)
                self._try_way(index + 1)

        try:
            attempt(outcome)
        except Exception as exc:
            outcome(None, str(exc))

    def _bus(self, system: bool) -> QDBusConnection | None:
        bus = self._system_bus if system else self._session_bus
        if bus is None:
            bus = QDBusConnection.systemBus() if system else QDBusConnection.sessionBus()
            if system:
                self._system_bus = bus
            else:
                self._session_bus = bus
        return bus if bus.isConnected() else None

    def _call(
        self,
        bus: QDBusConnection,
        message: QDBusMessage,
        then: Callable[[QDBusMessage], None],
        outcome: Outcome,
    ) -> None:
        """Send ``message`` without waiting; ``then`` gets its answer or the error.

        An answer ``then`` cannot use (a service that describes its methods
        otherwise) ends the attempt through ``outcome`` rather than stalling it.
        """
        call_async(self, bus, message, then, lambda why: outcome(None, why))

    def _interface(
        self,
        bus: QDBusConnection,
        where: tuple[str, str],
        interface: str,
        outcome: Outcome,
        then: Callable[[QDBusInterface], None],
    ) -> None:
        """A QDBusInterface, for calls with unsigned numbers, once the service answers."""
        service, path = where

        def described(reply: QDBusMessage) -> None:
            why = failed(reply)
            if why is not None:
                outcome(None, why)
            elif f'name="{interface}"' not in str(reply.arguments()[0]):
                outcome(None, f"{service} has no {interface}")
            else:
                proxy = self._proxies.get(interface)
                if proxy is None:
                    proxy = QDBusInterface(service, path, interface, bus, self)
                    proxy.setTimeout(CALL_TIMEOUT_MS)
                if not proxy.isValid():  # the service left after describing itself
                    self._proxies.pop(interface, None)
                    proxy.deleteLater()
                    outcome(None, proxy.lastError().message())
                    return
                self._proxies[interface] = proxy
                then(proxy)

        message = method_call(service, path, INTROSPECTABLE, "Introspect")
        self._call(bus, message, described, outcome)

    def _portal(self, outcome: Outcome) -> None:
        bus = self._bus(system=False)
        if bus is None:
            outcome(None, "no session bus")
            return

        def inhibit(proxy: QDBusInterface) -> None:
            handle = QMetaObject.invokeMethod(
                proxy,
                "Inhibit",
                Qt.ConnectionType.DirectConnection,
                Q_RETURN_ARG(QDBusObjectPath),
                Q_ARG(str, ""),  # no parent window to name
                Q_ARG("uint", INHIBIT_IDLE | INHIBIT_SUSPEND),
                Q_ARG("QVariantMap", {"reason": _(REASON)}),
            )
            error = proxy.lastError()
            if error.isValid() or not isinstance(handle, QDBusObjectPath) or not handle.path():
                outcome(None, error.message() or "no request handle came back")
                return
            request = handle.path()

            def close() -> None:
                message = method_call(PORTAL[0], request, PORTAL_REQUEST, "Close")
                self._call(bus, message, _closed, lambda _undo, why: _closed(None, why))

            outcome(close, "")

        self._interface(bus, PORTAL, PORTAL_INHIBIT, outcome, inhibit)

    def _screensaver(self, outcome: Outcome) -> None:
        bus = self._bus(system=False)
        if bus is None:
            outcome(None, "no session bus")
            return

        def inhibit(proxy: QDBusInterface) -> None:
            def answered(reply: QDBusMessage) -> None:
                why = failed(reply)
                if why is not None or not reply.arguments():
                    outcome(None, why or "no cookie came back")
                    return
                cookie = int(reply.arguments()[0])

                def uninhibit() -> None:
                    QMetaObject.invokeMethod(
                        proxy,
                        "UnInhibit",
                        Qt.ConnectionType.DirectConnection,
                        Q_ARG("uint", cookie),
                    )
                    if proxy.lastError().isValid():
                        log.warning(
                            "releasing the keep-awake failed: %s", proxy.lastError().message()
                        )

                outcome(uninhibit, "")

            message = method_call(
                *SCREENSAVER, SCREENSAVER_INTERFACE, "Inhibit", self._app_name, _(REASON)
            )
            self._call(bus, message, answered, outcome)

        self._interface(bus, SCREENSAVER, SCREENSAVER_INTERFACE, outcome, inhibit)

    def _logind(self, outcome: Outcome) -> None:
        bus = self._bus(system=True)
        if bus is None:
            outcome(None, "no system bus")
            return

        def answered(reply: QDBusMessage) -> None:
            why = failed(reply)
            handed = reply.arguments()[0] if why is None and reply.arguments() else None
            if not isinstance(handed, QDBusUnixFileDescriptor) or not handed.isValid():
                outcome(None, why or "no descriptor came back")
                return
            # The inhibition lasts as long as this copy of the descriptor stays open.
            fd = os.dup(handed.fileDescriptor())
            outcome(lambda: os.close(fd), "")

        message = method_call(
            *LOGIND, LOGIND_MANAGER, "Inhibit", "idle:sleep", self._app_name, _(REASON), "block"
        )
        self._call(bus, message, answered, outcome)

    # -- Windows -------------------------------------------------------------

    def _acquire_windows(self) -> Release | None:
        es_continuous, es_system, es_display = 0x80000000, 0x00000001, 0x00000002
        kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]
        if kernel32.SetThreadExecutionState(es_continuous | es_system | es_display) == 0:
            return None
        return lambda: kernel32.SetThreadExecutionState(es_continuous)

    # -- macOS ---------------------------------------------------------------

    def _acquire_macos(self) -> Release | None:
        iokit = ctypes.cdll.LoadLibrary("/System/Library/Frameworks/IOKit.framework/IOKit")
        cf = ctypes.cdll.LoadLibrary(
            "/System/Library/Frameworks/CoreFoundation.framework/CoreFoundation"
        )
        cf.CFStringCreateWithCString.restype = ctypes.c_void_p
        cf.CFStringCreateWithCString.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_uint32]
        cf.CFRelease.argtypes = [ctypes.c_void_p]
        utf8 = 0x08000100

        def cfstr(text: str) -> int:
            return int(cf.CFStringCreateWithCString(None, text.encode(), utf8))

        kind = cfstr("PreventUserIdleDisplaySleep")
        name = cfstr(_(REASON))
        assertion = ctypes.c_uint32(0)
        iokit.IOPMAssertionCreateWithName.argtypes = [
            ctypes.c_void_p,
            ctypes.c_uint32,
            ctypes.c_void_p,
            ctypes.POINTER(ctypes.c_uint32),
        ]
        result = iokit.IOPMAssertionCreateWithName(kind, 255, name, ctypes.byref(assertion))
        cf.CFRelease(kind)
        cf.CFRelease(name)
        if result != 0:
            return None
        return lambda: iokit.IOPMAssertionRelease(assertion)


def _closed(reply: QDBusMessage | None, why: str | None = None) -> None:
    why = why or (failed(reply) if reply is not None else None)
    if why:
        log.warning("closing the portal's keep-awake request failed: %s", why)
