"""A speech daemon that takes connections and never answers does not freeze the app.

The daemon here is a real socket that speech-dispatcher's own client library
(through Qt) connects to: ``SPEECHD_ADDRESS=unix_socket:PATH`` is where libspeechd
connects instead of the user's daemon.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from psoas_timer import paths
from psoas_timer.core.catalog import Catalog
from psoas_timer.core.clock import Clocks
from psoas_timer.core.plan import StepKind
from psoas_timer.services import sound, speechd
from psoas_timer.services import voice as voice_module
from psoas_timer.store import Store
from psoas_timer.ui.main_window import MainWindow
from tests.hangs import HELD_S, GuiTicks, MuteSocket, mute_socket, speechd_missing
from tests.helpers import QUICK_SETTINGS
from tests.qt_helpers import start_session

ROOT = Path(__file__).resolve().parents[2]
#: What a speech-dispatcher that has just accepted a client says to its first request.
CLIENT_NAME_SET = b"208 OK CLIENT NAME SET\r\n"


def speech_threads() -> list[threading.Thread]:
    return [thread for thread in threading.enumerate() if thread.name == "speech"]


@pytest.fixture
def socket_folder() -> Iterator[Path]:
    reason = speechd_missing()
    if reason is not None:
        pytest.skip(reason)
    # Short: a Unix socket's path may not be longer than 107 bytes.
    folder = Path(tempfile.mkdtemp(prefix="pt-speechd-"))
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def mute_speechd(socket_folder: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[MuteSocket]:
    """speech-dispatcher's client pointed at a socket that never answers."""
    with mute_socket(socket_folder / "speechd.sock") as server:
        monkeypatch.setenv("SPEECHD_ADDRESS", f"unix_socket:{server.path}")
        yield server
    # The app never handed this daemon to Qt, so no speech thread is stuck on it.
    deadline = time.monotonic() + 5
    while speech_threads() and time.monotonic() < deadline:
        time.sleep(0.02)
    assert not speech_threads(), "a speech thread outlived its voice"


def test_a_speech_daemon_that_never_answers_is_given_up_within_the_bound(
    qtbot: QtBot, mute_speechd: MuteSocket
) -> None:
    voice = voice_module.Voice("speechd")
    problems: list[str] = []
    finished: list[str] = []
    voice.problem.connect(problems.append)
    voice.finished_speaking.connect(finished.append)
    ticks = GuiTicks()
    try:
        began = time.monotonic()
        voice.say("Left side. Place the tool on your left side.")
        assert time.monotonic() - began < HELD_S
        qtbot.waitUntil(lambda: bool(problems), timeout=6000)
        gave_up_after = time.monotonic() - began
        # The bound is 2 s; the rest is a busy machine's slack.
        assert 1.99 <= gave_up_after < 3.0, gave_up_after
        assert problems == [voice_module.NOT_ANSWERING]
        assert mute_speechd.connections == 1, "the daemon was never asked"
        assert finished == ["Left side. Place the tool on your left side."]
        began = time.monotonic()
        voice.say("Last breath")
        voice.shutdown()
        assert time.monotonic() - began < HELD_S
        assert ticks.stop() < HELD_S, "the GUI thread was blocked"
    finally:
        voice.shutdown()


@pytest.fixture
def voice_on_window(
    qtbot: QtBot, catalog: Catalog, private_paths: paths.Paths
) -> Iterator[Callable[[], tuple[MainWindow, list[str]]]]:
    made: list[tuple[MainWindow, Store]] = []

    def make() -> tuple[MainWindow, list[str]]:
        private_paths.ensure()
        store = Store.open(private_paths.database)
        settings = QUICK_SETTINGS.with_changes(voice=True, countdown=20)
        window = MainWindow(catalog, settings, private_paths, Clocks.real(), store)
        qtbot.addWidget(window)
        window.show()
        made.append((window, store))
        messages: list[str] = []
        window.statusBar().messageChanged.connect(messages.append)
        return window, messages

    yield make
    for window, store in made:
        if window.session.engine is not None:
            window.session.engine.end()
        window.shutdown()
        window.close()
        store.close()


def test_start_reaches_the_countdown_and_says_once_that_the_voice_is_off(
    qtbot: QtBot,
    mute_speechd: MuteSocket,
    voice_on_window: Callable[[], tuple[MainWindow, list[str]]],
) -> None:
    window, messages = voice_on_window()
    ticks = GuiTicks()
    began = time.monotonic()
    start_session(window, "ql-claw", "left")
    click_s = time.monotonic() - began
    engine = window.session.engine
    assert engine is not None and engine.step.kind is StepKind.COUNTDOWN
    assert window.stack.currentWidget() is window.session
    assert click_s < HELD_S, f"Start took {click_s:.2f} s to show the countdown"
    assert window.session.notice.text().startswith("Left side."), "the caption is shown"
    qtbot.waitUntil(lambda: any(m.startswith("Voice is off") for m in messages), timeout=6000)
    told_after = time.monotonic() - began
    assert told_after < 3.0, told_after
    assert mute_speechd.connections >= 1, "the daemon was never asked"
    qtbot.wait(300)  # the countdown goes on, and nothing is said twice
    assert [m for m in messages if m.startswith("Voice is off")] == [voice_module.NOT_ANSWERING]
    assert window.status_label.text() == voice_module.NOT_ANSWERING
    assert engine.step.kind is StepKind.COUNTDOWN and engine.running
    assert ticks.stop() < HELD_S, "the GUI thread was blocked"
    assert ticks.count > 100, "the event loop stopped running"
    began = time.monotonic()
    assert window.close()
    assert time.monotonic() - began < HELD_S, "quitting waited on the speech daemon"
    assert not engine.running


