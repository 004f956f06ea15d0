"""One owner for every write to the log, and the promise that nothing is dropped.

Session events (sets, ratings, stops, the end), rating and note edits,
deletions and their undo, the choices made for an unfinished session, and
imports all go through :class:`SaveQueue`, which writes them one at a time in
the order they were made. A write that the disk refuses (full, read-only, or
the log could not be opened at all) has rolled back, so the log is exactly as
it was: the change stays in memory, in order, and is tried again when the
injected :class:`RetryTimer` fires. Nothing is reported as saved until its
transaction has committed.

Each session's writes are tied to that session: a set still waiting from an
earlier session lands on that session's row once its start is written, never
on a later one.

Errors are sorted three ways. A :class:`~psoas_timer.store.StoreError` from the
environment keeps the change and retries it. One that no retry can cure (the
session was deleted meanwhile, an import file is wrong) drops that change and
says why. Anything else is a bug: that change is dropped, the rest are still
written, and the exception is raised afterwards so it is seen.

Changes a stop kept in the journal (:mod:`psoas_timer.store.journal`) come
back at the next start through :meth:`SaveQueue.replay`, in their order.

This module is Qt-free; :mod:`psoas_timer.services.saving` adapts it to Qt.
"""

from __future__ import annotations

import logging
import uuid as uuid_module
from collections import deque
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, Protocol

from psoas_timer.core.clock import WallClock
from psoas_timer.core.engine import SessionEngine
from psoas_timer.core.events import Event, RatingGiven, SessionFinished, SetFinished, StopRecorded
from psoas_timer.core.i18n import N_, _, ngettext
from psoas_timer.store import (
    ImportFileError,
    Moment,
    NextDay,
    SessionNotFoundError,
    Side,
    Store,
    StoreError,
    StoreWriteError,
)
from psoas_timer.store.changes import (
    Deletion,
    LogUnavailableError,
    Outcome,
    PendingChange,
    SavedItem,
    SessionRef,
    WriteRefusedError,
    file_imported,
    next_day_answered,
    note_edited,
    rating_edited,
    rating_given,
    session_deleted,
    session_ended,
    session_restored,
    session_started,
    set_finished,
    stop_recorded,
    unfinished_closed,
)

__all__ = [
    "Deletion",
    "FailureReason",
    "LogUnavailableError",
    "Outcome",
    "PendingChange",
    "RetryTimer",
    "SaveFailure",
    "SaveQueue",
    "SavedItem",
    "Submitted",
    "UnavailableStore",
    "pending_message",
]

log = logging.getLogger(__name__)

FailureReason = Literal["full", "readonly", "other", "unavailable"]


class UnavailableStore:
    """Stands in for the log when it could not be opened at start-up.

    Every read and write through a :class:`SaveQueue` holding it raises
    :class:`LogUnavailableError` with the start-up message, so screens show
    that message through the error handling they already have, and changes
    made meanwhile are kept in memory (and can be saved to a file on quitting).
    """

    def __init__(self, message: str) -> None:
        self.message = message

    def error(self) -> LogUnavailableError:
        return LogUnavailableError(self.message)

    def close(self) -> None:
        """Nothing is open."""


@dataclass(frozen=True, slots=True)
class Submitted:
    """What became of one change when it was handed over."""

    outcome: Outcome
    saved: SavedItem | None = None  # when SAVED
    refusal: str | None = None  # when REFUSED: why, fit for the user


_ADVICE: dict[FailureReason, str] = {
    "full": N_("the disk is full: free some space and it will be saved."),
    "readonly": N_("the data folder is read-only: make it writable and it will be saved."),
    "other": N_("it will be saved as soon as writing works again."),
    "unavailable": N_(
        "the log could not be opened when the app started, so it cannot be "
        "saved there. When you quit you can save it to a file."
    ),
}


@dataclass(frozen=True, slots=True)
class SaveFailure:
    """Why the oldest waiting change could not be written, the last time it was tried."""

    reason: FailureReason
    detail: str  # the store's own sentence

    @property
    def advice(self) -> str:
        return _(_ADVICE[self.reason])


def pending_message(count: int, failure: SaveFailure | None) -> str:
    """The lasting line shown while anything waits: how many, and what to do."""
    advice = failure.advice if failure is not None else _(_ADVICE["other"])
    return _("Not saved yet ({count} pending) — kept in memory; {advice}").format(
        count=count, advice=advice
    )


def _failure_of(exc: StoreError) -> SaveFailure | None:
    """How to treat a refused write; ``None`` when no retry could ever write it."""
    if isinstance(exc, WriteRefusedError | SessionNotFoundError | ImportFileError):
        return None
    if isinstance(exc, LogUnavailableError):
        return SaveFailure("unavailable", str(exc))
    if isinstance(exc, StoreWriteError):
        return SaveFailure(exc.reason, str(exc))
    # Anything else rolled back too (a read inside the write failed, the file
    # turned out damaged): keep the change rather than lose it.
    return SaveFailure("other", str(exc))


