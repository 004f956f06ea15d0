"""The next-day check's part of the log: at most one check a session.

When to ask is :mod:`psoas_timer.core.next_day`'s to say; this keeps the
answers. Mixed into :class:`psoas_timer.store.Store`, whose transaction and
connection it writes through.
"""

from __future__ import annotations

from datetime import datetime

from psoas_timer.core.i18n import N_
from psoas_timer.core.next_day import LastSession
from psoas_timer.core.vocab import NextDay
from psoas_timer.store.checks import next_day_problems
from psoas_timer.store.inserts import insert_next_day
from psoas_timer.store.log_part import LogPart, refuse
from psoas_timer.store.queries import select_last_finished, select_next_day
from psoas_timer.store.records import NextDayCheck


class NextDayLog:
    """Recording and reading next-day checks."""

    def record_next_day(
        self: LogPart,
        session_id: int,
        feeling: NextDay | None,
        lasting_soreness: bool | None,
        recorded_at: datetime | None = None,
    ) -> None:
        """Store the next-day check of a session, replacing any it had.

        Both answers ``None`` records that the person chose not to be asked
        about this session; otherwise both are given.
        """
        refuse(next_day_problems(feeling, lasting_soreness))
        when = self.now() if recorded_at is None else recorded_at
        check = NextDayCheck(session_id, feeling, lasting_soreness, when)
        with self.transaction(N_("save the next-day check")):
            self._sides_of(session_id)
            insert_next_day(self._conn, session_id, check)

    def next_day_check(self: LogPart, session_id: int) -> NextDayCheck | None:
        checks = self._read(lambda c: select_next_day(c, "WHERE s.id = ?", [session_id]))
        return checks.get(session_id)

    def last_finished_session(self: LogPart) -> LastSession | None:
        """The session that started last among those no longer running."""
        return self._read(select_last_finished)
