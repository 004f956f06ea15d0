"""Plays cues the way a session does, with long silences between them, and says when.

Run by ``test_audio.py`` in a separate process whose sound goes to a null sink
that the test records. The output is held open as a session holds it; each
breath-in cue follows ``GAP_S`` of silence, longer than the 5 s after which
sound servers put an idle output to sleep. Then a breath in and a breath out
of every theme, played as the settings dialog's Test button plays them, for
the recording to tell the themes apart. Prints one JSON
object: what was played when (monotonic seconds), and whether the output was
held open; before it, lines name the moments for the test to look at the sound
server's streams (the driver cannot: a child process started from a process
with Qt's audio running upsets Qt's socket notifiers).
"""

from __future__ import annotations

import json
import sys
import time

from PySide6.QtCore import QEventLoop, QTimer
from PySide6.QtWidgets import QApplication

from psoas_timer.core.cue_sounds import CUE_THEMES, DEFAULT_CUE_THEME
from psoas_timer.services.sound import PAIR_GAP_MS
from tests.ui.audio_output import ready_cue_player

GAP_S = 6.5
GAP_CUES = 3
THEME_GAP_S = 2.2  # the longest cue (a bowl) has died away by then


def wait(seconds: float) -> None:
    loop = QEventLoop()
    QTimer.singleShot(round(seconds * 1000), loop.quit)
    loop.exec()


def mark(moment: str) -> None:
    """Tell the test what is going on now; it looks at the sound server's streams then."""
    print(moment, flush=True)
    wait(1.0)


def main() -> int:
    app = QApplication(sys.argv[:1])
    cues = ready_cue_player(app, volume=1.0)
    if cues is None:
        return 3
    for theme in CUE_THEMES:
        cues.set_theme(theme)  # every theme loaded before anything is timed
    cues.set_theme(DEFAULT_CUE_THEME)
    mark("idle")
    played: list[tuple[str, str, float]] = []

    def play(theme: str, name: str) -> None:
        played.append((theme, name, time.monotonic()))
        cues.play(name)

    cues.hold_open()
    wait(0.5)
    holding = cues.holding_open
    mark("holding")
    for _ in range(GAP_CUES):
        wait(GAP_S)
        play(DEFAULT_CUE_THEME, "inhale")
    wait(GAP_S)
    for theme in CUE_THEMES:
        # As the settings dialog's Test button plays them: the breath out on a timer.
        asked = time.monotonic()
        cues.play_pair(theme, 1.0)
        played.append((theme, "inhale", asked))
        played.append((theme, "exhale", asked + PAIR_GAP_MS / 1000))
        wait(PAIR_GAP_MS / 1000 + THEME_GAP_S)
    cues.let_close()
    wait(0.5)
    after = cues.holding_open
    mark("after")
    print(json.dumps({"played": played, "holding": holding, "after": after}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
