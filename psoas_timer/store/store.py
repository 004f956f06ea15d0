"""The session log: one SQLite file, written one event at a time.

Every set and every rating is committed in its own transaction the moment the
app reports it, in WAL mode with ``synchronous=FULL``, so a crash or a pulled
plug loses at most the event being written. A session the app never finished
stays ``running`` and is offered for recovery on the next start
(:meth:`Store.interrupted_sessions`).

Times are stored as ISO 8601 UTC text to the second (``2024-05-01T07:30:00Z``):
fixed width, so text order is time order and the indexes work on it directly.

Errors: everything raised on purpose derives from :class:`StoreError`, whose
``str()`` is a sentence that can be shown to the user as it is. A failed write
is never swallowed; it surfaces as :class:`StoreWriteError` after the
transaction was rolled back, so the log is exactly as it was before the call.

A :class:`Store` belongs to the thread that opened it.
"""

from __future__ import annotations

import contextlib
import math
import os
import sqlite3
import uuid as uuid_module
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from pathlib import Path
from typing import Final, Literal, Protocol, TypeVar, cast, get_args

from psoas_timer.core.progress import ProgressSession, SideResult

Side = Literal["left", "right"]
Sides = Literal["left", "right", "both"]
Moment = Literal["before", "after"]
SessionStatus = Literal["running", "completed", "ended_early", "interrupted"]
SetOutcome = Literal["completed", "backed_off", "ended_early", "skipped"]
WriteFailure = Literal["full", "readonly", "other"]

SIDE_VALUES: Final[tuple[Side, ...]] = get_args(Side)
SIDES_VALUES: Final[tuple[Sides, ...]] = get_args(Sides)
MOMENT_VALUES: Final[tuple[Moment, ...]] = get_args(Moment)
STATUS_VALUES: Final[tuple[SessionStatus, ...]] = get_args(SessionStatus)
OUTCOME_VALUES: Final[tuple[SetOutcome, ...]] = get_args(SetOutcome)

RATING_MIN: Final = 0
RATING_MAX: Final = 10
#: Length limits keep every export re-importable: Python's csv reader refuses
#: fields over 128 KiB.
NAME_MAX: Final = 200
NOTE_MAX: Final = 10_000

#: Written into the file header so a stray SQLite file is never mistaken for a
#: log (and never has our tables added to it). ASCII "PSOA".
APPLICATION_ID: Final = 0x50534F41

_SIDES_OF: Final[dict[str, tuple[Side, ...]]] = {
    "left": ("left",),
    "right": ("right",),
    "both": ("left", "right"),
}


# -- errors -----------------------------------------------------------------


class StoreError(Exception):
    """Base of every error the store raises on purpose; ``str()`` is fit for the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NewerSchemaError(StoreError):
    def __init__(self, path: Path | None, found: int, supported: int) -> None:
        where = f"The log {path}" if path is not None else "The log"
        super().__init__(
            f"{where} was made by a newer version of Psoas Timer (schema version {found}; "
            f"this version knows up to {supported}). Update the app — the file was left "
            "untouched."
        )
        self.path = path
        self.found = found
        self.supported = supported


class CorruptDatabaseError(StoreError):
    def __init__(self, path: Path, detail: str) -> None:
        super().__init__(
            f"The log {path} is damaged or is not a Psoas Timer log ({detail}). It can be "
            "moved aside and a new, empty log started; nothing will be deleted."
        )
        self.path = path
        self.detail = detail


class StoreWriteError(StoreError):
    """A write failed and was rolled back; ``reason`` says why in one word."""

    def __init__(self, message: str, reason: WriteFailure) -> None:
        super().__init__(message)
        self.reason: WriteFailure = reason


class SessionNotFoundError(StoreError, LookupError):
    def __init__(self, session_id: int) -> None:
        super().__init__(f"There is no session {session_id} in the log.")
        self.session_id = session_id


# -- time -------------------------------------------------------------------


def to_db_time(value: datetime) -> str:
    """The stored form of an aware datetime: UTC, to the second, with a ``Z``."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"a time must carry its time zone, got the naive {value.isoformat()}")
    u = value.astimezone(UTC)
    # Formatted by hand: strftime("%Y") does not zero-pad years before 1000 on
    # glibc, which would break the fixed width that text ordering relies on.
    return f"{u.year:04d}-{u.month:02d}-{u.day:02d}T{u.hour:02d}:{u.minute:02d}:{u.second:02d}Z"


def from_db_time(text: str) -> datetime:
    return datetime.fromisoformat(text)


# -- rows -------------------------------------------------------------------


class SetLike(Protocol):
    """What :meth:`Store.record_set` needs; the engine's ``SetResult`` fits as it is."""

    @property
    def side(self) -> Side: ...
    @property
    def level(self) -> int: ...
    @property
    def variant_name(self) -> str: ...
    @property
    def breaths_planned(self) -> int: ...
    @property
    def breaths_done(self) -> int: ...
    @property
    def released_breath(self) -> int | None: ...
    @property
    def released_at_s(self) -> float | None: ...
    @property
    def duration_s(self) -> float: ...
    @property
    def paused_s(self) -> float: ...
    @property
    def outcome(self) -> SetOutcome: ...


