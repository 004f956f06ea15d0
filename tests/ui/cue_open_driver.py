"""Preloads the cues in a fresh process and reports, as JSON, how long the GUI
thread was held and what the player said.

Run by ``test_audio.py`` with ``PULSE_SERVER`` pointing at a sound server that
takes connections and never answers. A fresh process, because the audio back end
is opened once per process: after this, QtMultimedia in that process would wait
on the hung server for 30 s.
"""

from __future__ import annotations

import itertools
import json
import sys
import tempfile
import time
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from psoas_timer.services.sound import CuePlayer

#: Longer than the player's bound, shorter than libpulse's own 30 s time-out.
GIVE_UP_S = 6.0
#: With ``warm``: how long after warming the cues a session's Start preloads them.
START_AFTER_MS = 300


def main() -> int:
    app = QApplication(sys.argv[:1])
    player = CuePlayer(Path(tempfile.mkdtemp()))
    problems: list[tuple[float, str]] = []
    ticks: list[float] = []
    began = time.monotonic()
    player.problem.connect(lambda text: problems.append((time.monotonic() - began, text)))
    meter = QTimer()
    meter.setInterval(10)
    meter.timeout.connect(lambda: ticks.append(time.monotonic()))
    meter.start()
    ticks.append(time.monotonic())
    report: dict[str, object] = {}
    if "warm" in sys.argv[1:]:
        # As the placement page does, and then Start a moment later.
        player.warm()
        report["warm_s"] = time.monotonic() - began

        def start() -> None:
            at = time.monotonic()
            player.preload()
            report["preload_s"] = time.monotonic() - at
            player.play("inhale")

        QTimer.singleShot(START_AFTER_MS, start)
    else:
        player.preload()
        report["preload_s"] = time.monotonic() - began
        player.play("inhale")  # never raises, never waits

    def check() -> None:
        if problems or player.available or time.monotonic() - began > GIVE_UP_S:
            app.quit()

    poll = QTimer()
    poll.setInterval(10)
    poll.timeout.connect(check)
    poll.start()
    app.exec()
    ticks.append(time.monotonic())
    gaps = [later - earlier for earlier, later in itertools.pairwise(ticks)]
    report |= {
        "problems": problems,
        "available": player.available,
        "longest_gap_s": max(gaps),
    }
    print(json.dumps(report), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