class RetryTimer(Protocol):
    """Calls :meth:`SaveQueue.flush` later, again and again, until stopped."""

    def start(self) -> None: ...

    def stop(self) -> None: ...


class SaveQueue:
    """Writes changes to the log in order; keeps and retries what the disk refuses.

    Callbacks (all optional) report what happened: ``on_saved`` once per
    committed change; ``on_failed`` when writing starts to fail (once, until it
    works again); ``on_recovered`` when everything waiting has been written;
    ``on_refused`` when a change is dropped for good after it was handed over;
    ``on_pending`` whenever the number waiting or the reason changes; and
    ``on_changed`` once after any run of writes that committed something.
    """

    def __init__(
        self,
        store: Store | UnavailableStore,
        wall: WallClock,
        retry: RetryTimer,
        *,
        on_saved: Callable[[SavedItem], None] | None = None,
        on_failed: Callable[[SaveFailure], None] | None = None,
        on_recovered: Callable[[], None] | None = None,
        on_refused: Callable[[str, str], None] | None = None,
        on_pending: Callable[[int, SaveFailure | None], None] | None = None,
        on_changed: Callable[[], None] | None = None,
    ) -> None:
        self.store = store
        self._wall = wall
        self._retry = retry
        self._on_saved = on_saved or (lambda item: None)
        self._on_failed = on_failed or (lambda failure: None)
        self._on_recovered = on_recovered or (lambda: None)
        self._on_refused = on_refused or (lambda what, why: None)
        self._on_pending = on_pending or (lambda count, failure: None)
        self._on_changed = on_changed or (lambda: None)
        self._items: deque[PendingChange] = deque()
        self._failure: SaveFailure | None = None
        self._reported: tuple[int, SaveFailure | None] = (0, None)
        self._session: SessionRef | None = None
        self._flushing = False
        self._handing_over: PendingChange | None = None
        self._swaps = 0  # how many times the log was swapped for another

    # -- state

    @property
    def wall(self) -> WallClock:
        """The clock every change is stamped with when it is made."""
        return self._wall

    @property
    def pending(self) -> int:
        return len(self._items)

    @property
    def failure(self) -> SaveFailure | None:
        """Why writing fails, while anything is waiting; ``None`` otherwise."""
        return self._failure

    @property
    def session_id(self) -> int | None:
        """The row id of the latest session, once its start has been written."""
        return self._session.id if self._session is not None else None

    def pending_changes(self) -> tuple[PendingChange, ...]:
        return tuple(self._items)

    def readable(self) -> Store:
        """The log for reading; raises :class:`LogUnavailableError` when there is none."""
        if isinstance(self.store, UnavailableStore):
            raise self.store.error()
        return self.store

    # -- session events

    def attach(self, engine: SessionEngine) -> None:
        """Log a new session and, from now on, each of its events as it happens."""
        plan = engine.plan
        ref = SessionRef(
            str(uuid_module.uuid4()), plan.tool.id, plan.position.id, plan.sides, self._wall()
        )
        self._session = ref
        self._submit(session_started(ref))
        log_now = self._swaps
        engine.subscribe(lambda event: self._on_event(ref, event, log_now))

    def _on_event(self, ref: SessionRef, event: Event, log_then: int) -> None:
        if isinstance(event, SetFinished):
            change = set_finished(ref, event.result, self._wall())
        elif isinstance(event, RatingGiven):
            change = rating_given(ref, event.side, event.moment, event.value, self._wall())
        elif isinstance(event, StopRecorded):
            change = stop_recorded(ref, event.stop, self._wall())
        elif isinstance(event, SessionFinished):
            change = session_ended(ref, event.completed, self._wall())
        else:
            return
        if log_then != self._swaps:
            # Its session's id is a row of the log that was swapped out; in this
            # one that id is some other session, or none.
            self._refuse(change, _("Its session belongs to the log that was replaced."))
            return
        self._submit(change)

    # -- changes made later

    def set_rating(
        self, session_id: int, side: Side, moment: Moment, value: int | None
    ) -> Submitted:
        """Change one rating of a logged session; ``None`` clears it."""
        return self._submit(rating_edited(session_id, side, moment, value, self._wall()))

    def set_note(self, session_id: int, text: str) -> Submitted:
        return self._submit(note_edited(session_id, text))

    def record_next_day(
        self, session_id: int, feeling: NextDay | None, lasting_soreness: bool | None
    ) -> Submitted:
        """The next-day check of a logged session; no answers: don't ask again."""
        return self._submit(next_day_answered(session_id, feeling, lasting_soreness, self._wall()))

    def close_unfinished(
        self, session_id: int, ratings: Mapping[tuple[Side, Moment], int | None]
    ) -> Submitted:
        """Save the ratings given for a session the app lost, and close it, in one go."""
        return self._submit(unfinished_closed(session_id, ratings, self._wall()))

    def delete_session(self, session_id: int, label: str) -> tuple[Submitted, Deletion]:
        """Delete a session; the :class:`Deletion` undoes it (see :meth:`restore_session`)."""
        change, deletion = session_deleted(session_id, label)
        return self._submit(change), deletion

    def restore_session(self, deletion: Deletion) -> Submitted:
        """Put a deleted session back as it was; it follows its deletion in the queue."""
        return self._submit(session_restored(deletion))

    def import_file(self, path: Path) -> Submitted:
        """Import an export file now, or not at all (the file stays to be imported later)."""
        return self._submit(file_imported(path))

    def replay(self, changes: Iterable[PendingChange]) -> None:
        """Hand over changes kept from an earlier run, oldest first, and write what the log takes.

        What each became is in its ``outcome``; what the log refuses waits like any other change.
        """
        self._items.extend(changes)
        try:
            self.flush()
        finally:
            self._report_pending()

    def swap_store(self, store: Store | UnavailableStore) -> Store | UnavailableStore:
        """Write to ``store`` from now on (a backup was restored); return the log let go.

        Only with nothing waiting: a waiting change was made against the old
        log, and its session ids mean nothing in another.
        """
        if self._items or self._flushing:
            raise RuntimeError("the log cannot be swapped while changes wait to be saved")
        old, self.store = self.store, store
        # Sessions started until now belong to the old log.
        self._session = None
        self._swaps += 1
        self._failure = None
        self._retry.stop()
        self._report_pending()
        self._on_changed()
        return old

    # -- writing

    def _submit(self, change: PendingChange) -> Submitted:
        # What becomes of this change is returned to the caller, not reported.
        self._handing_over = change
        try:
            if not change.may_wait and self._items:
                self.flush()
                if self._items:
                    waiting = len(self._items)
                    return self._refuse(
                        change,
                        ngettext(
                            "{n} earlier change is still waiting to be saved; try again "
                            "once everything is saved.",
                            "{n} earlier changes are still waiting to be saved; try again "
                            "once everything is saved.",
                            waiting,
                        ).format(n=waiting),
                    )
            self._items.append(change)
            self.flush()
        finally:
            self._handing_over = None
            self._report_pending()
        return Submitted(change.outcome, change.saved, change.refusal)

    def _refuse(self, change: PendingChange, why: str) -> Submitted:
        change.outcome = Outcome.REFUSED
        change.refusal = why
        log.warning("not saved, and dropped (%s): %s", change.what, why)
        if change is not self._handing_over:
            self._on_refused(change.what, why)
        return Submitted(Outcome.REFUSED, None, why)

    def flush(self) -> None:
        """Write everything waiting, oldest first, until the log refuses one."""
        if self._flushing:
            return  # called back from a callback: the running flush carries on
        self._flushing = True
        committed = 0
        bug: Exception | None = None
        try:
            while self._items:
                change = self._items[0]
                try:
                    saved = change.write(self._writable())
                except StoreError as exc:
                    failure = _failure_of(exc)
                    if failure is not None and change.may_wait:
                        log.warning("could not save (%s): %s", change.what, exc)
                        self._failing(failure)
                        break
                    self._items.popleft()
                    self._refuse(change, str(exc))
                    continue
                except Exception as exc:  # a bug: write the rest first, then let it be seen
                    self._items.popleft()
                    change.outcome = Outcome.REFUSED
                    log.exception("not saved because of a fault (%s)", change.what)
                    bug = bug or exc
                    continue
                self._items.popleft()
                change.outcome = Outcome.SAVED
                change.saved = saved
                committed += 1
                self._report_pending()
                self._on_saved(saved)
            else:
                self._retry.stop()
                if self._failure is not None:
                    self._failure = None
                    self._report_pending()
                    self._on_recovered()
        finally:
            self._flushing = False
            self._report_pending()
            if committed:
                self._on_changed()
        if bug is not None:
            raise bug

    def _writable(self) -> Store:
        return self.readable()

    def _failing(self, failure: SaveFailure) -> None:
        first = self._failure is None
        self._failure = failure
        # A log that never opened will not open by waiting; "Try again" still works.
        if failure.reason != "unavailable":
            self._retry.start()
        self._report_pending()
        if first:
            self._on_failed(failure)

    def _report_pending(self) -> None:
        state = (len(self._items), self._failure if self._items else None)
        if state != self._reported:
            self._reported = state
            self._on_pending(*state)

    def discard(self) -> tuple[PendingChange, ...]:
        """Let go of everything waiting: the user chose to lose it, or it is in a file now."""
        dropped = tuple(self._items)
        self._items.clear()
        self._failure = None
        self._retry.stop()
        self._report_pending()
        return dropped

    def stop(self) -> None:
        """Stop retrying (the app is closing); waiting changes stay listed."""
        self._retry.stop()
