"""The next-day check's part of the log: at most one check a session.

When to ask is :mod:`psoas_timer.core.next_day`'s to say; this keeps the
answers. Mixed into :class:`psoas_timer.store.Store`, whose transaction and
connection it writes through.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import datetime
from typing import Protocol, TypeVar

from psoas_timer.core.next_day import LastSession
from psoas_timer.core.vocab import NextDay, Sides
from psoas_timer.store.checks import next_day_problems
from psoas_timer.store.inserts import insert_next_day
from psoas_timer.store.queries import select_last_finished, select_next_day
from psoas_timer.store.records import NextDayCheck

_T = TypeVar("_T")


class _Log(Protocol):
    _conn: sqlite3.Connection

    def now(self) -> datetime: ...
    def transaction(self, action: str = ...) -> AbstractContextManager[None]: ...
    def _read(self, fetch: Callable[[sqlite3.Connection], _T]) -> _T: ...
    def _sides_of(self, session_id: int) -> Sides: ...


class NextDayLog:
    """Recording and reading next-day checks."""

    def record_next_day(
        self: _Log,
        session_id: int,
        feeling: NextDay | None,
        lasting_soreness: bool | None,
        recorded_at: datetime | None = None,
    ) -> None:
        """Store the next-day check of a session, replacing any it had.

        Both answers ``None`` records that the person chose not to be asked
        about this session; otherwise both are given.
        """
        problems = next_day_problems(feeling, lasting_soreness)
        if problems:
            raise ValueError("; ".join(f"{name}: {why}" for name, why in problems))
        when = self.now() if recorded_at is None else recorded_at
        check = NextDayCheck(session_id, feeling, lasting_soreness, when)
        with self.transaction("save the next-day check"):
            self._sides_of(session_id)
            insert_next_day(self._conn, session_id, check)

    def next_day_check(self: _Log, session_id: int) -> NextDayCheck | None:
        checks = self._read(lambda c: select_next_day(c, "WHERE s.id = ?", [session_id]))
        return checks.get(session_id)

    def last_finished_session(self: _Log) -> LastSession | None:
        """The session that started last among those no longer running."""
        return self._read(select_last_finished)
