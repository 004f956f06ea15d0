"""Sound cues and spoken announcements.

Cues are synthesized by the app (no recordings to license or lose) and loaded
before a set starts so that playing one costs nothing at the boundary. Speech
goes through QtTextToSpeech when an engine answers; when none does, the app says
so once and carries on with text only. A speech engine that never finishes
speaking (speech-dispatcher without a sound server does that) is timed out.
"""

from __future__ import annotations

import array
import logging
import math
import wave
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QTimer, QUrl, Signal

log = logging.getLogger(__name__)

RATE = 44100


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
CUE_FREQUENCIES = {"inhale": (330.0, 523.0), "exhale": (523.0, 262.0)}


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

    def preload(self) -> None:
        if self._loaded:
            return
        self._loaded = True
        try:
            from PySide6.QtMultimedia import QMediaDevices, QSoundEffect
        except ImportError as exc:
            self._report(f"Sound is off: QtMultimedia is not available ({exc}).")
            return
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


# Qt ships a "mock" speech engine for its own tests: it reports speaking and
# makes no sound, so it is never chosen on its own.
SILENT_ENGINES = frozenset({"mock"})


def available_engines() -> list[str]:
    """Speech engines that can actually be heard, best first."""
    try:
        from PySide6.QtTextToSpeech import QTextToSpeech
    except ImportError:
        return []
    return [name for name in QTextToSpeech.availableEngines() if name not in SILENT_ENGINES]


class Voice(QObject):
    """Spoken announcements with a watchdog; never blocks and never raises.

    ``watchdog_ms`` plus ``per_word_ms`` for each word is how long one
    announcement may keep the engine speaking before the voice is given up.
    """

    problem = Signal(str)
    spoken = Signal(str)  # every announcement, spoken or not, for the on-screen caption

    def __init__(
        self,
        engine: str | None = None,
        parent: QObject | None = None,
        *,
        watchdog_ms: int = 4000,
        per_word_ms: int = 400,
    ) -> None:
        super().__init__(parent)
        self._engine_name = engine
        self._tts: Any = None
        self._enabled = True
        self._broken = False
        self._reported = False
        self._volume = 0.7
        self._watchdog_ms = watchdog_ms
        self._per_word_ms = per_word_ms
        self._watchdog = QTimer(self)
        self._watchdog.setSingleShot(True)
        self._watchdog.timeout.connect(self._timed_out)

    @property
    def available(self) -> bool:
        return self._tts is not None and not self._broken

    @property
    def broken(self) -> bool:
        """True once the voice has been given up; it stays silent from then on."""
        return self._broken

    def set_enabled(self, enabled: bool) -> None:
        self._enabled = enabled
        if not enabled:
            self.stop()

    def set_volume(self, volume: float) -> None:
        self._volume = volume
        if self._tts is not None and not self._broken:
            self._tts.setVolume(volume)

    def preload(self) -> None:
        """Start the speech engine now, before a session needs it (it can take a second)."""
        if self._enabled:
            self._engine()

    def create_engine(self, name: str) -> Any:
        """A new speech engine called ``name``; tests replace this with a fake."""
        from PySide6.QtTextToSpeech import QTextToSpeech

        return QTextToSpeech(name, self)

    def _engine(self) -> Any:
        if self._tts is not None or self._broken:
            return self._tts
        try:
            from PySide6.QtTextToSpeech import QTextToSpeech
        except ImportError as exc:
            self._fail(f"Voice is off: QtTextToSpeech is not available ({exc}).")
            return None
        engines = available_engines()
        name = self._engine_name
        if name is None:
            if not engines:
                self._fail("Voice is off: no speech engine is installed. Steps are shown as text.")
                return None
            name = engines[0]
        elif name not in engines and name not in QTextToSpeech.availableEngines():
            self._fail(f"Voice is off: the speech engine '{name}' is not installed.")
            return None
        tts = self.create_engine(name)
        if tts.state() == QTextToSpeech.State.Error:
            self._fail(f"Voice is off: the speech engine failed to start ({tts.errorString()}).")
            tts.deleteLater()
            return None
        tts.setVolume(self._volume)
        tts.stateChanged.connect(self._state_changed)
        self._tts = tts
        return tts

    def say(self, text: str) -> None:
        self.spoken.emit(text)
        if not self._enabled:
            return
        tts = self._engine()
        if tts is None or self._broken:
            return
        from PySide6.QtTextToSpeech import QTextToSpeech

        if tts.state() == QTextToSpeech.State.Speaking:
            tts.stop()
        tts.say(text)
        # Generous: about 3 words a second, plus time for the engine to wake up.
        self._watchdog.start(self._watchdog_ms + self._per_word_ms * len(text.split()))

    def stop(self) -> None:
        self._watchdog.stop()
        if self._tts is not None and not self._broken:
            self._tts.stop()

    def shutdown(self) -> None:
        self._watchdog.stop()
        if self._tts is not None:
            self._tts.stop()

    def _state_changed(self, state: object) -> None:
        from PySide6.QtTextToSpeech import QTextToSpeech

        if state in (QTextToSpeech.State.Ready, QTextToSpeech.State.Paused):
            self._watchdog.stop()
        elif state == QTextToSpeech.State.Error:
            self._watchdog.stop()
            reason = self._tts.errorString() if self._tts is not None else ""
            self._fail(f"Voice is off: the speech engine reported an error ({reason}).")

    def _timed_out(self) -> None:
        if self._tts is not None:
            # Whatever it is still doing, it is not heard; ask it to stop once.
            self._tts.stop()
        self._fail(
            "Voice is off: the speech engine stopped answering (is a sound server running?). "
            "Steps are shown as text."
        )

    def _fail(self, message: str) -> None:
        self._broken = True
        self._watchdog.stop()
        log.warning(message)
        if not self._reported:
            self._reported = True
            self.problem.emit(message)
