"""Sound cues, synthesized by the app (no recordings to license or lose) and
loaded before a set starts so that playing one costs nothing at the boundary.

The first use of Qt's audio back end connects to the sound server, and a server
that takes the connection and never answers (a hung PulseAudio) holds that call
for 30 s, libpulse's own time-out. So that first use is made once per process,
on a thread of its own, and the cues are loaded only once it has returned. It
normally takes a few tens of milliseconds, and preloading waits up to
``OPEN_WAIT_MS`` for it so that the cues are ready at once; after that the GUI
thread goes on and checks back, and a server that has not answered within
``OPEN_BOUND_MS`` is given up for this run: cues are shown on screen only.
Once connected, nothing else in QtMultimedia waits on the server.
"""

from __future__ import annotations

import array
import ctypes
import logging
import sys
import threading
import wave
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, Qt, QTimer, QUrl, Signal

from psoas_timer.core.cue_sounds import (
    CUE_NAMES,
    DEFAULT_CUE_THEME,
    RATE,
    CueTheme,
    cue_file_name,
    cue_samples,
)
from psoas_timer.core.i18n import N_, _

log = logging.getLogger(__name__)

#: How long the sound server may take to answer the app's first use of it.
OPEN_BOUND_MS = 2000
#: How much of that preloading may hold the GUI thread (it usually needs 15-35 ms).
OPEN_WAIT_MS = 200
OPEN_POLL_MS = 20
NOT_ANSWERING = N_("Sound is off: the sound server is not answering. Cues are shown on screen.")


def write_wav(path: Path, samples: list[float]) -> None:
    data = array.array("h", (int(max(-1.0, min(1.0, s)) * 32767) for s in samples))
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_suffix(".tmp")
    with wave.open(str(temp), "wb") as handle:
        handle.setnchannels(1)
        handle.setsampwidth(2)
        handle.setframerate(RATE)
        handle.writeframes(data.tobytes())
    temp.replace(path)


def cue_files(folder: Path, theme: CueTheme = DEFAULT_CUE_THEME) -> dict[str, Path]:
    """Synthesize one theme's cue sounds into ``folder`` once; later calls reuse them."""
    files: dict[str, Path] = {}
    for name in CUE_NAMES:
        path = folder / cue_file_name(theme, name)
        if not path.is_file():
            write_wav(path, cue_samples(theme, name))
        files[name] = path
    return files


class _QListHeader(ctypes.Structure):
    # A QList as returned by value: Qt 6's QArrayDataPointer (d, ptr, size). As a
    # 24-byte C struct it is returned the way C++ returns the non-trivial QList
    # (through a hidden pointer) on the x86-64 and AArch64 Linux ABIs alike.
    _fields_ = (("d", ctypes.c_void_p), ("ptr", ctypes.c_void_p), ("size", ctypes.c_ssize_t))


def _native_audio_outputs() -> Callable[[], _QListHeader] | None:
    """QMediaDevices::audioOutputs() called through ctypes, which lets go of Python's
    lock for the call; PySide would keep it, and so freeze every Python thread with
    the one waiting. None where it cannot be had (then the back end is opened directly)."""
    if not sys.platform.startswith("linux"):
        return None  # sound servers that can hang behind a socket are a Linux affair
    try:
        from PySide6 import QtMultimedia

        # The binding module's handle finds the symbol in the Qt library it links.
        function = ctypes.CDLL(QtMultimedia.__file__)["_ZN13QMediaDevices12audioOutputsEv"]
    except (ImportError, OSError, AttributeError) as exc:
        log.info("the audio back end is opened on the GUI thread: %s", exc)
        return None
    function.restype = _QListHeader
    function.argtypes = ()
    return function


class _BackendOpening:
    """The first use of the audio back end, once per process, on its own thread."""

    def __init__(self) -> None:
        self.done = threading.Event()
        self._started = False

    def start(self) -> bool:
        """Begin (once); False where no thread is needed and the caller may go on."""
        if self._started:
            return True
        opener = _native_audio_outputs()
        if opener is None:
            return False

        def run() -> None:
            # The list it returns (a few bytes, once) is left to the process.
            opener()
            self.done.set()

        try:
            threading.Thread(target=run, name="audio-open", daemon=True).start()
        except RuntimeError as exc:  # out of threads
            log.warning("the audio back end is opened on the GUI thread: %s", exc)
            return False
        self._started = True
        return True


_BACKEND = _BackendOpening()


