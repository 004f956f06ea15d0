"""The SQL behind the store's reads and bulk writes, and rows made back into records.

The field names of :class:`Session`, :class:`SetRow` and :class:`Rating` are
their tables' column names. Every query that reads or writes whole records
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

from psoas_timer.core.progress import ProgressSession, SideResult
from psoas_timer.core.vocab import SIDE_VALUES, Side
from psoas_timer.store.checks import check_choice
from psoas_timer.store.errors import StoreError
from psoas_timer.store.records import (
    EMPTY_SIDE,
    ImportRecord,
    MergeResult,
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

SESSION_COLUMNS: Final = ", ".join(f"s.{name}" for name in _SESSION_FIELDS)
SET_COLUMNS: Final = ", ".join(_SET_FIELDS)
RATING_COLUMNS: Final = ", ".join(_RATING_FIELDS)
RATING_ORDER: Final = "side, CASE moment WHEN 'before' THEN 0 ELSE 1 END"
# Each is one primary-key (or covering-index) lookup per session.
_RATING_VALUES: Final = ", ".join(
    f"(SELECT value FROM ratings WHERE session_id = s.id AND side = '{side}' "
    f"AND moment = '{moment}')"
    for side in SIDE_VALUES
    for moment in ("before", "after")
)
_RELEASE_VALUES: Final = ", ".join(
    f"(SELECT min(released_breath) FROM sets WHERE session_id = s.id AND side = '{side}')"
    for side in SIDE_VALUES
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
    chosen = f"WHERE session_id IN (SELECT s.id FROM sessions s {clause})" if clause else ""
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
            )
        )
    return out


def select_progress(
    c: sqlite3.Connection, clause: str, params: list[object], tz: tzinfo | None
) -> list[ProgressSession]:
    """The sessions ``clause`` picks as progress sessions, each on its day in ``tz``."""
    out: list[ProgressSession] = []
    parse = from_db_time
    for started_at, tool_id, sides, lb, la, rb, ra, lr, rr, session_id in c.execute(
        f"SELECT s.started_at, s.tool_id, s.sides, {_RATING_VALUES}, "
        f"{_RELEASE_VALUES}, s.id FROM sessions s {clause} ORDER BY s.started_at, s.id",
        params,
    ):
        started = parse(started_at)
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
            ProgressSession(
                local_time(started, tz).date(), started, tool_id, left, right, session_id
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
    return [
        SessionSnapshot(s, tuple(sets.get(s.id, ())), tuple(ratings.get(s.id, ())))
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
    """Sets and ratings on their way into the log, written a thousand at a time."""

    SIZE: Final = 1000

    def __init__(self, c: sqlite3.Connection) -> None:
        self._c = c
        self._sets: list[tuple[object, ...]] = []
        self._ratings: list[tuple[object, ...]] = []
        self.sets = self.ratings = 0  # written or waiting

    def add(self, session_id: int, value: SetRow | Rating) -> None:
        if isinstance(value, SetRow):
            self._sets.append(_set_values(value, session_id, False))
            self.sets += 1
        else:
            self._ratings.append(_rating_values(value, session_id))
            self.ratings += 1
        if len(self._sets) + len(self._ratings) >= self.SIZE:
            self.flush()

    def flush(self) -> None:
        self._c.executemany(_INSERT_SET, self._sets)
        self._c.executemany(_INSERT_RATING, self._ratings)
        self._sets.clear()
        self._ratings.clear()


def insert_snapshot(c: sqlite3.Connection, snap: SessionSnapshot, *, keep_ids: bool) -> None:
    """Write a session with its sets and ratings; new ids unless ``keep_ids``."""
    session_id = insert_session(c, snap.session, keep_id=keep_ids)
    c.executemany(_INSERT_SET, [_set_values(t, session_id, keep_ids) for t in snap.sets])
    c.executemany(_INSERT_RATING, [_rating_values(r, session_id) for r in snap.ratings])


def merge_records(c: sqlite3.Connection, records: Iterable[ImportRecord]) -> MergeResult:
    """Write what an import streams past; the caller holds the transaction.

    A session whose uuid is already logged is skipped with everything of its
    own; a set or rating that comes before its session waits for it.
    """
    added = skipped = 0
    ids: dict[str, int | None] = {}  # uuid -> new id, or None when skipped
    waiting: dict[str, list[SetRow | Rating]] = {}
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
    return MergeResult(added, skipped, batch.sets, batch.ratings)
