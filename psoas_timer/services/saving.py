"""Writes each session event to the store the moment it happens.

A write that fails (full disk, read-only folder) is kept in memory in order,
the user is told what happened, and it is retried until it lands: nothing the
user did is dropped because the disk had a bad moment.

Every write that lands is announced twice: :attr:`Recorder.saved` carries a
short text for the status bar and :attr:`Recorder.item_saved` carries a
:class:`SavedItem` saying exactly what is now in the log.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal

from PySide6.QtCore import QObject, QTimer, Signal

from psoas_timer.core.engine import (
    Event,
    RatingGiven,
    SessionEngine,
    SessionFinished,
    SetFinished,
)
from psoas_timer.store import Moment, SessionStatus, Side, Store, StoreError, StoreWriteError

log = logging.getLogger(__name__)
RETRY_MS = 5000

SavedKind = Literal["session", "set", "rating", "end", "edit"]


@dataclass(frozen=True, slots=True)
class SavedItem:
    """One event that is now committed to the log.

    ``kind`` is ``"session"`` (the session row was created), ``"set"``,
    ``"rating"``, ``"end"`` (the session was closed with ``status``) or
    ``"edit"`` (a change made later: a rating or note edited in the history,
    an unfinished session closed).
    Fields that do not apply to the kind are ``None``.
    """

    kind: SavedKind
    session_id: int
    what: str  # the same text as the ``saved`` signal
    side: Side | None = None
    moment: Moment | None = None
    value: int | None = None  # the rating
    level: int | None = None  # the set's pressure level
    set_id: int | None = None
    outcome: str | None = None  # the set's outcome
    status: SessionStatus | None = None  # how the session ended


class _SessionRef:
    """The id of one session's row, filled in once its start is written.

    Each session gets its own, so writes still pending from an earlier session
    (after a failed write) land on that session and never on a later one.
    """

    __slots__ = ("id",)

    def __init__(self) -> None:
        self.id: int | None = None

    def get(self) -> int:
        assert self.id is not None, "the session's start is written first"
        return self.id


_Write = Callable[[], "SavedItem | None"]


class Recorder(QObject):
    saved = Signal(str)  # a short confirmation for the status bar
    item_saved = Signal(object)  # a SavedItem: exactly what was committed
    problem = Signal(str)  # a write failed; the message says what to do
    recovered = Signal()  # everything pending has been written after all

    def __init__(self, store: Store, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self._session = _SessionRef()
        self._pending: list[tuple[str, _Write]] = []
        self._failing = False
        self._retry = QTimer(self)
        self._retry.setInterval(RETRY_MS)
        self._retry.timeout.connect(self.flush)

    @property
    def session_id(self) -> int | None:
        """The row id of the current session, once its start has been written."""
        return self._session.id

    @property
    def pending(self) -> int:
        return len(self._pending)

    def attach(self, engine: SessionEngine) -> None:
        plan = engine.plan
        ref = self._session = _SessionRef()
        started = datetime.now(UTC)

        def start() -> SavedItem:
            ref.id = self.store.start_session(plan.tool.id, plan.position.id, plan.sides, started)
            return SavedItem("session", ref.id, "session started")

        self._queue("session started", start)
        engine.subscribe(lambda event: self._on_event(ref, event))

    def _on_event(self, ref: _SessionRef, event: Event) -> None:
        if isinstance(event, SetFinished):
            result = event.result
            what = f"{result.side} set saved"

            def write_set() -> SavedItem:
                set_id = self.store.record_set(ref.get(), result)
                return SavedItem(
                    "set",
                    ref.get(),
                    what,
                    side=result.side,
                    level=result.level,
                    set_id=set_id,
                    outcome=result.outcome,
                )

            self._queue(what, write_set)
        elif isinstance(event, RatingGiven):
            what = f"rating {event.value}/10 saved"

            def write_rating() -> SavedItem:
                self.store.record_rating(ref.get(), event.side, event.moment, event.value)
                return SavedItem(
                    "rating",
                    ref.get(),
                    what,
                    side=event.side,
                    moment=event.moment,
                    value=event.value,
                )

            self._queue(what, write_rating)
        elif isinstance(event, SessionFinished):
            status: SessionStatus = "completed" if event.completed else "ended_early"
            ended = datetime.now(UTC)

            def finish() -> SavedItem:
                self.store.finish_session(ref.get(), status, ended)
                return SavedItem("end", ref.get(), "session saved", status=status)

            self._queue("session saved", finish)

    def _queue(self, what: str, write: _Write) -> None:
        self._pending.append((what, write))
        self.flush()

    def flush(self) -> None:
        while self._pending:
            what, write = self._pending[0]
            try:
                item = write()
            except StoreError as exc:
                # Rolled back, so the log is as it was: keep the event and retry.
                log.warning("could not save (%s): %s", what, exc)
                if not self._failing:
                    self._failing = True
                    reason = exc.reason if isinstance(exc, StoreWriteError) else "other"
                    advice = {
                        "full": "The disk is full: free some space and it will be saved.",
                        "readonly": "The data folder is read-only: make it writable and it "
                        "will be saved.",
                    }.get(reason, "It will be saved as soon as writing works again.")
                    thing = what.removesuffix(" saved")
                    self.problem.emit(f"Not saved yet ({thing}). Kept safely in memory. {advice}")
                if not self._retry.isActive():
                    self._retry.start()
                return
            self._pending.pop(0)
            if item is not None:
                self.item_saved.emit(item)
            self.saved.emit(what)
        self._retry.stop()
        if self._failing:
            self._failing = False
            self.recovered.emit()

    def save(self, what: str, write: Callable[[], None], session_id: int = 0) -> None:
        """Queue a change made outside a running session, with the same retries."""

        def run() -> SavedItem:
            write()
            return SavedItem("edit", session_id, what)

        self._queue(what, run)

    def stop(self) -> None:
        self._retry.stop()
