"""The store's API: what goes in comes out, bad values never get in, undo is exact."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any, cast

import pytest

from psoas_timer.core.events import SetResult
from psoas_timer.core.progress import ProgressSession, SideResult
from psoas_timer.core.vocab import SIDE_VALUES
from psoas_timer.store import (
    Rating,
    Session,
    SessionNotFoundError,
    SetRecord,
    SetRow,
    Sides,
    Store,
    StoreError,
    StoreWriteError,
)
from tests.helpers import TEN_YEARS_FROM, fill_ten_years

T0 = datetime(2024, 3, 1, 8, 0, tzinfo=UTC)


def raw(store: Store) -> sqlite3.Connection:
    """A second connection to the same file, as another process would see it."""
    return sqlite3.connect(store.path, isolation_level=None)


def count(store: Store, table: str) -> int:
    conn = raw(store)
    try:
        return int(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
    finally:
        conn.close()


BASE = SetRecord("left", 0, "Base set", 15, 15, 90.0)


# -- opening ---------------------------------------------------------------


def test_open_creates_folders_and_owner_only_files(tmp_path: Path) -> None:
    path = tmp_path / "a" / "b" / "log.sqlite"
    with Store.open(path) as s:
        s.start_session("ball", "prone", "both")
        for p in (path, path.with_name("log.sqlite-wal"), path.with_name("log.sqlite-shm")):
            assert p.exists(), p
            assert p.stat().st_mode & 0o777 == 0o600, p
    assert (tmp_path / "a" / "b").stat().st_mode & 0o777 == 0o700


def test_open_tightens_a_file_left_readable_by_others(tmp_path: Path) -> None:
    path = tmp_path / "log.sqlite"
    Store.open(path).close()
    path.chmod(0o644)
    Store.open(path).close()
    assert path.stat().st_mode & 0o777 == 0o600


def test_connection_settings(store: Store) -> None:
    conn = store._conn
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert conn.execute("PRAGMA busy_timeout").fetchone()[0] == 5000
    assert conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL


# -- round trip ------------------------------------------------------------


def test_every_field_round_trips(store: Store) -> None:
    started = datetime(2024, 5, 1, 9, 30, 15, tzinfo=timezone(timedelta(hours=2)))
    sid = store.start_session(
        "peanut", "supine", "both", started, uuid="0F8FAD5B-D9CB-469F-A165-70867728950E"
    )
    record = SetRecord(
        side="right",
        level=2,
        variant_name="Opposite knee out",
        breaths_planned=20,
        breaths_done=12,
        duration_s=101.25,
        outcome="backed_off",
        paused_s=7.5,
        released_breath=9,
        released_at_s=80.125,
    )
    set_time = datetime(2024, 5, 1, 7, 40, 0, tzinfo=UTC)
    set_id = store.record_set(sid, record, recorded_at=set_time)
    store.record_rating(sid, "right", "before", 7, recorded_at=set_time - timedelta(minutes=2))
    store.record_rating(sid, "right", "after", 4, recorded_at=set_time + timedelta(minutes=1))
    store.set_note(sid, "sore after\nlong drive, \"tight\"; 'left' fine ✓")
    ended = datetime(2024, 5, 1, 7, 45, 0, tzinfo=UTC)
    store.finish_session(sid, "ended_early", ended)

    assert store.session(sid) == Session(
        id=sid,
        uuid="0f8fad5b-d9cb-469f-a165-70867728950e",
        started_at=datetime(2024, 5, 1, 7, 30, 15, tzinfo=UTC),
        ended_at=ended,
        tool_id="peanut",
        position_id="supine",
        sides="both",
        status="ended_early",
        note="sore after\nlong drive, \"tight\"; 'left' fine ✓",
    )
    assert store.sets(sid) == [
        SetRow(
            id=set_id,
            session_id=sid,
            seq=1,
            side="right",
            level=2,
            variant_name="Opposite knee out",
            breaths_planned=20,
            breaths_done=12,
            released_breath=9,
            released_at_s=80.125,
            duration_s=101.25,
            paused_s=7.5,
            outcome="backed_off",
            recorded_at=set_time,
        )
    ]
    assert store.ratings(sid) == [
        Rating(sid, "right", "before", 7, set_time - timedelta(minutes=2)),
        Rating(sid, "right", "after", 4, set_time + timedelta(minutes=1)),
    ]


def test_times_are_stored_as_utc_text_to_the_second(store: Store) -> None:
    at = datetime(2024, 5, 1, 9, 30, 15, 999_999, tzinfo=timezone(timedelta(hours=2)))
    sid = store.start_session("ball", "prone", "left", at)
    conn = raw(store)
    try:
        (text,) = conn.execute("SELECT started_at FROM sessions WHERE id = ?", (sid,)).fetchone()
    finally:
        conn.close()
    assert text == "2024-05-01T07:30:15Z"


def test_naive_times_are_refused(store: Store) -> None:
    with pytest.raises(ValueError, match="time zone"):
        store.start_session("ball", "prone", "left", datetime(2024, 5, 1, 9, 0))
    assert count(store, "sessions") == 0


def test_the_engines_set_result_is_accepted_as_it_is(store: Store) -> None:
    sid = store.start_session("ball", "prone", "left")
    result = SetResult("left", 1, "Glute squeeze", 15, 4, 5, 41.0, 44.5, 0.0, "backed_off")
    store.record_set(sid, result)
    (row,) = store.sets(sid)
    assert (row.released_breath, row.breaths_done, row.outcome) == (5, 4, "backed_off")


def test_sets_are_numbered_in_order(store: Store) -> None:
    sid = store.start_session("ball", "prone", "both")
    other = store.start_session("ball", "prone", "both")
    for level in range(3):
        store.record_set(sid, replace(BASE, level=level))
    store.record_set(other, BASE)
    assert [(r.seq, r.level) for r in store.sets(sid)] == [(1, 0), (2, 1), (3, 2)]
    assert [r.seq for r in store.sets(other)] == [1]


def test_each_event_is_committed_at_once(store: Store) -> None:
    sid = store.start_session("ball", "prone", "left")
    store.record_rating(sid, "left", "before", 5)
    # Seen from another connection while the store is still open: committed.
    assert count(store, "ratings") == 1
    store.record_set(sid, BASE)
    assert count(store, "sets") == 1


def test_a_crash_mid_session_keeps_every_event_and_leaves_it_running(tmp_path: Path) -> None:
    path = tmp_path / "log.sqlite"
    script = textwrap.dedent(
        f"""
        import os
        from pathlib import Path
        from psoas_timer.store import SetRecord, Store
        s = Store.open(Path({str(path)!r}))
        sid = s.start_session("ball", "prone", "both")
        s.record_rating(sid, "left", "before", 6)
        s.record_set(sid, SetRecord("left", 0, "Base set", 15, 15, 90.0))
        os._exit(3)
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script], check=False, capture_output=True, text=True
    )
    assert done.returncode == 3, done.stderr
    with Store.open(path) as s:
        (lost,) = s.interrupted_sessions()
        assert lost.status == "running"
        assert [r.value for r in s.ratings(lost.id)] == [6]
        assert len(s.sets(lost.id)) == 1