@dataclass(frozen=True, slots=True)
class SetRecord:
    """A set as reported when it ends (see :class:`SetLike`).

    ``released_breath`` is the 1-based breath during which the muscle let go.
    ``breaths_done`` counts finished breaths, so a release during a breath that
    was then cut short (backed off, skipped, ended) is one more than
    ``breaths_done``; anything beyond that was never reached.
    """

    side: Side
    level: int
    variant_name: str
    breaths_planned: int
    breaths_done: int
    duration_s: float
    outcome: SetOutcome = "completed"
    paused_s: float = 0.0
    released_breath: int | None = None
    released_at_s: float | None = None


@dataclass(frozen=True, slots=True)
class Session:
    id: int
    uuid: str
    started_at: datetime
    ended_at: datetime | None
    tool_id: str
    position_id: str
    sides: Sides
    status: SessionStatus
    note: str

    @property
    def side_list(self) -> tuple[Side, ...]:
        return _SIDES_OF[self.sides]


@dataclass(frozen=True, slots=True)
class SetRow:
    id: int
    session_id: int
    seq: int  # 1-based order within the session
    side: Side
    level: int
    variant_name: str
    breaths_planned: int
    breaths_done: int
    released_breath: int | None
    released_at_s: float | None
    duration_s: float
    paused_s: float
    outcome: SetOutcome
    recorded_at: datetime


@dataclass(frozen=True, slots=True)
class Rating:
    session_id: int
    side: Side
    moment: Moment
    value: int
    recorded_at: datetime


@dataclass(frozen=True, slots=True)
class SessionSnapshot:
    """A session with everything hanging off it, in stored order.

    Returned by :meth:`Store.delete_session` for undo and by
    :meth:`Store.snapshots` for export.
    """

    session: Session
    sets: tuple[SetRow, ...]
    ratings: tuple[Rating, ...]


@dataclass(frozen=True, slots=True)
class SideSummary:
    before: int | None
    after: int | None
    set_count: int
    min_released_breath: int | None
    max_level: int | None


_EMPTY_SIDE: Final = SideSummary(None, None, 0, None, None)


@dataclass(frozen=True, slots=True)
class SessionSummary:
    id: int
    uuid: str
    started_at: datetime
    ended_at: datetime | None
    tool_id: str
    position_id: str
    sides: Sides
    status: SessionStatus
    note: str
    left: SideSummary
    right: SideSummary

    def side(self, side: Side) -> SideSummary:
        return self.left if side == "left" else self.right

    @property
    def set_count(self) -> int:
        return self.left.set_count + self.right.set_count

    @property
    def min_released_breath(self) -> int | None:
        found = [
            b
            for b in (self.left.min_released_breath, self.right.min_released_breath)
            if b is not None
        ]
        return min(found) if found else None


@dataclass(frozen=True, slots=True)
class MergeResult:
    sessions_added: int
    sessions_skipped: int
    sets_added: int
    ratings_added: int


# -- checks shared with the importer -----------------------------------------


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_real(value: object) -> bool:
    return _is_int(value) or (isinstance(value, float) and math.isfinite(value))


def rating_problem(value: object) -> str | None:
    """Why ``value`` is not a tenderness rating, or ``None`` if it is one."""
    if not _is_int(value) or not RATING_MIN <= cast(int, value) <= RATING_MAX:
        return f"expected a whole number from {RATING_MIN} to {RATING_MAX}, got {value!r}"
    return None


def set_problems(record: SetLike, sides: Sides | None = None) -> list[tuple[str, str]]:
    """Every ``(field, problem)`` of a set, empty when it can be stored.

    ``sides`` is the session's sides, to refuse a set on a side it does not include.
    """
    problems: list[tuple[str, str]] = []

    def whole(name: str, value: object, low: int) -> bool:
        if not _is_int(value) or cast(int, value) < low:
            problems.append((name, f"expected a whole number ≥ {low}, got {value!r}"))
            return False
        return True

    def seconds(name: str, value: object) -> None:
        if not _is_real(value) or cast(float, value) < 0:
            problems.append((name, f"expected a number of seconds ≥ 0, got {value!r}"))

    if record.side not in SIDE_VALUES:
        problems.append(("side", f"expected one of {_choices(SIDE_VALUES)}, got {record.side!r}"))
    elif sides is not None and record.side not in _SIDES_OF[sides]:
        problems.append(("side", f"the session covers the {sides} side only, got {record.side!r}"))
    whole("level", record.level, 0)
    if not isinstance(record.variant_name, str) or len(record.variant_name) > NAME_MAX:
        problems.append(
            (
                "variant_name",
                f"expected text of at most {NAME_MAX} characters, got {record.variant_name!r}",
            )
        )
    planned_ok = whole("breaths_planned", record.breaths_planned, 1)
    done_ok = whole("breaths_done", record.breaths_done, 0)
    seconds("duration_s", record.duration_s)
    seconds("paused_s", record.paused_s)
    if record.outcome not in OUTCOME_VALUES:
        problems.append(
            ("outcome", f"expected one of {_choices(OUTCOME_VALUES)}, got {record.outcome!r}")
        )
    breath, at = record.released_breath, record.released_at_s
    if (breath is None) != (at is None):
        missing = "released_at_s" if at is None else "released_breath"
        problems.append((missing, "released_breath and released_at_s go together: give both"))
    if breath is not None and whole("released_breath", breath, 1) and done_ok and planned_ok:
        # The release may fall in the breath that was under way when the set
        # stopped, one past the finished ones, but never in one not yet begun.
        reached = min(record.breaths_done + 1, record.breaths_planned)
        if breath > reached:
            problems.append(
                (
                    "released_breath",
                    f"breath {breath} was never reached: the set got to breath {reached} "
                    f"(breaths_done {record.breaths_done})",
                )
            )
    if at is not None:
        seconds("released_at_s", at)
    return problems


