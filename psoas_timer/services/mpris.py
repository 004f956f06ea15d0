"""Play/pause from a headset, a media key or the desktop's media controls (MPRIS).

Face down on a tool the keyboard is out of reach, but many people wear earbuds
with a play/pause button. On Linux those buttons, the keyboard's media keys when
the desktop takes them, and the desktop's own media controls (and a phone paired
with it) all speak MPRIS on the session bus. While a session runs the app owns
``org.mpris.MediaPlayer2.psoas_timer`` and exports ``/org/mpris/MediaPlayer2``:

- Play, Pause and PlayPause pause and resume the session (Stop only pauses: a
  session never ends without the question on screen), Next goes on to the next
  step and Previous backs off one level, as Space, Enter and ← do;
- the "track" is the current step: its title says the side, the step and the
  breath ("Left side — Base set, breath 7 of 15"), and PropertiesChanged tells
  listeners of a new step, a pause or a resume at once and of a new breath
  within a second.

Each interface is a :class:`QDBusAbstractAdaptor` subclass whose ``Slot``s are
its methods and whose ``Property``s its properties; PySide6 puts both in the
adaptor's meta-object, from which QtDBus answers calls, ``Get``/``GetAll`` and
``Introspect``. QtDBus does not announce property changes itself, so
:meth:`MprisPlayer.refresh` sends ``PropertiesChanged`` by hand.

Nothing here knows the window: it is driven through :class:`Controls`, which
:class:`SessionControls` implements with the session page's own commands.
Without a session bus (Windows, macOS, a bare container) :meth:`MprisPlayer.start`
logs once and does nothing.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

from PySide6.QtCore import ClassInfo, Property, QMetaType, QObject, QTimer, Slot
from PySide6.QtDBus import (
    QDBusAbstractAdaptor,
    QDBusArgument,
    QDBusConnection,
    QDBusMessage,
    QDBusObjectPath,
)
from PySide6.QtGui import QGuiApplication

from psoas_timer import APP_ID, APP_NAME
from psoas_timer.core.engine import SessionEngine, State
from psoas_timer.core.i18n import _
from psoas_timer.core.plan import Step, StepKind

log = logging.getLogger(__name__)

BUS_NAME = "org.mpris.MediaPlayer2.psoas_timer"
OBJECT_PATH = "/org/mpris/MediaPlayer2"
ROOT_INTERFACE = "org.mpris.MediaPlayer2"
PLAYER_INTERFACE = "org.mpris.MediaPlayer2.Player"
PROPERTIES_INTERFACE = "org.freedesktop.DBus.Properties"
#: Each step is a track; its id must not lie under /org/mpris.
TRACK_PATH = "/io/github/psoas_timer/step/"
#: A new breath changes the title; listeners hear of it at most this often.
POLL_MS = 1000
MICROSECONDS = 1_000_000

_Adaptor = TypeVar("_Adaptor", bound=QDBusAbstractAdaptor)


@dataclass(frozen=True)
class NowPlaying:
    """What a media player shows of the running session."""

    playing: bool  # False: paused
    title: str
    step: int  # which step of the session this is: the track number
    can_next: bool
    can_previous: bool
    position_s: float  # active seconds into the step


class Controls(Protocol):
    """What the media player asks of the app."""

    def now_playing(self) -> NowPlaying | None:
        """The session as it is now; None once no session runs."""
        ...

    def play(self) -> None: ...
    def pause(self) -> None: ...
    def play_pause(self) -> None: ...
    def next(self) -> None: ...
    def previous(self) -> None: ...
    def raise_window(self) -> None: ...

    def watch(self, changed: Callable[[], None]) -> Callable[[], None]:
        """Call ``changed`` when the session moves on, pauses or resumes; returns an undo."""
        ...


class SessionActions(Protocol):
    """The session page's commands, as the keys use them."""

    @property
    def engine(self) -> SessionEngine | None: ...

    def toggle_pause(self) -> None: ...
    def next_step(self) -> None: ...
    def back_off(self) -> None: ...


