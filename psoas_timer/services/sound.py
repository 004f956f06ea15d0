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
import math
import sys
import threading
import wave
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, Qt, QTimer, QUrl, Signal

log = logging.getLogger(__name__)

RATE = 44100
#: How long the sound server may take to answer the app's first use of it.
OPEN_BOUND_MS = 2000
#: How much of that preloading may hold the GUI thread (it usually needs 15-35 ms).
OPEN_WAIT_MS = 200
OPEN_POLL_MS = 20
NOT_ANSWERING = "Sound is off: the sound server is not answering. Cues are shown on screen."


def _tone(start_hz: float, end_hz: float, seconds: float, volume: float = 0.6) -> list[float]:
    samples: list[float] = []
    phase = 0.0
    count = int(RATE * seconds)
    attack = int(RATE * 0.012)
    for i in range(count):
        progress = i / count
        # A glide on a logarithmic scale sounds even to the ear.
        freq = start_hz * (end_hz / start_hz) ** progress
        phase += 2 * math.pi * freq / RATE
        envelope = min(1.0, i / attack) * (1.0 - progress) ** 1.5
        samples.append(volume * envelope * (math.sin(phase) + 0.18 * math.sin(2 * phase)))
    return samples


def _chime() -> list[float]:
    count = int(RATE * 0.9)
    out: list[float] = []
    for i in range(count):
        t = i / RATE
        decay = math.exp(-4.5 * t)
        attack = min(1.0, i / (RATE * 0.005))
        value = math.sin(2 * math.pi * 784 * t) + 0.6 * math.sin(2 * math.pi * 1176 * t)
        out.append(0.45 * attack * decay * value)
    return out


CUE_SHAPES: dict[str, Callable[[], list[float]]] = {
    # Rising for the breath in, falling for the breath out: tellable apart face down.
    "inhale": lambda: _tone(330.0, 523.0, 0.45),
    "exhale": lambda: _tone(523.0, 262.0, 0.55),
    "hold": lambda: _tone(440.0, 440.0, 0.18, 0.35),
    "chime": _chime,
}


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


def cue_files(folder: Path) -> dict[str, Path]:
    """Synthesize the cue sounds into ``folder`` once; later calls reuse them."""
    files: dict[str, Path] = {}
    for name, shape in CUE_SHAPES.items():
        path = folder / f"cue-{name}-v1.wav"
        if not path.is_file():
            write_wav(path, shape())
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


class CuePlayer(QObject):
    """Plays preloaded cues; silent (and says why once) without an audio device."""

    problem = Signal(str)

    def __init__(self, folder: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._folder = folder
        self._effects: dict[str, object] = {}
        self._volume = 0.7
        self._muted = False
        self._loaded = False
        self._reported = False
        self._poll = QTimer(self)
        self._poll.setInterval(OPEN_POLL_MS)
        self._poll.timeout.connect(self._check_opened)
        self._bound = QTimer(self)
        self._bound.setSingleShot(True)
        self._bound.setTimerType(Qt.TimerType.PreciseTimer)
        self._bound.timeout.connect(self._not_answering)

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
            self._report(f"Sound is off: QtMultimedia is not available ({exc}).")
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
        self._report(NOT_ANSWERING)

    def _load(self) -> None:
        from PySide6.QtMultimedia import QMediaDevices, QSoundEffect

        if not QMediaDevices.audioOutputs():
            self._report("Sound is off: no audio output was found. Cues are shown on screen.")
            return
        try:
            files = cue_files(self._folder)
        except OSError as exc:
            self._report(f"Sound is off: could not write the cue sounds ({exc.strerror}).")
            return
        for name, path in files.items():
            effect = QSoundEffect(self)
            effect.setSource(QUrl.fromLocalFile(str(path)))
            effect.setVolume(self._volume)
            effect.setMuted(self._muted)
            self._effects[name] = effect

    @property
    def available(self) -> bool:
        return bool(self._effects)

    @property
    def volume(self) -> float:
        return self._volume

    @property
    def muted(self) -> bool:
        return self._muted

    def set_volume(self, volume: float, muted: bool) -> None:
        self._volume, self._muted = volume, muted
        for effect in self._effects.values():
            effect.setVolume(volume)  # type: ignore[attr-defined]
            effect.setMuted(muted)  # type: ignore[attr-defined]

    def play(self, name: str) -> None:
        effect = self._effects.get(name)
        if effect is not None and not self._muted:
            effect.play()  # type: ignore[attr-defined]

    def _report(self, message: str) -> None:
        log.warning(message)
        if not self._reported:
            self._reported = True
            self.problem.emit(message)
