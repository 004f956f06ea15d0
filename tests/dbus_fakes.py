"""Stand-ins for the desktop's keep-awake services and media controls, in their own process.

    python -m tests.dbus_fakes ADDRESS [portal] [screensaver] [logind] [notifications] [listener]

Registers the named services as the desktop has them (same bus names, object
paths, interfaces and argument types: QtDBus routes a call to a slot only when
its signature matches, so a flags argument sent as a signed int is refused here
as it is by the real portal) and prints one JSON object a line: first
``{"ready": [...]}``, then one for every call and release:

- ``portal.Inhibit`` (window, flags, options, handle) and ``portal.Close`` (path);
- ``screensaver.Inhibit`` (application, reason, cookie) and ``screensaver.UnInhibit``;
- ``logind.Inhibit`` (what, who, why, mode) and ``logind.released`` once every
  copy of the descriptor it handed out has been closed, as logind sees it;
- ``notifications.Notify`` (every argument of the call, and the id it returned).

``listener`` hears every ``PropertiesChanged`` of ``/org/mpris/MediaPlayer2``,
as a desktop's media controls do, and reports each twice: ``signal`` (its
D-Bus signature) and ``properties`` (interface, changed, invalidated; a map
inside is reported as its D-Bus signature). The second slot
takes exactly ``sa{sv}as``, as a C++ listener's would: QtDBus ends a process
that receives an empty ``av`` for it, so the listener lives out here.

A test that wants a service that never answers stops this process (SIGSTOP):
the bus still holds its names and queues the calls.
"""

from __future__ import annotations

import json
import os
import sys
from typing import Any

from PySide6.QtCore import SLOT, QCoreApplication, QObject, QSocketNotifier, Slot
from PySide6.QtDBus import (
    QDBusAbstractAdaptor,
    QDBusArgument,
    QDBusConnection,
    QDBusMessage,
    QDBusObjectPath,
    QDBusUnixFileDescriptor,
)

from psoas_timer.services.mpris import dbus_interface

#: Larger than a signed 32-bit int: a cookie passed back signed is refused.
COOKIE = 3_000_000_000
REQUEST_PATH = "/org/freedesktop/portal/desktop/request/fake/t"


def report(**fields: Any) -> None:
    print(json.dumps(fields, default=str), flush=True)


class Fakes:
    """The services of one process, and what they must keep alive."""

    def __init__(self, bus: QDBusConnection) -> None:
        self.bus = bus
        self.kept: list[QObject] = []
        self.requests = 0
        self.watchers: list[QSocketNotifier] = []

    def export(self, path: str, adaptor: type[Adaptor]) -> None:
        holder = QObject()
        holder.setObjectName(path)
        adaptor(holder, self)
        self.kept.append(holder)
        if not self.bus.registerObject(path, holder):
            raise SystemExit(f"cannot export {path}: {self.bus.lastError().message()}")

    def own(self, name: str) -> None:
        if not self.bus.registerService(name):
            raise SystemExit(f"cannot own {name}: {self.bus.lastError().message()}")


class Adaptor(QDBusAbstractAdaptor):
    def __init__(self, holder: QObject, fakes: Fakes) -> None:
        super().__init__(holder)
        self.fakes = fakes
        self.path = holder.objectName()


@dbus_interface("org.freedesktop.portal.Request")
class Request(Adaptor):
    @Slot()
    def Close(self) -> None:
        report(call="portal.Close", path=self.path)
        self.fakes.bus.unregisterObject(self.path)


@dbus_interface("org.freedesktop.portal.Inhibit")
class Portal(Adaptor):
    @Slot(str, "uint", "QVariantMap", result=QDBusObjectPath)
    def Inhibit(self, window: str, flags: int, options: dict[str, Any]) -> QDBusObjectPath:
        self.fakes.requests += 1
        path = f"{REQUEST_PATH}{self.fakes.requests}"
        self.fakes.export(path, Request)
        report(call="portal.Inhibit", window=window, flags=flags, options=options, handle=path)
        return QDBusObjectPath(path)


@dbus_interface("org.freedesktop.ScreenSaver")
class ScreenSaver(Adaptor):
    @Slot(str, str, result="uint")
    def Inhibit(self, application: str, reason: str) -> int:
        report(call="screensaver.Inhibit", application=application, reason=reason, cookie=COOKIE)
        return COOKIE

    @Slot("uint")
    def UnInhibit(self, cookie: int) -> None:
        report(call="screensaver.UnInhibit", cookie=cookie)


