"""The speech engine's side of the voice: what runs on the speech thread.

Everything here is called on that thread, between two calls into the engine, and
never waits on the speech daemon itself: calls that may wait are queued to the
engine, where they run in C++ without holding Python's lock.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import Q_ARG, QLocale, QMetaObject, QObject, Qt, Signal, Slot

from psoas_timer.core.voices import VoiceOption
from psoas_timer.services import speechd

SPEECH_DISPATCHER = "speechd"
#: What the speech thread reports for a speech-dispatcher that never answered.
SILENT = "Silent"


def choose_locale(available: Sequence[QLocale], wanted: str, system: QLocale) -> QLocale | None:
    """The engine's locale for text written in ``wanted`` (``en_GB``): that locale, else
    the system's own if it has the same language, else the first of that language."""
    target = QLocale(wanted)
    same = [locale for locale in available if locale.language() == target.language()]
    for locale in same:
        if locale.name() == target.name():
            return locale
    for locale in same:
        if locale.name() == system.name():
            return locale
    return min(same, key=lambda locale: locale.name()) if same else None


def choose_voice(voices: Sequence[Any], wanted: str = "") -> Any | None:
    """The voice named ``wanted`` when there is one, else a plain voice: espeak-ng's
    "+Name" variants are the same voice with another timbre."""
    for voice in voices:
        if wanted and voice.name() == wanted:
            return voice
    plain = [voice for voice in voices if "+" not in voice.name()]
    return (plain or list(voices) or [None])[0]


def voice_locale(chosen: str, language: str) -> str:
    """The locale to speak ``language``'s text in: the chosen one if it is of that
    language (``en_US`` for ``en_GB`` text), else the text's own."""
    if chosen and chosen.split("_", 1)[0] == language.split("_", 1)[0]:
        return chosen
    return language


class Reporter(QObject):
    """Lives on the speech thread beside the engine and tells the GUI what it does.

    Its slots run on that thread between two engine calls, so reading the engine
    there is safe and never waits on the daemon.
    """

    state = Signal(str, str)  # QTextToSpeech.State name, the engine's error text
    created = Signal(str, str)  # the same, or SILENT, once the engine has been loaded
    configured = Signal(str, str)  # the locale and voice it speaks with
    listed = Signal(object)  # list[VoiceOption], every voice the engine offers

    def __init__(self, engine: Any, language: str, name: str = "", locale: str = "") -> None:
        super().__init__()
        self._engine = engine
        self._language = language
        self._locale = voice_locale(locale, language)
        self._voice_name = name
        self._starting = False  # the engine is ready once it is configured

    @Slot(str, str)
    def choose(self, name: str, locale: str) -> None:
        """Speak with the voice ``name`` of ``locale`` from now on (empty: the plain one)."""
        self._voice_name = name
        self._locale = voice_locale(locale, self._language)
        QMetaObject.invokeMethod(self, "configure", Qt.ConnectionType.QueuedConnection)

    @Slot()
    def list_voices(self) -> None:
        # Read from what the engine learnt when it started: never waits on the daemon.
        every = getattr(self._engine, "allVoices", None)
        voices = every(None) if every is not None else self._engine.availableVoices()
        self.listed.emit([VoiceOption(v.locale().name(), v.name()) for v in voices])

    @Slot(str, float)
    def start(self, name: str, timeout_s: float) -> None:
        if name == SPEECH_DISPATCHER and speechd.probe(timeout_s) is speechd.Answer.SILENT:
            self.created.emit(SILENT, "")
            return
        # Queued rather than called: the event loop loads the engine in C++, where
        # a wait for the daemon does not hold Python's lock as this slot would.
        QMetaObject.invokeMethod(
            self._engine, "setEngine", Qt.ConnectionType.QueuedConnection, Q_ARG(str, name)
        )
        QMetaObject.invokeMethod(self, "report", Qt.ConnectionType.QueuedConnection)

    @Slot(object)
    def forward_state(self, state: Any) -> None:
        self.state.emit(state.name, self._engine.errorString())

    @Slot()
    def report(self) -> None:
        if self._engine.state().name == "Error":
            self.created.emit("Error", self._engine.errorString())
            return
        self._starting = True
        self.configure()

    @Slot()
    def configure(self) -> None:
        # The engine lists its locales and voices from what it read when it
        # started; choosing among them never waits on the daemon. Setting them
        # does, so that is queued like every other call that may wait.
        locale = choose_locale(self._engine.availableLocales(), self._locale, QLocale.system())
        if locale is not None and locale != self._engine.locale():
            QMetaObject.invokeMethod(
                self._engine,
                "setLocale",
                Qt.ConnectionType.QueuedConnection,
                Q_ARG(QLocale, locale),
            )
        QMetaObject.invokeMethod(self, "pick_voice", Qt.ConnectionType.QueuedConnection)

    @Slot()
    def pick_voice(self) -> None:
        voice = choose_voice(self._engine.availableVoices(), self._voice_name)
        if voice is not None and voice.name() != self._engine.voice().name():
            QMetaObject.invokeMethod(
                self._engine,
                "setVoice",
                Qt.ConnectionType.QueuedConnection,
                Q_ARG(type(voice), voice),
            )
        QMetaObject.invokeMethod(self, "tell_configured", Qt.ConnectionType.QueuedConnection)

    @Slot()
    def tell_configured(self) -> None:
        self.configured.emit(self._engine.locale().name(), self._engine.voice().name())
        if self._starting:
            self._starting = False
            self.created.emit(self._engine.state().name, self._engine.errorString())
