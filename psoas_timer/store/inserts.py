"""The SQL behind the store's bulk writes: a session put back whole, and an import.

Each statement lists its columns from the fields of the record it writes
(:mod:`psoas_timer.store.queries` names them), so values go in field order.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from typing import Final, cast

from psoas_timer.core.i18n import _
from psoas_timer.store.errors import StoreError
from psoas_timer.store.queries import (
    NEXT_DAY_FIELDS,
    RATING_FIELDS,
    SESSION_FIELDS,
    SET_FIELDS,
    STOP_FIELDS,
)
from psoas_timer.store.records import (
    ImportRecord,
    MergeResult,
    NextDayCheck,
    Rating,
    Session,
    SessionSnapshot,
    SetRow,
    StopRow,
    to_db_time,
)


def _insert_into(table: str, columns: Sequence[str]) -> str:
    return f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"


_INSERT_SESSION: Final = _insert_into("sessions", SESSION_FIELDS)
_INSERT_SET: Final = _insert_into("sets", SET_FIELDS)
_INSERT_RATING: Final = _insert_into("ratings", RATING_FIELDS)
_INSERT_STOP: Final = _insert_into("stops", STOP_FIELDS)
# A session has at most one check; a later answer replaces the earlier.
_PUT_NEXT_DAY: Final = _insert_into("next_day_checks", NEXT_DAY_FIELDS).replace(
    "INSERT", "INSERT OR REPLACE", 1
)


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


def _stop_values(t: StopRow, session_id: int, keep_id: bool) -> tuple[object, ...]:
    return (
        t.id if keep_id else None,
        session_id,
        t.seq,
        t.side,
        t.level,
        t.breath,
        t.reason,
        to_db_time(t.recorded_at),
    )


def insert_stop(c: sqlite3.Connection, stop: StopRow) -> int:
    """Write one stop under its own session id and seq (a new row id); return that id."""
    cur = c.execute(_INSERT_STOP, _stop_values(stop, stop.session_id, False))
    return cast(int, cur.lastrowid)


class ChildBatch:
    """Sets, ratings, stops and next-day checks on their way into the log, a thousand at a time."""

    SIZE: Final = 1000

    def __init__(self, c: sqlite3.Connection) -> None:
        self._c = c
        self._sets: list[tuple[object, ...]] = []
        self._ratings: list[tuple[object, ...]] = []
        self._stops: list[tuple[object, ...]] = []
        self.sets = self.ratings = self.checks = self.stops = 0  # written or waiting

    def add(self, session_id: int, value: SetRow | Rating | NextDayCheck | StopRow) -> None:
        if isinstance(value, SetRow):
            self._sets.append(_set_values(value, session_id, False))
            self.sets += 1
        elif isinstance(value, Rating):
            self._ratings.append(_rating_values(value, session_id))
            self.ratings += 1
        elif isinstance(value, StopRow):
            self._stops.append(_stop_values(value, session_id, False))
            self.stops += 1
        else:
            # At most one a session: not worth a batch of their own.
            insert_next_day(self._c, session_id, value)
            self.checks += 1
        if len(self._sets) + len(self._ratings) + len(self._stops) >= self.SIZE:
            self.flush()

    def flush(self) -> None:
        self._c.executemany(_INSERT_SET, self._sets)
        self._c.executemany(_INSERT_RATING, self._ratings)
        self._c.executemany(_INSERT_STOP, self._stops)
        self._sets.clear()
        self._ratings.clear()
        self._stops.clear()


def insert_snapshot(c: sqlite3.Connection, snap: SessionSnapshot, *, keep_ids: bool) -> None:
    """Write a session with everything logged in it; new ids unless ``keep_ids``."""
    session_id = insert_session(c, snap.session, keep_id=keep_ids)
    c.executemany(_INSERT_SET, [_set_values(t, session_id, keep_ids) for t in snap.sets])
    c.executemany(_INSERT_RATING, [_rating_values(r, session_id) for r in snap.ratings])
    if snap.next_day is not None:
        insert_next_day(c, session_id, snap.next_day)
    c.executemany(_INSERT_STOP, [_stop_values(t, session_id, keep_ids) for t in snap.stops])


def merge_records(c: sqlite3.Connection, records: Iterable[ImportRecord]) -> MergeResult:
    """Write what an import streams past; the caller holds the transaction.

    A session whose uuid is already logged is skipped with everything of its
    own; a set, rating, stop or check that comes before its session waits for it.
    """
    added = skipped = 0
    ids: dict[str, int | None] = {}  # uuid -> new id, or None when skipped
    waiting: dict[str, list[SetRow | Rating | NextDayCheck | StopRow]] = {}
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
            _(
                "Could not import: {n} sets and ratings name a "
                "session that is not there. Nothing was imported."
            ).format(n=sum(map(len, waiting.values())))
        )
    return MergeResult(added, skipped, batch.sets, batch.ratings, batch.checks, batch.stops)


def insert_next_day(c: sqlite3.Connection, session_id: object, check: NextDayCheck) -> None:
    """Store a session's next-day check, replacing any it had."""
    sore = check.lasting_soreness
    c.execute(
        _PUT_NEXT_DAY,
        (
            session_id,
            check.feeling,
            None if sore is None else int(sore),
            to_db_time(check.recorded_at),
        ),
    )