# -- ratings ----------------------------------------------------------------


def test_rating_again_replaces_and_clear_removes(store: Store) -> None:
    sid = store.start_session("ball", "prone", "left")
    store.record_rating(sid, "left", "before", 3)
    store.record_rating(sid, "left", "before", 8)
    assert [(r.moment, r.value) for r in store.ratings(sid)] == [("before", 8)]
    store.clear_rating(sid, "left", "before")
    assert store.ratings(sid) == []


@pytest.mark.parametrize("value", [11, -1, 100, "x", "5", 5.0, 5.5, True, None])
def test_bad_ratings_are_refused_before_the_database(store: Store, value: Any) -> None:
    sid = store.start_session("ball", "prone", "left")
    with pytest.raises(ValueError, match="0 to 10"):
        store.record_rating(sid, "left", "before", value)
    assert count(store, "ratings") == 0


@pytest.mark.parametrize("value", [0, 10])
def test_rating_bounds_are_accepted(store: Store, value: int) -> None:
    sid = store.start_session("ball", "prone", "left")
    store.record_rating(sid, "left", "after", value)
    assert store.ratings(sid)[0].value == value


@pytest.mark.parametrize(
    ("side", "moment", "match"),
    [("middle", "before", "side"), ("left", "during", "moment"), ("right", "before", "left side")],
)
def test_rating_side_and_moment_are_checked(
    store: Store, side: Any, moment: Any, match: str
) -> None:
    sid = store.start_session("ball", "prone", "left")
    with pytest.raises(ValueError, match=match):
        store.record_rating(sid, side, moment, 5)
    assert count(store, "ratings") == 0


