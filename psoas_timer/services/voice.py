"""Spoken announcements.

Speech goes through QtTextToSpeech when an engine answers; when none does, the app
says so once and carries on with text only. A speech engine that never finishes
speaking (speech-dispatcher without a sound server does that) is timed out.
"""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

log = logging.getLogger(__name__)

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
