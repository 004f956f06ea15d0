"""The stops' part of the log: each Stop pressed in a session, and why.

Mixed into :class:`psoas_timer.store.Store`, whose transaction and connection
it writes through.
"""

from __future__ import annotations

from datetime import datetime

from psoas_timer.core.i18n import N_
from psoas_timer.store.checks import stop_problems
from psoas_timer.store.inserts import insert_stop
from psoas_timer.store.log_part import LogPart, refuse
from psoas_timer.store.queries import STOP_COLUMNS, stop_of
from psoas_timer.store.records import StopLike, StopRow


class StopLog:
    """Recording and reading stops."""

    def record_stop(
        self: LogPart, session_id: int, stop: StopLike, recorded_at: datetime | None = None
    ) -> int:
        """Log a Stop and why, as the next stop of the session; return its id."""
        refuse(stop_problems(stop))
        when = self.now() if recorded_at is None else recorded_at
        with self.transaction(N_("save the stop")):
            refuse(stop_problems(stop, self._sides_of(session_id)))
            (seq,) = self._conn.execute(
                "SELECT coalesce(max(seq), 0) + 1 FROM stops WHERE session_id = ?", (session_id,)
            ).fetchone()
            row = StopRow(0, session_id, seq, stop.side, stop.level, stop.breath, stop.reason, when)
            return insert_stop(self._conn, row)

    def stops(self: LogPart, session_id: int) -> list[StopRow]:
        return self._read(
            lambda c: [
                stop_of(r)
                for r in c.execute(
                    f"SELECT {STOP_COLUMNS} FROM stops WHERE session_id = ? ORDER BY seq",
                    (session_id,),
                )
            ]
        )
