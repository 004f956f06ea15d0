"""SIGTERM while a rating waits to be saved: kept in the journal, saved by the next start.

The real app runs in its own process (``stop_driver.py``, through the app's own
entry point) and is stopped the way a logout or a shutdown stops it. The log
refuses writes either through the refusing store (any machine) or because its
disk, a 1 MiB tmpfs, is full for real (root only).
"""

from __future__ import annotations

import json
import os
import selectors
import signal
import sqlite3
import stat
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from psoas_timer import paths as app_paths
from psoas_timer.store.journal import JOURNAL_SIZE, Journal, journal_path
from tests.reliability.disks import SmallDisk

pytestmark = [pytest.mark.subprocess, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
SAVED = (
    "3 changes kept from last time were saved: Left side before, 7/10; left side, base set; "
    "session ended early."
)


def _driver(*args: str) -> subprocess.Popen[str]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT)}
    return subprocess.Popen(
        [sys.executable, "-m", "tests.reliability.stop_driver", *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _line(child: subprocess.Popen[str], timeout: float = 60) -> dict[str, Any]:
    assert child.stdout is not None
    with selectors.DefaultSelector() as sel:
        sel.register(child.stdout, selectors.EVENT_READ)
        if not sel.select(timeout):
            child.kill()
            raise AssertionError(f"no word from the app in {timeout} s: {child.communicate()}")
    line = child.stdout.readline()
    assert line, f"the app ended early: {child.communicate()}"
    record: dict[str, Any] = json.loads(line)
    return record


def _logged(database: Path) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]], int]:
    conn = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    try:
        return (
            conn.execute("SELECT id, status FROM sessions").fetchall(),
            conn.execute("SELECT session_id, side, moment, value FROM ratings").fetchall(),
            conn.execute("SELECT count(*) FROM sets").fetchone()[0],
        )
    finally:
        conn.close()


def _kept(journal: Path) -> list[dict[str, Any]]:
    opened = Journal.open(journal)
    try:
        document = opened.read()
    finally:
        opened.close()
    assert document is not None, "the journal is empty"
    changes: list[dict[str, Any]] = json.loads(document)["changes"]
    return changes


def _assert_reserved(journal: Path) -> None:
    info = journal.stat()
    assert info.st_size == JOURNAL_SIZE
    assert info.st_blocks * 512 >= JOURNAL_SIZE  # written out, not a hole
    assert stat.S_IMODE(info.st_mode) == 0o600


def _stop(child: subprocess.Popen[str]) -> str:
    started = time.monotonic()
    child.send_signal(signal.SIGTERM)
    _, err = child.communicate(timeout=30)
    assert child.returncode == 0, err
    assert time.monotonic() - started < 10
    return err


def _start_again(data_dir: Path) -> dict[str, Any]:
    child = _driver("start", "--data-dir", str(data_dir))
    report = _line(child)
    _, err = child.communicate(timeout=30)
    assert child.returncode == 0, err
    assert "Traceback" not in err, err
    return report


def _check_saved(where: app_paths.Paths, session_id: int) -> None:
    sessions, ratings, sets = _logged(where.database)
    assert sessions == [(session_id, "ended_early")]
    assert ratings == [(session_id, "left", "before", 7)]
    assert sets == 1
    journal = journal_path(where.database)
    _assert_reserved(journal)
    opened = Journal.open(journal)
    try:
        assert opened.read() is None  # cleared
    finally:
        opened.close()


def test_sigterm_keeps_a_refused_rating_and_the_next_start_saves_it(tmp_path: Path) -> None:
    data_dir = tmp_path / "app"
    where = app_paths.paths_under(data_dir)
    child = _driver("rate", "--data-dir", str(data_dir), "--refuse")
    at = _line(child)
    session_id = at["session_id"]
    journal = journal_path(where.database)
    _assert_reserved(journal)  # before anything is refused
    waiting = _line(child)
    assert waiting["pending"] == 1
    assert waiting["message"].startswith("Not saved yet (1 pending) — kept in memory; the disk")
    err = _stop(child)
    assert "Traceback" not in err, err
    # The session was ended as quitting ends it: the set cut short and the end wait too.
    kept = _kept(journal)
    assert [c["change"] for c in kept] == ["rating", "set", "session ended"]
    assert kept[0]["value"] == 7 and kept[0]["session_id"] == session_id
    assert _logged(where.database)[1] == []  # not in the log: the log refused it

    report = _start_again(data_dir)
    assert report == {"told": [SAVED], "pending": 0}
    _check_saved(where, session_id)


@pytest.mark.mounts
def test_sigterm_on_a_full_disk_keeps_the_rating_in_the_space_reserved_before(
    tmp_path: Path, small_disk: SmallDisk
) -> None:
    data_dir = small_disk.path / "app"
    where = app_paths.paths_under(data_dir)
    go = tmp_path / "go"  # off the small disk
    child = _driver("rate", "--data-dir", str(data_dir), "--go", str(go))
    try:
        at = _line(child)
        journal = journal_path(where.database)
        _assert_reserved(journal)  # reserved at start-up, before the disk filled
        small_disk.fill()
        go.touch()
        waiting = _line(child)
        assert waiting["pending"] >= 1
        assert "the disk is full" in waiting["message"]
        _stop(child)
    finally:
        if child.poll() is None:
            child.kill()
            child.communicate(timeout=30)
    kept = _kept(journal)  # written into the full disk's reserved space
    assert kept[0]["change"] == "rating" and kept[0]["value"] == 7
    assert [c["change"] for c in kept][-1] == "session ended"
    assert _logged(where.database)[1] == []

    small_disk.make_room()
    report = _start_again(data_dir)
    assert report["pending"] == 0
    (told,) = report["told"]
    assert told.startswith(f"{len(kept)} changes kept from last time were saved: ")
    assert "Left side before, 7/10" in told
    _check_saved(where, at["session_id"])


def test_sigterm_during_a_question_at_start_up_still_quits(tmp_path: Path) -> None:
    """Stopped while a start-up message waits for an answer, in its own event loop."""
    data_dir = tmp_path / "app"
    where = app_paths.paths_under(data_dir)
    where.ensure()
    journal = journal_path(where.database)
    journal.write_bytes(b"not a journal")  # so the start-up has something to say
    child = _driver("start", "--data-dir", str(data_dir), "--stay")
    try:
        question = _line(child)["question"]
        assert question.startswith("The changes kept from last time could not be read")
        err = _stop(child)
    finally:
        if child.poll() is None:
            child.kill()
            child.communicate(timeout=30)
    assert "Traceback" not in err, err
    (aside,) = where.data.glob("unsaved.journal.damaged-*")
    assert aside.read_bytes() == b"not a journal"
