"""The session log: one SQLite file, written one event at a time.

Every set and every rating is committed in its own transaction the moment the
app reports it, in WAL mode with ``synchronous=FULL``, so a crash or a pulled
plug loses at most the event being written. A session the app never finished
stays ``running`` and is offered for recovery on the next start
(:meth:`Store.interrupted_sessions`).

What the store raises is described in :mod:`psoas_timer.store.errors`; how
times are stored, in :mod:`psoas_timer.store.records`.

A :class:`Store` belongs to the thread that opened it.
"""

from __future__ import annotations

import contextlib
import sqlite3
import uuid as uuid_module
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime, tzinfo
from pathlib import Path
from typing import TypeVar, cast

from psoas_timer.core.i18n import N_, _
from psoas_timer.core.progress import ProgressSession
from psoas_timer.core.vocab import (
    MOMENT_VALUES,
    SIDE_VALUES,
    SIDES_VALUES,
    STATUS_VALUES,
    Moment,
    SessionStatus,
    Side,
    Sides,
    sides_of,
)
from psoas_timer.store.backup import backup_if_due
from psoas_timer.store.checks import (
    NOTE_MAX,
    check_choice,
    check_text,
    rating_problem,
    set_problems,
)
from psoas_timer.store.errors import (
    CorruptDatabaseError,
    SessionNotFoundError,
    StoreError,
    is_corruption,
    write_error,
)
from psoas_timer.store.files import DEFAULT_BUSY_TIMEOUT_MS, open_database
from psoas_timer.store.inserts import insert_snapshot, merge_records
from psoas_timer.store.next_day_log import NextDayLog
from psoas_timer.store.queries import (
    RATING_COLUMNS,
    RATING_ORDER,
    SESSION_COLUMNS,
    SET_COLUMNS,
    rating_of,
    select_progress,
    select_snapshots,
    select_summaries,
    session_of,
    set_of,
    where_clause,
)
from psoas_timer.store.records import (
    ImportRecord,
    MergeResult,
    Rating,
    Session,
    SessionSnapshot,
    SessionSummary,
    SetLike,
    SetRow,
    from_db_time,
    local_time,
    to_db_time,
)
from psoas_timer.store.stop_log import StopLog

_T = TypeVar("_T")


