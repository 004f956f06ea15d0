"""The log file on disk: opened with care, kept private, moved aside when damaged.

A foreign, damaged or newer file is refused before SQLite opens it, so it is
left exactly as it was. Nothing here ever deletes a file: a log that cannot be
used is renamed so the person (or someone helping them) can still look at it.

A ``-wal`` file beside the log is replayed by SQLite the moment the log is
opened for writing, and written into the log when that connection closes,
whether or not it belongs to the log. So before the log is opened for
writing, any ``-wal`` or ``-shm`` beside it is looked at through read-only
connections, which never write the log: if the log seen through them fails
the checks while the log alone passes them, they belong to some other
database and are moved aside (``<name>-wal.foreign-<time>``), and the log
is opened without them.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import stat
from datetime import datetime
from pathlib import Path
from typing import Final

from psoas_timer.core.i18n import _
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
_WAL_HEADER_SIZE: Final = 32
_WAL_MAGIC: Final = (b"\x37\x7f\x06\x82", b"\x37\x7f\x06\x83")
#: How long a write waits for another connection's write to finish. The
#: command line can afford to wait.
DEFAULT_BUSY_TIMEOUT_MS: Final = 5000
#: The window's wait: its event loop stands still while a write waits, and its
#: save queue keeps a refused write and tries again (services.saving), so a
#: short wait and a retry beat a frozen window.
GUI_BUSY_TIMEOUT_MS: Final = 250


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
        raise StoreError(
            _("Could not read the log {file}: {error}.").format(file=path, error=exc.strerror)
        ) from exc
    if not header:
        return  # an empty file is an empty database to SQLite
    if len(header) < _HEADER_SIZE or not header.startswith(_HEADER_MAGIC):
        raise CorruptDatabaseError(path, _("it does not start like an SQLite database"))
    user_version = int.from_bytes(header[60:64], "big", signed=True)
    application_id = int.from_bytes(header[68:72], "big")
    if application_id not in (0, APPLICATION_ID):
        raise CorruptDatabaseError(path, _("it is an SQLite database of some other program"))
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
    # getting this one right covers them as they are created. Only regular
    # files: a mode change on a device or a folder would change that instead.
    for p in (path, *sidecars(path)):
        with contextlib.suppress(OSError):
            mode = p.stat().st_mode
            if stat.S_ISREG(mode) and mode & 0o077:
                p.chmod(0o600)


def sidecars(path: Path) -> tuple[Path, Path]:
    """The -wal and -shm files SQLite keeps beside the database at ``path``."""
    return path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")


def check_contents(conn: sqlite3.Connection, path: Path) -> None:
    """Refuse an open database that is damaged, some other program's, or newer.

    The owner is checked before the version: another program's database with
    a high ``user_version`` of its own is not "from a newer Psoas Timer".
    """
    rows = conn.execute("PRAGMA quick_check").fetchall()
    if rows != [("ok",)]:
        raise CorruptDatabaseError(path, _("integrity check: {result}").format(result=rows[0][0]))
    app_id = int(conn.execute("PRAGMA application_id").fetchone()[0])
    if app_id not in (0, APPLICATION_ID) or (
        app_id == 0 and conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
    ):
        raise CorruptDatabaseError(path, _("it is an SQLite database of some other program"))
    version = int(conn.execute("PRAGMA user_version").fetchone()[0])
    if version > SCHEMA_VERSION:
        raise NewerSchemaError(path, version, SCHEMA_VERSION)


def _problem_seen(path: Path, *, alone: bool) -> CorruptDatabaseError | None:
    """What is wrong with the log at ``path`` as a read-only connection sees it.

    A read-only connection never writes the database file, so it never
    checkpoints a -wal into it. ``alone`` reads the file without its -wal
    (``immutable``), as it would be if the -wal were not there. ``None`` when
    the checks pass, or when they could not be run (busy, unreadable): only a
    positive finding is acted on. A newer log raises :class:`NewerSchemaError`.
    """
    uri = path.absolute().as_uri() + ("?mode=ro&immutable=1" if alone else "?mode=ro")
    try:
        conn = sqlite3.connect(uri, uri=True, isolation_level=None, timeout=1.0)
    except sqlite3.Error:
        return None
    try:
        check_contents(conn, path)
    except CorruptDatabaseError as exc:
        return exc
    except sqlite3.DatabaseError as exc:
        return CorruptDatabaseError(path, str(exc)) if is_corruption(exc) else None
    finally:
        conn.close()
    return None


def _header_mismatch(path: Path, wal: Path) -> str | None:
    """Why the -wal cannot be the log's, from the two headers alone; else ``None``.

    SQLite uses a -wal only for a database whose header says WAL mode, with
    frames of the database's page size; our logs are always in WAL mode.
    """
    try:
        with wal.open("rb") as f:
            wal_header = f.read(_WAL_HEADER_SIZE)
        with path.open("rb") as f:
            header = f.read(_HEADER_SIZE)
    except OSError:
        return None
    if len(wal_header) < _WAL_HEADER_SIZE or wal_header[:4] not in _WAL_MAGIC:
        return None  # not a WAL at all: SQLite ignores it
    if len(header) < _HEADER_SIZE:
        return _("the log is new and has no WAL of its own")
    if header[18:20] != b"\x02\x02":
        return _("the log does not use a WAL")
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    wal_page_size = int.from_bytes(wal_header[8:12], "big")
    if wal_page_size != page_size:
        return _("its pages are {size} bytes, the log's {log_size}").format(
            size=wal_page_size, log_size=page_size
        )
    return None


def _screen_sidecars(path: Path, now: datetime | None) -> str | None:
    """Move a -wal and -shm that belong to another database aside; say so, or ``None``.

    Raises :class:`CorruptDatabaseError` without having written anything when
    the log is damaged on its own account, so it can be moved aside whole.
    """
    wal, shm = sidecars(path)
    present = [p for p in (wal, shm) if p.exists() or p.is_symlink()]
    if not present:
        return None
    reason = _header_mismatch(path, wal) if wal.exists() else None
    if reason is None:
        seen = _problem_seen(path, alone=False)
        if seen is None:
            return None
        if _problem_seen(path, alone=True) is not None:
            raise seen
        reason = _("read with it, the log failed its checks: {error}").format(error=seen.detail)
    # A -shm that looking made is left: the next open starts it afresh.
    moved = set_aside(present, "foreign", now)
    names = ", ".join(str(p) for p in moved)
    return _(
        "A stray file beside your log was set aside: {files}. It belonged to another "
        "database ({reason}). Your log opened without it; your history is intact."
    ).format(files=names, reason=reason)


def open_database(
    path: Path, *, busy_timeout_ms: int = DEFAULT_BUSY_TIMEOUT_MS, now: datetime | None = None
) -> tuple[sqlite3.Connection, str | None]:
    """Open the log at ``path`` for writing, creating it (and its folders) if needed.

    The file is checked before SQLite opens it and again after, brought up to
    the current schema, and set to WAL with ``synchronous=FULL``. A write
    waits up to ``busy_timeout_ms`` for another connection's write. Returns
    the connection and, when a stray -wal or -shm was set aside, a sentence
    that says so. Raises :class:`NewerSchemaError` (file untouched),
    :class:`CorruptDatabaseError`, :class:`StoreWriteError` if an upgrade
    could not be written, or :class:`StoreError`.
    """
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    except OSError as exc:
        raise StoreError(
            _("Could not create the folder {folder}: {error}.").format(
                folder=path.parent, error=exc.strerror
            )
        ) from exc
    _check_header(path)
    try:
        _make_private(path)
    except OSError as exc:
        raise StoreError(
            _("Could not create the log {file}: {error}.").format(file=path, error=exc.strerror)
        ) from exc
    try:
        notice = _screen_sidecars(path, now)
    except OSError as exc:
        raise StoreError(
            _(
                "A stray file beside the log {file} could not be moved aside ({error}); "
                "the log was not opened, so nothing was changed."
            ).format(file=path, error=exc.strerror)
        ) from exc
    try:
        conn = sqlite3.connect(path, isolation_level=None, timeout=busy_timeout_ms / 1000)
    except sqlite3.Error as exc:
        raise StoreError(
            _("Could not open the log {file}: {error}.").format(file=path, error=exc)
        ) from exc
    try:
        conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
        check_contents(conn, path)
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
            raise write_error(exc, _("open the log {file}").format(file=path)) from exc
        raise StoreError(
            _("Could not open the log {file}: {error}.").format(file=path, error=exc)
        ) from exc
    except BaseException:
        conn.close()
        raise
    _make_private(path)
    return conn, notice


def _free_name(base: Path) -> Path:
    """``base``, or ``base-2``, ``base-3``… whichever names no file (nor its sidecars)."""
    n = 1
    while True:
        target = base if n == 1 else base.with_name(f"{base.name}-{n}")
        if not any(p.exists() or p.is_symlink() for p in (target, *sidecars(target))):
            return target
        n += 1


def set_aside(files: list[Path], label: str, now: datetime | None = None) -> list[Path]:
    """Rename each file to ``<name>.<label>-YYYYmmdd-HHMMSS`` beside it; return the new paths.

    Nothing is deleted and nothing already there is overwritten (``-2``,
    ``-3``… are added). ``OSError`` is raised as it comes.
    """
    stamp = (now or datetime.now()).strftime("%Y%m%d-%H%M%S")
    moved: list[Path] = []
    for src in files:
        target = _free_name(src.with_name(f"{src.name}.{label}-{stamp}"))
        src.rename(target)
        moved.append(target)
    return moved


def move_aside(path: Path, label: str, now: datetime | None = None) -> Path:
    """Rename a log with its -wal and -shm to ``<name>.<label>-YYYYmmdd-HHMMSS``; return it.

    The -wal and -shm keep SQLite's names beside the new one, so the moved
    log opens as it was, everything in its -wal included. ``-2``, ``-3``…
    are added if the name is taken; nothing is deleted. ``OSError`` is
    raised as it comes.
    """
    stamp = (now or datetime.now()).strftime("%Y%m%d-%H%M%S")
    target = _free_name(path.with_name(f"{path.name}.{label}-{stamp}"))
    moves = [(path, target)]
    moves += [(a, b) for a, b in zip(sidecars(path), sidecars(target), strict=True) if a.exists()]
    for src, dst in moves:
        src.rename(dst)
    return target


def quarantine(path: Path, *, now: datetime | None = None) -> Path:
    """Move a damaged log (and its -wal/-shm) aside; return where it went.

    The new name is ``<name>.corrupt-YYYYmmdd-HHMMSS`` in the same folder, with
    ``-2``, ``-3``… added if that is taken. Nothing is ever deleted.
    """
    try:
        return move_aside(path, "corrupt", now)
    except OSError as exc:
        raise StoreError(
            _("Could not move the damaged log {file} aside: {error}.").format(
                file=path, error=exc.strerror
            )
        ) from exc