# -- the database's own checks ------------------------------------------------

GOOD_SET = {
    "session_id": 1,
    "seq": 1,
    "side": "'left'",
    "level": 0,
    "variant_name": "'Base'",
    "breaths_planned": 15,
    "breaths_done": 15,
    "released_breath": "NULL",
    "released_at_s": "NULL",
    "duration_s": 90.0,
    "paused_s": 0.0,
    "outcome": "'completed'",
    "recorded_at": "'2024-01-01T00:00:00Z'",
}


def insert_set(conn: sqlite3.Connection, **changes: object) -> None:
    values = {**GOOD_SET, **changes}
    literals = ", ".join(str(v) for v in values.values())
    conn.execute(f"INSERT INTO sets ({', '.join(values)}) VALUES ({literals})")


@pytest.fixture
def rawdb(store: Store) -> Iterator[sqlite3.Connection]:
    store.start_session("ball", "prone", "left")
    conn = raw(store)
    conn.execute("PRAGMA foreign_keys = ON")
    yield conn
    conn.close()


@pytest.mark.parametrize("value", ["11", "-1", "'x'", "5.5", "NULL", "'10.0x'"])
def test_the_database_refuses_bad_ratings_itself(rawdb: sqlite3.Connection, value: str) -> None:
    with pytest.raises(sqlite3.IntegrityError):
        rawdb.execute(
            "INSERT INTO ratings (session_id, side, moment, value, recorded_at) "
            f"VALUES (1, 'left', 'before', {value}, '2024-01-01T00:00:00Z')"
        )
    assert rawdb.execute("SELECT count(*) FROM ratings").fetchone()[0] == 0


@pytest.mark.parametrize(
    ("side", "moment"), [("'middle'", "'before'"), ("'left'", "'during'"), ("'LEFT'", "'before'")]
)
def test_the_database_refuses_bad_rating_enums(
    rawdb: sqlite3.Connection, side: str, moment: str
) -> None:
    with pytest.raises(sqlite3.IntegrityError):
        rawdb.execute(
            "INSERT INTO ratings (session_id, side, moment, value, recorded_at) "
            f"VALUES (1, {side}, {moment}, 5, '2024-01-01T00:00:00Z')"
        )


@pytest.mark.parametrize(
    "changes",
    [
        {"side": "'both'"},
        {"level": -1},
        {"level": "'one'"},
        {"breaths_planned": 0},
        {"breaths_done": -1},
        {"released_breath": 17, "released_at_s": 5.0},
        {"released_breath": 0, "released_at_s": 5.0},
        {"released_breath": 3},
        {"released_at_s": 3.0},
        {"released_breath": 3, "released_at_s": -1.0},
        {"duration_s": -0.5},
        {"paused_s": -1},
        {"outcome": "'gave_up'"},
        {"session_id": 99},
        {"seq": 0},
    ],
)
def test_the_database_refuses_bad_sets(
    rawdb: sqlite3.Connection, changes: dict[str, object]
) -> None:
    with pytest.raises(sqlite3.IntegrityError):
        insert_set(rawdb, **changes)
    insert_set(rawdb)  # the good row next to them does go in
    with pytest.raises(sqlite3.IntegrityError):
        insert_set(rawdb)  # and only once per seq


@pytest.mark.parametrize(
    "columns",
    [
        "sides = 'middle'",
        "status = 'paused'",
        "status = 'completed'",  # without ended_at
        "tool_id = ''",
        "started_at = '2024-01-01 00:00:00'",
        "ended_at = '2000-01-01T00:00:00Z', status = 'completed'",
    ],
)
def test_the_database_refuses_bad_sessions(rawdb: sqlite3.Connection, columns: str) -> None:
    with pytest.raises(sqlite3.IntegrityError):
        rawdb.execute(f"UPDATE sessions SET {columns}")


