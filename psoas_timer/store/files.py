"""The log file on disk: opened with care, kept private, moved aside when damaged.

A foreign, damaged or newer file is refused before SQLite opens it, so it is
left exactly as it was. Nothing here ever deletes a file: a log that cannot be
used is renamed so the person (or someone helping them) can still look at it.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from datetime import datetime
from pathlib import Path
from typing import Final

from psoas_timer.store.errors import (
    CorruptDatabaseError,
    NewerSchemaError,
    StoreError,
    is_corruption,
    write_error,
)
from psoas_timer.store.schema import APPLICATION_ID, SCHEMA_VERSION, migrate

_HEADER_MAGIC: Final = b"SQLite format 3\x00"
_HEADER_SIZE: Final = 100


def _check_header(path: Path) -> None:
    """Refuse a foreign, garbage or newer file before SQLite touches it.

    Reading the header ourselves means a refused file is not opened at all, so
    not even a -wal or -shm file appears next to it.
    """
    try:
        with path.open("rb") as f:
            header = f.read(_HEADER_SIZE)
    except FileNotFoundError:
        return
    except OSError as exc:
        raise StoreError(f"Could not read the log {path}: {exc.strerror}.") from exc
    if not header:
        return  # an empty file is an empty database to SQLite
    if len(header) < _HEADER_SIZE or not header.startswith(_HEADER_MAGIC):
        raise CorruptDatabaseError(path, "it does not start like an SQLite database")
    user_version = int.from_bytes(header[60:64], "big", signed=True)
    application_id = int.from_bytes(header[68:72], "big")
    if application_id not in (0, APPLICATION_ID):
        raise CorruptDatabaseError(path, "it is an SQLite database of some other program")
    if user_version > SCHEMA_VERSION:
        raise NewerSchemaError(path, user_version, SCHEMA_VERSION)


def _make_private(path: Path) -> None:
    """Create ``path`` if missing, readable by its owner only, with its -wal and -shm."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        pass
    else:
        os.close(fd)
    # SQLite gives the -wal and -shm files the mode of the database file, so
    # getting this one right covers them as they are created.
    for p in (path, *_sidecars(path)):
        with contextlib.suppress(OSError):
            if p.exists() and p.stat().st_mode & 0o077:
                p.chmod(0o600)


def _sidecars(path: Path) -> tuple[Path, Path]:
    return path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")


def _check_contents(conn: sqlite3.Connection, path: Path) -> None:
    """Refuse an open database that is damaged, newer, or some other program's."""
    rows = conn.execute("PRAGMA quick_check").fetchall()
    if rows != [("ok",)]:
        raise CorruptDatabaseError(path, f"integrity check: {rows[0][0]}")
    version = int(conn.execute("PRAGMA user_version").fetchone()[0])
    if version > SCHEMA_VERSION:
        raise NewerSchemaError(path, version, SCHEMA_VERSION)
    app_id = int(conn.execute("PRAGMA application_id").fetchone()[0])
    if app_id not in (0, APPLICATION_ID) or (
        app_id == 0 and conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
    ):
        raise CorruptDatabaseError(path, "it is an SQLite database of some other program")


def open_database(path: Path) -> sqlite3.Connection:
    """Open the log at ``path`` for writing, creating it (and its folders) if needed.

    The file is checked before SQLite opens it and again after, brought up to
    the current schema, and set to WAL with ``synchronous=FULL``. Raises
    :class:`NewerSchemaError` (file untouched), :class:`CorruptDatabaseError`,
    :class:`StoreWriteError` if an upgrade could not be written, or
    :class:`StoreError`.
    """
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    except OSError as exc:
        raise StoreError(f"Could not create the folder {path.parent}: {exc.strerror}.") from exc
    _check_header(path)
    try:
        _make_private(path)
    except OSError as exc:
        raise StoreError(f"Could not create the log {path}: {exc.strerror}.") from exc
    try:
        conn = sqlite3.connect(path, isolation_level=None, timeout=5.0)
    except sqlite3.Error as exc:
        raise StoreError(f"Could not open the log {path}: {exc}.") from exc
    try:
        conn.execute("PRAGMA busy_timeout = 5000")
        _check_contents(conn, path)
        conn.execute("PRAGMA journal_mode = WAL")
        # FULL: a committed rating must survive a power cut, and writes are
        # a handful per minute, so the extra fsync costs nothing noticeable.
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute("PRAGMA foreign_keys = ON")
        migrate(conn, path=path)
    except sqlite3.DatabaseError as exc:
        conn.close()
        if is_corruption(exc):
            raise CorruptDatabaseError(path, str(exc)) from exc
        if isinstance(exc, sqlite3.OperationalError):
            raise write_error(exc, f"open the log {path}") from exc
        raise StoreError(f"Could not open the log {path}: {exc}.") from exc
    except BaseException:
        conn.close()
        raise
    _make_private(path)
    return conn


def quarantine(path: Path, *, now: datetime | None = None) -> Path:
    """Move a damaged log (and its -wal/-shm) aside; return where it went.

    The new name is ``<name>.corrupt-YYYYmmdd-HHMMSS`` in the same folder, with
    ``-2``, ``-3``… added if that is taken. Nothing is ever deleted.
    """
    stamp = (now or datetime.now()).strftime("%Y%m%d-%H%M%S")
    base = f"{path.name}.corrupt-{stamp}"
    n = 1
    while True:
        target = path.with_name(base if n == 1 else f"{base}-{n}")
        if not any(p.exists() for p in (target, *_sidecars(target))):
            break
        n += 1
    moves = [(path, target)]
    moves += [(a, b) for a, b in zip(_sidecars(path), _sidecars(target), strict=True) if a.exists()]
    try:
        for src, dst in moves:
            src.rename(dst)
    except OSError as exc:
        raise StoreError(f"Could not move the damaged log {path} aside: {exc.strerror}.") from exc
    return target