def _choices(values: Iterable[str]) -> str:
    return ", ".join(repr(v) for v in values)


def _check_choice(name: str, value: object, allowed: Sequence[str]) -> None:
    if value not in allowed:
        raise ValueError(f"{name}: expected one of {_choices(allowed)}, got {value!r}")


def _check_text(name: str, value: object, *, required: bool, limit: int = NAME_MAX) -> None:
    if not isinstance(value, str) or (required and not value):
        what = "non-empty text" if required else "text"
        raise ValueError(f"{name}: expected {what}, got {value!r}")
    if len(value) > limit:
        raise ValueError(f"{name}: expected at most {limit} characters, got {len(value)}")


# -- schema -----------------------------------------------------------------

MigrationStep = str | Callable[[sqlite3.Connection], object]


@dataclass(frozen=True)
class Migration:
    """Brings the schema from ``version - 1`` to ``version``, in one transaction.

    Never edit a migration once released: add the next one. Foreign keys are off
    while migrations run (so a table can be rebuilt the way SQLite documents)
    and checked before each commit.
    """

    version: int
    description: str
    steps: tuple[MigrationStep, ...]


_V1: Final[tuple[MigrationStep, ...]] = (
    f"PRAGMA application_id = {APPLICATION_ID}",
    """
    CREATE TABLE sessions (
        id          INTEGER PRIMARY KEY AUTOINCREMENT,
        uuid        TEXT NOT NULL UNIQUE CHECK (length(uuid) = 36),
        started_at  TEXT NOT NULL CHECK (started_at GLOB
            '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]Z'),
        ended_at    TEXT CHECK (ended_at IS NULL OR ended_at >= started_at),
        tool_id     TEXT NOT NULL CHECK (tool_id <> ''),
        position_id TEXT NOT NULL CHECK (position_id <> ''),
        sides       TEXT NOT NULL CHECK (sides IN ('left', 'right', 'both')),
        status      TEXT NOT NULL DEFAULT 'running'
            CHECK (status IN ('running', 'completed', 'ended_early', 'interrupted')),
        note        TEXT NOT NULL DEFAULT '',
        CHECK ((status = 'running') = (ended_at IS NULL))
    )
    """,
    "CREATE INDEX sessions_started_at ON sessions (started_at)",
    "CREATE INDEX sessions_tool_started_at ON sessions (tool_id, started_at)",
    """
    CREATE TABLE sets (
        id              INTEGER PRIMARY KEY AUTOINCREMENT,
        session_id      INTEGER NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
        seq             INTEGER NOT NULL CHECK (typeof(seq) = 'integer' AND seq >= 1),
        side            TEXT NOT NULL CHECK (side IN ('left', 'right')),
        level           INTEGER NOT NULL CHECK (typeof(level) = 'integer' AND level >= 0),
        variant_name    TEXT NOT NULL,
        breaths_planned INTEGER NOT NULL
            CHECK (typeof(breaths_planned) = 'integer' AND breaths_planned >= 1),
        breaths_done    INTEGER NOT NULL
            CHECK (typeof(breaths_done) = 'integer' AND breaths_done >= 0),
        released_breath INTEGER CHECK (released_breath IS NULL OR (
            typeof(released_breath) = 'integer' AND released_breath >= 1
            AND released_breath <= min(breaths_done + 1, breaths_planned))),
        released_at_s   REAL CHECK (released_at_s IS NULL OR released_at_s >= 0),
        duration_s      REAL NOT NULL CHECK (duration_s >= 0),
        paused_s        REAL NOT NULL DEFAULT 0 CHECK (paused_s >= 0),
        outcome         TEXT NOT NULL
            CHECK (outcome IN ('completed', 'backed_off', 'ended_early', 'skipped')),
        recorded_at     TEXT NOT NULL,
        UNIQUE (session_id, seq),
        CHECK ((released_breath IS NULL) = (released_at_s IS NULL))
    )
    """,
    # Covers the per-side summaries, so they never visit the table itself.
    "CREATE INDEX sets_session_side ON sets (session_id, side, released_breath, level)",
    """
    CREATE TABLE ratings (
        session_id  INTEGER NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
        side        TEXT NOT NULL CHECK (side IN ('left', 'right')),
        moment      TEXT NOT NULL CHECK (moment IN ('before', 'after')),
        value       INTEGER NOT NULL CHECK (typeof(value) = 'integer' AND value BETWEEN 0 AND 10),
        recorded_at TEXT NOT NULL,
        PRIMARY KEY (session_id, side, moment)
    ) WITHOUT ROWID
    """,
)

