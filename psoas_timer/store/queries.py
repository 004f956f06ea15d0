"""The SQL behind the store's reads, and rows made back into records.

The field names of :class:`Session`, :class:`SetRow`, :class:`Rating`,
:class:`NextDayCheck` and :class:`StopRow` are their tables' column names.
Every query that reads or writes whole records (the writes are in
:mod:`psoas_timer.store.inserts`) lists its columns from those fields, so a
row arrives in field order by construction and becomes its record without
reading any column by hand.
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

from psoas_timer.core.next_day import LastSession
from psoas_timer.core.progress import ProgressSession, SideResult
from psoas_timer.core.vocab import SIDE_VALUES, Side
from psoas_timer.store.checks import check_choice
from psoas_timer.store.records import (
    EMPTY_SIDE,
    NextDayCheck,
    Rating,
    Session,
    SessionSnapshot,
    SessionSummary,
    SetRow,
    SideSummary,
    StopRow,
    from_db_time,
    local_time,
    to_db_time,
)

SESSION_FIELDS: Final = tuple(f.name for f in fields(Session))
SET_FIELDS: Final = tuple(f.name for f in fields(SetRow))
RATING_FIELDS: Final = tuple(f.name for f in fields(Rating))
NEXT_DAY_FIELDS: Final = tuple(f.name for f in fields(NextDayCheck))
STOP_FIELDS: Final = tuple(f.name for f in fields(StopRow))

SESSION_COLUMNS: Final = ", ".join(f"s.{name}" for name in SESSION_FIELDS)
SET_COLUMNS: Final = ", ".join(SET_FIELDS)
RATING_COLUMNS: Final = ", ".join(RATING_FIELDS)
STOP_COLUMNS: Final = ", ".join(STOP_FIELDS)
RATING_ORDER: Final = "side, CASE moment WHEN 'before' THEN 0 ELSE 1 END"
NEXT_DAY_COLUMNS: Final = ", ".join(NEXT_DAY_FIELDS)
# Each is one primary-key (or covering-index) lookup per session.
_RATING_VALUES: Final = ", ".join(
    f"(SELECT value FROM ratings WHERE session_id = s.id AND side = '{side}' "
    f"AND moment = '{moment}')"
    for side in SIDE_VALUES
    for moment in ("before", "after")
)
_TIME_COLUMNS: Final = ("started_at", "ended_at", "recorded_at")

_R = TypeVar("_R")


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
session_of: Final = _record_maker(Session, SESSION_FIELDS)
#: A row of ``SET_COLUMNS`` as a :class:`SetRow`.
set_of: Final = _record_maker(SetRow, SET_FIELDS)
#: A row of ``RATING_COLUMNS`` as a :class:`Rating`.
rating_of: Final = _record_maker(Rating, RATING_FIELDS)
#: A row of ``STOP_COLUMNS`` as a :class:`StopRow`.
stop_of: Final = _record_maker(StopRow, STOP_FIELDS)


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
    stops: dict[int, list[Any]] = {}
    for session_id, reason in c.execute(
        f"SELECT session_id, reason FROM stops {chosen} ORDER BY session_id, seq", params
    ):
        stops.setdefault(session_id, []).append(reason)
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
                tuple(stops.get(session_id, ())),
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
    stops: dict[int, list[tuple[str, str]]] = {}
    for session_id, side, reason in c.execute(
        f"SELECT session_id, side, reason FROM stops {chosen} ORDER BY session_id, seq", params
    ):
        stops.setdefault(session_id, []).append((side, reason))
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
                    tuple(stops.get(session_id, ())),
                ),
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
    checks = select_next_day(c)
    stops: dict[int, list[StopRow]] = {}
    for r in c.execute(f"SELECT {STOP_COLUMNS} FROM stops ORDER BY session_id, seq"):
        stop = stop_of(r)
        stops.setdefault(stop.session_id, []).append(stop)
    return [
        SessionSnapshot(
            s,
            tuple(sets.get(s.id, ())),
            tuple(ratings.get(s.id, ())),
            checks.get(s.id),
            tuple(stops.get(s.id, ())),
        )
        for s in sessions
    ]