class SessionControls:
    """:class:`Controls` over the session page: a button does what its key does."""

    def __init__(self, session: SessionActions, raise_window: Callable[[], None]) -> None:
        self._session = session
        self._raise_window = raise_window

    def _engine(self) -> SessionEngine | None:
        engine = self._session.engine
        return engine if engine is not None and engine.running else None

    def _obeyed(self) -> SessionEngine | None:
        """The running session, if a button may act on it now."""
        # While a question is on screen ("End the session?") the keys wait for
        # its answer; a button pressed on the floor waits too.
        return None if QGuiApplication.modalWindow() is not None else self._engine()

    def play(self) -> None:
        # A headset sends Play or Pause by its own idea of the state: only a
        # toggle that goes the asked way is passed on.
        engine = self._obeyed()
        if engine is not None and engine.state is State.PAUSED:
            self._session.toggle_pause()

    def pause(self) -> None:
        engine = self._obeyed()
        if engine is not None and engine.state is State.RUNNING:
            self._session.toggle_pause()

    def play_pause(self) -> None:
        if self._obeyed() is not None:
            self._session.toggle_pause()

    def next(self) -> None:
        if self._obeyed() is not None:
            self._session.next_step()

    def previous(self) -> None:
        if self._obeyed() is not None:
            self._session.back_off()

    def raise_window(self) -> None:
        self._raise_window()

    def now_playing(self) -> NowPlaying | None:
        engine = self._engine()
        if engine is None:
            return None
        step = engine.step
        return NowPlaying(
            playing=engine.state is State.RUNNING,
            title=step_title(engine),
            step=engine.index,
            can_next=step.kind is not StepKind.DONE,
            can_previous=_eases(step),
            position_s=engine.step_elapsed(),
        )

    def watch(self, changed: Callable[[], None]) -> Callable[[], None]:
        engine = self._session.engine
        if engine is None:
            return lambda: None
        return engine.subscribe(lambda _event: changed())


def step_title(engine: SessionEngine) -> str:
    """The step as a player shows it: "Left side — Base set, breath 7 of 15"."""
    step = engine.step
    text = step.title
    current = engine.pace()
    if current is not None and not current.done:
        text = _("{step}, breath {breath} of {breaths}").format(
            step=text, breath=current.breath, breaths=step.breaths
        )
    side = engine.plan.where(step.side)
    return _("{side} — {step}").format(side=side, step=text) if side else text


def _eases(step: Step) -> bool:
    """Whether Previous does something here: backs off a level, pauses at the base
    level, or at "More pressure?" comes off the tool (as the ← key does)."""
    kinds = (StepKind.SET, StepKind.TRANSITION, StepKind.QUESTION)
    return step.kind in kinds and step.side is not None and step.stretch is None


def _metadata(now: NowPlaying) -> dict[str, Any]:
    # No mpris:length: it must be an int64, and PySide6 sends a small Python
    # int as an int32, which listeners that check types would drop.
    return {
        "mpris:trackid": QDBusObjectPath(f"{TRACK_PATH}{now.step}"),
        "xesam:title": now.title,
        "xesam:artist": [APP_NAME],
    }


def dbus_interface(name: str) -> Callable[[type[_Adaptor]], type[_Adaptor]]:
    """The class decorator naming the D-Bus interface an adaptor exports."""
    # The stubs know ClassInfo only with identifiers for keys and not as a decorator.
    return ClassInfo({"D-Bus Interface": name})  # type: ignore[call-arg, return-value]


def _qt_property(qt_type: str, getter: Callable[[Any], Any]) -> Property:
    """A read-only property of a Qt type Python has no class for (its D-Bus type follows it)."""
    return Property(qt_type, getter)  # type: ignore[arg-type]  # the stubs take Python types only


def _no_strings() -> QDBusArgument:
    """An empty ``as``; a bare empty list would go out as ``av``, which typed listeners
    reject (one built on QtDBus, such as a desktop's media applet, aborts on it)."""
    argument = QDBusArgument()
    argument.beginArray(QMetaType(QMetaType.Type.QString))
    argument.endArray()
    return argument