# AUTOINCREMENT: an id is never handed out twice, so the snapshot of a deleted
# session can always be put back under its own ids (undo), even after new
# sessions were logged in between.
MIGRATIONS: Final[tuple[Migration, ...]] = (Migration(1, "first schema", _V1),)
SCHEMA_VERSION: Final = len(MIGRATIONS)


def _code(exc: sqlite3.Error) -> int:
    # Extended result codes carry the primary code in the low byte.
    return int(getattr(exc, "sqlite_errorcode", 0) or 0) & 0xFF


def _is_corruption(exc: sqlite3.Error) -> bool:
    return _code(exc) in (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB)


def write_error(exc: sqlite3.Error, action: str) -> StoreWriteError:
    """The user-facing form of a failed write; ``action`` completes "Could not …"."""
    code = _code(exc)
    text = str(exc)
    if code == sqlite3.SQLITE_FULL or "database or disk is full" in text:
        return StoreWriteError(
            f"Could not {action}: the disk is full. Free some space and try again; "
            "everything saved before is safe.",
            "full",
        )
    if code == sqlite3.SQLITE_READONLY or "readonly database" in text:
        return StoreWriteError(
            f"Could not {action}: the log file is read-only. Check the permissions of the "
            "file and its folder, or whether the disk is mounted read-only.",
            "readonly",
        )
    return StoreWriteError(f"Could not {action}: {text}.", "other")


def migrate(
    conn: sqlite3.Connection,
    migrations: Sequence[Migration] = MIGRATIONS,
    *,
    path: Path | None = None,
) -> int:
    """Run the migrations the database lacks; return the version it was at.

    ``conn`` must be in autocommit mode (``isolation_level=None``).
    """
    for index, m in enumerate(migrations):
        if m.version != index + 1:
            raise RuntimeError(f"migration {index} says version {m.version}, not {index + 1}")
    found = int(conn.execute("PRAGMA user_version").fetchone()[0])
    target = len(migrations)
    if found > target:
        raise NewerSchemaError(path, found, target)
    if found == target:
        return found
    conn.execute("PRAGMA foreign_keys = OFF")
    try:
        for m in migrations[found:]:
            try:
                conn.execute("BEGIN IMMEDIATE")
                for step in m.steps:
                    if isinstance(step, str):
                        conn.execute(step)
                    else:
                        step(conn)
                broken = conn.execute("PRAGMA foreign_key_check").fetchall()
                if broken:
                    raise StoreError(
                        f"Could not upgrade the log to version {m.version}: "
                        f"{len(broken)} rows would point at nothing."
                    )
                conn.execute(f"PRAGMA user_version = {m.version}")
                conn.execute("COMMIT")
            except BaseException as exc:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                if isinstance(exc, sqlite3.OperationalError):
                    raise write_error(exc, f"upgrade the log to version {m.version}") from exc
                if isinstance(exc, sqlite3.Error):
                    raise StoreError(
                        f"Could not upgrade the log to version {m.version}: {exc}."
                    ) from exc
                raise
    finally:
        conn.execute("PRAGMA foreign_keys = ON")
    return found


# -- opening ----------------------------------------------------------------

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


# -- the store --------------------------------------------------------------

_T = TypeVar("_T")

_SESSION_COLUMNS: Final = (
    "s.id, s.uuid, s.started_at, s.ended_at, s.tool_id, s.position_id, s.sides, s.status, s.note"
)
_SET_COLUMNS: Final = (
    "id, session_id, seq, side, level, variant_name, breaths_planned, breaths_done, "
    "released_breath, released_at_s, duration_s, paused_s, outcome, recorded_at"
)
_RATING_ORDER: Final = "side, CASE moment WHEN 'before' THEN 0 ELSE 1 END"
# Each is one primary-key (or covering-index) lookup per session.
_RATING_COLUMNS: Final = ", ".join(
    f"(SELECT value FROM ratings WHERE session_id = s.id AND side = '{side}' "
    f"AND moment = '{moment}')"
    for side in ("left", "right")
    for moment in ("before", "after")
)
_RELEASE_COLUMNS: Final = ", ".join(
    f"(SELECT min(released_breath) FROM sets WHERE session_id = s.id AND side = '{side}')"
    for side in ("left", "right")
)


def _session(row: tuple[object, ...]) -> Session:
    ended = cast("str | None", row[3])
    return Session(
        id=cast(int, row[0]),
        uuid=cast(str, row[1]),
        started_at=from_db_time(cast(str, row[2])),
        ended_at=None if ended is None else from_db_time(ended),
        tool_id=cast(str, row[4]),
        position_id=cast(str, row[5]),
        sides=cast(Sides, row[6]),
        status=cast(SessionStatus, row[7]),
        note=cast(str, row[8]),
    )


