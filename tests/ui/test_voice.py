"""Spoken announcements: what is said during a session, and a voice that fails quietly."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QLocale, QObject, QTimer, Signal, Slot
from PySide6.QtTextToSpeech import QTextToSpeech, QVoice
from pytestqt.qtbot import QtBot

from psoas_timer import paths
from psoas_timer.core.catalog import Catalog
from psoas_timer.core.clock import Clocks, FakeClock
from psoas_timer.core.engine import State
from psoas_timer.core.events import StepStarted
from psoas_timer.core.plan import Step, StepKind
from psoas_timer.services import voice as voice_module
from psoas_timer.services import voice_engine
from psoas_timer.services.voice import Voice
from psoas_timer.store import Store
from psoas_timer.ui.main_window import MainWindow
from psoas_timer.ui.session.speaker import CHIME_CLEAR_S, CUE_CLEAR_S
from tests.hangs import HELD_S, GuiTicks
from tests.helpers import QUICK_SETTINGS, run_driver
from tests.qt_helpers import run_for, run_until, start_session
from tests.speechd import private_speech_dispatcher

VOICE_ON = QUICK_SETTINGS.with_changes(voice=True)


@pytest.fixture(autouse=True)
def quit_without_asking(monkeypatch: pytest.MonkeyPatch) -> None:
    """pytest-qt closes windows before fixtures end their sessions; never ask "quit?"."""
    monkeypatch.setattr("psoas_timer.ui.prompts.confirm", lambda *args, **kwargs: True)


def start(window: MainWindow, qtbot: QtBot, sides: str = "both") -> None:
    start_session(window, "ql-claw", sides)
    assert window.session.engine is not None


# -- what is announced -------------------------------------------------------------


def test_every_step_says_its_own_words_after_its_sound_and_the_last_breaths(
    qtbot: QtBot, make_window: Callable[..., MainWindow], monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = FakeClock()
    window = make_window(clock)  # voice off in the settings: captions only
    said: list[tuple[int, float, str]] = []  # step index, clock time, words
    captions: list[str] = []
    original = window.voice.say

    def say(text: str, *, interrupt: bool = False) -> None:
        engine = window.session.engine
        said.append((engine.index if engine is not None else -1, clock.now(), text))
        original(text, interrupt=interrupt)

    monkeypatch.setattr(window.voice, "say", say)
    window.voice.spoken.connect(captions.append)
    started: dict[int, tuple[float, Step]] = {}
    window.session.engine_started.connect(
        lambda engine: engine.subscribe(
            lambda event: (
                started.setdefault(event.index, (clock.now(), event.step))
                if isinstance(event, StepStarted)
                else None
            )
        )
    )
    start(window, qtbot)
    page = window.session
    engine = page.engine
    assert engine is not None
    answers = iter(["more", "off", "more", "again", "off"])
    while engine.state is not State.FINISHED:
        step = engine.step
        if step.kind is StepKind.RATING:
            page.rate(3)
        elif step.kind is StepKind.STRETCH:
            page.next_step()
        elif step.kind is StepKind.QUESTION:
            run_for(window, clock, 2)
            engine.answer(next(answers))  # type: ignore[arg-type]
        else:
            run_for(window, clock, 0.5)

    # Shown either way: every announcement became the caption under the ring.
    assert captions == [text for _, _, text in said]
    assert said[-1][2] == page.notice.text()
    assert said[-1][2].startswith("Session complete. Left side: tenderness from 3 to 3.")
    kinds = [step.kind for _, step in started.values()]
    assert kinds.count(StepKind.SET) == 5 and kinds.count(StepKind.SWITCH_SIDE) == 1
    for index, (began, step) in started.items():
        texts = [text for at, _, text in said if at == index]
        if step.kind is StepKind.DONE:
            continue
        assert texts[0] == step.words.spoken, step.title
        first = next(at for i, at, _ in said if i == index)
        if step.kind is StepKind.SET:
            # After the breath-in tone, then the last three breaths counted down.
            assert CUE_CLEAR_S <= first - began < CUE_CLEAR_S + 0.5
            assert texts[1:] == ["3 breaths left", "2 breaths left", "Last breath"]
        elif step.kind in (StepKind.COUNTDOWN, StepKind.SWITCH_SIDE, StepKind.TRANSITION):
            assert CHIME_CLEAR_S <= first - began < CHIME_CLEAR_S + 0.5  # after the chime
            assert texts == [step.words.spoken]
        else:
            assert texts == [step.words.spoken]
    spoken = " ".join(text for _, _, text in said)
    # The stop line is said at the start of each side and before each extra level.
    during = engine.plan.safety.during_set
    assert spoken.count(during) == 2 + 2
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
    assert said == ["Base set. Breathe in.", "3 breaths left", "2 breaths left", "Last breath"]
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
    run_until(window, clock, StepKind.RATING)
    window.session.rate(4)
    run_for(window, clock, 51)
    assert time.monotonic() - before < 5
    voice_messages = [m for m in messages if m.startswith("Voice is off")]
    assert voice_messages == [
        "Voice is off: no speech engine is installed. Steps are shown as text."
    ]
    assert not window.voice.available
    engine = window.session.engine
    assert engine is not None and engine.step.kind is StepKind.QUESTION
    assert window.session.notice.text().startswith("More pressure?")


def test_an_engine_that_is_not_installed_is_said_once(
    qtbot: QtBot, voice_window: Callable[[str | None], tuple[MainWindow, list[str]]]
) -> None:
    window, messages = voice_window("no-such-engine")
    clock = window.session.clock
    assert isinstance(clock, FakeClock)
    start(window, qtbot, sides="left")
    run_until(window, clock, StepKind.RATING)
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


# -- a speech engine on its own thread ---------------------------------------------

READY = QTextToSpeech.State.Ready
SPEAKING = QTextToSpeech.State.Speaking


class FakeEngine(QObject):
    """Answers like QTextToSpeech, from the speech thread.

    ``hang_in`` names the call that never returns: it waits, without holding
    Python's lock, until ``release`` is set, as a call into a speech daemon that
    never answers waits inside C++. ``speak_s`` is how long saying something
    takes (None: it goes on "speaking" for ever, like speech-dispatcher with no
    sound server).
    """

    stateChanged = Signal(object)  # noqa: N815  (QTextToSpeech's name)

    def __init__(
        self, *, hang_in: str | None = None, start_s: float = 0.0, speak_s: float | None = 0.05
    ) -> None:
        super().__init__()
        self.hang_in = hang_in
        self.start_s = start_s
        self.speak_s = speak_s
        self.release = threading.Event()
        self.calls: list[tuple[str, object]] = []
        self.threads: set[int] = set()
        self._state = QTextToSpeech.State.Error
        self._utterance = 0
        self._locale = QLocale("C")

    def _enter(self, name: str, argument: object = None) -> None:
        self.calls.append((name, argument))
        self.threads.add(threading.get_ident())
        if self.hang_in == name:
            self.release.wait(60)

    def _set(self, state: QTextToSpeech.State) -> None:
        self._state = state
        self.stateChanged.emit(state)

    def said(self) -> list[object]:
        return [argument for name, argument in self.calls if name == "say"]

    def state(self) -> QTextToSpeech.State:
        return self._state

    def errorString(self) -> str:
        return ""

    @Slot(str, result=bool)
    def setEngine(self, name: str) -> bool:
        self._enter("setEngine", name)
        time.sleep(self.start_s)
        self._set(READY)
        return True

    @Slot(str)
    def say(self, text: str) -> None:
        self._enter("say", text)
        self._utterance += 1
        self._set(SPEAKING)
        if self.speak_s is not None:
            utterance = self._utterance
            QTimer.singleShot(int(self.speak_s * 1000), lambda: self._done(utterance))

    def _done(self, utterance: int) -> None:
        if utterance == self._utterance and self._state == SPEAKING:
            self._set(READY)

    @Slot()
    def stop(self) -> None:
        self._enter("stop")
        if self._state == SPEAKING:
            self._set(READY)

    @Slot(float)
    def setVolume(self, volume: float) -> None:
        self._enter("setVolume", volume)

    # The engine's lists are read without waiting on it; setting its locale may wait.
    def availableLocales(self) -> list[QLocale]:
        return [QLocale("bn_IN"), QLocale("en_US"), QLocale("en_GB")]

    def locale(self) -> QLocale:
        return self._locale

    @Slot(QLocale)
    def setLocale(self, locale: QLocale) -> None:
        self._enter("setLocale", locale.name())
        self._locale = locale

    def availableVoices(self) -> list[QVoice]:
        return []

    def voice(self) -> QVoice:
        return QVoice()


class FakeVoice(Voice):
    def __init__(self, fake: FakeEngine, **timings: Any) -> None:
        super().__init__("fake", None, **timings)
        self.fake = fake

    def create_engine(self) -> QObject:
        return self.fake


@pytest.fixture
def fake_voice(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[..., FakeVoice]]:
    """Makes voices on fake engines; shuts them down and frees stuck ones afterwards."""
    monkeypatch.setattr(QTextToSpeech, "availableEngines", staticmethod(lambda: ["fake"]))
    made: list[FakeVoice] = []

    def make(fake: FakeEngine, **timings: int) -> FakeVoice:
        voice = FakeVoice(fake, **timings)
        made.append(voice)
        return voice

    yield make
    for voice in made:
        voice.shutdown()
        voice.fake.release.set()


def test_an_engine_that_never_finishes_starting_never_blocks_the_gui(
    qtbot: QtBot, fake_voice: Callable[..., FakeVoice]
) -> None:
    fake = FakeEngine(hang_in="setEngine")
    voice = fake_voice(fake, create_ms=1000)
    problems: list[str] = []
    finished: list[str] = []
    voice.problem.connect(problems.append)
    voice.finished_speaking.connect(finished.append)
    ticks = GuiTicks()
    began = time.monotonic()
    voice.say("Left side. Place the tool.")
    assert time.monotonic() - began < HELD_S
    assert not voice.available and not voice.broken  # still starting
    qtbot.waitUntil(lambda: bool(problems), timeout=5000)
    gave_up_after = time.monotonic() - began
    assert 0.99 <= gave_up_after < 2.0, gave_up_after
    assert problems == [voice_module.NOT_ANSWERING]
    assert voice.broken and not voice.available
    # The announcement that waited for the engine is over: a session waiting on it goes on.
    assert finished == ["Left side. Place the tool."]
    assert fake.calls == [("setEngine", "fake")]  # and it is still in there
    assert threading.get_ident() not in fake.threads
    began = time.monotonic()
    for text in ("3 breaths left", "2 breaths left", "Last breath"):
        voice.say(text)
    voice.stop()
    voice.shutdown()
    assert time.monotonic() - began < HELD_S
    qtbot.waitUntil(lambda: len(finished) == 4, timeout=1000)
    assert ticks.stop() < HELD_S, "the GUI thread was blocked"
    assert fake.calls == [("setEngine", "fake")] and len(problems) == 1


def test_an_engine_that_hangs_while_speaking_is_given_up_and_quitting_does_not_wait(
    qtbot: QtBot, fake_voice: Callable[..., FakeVoice]
) -> None:
    fake = FakeEngine(hang_in="say")
    voice = fake_voice(fake, watchdog_ms=300, per_word_ms=0)
    problems: list[str] = []
    voice.problem.connect(problems.append)
    ticks = GuiTicks()
    voice.say("Base set. Breathe in.")
    qtbot.waitUntil(lambda: fake.said() == ["Base set. Breathe in."], timeout=2000)
    qtbot.waitUntil(lambda: bool(problems), timeout=3000)
    assert problems == [voice_module.STOPPED_ANSWERING]
    began = time.monotonic()
    voice.say("Last breath")
    voice.shutdown()
    assert time.monotonic() - began < HELD_S
    assert ticks.stop() < HELD_S
    assert fake.said() == ["Base set. Breathe in."]


def test_shutting_down_while_the_engine_is_stuck_waits_only_briefly(
    qtbot: QtBot, fake_voice: Callable[..., FakeVoice]
) -> None:
    fake = FakeEngine(hang_in="setEngine")
    voice = fake_voice(fake, create_ms=60_000)
    voice.preload()
    qtbot.waitUntil(lambda: bool(fake.calls), timeout=2000)
    began = time.monotonic()
    voice.shutdown()
    took = time.monotonic() - began
    assert voice_module.SHUTDOWN_WAIT_S <= took < voice_module.SHUTDOWN_WAIT_S + HELD_S


def test_shutting_down_while_the_engine_starts_reports_nothing_later(
    qtbot: QtBot, fake_voice: Callable[..., FakeVoice]
) -> None:
    fake = FakeEngine(hang_in="setEngine")
    voice = fake_voice(fake, create_ms=200)
    problems: list[str] = []
    voice.problem.connect(problems.append)
    voice.preload()
    qtbot.waitUntil(lambda: bool(fake.calls), timeout=2000)
    voice.shutdown()
    qtbot.wait(500)  # past the start-up bound: a stray watchdog would say "Voice is off"
    assert problems == []
    assert not voice.broken


def test_an_engine_stuck_speaking_is_given_up_once_and_asked_to_stop(
    qtbot: QtBot, fake_voice: Callable[..., FakeVoice]
) -> None:
    fake = FakeEngine(speak_s=None)
    voice = fake_voice(fake, watchdog_ms=150, per_word_ms=0)
    problems: list[str] = []
    captions: list[str] = []
    voice.problem.connect(problems.append)
    voice.spoken.connect(captions.append)
    voice.say("Left side. Place the tool.")
    qtbot.waitUntil(lambda: voice.available, timeout=2000)
    qtbot.waitUntil(lambda: bool(problems), timeout=3000)
    assert problems == [voice_module.STOPPED_ANSWERING]
    assert voice.broken and not voice.available
    qtbot.waitUntil(lambda: ("stop", None) in fake.calls, timeout=2000)
    began = time.monotonic()
    for text in ("3 breaths left", "2 breaths left", "Last breath"):
        voice.say(text)
    assert time.monotonic() - began < HELD_S
    assert fake.said() == ["Left side. Place the tool."]  # silent from now on
    assert captions[-1] == "Last breath"
    qtbot.wait(300)
    assert len(problems) == 1 and fake.calls.count(("stop", None)) == 1


def test_a_slow_but_working_engine_speaks_what_was_said_while_it_started(
    qtbot: QtBot, fake_voice: Callable[..., FakeVoice]
) -> None:
    fake = FakeEngine(start_s=0.3, speak_s=0.1)
    voice = fake_voice(fake, create_ms=2000, watchdog_ms=400, per_word_ms=0)
    problems: list[str] = []
    finished: list[str] = []
    voice.problem.connect(problems.append)
    voice.finished_speaking.connect(finished.append)
    voice.set_volume(0.4)
    voice.say("Countdown.")
    voice.say("Left side. Place the tool.")  # waits for the one before it
    assert finished == []
    qtbot.waitUntil(lambda: finished == ["Countdown.", "Left side. Place the tool."], timeout=3000)
    assert voice.available and problems == []
    assert fake.said() == ["Countdown.", "Left side. Place the tool."]
    assert ("setVolume", 0.4) in fake.calls
    voice.say("Base set. Breathe in.")
    voice.say("3 breaths left")  # said once the one before has finished
    assert voice.busy and finished[-1] == "Left side. Place the tool."
    qtbot.waitUntil(lambda: finished[-1] == "3 breaths left", timeout=2000)
    assert finished[-2:] == ["Base set. Breathe in.", "3 breaths left"]
    assert fake.said()[-2:] == ["Base set. Breathe in.", "3 breaths left"]
    assert ("stop", None) not in fake.calls, "nothing was cut short"
    qtbot.wait(600)  # longer than the watchdog: nothing is given up
    assert problems == [] and voice.available
    assert threading.get_ident() not in fake.threads and len(fake.threads) == 1


def test_only_an_urgent_announcement_cuts_in(
    qtbot: QtBot, fake_voice: Callable[..., FakeVoice]
) -> None:
    fake = FakeEngine(speak_s=0.4)
    voice = fake_voice(fake, watchdog_ms=2000, per_word_ms=0)
    finished: list[str] = []
    voice.finished_speaking.connect(finished.append)
    voice.say("Extra pressure 1: glute squeeze.")
    voice.say("Next words.")
    voice.say("And more.")
    qtbot.waitUntil(lambda: fake.said() == ["Extra pressure 1: glute squeeze."], timeout=3000)
    voice.say("Paused", interrupt=True)
    assert finished == ["Extra pressure 1: glute squeeze.", "Next words.", "And more."]
    qtbot.waitUntil(lambda: finished[-1:] == ["Paused"], timeout=3000)
    assert fake.said() == ["Extra pressure 1: glute squeeze.", "Paused"]
    assert fake.calls.count(("stop", None)) == 1


def test_the_engine_speaks_the_language_of_the_words_whatever_the_computers(
    qtbot: QtBot, fake_voice: Callable[..., FakeVoice]
) -> None:
    fake = FakeEngine()
    voice = fake_voice(fake)
    finished: list[str] = []
    voice.finished_speaking.connect(finished.append)
    voice.say("Left side.")
    qtbot.waitUntil(lambda: finished == ["Left side."], timeout=3000)
    names = [name for name, _ in fake.calls]
    assert ("setLocale", "en_GB") in fake.calls
    assert names.index("setLocale") < names.index("say"), "set before the first word"
    assert voice.speaking_as == ("en_GB", "")


class _Named:
    def __init__(self, name: str) -> None:
        self._name = name

    def name(self) -> str:
        return self._name


def test_the_language_and_voice_chosen() -> None:
    gb, us, bn = QLocale("en_GB"), QLocale("en_US"), QLocale("bn_IN")
    system_c, system_us = QLocale("C"), QLocale("en_US")
    assert voice_engine.choose_locale([bn, us, gb], "en_GB", system_c) == gb
    assert voice_engine.choose_locale([bn, us], "en_GB", system_c) == us
    assert voice_engine.choose_locale([bn, QLocale("en_AU"), us], "en_GB", system_us) == us
    assert voice_engine.choose_locale([bn], "en_GB", system_us) is None
    voices = [_Named("English (Caribbean)+Adam"), _Named("English (Great Britain)")]
    chosen = voice_engine.choose_voice(voices)
    assert chosen is not None and chosen.name() == "English (Great Britain)"
    assert voice_engine.choose_voice([]) is None


def test_every_announcement_finishes_later_even_with_no_voice(qtbot: QtBot) -> None:
    voice = Voice("no-such-engine")
    voice.set_enabled(False)
    finished: list[str] = []
    voice.finished_speaking.connect(finished.append)
    voice.say("Switch sides.")
    assert finished == [], "never inside say(): a listener connected after it must hear it"
    qtbot.waitUntil(lambda: finished == ["Switch sides."], timeout=1000)
    voice.set_enabled(True)
    voice.say("Last breath")  # the engine is missing: said once, still finished
    qtbot.waitUntil(lambda: finished == ["Switch sides.", "Last breath"], timeout=1000)
    assert voice.broken


# -- the real speech-dispatcher with no sound server ------------------------------------


@pytest.fixture
def speech_dispatcher(monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A private speech-dispatcher whose only audio output is a sound server that
    does not exist. Yields its socket; stopped (with its modules) afterwards."""
    with private_speech_dispatcher(os.environ) as socket:
        monkeypatch.setenv("SPEECHD_ADDRESS", f"unix_socket:{socket}")
        yield socket


