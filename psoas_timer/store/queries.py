"""The SQL behind the store's reads and bulk writes, and rows made back into records.

The field names of :class:`Session`, :class:`SetRow`, :class:`Rating` and
:class:`NextDayCheck` are their tables' column names. Every query that reads or writes whole records
lists its columns from those fields, so a row arrives in field order by
construction and becomes its record without reading any column by hand.
(Mapping rows by name through ``sqlite3.Row`` would say the same thing more
slowly: it made exporting ten years of sets about half as slow again.)

The two summary queries behind the history and progress pages read other
columns; they unpack each row in the order of their ``SELECT``.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Sequence
from dataclasses import fields
from datetime import datetime, tzinfo
from typing import Any, Final, TypeVar, cast

from psoas_timer.core.next_day import LastSession
from psoas_timer.core.progress import ProgressSession, SideResult
from psoas_timer.core.vocab import SIDE_VALUES, Side
from psoas_timer.store.checks import check_choice
from psoas_timer.store.errors import StoreError
from psoas_timer.store.records import (
    EMPTY_SIDE,
    ImportRecord,
    MergeResult,
    NextDayCheck,
    Rating,
    Session,
    SessionSnapshot,
    SessionSummary,
    SetRow,
    SideSummary,
    from_db_time,
    local_time,
    to_db_time,
)

_SESSION_FIELDS: Final = tuple(f.name for f in fields(Session))
_SET_FIELDS: Final = tuple(f.name for f in fields(SetRow))
_RATING_FIELDS: Final = tuple(f.name for f in fields(Rating))
_NEXT_DAY_FIELDS: Final = tuple(f.name for f in fields(NextDayCheck))

SESSION_COLUMNS: Final = ", ".join(f"s.{name}" for name in _SESSION_FIELDS)
SET_COLUMNS: Final = ", ".join(_SET_FIELDS)
RATING_COLUMNS: Final = ", ".join(_RATING_FIELDS)
RATING_ORDER: Final = "side, CASE moment WHEN 'before' THEN 0 ELSE 1 END"
NEXT_DAY_COLUMNS: Final = ", ".join(_NEXT_DAY_FIELDS)
# Each is one primary-key (or covering-index) lookup per session.
_RATING_VALUES: Final = ", ".join(
    f"(SELECT value FROM ratings WHERE session_id = s.id AND side = '{side}' "
    f"AND moment = '{moment}')"
    for side in SIDE_VALUES
    for moment in ("before", "after")
)
_TIME_COLUMNS: Final = ("started_at", "ended_at", "recorded_at")

_R = TypeVar("_R")


def _insert_into(table: str, columns: Sequence[str]) -> str:
    return f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"


_INSERT_SESSION: Final = _insert_into("sessions", _SESSION_FIELDS)
_INSERT_SET: Final = _insert_into("sets", _SET_FIELDS)
_INSERT_RATING: Final = _insert_into("ratings", _RATING_FIELDS)


def _record_maker(
    record: Callable[..., _R], columns: tuple[str, ...]
) -> Callable[[Sequence[Any]], _R]:
    """What turns a row of ``columns`` into ``record``, its stored times parsed."""
    times = tuple(index for index, name in enumerate(columns) if name in _TIME_COLUMNS)

    def make(row: Sequence[Any]) -> _R:
        values = list(row)
        for index in times:
            if values[index] is not None:
                values[index] = from_db_time(values[index])
        return record(*values)

    return make


#: A row of ``SESSION_COLUMNS`` as a :class:`Session`.
session_of: Final = _record_maker(Session, _SESSION_FIELDS)
#: A row of ``SET_COLUMNS`` as a :class:`SetRow`.
set_of: Final = _record_maker(SetRow, _SET_FIELDS)
#: A row of ``RATING_COLUMNS`` as a :class:`Rating`.
rating_of: Final = _record_maker(Rating, _RATING_FIELDS)


def next_day_of(row: Sequence[Any]) -> NextDayCheck:
    """A row of ``NEXT_DAY_COLUMNS`` as a :class:`NextDayCheck`."""
    session_id, feeling, sore, recorded_at = row
    return NextDayCheck(
        session_id, feeling, None if sore is None else bool(sore), from_db_time(recorded_at)
    )


def _chosen(clause: str) -> str:
    """The ``WHERE`` of a table keyed by session that keeps the sessions ``clause`` picks."""
    return f"WHERE session_id IN (SELECT s.id FROM sessions s {clause})" if clause else ""


def select_next_day(
    c: sqlite3.Connection, clause: str = "", params: Sequence[object] = ()
) -> dict[int, NextDayCheck]:
    """The next-day checks of the sessions ``clause`` picks, by session id."""
    return {
        check.session_id: check
        for check in map(
            next_day_of,
            c.execute(f"SELECT {NEXT_DAY_COLUMNS} FROM next_day_checks {_chosen(clause)}", params),
        )
    }


def where_clause(
    tool_id: str | None,
    side: Side | None,
    since: datetime | None,
    until: datetime | None,
) -> tuple[str, list[object]]:
    """The ``WHERE`` over ``sessions s`` for these filters, and its parameters."""
    where: list[str] = []
    params: list[object] = []
    if tool_id is not None:
        where.append("s.tool_id = ?")
        params.append(tool_id)
    if side is not None:
        check_choice("side", side, SIDE_VALUES)
        where.append("s.sides IN (?, 'both')")
        params.append(side)
    if since is not None:
        where.append("s.started_at >= ?")
        params.append(to_db_time(since))
    if until is not None:
        where.append("s.started_at < ?")
        params.append(to_db_time(until))
    return (f"WHERE {' AND '.join(where)}" if where else ""), params


def select_summaries(
    c: sqlite3.Connection, clause: str, params: list[object]
) -> list[SessionSummary]:
    """The summaries of the sessions ``clause`` picks, oldest first."""
    chosen = _chosen(clause)
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
    checks = select_next_day(c, clause, params)
    parse = from_db_time
    out: list[SessionSummary] = []
    for (
        session_id,
        uuid,
        started_at,
        ended_at,
        tool_id,
        position_id,
        sides,
        status,
        note,
        lb,
        la,
        rb,
        ra,
    ) in c.execute(
        f"SELECT {SESSION_COLUMNS}, {_RATING_VALUES} FROM sessions s {clause} "
        "ORDER BY s.started_at, s.id",
        params,
    ):
        lc, lr, ll, rc, rr, rl = stats.get(session_id, no_sets)
        left = (
            SideSummary(lb, la, lc, lr, ll)
            if lc or lb is not None or la is not None
            else EMPTY_SIDE
        )
        right = (
            SideSummary(rb, ra, rc, rr, rl)
            if rc or rb is not None or ra is not None
            else EMPTY_SIDE
        )
        out.append(
            SessionSummary(
                session_id,
                uuid,
                parse(started_at),
                None if ended_at is None else parse(ended_at),
                tool_id,
                position_id,
                sides,
                status,
                note,
                left,
                right,
                checks.get(session_id),
            )
        )
    return out


def select_last_finished(c: sqlite3.Connection) -> LastSession | None:
    """The session that started last among those no longer running."""
    row = c.execute(
        "SELECT s.id, s.tool_id, s.started_at, s.ended_at, "
        "EXISTS (SELECT 1 FROM sets WHERE session_id = s.id), "
        "EXISTS (SELECT 1 FROM next_day_checks WHERE session_id = s.id) "
        "FROM sessions s WHERE s.status <> 'running' "
        "ORDER BY s.started_at DESC, s.id DESC LIMIT 1"
    ).fetchone()
    if row is None:
        return None
    session_id, tool_id, started_at, ended_at, has_sets, checked = row
    return LastSession(
        session_id,
        tool_id,
        from_db_time(started_at),
        from_db_time(ended_at),
        bool(has_sets),
        bool(checked),
    )


def select_progress(
    c: sqlite3.Connection, clause: str, params: list[object], tz: tzinfo | None
) -> list[ProgressSession]:
    """The sessions ``clause`` picks as progress sessions, each on its day in ``tz``."""
    chosen = _chosen(clause)
    # Grouped passes over the ratings' primary key and the sets, joined here by
    # session id: several times faster on ten years than a correlated subquery
    # per value and session.
    ratings: dict[int, tuple[int | None, int | None, int | None, int | None]] = {
        r[0]: r[1:]
        for r in c.execute(
            "SELECT session_id, "
            + ", ".join(
                f"max(CASE WHEN side = '{side}' AND moment = '{moment}' THEN value END)"
                for side in SIDE_VALUES
                for moment in ("before", "after")
            )
            + f" FROM ratings {chosen} GROUP BY session_id",
            params,
        )
    }
    doses: dict[int, tuple[Any, ...]] = {
        r[0]: r[1:]
        for r in c.execute(
            "SELECT session_id, "
            + ", ".join(
                f"min(CASE WHEN side = '{side}' THEN released_breath END), "
                f"sum(CASE WHEN side = '{side}' THEN duration_s END), "
                f"max(CASE WHEN side = '{side}' THEN level END)"
                for side in SIDE_VALUES
            )
            + f" FROM sets {chosen} GROUP BY session_id",
            params,
        )
    }
    checks = select_next_day(c, clause, params)
    no_ratings = (None, None, None, None)
    no_sets = (None, None, None, None, None, None)
    out: list[ProgressSession] = []
    parse = from_db_time
    # tuple.__new__ skips the named tuples' Python-level __new__: half the cost.
    new = tuple.__new__
    for session_id, started_at, tool_id, position_id, sides in c.execute(
        f"SELECT s.id, s.started_at, s.tool_id, s.position_id, s.sides FROM sessions s {clause} "
        "ORDER BY s.started_at, s.id",
        params,
    ):
        started = parse(started_at)
        lb, la, rb, ra = ratings.get(session_id, no_ratings)
        lr, lt, ll, rr, rt, rl = doses.get(session_id, no_sets)
        left = (
            new(SideResult, (lb, la, lr, lt, ll))
            if sides != "right" or lb is not None or la is not None or lt is not None
            else None
        )
        right = (
            new(SideResult, (rb, ra, rr, rt, rl))
            if sides != "left" or rb is not None or ra is not None or rt is not None
            else None
        )
        check = checks.get(session_id)
        out.append(
            new(
                ProgressSession,
                (
                    local_time(started, tz).date(),
                    started,
                    tool_id,
                    left,
                    right,
                    session_id,
                    position_id,
                    None if check is None else check.feeling,
                    None if check is None else check.lasting_soreness,
                ),
            )
        )
    return out


def select_snapshots(c: sqlite3.Connection) -> list[SessionSnapshot]:
    """Every session with its sets and ratings, oldest first (ties by uuid)."""
    sessions = [
        session_of(r)
        for r in c.execute(f"SELECT {SESSION_COLUMNS} FROM sessions s ORDER BY started_at, uuid")
    ]
    sets: dict[int, list[SetRow]] = {}
    for r in c.execute(f"SELECT {SET_COLUMNS} FROM sets ORDER BY session_id, seq"):
        row = set_of(r)
        sets.setdefault(row.session_id, []).append(row)
    ratings: dict[int, list[Rating]] = {}
    for r in c.execute(f"SELECT {RATING_COLUMNS} FROM ratings ORDER BY session_id, {RATING_ORDER}"):
        rating = rating_of(r)
        ratings.setdefault(rating.session_id, []).append(rating)
    checks = select_next_day(c)
    return [
        SessionSnapshot(
            s, tuple(sets.get(s.id, ())), tuple(ratings.get(s.id, ())), checks.get(s.id)
        )
        for s in sessions
    ]


def insert_session(c: sqlite3.Connection, s: Session, *, keep_id: bool) -> int:
    """Write a session row; return its id (a new one unless ``keep_id``)."""
    cur = c.execute(
        _INSERT_SESSION,
        (
            s.id if keep_id else None,
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
    return cast(int, cur.lastrowid)


def _set_values(t: SetRow, session_id: int, keep_id: bool) -> tuple[object, ...]:
    return (
        t.id if keep_id else None,
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


def _rating_values(r: Rating, session_id: int) -> tuple[object, ...]:
    return (session_id, r.side, r.moment, r.value, to_db_time(r.recorded_at))


class ChildBatch:
    """Sets, ratings and next-day checks on their way into the log, a thousand at a time."""

    SIZE: Final = 1000

    def __init__(self, c: sqlite3.Connection) -> None:
        self._c = c
        self._sets: list[tuple[object, ...]] = []
        self._ratings: list[tuple[object, ...]] = []
        self.sets = self.ratings = self.checks = 0  # written or waiting

    def add(self, session_id: int, value: SetRow | Rating | NextDayCheck) -> None:
        if isinstance(value, SetRow):
            self._sets.append(_set_values(value, session_id, False))
            self.sets += 1
        elif isinstance(value, Rating):
            self._ratings.append(_rating_values(value, session_id))
            self.ratings += 1
        else:
            # At most one a session: not worth a batch of their own.
            insert_next_day(self._c, session_id, value)
            self.checks += 1
        if len(self._sets) + len(self._ratings) >= self.SIZE:
            self.flush()

    def flush(self) -> None:
        self._c.executemany(_INSERT_SET, self._sets)
        self._c.executemany(_INSERT_RATING, self._ratings)
        self._sets.clear()
        self._ratings.clear()


def insert_snapshot(c: sqlite3.Connection, snap: SessionSnapshot, *, keep_ids: bool) -> None:
    """Write a session with its sets, ratings and next-day check; new ids unless ``keep_ids``."""
    session_id = insert_session(c, snap.session, keep_id=keep_ids)
    c.executemany(_INSERT_SET, [_set_values(t, session_id, keep_ids) for t in snap.sets])
    c.executemany(_INSERT_RATING, [_rating_values(r, session_id) for r in snap.ratings])
    if snap.next_day is not None:
        insert_next_day(c, session_id, snap.next_day)


def merge_records(c: sqlite3.Connection, records: Iterable[ImportRecord]) -> MergeResult:
    """Write what an import streams past; the caller holds the transaction.

    A session whose uuid is already logged is skipped with everything of its
    own; a set or rating that comes before its session waits for it.
    """
    added = skipped = 0
    ids: dict[str, int | None] = {}  # uuid -> new id, or None when skipped
    waiting: dict[str, list[SetRow | Rating | NextDayCheck]] = {}
    batch = ChildBatch(c)
    for item in records:
        if isinstance(item, Session):
            known = c.execute("SELECT 1 FROM sessions WHERE uuid = ?", (item.uuid,)).fetchone()
            early = waiting.pop(item.uuid, [])
            if known or item.uuid in ids:
                ids[item.uuid] = None
                skipped += 1
                continue
            session_id = ids[item.uuid] = insert_session(c, item, keep_id=False)
            added += 1
            for value in early:
                batch.add(session_id, value)
            continue
        uuid, child = item
        if uuid not in ids:
            waiting.setdefault(uuid, []).append(child)
        elif (found := ids[uuid]) is not None:
            batch.add(found, child)
    batch.flush()
    if waiting:
        raise StoreError(
            f"Could not import: {sum(map(len, waiting.values()))} sets and ratings name a "
            "session that is not there. Nothing was imported."
        )
    return MergeResult(added, skipped, batch.sets, batch.ratings, batch.checks)


def insert_next_day(c: sqlite3.Connection, session_id: object, check: NextDayCheck) -> None:
    """Store a session's next-day check, replacing any it had."""
    sore = check.lasting_soreness
    c.execute(
        _insert_into("next_day_checks", _NEXT_DAY_FIELDS).replace("INSERT", "INSERT OR REPLACE", 1),
        (
            session_id,
            check.feeling,
            None if sore is None else int(sore),
            to_db_time(check.recorded_at),
        ),
    )
