"""Spoken announcements: what is said during a session, and a voice that fails quietly."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QObject, Signal
from PySide6.QtTextToSpeech import QTextToSpeech
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from psoas_timer import paths
from psoas_timer.core.catalog import Catalog
from psoas_timer.core.clock import Clocks, FakeClock
from psoas_timer.core.engine import State, StepStarted
from psoas_timer.core.plan import Step, StepKind
from psoas_timer.services import voice as voice_module
from psoas_timer.services.voice import Voice
from psoas_timer.store import Store
from psoas_timer.ui.main_window import MainWindow
from tests.qt_helpers import start_session
from tests.ui.conftest import TEST_SETTINGS

VOICE_ON = TEST_SETTINGS.with_changes(voice=True)


@pytest.fixture(autouse=True)
def quit_without_asking(monkeypatch: pytest.MonkeyPatch) -> None:
    """pytest-qt closes windows before fixtures end their sessions; never ask "quit?"."""
    monkeypatch.setattr(
        "psoas_timer.ui.main_window.QMessageBox.question",
        lambda *args, **kwargs: QMessageBox.StandardButton.Yes,
    )


def run_for(window: MainWindow, clock: FakeClock, seconds: float, step: float = 0.5) -> None:
    end = clock.now() + seconds
    while clock.now() < end:
        clock.advance(min(step, end - clock.now()))
        window.session.refresh()


def start(window: MainWindow, qtbot: QtBot, sides: str = "both") -> None:
    start_session(window, "ql-claw", sides)
    assert window.session.engine is not None


# -- what is announced -------------------------------------------------------------


def test_steps_sides_switch_and_last_breaths_are_announced(
    qtbot: QtBot, make_window: Callable[..., MainWindow], monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = FakeClock()
    window = make_window(clock)  # voice off in the settings: captions only
    said: list[str] = []
    captions: list[str] = []
    original = window.voice.say

    def say(text: str) -> None:
        said.append(text)
        original(text)

    monkeypatch.setattr(window.voice, "say", say)
    window.voice.spoken.connect(captions.append)
    started: list[tuple[int, Step]] = []
    window.session.engine_started.connect(
        lambda engine: engine.subscribe(
            lambda event: (
                started.append((len(said), event.step)) if isinstance(event, StepStarted) else None
            )
        )
    )
    start(window, qtbot)
    page = window.session
    engine = page.engine
    assert engine is not None
    while engine.state is not State.FINISHED:
        step = engine.step
        if step.kind is StepKind.RATING:
            page.rate(3)
        elif step.kind is StepKind.STRETCH:
            page.next_step()
        else:
            run_for(window, clock, (engine.remaining() or 0) + 0.5)

    # Shown either way: every announcement became the caption under the ring.
    assert captions == said
    assert page.notice.text() == said[-1] == "Session complete. Well done."
    # Each step is announced as it starts. The page hears of a new step before this
    # test does, so each step's announcement is the last text said when it is recorded.
    kinds = [step.kind for _, step in started]
    assert kinds.count(StepKind.SET) == 8 and kinds.count(StepKind.SWITCH_SIDE) == 1
    for position, (index, step) in enumerate(started):
        end = started[position + 1][0] - 1 if position + 1 < len(started) else len(said)
        texts = said[index - 1 : end]
        assert texts, f"nothing said for {step.title}"
        if step.kind is StepKind.SET:
            # The set's name, then the last three breaths counted down.
            assert texts[0] == f"{step.title.split(' — ')[0]}. Breathe in."
            assert texts[1:] == ["3 breaths left", "2 breaths left", "Last breath"]
        elif step.kind is StepKind.COUNTDOWN:
            assert texts == ["Left side. Place the tool on your left side and lie down on it."]
        elif step.kind is StepKind.SWITCH_SIDE:
            assert texts[0].startswith("Switch sides: right side next.")
        elif step.kind is StepKind.RATING:
            assert step.side is not None and step.moment is not None
            assert texts == [
                f"{step.side.capitalize()} side. Rate the tenderness {step.moment} the sets, "
                "zero to ten."
            ]
        elif step.kind is StepKind.TRANSITION:
            assert texts[0].startswith(step.title)
    assert not page.timers_active


def test_last_breaths_are_said_once_even_with_many_frames(
    qtbot: QtBot, make_window: Callable[..., MainWindow], monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = FakeClock()
    window = make_window(clock)
    said: list[str] = []
    monkeypatch.setattr(window.voice, "say", said.append)
    start(window, qtbot, sides="left")
    page = window.session
    page.next_step()
    page.rate(1)
    said.clear()
    run_for(window, clock, 49.9, step=1 / 30)  # one whole set at 30 frames a second
    assert said == ["3 breaths left", "2 breaths left", "Last breath"]
    assert page.engine is not None
    page.engine.end()


# -- a voice that fails ------------------------------------------------------------


@pytest.fixture
def voice_window(
    qtbot: QtBot, catalog: Catalog, private_paths: paths.Paths
) -> Iterator[Callable[[str | None], tuple[MainWindow, list[str]]]]:
    """Makes a window with the voice on and records every status-bar message."""
    made: list[tuple[MainWindow, Store]] = []

    def make(engine: str | None) -> tuple[MainWindow, list[str]]:
        private_paths.ensure()
        store = Store.open(private_paths.database)
        window = MainWindow(
            catalog,
            VOICE_ON,
            private_paths,
            Clocks.following(FakeClock()),
            store,
            voice_engine=engine,
        )
        qtbot.addWidget(window)
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


def test_no_speech_engine_at_all_is_said_once_and_the_session_goes_on(
    qtbot: QtBot,
    voice_window: Callable[[str | None], tuple[MainWindow, list[str]]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(voice_module, "available_engines", list)
    window, messages = voice_window(None)
    clock = window.session.clock
    assert isinstance(clock, FakeClock)
    before = time.monotonic()
    start(window, qtbot, sides="left")
    run_for(window, clock, 5)
    window.session.rate(4)
    run_for(window, clock, 51)
    assert time.monotonic() - before < 5
    voice_messages = [m for m in messages if m.startswith("Voice is off")]
    assert voice_messages == [
        "Voice is off: no speech engine is installed. Steps are shown as text."
    ]
    assert not window.voice.available
    engine = window.session.engine
    assert engine is not None and engine.step.kind is StepKind.TRANSITION
    assert window.session.notice.text().startswith("Next: Extra pressure 1 of 3")


def test_an_engine_that_is_not_installed_is_said_once(
    qtbot: QtBot, voice_window: Callable[[str | None], tuple[MainWindow, list[str]]]
) -> None:
    window, messages = voice_window("no-such-engine")
    clock = window.session.clock
    assert isinstance(clock, FakeClock)
    start(window, qtbot, sides="left")
    run_for(window, clock, 5)
    window.session.rate(4)
    run_for(window, clock, 20)
    voice_messages = [m for m in messages if m.startswith("Voice is off")]
    assert voice_messages == ["Voice is off: the speech engine 'no-such-engine' is not installed."]


def test_qts_silent_test_engine_is_never_chosen(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(QTextToSpeech, "availableEngines", staticmethod(lambda: ["mock"]))
    assert voice_module.available_engines() == []
    monkeypatch.setattr(
        QTextToSpeech, "availableEngines", staticmethod(lambda: ["mock", "speechd"])
    )
    assert voice_module.available_engines() == ["speechd"]


class StuckEngine(QObject):
    """Answers like QTextToSpeech but, like speech-dispatcher with no sound server,
    never leaves the Speaking state."""

    stateChanged = Signal(object)  # noqa: N815  (QTextToSpeech's name)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.said: list[str] = []
        self.stops = 0
        self._state = QTextToSpeech.State.Ready

    def state(self) -> QTextToSpeech.State:
        return self._state

    def errorString(self) -> str:
        return ""

    def setVolume(self, volume: float) -> None:
        pass

    def say(self, text: str) -> None:
        self.said.append(text)
        self._state = QTextToSpeech.State.Speaking
        self.stateChanged.emit(self._state)

    def stop(self) -> None:
        self.stops += 1  # and yet it goes on "speaking"


class StuckVoice(Voice):
    def __init__(self) -> None:
        super().__init__("stuck", watchdog_ms=150, per_word_ms=0)
        self.fake = StuckEngine(self)

    def create_engine(self, name: str) -> Any:
        assert name == "stuck"
        return self.fake


def test_an_engine_stuck_speaking_is_given_up_once_and_never_blocks(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(QTextToSpeech, "availableEngines", staticmethod(lambda: ["stuck"]))
    voice = StuckVoice()
    problems: list[str] = []
    captions: list[str] = []
    voice.problem.connect(problems.append)
    voice.spoken.connect(captions.append)
    voice.say("Left side. Place the tool.")
    assert voice.available and voice.fake.said == ["Left side. Place the tool."]
    qtbot.waitUntil(lambda: bool(problems), timeout=3000)
    assert problems == [
        "Voice is off: the speech engine stopped answering (is a sound server running?). "
        "Steps are shown as text."
    ]
    assert voice.broken and not voice.available
    assert voice.fake.stops == 1
    began = time.monotonic()
    for text in ("3 breaths left", "2 breaths left", "Last breath"):
        voice.say(text)
    assert time.monotonic() - began < 0.5
    assert voice.fake.said == ["Left side. Place the tool."]  # silent from now on
    assert captions[-1] == "Last breath"
    qtbot.wait(300)
    assert len(problems) == 1
    assert not voice._watchdog.isActive()


def test_a_slow_but_working_engine_is_not_given_up(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(QTextToSpeech, "availableEngines", staticmethod(lambda: ["stuck"]))
    voice = StuckVoice()
    problems: list[str] = []
    voice.problem.connect(problems.append)
    voice.say("Base set. Breathe in.")
    voice.fake._state = QTextToSpeech.State.Ready
    voice.fake.stateChanged.emit(QTextToSpeech.State.Ready)
    qtbot.wait(300)
    assert problems == [] and voice.available
    voice.shutdown()


# -- the real speech-dispatcher with no sound server ------------------------------------


@pytest.fixture
def speech_dispatcher(monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A private speech-dispatcher whose only audio output is a sound server that
    does not exist. Yields its socket; stopped (with its modules) afterwards."""
    binary = shutil.which("speech-dispatcher")
    config = Path("/etc/speech-dispatcher")
    if binary is None or not (config / "speechd.conf").is_file():
        pytest.skip("speech-dispatcher is not installed (apt install speech-dispatcher espeak-ng)")
    runtime = Path(tempfile.mkdtemp(prefix="pt-speechd-"))
    conf = runtime / "conf"
    shutil.copytree(config, conf)
    with (conf / "speechd.conf").open("a", encoding="utf-8") as handle:
        handle.write('\nAudioOutputMethod "pulse"\n')
    socket = runtime / "speechd.sock"
    env = {
        **os.environ,
        "XDG_RUNTIME_DIR": str(runtime),
        "HOME": str(runtime),
        "PULSE_SERVER": f"unix:{runtime}/no-sound-server",
    }
    daemon = subprocess.Popen(
        [
            binary,
            *("--run-single", "--timeout", "0", "-c", "unix_socket", "-S", str(socket)),
            *("-C", str(conf), "-L", str(runtime), "-P", str(runtime / "pid")),
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # its output modules share its process group
    )
    try:
        deadline = time.monotonic() + 10
        while not socket.exists():
            if daemon.poll() is not None or time.monotonic() > deadline:
                pytest.skip("speech-dispatcher did not start within 10 s")
            time.sleep(0.05)
        monkeypatch.setenv("SPEECHD_ADDRESS", f"unix_socket:{socket}")
        yield socket
    finally:
        for sig, wait in ((signal.SIGTERM, 3), (signal.SIGKILL, 5)):
            try:
                os.killpg(daemon.pid, sig)
                daemon.wait(timeout=wait)
                break
            except ProcessLookupError:
                break
            except subprocess.TimeoutExpired:
                continue
        shutil.rmtree(runtime, ignore_errors=True)


@pytest.mark.slow
@pytest.mark.subprocess
def test_speech_dispatcher_without_a_sound_server_is_given_up(
    qtbot: QtBot, speech_dispatcher: Path
) -> None:
    if "speechd" not in voice_module.available_engines():
        pytest.skip("Qt's speech-dispatcher plugin is not installed")
    voice = Voice(watchdog_ms=1500, per_word_ms=0)
    problems: list[str] = []
    states: list[object] = []
    voice.problem.connect(problems.append)
    try:
        began = time.monotonic()
        voice.say("Left side. Place the tool on your left side.")
        assert time.monotonic() - began < 8, "starting the engine must not hang the app"
        if voice._tts is not None:
            voice._tts.stateChanged.connect(states.append)
        qtbot.waitUntil(lambda: bool(problems), timeout=10_000)
        if QTextToSpeech.State.Ready in states:
            pytest.skip("speech-dispatcher found a way to play sound here")
        assert len(problems) == 1
        assert problems[0].startswith("Voice is off:"), problems
        began = time.monotonic()
        voice.say("Last breath")
        assert time.monotonic() - began < 0.5
        qtbot.wait(200)
        assert len(problems) == 1
    finally:
        voice.shutdown()
        if voice._tts is not None:
            voice._tts.deleteLater()
        qtbot.wait(50)
