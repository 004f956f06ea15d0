"""Opening old, newer, foreign and broken files, and failing writes."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from psoas_timer.store import (
    MIGRATIONS,
    SCHEMA_VERSION,
    CorruptDatabaseError,
    ImportFileError,
    Migration,
    NewerSchemaError,
    NextDayCheck,
    SessionNotFoundError,
    SetRecord,
    StopRow,
    Store,
    StoreError,
    StoreWriteError,
    migrate,
    quarantine,
)
from psoas_timer.store.schema import APPLICATION_ID

# The first released schema, frozen here as it shipped. Migration 1 must keep
# producing exactly this; later versions go in new migrations.
V1_SCHEMA = [
    f"PRAGMA application_id = {APPLICATION_ID}",
    """CREATE TABLE sessions (
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
    )""",
    "CREATE INDEX sessions_started_at ON sessions (started_at)",
    "CREATE INDEX sessions_tool_started_at ON sessions (tool_id, started_at)",
    """CREATE TABLE sets (
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
    )""",
    "CREATE INDEX sets_session_side ON sets (session_id, side, released_breath, level)",
    """CREATE TABLE ratings (
        session_id  INTEGER NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
        side        TEXT NOT NULL CHECK (side IN ('left', 'right')),
        moment      TEXT NOT NULL CHECK (moment IN ('before', 'after')),
        value       INTEGER NOT NULL CHECK (typeof(value) = 'integer' AND value BETWEEN 0 AND 10),
        recorded_at TEXT NOT NULL,
        PRIMARY KEY (session_id, side, moment)
    ) WITHOUT ROWID""",
]

# Migration 2 as it shipped: the next-day checks.
V2_SCHEMA = [
    """CREATE TABLE next_day_checks (
        session_id       INTEGER PRIMARY KEY REFERENCES sessions (id) ON DELETE CASCADE,
        feeling          TEXT CHECK (feeling IN ('better', 'same', 'worse')),
        lasting_soreness INTEGER CHECK (lasting_soreness IN (0, 1)),
        recorded_at      TEXT NOT NULL,
        CHECK ((feeling IS NULL) = (lasting_soreness IS NULL))
    )""",
]

# Migration 3 as it shipped: the sets rebuilt for the new outcomes, and the stops.
V3_SCHEMA = [
    """CREATE TABLE sets_new (
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
    )""",
    "DROP TABLE sets",
    "ALTER TABLE sets_new RENAME TO sets",
    "CREATE INDEX sets_session_side ON sets (session_id, side, released_breath, level)",
    """CREATE TABLE stops (
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
    )""",
    "PRAGMA user_version = 3",
]

UUID = "6f9619ff-8b86-d011-b42d-00c04fc964ff"


def build_v1(path: Path) -> None:
    conn = sqlite3.connect(path, isolation_level=None)
    for statement in V1_SCHEMA:
        conn.execute(statement)
    conn.execute(
        "INSERT INTO sessions VALUES (7, ?, '2023-01-02T08:00:00Z', '2023-01-02T08:20:00Z', "
        "'ball', 'prone', 'left', 'completed', 'v1 note')",
        (UUID,),
    )
    conn.execute(
        "INSERT INTO sets VALUES (1, 7, 1, 'left', 0, 'Base set', 15, 15, 6, 40.5, 90.0, 0.0, "
        "'completed', '2023-01-02T08:05:00Z')"
    )
    conn.execute(
        "INSERT INTO ratings VALUES (7, 'left', 'before', 6, '2023-01-02T08:01:00Z'), "
        "(7, 'left', 'after', 2, '2023-01-02T08:19:00Z')"
    )
    conn.execute("PRAGMA user_version = 1")
    conn.close()


def build_v2(path: Path) -> None:
    """The v1 log upgraded as migration 2 shipped, with a next-day check."""
    build_v1(path)
    conn = sqlite3.connect(path, isolation_level=None)
    for statement in V2_SCHEMA:
        conn.execute(statement)
    conn.execute("INSERT INTO next_day_checks VALUES (7, 'better', 0, '2023-01-03T08:00:00Z')")
    conn.execute("PRAGMA user_version = 2")
    conn.close()


def schema_of(path: Path) -> list[tuple[str, str, str]]:
    conn = sqlite3.connect(path)
    try:
        rows = conn.execute(
            "SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY name"
        ).fetchall()
        return [(t, n, " ".join((sql or "").split())) for t, n, sql in rows]
    finally:
        conn.close()


def header_int(path: Path, offset: int) -> int:
    return int.from_bytes(path.read_bytes()[offset : offset + 4], "big")


def files_in(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


# -- versions ---------------------------------------------------------------


def test_a_new_log_is_at_the_current_version(tmp_path: Path) -> None:
    path = tmp_path / "log.sqlite"
    Store.open(path).close()
    assert header_int(path, 60) == SCHEMA_VERSION == len(MIGRATIONS)
    assert header_int(path, 68) == APPLICATION_ID
    assert [m.version for m in MIGRATIONS] == list(range(1, SCHEMA_VERSION + 1))


def test_a_v1_log_built_by_hand_opens_with_its_data(tmp_path: Path) -> None:
    old, fresh = tmp_path / "old.sqlite", tmp_path / "fresh.sqlite"
    build_v1(old)
    Store.open(fresh).close()
    with Store.open(old) as s:
        (summary,) = s.sessions()
        assert (summary.id, summary.uuid, summary.note) == (7, UUID, "v1 note")
        assert (summary.left.before, summary.left.after, summary.left.min_released_breath) == (
            6,
            2,
            6,
        )
        assert s.sets(7)[0].released_at_s == 40.5
        s.record_rating(7, "left", "after", 1)  # and it can be written to
    assert header_int(old, 60) == SCHEMA_VERSION
    # Migrating the hand-made v1 gives the very schema a new log gets.
    assert schema_of(old) == schema_of(fresh)


def test_migration_2_adds_exactly_the_next_day_table(tmp_path: Path) -> None:
    old, golden = tmp_path / "old.sqlite", tmp_path / "golden.sqlite"
    build_v1(old)
    build_v1(golden)
    conn = sqlite3.connect(golden, isolation_level=None)
    for statement in V2_SCHEMA:
        conn.execute(statement)
    conn.close()
    conn = sqlite3.connect(old, isolation_level=None)
    try:
        assert migrate(conn, MIGRATIONS[:2]) == 1
        assert conn.execute("PRAGMA user_version").fetchone()[0] == 2
        # The session logged under v1 has no check, and can be given one.
        assert conn.execute("SELECT count(*) FROM next_day_checks").fetchone()[0] == 0
        conn.execute("INSERT INTO next_day_checks VALUES (7, 'better', 0, '2023-01-03T08:00:00Z')")
        with pytest.raises(sqlite3.IntegrityError):  # one answer without the other
            conn.execute("INSERT INTO next_day_checks VALUES (7, 'worse', NULL, 'x')")
    finally:
        conn.close()
    assert [row for row in schema_of(old) if row[1] == "next_day_checks"] == [
        row for row in schema_of(golden) if row[1] == "next_day_checks"
    ]


def test_version_3_keeps_every_v1_row_and_id_and_adds_the_stops(tmp_path: Path) -> None:
    old = tmp_path / "old.sqlite"
    build_v1(old)
    conn = sqlite3.connect(old, isolation_level=None)
    # A set deleted in v1 had id 9: the rebuilt table must never hand 9 out again.
    conn.execute("UPDATE sqlite_sequence SET seq = 9 WHERE name = 'sets'")
    conn.close()
    with Store.open(old) as s:
        (row,) = s.sets(7)
        assert (row.id, row.outcome, row.released_breath) == (1, "completed", 6)
        for outcome in ("released", "time_limit", "stopped"):
            s.record_set(7, SetRecord("left", 0, "Base set", 15, 4, 40.0, outcome))
        assert [t.id for t in s.sets(7)] == [1, 10, 11, 12]
        s.record_stop(7, StopRow(0, 0, 0, "left", 0, 5, "tingling", datetime.now(UTC)))
        assert [(t.seq, t.breath, t.reason) for t in s.stops(7)] == [(1, 5, "tingling")]
    conn = sqlite3.connect(old)
    try:
        with pytest.raises(sqlite3.IntegrityError):
            conn.execute(
                "INSERT INTO stops (session_id, seq, side, level, reason, recorded_at) "
                "VALUES (7, 2, 'left', 0, 'boredom', '2023-01-02T08:05:00Z')"
            )
        with pytest.raises(sqlite3.IntegrityError):
            conn.execute("UPDATE sets SET outcome = 'abandoned' WHERE id = 1")
    finally:
        conn.close()
    # Deleting the session deletes its stops too.
    with Store.open(old) as s:
        snapshot = s.delete_session(7)
        assert len(snapshot.stops) == 1
        s.restore_session(snapshot)
        assert len(s.stops(7)) == 1


def test_migration_3_rebuilds_the_sets_and_adds_the_stops_exactly(tmp_path: Path) -> None:
    old, golden = tmp_path / "old.sqlite", tmp_path / "golden.sqlite"
    build_v2(old)
    build_v2(golden)
    conn = sqlite3.connect(golden, isolation_level=None)
    for statement in V3_SCHEMA:
        conn.execute(statement)
    conn.close()
    conn = sqlite3.connect(old, isolation_level=None)
    try:
        assert migrate(conn) == 2
        assert conn.execute("PRAGMA user_version").fetchone()[0] == 3
    finally:
        conn.close()
    assert schema_of(old) == schema_of(golden)
    # The final schema is the one a new log is made with.
    fresh = tmp_path / "fresh.sqlite"
    Store.open(fresh).close()
    assert schema_of(fresh) == schema_of(golden)


def test_a_v2_log_with_sessions_sets_and_next_day_checks_upgrades_to_v3_without_loss(
    tmp_path: Path,
) -> None:
    old = tmp_path / "old.sqlite"
    build_v2(old)
    conn = sqlite3.connect(old, isolation_level=None)
    conn.execute(
        "INSERT INTO sessions VALUES (8, ?, '2023-01-05T08:00:00Z', '2023-01-05T08:25:00Z', "
        "'ball', 'prone', 'both', 'ended_early', '')",
        (UUID.replace("6f", "7a", 1),),
    )
    conn.execute(
        "INSERT INTO sets VALUES (2, 8, 1, 'left', 0, 'Base set', 15, 15, NULL, NULL, 90.0, 3.5, "
        "'completed', '2023-01-05T08:05:00Z'), (3, 8, 2, 'right', 1, 'Knee out', 15, 7, 5, "
        "31.0, 44.0, 0.0, 'backed_off', '2023-01-05T08:15:00Z')"
    )
    conn.execute("INSERT INTO ratings VALUES (8, 'right', 'before', 7, '2023-01-05T08:01:00Z')")
    conn.execute("INSERT INTO next_day_checks VALUES (8, NULL, NULL, '2023-01-06T08:00:00Z')")
    # Set 4 was handed out and deleted under v2.
    conn.execute("UPDATE sqlite_sequence SET seq = 4 WHERE name = 'sets'")
    before = {
        table: conn.execute(f"SELECT * FROM {table} ORDER BY 1, 2, 3").fetchall()
        for table in ("sessions", "sets", "ratings", "next_day_checks")
    }
    conn.close()
    with Store.open(old) as s:
        assert s.next_day_check(7) == NextDayCheck(
            7, "better", False, datetime(2023, 1, 3, 8, 0, tzinfo=UTC)
        )
        check = s.next_day_check(8)
        assert check is not None and check.declined
        assert [t.id for t in s.sets(8)] == [2, 3]
        s.record_set(8, SetRecord("right", 1, "Knee out", 15, 2, 10.0, "stopped"))
        assert [t.id for t in s.sets(8)] == [2, 3, 5]
        s.record_stop(8, StopRow(0, 0, 0, "right", 1, 3, "dizzy", datetime.now(UTC)))
    conn = sqlite3.connect(old)
    try:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 3
        conn.execute("DELETE FROM sets WHERE id = 5")
        conn.execute("DELETE FROM stops")
        after = {
            table: conn.execute(f"SELECT * FROM {table} ORDER BY 1, 2, 3").fetchall()
            for table in ("sessions", "sets", "ratings", "next_day_checks")
        }
    finally:
        conn.close()
    assert after == before


ADD_MOOD = Migration(
    2,
    "sessions get a mood",
    (
        "ALTER TABLE sessions ADD COLUMN mood INTEGER",
        lambda conn: conn.execute("UPDATE sessions SET mood = length(note)"),
    ),
)


@pytest.fixture
def v1(tmp_path: Path) -> Iterator[sqlite3.Connection]:
    path = tmp_path / "v1.sqlite"
    build_v1(path)
    conn = sqlite3.connect(path, isolation_level=None)
    yield conn
    conn.close()


def test_migrate_runs_the_missing_steps_in_order(v1: sqlite3.Connection) -> None:
    assert migrate(v1, (*MIGRATIONS[:1], ADD_MOOD)) == 1
    assert v1.execute("PRAGMA user_version").fetchone()[0] == 2
    assert v1.execute("SELECT mood FROM sessions").fetchone()[0] == len("v1 note")
    assert v1.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert migrate(v1, (*MIGRATIONS[:1], ADD_MOOD)) == 2  # nothing left to do


def test_a_failing_migration_changes_nothing(v1: sqlite3.Connection) -> None:
    broken = Migration(
        2,
        "half done",
        ("ALTER TABLE sessions ADD COLUMN mood INTEGER", "UPDATE no_such_table SET x = 1"),
    )
    with pytest.raises(StoreError, match="version 2"):
        migrate(v1, (*MIGRATIONS[:1], broken))
    assert v1.execute("PRAGMA user_version").fetchone()[0] == 1
    columns = [r[1] for r in v1.execute("PRAGMA table_info(sessions)")]
    assert "mood" not in columns


def test_a_migration_leaving_dangling_rows_is_refused(v1: sqlite3.Connection) -> None:
    dangling = Migration(2, "orphans", ("DELETE FROM sessions",))
    with pytest.raises(StoreError, match="point at nothing"):
        migrate(v1, (*MIGRATIONS[:1], dangling))
    assert v1.execute("SELECT count(*) FROM sessions").fetchone()[0] == 1


def test_misnumbered_migrations_are_a_programming_error(v1: sqlite3.Connection) -> None:
    with pytest.raises(RuntimeError, match="version"):
        migrate(v1, (*MIGRATIONS[:1], Migration(3, "skips 2", ())))


@pytest.mark.parametrize("version", [SCHEMA_VERSION + 1, 99])
def test_a_newer_log_is_refused_and_left_byte_identical(tmp_path: Path, version: int) -> None:
    path = tmp_path / "log.sqlite"
    with Store.open(path) as s:
        s.start_session("ball", "prone", "left")
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {version}")
    conn.close()
    before = path.read_bytes()
    stat = path.stat()
    with pytest.raises(NewerSchemaError) as caught:
        Store.open(path)
    message = str(caught.value)
    assert "made by a newer version of Psoas Timer" in message
    assert "update the app" in message.lower() and "left untouched" in message
    assert path.read_bytes() == before
    assert (path.stat().st_mtime_ns, path.stat().st_mode) == (stat.st_mtime_ns, stat.st_mode)
    assert files_in(tmp_path) == ["log.sqlite"]  # not even a -wal or -shm


def test_a_newer_log_this_sqlite_cannot_parse_is_still_called_newer(tmp_path: Path) -> None:
    # A later app may use SQL this SQLite does not understand; the version must
    # be judged before SQLite reads the schema, or the file looks damaged.
    path = tmp_path / "log.sqlite"
    Store.open(path).close()
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA writable_schema = ON")
    conn.execute(
        "INSERT INTO sqlite_master VALUES "
        "('table', 'future', 'future', 0, 'CREATE TABLE future (x) WITH SOMETHING NEW')"
    )
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    before = path.read_bytes()
    with pytest.raises(NewerSchemaError):
        Store.open(path)
    assert path.read_bytes() == before


def test_migrate_itself_refuses_a_newer_version(v1: sqlite3.Connection) -> None:
    v1.execute("PRAGMA user_version = 5")
    with pytest.raises(NewerSchemaError, match="version 5"):
        migrate(v1)


# -- broken and foreign files -------------------------------------------------


@pytest.mark.parametrize(
    "content",
    [
        b"this is not a database at all" * 50,
        b"SQLite format 3",  # cut inside the header
        b"\x00" * 4096,
    ],
)
def test_garbage_is_reported_as_corrupt(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "log.sqlite"
    path.write_bytes(content)
    with pytest.raises(CorruptDatabaseError, match="damaged") as caught:
        Store.open(path)
    assert caught.value.path == path
    assert path.read_bytes() == content


def fill_log(path: Path) -> None:
    """A log spread over many pages, so damage can land well inside it."""
    with Store.open(path) as s:
        for _ in range(30):
            sid = s.start_session("ball", "prone", "both")
            s.set_note(sid, "n" * 3000)


def test_a_truncated_log_is_reported_as_corrupt(tmp_path: Path) -> None:
    path = tmp_path / "log.sqlite"
    fill_log(path)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(CorruptDatabaseError):
        Store.open(path)


def test_damage_deep_inside_the_file_is_found_at_open(tmp_path: Path) -> None:
    path = tmp_path / "log.sqlite"
    fill_log(path)
    data = bytearray(path.read_bytes())
    page = 4096
    middle = (len(data) // page // 2) * page
    data[middle : middle + page] = b"\xff" * page  # one page of notes, far from the schema
    path.write_bytes(bytes(data))
    # Opening reads only the header and the schema; the check must look further.
    with pytest.raises(CorruptDatabaseError):
        Store.open(path)


def test_another_programs_database_is_not_taken_over(tmp_path: Path) -> None:
    path = tmp_path / "other.sqlite"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE photos (id INTEGER PRIMARY KEY)")
    conn.commit()
    conn.close()
    before = path.read_bytes()
    with pytest.raises(CorruptDatabaseError, match="other program"):
        Store.open(path)
    assert path.read_bytes() == before
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA application_id = 1234")
    conn.close()
    with pytest.raises(CorruptDatabaseError, match="other program"):
        Store.open(path)


def test_an_empty_file_becomes_a_new_log(tmp_path: Path) -> None:
    path = tmp_path / "log.sqlite"
    path.touch()
    with Store.open(path) as s:
        assert s.sessions() == []


def test_quarantine_moves_the_log_aside_and_a_new_one_starts(tmp_path: Path) -> None:
    path = tmp_path / "log.sqlite"
    garbage = b"garbage!" * 100
    path.write_bytes(garbage)
    wal, shm = tmp_path / "log.sqlite-wal", tmp_path / "log.sqlite-shm"
    wal.write_bytes(b"wal")
    shm.write_bytes(b"shm")
    with pytest.raises(CorruptDatabaseError):
        Store.open(path)
    now = datetime(2024, 6, 3, 14, 5, 9)
    moved = quarantine(path, now=now)
    assert moved == tmp_path / "log.sqlite.corrupt-20240603-140509"
    assert moved.read_bytes() == garbage
    assert (tmp_path / "log.sqlite.corrupt-20240603-140509-wal").read_bytes() == b"wal"
    assert (tmp_path / "log.sqlite.corrupt-20240603-140509-shm").read_bytes() == b"shm"
    assert not path.exists() and not wal.exists() and not shm.exists()

    with Store.open(path) as s:
        s.start_session("ball", "prone", "left")
    # A second quarantine in the same second never overwrites the first.
    again = quarantine(path, now=now)
    assert again == tmp_path / "log.sqlite.corrupt-20240603-140509-2"
    assert moved.read_bytes() == garbage


def test_quarantine_names_use_the_current_time(tmp_path: Path) -> None:
    path = tmp_path / "log.sqlite"
    path.write_bytes(b"x")
    moved = quarantine(path)
    assert moved.name.startswith("log.sqlite.corrupt-2")
    assert len(moved.name) == len("log.sqlite.corrupt-YYYYmmdd-HHMMSS")


# -- failing writes -----------------------------------------------------------


def test_a_read_only_log_surfaces_every_write_as_an_error(store: Store) -> None:
    sid = store.start_session("ball", "prone", "left")
    store.record_rating(sid, "left", "before", 4)
    store._conn.execute("PRAGMA query_only = 1")
    writes = [
        lambda: store.start_session("ball", "prone", "left"),
        lambda: store.record_rating(sid, "left", "before", 9),
        lambda: store.record_set(sid, SetRecord("left", 0, "Base", 15, 15, 90.0)),
        lambda: store.set_note(sid, "x"),
        lambda: store.finish_session(sid, "completed"),
        lambda: store.delete_session(sid),
    ]
    for write in writes:
        with pytest.raises(StoreWriteError, match="read-only") as caught:
            write()
        assert caught.value.reason == "readonly"
    assert [r.value for r in store.ratings(sid)] == [4]
    assert store.session(sid).status == "running"
    store._conn.execute("PRAGMA query_only = 0")
    store.record_rating(sid, "left", "before", 9)  # works again once writable
    assert [r.value for r in store.ratings(sid)] == [9]


def test_a_log_opened_read_only_surfaces_writes_as_errors(tmp_path: Path) -> None:
    path = tmp_path / "log.sqlite"
    Store.open(path).close()
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, isolation_level=None)
    store = Store(conn, path, lambda: datetime(2024, 1, 1, tzinfo=UTC))
    try:
        with pytest.raises(StoreWriteError) as caught:
            store.start_session("ball", "prone", "left")
        assert caught.value.reason == "readonly"
    finally:
        store.close()


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes through file permissions")
def test_a_log_without_write_permission_surfaces_writes_as_errors(tmp_path: Path) -> None:
    path = tmp_path / "log.sqlite"
    Store.open(path).close()
    path.chmod(0o400)
    tmp_path.chmod(0o500)
    try:
        with pytest.raises(StoreWriteError) as caught, Store.open(path) as s:
            s.start_session("ball", "prone", "left")
        assert caught.value.reason == "readonly"
    finally:
        tmp_path.chmod(0o700)


def test_a_full_disk_surfaces_as_an_error_and_loses_nothing(store: Store) -> None:
    sid = store.start_session("ball", "prone", "both")
    store.set_note(sid, "kept")
    pages = store._conn.execute("PRAGMA page_count").fetchone()[0]
    store._conn.execute(f"PRAGMA max_page_count = {pages}")
    with pytest.raises(StoreWriteError, match="disk is full") as caught:
        store.set_note(sid, "x" * 9000)
    assert caught.value.reason == "full"
    with pytest.raises(StoreWriteError) as caught:
        for _ in range(200):
            store.record_set(sid, SetRecord("left", 0, "Base set " * 20, 15, 15, 90.0))
    assert caught.value.reason == "full"
    assert store.session(sid).note == "kept"
    store._conn.execute("PRAGMA max_page_count = 1073741823")
    store.set_note(sid, "x" * 9000)  # space again: the same write now goes through
    assert store.session(sid).note == "x" * 9000


def test_every_error_is_a_store_error_with_a_message() -> None:
    for kind in (
        NewerSchemaError,
        CorruptDatabaseError,
        StoreWriteError,
        SessionNotFoundError,
        ImportFileError,
    ):
        assert issubclass(kind, StoreError)
    assert str(StoreWriteError("Could not save: x.", "other")) == "Could not save: x."