#: How long after the breath in the Test button plays the breath out: after the
#: longest breath cue has ended, as in a set (the shortest breath is 2 s).
PAIR_GAP_MS = 1800
#: How long a cue takes from ``play()`` to its first sample reaching the output: the
#: sound server's own latency, on top of when it is asked for. Qt tells it for no
#: sound effect (``playingChanged`` comes within a millisecond of ``play()``, and a
#: QAudioSink's buffer is its own stream's, not the effects'), so it is measured: the
#: median of recordings of a PulseAudio null sink with Qt 6.11 (tests/ui/test_audio.py
#: measures it again). A cue is asked for this much before its boundary.
OUTPUT_LATENCY_S = 0.014
#: Silence queued ahead in the stream that keeps the output open, and how often it is topped up.
KEEP_OPEN_BUFFER_S = 0.5
KEEP_OPEN_FEED_MS = 100


class CuePlayer(QObject):
    """Plays preloaded cues; silent (and says why once) without an audio device.

    While a session runs it also keeps the sound output open (``hold_open``):
    sound servers suspend an output that has played nothing for a few seconds
    (PulseAudio and PipeWire after 5 s), and waking it clips or delays the
    next cue, while a 4-0-6-0 breath leaves about 5.4 s between the breath
    out's cue and the next breath in's. A stream of silence of its own is
    something playing, so the output stays awake; it plays only while a
    session runs, never while the app sits idle. (Not a looped silent
    QSoundEffect: with Qt 6.11 on PulseAudio two sound effects playing at
    once set Qt's event loop spinning on a dead socket notifier, which is
    also why a new cue stops one still sounding.)
    """

    problem = Signal(str)

    def __init__(
        self, folder: Path, parent: QObject | None = None, theme: CueTheme = DEFAULT_CUE_THEME
    ) -> None:
        super().__init__(parent)
        self._folder = folder
        self._theme: CueTheme = theme
        self._sets: dict[CueTheme, dict[str, object]] = {}
        self._keep_open: object | None = None  # a QAudioSink, made on first use
        self._silence_out: object | None = None  # the QIODevice it is fed through
        self._feeder = QTimer(self)
        self._feeder.setInterval(KEEP_OPEN_FEED_MS)
        self._feeder.timeout.connect(self._feed_silence)
        self._holding = False
        self._volume = 0.7
        self._muted = False
        self._loaded = False
        self._ready = False
        self._reported = False
        self._poll = QTimer(self)
        self._poll.setInterval(OPEN_POLL_MS)
        self._poll.timeout.connect(self._check_opened)
        self._bound = QTimer(self)
        self._bound.setSingleShot(True)
        self._bound.setTimerType(Qt.TimerType.PreciseTimer)
        self._bound.timeout.connect(self._not_answering)
        self._pair = QTimer(self)
        self._pair.setSingleShot(True)
        self._pair.setTimerType(Qt.TimerType.PreciseTimer)
        self._pair.timeout.connect(self._play_pair_out)
        self._pair_theme: CueTheme = theme

    def preload(self) -> None:
        """Load the cues: ready on return, or, with a slow sound server, a moment later."""
        self._begin(OPEN_WAIT_MS)

    def warm(self) -> None:
        """Begin loading the cues without holding the GUI thread to wait for the sound
        server: they are ready a moment later, well before a session needs them."""
        self._begin(0)

    def _begin(self, wait_ms: int) -> None:
        if self._poll.isActive():
            # Warming already waits for the server: give it what is left of the wait.
            if _BACKEND.done.wait(wait_ms / 1000):
                self._check_opened()
            return
        if self._loaded:
            return
        self._loaded = True
        try:
            from PySide6 import QtMultimedia  # noqa: F401  (only whether it is there)
        except ImportError as exc:
            self._report(
                _("Sound is off: QtMultimedia is not available ({error}).").format(error=exc)
            )
            return
        if _BACKEND.start() and not _BACKEND.done.wait(wait_ms / 1000):
            self._poll.start()
            self._bound.start(OPEN_BOUND_MS - wait_ms)
            return
        self._load()

    def shutdown(self) -> None:
        """Stop waiting for the sound server (the app is quitting)."""
        self._poll.stop()
        self._bound.stop()

    def _check_opened(self) -> None:
        if _BACKEND.done.is_set():
            self._poll.stop()
            self._bound.stop()
            self._load()

    def _not_answering(self) -> None:
        # QtMultimedia is not touched again: any use would wait on the same server.
        self._poll.stop()
        self._report(_(NOT_ANSWERING))

    def _load(self) -> None:
        from PySide6.QtMultimedia import QMediaDevices

        if not QMediaDevices.audioOutputs():
            self._report(_("Sound is off: no audio output was found. Cues are shown on screen."))
            return
        self._ready = True
        if self._effects(self._theme) and self._holding and not self._muted:
            self._keep_output_open()

    def _effects(self, theme: CueTheme) -> dict[str, object]:
        """The theme's cues, loaded on first use; empty when there is no sound."""
        if not self._ready:
            return {}
        loaded = self._sets.get(theme)
        if loaded is not None:
            return loaded
        from PySide6.QtMultimedia import QSoundEffect

        try:
            files = cue_files(self._folder, theme)
        except OSError as exc:
            self._report(
                _("Sound is off: could not write the cue sounds ({error}).").format(
                    error=exc.strerror
                )
            )
            return {}
        effects: dict[str, object] = {}
        for name, path in files.items():
            effect = QSoundEffect(self)
            effect.setSource(QUrl.fromLocalFile(str(path)))
            effect.setVolume(self._volume)
            effects[name] = effect
        self._sets[theme] = effects
        return effects

    @property
    def available(self) -> bool:
        return bool(self._sets)

    @property
    def output_latency_s(self) -> float:
        """How long before a boundary its cue is to be played; 0 while no cue is heard."""
        return OUTPUT_LATENCY_S if self.available and not self._muted else 0.0

    @property
    def theme(self) -> CueTheme:
        return self._theme

    def set_theme(self, theme: CueTheme) -> None:
        """Play ``theme``'s cues from now on (loaded now if the others already are)."""
        self._theme = theme
        if self._sets:
            self._effects(theme)

    @property
    def volume(self) -> float:
        return self._volume

    @property
    def muted(self) -> bool:
        return self._muted

    def set_volume(self, volume: float, muted: bool) -> None:
        self._volume, self._muted = volume, muted
        for effects in self._sets.values():
            for effect in effects.values():
                effect.setVolume(volume)  # type: ignore[attr-defined]
        if muted:
            self._stop_keep_open()
        elif self._holding:
            self._keep_output_open()

    def play(self, name: str) -> None:
        if self._muted:
            return
        self._play(self._effects(self._theme).get(name))

    def _play(self, effect: object | None) -> None:
        if effect is None:
            return
        # The newest boundary is the one to hear; and two effects at once upset
        # Qt (see the class's description).
        for effects in self._sets.values():
            for other in effects.values():
                if other is not effect and other.isPlaying():  # type: ignore[attr-defined]
                    other.stop()  # type: ignore[attr-defined]
        effect.play()  # type: ignore[attr-defined]

    def play_pair(self, theme: CueTheme, volume: float) -> None:
        """A breath in, then a breath out, of ``theme`` at ``volume``: what a set sounds like.

        Played even when breath sounds are off, since the person asked to hear it.
        """
        self.preload()
        effects = self._effects(theme)
        if not effects:
            return
        for effect in effects.values():
            effect.setVolume(volume)  # type: ignore[attr-defined]
        self._pair_theme = theme
        self._play(effects["inhale"])
        self._pair.start(PAIR_GAP_MS)

    def _play_pair_out(self) -> None:
        self._play(self._effects(self._pair_theme).get("exhale"))
        # Back to the volume the settings in use chose, once the pair is heard.
        QTimer.singleShot(PAIR_GAP_MS, lambda: self.set_volume(self._volume, self._muted))

    # -- keeping the output awake while a session runs ---------------------------

    def hold_open(self) -> None:
        """Keep the sound output open until ``let_close``: a session has started."""
        self._holding = True
        if self._ready and not self._muted:
            self._keep_output_open()

    def let_close(self) -> None:
        """The session is over: let the sound server put the output to sleep again."""
        self._holding = False
        self._stop_keep_open()

    @property
    def held_for_session(self) -> bool:
        """Whether a session asked for the output to be kept open and has not let go."""
        return self._holding

    @property
    def holding_open(self) -> bool:
        """Whether the stream of silence is playing now."""
        return self._silence_out is not None

    def _keep_output_open(self) -> None:
        if self._silence_out is not None:
            return
        from PySide6.QtMultimedia import QAudioFormat, QAudioSink, QMediaDevices

        if self._keep_open is None:
            silence = QAudioFormat()
            silence.setSampleRate(RATE)
            silence.setChannelCount(1)
            silence.setSampleFormat(QAudioFormat.SampleFormat.Int16)
            sink = QAudioSink(QMediaDevices.defaultAudioOutput(), silence, self)
            sink.setBufferSize(int(KEEP_OPEN_BUFFER_S * RATE) * 2)
            self._keep_open = sink
        out = self._keep_open.start()  # type: ignore[attr-defined]
        if out is None:
            log.warning("the sound output is not kept open: %s", self._keep_open.error())  # type: ignore[attr-defined]
            return
        self._silence_out = out
        self._feed_silence()
        self._feeder.start()

    def _feed_silence(self) -> None:
        out, sink = self._silence_out, self._keep_open
        if out is None or sink is None:
            return
        free = sink.bytesFree()  # type: ignore[attr-defined]
        if free > 0:
            out.write(bytes(free))  # type: ignore[attr-defined]

    def _stop_keep_open(self) -> None:
        self._feeder.stop()
        if self._keep_open is not None and self._silence_out is not None:
            self._keep_open.stop()  # type: ignore[attr-defined]
        self._silence_out = None

    def _report(self, message: str) -> None:
        log.warning(message)
        if not self._reported:
            self._reported = True
            self.problem.emit(message)