@pytest.mark.slow
@pytest.mark.subprocess
def test_speech_dispatcher_without_a_sound_server_is_given_up(speech_dispatcher: Path) -> None:
    # In a process of its own: the speech thread it gives up on is still waiting
    # inside libspeechd when the fixture stops the daemon, which crashes a process.
    report = run_driver(
        "tests.ui.hung_voice_driver", {**os.environ, "QT_QPA_PLATFORM": "offscreen"}, 60
    )
    assert report["first_say_s"] < HELD_S, "starting the engine must not hold up the app"
    problems = report["problems"]
    if not problems and report["finished"]:
        pytest.skip("speech-dispatcher found a way to play sound here")
    assert len(problems) == 1, problems
    assert problems[0].startswith("Voice is off:"), problems
    assert report["second_say_s"] < HELD_S
    assert report["longest_gap_s"] < HELD_S, "the GUI thread was blocked"


@pytest.mark.slow
@pytest.mark.subprocess
def test_the_real_speech_dispatcher_is_set_to_british_english_with_a_plain_voice(
    qtbot: QtBot, speech_dispatcher: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Under LANG=C speech-dispatcher would read English with its first voice of all.
    monkeypatch.setenv("LANG", "C.UTF-8")
    monkeypatch.setenv("LC_ALL", "C.UTF-8")
    voice = Voice(create_ms=8000)
    try:
        voice.preload()
        qtbot.waitUntil(lambda: voice.speaking_as is not None or voice.broken, timeout=10_000)
        if voice.speaking_as is None:
            pytest.skip("speech-dispatcher did not start an engine here")
        locale, name = voice.speaking_as
        assert locale == "en_GB"
        assert name.startswith("English") and "+" not in name, name
    finally:
        voice.shutdown()


def test_words_due_at_a_breath_tone_wait_until_it_has_rung_out(
    qtbot: QtBot, make_window: Callable[..., MainWindow], monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = FakeClock()
    window = make_window(clock)
    said: list[tuple[float, str]] = []
    monkeypatch.setattr(
        window.voice, "say", lambda text, interrupt=False: said.append((clock.now(), text))
    )
    start(window, qtbot, sides="left")
    page = window.session
    run_until(window, clock, StepKind.RATING)
    page.rate(4)
    set_start = clock.now()
    clock.set(set_start + 20.001)  # breath 3 has just begun; its tone may not have played yet
    page.refresh()
    page.release()
    run_for(window, clock, 2, step=0.05)
    (released,) = [at for at, text in said if text.startswith("Released.")]
    assert released >= set_start + 20 + CUE_CLEAR_S - 1e-6
    # And the count that no longer holds is not said: the set ends with this breath.
    assert not [text for _, text in said if "breaths left" in text]
    assert page.engine is not None
    page.engine.end()
