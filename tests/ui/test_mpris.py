"""Media controls (MPRIS) of a running session, through the real window, called with dbus-send.

The window uses the session bus as the app does; in the tests that is the
private bus tests/conftest.py starts, which ``dbus-send`` is pointed at.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtDBus import QDBusConnection
from PySide6.QtGui import QKeyEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from psoas_timer import APP_ID
from psoas_timer.core.clock import FakeClock
from psoas_timer.core.engine import State
from psoas_timer.core.plan import StepKind
from psoas_timer.services.mpris import BUS_NAME, MprisPlayer, SessionControls
from psoas_timer.ui.main_window import MainWindow
from tests.dbus_bus import send
from tests.qt_helpers import run_for, run_until, start_session
from tests.ui.dbus_services import Connection, needs_dbus, services

pytestmark = needs_dbus

PLAYER = "org.mpris.MediaPlayer2.Player"
ROOT = "org.mpris.MediaPlayer2"


def address() -> str:
    return os.environ["DBUS_SESSION_BUS_ADDRESS"]


def player(*args: str, name: str = BUS_NAME) -> str:
    return send(address(), f"--dest={name}", "/org/mpris/MediaPlayer2", *args)


def get(interface: str, prop: str) -> str:
    return player("org.freedesktop.DBus.Properties.Get", f"string:{interface}", f"string:{prop}")


def variant(reply: str) -> str:
    found = re.search(r'variant\s+\w+ "?([^"\n]*)"?', reply)
    assert found is not None, reply
    return found[1]


def title_in(reply: str) -> str:
    found = re.search(r'string "xesam:title"\s+variant\s+string "([^"]*)"', reply)
    assert found is not None, reply
    return found[1]


def owned(name: str = BUS_NAME) -> bool:
    reply = send(
        address(),
        "--dest=org.freedesktop.DBus",
        "/org/freedesktop/DBus",
        "org.freedesktop.DBus.NameHasOwner",
        f"string:{name}",
    )
    return "boolean true" in reply


def press(widget: QWidget, key: Qt.Key) -> None:
    """A key as the platform delivers it (QTest would look up a media key's text, and warn)."""
    for kind in (QKeyEvent.Type.KeyPress, QKeyEvent.Type.KeyRelease):
        QApplication.sendEvent(widget, QKeyEvent(kind, key, Qt.KeyboardModifier.NoModifier))


def to_extra_pressure_1(window: MainWindow, clock: FakeClock) -> None:
    """From the base set, through "More pressure?" answered yes, into extra pressure 1."""
    run_until(window, clock, StepKind.QUESTION)
    QTest.keyClick(window.session, Qt.Key.Key_Return)
    run_until(window, clock, StepKind.SET)


@pytest.fixture
def in_a_set(
    qtbot: QtBot, make_window: Callable[..., MainWindow]
) -> Iterator[tuple[MainWindow, FakeClock]]:
    """A window whose one-sided session has just begun its base set."""
    clock = FakeClock()
    window = make_window(clock)
    start_session(window, sides="left")
    run_until(window, clock, StepKind.RATING)
    qtbot.keyClick(window.session, Qt.Key.Key_5)
    engine = window.session.engine
    assert engine is not None and engine.step.kind is StepKind.SET
    yield window, clock
    if engine.running:
        engine.end()


def test_play_pause_pauses_and_resumes_the_set_and_next_moves_on(
    in_a_set: tuple[MainWindow, FakeClock],
) -> None:
    window, clock = in_a_set
    engine = window.session.engine
    assert engine is not None
    assert window.mpris.name == BUS_NAME and owned()
    assert variant(get(PLAYER, "PlaybackStatus")) == "Playing"
    run_for(window, clock, 12)

    player(f"{PLAYER}.PlayPause")
    assert engine.state is State.PAUSED
    assert window.session.ring._word == "Paused"
    assert variant(get(PLAYER, "PlaybackStatus")) == "Paused"
    clock.advance(7)
    player(f"{PLAYER}.Pause")  # already paused: stays so
    assert engine.state is State.PAUSED
    player(f"{PLAYER}.PlayPause")
    assert engine.state is State.RUNNING
    assert window.session.timers_active
    player(f"{PLAYER}.Play")  # already playing: goes on
    assert engine.state is State.RUNNING
    run_for(window, clock, 3)

    player(f"{PLAYER}.Next")
    [done] = engine.results
    assert done.outcome == "skipped" and done.breaths_done == 1
    assert done.paused_s == pytest.approx(7)
    assert done.duration_s == pytest.approx(15)
    assert engine.step.kind is StepKind.QUESTION  # "More pressure?" follows every set


def test_the_track_is_the_step_and_its_breath(in_a_set: tuple[MainWindow, FakeClock]) -> None:
    window, clock = in_a_set
    metadata = get(PLAYER, "Metadata")
    assert title_in(metadata) == "Left side — Base set, breath 1 of 5"
    assert re.search(
        r'"mpris:trackid"\s+variant\s+object path "/io/github/psoas_timer/step/', metadata
    )
    assert re.search(r'"xesam:artist"\s+variant\s+array \[\s+string "Psoas Timer"\s+\]', metadata)
    run_for(window, clock, 12)
    assert title_in(get(PLAYER, "Metadata")) == "Left side — Base set, breath 2 of 5"
    assert "boolean true" in get(PLAYER, "CanGoPrevious")
    player(f"{PLAYER}.Next")
    assert title_in(get(PLAYER, "Metadata")) == "Left side — More pressure?"
    assert "boolean true" in get(PLAYER, "CanGoPrevious")  # ← there: come off the tool


def test_previous_backs_off_one_level(qtbot: QtBot, in_a_set: tuple[MainWindow, FakeClock]) -> None:
    window, clock = in_a_set
    engine = window.session.engine
    assert engine is not None
    to_extra_pressure_1(window, clock)
    assert engine.step.kind is StepKind.SET and engine.step.level == 1
    player(f"{PLAYER}.Previous")
    assert engine.results[-1].outcome == "backed_off"
    assert engine.step.kind is StepKind.TRANSITION and engine.step.level == 0
    run_for(window, clock, 3)
    player(f"{PLAYER}.Previous")  # at the base level: pause, as ← does
    assert engine.state is State.PAUSED and engine.step.level == 0


# The offscreen platform cannot raise a window, and says so.
@pytest.mark.qt_log_ignore("This plugin does not support raise")
def test_the_root_interface_names_the_app(
    qtbot: QtBot, in_a_set: tuple[MainWindow, FakeClock]
) -> None:
    window, _clock = in_a_set
    root = player("org.freedesktop.DBus.Properties.GetAll", f"string:{ROOT}")
    for name, value in (
        ("Identity", 'string "Psoas Timer"'),
        ("DesktopEntry", f'string "{APP_ID}"'),
        ("CanQuit", "boolean false"),
        ("CanRaise", "boolean true"),
    ):
        assert re.search(rf'string "{name}"\s+variant\s+{value}', root), (name, root)
    window.showMinimized()
    player(f"{ROOT}.Raise")
    assert window.isVisible() and not window.isMinimized()
    player(f"{ROOT}.Quit")  # CanQuit is false: it does nothing
    assert window.session.engine is not None and window.session.engine.running


def test_changes_are_announced_with_the_signature_listeners_expect(
    qtbot: QtBot, in_a_set: tuple[MainWindow, FakeClock]
) -> None:
    window, clock = in_a_set
    with services(address(), "listener") as listener:

        def said(name: str) -> list[Any]:
            return [
                record["changed"][name]
                for record in listener.named("properties")
                if name in record["changed"]
            ]

        qtbot.keyClick(window.session, Qt.Key.Key_Space)  # a key, not a media button
        qtbot.waitUntil(lambda: said("PlaybackStatus") == ["Paused"], timeout=3000)
        qtbot.keyClick(window.session, Qt.Key.Key_Space)
        qtbot.waitUntil(lambda: said("PlaybackStatus")[-1:] == ["Playing"], timeout=3000)
        assert not said("Metadata")
        # A new breath reaches listeners within a second, as a new track title.
        run_for(window, clock, 12)
        qtbot.waitUntil(lambda: said("Metadata") == ["a{sv}"], timeout=3000)
        assert title_in(get(PLAYER, "Metadata")).endswith("breath 2 of 5")
        # Reaching the rating after the sets changes what Previous can do.
        engine = window.session.engine
        assert engine is not None
        while engine.step.kind is not StepKind.RATING:
            # At "More pressure?" ← comes off the tool; Enter would ask for more.
            off = engine.step.kind is StepKind.QUESTION
            qtbot.keyClick(window.session, Qt.Key.Key_Left if off else Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: said("CanGoPrevious") == [False], timeout=3000)
        assert len(said("Metadata")) >= 2
        # Every signal reached the slot that takes exactly sa{sv}as.
        qtbot.waitUntil(
            lambda: len(listener.named("signal")) == len(listener.named("properties")),
            timeout=3000,
        )
        assert {record["signature"] for record in listener.named("signal")} == {"sa{sv}as"}
        records = listener.named("properties")
        assert {record["interface"] for record in records} == {PLAYER}
        assert all(record["invalidated"] == [] for record in records)


def test_the_name_goes_when_the_session_ends(
    qtbot: QtBot, in_a_set: tuple[MainWindow, FakeClock]
) -> None:
    window, _clock = in_a_set
    assert owned()
    qtbot.keyClick(window.session, Qt.Key.Key_Escape)  # "End the session?" is answered yes
    assert window.session.engine is not None and window.session.engine.state is State.FINISHED
    assert window.mpris.name is None
    assert not owned()
    polling = window.mpris.findChild(QTimer, "mprisPoll")
    assert polling is not None and not polling.isActive()


def test_the_name_goes_when_the_window_closes(
    qtbot: QtBot, in_a_set: tuple[MainWindow, FakeClock]
) -> None:
    window, _clock = in_a_set
    assert owned()
    window.close()
    assert not owned()


def test_media_keys_do_what_their_buttons_do(in_a_set: tuple[MainWindow, FakeClock]) -> None:
    window, clock = in_a_set
    page = window.session
    engine = page.engine
    assert engine is not None
    press(page, Qt.Key.Key_MediaTogglePlayPause)
    assert engine.state is State.PAUSED
    press(page, Qt.Key.Key_MediaPause)  # a key that only pauses never resumes
    assert engine.state is State.PAUSED
    press(page, Qt.Key.Key_MediaPlay)
    assert engine.state is State.RUNNING
    press(page, Qt.Key.Key_MediaPlay)  # most keyboards' one play/pause key
    assert engine.state is State.PAUSED
    press(page, Qt.Key.Key_MediaPlay)
    press(page, Qt.Key.Key_MediaPause)
    assert engine.state is State.PAUSED
    press(page, Qt.Key.Key_MediaPlay)
    to_extra_pressure_1(window, clock)
    assert engine.step.level == 1
    press(page, Qt.Key.Key_MediaPrevious)
    assert engine.results[-1].outcome == "backed_off"
    press(page, Qt.Key.Key_MediaNext)
    assert engine.step.kind is StepKind.SET and engine.step.level == 0
    engine.end()
    press(page, Qt.Key.Key_MediaNext)  # the summary stays until Enter or Esc
    assert window.stack.currentWidget() is page


def test_a_second_copy_takes_an_instance_name(
    qtbot: QtBot, make_window: Callable[..., MainWindow]
) -> None:
    other = Connection(address())
    try:
        assert other.bus.registerService(BUS_NAME)
        window = make_window(FakeClock())
        start_session(window, sides="left")
        assert window.mpris.name == f"{BUS_NAME}.instance{os.getpid()}"
        assert variant(get_from(window.mpris.name, PLAYER, "PlaybackStatus")) == "Playing"
        assert window.session.engine is not None
        window.session.engine.end()
        assert not owned(f"{BUS_NAME}.instance{os.getpid()}")
    finally:
        other.close()


def get_from(name: str, interface: str, prop: str) -> str:
    return player(
        "org.freedesktop.DBus.Properties.Get", f"string:{interface}", f"string:{prop}", name=name
    )


def test_without_a_session_bus_it_does_nothing_and_says_so_once(
    qtbot: QtBot, make_window: Callable[..., MainWindow], caplog: pytest.LogCaptureFixture
) -> None:
    window = make_window(FakeClock())
    nowhere = QDBusConnection.connectToBus("unix:path=/nonexistent/no-bus", "no-bus")
    try:
        media = MprisPlayer(SessionControls(window.session, lambda: None), nowhere)
        with caplog.at_level("INFO", logger="psoas_timer.services.mpris"):
            assert not media.start()
            assert not media.start()
            media.stop()
        said = [r for r in caplog.records if r.name == "psoas_timer.services.mpris"]
        assert len(said) == 1 and "no D-Bus session bus" in said[0].getMessage()
    finally:
        QDBusConnection.disconnectFromBus("no-bus")


def test_buttons_wait_while_a_question_is_on_screen(
    in_a_set: tuple[MainWindow, FakeClock], monkeypatch: pytest.MonkeyPatch
) -> None:
    window, _clock = in_a_set
    engine = window.session.engine
    assert engine is not None
    seen: list[State] = []

    def ask(parent: QWidget, *_args: object, **_kwargs: object) -> bool:
        question = QMessageBox(QMessageBox.Icon.Question, "End the session?", "", parent=parent)
        question.setWindowModality(Qt.WindowModality.ApplicationModal)
        question.show()
        player(f"{PLAYER}.PlayPause")
        player(f"{PLAYER}.Next")
        seen.append(engine.state)
        question.close()
        return False

    monkeypatch.setattr("psoas_timer.ui.prompts.confirm", ask)
    press(window.session, Qt.Key.Key_Escape)
    # The session paused to ask; the buttons changed nothing; "No" went back to it.
    assert seen == [State.PAUSED]
    assert engine.state is State.RUNNING and engine.step.kind is StepKind.SET
    player(f"{PLAYER}.PlayPause")
    assert engine.state is State.PAUSED