# -- sets -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"side": "middle"}, "side"),
        ({"side": "right"}, "side"),  # the session is left only
        ({"level": -1}, "level"),
        ({"level": 1.0}, "level"),
        ({"breaths_planned": 0}, "breaths_planned"),
        ({"breaths_done": -1}, "breaths_done"),
        ({"duration_s": -1.0}, "duration_s"),
        ({"duration_s": float("nan")}, "duration_s"),
        ({"duration_s": float("inf")}, "duration_s"),
        ({"paused_s": -0.1}, "paused_s"),
        ({"outcome": "gave_up"}, "outcome"),
        ({"released_breath": 3}, "released_at_s"),
        ({"released_at_s": 3.0}, "released_breath"),
        ({"released_breath": 0, "released_at_s": 1.0}, "released_breath"),
        ({"breaths_done": 4, "released_breath": 6, "released_at_s": 50.0}, "released_breath"),
        ({"released_breath": 16, "released_at_s": 50.0}, "released_breath"),
        ({"released_breath": 3, "released_at_s": -2.0}, "released_at_s"),
        ({"variant_name": "x" * 201}, "variant_name"),
    ],
)
def test_bad_sets_are_refused(store: Store, changes: dict[str, Any], field: str) -> None:
    sid = store.start_session("ball", "prone", "left")
    with pytest.raises(ValueError, match=field):
        store.record_set(sid, replace(BASE, **changes))
    assert count(store, "sets") == 0


def test_a_release_in_the_breath_under_way_is_kept(store: Store) -> None:
    # Released during breath 5, backed off before it finished: 4 breaths done.
    sid = store.start_session("ball", "prone", "left")
    store.record_set(
        sid,
        replace(BASE, breaths_done=4, released_breath=5, released_at_s=47.0, outcome="backed_off"),
    )
    assert store.sets(sid)[0].released_breath == 5


# -- sessions ---------------------------------------------------------------


def test_unknown_sessions_are_reported(store: Store) -> None:
    for call in (
        lambda: store.record_set(42, BASE),
        lambda: store.record_rating(42, "left", "before", 3),
        lambda: store.clear_rating(42, "left", "before"),
        lambda: store.set_note(42, "x"),
        lambda: store.finish_session(42, "completed"),
        lambda: store.session(42),
        lambda: store.delete_session(42),
        lambda: store.mark_interrupted(42),
    ):
        with pytest.raises(SessionNotFoundError, match="42"):
            call()
    assert count(store, "sessions") == 0


@pytest.mark.parametrize(
    ("args", "match"),
    [
        (("", "prone", "left"), "tool_id"),
        (("ball", "", "left"), "position_id"),
        (("ball", "prone", "middle"), "sides"),
    ],
)
def test_bad_sessions_are_refused(store: Store, args: tuple[Any, ...], match: str) -> None:
    with pytest.raises(ValueError, match=match):
        store.start_session(*args)
    assert count(store, "sessions") == 0


def test_finish_and_recover(store: Store) -> None:
    a = store.start_session("ball", "prone", "both")
    b = store.start_session("ball", "prone", "left")
    c = store.start_session("ball", "prone", "right")
    store.record_rating(b, "left", "before", 5, recorded_at=T0 + timedelta(minutes=5))
    store.finish_session(c, "completed")
    assert [s.id for s in store.interrupted_sessions()] == [a, b]

    store.mark_interrupted(b)
    lost = store.session(b)
    assert (lost.status, lost.ended_at) == ("interrupted", T0 + timedelta(minutes=5))
    store.mark_interrupted(a)
    assert store.session(a).ended_at == store.session(a).started_at
    assert store.interrupted_sessions() == []

    with pytest.raises(ValueError, match="status"):
        store.finish_session(b, "running")
    with pytest.raises(ValueError, match="status"):
        store.finish_session(b, "done")  # type: ignore[arg-type]


def test_an_end_before_the_start_is_clamped(store: Store) -> None:
    sid = store.start_session("ball", "prone", "left", T0)
    store.finish_session(sid, "completed", T0 - timedelta(minutes=3))
    assert store.session(sid).ended_at == T0


