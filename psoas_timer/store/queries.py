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
from collections.abc import Callable, Sequence
from dataclasses import fields
from datetime import datetime, tzinfo
from typing import Any, Final, TypeVar

from psoas_timer.core.progress import ProgressSession, SideResult
from psoas_timer.core.vocab import SIDE_VALUES, Side
from psoas_timer.store.checks import check_choice
from psoas_timer.store.records import (
    EMPTY_SIDE,
    Rating,
    Session,
    SessionSnapshot,
    SessionSummary,
    SetRow,
    SideSummary,
    StopRow,
    from_db_time,
    to_db_time,
)

_SESSION_FIELDS: Final = tuple(f.name for f in fields(Session))
_SET_FIELDS: Final = tuple(f.name for f in fields(SetRow))
_RATING_FIELDS: Final = tuple(f.name for f in fields(Rating))
_STOP_FIELDS: Final = tuple(f.name for f in fields(StopRow))

SESSION_COLUMNS: Final = ", ".join(f"s.{name}" for name in _SESSION_FIELDS)
SET_COLUMNS: Final = ", ".join(_SET_FIELDS)
RATING_COLUMNS: Final = ", ".join(_RATING_FIELDS)
STOP_COLUMNS: Final = ", ".join(_STOP_FIELDS)
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
#: A row of ``STOP_COLUMNS`` as a :class:`StopRow`.
stop_of: Final = _record_maker(StopRow, _STOP_FIELDS)


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
    stops: dict[int, list[Any]] = {}
    for session_id, reason in c.execute(
        f"SELECT session_id, reason FROM stops {chosen} ORDER BY session_id, seq", params
    ):
        stops.setdefault(session_id, []).append(reason)
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
                tuple(stops.get(session_id, ())),
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
                started.astimezone(tz).date(), started, tool_id, left, right, session_id
            )
        )
    return out


def select_snapshots(c: sqlite3.Connection) -> list[SessionSnapshot]:
    """Every session with its sets, ratings and stops, oldest first (ties by uuid)."""
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
    stops: dict[int, list[StopRow]] = {}
    for r in c.execute(f"SELECT {STOP_COLUMNS} FROM stops ORDER BY session_id, seq"):
        stop = stop_of(r)
        stops.setdefault(stop.session_id, []).append(stop)
    return [
        SessionSnapshot(
            s,
            tuple(sets.get(s.id, ())),
            tuple(ratings.get(s.id, ())),
            tuple(stops.get(s.id, ())),
        )
        for s in sessions
    ]


def insert_snapshot(c: sqlite3.Connection, snap: SessionSnapshot, *, keep_ids: bool) -> None:
    """Write a session with its sets, ratings and stops; new ids unless ``keep_ids``."""
    s = snap.session
    cur = c.execute(
        _insert_into("sessions", _SESSION_FIELDS),
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
    session_id = cur.lastrowid
    c.executemany(
        _insert_into("sets", _SET_FIELDS),
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
    c.executemany(
        _insert_into("ratings", _RATING_FIELDS),
        [(session_id, r.side, r.moment, r.value, to_db_time(r.recorded_at)) for r in snap.ratings],
    )
    c.executemany(
        _insert_into("stops", _STOP_FIELDS),
        [
            (
                t.id if keep_ids else None,
                session_id,
                t.seq,
                t.side,
                t.level,
                t.breath,
                t.reason,
                to_db_time(t.recorded_at),
            )
            for t in snap.stops
        ],
    )
