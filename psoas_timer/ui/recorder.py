"""Writes each session event to the store the moment it happens.

A write that fails (full disk, read-only folder) is kept in memory in order,
the user is told what happened, and it is retried until it lands: nothing the
user did is dropped because the disk had a bad moment.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime

from PySide6.QtCore import QObject, QTimer, Signal

from psoas_timer.core.engine import (
    Event,
    RatingGiven,
    SessionEngine,
    SessionFinished,
    SetFinished,
)
from psoas_timer.store import SessionStatus, Store, StoreWriteError

log = logging.getLogger(__name__)
RETRY_MS = 5000


class Recorder(QObject):
    saved = Signal(str)  # a short confirmation for the status bar
    problem = Signal(str)  # a write failed; the message says what to do
    recovered = Signal()  # everything pending has been written after all

    def __init__(self, store: Store, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.session_id: int | None = None
        self._pending: list[tuple[str, Callable[[], None]]] = []
        self._failing = False
        self._retry = QTimer(self)
        self._retry.setInterval(RETRY_MS)
        self._retry.timeout.connect(self.flush)

    @property
    def pending(self) -> int:
        return len(self._pending)

    def attach(self, engine: SessionEngine) -> None:
        plan = engine.plan
        self.session_id = None
        started = datetime.now(UTC)

        def start() -> None:
            self.session_id = self.store.start_session(
                plan.tool.id, plan.position.id, plan.sides, started
            )

        self._queue("session started", start)
        engine.subscribe(self._on_event)

    def _on_event(self, event: Event) -> None:
        if isinstance(event, SetFinished):
            result = event.result

            def write_set() -> None:
                assert self.session_id is not None
                self.store.record_set(self.session_id, result)

            self._queue(f"{result.side} set saved", write_set)
        elif isinstance(event, RatingGiven):

            def write_rating() -> None:
                assert self.session_id is not None
                self.store.record_rating(self.session_id, event.side, event.moment, event.value)

            self._queue(f"rating {event.value}/10 saved", write_rating)
        elif isinstance(event, SessionFinished):
            status: SessionStatus = "completed" if event.completed else "ended_early"
            ended = datetime.now(UTC)

            def finish() -> None:
                assert self.session_id is not None
                self.store.finish_session(self.session_id, status, ended)

            self._queue("session saved", finish)

    def _queue(self, what: str, write: Callable[[], None]) -> None:
        self._pending.append((what, write))
        self.flush()

    def flush(self) -> None:
        while self._pending:
            what, write = self._pending[0]
            try:
                write()
            except StoreWriteError as exc:
                log.warning("could not save (%s): %s", what, exc)
                if not self._failing:
                    self._failing = True
                    advice = {
                        "full": "The disk is full: free some space and it will be saved.",
                        "readonly": "The data folder is read-only: make it writable and it "
                        "will be saved.",
                    }.get(exc.reason, "It will be saved as soon as writing works again.")
                    self.problem.emit(f"Not saved yet ({what}). Kept safely in memory. {advice}")
                if not self._retry.isActive():
                    self._retry.start()
                return
            self._pending.pop(0)
            self.saved.emit(what)
        self._retry.stop()
        if self._failing:
            self._failing = False
            self.recovered.emit()

    def stop(self) -> None:
        self._retry.stop()