@dbus_interface("org.freedesktop.login1.Manager")
class Logind(Adaptor):
    @Slot(str, str, str, str, result=QDBusUnixFileDescriptor)
    def Inhibit(self, what: str, who: str, why: str, mode: str) -> QDBusUnixFileDescriptor:
        # logind keeps the reading end of a pipe: the inhibition ends when it
        # reads end-of-file, once no copy of the writing end is left open.
        read_end, write_end = os.pipe()
        handed = QDBusUnixFileDescriptor(write_end)  # a copy of its own
        os.close(write_end)
        notifier = QSocketNotifier(read_end, QSocketNotifier.Type.Read)

        def readable() -> None:
            if os.read(read_end, 64) == b"":
                notifier.setEnabled(False)
                os.close(read_end)
                report(call="logind.released")

        notifier.activated.connect(readable)
        self.fakes.watchers.append(notifier)
        report(call="logind.Inhibit", what=what, who=who, why=why, mode=mode)
        return handed


@dbus_interface("org.freedesktop.Notifications")
class Notifications(Adaptor):
    # The argument types of the specification: a signed replaces_id is refused.
    @Slot(str, "uint", str, str, str, "QStringList", "QVariantMap", int, result="uint")
    def Notify(
        self,
        app_name: str,
        replaces_id: int,
        app_icon: str,
        summary: str,
        body: str,
        actions: list[str],
        hints: dict[str, Any],
        expire_timeout: int,
    ) -> int:
        self.fakes.requests += 1
        report(
            call="notifications.Notify",
            app_name=app_name,
            replaces_id=replaces_id,
            app_icon=app_icon,
            summary=summary,
            body=body,
            actions=actions,
            hints=hints,
            expire_timeout=expire_timeout,
            id=self.fakes.requests,
        )
        return self.fakes.requests


SERVICES: dict[str, tuple[str, str, type[Adaptor]]] = {
    "portal": ("org.freedesktop.portal.Desktop", "/org/freedesktop/portal/desktop", Portal),
    "screensaver": ("org.freedesktop.ScreenSaver", "/org/freedesktop/ScreenSaver", ScreenSaver),
    "logind": ("org.freedesktop.login1", "/org/freedesktop/login1", Logind),
    "notifications": (
        "org.freedesktop.Notifications",
        "/org/freedesktop/Notifications",
        Notifications,
    ),
}


class Listener(QObject):
    def __init__(self, bus: QDBusConnection) -> None:
        super().__init__()
        for slot in ("heard(QDBusMessage)", "changed(QString,QVariantMap,QStringList)"):
            connected = bus.connect(
                "",
                "/org/mpris/MediaPlayer2",
                "org.freedesktop.DBus.Properties",
                "PropertiesChanged",
                self,
                SLOT(slot),  # type: ignore[call-overload]  # a str, not the stubs' bytes
            )
            if not connected:
                raise SystemExit(f"cannot listen: {bus.lastError().message()}")
        # Calls on one connection are handled in order: once this is answered,
        # the bus has the listener's match rules.
        bus.interface().isServiceRegistered("org.freedesktop.DBus")

    @Slot(QDBusMessage)
    def heard(self, message: QDBusMessage) -> None:
        report(call="signal", signature=message.signature())

    @Slot(str, "QVariantMap", "QStringList")
    def changed(self, interface: str, values: dict[str, Any], invalidated: list[str]) -> None:
        shown = {
            name: value.currentSignature() if isinstance(value, QDBusArgument) else value
            for name, value in values.items()
        }
        report(call="properties", interface=interface, changed=shown, invalidated=invalidated)


def main(argv: list[str]) -> int:
    address, *wanted = argv
    app = QCoreApplication([])
    bus = QDBusConnection.connectToBus(address, "fakes")
    if not bus.isConnected():
        raise SystemExit(f"no bus at {address}: {bus.lastError().message()}")
    fakes = Fakes(bus)
    listener = Listener(bus) if "listener" in wanted else None
    for key in wanted:
        if key in SERVICES:
            name, path, adaptor = SERVICES[key]
            fakes.export(path, adaptor)
            fakes.own(name)
    report(ready=wanted, listening=listener is not None)
    return app.exec()


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
