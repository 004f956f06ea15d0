"""Automatic backups through the window, and ``psoas-timer restore`` on the command line."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from psoas_timer import paths as app_paths
from psoas_timer.app import main as app_main
from psoas_timer.core.catalog import load_catalog
from psoas_timer.core.clock import Clocks, FakeClock
from psoas_timer.services.single_instance import SingleInstance
from psoas_timer.store import Store, backups_folder, list_backups, local_time
from psoas_timer.ui.main_window import MainWindow
from tests.helpers import QUICK_SETTINGS
from tests.reliability.test_privacy import _run_session

ROOT = Path(__file__).resolve().parents[2]
T0 = datetime(2024, 1, 3, 12, 0, tzinfo=UTC)


def test_a_completed_session_leaves_a_backup_holding_it(qtbot: QtBot, tmp_path: Path) -> None:
    where = app_paths.paths_under(tmp_path / "app")
    where.ensure()
    store = Store.open(where.database)
    window = MainWindow(load_catalog(), QUICK_SETTINGS, where, Clocks.following(FakeClock()), store)
    qtbot.addWidget(window)
    try:
        window.show()
        _run_session(window, qtbot)
        (backup,) = list_backups(where.database)
        assert backup.sessions == 1
        conn = sqlite3.connect(backup.path.as_uri() + "?mode=ro", uri=True)
        # Taken once the end of the session was saved.
        assert conn.execute("SELECT status FROM sessions").fetchall() == [("completed",)]
        conn.close()
        _run_session(window, qtbot)  # the same day: no second backup
        assert len(list_backups(where.database)) == 1
    finally:
        window.shutdown()
        window.close()
        store.close()


def _log_with_backups(where: app_paths.Paths) -> list[list[str]]:
    """Three days, one session and one backup each; returns the uuids each backup holds."""
    where.ensure()
    held: list[list[str]] = []
    with Store.open(where.database) as store:
        for day in range(3):
            sid = store.start_session("ql-claw", "prone", "left", T0 + timedelta(days=day))
            store.finish_session(sid, "completed", T0 + timedelta(days=day, minutes=20))
            store.backup_if_due(T0 + timedelta(days=day, hours=1))
            held.append([s.uuid for s in store.sessions()])
    return held


def _cli(tmp_path: Path, *args: str) -> list[str]:
    return [*args, "--data-dir", str(tmp_path / "app")]


def test_restore_list_shows_date_sessions_and_size(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    where = app_paths.paths_under(tmp_path / "app")
    assert app_main(_cli(tmp_path, "restore", "--list")) == 0
    assert "No backups yet" in capsys.readouterr().out
    _log_with_backups(where)
    assert app_main(_cli(tmp_path, "restore", "--list")) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == f"Backups in {backups_folder(where.database)}, newest first:"
    rows = [line.split() for line in lines[2:]]
    assert [r[0] for r in rows] == ["1", "2", "3"]
    assert [r[3] for r in rows] == ["3", "2", "1"]  # sessions
    first_day = local_time(T0 + timedelta(hours=1)).strftime("%Y-%m-%d")
    assert rows[2][1] == first_day
    assert all(r[5] == "KB" for r in rows)
    assert rows[0][-1] == list_backups(where.database)[0].path.name


@pytest.mark.parametrize("how", ["number", "date", "file"])
def test_restore_brings_a_backup_back_and_sets_the_log_aside(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], how: str
) -> None:
    where = app_paths.paths_under(tmp_path / "app")
    held = _log_with_backups(where)
    oldest = list_backups(where.database)[-1]
    choice = {
        "number": "3",
        "date": local_time(oldest.taken).strftime("%Y-%m-%d"),
        "file": str(oldest.path),
    }[how]
    capsys.readouterr()
    assert app_main(_cli(tmp_path, "restore", choice)) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"Restored 1 session from {oldest.path}.")
    with Store.open(where.database) as store:
        assert [s.uuid for s in store.sessions()] == held[0]
    (aside,) = where.data.glob("psoas-timer.sqlite3.before-restore-*")
    assert str(aside) in out
    with Store.open(aside) as kept:
        assert [s.uuid for s in kept.sessions()] == held[2]


@pytest.mark.parametrize(
    ("args", "code", "said"),
    [
        (["restore"], 2, "name a backup"),
        (["restore", "9"], 1, "There is no backup number 9: there are 3."),
        (["restore", "1999-01-01"], 1, "There is no backup from 1999-01-01."),
        (["restore", "yesterday"], 1, "is not a backup file, a number from the list or a date"),
    ],
)
def test_restore_explains_a_choice_it_cannot_follow(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str], code: int, said: str
) -> None:
    where = app_paths.paths_under(tmp_path / "app")
    _log_with_backups(where)
    before = where.database.read_bytes()
    capsys.readouterr()
    assert app_main(_cli(tmp_path, *args)) == code
    assert said in capsys.readouterr().err
    assert where.database.read_bytes() == before


HOLD_THE_LOCK = """
import sys
from pathlib import Path
from PySide6.QtCore import QLockFile
lock = QLockFile(sys.argv[1])
assert lock.tryLock(0)
print("locked", flush=True)
sys.stdin.read()
"""


def test_the_lock_restore_checks_is_the_running_apps_lock(tmp_path: Path) -> None:
    where = app_paths.paths_under(tmp_path / "app")
    assert SingleInstance(where.lock_name, where.data).lock_path == where.lock_file


def test_restore_refuses_while_the_app_runs_for_the_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    where = app_paths.paths_under(tmp_path / "app")
    _log_with_backups(where)
    before = where.database.read_bytes()
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_THE_LOCK, str(where.lock_file)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        capsys.readouterr()
        assert app_main(_cli(tmp_path, "restore", "1")) == 1
        err = capsys.readouterr().err
        assert f"Psoas Timer is running for {where.data}" in err and "nothing was changed" in err
        assert where.database.read_bytes() == before
        assert not list(where.data.glob("*.before-restore-*"))
    finally:
        holder.communicate("", timeout=30)
    # Once the app has gone (even without unlocking: its lock is stale), restore works.
    assert app_main(_cli(tmp_path, "restore", "1")) == 0
