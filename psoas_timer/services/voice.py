"""Spoken announcements.

Speech goes through QtTextToSpeech when an engine answers; when none does, the app
says so once and carries on with text only.

Announcements are said one after another, each to its end: a new one waits for
the one being said, unless it is urgent (Stop, pause), which cuts short what is
being said and everything still waiting. The engine is set to the language the
app's words are written in (:data:`psoas_timer.core.narration.LANGUAGE`), with a
plain voice for it, whatever the computer's own locale: under ``LANG=C`` or
``en_US`` speech-dispatcher would otherwise read English with a Bishnupriya
Manipuri or a Caribbean voice.

The engine lives on a :class:`~psoas_timer.services.worker.Worker` thread and is
only ever called through it: a speech daemon that accepts connections and never
answers (speech-dispatcher autospawned without a working sound server does that)
blocks every call into it, creating the engine included. The GUI thread keeps
watch with timers of its own: an engine that is not ready within ``create_ms``,
or still speaking ``watchdog_ms`` (plus ``per_word_ms`` a word) after an
announcement, is given up for this run and the session goes on with captions.
"""

from __future__ import annotations

import enum
import logging
from collections import deque
from typing import Any

from PySide6.QtCore import Q_ARG, QMetaObject, QObject, Qt, QTimer, Signal, Slot

from psoas_timer.core.i18n import N_, _
from psoas_timer.core.narration import LANGUAGE
from psoas_timer.core.settings import Settings
from psoas_timer.core.voices import (
    DEFAULT_VOICE_RATE,
    VoiceOption,
    order_voices,
    speech_missing_text,
)
from psoas_timer.services.voice_engine import (
    SILENT,
    Reporter,
)
from psoas_timer.services.worker import Worker, WorkerError

log = logging.getLogger(__name__)

# Qt ships a "mock" speech engine for its own tests: it reports speaking and
# makes no sound, so it is never chosen on its own.
SILENT_ENGINES = frozenset({"mock"})
#: QTextToSpeech's name for "no engine loaded yet" (it loads nothing for it).
NO_ENGINE = "none"
#: How long quitting waits for the speech thread before leaving it behind.
SHUTDOWN_WAIT_S = 0.5

NOT_ANSWERING = N_("Voice is off: the speech service is not answering. Steps are shown as text.")
STOPPED_ANSWERING = N_(
    "Voice is off: the speech engine stopped answering (is a sound server running?). "
    "Steps are shown as text."
)


def available_engines() -> list[str]:
    """Speech engines that can actually be heard, best first."""
    try:
        from PySide6.QtTextToSpeech import QTextToSpeech
    except ImportError:
        return []
    return [name for name in QTextToSpeech.availableEngines() if name not in SILENT_ENGINES]


class _Phase(enum.Enum):
    IDLE = "idle"  # no engine asked for yet (or the last one was shut down)
    STARTING = "starting"  # made on the speech thread, not known to be ready
    READY = "ready"
    OFF = "off"  # given up for this run


