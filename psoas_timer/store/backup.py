"""Automatic backups of the log, and bringing one back.

After a completed session, at most once a calendar day, the whole log is
copied with SQLite's online backup API into ``backups/`` beside it, as one
self-contained file (no -wal) named after the moment it was taken, in UTC:
``psoas-timer-backup-20240501T073000Z.sqlite3``. The newest backup of each
of the last :data:`KEEP_DAILY` days that have one is kept, and before those
the newest of each of :data:`KEEP_WEEKLY` ISO weeks; older ones are removed.
Nothing but files with exactly that name is ever removed from the folder.

Restoring sets the current log (with its -wal and -shm) aside first as
``<name>.before-restore-<time>``; nothing is deleted.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import shutil
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, tzinfo
from pathlib import Path
from typing import Final

from psoas_timer.core.i18n import _, ngettext
from psoas_timer.store.errors import CorruptDatabaseError, StoreError, StoreWriteError, os_failure
from psoas_timer.store.files import (
    check_contents,
    move_aside,
    open_database,
    set_aside,
    sidecars,
)

log = logging.getLogger(__name__)

KEEP_DAILY: Final = 7
KEEP_WEEKLY: Final = 4
_FOLDER: Final = "backups"
_PREFIX: Final = "psoas-timer-backup-"
_SUFFIX: Final = ".sqlite3"
_NAME: Final = re.compile(
    re.escape(_PREFIX) + r"(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z" + re.escape(_SUFFIX)
)


@dataclass(frozen=True, slots=True)
class Backup:
    """One backup file. ``sessions`` is ``None`` when the file cannot be read as a log."""

    path: Path
    taken: datetime  # UTC
    sessions: int | None
    size: int


@dataclass(frozen=True, slots=True)
class RestoreResult:
    restored_from: Path
    #: The log as it was (its -wal and -shm beside it under SQLite's names),
    #: or ``None`` when there was none.
    set_aside: Path | None
    sessions: int

    @property
    def message(self) -> str:
        restored = ngettext(
            "Restored {n} session from {file}.", "Restored {n} sessions from {file}.", self.sessions
        ).format(n=self.sessions, file=self.restored_from)
        kept = (
            _("The log as it was is kept as {file}.").format(file=self.set_aside)
            if self.set_aside is not None
            else _("There was no log before.")
        )
        return f"{restored} {kept}"


def backups_folder(database: Path) -> Path:
    """Where the backups of the log at ``database`` go."""
    return database.parent / _FOLDER


def backup_name(taken: datetime) -> str:
    u = taken.astimezone(UTC)
    return (
        f"{_PREFIX}{u.year:04d}{u.month:02d}{u.day:02d}"
        f"T{u.hour:02d}{u.minute:02d}{u.second:02d}Z{_SUFFIX}"
    )


def _taken(path: Path) -> datetime | None:
    match = _NAME.fullmatch(path.name)
    if match is None:
        return None
    try:
        year, month, day, hour, minute, second = (int(g) for g in match.groups())
        return datetime(year, month, day, hour, minute, second, tzinfo=UTC)
    except ValueError:
        return None


def _read_only(path: Path) -> sqlite3.Connection:
    # immutable: reading a backup never makes a -wal or -shm beside it.
    return sqlite3.connect(
        path.absolute().as_uri() + "?mode=ro&immutable=1", uri=True, isolation_level=None
    )


def _session_count(path: Path) -> int | None:
    try:
        conn = _read_only(path)
    except sqlite3.Error:
        return None
    try:
        return int(conn.execute("SELECT count(*) FROM sessions").fetchone()[0])
    except sqlite3.Error:
        return None
    finally:
        conn.close()


def _backup_files(folder: Path) -> list[tuple[datetime, Path]]:
    """Every backup in ``folder``, newest first; other files are not looked at."""
    try:
        entries = list(folder.iterdir())
    except FileNotFoundError:
        return []
    except OSError as exc:
        raise StoreError(
            _("Could not read the backups folder {folder}: {error}.").format(
                folder=folder, error=exc.strerror
            )
        ) from exc
    found = [(when, p) for p in entries if (when := _taken(p)) is not None and p.is_file()]
    return sorted(found, reverse=True)


def list_backups(database: Path) -> list[Backup]:
    """The backups of the log at ``database``, newest first."""
    out: list[Backup] = []
    for taken, path in _backup_files(backups_folder(database)):
        with contextlib.suppress(OSError):
            out.append(Backup(path, taken, _session_count(path), path.stat().st_size))
    return out


def _local_day(when: datetime, tz: tzinfo | None) -> date:
    try:
        return when.astimezone(tz).date()
    except OverflowError:
        return when.date()


def to_keep(taken: Iterable[datetime], tz: tzinfo | None = None) -> set[datetime]:
    """Which backups (by the time each was taken) pruning keeps; days are days in ``tz``.

    The newest backup of each of the :data:`KEEP_DAILY` latest days that have
    one, then, among the backups of earlier days, the newest of each of the
    :data:`KEEP_WEEKLY` latest ISO weeks.
    """
    newest_first = sorted(taken, reverse=True)
    keep: set[datetime] = set()
    days: set[date] = set()
    for when in newest_first:
        day = _local_day(when, tz)
        if day not in days and len(days) < KEEP_DAILY:
            days.add(day)
            keep.add(when)
    weeks: set[tuple[int, int]] = set()
    for when in newest_first:
        day = _local_day(when, tz)
        if days and day >= min(days):
            continue
        iso = day.isocalendar()
        if (iso.year, iso.week) not in weeks and len(weeks) < KEEP_WEEKLY:
            weeks.add((iso.year, iso.week))
            keep.add(when)
    return keep


def prune(database: Path, tz: tzinfo | None = None) -> list[Path]:
    """Remove the backups that :func:`to_keep` does not keep; return what was removed."""
    files = _backup_files(backups_folder(database))
    keep = to_keep((when for when, _path in files), tz)
    removed: list[Path] = []
    for when, path in files:
        if when not in keep:
            with contextlib.suppress(FileNotFoundError):
                path.unlink()
            removed.append(path)
    return removed


def take_backup(conn: sqlite3.Connection, database: Path, now: datetime) -> Path:
    """Copy the open log into the backups folder; return the new file.

    The copy is made under a temporary name, private from the start, made a
    plain single file (no -wal), synced, and only then given its name, so a
    crash leaves no half backup under a backup's name.
    """
    folder = backups_folder(database)
    target = folder / backup_name(now)
    temp = folder / f".{target.name}.partial"
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        # Partial copies a crash left behind (ours by name, never a backup).
        for p in folder.glob(f".{_PREFIX}*.partial*"):
            p.unlink(missing_ok=True)
        os.close(os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        copy = sqlite3.connect(temp, isolation_level=None)
        try:
            conn.backup(copy)
            copy.execute("PRAGMA journal_mode = DELETE")
        finally:
            copy.close()
        fd = os.open(temp, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
        temp.replace(target)
    except (OSError, sqlite3.Error) as exc:  # sqlite3.Error: a closed store too
        with contextlib.suppress(OSError):
            temp.unlink(missing_ok=True)
        detail = exc.strerror if isinstance(exc, OSError) else str(exc)
        reason = os_failure(exc) if isinstance(exc, OSError) else "other"
        message = _("Could not back up the log into {folder}: {error}.").format(
            folder=folder, error=detail
        )
        raise StoreWriteError(message, reason) from exc
    return target


def backup_due(database: Path, now: datetime) -> bool:
    """Whether no backup was taken yet on the calendar day of ``now`` (in its zone)."""
    today = _local_day(now, now.tzinfo)
    return all(
        _local_day(when, now.tzinfo) != today
        for when, _path in _backup_files(backups_folder(database))
    )


def check_backup(path: Path) -> int:
    """Refuse a file that is not a usable backup of a log; return its session count."""
    try:
        conn = _read_only(path)
    except sqlite3.Error as exc:
        raise StoreError(
            _("The backup {file} cannot be read: {error}. Nothing was changed.").format(
                file=path, error=exc
            )
        ) from exc
    try:
        check_contents(conn, path)
        return int(conn.execute("SELECT count(*) FROM sessions").fetchone()[0])
    except CorruptDatabaseError as exc:
        raise StoreError(
            _("The file {file} is not a usable backup ({error}). Nothing was changed.").format(
                file=path, error=exc.detail
            )
        ) from exc
    except StoreError as exc:
        raise StoreError(f"{exc} {_('Nothing was changed.')}") from exc
    except sqlite3.Error as exc:
        raise StoreError(
            _("The file {file} is not a usable backup ({error}). Nothing was changed.").format(
                file=path, error=exc
            )
        ) from exc
    finally:
        conn.close()


def restore_backup(database: Path, backup: Path, *, now: datetime | None = None) -> RestoreResult:
    """Bring the backup at ``backup`` back as the log at ``database``.

    The log must not be open anywhere: the window closes its store first and
    opens it again afterwards, and the command line refuses while the app runs
    for the folder. The backup is checked before anything is moved; the
    current log, with its -wal and -shm, is then set aside (never deleted),
    and the backup copied into place and opened once to prove it. If the
    copy fails, the log is put back as it was. Raises :class:`StoreError`
    with a sentence for the user.
    """
    backup = Path(backup)
    if not backup.is_file():
        raise StoreError(
            _("There is no backup file {file}. Nothing was changed.").format(file=backup)
        )
    sessions = check_backup(backup)
    try:
        aside = move_aside(database, "before-restore", now) if database.exists() else None
    except OSError as exc:
        raise StoreError(
            _("Could not set the current log {file} aside ({error}). Nothing was changed.").format(
                file=database, error=exc.strerror
            )
        ) from exc
    temp = database.with_name(f".{database.name}.restoring")
    try:
        for p in sidecars(database):
            # Without a log they belong to nothing; they must not meet the backup.
            if p.exists():
                set_aside([p], "before-restore", now)
        temp.unlink(missing_ok=True)
        os.close(os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        with backup.open("rb") as src, temp.open("r+b") as dst:
            shutil.copyfileobj(src, dst)
            dst.flush()
            os.fsync(dst.fileno())
        temp.replace(database)
        conn, _notice = open_database(database)
        conn.close()
    except (OSError, StoreError) as exc:
        with contextlib.suppress(OSError):
            temp.unlink(missing_ok=True)
        _put_back(database, aside)
        why = exc.strerror if isinstance(exc, OSError) else str(exc)
        raise StoreError(
            _("Could not restore {file} ({error}). Your log was put back as it was.").format(
                file=backup, error=why
            )
        ) from exc
    return RestoreResult(backup, aside, sessions)


def _put_back(database: Path, aside: Path | None) -> None:
    """Undo a failed restore: its half copy goes, the log set aside comes back."""
    if aside is None:
        return
    for p in (database, *sidecars(database)):
        # The log was renamed away, so anything here now is the failed
        # restore's own half copy.
        with contextlib.suppress(OSError):
            p.unlink(missing_ok=True)
    for src, dst in ((aside, database), *zip(sidecars(aside), sidecars(database), strict=True)):
        try:
            if src.exists():
                src.rename(dst)
        except OSError:
            log.exception("could not put %s back as %s", src, dst)


def backup_if_due(conn: sqlite3.Connection, database: Path, now: datetime) -> Path | None:
    """Back up the log if no backup was taken today, then prune; return the new file.

    A backup that fails is logged and skipped: it must never get in the way
    of the session that just ended. Another try comes after the next session.
    """
    try:
        if not backup_due(database, now):
            return None
        made = take_backup(conn, database, now)
    except StoreError as exc:
        log.warning("no backup this time: %s", exc)
        return None
    try:
        prune(database, now.tzinfo)
    except (StoreError, OSError) as exc:
        log.warning("old backups not pruned: %s", exc)
    log.info("backed up the log to %s", made)
    return made
