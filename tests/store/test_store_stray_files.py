"""A -wal or -shm beside the log that is not the log's own never overwrites it.

Each test leaves a real WAL behind: a child process writes in WAL mode with
automatic checkpoints off and exits without closing, exactly as a killed
program would.
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from psoas_timer.store import (
    SCHEMA_VERSION,
    CorruptDatabaseError,
    NewerSchemaError,
    Store,
    quarantine,
)
from psoas_timer.store.files import sidecars

T0 = datetime(2024, 5, 1, 7, 30, tzinfo=UTC)

# Writes in WAL mode and dies without a checkpoint: the WAL stays behind.
LEAVE_A_WAL = """
import os, sqlite3, sys
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute(f"PRAGMA page_size = {sys.argv[2]}")  # only before WAL mode
conn.execute("PRAGMA journal_mode = WAL")
conn.execute("PRAGMA wal_autocheckpoint = 0")
for statement in sys.argv[3:]:
    conn.execute(statement)
os._exit(0)
"""


def leave_a_wal(database: Path, *statements: str, page_size: int = 4096) -> Path:
    subprocess.run(
        [sys.executable, "-c", LEAVE_A_WAL, str(database), str(page_size), *statements],
        check=True,
    )
    wal = sidecars(database)[0]
    assert wal.stat().st_size > 0
    return wal


def log_with_sessions(path: Path, count: int = 5) -> list[tuple[str, int]]:
    """A real log; returns each session's uuid and its left-before rating."""
    with Store.open(path) as store:
        for n in range(count):
            sid = store.start_session("ql-claw", "prone", "both", T0 + timedelta(days=n))
            store.record_rating(sid, "left", "before", n % 11)
            store.finish_session(sid, "completed", T0 + timedelta(days=n, minutes=20))
        return history(store)


def history(store: Store) -> list[tuple[str, int]]:
    return [(s.uuid, s.left.before or -1) for s in store.sessions()]


def another_databases_wal(folder: Path, page_size: int = 4096) -> bytes:
    other = folder / "other.db"
    wal = leave_a_wal(
        other,
        "CREATE TABLE contacts (name TEXT, phone TEXT)",
        "INSERT INTO contacts VALUES ('Ann', '555-0100')",
        "CREATE TABLE notes (body TEXT)",
        page_size=page_size,
    )
    assert int.from_bytes(wal.read_bytes()[8:12], "big") == page_size
    return wal.read_bytes()


@pytest.mark.parametrize(
    ("page_size", "why"),
    [
        # Same page size: only replaying it shows it is another program's database.
        (4096, "failed its checks: it is an SQLite database of some other program"),
        # The WAL header alone gives it away.
        (1024, "its pages are 1024 bytes, the log's 4096"),
    ],
)
def test_a_wal_from_another_database_is_set_aside_and_the_history_kept(
    tmp_path: Path, page_size: int, why: str
) -> None:
    log = tmp_path / "data" / "psoas-timer.sqlite3"
    kept = log_with_sessions(log)
    before = log.read_bytes()
    stray = another_databases_wal(tmp_path, page_size)
    sidecars(log)[0].write_bytes(stray)

    with Store.open(log) as store:
        assert history(store) == kept
        notice = store.notice
        assert sqlite3.connect(log).execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert notice is not None
    assert notice.startswith("A stray file beside your log was set aside: ")
    assert "your history is intact" in notice
    assert why in notice
    aside = sorted(log.parent.glob("psoas-timer.sqlite3-wal.foreign-*"))
    assert len(aside) == 1 and str(aside[0]) in notice
    assert aside[0].read_bytes() == stray  # moved, not rewritten
    assert not list(log.parent.glob("*.corrupt-*"))
    # Opening again is quiet, and the log holds what it held before.
    with Store.open(log) as store:
        assert store.notice is None
        assert history(store) == kept
    assert log.read_bytes() == before


def test_a_stray_wal_with_its_shm_are_both_set_aside(tmp_path: Path) -> None:
    log = tmp_path / "psoas-timer.sqlite3"
    kept = log_with_sessions(log)
    other = tmp_path / "other.db"
    leave_a_wal(other, "CREATE TABLE t (x)", "INSERT INTO t VALUES (1)")
    for mine, theirs in zip(sidecars(log), sidecars(other), strict=True):
        mine.write_bytes(theirs.read_bytes())
    with Store.open(log) as store:
        assert history(store) == kept
        assert store.notice is not None
    names = sorted(p.name.split(".foreign-")[0] for p in tmp_path.glob("*.foreign-*"))
    assert names == ["psoas-timer.sqlite3-shm", "psoas-timer.sqlite3-wal"]


def test_the_logs_own_wal_after_a_crash_is_kept_and_replayed(tmp_path: Path) -> None:
    log = tmp_path / "psoas-timer.sqlite3"
    kept = log_with_sessions(log, 2)
    leave_a_wal(log, "UPDATE ratings SET value = 9", "UPDATE sessions SET note = 'after'")
    with Store.open(log) as store:
        assert store.notice is None
        assert [s.left.before for s in store.sessions()] == [9, 9]
        assert {s.note for s in store.sessions()} == {"after"}
        assert [u for u, _ in history(store)] == [u for u, _ in kept]
    assert not list(tmp_path.glob("*.foreign-*"))


def test_a_stray_wal_beside_a_missing_log_gives_a_new_log(tmp_path: Path) -> None:
    log = tmp_path / "psoas-timer.sqlite3"
    sidecars(log)[0].write_bytes(another_databases_wal(tmp_path))
    with Store.open(log) as store:
        assert store.sessions() == []
        assert store.notice is not None
        store.start_session("ql-claw", "prone", "left")


def test_a_damaged_log_with_its_wal_is_moved_aside_unwritten(tmp_path: Path) -> None:
    log = tmp_path / "psoas-timer.sqlite3"
    log_with_sessions(log, 3)
    wal = leave_a_wal(log, "UPDATE sessions SET note = 'in the wal'")
    damaged = log.read_bytes()[:4096] + b"\x5a" * (len(log.read_bytes()) - 4096)
    log.write_bytes(damaged)
    wal_bytes = wal.read_bytes()
    with pytest.raises(CorruptDatabaseError):
        Store.open(log)
    # Refused on what read-only connections saw: nothing was checkpointed.
    assert log.read_bytes() == damaged and wal.read_bytes() == wal_bytes
    moved = quarantine(log)
    assert moved.read_bytes() == damaged
    assert sidecars(moved)[0].read_bytes() == wal_bytes


def test_a_wal_holding_a_newer_schema_is_refused_as_newer(tmp_path: Path) -> None:
    log = tmp_path / "psoas-timer.sqlite3"
    log_with_sessions(log, 1)
    before = log.read_bytes()
    wal = leave_a_wal(log, f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    wal_bytes = wal.read_bytes()
    with pytest.raises(NewerSchemaError):
        Store.open(log)
    assert log.read_bytes() == before and wal.read_bytes() == wal_bytes
    assert not list(tmp_path.glob("*.foreign-*"))