@pytest.mark.subprocess
@pytest.mark.parametrize(
    ("greeting", "sound_hangs"),
    [(None, False), (CLIENT_NAME_SET, False), (None, True)],
    ids=["never-answers", "answers-once-then-hangs", "sound-server-hangs-too"],
)
def test_the_real_app_starts_a_session_and_quits_with_a_hung_speech_daemon(
    socket_folder: Path, tmp_path: Path, greeting: bytes | None, sound_hangs: bool
) -> None:
    """The hangs a user meets: a daemon silent from the start (the app's own check
    sees it); one that answers the first request and then hangs, so that Qt's
    engine is stuck inside libspeechd for good and the process must quit around
    it; and, on top, a sound server that never answers either."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT)}
    with contextlib.ExitStack() as hung:
        speech = hung.enter_context(mute_socket(socket_folder / "speechd.sock", greeting))
        env["SPEECHD_ADDRESS"] = f"unix_socket:{speech.path}"
        if sound_hangs:
            pulse = hung.enter_context(mute_socket(socket_folder / "pulse"))
            env["PULSE_SERVER"] = f"unix:{pulse.path}"
        began = time.monotonic()
        done = subprocess.run(
            [sys.executable, "-m", "tests.ui.speech_driver", str(tmp_path / "app")],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        took = time.monotonic() - began
        connections = speech.connections
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-4000:]
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert report["exit_code"] == 0
    assert report["click_s"] < HELD_S, report
    assert report["countdown_s"] < HELD_S, report
    told = [(at, text) for at, text in report["messages"] if text.startswith("Voice is off")]
    assert [text for _, text in told] == [voice_module.NOT_ANSWERING], report
    assert told[0][0] < 3.0, report
    if sound_hangs:
        sound_off = [text for _, text in report["messages"] if text.startswith("Sound is off")]
        assert sound_off == [sound.NOT_ANSWERING], report
    assert report["longest_gap_s"] < HELD_S, report
    # A stuck speech thread is waited for briefly, then left behind.
    assert report["quit_s"] < voice_module.SHUTDOWN_WAIT_S + HELD_S, report
    assert connections >= (2 if greeting else 1), "Qt never reached the daemon"
    assert took < 30, took


# -- the app's own question to speech-dispatcher ------------------------------------------


def test_the_daemon_is_looked_for_where_libspeechd_looks(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("SPEECHD_ADDRESS", raising=False)
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(tmp_path / "run"))
    assert speechd.address() == str(tmp_path / "run" / "speech-dispatcher" / "speechd.sock")
    monkeypatch.setenv("XDG_RUNTIME_DIR", "")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    assert speechd.address() == str(tmp_path / "cache" / "speech-dispatcher" / "speechd.sock")
    for setting, expected in (
        ("unix_socket:/run/x.sock", "/run/x.sock"),
        ("unix_socket", str(tmp_path / "cache" / "speech-dispatcher" / "speechd.sock")),
        ("inet_socket", ("127.0.0.1", speechd.DEFAULT_PORT)),
        ("inet_socket:speech.example", ("speech.example", speechd.DEFAULT_PORT)),
        ("inet_socket:127.0.0.1:7000", ("127.0.0.1", 7000)),
        ("dbus_bus", None),
    ):
        monkeypatch.setenv("SPEECHD_ADDRESS", setting)
        assert speechd.address() == expected, setting


@pytest.mark.parametrize(
    ("greeting", "expected"),
    [
        (CLIENT_NAME_SET, speechd.Answer.YES),
        (b"300 ERR NOT ALLOWED\r\n", speechd.Answer.YES),  # refused, but alive
        (None, speechd.Answer.SILENT),
        (b"hello\r\n", speechd.Answer.SILENT),  # not speech-dispatcher
    ],
    ids=["answers", "refuses", "never-answers", "not-a-speech-daemon"],
)
def test_the_daemon_is_asked_with_a_deadline(
    monkeypatch: pytest.MonkeyPatch, greeting: bytes | None, expected: speechd.Answer
) -> None:
    folder = Path(tempfile.mkdtemp(prefix="pt-probe-"))
    try:
        with mute_socket(folder / "speechd.sock", greeting) as server:
            monkeypatch.setenv("SPEECHD_ADDRESS", f"unix_socket:{server.path}")
            began = time.monotonic()
            assert speechd.probe(0.5) is expected
            assert time.monotonic() - began < 1.0
            assert server.connections == 1
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def test_no_daemon_is_left_to_qt_to_report(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("SPEECHD_ADDRESS", f"unix_socket:{tmp_path / 'nothing.sock'}")
    assert speechd.probe(3.0) is speechd.Answer.NO_DAEMON
