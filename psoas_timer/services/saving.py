"""The save queue in the running app: a timer for retries and signals for the screens.

What is saved, in which order, and what happens when the disk refuses is all
in :mod:`psoas_timer.store.saving` (Qt-free, tested without Qt). This adapter
adds the :class:`QTimer` that tries again every :data:`RETRY_MS` and turns the
queue's callbacks into signals:

``item_saved`` (a :class:`SavedItem`)
    one change is committed: only now may anything say "Saved".
``problem`` (the lasting message)
    writing has started to fail; said once until it works again.
``pending_changed`` (how many wait)
    the number waiting, or the reason, changed; :attr:`SaveService.message`
    is the line to show while it is not zero.
``recovered``
    everything waiting has been written.
``refused`` (a sentence)
    a waiting change was dropped because it can never be written.
``log_changed``
    what the log holds changed (a backup restored, too); views of it reload.

The journal (:mod:`psoas_timer.store.journal`) is opened here at start-up
(:meth:`SaveService.open_journal`), replays what the last run kept, and takes
what waits when the app is stopped from outside
(:meth:`SaveService.keep_for_next_start`).

Screens read the log through this service too, so nothing holds a store that
might not exist: without a log every read raises
:class:`~psoas_timer.store.StoreError` with the start-up message.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal

from psoas_timer.core.clock import WallClock
from psoas_timer.core.engine import SessionEngine
from psoas_timer.core.i18n import _
from psoas_timer.core.next_day import LastSession
from psoas_timer.core.progress import ProgressSession
from psoas_timer.store import (
    Moment,
    NextDay,
    Rating,
    Session,
    SessionSummary,
    SetRow,
    Side,
    Store,
    export_to_path,
)
from psoas_timer.store.journal import JournalKeeper, Notice
from psoas_timer.store.pending_file import write_pending_file
from psoas_timer.store.saving import (
    Deletion,
    SavedItem,
    SaveFailure,
    SaveQueue,
    Submitted,
    UnavailableStore,
    pending_message,
)

__all__ = ["RETRY_MS", "SaveService", "SavedItem"]

log = logging.getLogger(__name__)

RETRY_MS = 5000


class _TimerRetry:
    def __init__(self, timer: QTimer) -> None:
        self._timer = timer

    def start(self) -> None:
        if not self._timer.isActive():
            self._timer.start()

    def stop(self) -> None:
        self._timer.stop()


class SaveService(QObject):
    """The one way into the log for the whole app: every write, and the reads."""

    item_saved = Signal(object)
    problem = Signal(str)
    pending_changed = Signal(int)
    recovered = Signal()
    refused = Signal(str)
    log_changed = Signal()

    def __init__(
        self, store: Store | UnavailableStore, wall: WallClock, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._journal: JournalKeeper | None = None
        self.retry_timer = QTimer(self)
        self.retry_timer.setObjectName("saveRetry")
        self.retry_timer.setInterval(RETRY_MS)
        self.retry_timer.timeout.connect(self.flush)
        self.queue = SaveQueue(
            store,
            wall,
            _TimerRetry(self.retry_timer),
            on_saved=self.item_saved.emit,
            on_failed=self._failed,
            on_recovered=self.recovered.emit,
            on_refused=lambda what, why: self.refused.emit(
                _("Not saved: {what}. {why}").format(what=what, why=why)
            ),
            on_pending=lambda count, failure: self._pending(count),
            on_changed=self.log_changed.emit,
        )

        # Once a completed session's end is committed, never before: a copy taken
        # earlier would hold the session as still running.
        self.item_saved.connect(self._back_up_after_completed)

    def _back_up_after_completed(self, item: SavedItem) -> None:
        store = self.queue.store
        if item.kind == "end" and item.status == "completed" and isinstance(store, Store):
            store.backup_if_due()  # at most once a day; never raises

    def _failed(self, failure: SaveFailure) -> None:
        self.problem.emit(pending_message(self.queue.pending, failure))

    def _pending(self, count: int) -> None:
        if self._journal is not None:
            self._journal.settle()
        self.pending_changed.emit(count)

    # -- state

    @property
    def store(self) -> Store | UnavailableStore:
        return self.queue.store

    @property
    def pending(self) -> int:
        return self.queue.pending

    @property
    def failure(self) -> SaveFailure | None:
        return self.queue.failure

    @property
    def message(self) -> str:
        """The lasting line while anything waits; empty when everything is saved."""
        pending = self.queue.pending
        return pending_message(pending, self.queue.failure) if pending else ""

    @property
    def session_id(self) -> int | None:
        return self.queue.session_id

    # -- writes

    def attach(self, engine: SessionEngine) -> None:
        self.queue.attach(engine)

    def set_rating(
        self, session_id: int, side: Side, moment: Moment, value: int | None
    ) -> Submitted:
        return self.queue.set_rating(session_id, side, moment, value)

    def set_note(self, session_id: int, text: str) -> Submitted:
        return self.queue.set_note(session_id, text)

    def close_unfinished(
        self, session_id: int, ratings: Mapping[tuple[Side, Moment], int | None]
    ) -> Submitted:
        return self.queue.close_unfinished(session_id, ratings)

    def record_next_day(
        self, session_id: int, feeling: NextDay | None, lasting_soreness: bool | None
    ) -> Submitted:
        return self.queue.record_next_day(session_id, feeling, lasting_soreness)

    def delete_session(self, session_id: int, label: str) -> tuple[Submitted, Deletion]:
        return self.queue.delete_session(session_id, label)

    def restore_session(self, deletion: Deletion) -> Submitted:
        return self.queue.restore_session(deletion)

    def import_file(self, path: Path) -> Submitted:
        return self.queue.import_file(path)

    def flush(self) -> None:
        """Try everything waiting now (the timer does this by itself)."""
        self.queue.flush()

    def write_pending(self, path: Path) -> int:
        """Write everything waiting to ``path``; raises OSError if it cannot."""
        return write_pending_file(self.queue, path)

    def discard(self) -> int:
        """Let go of everything waiting; return how many changes that was."""
        dropped = len(self.queue.discard())
        if self._journal is not None:
            self._journal.forget()
        return dropped

    def stop(self) -> None:
        self.queue.stop()

    # -- the journal, and the log itself

    def open_journal(self, path: Path) -> Notice | None:
        """Reserve the journal at ``path`` and replay what it kept; what to tell the user."""
        self._journal = JournalKeeper(self.queue, path)
        return self._journal.start()

    def keep_for_next_start(self) -> int:
        """The app is being stopped: try once more, then keep what still waits in the journal.

        Returns how many changes the journal holds for the next start.
        """
        try:
            self.flush()
        except Exception:  # one change's fault (logged with its traceback); keep the rest
            log.exception("a waiting change failed with a fault while stopping")
        if self._journal is None:
            if self.queue.pending:
                waiting = "; ".join(change.what for change in self.queue.pending_changes())
                log.error("stopped with no journal to keep what waits; lost: %s", waiting)
            return 0
        return self._journal.keep()

    def swap_store(self, store: Store | UnavailableStore) -> Store | UnavailableStore:
        """Use ``store`` from now on; return the log let go. Nothing may be waiting."""
        return self.queue.swap_store(store)

    def close(self) -> None:
        """The app has ended: close the journal and the log."""
        self.stop()
        if self._journal is not None:
            self._journal.close()
        self.queue.store.close()

    # -- reads (each raises StoreError, with the start-up message when there is no log)

    def sessions(self) -> list[SessionSummary]:
        return self.queue.readable().sessions()

    def progress_sessions(self) -> list[ProgressSession]:
        return self.queue.readable().progress_sessions()

    def interrupted_sessions(self) -> list[Session]:
        return self.queue.readable().interrupted_sessions()

    def last_finished_session(self) -> LastSession | None:
        return self.queue.readable().last_finished_session()

    def sessions_since(self, since: datetime) -> list[SessionSummary]:
        """Session summaries from ``since`` on, oldest first (for the weekly plan)."""
        return self.queue.readable().sessions(since=since)

    def session_parts(self, session_id: int) -> tuple[list[SetRow], list[Rating]]:
        store = self.queue.readable()
        return store.sets(session_id), store.ratings(session_id)

    def previous_session(
        self, tool_id: str, current: int | None
    ) -> tuple[SessionSummary, list[SetRow]] | None:
        """The last session with ``tool_id`` before the one logged as ``current``, and its sets."""
        store = self.queue.readable()
        until = store.session(current).started_at if current is not None else None
        earlier = [
            s
            for s in store.sessions(tool_id=tool_id)
            if s.id != current and (until is None or s.started_at <= until)
        ]
        if not earlier:
            return None
        last = earlier[-1]
        return last, store.sets(last.id)

    def export_to(self, path: Path) -> int:
        """Export the whole log to ``path``; return the number of sessions."""
        return export_to_path(self.queue.readable(), path)
