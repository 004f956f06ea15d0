"""The real cue player, for the audio drivers that run in a process of their own."""

from __future__ import annotations

import json
import tempfile
import time
from pathlib import Path

from PySide6.QtWidgets import QApplication

from psoas_timer.services.sound import CuePlayer


def ready_cue_player(app: QApplication, volume: float | None = None) -> CuePlayer | None:
    """A cue player with its sounds loaded and an output open, or None once the
    driver's report has said there is no audio output."""
    cues = CuePlayer(Path(tempfile.mkdtemp()))
    if volume is not None:
        cues.set_volume(volume, muted=False)
    cues.preload()
    # Usually ready on return; a slow start of the sound server can take longer.
    deadline = time.monotonic() + 5
    while not cues.available and time.monotonic() < deadline:
        app.processEvents()
        time.sleep(0.01)
    if not cues.available:
        print(json.dumps({"error": "no audio output"}))
        return None
    return cues
