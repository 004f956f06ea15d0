"""The real app, stopped with SIGTERM while a rating waits to be saved, and started again.

``rate`` starts the app through its own entry point, starts a session, skips
the countdown and, once the log refuses writes, types a rating. The log
refuses either because ``--refuse`` made it a :class:`RefusingStore` (any
machine) or because the test filled the disk it is on (``--go FILE``: the
driver waits for that file to appear before typing). It then prints one JSON
line (``pending``: how many changes wait) and carries on with the session
until the test stops it.

``start`` starts the app again, lets its start-up run, prints one JSON line
(``told``: every message box shown) and quits. With ``--stay`` the message
boxes are real: it prints the first one's text (``question``) and waits.

    python -m tests.reliability.stop_driver rate --data-dir DIR [--refuse | --go FILE]
    python -m tests.reliability.stop_driver start --data-dir DIR [--stay]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("SPEECHD_ADDRESS", "unix_socket:/nonexistent/psoas-timer-tests")

from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMessageBox

from psoas_timer import paths as app_paths
from psoas_timer.app import main as app_main
from psoas_timer.core.plan import StepKind
from psoas_timer.core.settings import save_settings
from psoas_timer.ui.application import make_application
from psoas_timer.ui.main_window import MainWindow
from tests.helpers import QUICK_SETTINGS
from tests.qt_helpers import start_session
from tests.refusing_store import RefusingStore


def _window() -> MainWindow | None:
    found = [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow)]
    return found[0] if found else None


def _say(record: dict[str, object]) -> None:
    print(json.dumps(record), flush=True)


def rate(data_dir: Path, refuse: bool, go: Path | None) -> int:
    if refuse:
        # The app opens its log as it always does, as a log that can be told to refuse.
        from psoas_timer.store import Store

        Store.open = RefusingStore.open  # type: ignore[method-assign]

    def begin() -> None:
        window = _window()
        if window is None:
            QTimer.singleShot(10, begin)
            return
        start_session(window, "ql-claw", "left")
        QTest.keyClick(window.session, Qt.Key.Key_Return)  # no countdown
        engine = window.session.engine
        assert engine is not None and engine.step.kind is StepKind.RATING
        _say({"at": "rating", "session_id": window.saving.session_id})
        wait_then_rate(window)

    def wait_then_rate(window: MainWindow) -> None:
        if go is not None and not go.exists():
            QTimer.singleShot(20, lambda: wait_then_rate(window))
            return
        store = window.saving.store
        if refuse:
            assert isinstance(store, RefusingStore)
            store.refuse()
        QTest.keyClicks(window.session, "7")
        _say({"pending": window.saving.pending, "message": window.saving.message})

    make_application()
    QTimer.singleShot(0, begin)
    return app_main(["--data-dir", str(data_dir)])


def stay(data_dir: Path) -> int:
    def look() -> None:
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox):
            _say({"question": box.text()})
        else:
            QTimer.singleShot(10, look)

    make_application()
    QTimer.singleShot(0, look)
    return app_main(["--data-dir", str(data_dir)])


def start(data_dir: Path) -> int:
    told: list[str] = []

    def shown(parent: object, title: str, text: str, *args: object) -> object:
        told.append(text)
        return QMessageBox.StandardButton.Ok

    QMessageBox.information = shown  # type: ignore[assignment,method-assign]
    QMessageBox.warning = shown  # type: ignore[assignment,method-assign]

    def report() -> None:
        window = _window()
        if window is None:
            QTimer.singleShot(10, report)
            return
        _say({"told": told, "pending": window.saving.pending})
        window.shutdown()
        QApplication.exit(0)

    # After the start-up's own messages and its offer of recovery: once the window
    # asks the last start-up question.
    asked = MainWindow.offer_next_day_check

    def last_question(window: MainWindow) -> None:
        asked(window)
        QTimer.singleShot(0, report)

    MainWindow.offer_next_day_check = last_question  # type: ignore[assignment,method-assign]
    make_application()
    return app_main(["--data-dir", str(data_dir)])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.reliability.stop_driver")
    commands = parser.add_subparsers(dest="command", required=True)
    r = commands.add_parser("rate")
    r.add_argument("--data-dir", type=Path, required=True)
    r.add_argument("--refuse", action="store_true")
    r.add_argument("--go", type=Path)
    s = commands.add_parser("start")
    s.add_argument("--data-dir", type=Path, required=True)
    s.add_argument("--stay", action="store_true")
    args = parser.parse_args(argv)
    where = app_paths.paths_under(args.data_dir)
    if not where.settings.exists():
        where.ensure()
        save_settings(where.settings, QUICK_SETTINGS)
    if args.command == "rate":
        return rate(args.data_dir, args.refuse, args.go)
    return stay(args.data_dir) if args.stay else start(args.data_dir)


if __name__ == "__main__":
    sys.exit(main())
