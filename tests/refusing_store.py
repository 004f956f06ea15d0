"""A real log that refuses writes on demand, the way a full or read-only disk does.

Every write goes through :meth:`Store.transaction`; refusing there, before
anything is written, is exactly what SQLite's rollback leaves behind. Runs
anywhere, unlike the tmpfs tests in tests/reliability, which need root.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from psoas_timer.store import Store, StoreWriteError, WriteFailure

_WHY = {
    "full": "the disk is full",
    "readonly": "the log is read-only",
    "other": "disk I/O error",
}


class RefusingStore(Store):
    """Refuses the next ``refusals`` write attempts (``-1``: every one) for ``reason``."""

    refusals = 0
    reason: WriteFailure = "full"
    attempts = 0

    def refuse(self, times: int = -1, reason: WriteFailure = "full") -> None:
        self.refusals = times
        self.reason = reason

    def accept(self) -> None:
        self.refusals = 0

    @contextlib.contextmanager
    def transaction(self, action: str = "save to the log") -> Iterator[None]:
        self.attempts += 1
        if self.refusals:
            self.refusals -= 1 if self.refusals > 0 else 0
            raise StoreWriteError(f"Could not {action}: {_WHY[self.reason]}.", self.reason)
        with super().transaction(action):
            yield
