"""Sound cues, synthesized by the app (no recordings to license or lose) and
loaded before a set starts so that playing one costs nothing at the boundary."""

from __future__ import annotations

import array
import logging
import math
import wave
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, QUrl, Signal

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