@dbus_interface(ROOT_INTERFACE)
class _RootAdaptor(QDBusAbstractAdaptor):
    def __init__(self, parent: QObject, player: MprisPlayer) -> None:
        super().__init__(parent)
        self._player = player

    @Slot()
    def Raise(self) -> None:
        self._player.controls.raise_window()

    @Slot()
    def Quit(self) -> None:
        """CanQuit is false: quitting mid-session asks first, on screen."""

    def _true(self) -> bool:
        return True

    def _false(self) -> bool:
        return False

    def _identity(self) -> str:
        return APP_NAME

    def _desktop_entry(self) -> str:
        return APP_ID

    def _nothing(self) -> list[str]:
        return []

    CanQuit = Property(bool, _false)
    CanRaise = Property(bool, _true)
    HasTrackList = Property(bool, _false)
    Identity = Property(str, _identity)
    DesktopEntry = Property(str, _desktop_entry)
    SupportedUriSchemes = _qt_property("QStringList", _nothing)
    SupportedMimeTypes = _qt_property("QStringList", _nothing)


@dbus_interface(PLAYER_INTERFACE)
class _PlayerAdaptor(QDBusAbstractAdaptor):
    def __init__(self, parent: QObject, player: MprisPlayer) -> None:
        super().__init__(parent)
        self._player = player

    @Slot()
    def Play(self) -> None:
        self._player.run(self._player.controls.play)

    @Slot()
    def Pause(self) -> None:
        self._player.run(self._player.controls.pause)

    @Slot()
    def PlayPause(self) -> None:
        self._player.run(self._player.controls.play_pause)

    @Slot()
    def Stop(self) -> None:
        # Ending a session asks first, on screen; a stray Stop only pauses.
        self._player.run(self._player.controls.pause)

    @Slot()
    def Next(self) -> None:
        self._player.run(self._player.controls.next)

    @Slot()
    def Previous(self) -> None:
        self._player.run(self._player.controls.previous)

    # CanSeek is false, for which the specification has these do nothing: a
    # breath's timing is never skipped into.
    @Slot("qlonglong")
    def Seek(self, offset: int) -> None:
        del offset

    @Slot(QDBusObjectPath, "qlonglong")
    def SetPosition(self, track: QDBusObjectPath, position: int) -> None:
        del track, position

    @Slot(str)
    def OpenUri(self, uri: str) -> None:
        del uri  # SupportedUriSchemes is empty

    def _now(self) -> NowPlaying | None:
        return self._player.controls.now_playing()

    def _status(self) -> str:
        now = self._now()
        return "Stopped" if now is None else "Playing" if now.playing else "Paused"

    def _metadata(self) -> dict[str, Any]:
        now = self._now()
        return {} if now is None else _metadata(now)

    def _position(self) -> int:
        now = self._now()
        return 0 if now is None else round(now.position_s * MICROSECONDS)

    def _can_next(self) -> bool:
        now = self._now()
        return now is not None and now.can_next

    def _can_previous(self) -> bool:
        now = self._now()
        return now is not None and now.can_previous

    def _running(self) -> bool:
        return self._now() is not None

    def _true(self) -> bool:
        return True

    def _false(self) -> bool:
        return False

    def _one(self) -> float:
        return 1.0

    PlaybackStatus = Property(str, _status)
    Metadata = _qt_property("QVariantMap", _metadata)
    Position = _qt_property("qlonglong", _position)
    Rate = Property(float, _one)
    MinimumRate = Property(float, _one)
    MaximumRate = Property(float, _one)
    Volume = Property(float, _one)  # the cue volume is a setting, not a remote control
    CanGoNext = Property(bool, _can_next)
    CanGoPrevious = Property(bool, _can_previous)
    CanPlay = Property(bool, _running)
    CanPause = Property(bool, _running)
    CanSeek = Property(bool, _false)
    CanControl = Property(bool, _true)


