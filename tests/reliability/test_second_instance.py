"""A second start brings the first window forward; two writers anyway stay safe."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from psoas_timer import paths as app_paths
from psoas_timer.store import Store

pytestmark = pytest.mark.subprocess

ROOT = Path(__file__).resolve().parents[2]


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["QT_QPA_PLATFORM"] = "offscreen"
    env["PYTHONPATH"] = str(ROOT)
    return env


def _start_app(data_dir: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "psoas_timer", "--data-dir", str(data_dir)],
        cwd=ROOT,
        env=_env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _wait_until_listening(where: app_paths.Paths, child: subprocess.Popen[bytes]) -> None:
    log_file = where.log_file
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert child.poll() is None, "the first copy exited"
        # The window is up once the log has been opened (the store is opened
        # after the lock is taken and the server listens).
        if where.database.exists() and log_file.exists():
            time.sleep(0.5)
            return
        time.sleep(0.05)
    raise AssertionError("the first copy never came up")


def _second(data_dir: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "psoas_timer", "--data-dir", str(data_dir)],
        cwd=ROOT,
        env=_env(),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def _stop(child: subprocess.Popen[bytes]) -> None:
    if child.poll() is None:
        child.kill()
    child.wait(timeout=30)


def test_a_second_start_raises_the_first_window_and_exits(tmp_path: Path) -> None:
    where = app_paths.paths_under(tmp_path / "app")
    first = _start_app(tmp_path / "app")
    try:
        _wait_until_listening(where, first)
        second = _second(tmp_path / "app")
        assert second.returncode == 0, second.stderr
        lines = [line for line in second.stderr.splitlines() if line.startswith("psoas-timer:")]
        assert lines == [
            f"psoas-timer: already running for {where.data} (its window was brought to the front)."
        ]
        deadline = time.monotonic() + 10
        while "bringing it forward" not in where.log_file.read_text("utf-8"):
            assert time.monotonic() < deadline, "the first copy never heard the second"
            time.sleep(0.05)
        assert first.poll() is None
    finally:
        _stop(first)


def test_separate_data_folders_run_side_by_side(tmp_path: Path) -> None:
    one = app_paths.paths_under(tmp_path / "one")
    two = app_paths.paths_under(tmp_path / "two")
    assert one.lock_name != two.lock_name
    first = _start_app(tmp_path / "one")
    other = None
    try:
        _wait_until_listening(one, first)
        other = _start_app(tmp_path / "two")
        _wait_until_listening(two, other)
        assert first.poll() is None and other.poll() is None
    finally:
        _stop(first)
        if other is not None:
            _stop(other)


def test_a_killed_copy_does_not_block_the_next_start(tmp_path: Path) -> None:
    where = app_paths.paths_under(tmp_path / "app")
    first = _start_app(tmp_path / "app")
    try:
        _wait_until_listening(where, first)
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=30)
        assert list(where.data.glob(".*.lock")), "the crash left its lock behind"
        where.log_file.unlink()
        again = _start_app(tmp_path / "app")
        try:
            _wait_until_listening(where, again)
            time.sleep(1.0)
            assert again.poll() is None, "the next start gave up on a stale lock"
            # And it is the one running copy now.
            third = _second(tmp_path / "app")
            assert third.returncode == 0 and "already running" in third.stderr
        finally:
            _stop(again)
    finally:
        _stop(first)


WRITER = """
import sys
from pathlib import Path
from psoas_timer.store import Store
path, tag, count = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
with Store.open(path) as store:
    for n in range(count):
        sid = store.start_session("ql-claw", "prone", "both")
        store.record_rating(sid, "left", "before", n % 11)
        store.record_rating(sid, "right", "before", (n + 1) % 11)
        store.set_note(sid, f"{tag}-{n}")
        store.finish_session(sid, "completed")
print("done", flush=True)
"""


def test_two_processes_writing_at_once_lose_nothing(tmp_path: Path) -> None:
    """If the lock were bypassed, SQLite's busy timeout still serialises the writers."""
    database = tmp_path / "log.sqlite3"
    Store.open(database).close()
    count = 150
    writers = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, str(database), tag, str(count)],
            cwd=ROOT,
            env=_env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for tag in ("a", "b")
    ]
    for writer in writers:
        out, err = writer.communicate(timeout=120)
        assert writer.returncode == 0, err
        assert out.strip() == "done"
    conn = sqlite3.connect(database)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        notes = sorted(r[0] for r in conn.execute("SELECT note FROM sessions"))
        assert notes == sorted(f"{t}-{n}" for t in "ab" for n in range(count))
        (ratings,) = conn.execute("SELECT count(*) FROM ratings").fetchone()
        assert ratings == 4 * count
        (running,) = conn.execute(
            "SELECT count(*) FROM sessions WHERE status != 'completed'"
        ).fetchone()
        assert running == 0
    finally:
        conn.close()