def test_transaction_rolls_back_on_error(store: Store) -> None:
    sid = store.start_session("ball", "prone", "left")
    with pytest.raises(RuntimeError), store.transaction():
        store.record_rating(sid, "left", "before", 4)
        store.record_set(sid, BASE)
        raise RuntimeError("boom")
    assert store.ratings(sid) == [] and store.sets(sid) == []
    # A failing call inside a group undoes the whole group.
    with pytest.raises(ValueError), store.transaction():
        store.record_rating(sid, "left", "before", 4)
        store.record_rating(sid, "left", "after", 11)
    assert store.ratings(sid) == []
    with store.transaction():
        store.record_rating(sid, "left", "before", 4)
        store.record_rating(sid, "left", "after", 2)
    assert [r.value for r in store.ratings(sid)] == [4, 2]


def test_a_database_error_mid_group_rolls_back_everything(store: Store) -> None:
    sid = store.start_session("ball", "prone", "left")
    with pytest.raises(StoreWriteError) as caught, store.transaction():
        store.record_rating(sid, "left", "before", 4)
        store._conn.execute(  # a constraint failure SQLite does not roll back by itself
            "INSERT INTO ratings VALUES (?, 'left', 'after', 11, '2024-01-01T00:00:00Z')", (sid,)
        )
    assert caught.value.reason == "other"
    assert store.ratings(sid) == []
    store.record_rating(sid, "left", "after", 2)  # and the store is usable again
    assert [r.value for r in store.ratings(sid)] == [2]


def test_a_note_can_be_set_and_cleared(store: Store) -> None:
    sid = store.start_session("ball", "prone", "left")
    store.set_note(sid, "tight today")
    assert store.session(sid).note == "tight today"
    store.set_note(sid, "")
    assert store.session(sid).note == ""
    with pytest.raises(ValueError, match="note"):
        store.set_note(sid, "x" * 10_001)


def test_delete_and_restore_is_exact(store: Store) -> None:
    keep = store.start_session("ball", "prone", "both")
    sid = store.start_session("peanut", "supine", "both")
    store.record_rating(sid, "left", "before", 6)
    store.record_set(sid, replace(BASE, released_breath=4, released_at_s=30.5))
    store.record_set(sid, replace(BASE, side="right", level=1, variant_name="Book"))
    store.record_rating(sid, "right", "after", 2)
    store.set_note(sid, "note")
    store.finish_session(sid, "completed")
    before = store.snapshot(sid)

    snap = store.delete_session(sid)
    assert snap == before
    assert [s.id for s in store.sessions()] == [keep]
    assert (count(store, "sets"), count(store, "ratings")) == (0, 0)  # cascaded

    store.restore_session(snap)
    assert store.snapshot(sid) == before
    with pytest.raises(StoreError, match="already"):
        store.restore_session(snap)


def test_undo_still_works_after_a_new_session(store: Store) -> None:
    sid = store.start_session("ball", "prone", "left")
    store.record_set(sid, BASE)
    snap = store.delete_session(sid)
    newer = store.start_session("ball", "prone", "left")
    store.record_set(newer, BASE)
    assert newer != sid and store.sets(newer)[0].id != snap.sets[0].id
    store.restore_session(snap)
    assert store.snapshot(sid) == snap
    assert [s.id for s in store.sessions()] == [sid, newer]


# -- summaries and the progress query ----------------------------------------


def test_summaries_carry_per_side_numbers(store: Store) -> None:
    sid = store.start_session("ball", "prone", "both", T0)
    store.record_rating(sid, "left", "before", 7)
    store.record_rating(sid, "left", "after", 3)
    store.record_rating(sid, "right", "before", 5)
    store.record_set(sid, replace(BASE, released_breath=9, released_at_s=60.0))
    store.record_set(sid, replace(BASE, level=1, released_breath=6, released_at_s=40.0))
    store.record_set(sid, replace(BASE, side="right", level=2))
    (summary,) = store.sessions()
    assert (summary.left.before, summary.left.after) == (7, 3)
    assert (summary.right.before, summary.right.after) == (5, None)
    assert (summary.left.set_count, summary.right.set_count, summary.set_count) == (2, 1, 3)
    assert (summary.left.min_released_breath, summary.right.min_released_breath) == (6, None)
    assert summary.min_released_breath == 6
    assert (summary.left.max_level, summary.right.max_level) == (1, 2)
    assert summary.side("left") is summary.left


