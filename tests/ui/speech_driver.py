"""Starts the real app, presses Start as a user would, and quits it.

Run by ``test_speech_daemon.py`` in a separate process whose speech daemon (and
perhaps sound server) is a socket that never answers. Start is pressed a second
after the placement page shows, as a person would. Prints one JSON object: how
long the Start click took and how long it was until the countdown showed, the
longest the GUI thread was kept from its event loop, what the status bar said and
when, and how long quitting took.

    python -m tests.ui.speech_driver DATA_DIR
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Any

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from psoas_timer import paths as app_paths
from psoas_timer.app import main as app_main
from psoas_timer.core.plan import StepKind
from psoas_timer.core.settings import save_settings
from psoas_timer.ui import prompts
from psoas_timer.ui.application import make_application
from psoas_timer.ui.main_window import MainWindow
from tests.helpers import QUICK_SETTINGS
from tests.qt_helpers import start_session

#: How long the driver gives the app to say that the voice is off.
TOLD_WITHIN_S = 6.0
#: How long the placement page is looked at before Start is pressed.
READ_MS = 1000


class Drive:
    def __init__(self, app: QApplication) -> None:
        self.app = app
        self.report: dict[str, Any] = {"messages": []}
        self.window: MainWindow | None = None
        self.clicked = 0.0
        self._last_tick = time.monotonic()
        self.longest_gap = 0.0
        self._ticks = QTimer()
        self._ticks.setInterval(10)
        self._ticks.timeout.connect(self._tick)
        self._poll = QTimer()
        self._poll.setInterval(5)
        self._poll.timeout.connect(self._check)

    def _tick(self) -> None:
        now = time.monotonic()
        self.longest_gap = max(self.longest_gap, now - self._last_tick)
        self._last_tick = now

    def begin(self) -> None:
        windows = [w for w in self.app.topLevelWidgets() if isinstance(w, MainWindow)]
        if not windows:
            self.report["error"] = "no main window"
            self.app.exit(3)
            return
        window = self.window = windows[0]
        window.statusBar().messageChanged.connect(self._message)
        self._last_tick = time.monotonic()
        self._ticks.start()
        self.clicked = time.monotonic()
        start_session(window, "ql-claw", "left")
        self.report["click_s"] = time.monotonic() - self.clicked
        self._poll.start()
        QTimer.singleShot(int(TOLD_WITHIN_S * 1000), self.quit)

    def _message(self, text: str) -> None:
        if text:
            self.report["messages"].append([round(time.monotonic() - self.clicked, 3), text])

    def _check(self) -> None:
        window = self.window
        assert window is not None
        engine = window.session.engine
        if "countdown_s" not in self.report and (
            engine is not None
            and engine.step.kind is StepKind.COUNTDOWN
            and window.stack.currentWidget() is window.session
        ):
            self.report["countdown_s"] = time.monotonic() - self.clicked
        said = [text for _, text in self.report["messages"]]
        voice_told = any(text.startswith("Voice is off") for text in said)
        sound_settled = window.cues.available or any(t.startswith("Sound is off") for t in said)
        if "countdown_s" in self.report and voice_told and sound_settled:
            self.quit()

    def quit(self) -> None:
        if "quit_at" in self.report or self.window is None:
            return
        self._poll.stop()
        self.report["longest_gap_s"] = self.longest_gap
        self.report["quit_at"] = time.monotonic()
        # As Ctrl+Q does: close the window; the app ends with its last window.
        self.window.close()


def main() -> int:
    data = Path(sys.argv[1])
    where = app_paths.paths_under(data)
    where.ensure()
    settings = QUICK_SETTINGS.with_changes(voice=True, sound=True, countdown=20, breaths=5)
    save_settings(where.settings, settings)
    # Quitting during the countdown asks first; a user would say yes.
    prompts.confirm = lambda *args, **kwargs: True
    app = make_application()
    drive = Drive(app)
    # As a user does: Start is pressed once the page has been on screen a moment
    # (the window paints as its event loop starts), not before it could be seen.
    QTimer.singleShot(READ_MS, drive.begin)
    code = app_main(["--data-dir", str(data), "--tool", "ql-claw"])
    report = drive.report
    if "quit_at" in report:
        report["quit_s"] = time.monotonic() - report.pop("quit_at")
    report["exit_code"] = code
    print(json.dumps(report), flush=True)
    return code


if __name__ == "__main__":
    raise SystemExit(main())
