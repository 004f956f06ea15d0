"""The real app, driven by keys, for the kill test, the soak and the network check.

``drive`` starts the app through its own entry point (:func:`psoas_timer.app.main`,
so :func:`psoas_timer.ui.application.run` builds the real store, window and
clocks) and, once the window is up, presses keys the way a person on the floor
would: Enter to start and go on, digits to rate, sometimes R, ← or Enter during
a set. Every item the save service reports as saved is appended to a journal
file (flushed and fsynced) the moment it is reported, so a process killed at
any instant leaves a journal that lists only what the app had shown as saved.

``check`` is a fresh launch on a data folder: it builds the window as the app
does and prints, as JSON, the sessions the window offers for recovery.

    python -m tests.reliability.harness drive --data-dir DIR --journal FILE [--seed N]
    python -m tests.reliability.harness check --data-dir DIR
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import sys
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("SPEECHD_ADDRESS", "unix_socket:/nonexistent/psoas-timer-tests")

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget

from psoas_timer import paths as app_paths
from psoas_timer.core.engine import State
from psoas_timer.core.plan import StepKind
from psoas_timer.core.settings import Settings, save_settings
from tests.helpers import QUICK_SETTINGS
from tests.qt_helpers import active_timers, start_session

KILL_SETTINGS = QUICK_SETTINGS
# Sound off: with no sound server (as on a test machine) QtMultimedia floods the
# event loop with socket-notifier warnings, which would measure that, not the app.
SOAK_SETTINGS = Settings(
    voice=False, sound=False, floor_mode=False, safety_acknowledged=True, units="cm"
)
RATING_KEYS = "0123456789t"
TICK_MS = 15


def rss_kib() -> int:
    """Resident set size now, from /proc (ru_maxrss is the peak, not the current)."""
    try:
        pages = int(Path("/proc/self/statm").read_text("ascii").split()[1])
        return pages * os.sysconf("SC_PAGE_SIZE") // 1024
    except (OSError, ValueError, IndexError):
        return int(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)


class Journal:
    """Append-only JSON lines, each on disk before the next event is handled."""

    def __init__(self, path: Path) -> None:
        self._file = path.open("a", encoding="utf-8")

    def write(self, record: dict[str, Any]) -> None:
        self._file.write(json.dumps(record, sort_keys=True) + "\n")
        self._file.flush()
        os.fsync(self._file.fileno())


class Driver(QObject):
    """Presses keys in the real window, one decision every ``TICK_MS``."""

    def __init__(
        self,
        rng: random.Random,
        journal: Journal | None,
        soak_seconds: float | None,
        samples: Path | None,
    ) -> None:
        super().__init__()
        self.rng = rng
        self.journal = journal
        self.soak_seconds = soak_seconds
        self.samples = samples.open("a", encoding="utf-8") if samples is not None else None
        self.window: Any = None
        self.sessions = 0
        self.left_behind: list[str] = []
        self._tick = QTimer(self)
        self._tick.setInterval(TICK_MS)
        self._tick.timeout.connect(self.tick)
        self._sample = QTimer(self)
        self._sample_started = 0.0
        self._finishing = False

    # -- start-up

    def begin(self) -> None:
        from psoas_timer.ui.main_window import MainWindow

        app = QApplication.instance()
        assert isinstance(app, QApplication)
        found = [w for w in app.topLevelWidgets() if isinstance(w, MainWindow)]
        if not found:
            QTimer.singleShot(10, self.begin)
            return
        self.window = found[0]
        if self.journal is not None:
            self.window.saving.item_saved.connect(self._journal_item)
        if self.samples is not None:
            clock = self.window.session.clock
            # One sample per session-time minute.
            self._sample.setInterval(max(1, round(clock.real_seconds(60.0) * 1000)))
            self._sample.timeout.connect(self._take_sample)
            self._sample_started = time.monotonic()
            self._take_sample()
            self._sample.start()
        print("ready", flush=True)
        self._tick.start()

    def _journal_item(self, item: object) -> None:
        assert self.journal is not None
        record = asdict(item)  # type: ignore[call-overload]
        self.journal.write(record)

    def _take_sample(self) -> None:
        assert self.samples is not None
        clock = self.window.session.clock
        record = {"t": round(clock.now(), 1), "rss_kib": rss_kib(), "sessions": self.sessions}
        self.samples.write(json.dumps(record) + "\n")
        self.samples.flush()

    # -- driving

    def tick(self) -> None:
        window = self.window
        page = window.session
        engine = page.engine
        if window.stack.currentWidget() is not page:
            self._start_session()
            return
        if engine is None or engine.state is State.FINISHED:
            self._session_over()
            return
        if engine.state is State.PAUSED:
            QTest.keyClick(page, Qt.Key.Key_Space)
            return
        kind = engine.step.kind
        roll = self.rng.random()
        if kind is StepKind.RATING:
            QTest.keyClicks(page, self.rng.choice(RATING_KEYS))
        elif self.soak_seconds is not None:
            return  # the soak lets every timed step run its full time
        elif kind is StepKind.SET:
            if roll < 0.03:
                QTest.keyClick(page, Qt.Key.Key_Return)  # skip the rest of the set
            elif roll < 0.05:
                QTest.keyClick(page, Qt.Key.Key_R)
            elif roll < 0.06:
                QTest.keyClick(page, Qt.Key.Key_Left)
            elif roll < 0.065:
                QTest.keyClick(page, Qt.Key.Key_Space)
            elif roll < 0.067:
                QTest.keyClick(page, Qt.Key.Key_S)
        elif kind is StepKind.QUESTION:
            # Yes, one more set, or come off; whichever comes, the side's limit ends it.
            if roll < 0.15:
                key = (Qt.Key.Key_Return, Qt.Key.Key_Space, Qt.Key.Key_Left)[int(roll * 20) % 3]
                QTest.keyClick(page, key)
        elif kind is StepKind.STOP_REASON:
            QTest.keyClicks(page, self.rng.choice("12345"))
        elif roll < 0.15:
            QTest.keyClick(page, Qt.Key.Key_Return)

    def _start_session(self) -> None:
        window = self.window
        tools = sorted(window.catalog.tools)
        tool = self.rng.choice(tools)
        start_session(window, tool, self.rng.choice(["both", "both", "left", "right"]))

    def _session_over(self) -> None:
        window = self.window
        self.sessions += 1
        QTest.keyClick(window.session, Qt.Key.Key_Return)  # back to the tools
        if self.soak_seconds is None:
            return
        app = QApplication.instance()
        assert isinstance(app, QApplication)
        # Our own driver timers are not the app's; everything else must be idle.
        roots: list[QObject] = [w for w in app.topLevelWidgets() if isinstance(w, QWidget)]
        # The status bar's own timer clears a timed message ("Saved: …"); it is
        # restarted by each message, never multiplied, so it is not a leak.
        running = [t for t in active_timers(roots) if not t.endswith("in QStatusBar")]
        record = {
            "session": self.sessions,
            "t": round(window.session.clock.now(), 1),
            "active_timers": running,
        }
        assert self.samples is not None
        self.samples.write(json.dumps(record) + "\n")
        self.samples.flush()
        if window.session.clock.now() >= self.soak_seconds and not self._finishing:
            self._finishing = True
            self._tick.stop()
            self._sample.stop()
            self._take_sample()
            window.close()
            app.quit()


def _data_paths(data_dir: Path) -> app_paths.Paths:
    return app_paths.paths_under(data_dir)


def drive(args: argparse.Namespace) -> int:
    from psoas_timer.app import main as app_main
    from psoas_timer.ui.application import make_application

    where = _data_paths(args.data_dir)
    if not where.settings.exists():
        where.ensure()
        save_settings(where.settings, SOAK_SETTINGS if args.soak_seconds else KILL_SETTINGS)
    make_application()
    journal = Journal(args.journal) if args.journal is not None else None
    driver = Driver(random.Random(args.seed), journal, args.soak_seconds, args.samples)
    QTimer.singleShot(0, driver.begin)
    if args.quit_after is not None:

        def leave() -> None:
            app = QApplication.instance()
            assert isinstance(app, QApplication)
            driver._tick.stop()
            if driver.window is not None and driver.window.session.engine is not None:
                driver.window.session.engine.end()
            app.quit()

        QTimer.singleShot(round(args.quit_after * 1000), leave)
    argv = ["--data-dir", str(args.data_dir), "--time-scale", str(args.time_scale)]
    return app_main(argv)


def check(args: argparse.Namespace) -> int:
    """A fresh launch: what does the window offer for recovery?"""
    from psoas_timer.core.catalog import load_catalog
    from psoas_timer.core.clock import Clocks
    from psoas_timer.core.settings import load_settings
    from psoas_timer.ui.application import make_application, open_store
    from psoas_timer.ui.main_window import MainWindow

    make_application()
    where = app_paths.paths_for(args.data_dir)
    where.ensure()
    settings, settings_message = load_settings(where.settings)
    catalog = load_catalog(user_tools=where.user_tools)
    store, store_message = open_store(where)
    window = MainWindow(catalog, settings, where, Clocks.real(50), store)
    api = "recovery_candidates"
    candidates_of = getattr(window, "recovery_candidates", None)
    if candidates_of is None:
        # Until the window offers its own list, the log's is what it would offer.
        api = "saving.interrupted_sessions"
        candidates = window.saving.interrupted_sessions()
    else:
        candidates = candidates_of()
    result = {
        "api": api,
        "candidates": [s.id for s in candidates],
        "store_message": store_message,
        "settings_message": settings_message,
    }
    window.shutdown()
    window.deleteLater()
    store.close()
    print(json.dumps(result), flush=True)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.reliability.harness")
    commands = parser.add_subparsers(dest="command", required=True)
    d = commands.add_parser("drive")
    d.add_argument("--data-dir", type=Path, required=True)
    d.add_argument("--journal", type=Path)
    d.add_argument("--seed", type=int, default=1)
    d.add_argument("--time-scale", type=float, default=50.0)
    d.add_argument("--soak-seconds", type=float, help="session time to run, then quit")
    d.add_argument("--samples", type=Path, help="append RSS and timer samples here")
    d.add_argument("--quit-after", type=float, help="quit by itself after this many seconds")
    c = commands.add_parser("check")
    c.add_argument("--data-dir", type=Path, required=True)
    args = parser.parse_args(argv)
    return drive(args) if args.command == "drive" else check(args)


if __name__ == "__main__":
    sys.exit(main())