def _set_row(row: tuple[object, ...]) -> SetRow:
    return SetRow(
        id=cast(int, row[0]),
        session_id=cast(int, row[1]),
        seq=cast(int, row[2]),
        side=cast(Side, row[3]),
        level=cast(int, row[4]),
        variant_name=cast(str, row[5]),
        breaths_planned=cast(int, row[6]),
        breaths_done=cast(int, row[7]),
        released_breath=cast("int | None", row[8]),
        released_at_s=cast("float | None", row[9]),
        duration_s=cast(float, row[10]),
        paused_s=cast(float, row[11]),
        outcome=cast(SetOutcome, row[12]),
        recorded_at=from_db_time(cast(str, row[13])),
    )


def _rating(row: tuple[object, ...]) -> Rating:
    return Rating(
        session_id=cast(int, row[0]),
        side=cast(Side, row[1]),
        moment=cast(Moment, row[2]),
        value=cast(int, row[3]),
        recorded_at=from_db_time(cast(str, row[4])),
    )


class Store:
    """The session log. Open with :meth:`open`; close with :meth:`close` or ``with``."""

    def __init__(self, conn: sqlite3.Connection, path: Path, clock: Callable[[], datetime]) -> None:
        self._conn = conn
        self._path = path
        self._clock = clock
        self._depth = 0

    # -- life cycle

    @classmethod
    def open(cls, path: Path, *, clock: Callable[[], datetime] | None = None) -> Store:
        """Open the log at ``path``, creating it (and its folders) if needed.

        Raises :class:`NewerSchemaError` (file untouched), :class:`CorruptDatabaseError`
        (offer :func:`quarantine`), :class:`StoreWriteError` if an upgrade could
        not be written, or :class:`StoreError`.
        """
        path = Path(path)
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
            if _is_corruption(exc):
                raise CorruptDatabaseError(path, str(exc)) from exc
            if isinstance(exc, sqlite3.OperationalError):
                raise write_error(exc, f"open the log {path}") from exc
            raise StoreError(f"Could not open the log {path}: {exc}.") from exc
        except BaseException:
            conn.close()
            raise
        _make_private(path)
        return cls(conn, path, clock or (lambda: datetime.now(UTC)))

    @property
    def path(self) -> Path:
        return self._path

    def close(self) -> None:
        with contextlib.suppress(sqlite3.Error):
            self._conn.execute("PRAGMA optimize")
        self._conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- transactions

    @contextlib.contextmanager
    def transaction(self, action: str = "save to the log") -> Iterator[None]:
        """One atomic write: commits at the end, rolls back on any error.

        A transaction opened inside another joins it, so callers may group
        several store calls into one commit. SQLite errors come out as
        :class:`StoreWriteError` (``action`` completes its "Could not …").
        """
        if self._depth:
            self._depth += 1
            try:
                yield
            finally:
                self._depth -= 1
            return
        self._depth = 1
        try:
            self._conn.execute("BEGIN IMMEDIATE")
            yield
            self._conn.execute("COMMIT")
        except sqlite3.Error as exc:
            self._rollback()
            if _is_corruption(exc):
                raise CorruptDatabaseError(self._path, str(exc)) from exc
            raise write_error(exc, action) from exc
        except BaseException:
            self._rollback()
            raise
        finally:
            self._depth = 0

    def _rollback(self) -> None:
        # The failure being reported matters more than a failing rollback,
        # and SQLite rolls back on its own when the connection goes.
        with contextlib.suppress(sqlite3.Error):
            if self._conn.in_transaction:
                self._conn.execute("ROLLBACK")

    def _read(self, fetch: Callable[[sqlite3.Connection], _T]) -> _T:
        try:
            return fetch(self._conn)
        except sqlite3.Error as exc:
            if _is_corruption(exc):
                raise CorruptDatabaseError(self._path, str(exc)) from exc
            raise StoreError(f"Could not read the log: {exc}.") from exc

    def _now(self, value: datetime | None) -> str:
        return to_db_time(self._clock() if value is None else value)

    def _sides_of(self, session_id: int) -> Sides:
        row = self._conn.execute(
            "SELECT sides FROM sessions WHERE id = ?", (session_id,)
        ).fetchone()
        if row is None:
            raise SessionNotFoundError(session_id)
        return cast(Sides, row[0])

    # -- writing events

    def start_session(
        self,
        tool_id: str,
        position_id: str,
        sides: Sides,
        started_at: datetime | None = None,
        *,
        uuid: str | None = None,
    ) -> int:
        """Log a new running session; return its id."""
        _check_text("tool_id", tool_id, required=True)
        _check_text("position_id", position_id, required=True)
        _check_choice("sides", sides, SIDES_VALUES)
        key = str(uuid_module.UUID(uuid)) if uuid is not None else str(uuid_module.uuid4())
        started = self._now(started_at)
        with self.transaction("start the session"):
            cur = self._conn.execute(
                "INSERT INTO sessions (uuid, started_at, tool_id, position_id, sides) "
                "VALUES (?, ?, ?, ?, ?)",
                (key, started, tool_id, position_id, sides),
            )
            return cast(int, cur.lastrowid)

    def record_set(
        self, session_id: int, record: SetLike, recorded_at: datetime | None = None
    ) -> int:
        """Log a finished set as the next in the session; return its id."""
        problems = set_problems(record)
        if problems:
            raise ValueError("; ".join(f"{name}: {why}" for name, why in problems))
        when = self._now(recorded_at)
        with self.transaction("save the set"):
            sides = self._sides_of(session_id)
            problems = set_problems(record, sides)
            if problems:
                raise ValueError("; ".join(f"{name}: {why}" for name, why in problems))
            (seq,) = self._conn.execute(
                "SELECT coalesce(max(seq), 0) + 1 FROM sets WHERE session_id = ?", (session_id,)
            ).fetchone()
            cur = self._conn.execute(
                "INSERT INTO sets (session_id, seq, side, level, variant_name, breaths_planned, "
                "breaths_done, released_breath, released_at_s, duration_s, paused_s, outcome, "
                "recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    session_id,
                    seq,
                    record.side,
                    record.level,
                    record.variant_name,
                    record.breaths_planned,
                    record.breaths_done,
                    record.released_breath,
                    None if record.released_at_s is None else float(record.released_at_s),
                    float(record.duration_s),
                    float(record.paused_s),
                    record.outcome,
                    when,
                ),
            )
            return cast(int, cur.lastrowid)

    def record_rating(
        self,
        session_id: int,
        side: Side,
        moment: Moment,
        value: int,
        recorded_at: datetime | None = None,
    ) -> None:
        """Log a 0-10 tenderness rating; rating the same side and moment again replaces it."""
        problem = rating_problem(value)
        if problem:
            raise ValueError(f"value: {problem}")
        _check_choice("side", side, SIDE_VALUES)
        _check_choice("moment", moment, MOMENT_VALUES)
        when = self._now(recorded_at)
        with self.transaction("save the rating"):
            sides = self._sides_of(session_id)
            if side not in _SIDES_OF[sides]:
                raise ValueError(f"side: the session covers the {sides} side only, got {side!r}")
            self._conn.execute(
                "INSERT INTO ratings (session_id, side, moment, value, recorded_at) "
                "VALUES (?, ?, ?, ?, ?) ON CONFLICT (session_id, side, moment) "
                "DO UPDATE SET value = excluded.value, recorded_at = excluded.recorded_at",
                (session_id, side, moment, value, when),
            )

    def clear_rating(self, session_id: int, side: Side, moment: Moment) -> None:
        _check_choice("side", side, SIDE_VALUES)
        _check_choice("moment", moment, MOMENT_VALUES)
        with self.transaction("clear the rating"):
            self._sides_of(session_id)
            self._conn.execute(
                "DELETE FROM ratings WHERE session_id = ? AND side = ? AND moment = ?",
                (session_id, side, moment),
            )

    def set_note(self, session_id: int, text: str) -> None:
        _check_text("note", text, required=False, limit=NOTE_MAX)
        with self.transaction("save the note"):
            cur = self._conn.execute(
                "UPDATE sessions SET note = ? WHERE id = ?", (text, session_id)
            )
            if cur.rowcount == 0:
                raise SessionNotFoundError(session_id)

    def finish_session(
        self, session_id: int, status: SessionStatus, ended_at: datetime | None = None
    ) -> None:
        """Close a session as completed, ended early or interrupted."""
        _check_choice("status", status, [s for s in STATUS_VALUES if s != "running"])
        when = self._now(ended_at)
        with self.transaction("finish the session"):
            # max(): a clock stepped back between start and end must not make
            # the end unsaveable.
            cur = self._conn.execute(
                "UPDATE sessions SET status = ?, ended_at = max(?, started_at) WHERE id = ?",
                (status, when, session_id),
            )
            if cur.rowcount == 0:
                raise SessionNotFoundError(session_id)

    def interrupted_sessions(self) -> list[Session]:
        """Sessions still marked running: the app stopped during them."""
        return self._read(
            lambda c: [
                _session(r)
                for r in c.execute(
                    f"SELECT {_SESSION_COLUMNS} FROM sessions s WHERE status = 'running' "
                    "ORDER BY started_at, id"
                )
            ]
        )

    def last_activity(self, session_id: int) -> datetime:
        """When anything was last logged for the session (its start if nothing since)."""
        row = self._read(
            lambda c: c.execute(
                "SELECT max(s.started_at, coalesce((SELECT max(recorded_at) FROM sets "
                "WHERE session_id = s.id), ''), coalesce((SELECT max(recorded_at) FROM ratings "
                "WHERE session_id = s.id), '')) FROM sessions s WHERE s.id = ?",
                (session_id,),
            ).fetchone()
        )
        if row is None:
            raise SessionNotFoundError(session_id)
        return from_db_time(cast(str, row[0]))

    def mark_interrupted(self, session_id: int) -> None:
        """Close a session the app lost, ending it at its last logged event."""
        with self.transaction("mark the session interrupted"):
            ended = to_db_time(self.last_activity(session_id))
            self._conn.execute(
                "UPDATE sessions SET status = 'interrupted', ended_at = ? WHERE id = ?",
                (ended, session_id),
            )

    # -- reading

    def session(self, session_id: int) -> Session:
        row = self._read(
            lambda c: c.execute(
                f"SELECT {_SESSION_COLUMNS} FROM sessions s WHERE id = ?", (session_id,)
            ).fetchone()
        )
        if row is None:
            raise SessionNotFoundError(session_id)
        return _session(row)

    def sets(self, session_id: int) -> list[SetRow]:
        return self._read(
            lambda c: [
                _set_row(r)
                for r in c.execute(
                    f"SELECT {_SET_COLUMNS} FROM sets WHERE session_id = ? ORDER BY seq",
                    (session_id,),
                )
            ]
        )

    def ratings(self, session_id: int) -> list[Rating]:
        return self._read(
            lambda c: [
                _rating(r)
                for r in c.execute(
                    "SELECT session_id, side, moment, value, recorded_at FROM ratings "
                    f"WHERE session_id = ? ORDER BY {_RATING_ORDER}",
                    (session_id,),
                )
            ]
        )

    def snapshot(self, session_id: int) -> SessionSnapshot:
        return SessionSnapshot(
            self.session(session_id),
            tuple(self.sets(session_id)),
            tuple(self.ratings(session_id)),
        )

    def snapshots(self) -> list[SessionSnapshot]:
        """Every session with its sets and ratings, oldest first (ties by uuid)."""

        def fetch(c: sqlite3.Connection) -> list[SessionSnapshot]:
            sessions = [
                _session(r)
                for r in c.execute(
                    f"SELECT {_SESSION_COLUMNS} FROM sessions s ORDER BY started_at, uuid"
                )
            ]
            sets: dict[int, list[SetRow]] = {}
            for r in c.execute(f"SELECT {_SET_COLUMNS} FROM sets ORDER BY session_id, seq"):
                sets.setdefault(r[1], []).append(_set_row(r))
            ratings: dict[int, list[Rating]] = {}
            for r in c.execute(
                "SELECT session_id, side, moment, value, recorded_at FROM ratings "
                f"ORDER BY session_id, {_RATING_ORDER}"
            ):
                ratings.setdefault(r[0], []).append(_rating(r))
            return [
                SessionSnapshot(s, tuple(sets.get(s.id, ())), tuple(ratings.get(s.id, ())))
                for s in sessions
            ]

        return self._read(fetch)

    @staticmethod
    def _where(
        tool_id: str | None,
        side: Side | None,
        since: datetime | None,
        until: datetime | None,
    ) -> tuple[str, list[object]]:
        where: list[str] = []
        params: list[object] = []
        if tool_id is not None:
            where.append("s.tool_id = ?")
            params.append(tool_id)
        if side is not None:
            _check_choice("side", side, SIDE_VALUES)
            where.append("s.sides IN (?, 'both')")
            params.append(side)
        if since is not None:
            where.append("s.started_at >= ?")
            params.append(to_db_time(since))
        if until is not None:
            where.append("s.started_at < ?")
            params.append(to_db_time(until))
        return (f"WHERE {' AND '.join(where)}" if where else ""), params

    def sessions(
        self,
        tool_id: str | None = None,
        side: Side | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
    ) -> list[SessionSummary]:
        """Session summaries, oldest first, for the history page.

        ``side`` keeps sessions that include that side; ``since`` is inclusive
        and ``until`` exclusive.
        """
        clause, params = self._where(tool_id, side, since, until)
        chosen = f"WHERE session_id IN (SELECT s.id FROM sessions s {clause})" if clause else ""

        def fetch(c: sqlite3.Connection) -> list[SessionSummary]:
            # One grouped pass over the covering index beats six correlated
            # subqueries per session on ten years of data.
            stats: dict[int, tuple[int, int | None, int | None, int, int | None, int | None]] = {
                r[0]: r[1:]
                for r in c.execute(
                    "SELECT session_id, "
                    "sum(side = 'left'), min(CASE WHEN side = 'left' THEN released_breath END), "
                    "max(CASE WHEN side = 'left' THEN level END), "
                    "sum(side = 'right'), min(CASE WHEN side = 'right' THEN released_breath END), "
                    f"max(CASE WHEN side = 'right' THEN level END) FROM sets {chosen} "
                    "GROUP BY session_id",
                    params,
                )
            }
            no_sets = (0, None, None, 0, None, None)
            parse = from_db_time
            out: list[SessionSummary] = []
            for r in c.execute(
                f"SELECT {_SESSION_COLUMNS}, {_RATING_COLUMNS} FROM sessions s {clause} "
                "ORDER BY s.started_at, s.id",
                params,
            ):
                lc, lr, ll, rc, rr, rl = stats.get(r[0], no_sets)
                lb, la, rb, ra = r[9], r[10], r[11], r[12]
                left = (
                    SideSummary(lb, la, lc, lr, ll)
                    if lc or lb is not None or la is not None
                    else _EMPTY_SIDE
                )
                right = (
                    SideSummary(rb, ra, rc, rr, rl)
                    if rc or rb is not None or ra is not None
                    else _EMPTY_SIDE
                )
                out.append(
                    SessionSummary(
                        r[0],
                        r[1],
                        parse(r[2]),
                        None if r[3] is None else parse(r[3]),
                        r[4],
                        r[5],
                        r[6],
                        r[7],
                        r[8],
                        left,
                        right,
                    )
                )
            return out

        return self._read(fetch)

    def progress_sessions(
        self,
        tool_id: str | None = None,
        since: datetime | None = None,
        tz: tzinfo | None = None,
    ) -> list[ProgressSession]:
        """The sessions, oldest first, in the form :mod:`psoas_timer.core.progress` works on.

        Each session is placed on its calendar day in ``tz`` (the computer's
        local zone when ``None``). This is the progress page's query: it reads
        only what the charts need, so ten years of daily sessions load in a
        few tens of milliseconds.
        """
        clause, params = self._where(tool_id, None, since, None)

        def fetch(c: sqlite3.Connection) -> list[ProgressSession]:
            out: list[ProgressSession] = []
            parse = from_db_time
            for r in c.execute(
                f"SELECT s.started_at, s.tool_id, s.sides, {_RATING_COLUMNS}, "
                f"{_RELEASE_COLUMNS}, s.id FROM sessions s {clause} ORDER BY s.started_at, s.id",
                params,
            ):
                started = parse(r[0])
                sides, lb, la, rb, ra, lr, rr = r[2], r[3], r[4], r[5], r[6], r[7], r[8]
                left = (
                    SideResult(lb, la, lr)
                    if sides != "right" or lb is not None or la is not None or lr is not None
                    else None
                )
                right = (
                    SideResult(rb, ra, rr)
                    if sides != "left" or rb is not None or ra is not None or rr is not None
                    else None
                )
                out.append(
                    ProgressSession(started.astimezone(tz).date(), started, r[1], left, right, r[9])
                )
            return out

        return self._read(fetch)

    # -- delete, undo, import

    def delete_session(self, session_id: int) -> SessionSnapshot:
        """Delete a session with its sets and ratings; the snapshot undoes it."""
        with self.transaction("delete the session"):
            snap = self.snapshot(session_id)
            self._conn.execute("DELETE FROM sessions WHERE id = ?", (session_id,))
        return snap

    def restore_session(self, snapshot: SessionSnapshot) -> None:
        """Put a deleted session back exactly as it was, ids included."""
        with self.transaction("restore the session"):
            s = snapshot.session
            clash = self._conn.execute(
                "SELECT 1 FROM sessions WHERE id = ? OR uuid = ?", (s.id, s.uuid)
            ).fetchone()
            if clash:
                raise StoreError("That session is already in the log; it was not restored.")
            self._insert(snapshot, keep_ids=True)

    def merge_snapshots(self, snapshots: Iterable[SessionSnapshot]) -> MergeResult:
        """Add sessions in one transaction, skipping any whose uuid is already logged.

        Ids in the snapshots are ignored; new ones are assigned.
        """
        added = skipped = sets = ratings = 0
        with self.transaction("import the sessions"):
            for snap in snapshots:
                known = self._conn.execute(
                    "SELECT 1 FROM sessions WHERE uuid = ?", (snap.session.uuid,)
                ).fetchone()
                if known:
                    skipped += 1
                    continue
                self._insert(snap, keep_ids=False)
                added += 1
                sets += len(snap.sets)
                ratings += len(snap.ratings)
        return MergeResult(added, skipped, sets, ratings)

    def _insert(self, snap: SessionSnapshot, *, keep_ids: bool) -> None:
        s = snap.session
        cur = self._conn.execute(
            "INSERT INTO sessions (id, uuid, started_at, ended_at, tool_id, position_id, sides, "
            "status, note) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                s.id if keep_ids else None,
                s.uuid,
                to_db_time(s.started_at),
                None if s.ended_at is None else to_db_time(s.ended_at),
                s.tool_id,
                s.position_id,
                s.sides,
                s.status,
                s.note,
            ),
        )
        session_id = cast(int, cur.lastrowid)
        self._conn.executemany(
            f"INSERT INTO sets ({_SET_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    t.id if keep_ids else None,
                    session_id,
                    t.seq,
                    t.side,
                    t.level,
                    t.variant_name,
                    t.breaths_planned,
                    t.breaths_done,
                    t.released_breath,
                    t.released_at_s,
                    t.duration_s,
                    t.paused_s,
                    t.outcome,
                    to_db_time(t.recorded_at),
                )
                for t in snap.sets
            ],
        )
        self._conn.executemany(
            "INSERT INTO ratings (session_id, side, moment, value, recorded_at) "
            "VALUES (?, ?, ?, ?, ?)",
            [
                (session_id, r.side, r.moment, r.value, to_db_time(r.recorded_at))
                for r in snap.ratings
            ],
        )
