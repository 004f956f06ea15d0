"""Keep the screen on and the machine awake while a session runs."""

from __future__ import annotations

import ctypes
import logging
import os
import sys
from typing import Any

log = logging.getLogger(__name__)
REASON = "A breathing session is running"


class KeepAwake:
    """Inhibits screen blanking and sleep; releasing is always safe to call."""

    def __init__(self, app_name: str = "Psoas Timer") -> None:
        self._app_name = app_name
        self._release: list[Any] = []

    @property
    def active(self) -> bool:
        return bool(self._release)

    def acquire(self) -> bool:
        if self.active:
            return True
        try:
            if sys.platform.startswith("win"):
                self._acquire_windows()
            elif sys.platform == "darwin":
                self._acquire_macos()
            else:
                self._acquire_dbus()
        except Exception as exc:
            log.warning("could not keep the screen awake: %s", exc)
        if not self.active:
            log.warning("no way to keep the screen awake was available; it may blank")
        return self.active

    def release(self) -> None:
        while self._release:
            undo = self._release.pop()
            try:
                undo()
            except Exception as exc:
                log.warning("releasing the keep-awake failed: %s", exc)

    # -- Linux and other freedesktop systems --------------------------------

    def _acquire_dbus(self) -> None:
        from PySide6.QtDBus import QDBusConnection, QDBusInterface, QDBusMessage

        session = QDBusConnection.sessionBus()
        if session.isConnected():
            screensaver = QDBusInterface(
                "org.freedesktop.ScreenSaver",
                "/org/freedesktop/ScreenSaver",
                "org.freedesktop.ScreenSaver",
                session,
            )
            screensaver.setTimeout(2000)
            if screensaver.isValid():
                reply = screensaver.call("Inhibit", self._app_name, REASON)
                if reply.type() == QDBusMessage.MessageType.ReplyMessage and reply.arguments():
                    cookie = reply.arguments()[0]
                    self._release.append(lambda: screensaver.call("UnInhibit", cookie))
                    return
        else:
            log.info("no D-Bus session bus: %s", session.lastError().message())
        system = QDBusConnection.systemBus()
        if not system.isConnected():
            log.info("no D-Bus system bus: %s", system.lastError().message())
            return
        login = QDBusInterface(
            "org.freedesktop.login1",
            "/org/freedesktop/login1",
            "org.freedesktop.login1.Manager",
            system,
        )
        login.setTimeout(2000)
        if not login.isValid():
            return
        reply = login.call("Inhibit", "idle:sleep", self._app_name, REASON, "block")
        if reply.type() != QDBusMessage.MessageType.ReplyMessage or not reply.arguments():
            return
        handle = reply.arguments()[0]
        # The inhibit lasts as long as this descriptor stays open.
        fd = os.dup(handle.fileDescriptor()) if hasattr(handle, "fileDescriptor") else -1
        if fd < 0:
            return
        self._release.append(lambda: os.close(fd))

    # -- Windows -------------------------------------------------------------

    def _acquire_windows(self) -> None:
        es_continuous, es_system, es_display = 0x80000000, 0x00000001, 0x00000002
        kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]
        if kernel32.SetThreadExecutionState(es_continuous | es_system | es_display) == 0:
            return
        self._release.append(lambda: kernel32.SetThreadExecutionState(es_continuous))

    # -- macOS ---------------------------------------------------------------

    def _acquire_macos(self) -> None:
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
        name = cfstr(REASON)
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
            return
        self._release.append(lambda: iokit.IOPMAssertionRelease(assertion))
