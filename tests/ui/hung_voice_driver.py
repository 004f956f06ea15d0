"""Speaks through a real, hung speech-dispatcher in a process of its own.

Run by ``test_voice.py``: when the voice gives up on a daemon that hangs, the
speech thread is left waiting inside libspeechd, and libspeechd crashes the
process once that daemon is stopped. The test stops it, so the waiting is done
here, in a process that ends first, never in the test run itself.

Prints one JSON object: the problems reported, the announcements finished, how
long ``say`` took, and the longest the GUI thread was kept from its loop.
"""

from __future__ import annotations

import json
import sys
import time

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from psoas_timer.services.voice import Voice
from tests.hangs import GuiTicks


def main() -> int:
    app = QApplication(sys.argv[:1])
    voice = Voice(watchdog_ms=1500, per_word_ms=0)
    problems: list[str] = []
    finished: list[str] = []
    voice.problem.connect(problems.append)
    voice.finished_speaking.connect(finished.append)
    ticks = GuiTicks()
    report: dict[str, object] = {}

    def first() -> None:
        began = time.monotonic()
        voice.say("Left side. Place the tool on your left side.")
        report["first_say_s"] = time.monotonic() - began
        wait_for_answer(time.monotonic() + 10)

    def wait_for_answer(deadline: float) -> None:
        if problems or finished or time.monotonic() > deadline:
            second()
        else:
            QTimer.singleShot(20, lambda: wait_for_answer(deadline))

    def second() -> None:
        began = time.monotonic()
        voice.say("Last breath")
        report["second_say_s"] = time.monotonic() - began
        QTimer.singleShot(200, end)

    def end() -> None:
        report.update(problems=problems, finished=finished, longest_gap_s=ticks.stop())
        print(json.dumps(report), flush=True)
        voice.shutdown()
        app.quit()

    QTimer.singleShot(0, first)
    app.exec()
    return 0


if __name__ == "__main__":
    sys.exit(main())