class MprisPlayer(QObject):
    """The MPRIS player of one window: registered while a session runs."""

    def __init__(
        self,
        controls: Controls,
        bus: QDBusConnection | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.controls = controls
        self._bus = bus
        self._name: str | None = None
        self._told_unavailable = False
        self._shown: NowPlaying | None = None  # what listeners were last told
        self._unwatch: Callable[[], None] = lambda: None
        self._exported = QObject(self)
        self._exported.setObjectName("mprisObject")
        _RootAdaptor(self._exported, self)
        _PlayerAdaptor(self._exported, self)
        self._poll = QTimer(self)
        self._poll.setObjectName("mprisPoll")
        self._poll.setInterval(POLL_MS)
        self._poll.timeout.connect(self.refresh)
        # Engine events arrive in the middle of the engine's own work: look
        # once it has finished, from the event loop.
        self._soon = QTimer(self)
        self._soon.setObjectName("mprisSoon")
        self._soon.setSingleShot(True)
        self._soon.setInterval(0)
        self._soon.timeout.connect(self.refresh)

    @property
    def name(self) -> str | None:
        """The bus name owned now; None when not registered."""
        return self._name

    def start(self) -> bool:
        """Register on the session bus for the session that has just started."""
        if self._name is not None:
            return True
        bus = self._session_bus()
        if bus is None:
            return False
        if not bus.registerObject(OBJECT_PATH, self._exported):
            self._unavailable(f"{OBJECT_PATH} is taken on the session bus")
            return False
        # A second copy of the app (another data folder) takes the name the
        # specification gives a second instance.
        for name in (BUS_NAME, f"{BUS_NAME}.instance{os.getpid()}"):
            if bus.registerService(name):
                self._name = name
                break
        if self._name is None:
            bus.unregisterObject(OBJECT_PATH)
            self._unavailable(f"no MPRIS name on the session bus ({bus.lastError().message()})")
            return False
        log.info("media controls: %s on the session bus", self._name)
        self._shown = self.controls.now_playing()
        self._unwatch = self.controls.watch(self._soon.start)
        self._poll.start()
        return True

    def stop(self) -> None:
        """Leave the bus: media keys go back to whichever player had them before."""
        self._poll.stop()
        self._soon.stop()
        self._unwatch()
        self._unwatch = lambda: None
        name, self._name = self._name, None
        self._shown = None
        if name is None or self._bus is None:
            return
        self._bus.unregisterService(name)
        self._bus.unregisterObject(OBJECT_PATH)

    def run(self, command: Callable[[], None]) -> None:
        """Do what a media button asked, and tell listeners at once."""
        command()
        self.refresh()

    def refresh(self) -> None:
        """Tell listeners what has changed since they were last told."""
        if self._name is None or self._bus is None:
            return
        now = self.controls.now_playing()
        before = self._shown
        if now is None or before is None:
            self._shown = now
            return
        changed: dict[str, Any] = {}
        if now.playing != before.playing:
            changed["PlaybackStatus"] = "Playing" if now.playing else "Paused"
        if (now.title, now.step) != (before.title, before.step):
            changed["Metadata"] = _metadata(now)
        if now.can_next != before.can_next:
            changed["CanGoNext"] = now.can_next
        if now.can_previous != before.can_previous:
            changed["CanGoPrevious"] = now.can_previous
        self._shown = now
        if not changed:
            return
        signal = QDBusMessage.createSignal(OBJECT_PATH, PROPERTIES_INTERFACE, "PropertiesChanged")
        signal.setArguments([PLAYER_INTERFACE, changed, _no_strings()])
        if not self._bus.send(signal):
            log.info("media controls: could not announce a change (%s)", self._bus.lastError())

    def _session_bus(self) -> QDBusConnection | None:
        if sys.platform in ("win32", "darwin"):
            self._unavailable("media controls over D-Bus are a Linux desktop's")
            return None
        if self._bus is None:
            self._bus = QDBusConnection.sessionBus()
        if not self._bus.isConnected():
            self._unavailable(f"no D-Bus session bus ({self._bus.lastError().message()})")
            return None
        return self._bus

    def _unavailable(self, why: str) -> None:
        if not self._told_unavailable:
            self._told_unavailable = True
            log.info("media controls off: %s", why)