class Store(NextDayLog, StopLog):
    """The session log. Open with :meth:`open`; close with :meth:`close` or ``with``."""

    def __init__(
        self,
        conn: sqlite3.Connection,
        path: Path,
        clock: Callable[[], datetime],
        notice: str | None = None,
    ) -> None:
        self._conn = conn
        self._path = path
        self._clock = clock
        self._depth = 0
        #: A sentence for the user about something set right while opening
        #: (a stray -wal set aside), or ``None``.
        self.notice = notice

    # -- life cycle

    @classmethod
    def open(
        cls,
        path: Path,
        *,
        clock: Callable[[], datetime] | None = None,
        busy_timeout_ms: int = DEFAULT_BUSY_TIMEOUT_MS,
    ) -> Store:
        """Open the log at ``path``, creating it (and its folders) if needed.

        ``busy_timeout_ms`` is how long a write waits while another process
        (an import from the command line, say) is writing: the event loop of
        a window is blocked that long, so the window passes a short wait and
        lets its save queue retry (``GUI_BUSY_TIMEOUT_MS``); the command line
        keeps the default. :attr:`notice` says whether anything was set right
        on the way. Raises :class:`NewerSchemaError` (file untouched),
        :class:`CorruptDatabaseError` (offer :func:`quarantine`),
        :class:`StoreWriteError` if an upgrade could not be written, or
        :class:`StoreError`.
        """
        path = Path(path)
        conn, notice = open_database(path, busy_timeout_ms=busy_timeout_ms)
        return cls(conn, path, clock or (lambda: datetime.now(UTC)), notice)

    @property
    def path(self) -> Path:
        return self._path

    def now(self) -> datetime:
        """The store's clock: what "now" is for the times it writes and checks."""
        return self._clock()

    def backup_if_due(self, now: datetime | None = None) -> Path | None:
        """After a completed session: back up unless done today (``now``'s zone, else local).

        Returns the new file or ``None``; never raises (:mod:`psoas_timer.store.backup`).
        """
        when = local_time(self._clock()) if now is None else now
        return backup_if_due(self._conn, self._path, when)

    def close(self) -> None:
        with contextlib.suppress(sqlite3.Error):
            self._conn.execute("PRAGMA optimize")
        self._conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- transactions

    @contextlib.contextmanager
    def transaction(self, action: str = N_("save to the log")) -> Iterator[None]:
        """One atomic write: commits at the end, rolls back on any error.

        A transaction opened inside another joins it, so callers may group
        several store calls into one commit. SQLite errors come out as
        :class:`StoreWriteError` (``action`` completes its "Could not …").
        """
        if self._depth:
            self._depth += 1
            try:
                yield
            finally:
                self._depth -= 1
            return
        self._depth = 1
        try:
            self._conn.execute("BEGIN IMMEDIATE")
            yield
            self._conn.execute("COMMIT")
        except sqlite3.Error as exc:
            self._rollback()
            if is_corruption(exc):
                raise CorruptDatabaseError(self._path, str(exc)) from exc
            raise write_error(exc, _(action)) from exc
        except BaseException:
            self._rollback()
            raise
        finally:
            self._depth = 0

    def _rollback(self) -> None:
        # The failure being reported matters more than a failing rollback,
        # and SQLite rolls back on its own when the connection goes.
        with contextlib.suppress(sqlite3.Error):
            if self._conn.in_transaction:
                self._conn.execute("ROLLBACK")

    def _read(self, fetch: Callable[[sqlite3.Connection], _T]) -> _T:
        try:
            return fetch(self._conn)
        except sqlite3.Error as exc:
            if is_corruption(exc):
                raise CorruptDatabaseError(self._path, str(exc)) from exc
            raise StoreError(_("Could not read the log: {error}.").format(error=exc)) from exc

    def _now(self, value: datetime | None) -> str:
        return to_db_time(self._clock() if value is None else value)

    def _sides_of(self, session_id: int) -> Sides:
        row = self._conn.execute(
            "SELECT sides FROM sessions WHERE id = ?", (session_id,)
        ).fetchone()
        if row is None:
            raise SessionNotFoundError(session_id)
        sides: Sides = row[0]
        return sides

    # -- writing events

    def start_session(
        self,
        tool_id: str,
        position_id: str,
        sides: Sides,
        started_at: datetime | None = None,
        *,
        uuid: str | None = None,
    ) -> int:
        """Log a new running session; return its id."""
        check_text("tool_id", tool_id, required=True)
        check_text("position_id", position_id, required=True)
        check_choice("sides", sides, SIDES_VALUES)
        key = str(uuid_module.UUID(uuid)) if uuid is not None else str(uuid_module.uuid4())
        started = self._now(started_at)
        with self.transaction(N_("start the session")):
            cur = self._conn.execute(
                "INSERT INTO sessions (uuid, started_at, tool_id, position_id, sides) "
                "VALUES (?, ?, ?, ?, ?)",
                (key, started, tool_id, position_id, sides),
            )
            return cast(int, cur.lastrowid)

    def record_set(
        self, session_id: int, record: SetLike, recorded_at: datetime | None = None
    ) -> int:
        """Log a finished set as the next in the session; return its id."""
        problems = set_problems(record)
        if problems:
            raise ValueError("; ".join(f"{name}: {why}" for name, why in problems))
        when = self._now(recorded_at)
        with self.transaction(N_("save the set")):
            sides = self._sides_of(session_id)
            problems = set_problems(record, sides)
            if problems:
                raise ValueError("; ".join(f"{name}: {why}" for name, why in problems))
            (seq,) = self._conn.execute(
                "SELECT coalesce(max(seq), 0) + 1 FROM sets WHERE session_id = ?", (session_id,)
            ).fetchone()
            cur = self._conn.execute(
                "INSERT INTO sets (session_id, seq, side, level, variant_name, breaths_planned, "
                "breaths_done, released_breath, released_at_s, duration_s, paused_s, outcome, "
                "recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    session_id,
                    seq,
                    record.side,
                    record.level,
                    record.variant_name,
                    record.breaths_planned,
                    record.breaths_done,
                    record.released_breath,
                    None if record.released_at_s is None else float(record.released_at_s),
                    float(record.duration_s),
                    float(record.paused_s),
                    record.outcome,
                    when,
                ),
            )
            return cast(int, cur.lastrowid)

    def record_rating(
        self,
        session_id: int,
        side: Side,
        moment: Moment,
        value: int,
        recorded_at: datetime | None = None,
    ) -> None:
        """Log a 0-10 tenderness rating; rating the same side and moment again replaces it."""
        problem = rating_problem(value)
        if problem:
            raise ValueError(f"value: {problem}")
        check_choice("side", side, SIDE_VALUES)
        check_choice("moment", moment, MOMENT_VALUES)
        when = self._now(recorded_at)
        with self.transaction(N_("save the rating")):
            sides = self._sides_of(session_id)
            if side not in sides_of(sides):
                raise ValueError(f"side: the session covers the {sides} side only, got {side!r}")
            self._conn.execute(
                "INSERT INTO ratings (session_id, side, moment, value, recorded_at) "
                "VALUES (?, ?, ?, ?, ?) ON CONFLICT (session_id, side, moment) "
                "DO UPDATE SET value = excluded.value, recorded_at = excluded.recorded_at",
                (session_id, side, moment, value, when),
            )

    def clear_rating(self, session_id: int, side: Side, moment: Moment) -> None:
        check_choice("side", side, SIDE_VALUES)
        check_choice("moment", moment, MOMENT_VALUES)
        with self.transaction(N_("clear the rating")):
            self._sides_of(session_id)
            self._conn.execute(
                "DELETE FROM ratings WHERE session_id = ? AND side = ? AND moment = ?",
                (session_id, side, moment),
            )

    def set_note(self, session_id: int, text: str) -> None:
        check_text("note", text, required=False, limit=NOTE_MAX)
        with self.transaction(N_("save the note")):
            cur = self._conn.execute(
                "UPDATE sessions SET note = ? WHERE id = ?", (text, session_id)
            )
            if cur.rowcount == 0:
                raise SessionNotFoundError(session_id)

    def finish_session(
        self, session_id: int, status: SessionStatus, ended_at: datetime | None = None
    ) -> None:
        """Close a session as completed, ended early or interrupted."""
        check_choice("status", status, [s for s in STATUS_VALUES if s != "running"])
        when = self._now(ended_at)
        with self.transaction(N_("finish the session")):
            # max(): a clock stepped back between start and end must not make
            # the end unsaveable.
            cur = self._conn.execute(
                "UPDATE sessions SET status = ?, ended_at = max(?, started_at) WHERE id = ?",
                (status, when, session_id),
            )
            if cur.rowcount == 0:
                raise SessionNotFoundError(session_id)

    def interrupted_sessions(self) -> list[Session]:
        """Sessions still marked running: the app stopped during them."""
        return self._read(
            lambda c: [
                session_of(r)
                for r in c.execute(
                    f"SELECT {SESSION_COLUMNS} FROM sessions s WHERE status = 'running' "
                    "ORDER BY started_at, id",
                )
            ]
        )

    def last_activity(self, session_id: int) -> datetime:
        """When anything was last logged for the session (its start if nothing since)."""
        row = self._read(
            lambda c: c.execute(
                "SELECT max(s.started_at, coalesce((SELECT max(recorded_at) FROM sets "
                "WHERE session_id = s.id), ''), coalesce((SELECT max(recorded_at) FROM ratings "
                "WHERE session_id = s.id), '')) FROM sessions s WHERE s.id = ?",
                (session_id,),
            ).fetchone()
        )
        if row is None:
            raise SessionNotFoundError(session_id)
        return from_db_time(row[0])

    def mark_interrupted(self, session_id: int) -> None:
        """Close a session the app lost, ending it at its last logged event."""
        with self.transaction(N_("mark the session interrupted")):
            ended = to_db_time(self.last_activity(session_id))
            self._conn.execute(
                "UPDATE sessions SET status = 'interrupted', ended_at = ? WHERE id = ?",
                (ended, session_id),
            )

    # -- reading

    def session(self, session_id: int) -> Session:
        row = self._read(
            lambda c: c.execute(
                f"SELECT {SESSION_COLUMNS} FROM sessions s WHERE id = ?", (session_id,)
            ).fetchone()
        )
        if row is None:
            raise SessionNotFoundError(session_id)
        return session_of(row)

    def sets(self, session_id: int) -> list[SetRow]:
        return self._read(
            lambda c: [
                set_of(r)
                for r in c.execute(
                    f"SELECT {SET_COLUMNS} FROM sets WHERE session_id = ? ORDER BY seq",
                    (session_id,),
                )
            ]
        )

    def ratings(self, session_id: int) -> list[Rating]:
        return self._read(
            lambda c: [
                rating_of(r)
                for r in c.execute(
                    f"SELECT {RATING_COLUMNS} FROM ratings "
                    f"WHERE session_id = ? ORDER BY {RATING_ORDER}",
                    (session_id,),
                )
            ]
        )

    def snapshot(self, session_id: int) -> SessionSnapshot:
        return SessionSnapshot(
            self.session(session_id),
            tuple(self.sets(session_id)),
            tuple(self.ratings(session_id)),
            self.next_day_check(session_id),
            tuple(self.stops(session_id)),
        )

    def snapshots(self) -> list[SessionSnapshot]:
        """Every session with its sets, ratings and stops, oldest first (ties by uuid)."""
        return self._read(select_snapshots)

    def sessions(
        self,
        tool_id: str | None = None,
        side: Side | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
    ) -> list[SessionSummary]:
        """Session summaries, oldest first, for the history page.

        ``side`` keeps sessions that include that side; ``since`` is inclusive
        and ``until`` exclusive.
        """
        clause, params = where_clause(tool_id, side, since, until)
        return self._read(lambda c: select_summaries(c, clause, params))

    def progress_sessions(
        self,
        tool_id: str | None = None,
        since: datetime | None = None,
        tz: tzinfo | None = None,
    ) -> list[ProgressSession]:
        """The sessions, oldest first, in the form :mod:`psoas_timer.core.progress` works on.

        Each session is placed on its calendar day in ``tz`` (the computer's
        local zone when ``None``). This is the progress page's query: it reads
        only what the charts need, so ten years of daily sessions load in a
        few tens of milliseconds.
        """
        clause, params = where_clause(tool_id, None, since, None)
        return self._read(lambda c: select_progress(c, clause, params, tz))

    # -- delete, undo, import

    def delete_session(self, session_id: int) -> SessionSnapshot:
        """Delete a session with everything logged in it; the snapshot undoes it."""
        with self.transaction(N_("delete the session")):
            snap = self.snapshot(session_id)
            self._conn.execute("DELETE FROM sessions WHERE id = ?", (session_id,))
        return snap

    def restore_session(self, snapshot: SessionSnapshot) -> None:
        """Put a deleted session back exactly as it was, ids included."""
        with self.transaction(N_("restore the session")):
            s = snapshot.session
            clash = self._conn.execute(
                "SELECT 1 FROM sessions WHERE id = ? OR uuid = ?", (s.id, s.uuid)
            ).fetchone()
            if clash:
                raise StoreError(_("That session is already in the log; it was not restored."))
            insert_snapshot(self._conn, snapshot, keep_ids=True)

    def merge_snapshots(self, snapshots: Iterable[SessionSnapshot]) -> MergeResult:
        """Add sessions in one transaction, skipping any whose uuid is already logged.

        Ids in the snapshots are ignored; new ones are assigned.
        """

        def flat() -> Iterator[ImportRecord]:
            for snap in snapshots:
                yield snap.session
                check = () if snap.next_day is None else (snap.next_day,)
                for child in (*snap.sets, *snap.ratings, *check, *snap.stops):
                    yield snap.session.uuid, child

        return self.merge_records(flat())

    def merge_records(self, records: Iterable[ImportRecord]) -> MergeResult:
        """Add what an import file holds, as it streams past, in one transaction.

        ``records`` are sessions and ``(session uuid, set, rating, check or stop)``
        pairs; a pair may come before its session. A session whose uuid is already
        logged is skipped with everything of its own. New ids are assigned.
        Any exception from ``records`` rolls the whole import back.
        """
        with self.transaction(N_("import the sessions")):
            return merge_records(self._conn, records)