class Voice(QObject):
    """Spoken announcements with watchdogs; never blocks and never raises.

    Every :meth:`say` shows its text (``spoken``) at once and is later followed
    by exactly one ``finished_speaking`` with the same text: when the engine has
    said it, when an urgent announcement or :meth:`stop` cut it short, or, on the
    next turn of the event loop, when there is no voice to wait for.
    """

    problem = Signal(str)
    spoken = Signal(str)  # every announcement, spoken or not, for the on-screen caption
    finished_speaking = Signal(str)
    #: Answers :meth:`request_voices`: list[VoiceOption], the text's language first;
    #: empty when there is no voice.
    voices_listed = Signal(object)

    def __init__(
        self,
        engine: str | None = None,
        parent: QObject | None = None,
        *,
        watchdog_ms: int = 4000,
        per_word_ms: int = 400,
        create_ms: int = 2000,
        language: str = LANGUAGE,
    ) -> None:
        super().__init__(parent)
        self._engine_name = engine
        self._language = language
        #: The locale and voice the engine speaks with, once it is ready.
        self.speaking_as: tuple[str, str] | None = None
        self._enabled = True
        self._reported = False
        self._volume = 0.7
        self._rate = DEFAULT_VOICE_RATE
        self._choice = ("", "")  # the voice's name and locale; empty: the plain one
        self._want_list = False
        self._off_text = ""
        # A new voice is being set up: words wait for it, or they would be said in the old one.
        self._configuring = False
        self._watchdog_ms = watchdog_ms
        self._per_word_ms = per_word_ms
        self._create_ms = create_ms
        self._phase = _Phase.IDLE
        self._worker: Worker | None = None
        self._tts: Any = None
        self._reporter: Reporter | None = None
        self._waiting: deque[str] = deque()  # said, not yet handed to the engine
        self._current: str | None = None  # handed to the engine, not yet finished
        self._awaiting_start = False  # the engine has not yet begun speaking _current
        # Precise: a coarse timer may fire 5 % late, past the promised bound.
        self._watchdog = QTimer(self)
        self._watchdog.setTimerType(Qt.TimerType.PreciseTimer)
        self._watchdog.setSingleShot(True)
        self._watchdog.timeout.connect(lambda: self._fail(_(STOPPED_ANSWERING)))
        self._create_watchdog = QTimer(self)
        self._create_watchdog.setTimerType(Qt.TimerType.PreciseTimer)
        self._create_watchdog.setSingleShot(True)
        self._create_watchdog.timeout.connect(lambda: self._fail(_(NOT_ANSWERING)))

    @property
    def language(self) -> str:
        """The locale of the words it is given (``en_GB``, ``de_DE``)."""
        return self._language

    @property
    def available(self) -> bool:
        return self._phase is _Phase.READY

    @property
    def off_text(self) -> str:
        """One line on why the steps are not spoken and, for a missing engine, what to
        install; empty while the voice has not been given up."""
        return self._off_text

    @property
    def broken(self) -> bool:
        """True once the voice has been given up; it stays silent from then on."""
        return self._phase is _Phase.OFF

    def apply(self, settings: Settings) -> None:
        """Whether to speak, how loud, with which voice and how fast, as the settings say."""
        self.set_enabled(settings.voice)
        self.set_volume(settings.volume / 100)
        self.set_voice(settings.voice_name, settings.voice_locale)
        self.set_rate(settings.voice_rate)

    def set_enabled(self, enabled: bool) -> None:
        self._enabled = enabled
        if not enabled:
            self.stop()

    def set_volume(self, volume: float) -> None:
        self._volume = volume
        if self._phase is _Phase.READY:
            self._call("setVolume", volume)

    def set_rate(self, rate: float) -> None:
        """The speaking rate, -1 to 1 (0: the engine's normal pace)."""
        if rate == self._rate:
            return
        self._rate = rate
        if self._phase is _Phase.READY:
            self._call("setRate", rate)

    def set_voice(self, name: str, locale: str = "") -> None:
        """Speak with the voice ``name`` of ``locale`` (empty: the plain voice of the text's
        language); a voice of another language than the text's is not used."""
        if (name, locale) == self._choice:
            return
        self._choice = (name, locale)
        if self._phase in (_Phase.STARTING, _Phase.READY) and self._reporter is not None:
            assert self._worker is not None
            if self._phase is _Phase.READY:
                self._configuring = True
                # Setting a voice waits on the daemon: one that never answers is given up.
                self._create_watchdog.start(self._create_ms)
            self._worker.call(self._reporter, "choose", name, locale)

    def request_voices(self) -> None:
        """Ask the engine for its voices (starting it if need be); ``voices_listed`` answers."""
        self._want_list = True
        self._start_engine()
        if self._phase is _Phase.READY:
            self._list_now()
        elif self._phase is _Phase.OFF:
            self._no_voices_later()

    def try_voice(self, text: str, name: str, locale: str, rate: float) -> None:
        """Say ``text`` at once with that voice and rate, even with spoken steps off."""
        self.set_voice(name, locale)
        self.set_rate(rate)
        enabled, self._enabled = self._enabled, True
        try:
            self.say(text, interrupt=True)
        finally:
            self._enabled = enabled

    def _list_now(self) -> None:
        self._want_list = False
        if self._worker is not None and self._reporter is not None:
            self._worker.call(self._reporter, "list_voices")

    def _no_voices_later(self) -> None:
        self._want_list = False
        QTimer.singleShot(0, self, lambda: self.voices_listed.emit([]))

    @Slot(object)
    def _listed(self, voices: list[VoiceOption]) -> None:
        if self.sender() is self._reporter:
            self.voices_listed.emit(order_voices(voices, self._language))

    def preload(self) -> None:
        """Start the speech engine now, before a session needs it (it can take a second)."""
        if self._enabled:
            self._start_engine()

    def create_engine(self) -> QObject:
        """A speech engine with nothing loaded yet; the speech thread loads one with
        its ``setEngine`` slot. Tests replace this with a fake."""
        from PySide6.QtTextToSpeech import QTextToSpeech

        return QTextToSpeech(NO_ENGINE)

    @property
    def will_speak(self) -> bool:
        """Words said now will be spoken (or tried), and their end reported when heard."""
        return self._enabled and self._phase is not _Phase.OFF

    @property
    def busy(self) -> bool:
        """Something is being said or waits to be."""
        return self._current is not None or bool(self._waiting)

    def say(self, text: str, *, interrupt: bool = False) -> None:
        """Say ``text`` after whatever is being said; ``interrupt``: at once, cutting that short."""
        self.spoken.emit(text)
        if interrupt:
            self.stop()
        if not self._enabled or not text.strip():
            self._finish_later(text)
            return
        self._start_engine()
        if self._phase in (_Phase.STARTING, _Phase.READY):
            self._waiting.append(text)
            self._next()
        else:
            self._finish_later(text)

    def _next(self) -> None:
        """Hand the next waiting announcement to a ready engine that is saying nothing."""
        if self._phase is not _Phase.READY or self._current is not None or not self._waiting:
            return
        if self._configuring:
            return
        text = self._waiting.popleft()
        self._call("say", text)
        self._current = text
        self._awaiting_start = True
        # Generous: about 3 words a second, plus time for the engine to wake up.
        self._watchdog.start(self._watchdog_ms + self._per_word_ms * len(text.split()))

    def stop(self) -> None:
        """Cut short what is being said and drop everything waiting."""
        self._watchdog.stop()
        if self._cut_short():
            self._call("stop")

    def shutdown(self) -> None:
        """Stop speaking and end the speech thread, waiting for it only briefly."""
        self.stop()
        # An engine still starting is given up too; its watchdog must not outlive it.
        self._create_watchdog.stop()
        self._configuring = False
        self._release_engine(SHUTDOWN_WAIT_S)
        if self._phase is not _Phase.OFF:
            self._phase = _Phase.IDLE

    # -- the engine, on its own thread -----------------------------------------

    def _start_engine(self) -> None:
        if self._phase is not _Phase.IDLE:
            return
        try:
            from PySide6.QtTextToSpeech import QTextToSpeech
        except ImportError as exc:
            self._fail(
                _("Voice is off: QtTextToSpeech is not available ({error}).").format(error=exc),
                missing=True,
            )
            return
        engines = available_engines()
        name = self._engine_name
        if name is None:
            if not engines:
                self._fail(
                    _("Voice is off: no speech engine is installed. Steps are shown as text."),
                    missing=True,
                )
                return
            name = engines[0]
        elif name not in engines and name not in QTextToSpeech.availableEngines():
            self._fail(
                _("Voice is off: the speech engine '{name}' is not installed.").format(name=name),
                missing=True,
            )
            return
        worker = Worker("speech")
        try:
            worker.start()
        except WorkerError as exc:
            self._fail(
                _("Voice is off: the speech engine could not be started ({error}).").format(
                    error=exc
                )
            )
            return
        tts = self.create_engine()
        reporter = Reporter(tts, self._language, *self._choice)
        worker.adopt(tts)
        worker.adopt(reporter)
        tts.stateChanged.connect(reporter.forward_state)  # type: ignore[attr-defined]
        reporter.state.connect(self._engine_state)
        reporter.created.connect(self._engine_created)
        reporter.configured.connect(self._configured)
        reporter.listed.connect(self._listed)
        self._worker, self._tts, self._reporter = worker, tts, reporter
        self._phase = _Phase.STARTING
        worker.call(reporter, "start", name, self._create_ms / 1000)
        self._create_watchdog.start(self._create_ms)

    def _call(self, slot: str, *args: Any) -> None:
        if self._worker is not None and self._tts is not None:
            self._worker.call(self._tts, slot, *args)

    def _release_engine(self, wait_s: float) -> None:
        worker, self._worker = self._worker, None
        self._tts = self._reporter = None
        if worker is not None:
            worker.stop(wait_s)

    @Slot(str, str)
    def _engine_created(self, state: str, error: str) -> None:
        if self.sender() is not self._reporter or self._phase is not _Phase.STARTING:
            return  # from an engine already given up
        self._create_watchdog.stop()
        if state == SILENT:
            self._fail(_(NOT_ANSWERING))
            return
        if state == "Error":
            # Most often no daemon to connect to: what to install is said with it.
            self._fail(
                _("Voice is off: the speech engine failed to start ({error}).").format(error=error)
                if error
                else _("Voice is off: the speech engine failed to start."),
                missing=True,
            )
            return
        self._phase = _Phase.READY
        self._call("setVolume", self._volume)
        if self._rate != DEFAULT_VOICE_RATE:
            self._call("setRate", self._rate)
        if self._want_list:
            self._list_now()
        self._next()  # what was said while it started

    @Slot(str, str)
    def _configured(self, locale: str, voice: str) -> None:
        if self.sender() is self._reporter:
            self.speaking_as = (locale, voice)
            log.info("speaking %s with the voice %s", locale, voice)
            if self._configuring and self._phase is _Phase.READY:
                self._configuring = False
                self._create_watchdog.stop()
                self._next()

    @Slot(str, str)
    def _engine_state(self, state: str, error: str) -> None:
        if self.sender() is not self._reporter or self._phase is not _Phase.READY:
            return
        if state == "Speaking":
            self._awaiting_start = False
        elif state == "Error":
            self._fail(
                _("Voice is off: the speech engine reported an error ({error}).").format(
                    error=error
                )
                if error
                else _("Voice is off: the speech engine reported an error.")
            )
        elif not self._awaiting_start and self._current is not None:
            # Ready (or paused) after speaking what was last handed over. A Ready
            # that arrives before that began is the previous one being stopped.
            self._watchdog.stop()
            done, self._current = self._current, None
            self.finished_speaking.emit(done)
            self._next()

    # -- bookkeeping ---------------------------------------------------------------

    def _cut_short(self) -> bool:
        """End what is being spoken and what waits; True if the engine was given something."""
        current, self._current = self._current, None
        waiting = list(self._waiting)
        self._waiting.clear()
        self._awaiting_start = False
        for text in ([current] if current is not None else []) + waiting:
            self.finished_speaking.emit(text)
        return current is not None

    def _finish_later(self, text: str) -> None:
        QMetaObject.invokeMethod(
            self, "_finished", Qt.ConnectionType.QueuedConnection, Q_ARG(str, text)
        )

    @Slot(str)
    def _finished(self, text: str) -> None:
        self.finished_speaking.emit(text)

    def _fail(self, message: str, *, missing: bool = False) -> None:
        if self._phase is not _Phase.OFF:
            self._off_text = speech_missing_text(message) if missing else message
        self._phase = _Phase.OFF
        self._configuring = False
        self._watchdog.stop()
        self._create_watchdog.stop()
        if self._cut_short():
            # Whatever it is still doing, it is not heard; ask it to stop once.
            self._call("stop")
        # Never waited for: an engine that stopped answering may never return.
        self._release_engine(0.0)
        log.warning(message)
        if self._want_list:
            self._no_voices_later()
        if not self._reported:
            self._reported = True
            self.problem.emit(message)
