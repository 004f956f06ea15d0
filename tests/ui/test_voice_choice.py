"""The voice chosen in Settings: listed from the engine, applied on the speech thread."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict
from pathlib import Path

import pytest
from PySide6.QtCore import QLocale, Slot
from PySide6.QtTextToSpeech import QTextToSpeech, QVoice
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from psoas_timer.core.settings import Settings, read_settings
from psoas_timer.core.voices import (
    SAMPLE_SENTENCE,
    VoiceOption,
    is_debian_like,
    order_voices,
    speech_missing_text,
)
from psoas_timer.services import voice as voice_module
from psoas_timer.services.voice import Voice
from psoas_timer.ui.dialogs.settings import SettingsDialog
from psoas_timer.ui.main_window import MainWindow
from tests.hangs import HELD_S, GuiTicks
from tests.helpers import QUICK_SETTINGS, run_driver
from tests.ui.test_audio import pulse, speech_into
from tests.ui.test_voice import FakeEngine, FakeVoice, fake_voice

__all__ = ["fake_voice", "pulse", "speech_into"]  # fixtures, used by name


@pytest.fixture(scope="module")
def qt_voices() -> Iterator[list[QVoice]]:
    """Real QVoice values, from Qt's silent test engine: Bob and Anne (en_GB), Charly and
    Mary (en_US), and Norwegian and Finnish voices."""
    mock = QTextToSpeech("mock")
    # None: every locale, as the C++ null pointer (the stubs know only a locale).
    yield list(mock.allVoices(None))  # type: ignore[arg-type]
    mock.deleteLater()


class ChoosingEngine(FakeEngine):
    """A fake engine with voices in several languages, as speech-dispatcher has."""

    def __init__(self, voices: list[QVoice], **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.voices = voices
        self._voice = QVoice()

    def availableLocales(self) -> list[QLocale]:
        return sorted({v.locale() for v in self.voices}, key=QLocale.name)

    def allVoices(self, locale: QLocale | None) -> list[QVoice]:
        return list(self.voices)

    def availableVoices(self) -> list[QVoice]:
        return [v for v in self.voices if v.locale().name() == self._locale.name()]

    @Slot(QVoice)
    def setVoice(self, voice: QVoice) -> None:
        self._enter("setVoice", voice.name())
        self._voice = voice

    def voice(self) -> QVoice:
        return self._voice

    @Slot(float)
    def setRate(self, rate: float) -> None:
        self._enter("setRate", rate)


def show_voice_tab(dialog: SettingsDialog) -> None:
    titles = [dialog.tabs.tabText(i) for i in range(dialog.tabs.count())]
    dialog.tabs.setCurrentIndex(titles.index("Sound and voice"))


def ready(qtbot: QtBot, voice: FakeVoice) -> None:
    voice.preload()
    qtbot.waitUntil(lambda: voice.available, timeout=3000)


def test_the_voices_that_read_the_steps_language_are_listed_from_the_speech_thread(
    qtbot: QtBot, fake_voice: Callable[..., FakeVoice], qt_voices: list[QVoice]
) -> None:
    fake = ChoosingEngine(qt_voices, start_s=0.3)
    voice = fake_voice(fake)
    listed: list[list[VoiceOption]] = []
    voice.voices_listed.connect(listed.append)
    ticks = GuiTicks()
    began = time.monotonic()
    voice.request_voices()  # starts the engine, which takes 0.3 s here
    assert time.monotonic() - began < HELD_S and listed == []
    qtbot.waitUntil(lambda: bool(listed), timeout=3000)
    assert ticks.stop() < HELD_S, "the GUI thread waited for the engine"
    names = [(option.locale, option.name) for option in listed[0]]
    # en_GB is the steps' own language: its voices first, then the other English;
    # Norwegian and Finnish voices cannot read the steps and are not offered.
    assert names == [("en_GB", "Anne"), ("en_GB", "Bob"), ("en_US", "Charly"), ("en_US", "Mary")]
    assert threading.get_ident() not in fake.threads


def test_a_chosen_voice_and_rate_reach_the_running_engine(
    qtbot: QtBot, fake_voice: Callable[..., FakeVoice], qt_voices: list[QVoice]
) -> None:
    fake = ChoosingEngine(qt_voices)
    voice = fake_voice(fake)
    voice.set_voice("Mary", "en_US")
    voice.set_rate(-0.3)
    ready(qtbot, voice)
    # Chosen before the engine started: it starts with them.
    assert voice.speaking_as == ("en_US", "Mary")
    qtbot.waitUntil(lambda: ("setRate", -0.3) in fake.calls, timeout=2000)
    # Changed while it runs: applied at once, on the speech thread.
    voice.set_voice("Bob", "")
    qtbot.waitUntil(lambda: voice.speaking_as == ("en_GB", "Bob"), timeout=2000)
    voice.set_rate(0.4)
    qtbot.waitUntil(lambda: ("setRate", 0.4) in fake.calls, timeout=2000)
    # A voice of another language than the steps' is not used to read them.
    voice.set_voice("Kari", "fi_FI")
    qtbot.wait(300)
    assert voice.speaking_as == ("en_GB", "Bob")
    assert ("setLocale", "fi_FI") not in fake.calls
    assert threading.get_ident() not in fake.threads


def test_test_voice_speaks_the_sample_even_with_spoken_steps_off(
    qtbot: QtBot, fake_voice: Callable[..., FakeVoice], qt_voices: list[QVoice]
) -> None:
    fake = ChoosingEngine(qt_voices)
    voice = fake_voice(fake)
    voice.set_enabled(False)
    dialog = SettingsDialog(QUICK_SETTINGS, voice=voice)
    qtbot.addWidget(dialog)
    dialog.show()
    show_voice_tab(dialog)
    box = dialog.voice_box
    qtbot.waitUntil(lambda: box.choice.findData("Charly") >= 0, timeout=3000)
    assert box.status.isHidden()
    assert [box.language.itemData(i) for i in range(box.language.count())] == [
        "",
        "en_GB",
        "en_US",
    ]
    box.choice.setCurrentIndex(box.choice.findData("Charly"))
    box.language.setCurrentIndex(box.language.findData("en_US"))
    box.rate.setValue(2)
    box.test.click()
    qtbot.waitUntil(lambda: fake.said() == [SAMPLE_SENTENCE], timeout=3000)
    assert voice.speaking_as == ("en_US", "Charly")
    assert ("setRate", 0.2) in fake.calls
    # Cancelled: the voice in use before comes back.
    dialog.reject()
    qtbot.waitUntil(lambda: voice.speaking_as == ("en_GB", "Bob"), timeout=2000)
    assert dialog.result_settings().voice_name == "Charly"


def test_with_no_speech_engine_the_list_says_what_to_install(qtbot: QtBot) -> None:
    voice = Voice("no-such-engine")
    dialog = SettingsDialog(QUICK_SETTINGS, voice=voice)
    qtbot.addWidget(dialog)
    dialog.show()
    box = dialog.voice_box
    assert box.status.isHidden(), "nothing asked before the tab is shown"
    show_voice_tab(dialog)
    qtbot.waitUntil(lambda: "speech-dispatcher" in box.status.text(), timeout=3000)
    assert box.status.isVisible() and "is not installed" in box.status.text()
    # The choice saved stays as it was.
    assert dialog.result_settings() == QUICK_SETTINGS
    voice.shutdown()


def test_the_placement_page_says_when_the_steps_will_not_be_spoken(
    qtbot: QtBot, make_window: Callable[..., MainWindow], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(QTextToSpeech, "availableEngines", staticmethod(lambda: ["mock"]))
    window = make_window(settings=QUICK_SETTINGS.with_changes(voice=True))
    window.show()
    note: QLabel = window.placement.speech_note
    window.show_tool("ql-claw")
    qtbot.waitUntil(note.isVisible, timeout=2000)
    assert note.text().startswith("Voice is off: no speech engine is installed")
    assert "speech-dispatcher" in note.text()
    assert note.textFormat().name == "PlainText" and note.accessibleName()
    window.update_settings(window.settings.with_changes(voice=False))
    assert not note.isVisible(), "spoken steps are off: nothing is missing"
    window.update_settings(window.settings.with_changes(voice=True))
    assert note.isVisible()


def test_the_placement_page_is_quiet_when_the_voice_works(
    qtbot: QtBot, make_window: Callable[..., MainWindow], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(QTextToSpeech, "availableEngines", staticmethod(lambda: ["mock", "fake"]))
    monkeypatch.setattr(Voice, "create_engine", lambda self: FakeEngine())
    window = make_window(settings=QUICK_SETTINGS.with_changes(voice=True))
    window.show()
    window.show_tool("ql-claw")
    qtbot.waitUntil(lambda: window.voice.available, timeout=3000)
    assert not window.placement.speech_note.isVisible()


def test_voice_settings_round_trip_and_bad_ones_reset_only_themselves() -> None:
    chosen = Settings(voice_name="Mary", voice_locale="en_US", voice_rate=0.3)
    assert read_settings(asdict(chosen)) == (chosen, {})
    settings, reset = read_settings(
        {
            "voice_name": "x" * 500,
            "voice_locale": "../../etc",
            "voice_rate": float("inf"),
            "volume": 40,
        }
    )
    assert set(reset) == {"voice_name", "voice_locale", "voice_rate"}
    assert settings.volume == 40
    assert (settings.voice_name, settings.voice_locale, settings.voice_rate) == ("", "", 0.0)
    assert read_settings({"voice_rate": 1})[1].keys() == {"voice_rate"}
    assert read_settings({"voice_rate": True})[1].keys() == {"voice_rate"}
    assert read_settings({"voice_rate": 0})[0].voice_rate == 0.0


def test_an_engine_that_does_not_answer_is_named_rather_than_sent_for(
    qtbot: QtBot, fake_voice: Callable[..., FakeVoice]
) -> None:
    fake = FakeEngine(hang_in="setEngine")
    voice = fake_voice(fake, create_ms=300)
    dialog = SettingsDialog(QUICK_SETTINGS, voice=voice)
    qtbot.addWidget(dialog)
    dialog.show()
    show_voice_tab(dialog)
    box = dialog.voice_box
    qtbot.waitUntil(lambda: box.status.text() == voice_module.NOT_ANSWERING, timeout=3000)
    assert voice.off_text == voice_module.NOT_ANSWERING
    assert "install" not in box.status.text()


def test_the_install_line_fits_the_system() -> None:
    assert is_debian_like("ID=ubuntu\nID_LIKE=debian\n")
    assert is_debian_like('ID=linuxmint\nID_LIKE="ubuntu debian"\n')
    assert not is_debian_like("ID=fedora\n")
    assert not is_debian_like("ID_LIKE=debianish\n")


def test_espeak_timbres_and_other_languages_are_not_offered() -> None:
    voices = [
        VoiceOption("en_US", "English (America)"),
        VoiceOption("en_GB", "English (Great Britain)+Adam"),
        VoiceOption("en_GB", "English (Scotland)"),
        VoiceOption("en_GB", "English (Great Britain)"),
        VoiceOption("fr_FR", "French"),
        VoiceOption("en_GB", "English (Scotland)"),
    ]
    assert order_voices(voices, "en_GB") == [
        VoiceOption("en_GB", "English (Great Britain)"),
        VoiceOption("en_GB", "English (Scotland)"),
        VoiceOption("en_US", "English (America)"),
    ]


def test_the_install_line_names_the_packages_on_debian_and_says_it_plainly_elsewhere(
    tmp_path: Path,
) -> None:
    debian, fedora = tmp_path / "debian", tmp_path / "fedora"
    debian.write_text("ID=debian\n", encoding="utf-8")
    fedora.write_text("ID=fedora\n", encoding="utf-8")
    assert "apt install speech-dispatcher speech-dispatcher-espeak-ng" in speech_missing_text(
        os_release=debian
    )
    elsewhere = speech_missing_text("Voice is off.", os_release=fedora)
    assert elsewhere.startswith("Voice is off. To hear them, install speech-dispatcher")
    assert "apt" not in elsewhere
    assert "apt" not in speech_missing_text(os_release=tmp_path / "missing")


@pytest.mark.audio
@pytest.mark.slow
@pytest.mark.subprocess
def test_the_real_speech_dispatcher_lists_english_voices_and_speaks_with_the_one_chosen(
    speech_into: dict[str, str],
) -> None:
    report = run_driver("tests.ui.voice_choice_driver", speech_into, 90)
    assert report["problems"] == [], report
    voices = [tuple(voice) for voice in report["voices"]]
    assert voices and all(locale.startswith("en_") for locale, _ in voices), voices
    assert voices[0][0] == "en_GB" and not any("+" in name for _, name in voices), voices
    chosen = tuple(report["chosen"])
    assert chosen[0] != "en_GB"
    # The sample was said to its end, by the voice chosen, in its English.
    assert report["finished"] == SAMPLE_SENTENCE
    assert tuple(report["after"]) == chosen, report
