"""The schema of the log and the migrations that bring an older file up to it.

Every file carries its schema version in ``user_version`` and the app's mark
in ``application_id``; :func:`migrate` runs each missing migration in its own
transaction.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from psoas_timer.core.i18n import _, ngettext
from psoas_timer.store.errors import NewerSchemaError, StoreError, write_error

#: Written into the file header so a stray SQLite file is never mistaken for a
#: log (and never has our tables added to it). ASCII "PSOA".
APPLICATION_ID: Final = 0x50534F41

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


# The first schema as released. Its CHECK constraints spell out the sides,
# outcomes, statuses and rating scale of core.vocab on purpose: a released
# migration never changes, so a new value arrives with a new migration.
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

# Migration 2: the next-day check, at most one per session. Both answers NULL
# is a stored refusal ("don't ask for this session"), so the question is never
# put twice; the two answers are given together or not at all.
_V2_NEXT_DAY: Final[tuple[MigrationStep, ...]] = (
    """
    CREATE TABLE next_day_checks (
        session_id       INTEGER PRIMARY KEY REFERENCES sessions (id) ON DELETE CASCADE,
        feeling          TEXT CHECK (feeling IN ('better', 'same', 'worse')),
        lasting_soreness INTEGER CHECK (lasting_soreness IN (0, 1)),
        recorded_at      TEXT NOT NULL,
        CHECK ((feeling IS NULL) = (lasting_soreness IS NULL))
    )
    """,
)


def _keep_set_ids(conn: sqlite3.Connection) -> None:
    """Copy the sets into the rebuilt table, keeping the highest id ever handed out.

    Copying sets the new table's AUTOINCREMENT counter to the highest id still
    there; a deleted set may have had a higher one, and its id must never be
    given out again (undo puts a deleted session back under its own ids).
    """
    conn.execute("INSERT INTO sets_new SELECT * FROM sets")
    (highest,) = conn.execute("SELECT max(seq) FROM sqlite_sequence WHERE name = 'sets'").fetchone()
    conn.execute("DROP TABLE sets")
    conn.execute("ALTER TABLE sets_new RENAME TO sets")
    if highest is not None:
        conn.execute("DELETE FROM sqlite_sequence WHERE name = 'sets'")
        (copied,) = conn.execute("SELECT coalesce(max(id), 0) FROM sets").fetchone()
        conn.execute(
            "INSERT INTO sqlite_sequence (name, seq) VALUES ('sets', ?)", (max(highest, copied),)
        )


# Migration 3: sets may end released (the muscle let go), at the time limit, or
# stopped; and each Stop is logged with what felt wrong. A CHECK constraint
# cannot be altered in SQLite, so the sets table is rebuilt as its documents say.
_V3_STOPS: Final[tuple[MigrationStep, ...]] = (
    """
    CREATE TABLE sets_new (
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
        outcome         TEXT NOT NULL CHECK (outcome IN ('completed', 'backed_off',
            'ended_early', 'skipped', 'released', 'time_limit', 'stopped')),
        recorded_at     TEXT NOT NULL,
        UNIQUE (session_id, seq),
        CHECK ((released_breath IS NULL) = (released_at_s IS NULL))
    )
    """,
    _keep_set_ids,
    "CREATE INDEX sets_session_side ON sets (session_id, side, released_breath, level)",
    """
    CREATE TABLE stops (
        id          INTEGER PRIMARY KEY AUTOINCREMENT,
        session_id  INTEGER NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
        seq         INTEGER NOT NULL CHECK (typeof(seq) = 'integer' AND seq >= 1),
        side        TEXT NOT NULL CHECK (side IN ('left', 'right')),
        level       INTEGER NOT NULL CHECK (typeof(level) = 'integer' AND level >= 0),
        breath      INTEGER CHECK (breath IS NULL OR (typeof(breath) = 'integer' AND breath >= 1)),
        reason      TEXT NOT NULL CHECK (reason IN ('pulse', 'tingling', 'sharp_pain', 'dizzy',
            'other', 'not_given')),
        recorded_at TEXT NOT NULL,
        UNIQUE (session_id, seq)
    )
    """,
)

# AUTOINCREMENT: an id is never handed out twice, so the snapshot of a deleted
# session can always be put back under its own ids (undo), even after new
# sessions were logged in between.
MIGRATIONS: Final[tuple[Migration, ...]] = (
    Migration(1, "first schema", _V1),
    Migration(2, "next-day checks", _V2_NEXT_DAY),
    Migration(3, "released, time-limit and stopped sets; the stops table", _V3_STOPS),
)
SCHEMA_VERSION: Final = len(MIGRATIONS)


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
                        ngettext(
                            "Could not upgrade the log to version {version}: "
                            "{n} row would point at nothing.",
                            "Could not upgrade the log to version {version}: "
                            "{n} rows would point at nothing.",
                            len(broken),
                        ).format(version=m.version, n=len(broken))
                    )
                conn.execute(f"PRAGMA user_version = {m.version}")
                conn.execute("COMMIT")
            except BaseException as exc:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                if isinstance(exc, sqlite3.OperationalError):
                    raise write_error(
                        exc, _("upgrade the log to version {version}").format(version=m.version)
                    ) from exc
                if isinstance(exc, sqlite3.Error):
                    raise StoreError(
                        _("Could not upgrade the log to version {version}: {error}.").format(
                            version=m.version, error=exc
                        )
                    ) from exc
                raise
    finally:
        conn.execute("PRAGMA foreign_keys = ON")
    return found