def test_summaries_filter_by_tool_side_and_time(store: Store) -> None:
    days = [T0 + timedelta(days=d) for d in range(6)]
    made = [
        store.start_session(tool, "prone", sides, day)
        for tool, sides, day in zip(
            ["ball", "peanut", "ball", "ball", "peanut", "ball"],
            cast(list[Sides], ["left", "right", "both", "right", "both", "left"]),
            days,
            strict=True,
        )
    ]
    assert [s.id for s in store.sessions()] == made
    assert [s.id for s in store.sessions(tool_id="ball")] == [made[i] for i in (0, 2, 3, 5)]
    assert [s.id for s in store.sessions(side="left")] == [made[i] for i in (0, 2, 4, 5)]
    assert [s.id for s in store.sessions(since=days[3])] == made[3:]
    assert [s.id for s in store.sessions(since=days[1], until=days[3])] == made[1:3]
    assert [s.id for s in store.sessions(tool_id="peanut", side="right", since=days[2])] == [
        made[4]
    ]


def test_progress_sessions_are_placed_on_local_days(store: Store) -> None:
    late = datetime(2024, 3, 1, 23, 30, tzinfo=UTC)
    sid = store.start_session("ball", "prone", "left", late)
    store.record_rating(sid, "left", "before", 6)
    store.record_set(sid, replace(BASE, released_breath=3, released_at_s=20.0))
    (utc,) = store.progress_sessions(tz=UTC)
    (tokyo,) = store.progress_sessions(tz=timezone(timedelta(hours=9)))
    assert (utc.day, tokyo.day) == (date(2024, 3, 1), date(2024, 3, 2))
    # The dose comes along: the base set's active time and level.
    assert utc.left == SideResult(6, None, 3, BASE.duration_s, 0)
    assert utc.right is None


def test_ten_years_of_daily_sessions_load_whole(tmp_path: Path) -> None:
    path = tmp_path / "log.sqlite"
    Store.open(path).close()
    fill_ten_years(path)
    with Store.open(path) as s:
        summaries = s.sessions()
        assert len(summaries) == 3650
        assert summaries[0].left.set_count == 3 and summaries[0].right.before == 3
        assert len(s.progress_sessions(tool_id="ball")) == 1825
        progress = s.progress_sessions(tz=UTC)
        # The first day as fill_ten_years writes it: before 3, after 0, and the
        # earliest release at breath 4, on both sides.
        first = SideResult(3, 0, 4, 3 * 90.0, 2)
        day_one = ProgressSession(
            TEN_YEARS_FROM.date(), TEN_YEARS_FROM, "ball", first, first, 1, "prone"
        )
        assert progress[0] == day_one
        # The history's summaries and the progress page's rows are two queries
        # over the same sets and ratings: they must agree session by session.
        for p, summary in zip(progress, summaries, strict=True):
            assert (p.session_id, p.started_at, p.tool_id) == (
                summary.id,
                summary.started_at,
                summary.tool_id,
            )
            assert p.day == summary.started_at.date()
            for side in SIDE_VALUES:
                got, want = p.side(side), summary.side(side)
                assert got is not None
                assert (got.before, got.after, got.released_breath, got.max_level) == (
                    want.before,
                    want.after,
                    want.min_released_breath,
                    want.max_level,
                )
        # Their speed is measured by bench/run; the index tests below keep them fast.
        assert len(s.progress_sessions(since=T0 + timedelta(days=3560))) == 90


@pytest.mark.parametrize(
    ("where", "index"),
    [
        ("started_at >= '2024-01-01'", "sessions_started_at"),
        ("tool_id = 'ball' AND started_at >= '2024-01-01'", "sessions_tool_started_at"),
    ],
)
def test_the_progress_filters_use_an_index(store: Store, where: str, index: str) -> None:
    plan = store._conn.execute(
        f"EXPLAIN QUERY PLAN SELECT * FROM sessions s WHERE {where} ORDER BY started_at"
    ).fetchall()
    assert any(index in str(row) for row in plan), plan


def test_progress_sessions_skip_sides_a_session_did_not_cover(store: Store) -> None:
    store.start_session("ball", "prone", "right", T0)
    (p,) = store.progress_sessions(tz=UTC)
    assert p.left is None and p.right == SideResult()
    assert p.tool_id == "ball" and p.started_at == T0
