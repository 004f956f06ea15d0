"""What a part of the log mixed into :class:`psoas_timer.store.Store` may use of it."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import datetime
from typing import Protocol, TypeVar

from psoas_timer.core.vocab import Sides

_T = TypeVar("_T")


class LogPart(Protocol):
    """The store's connection, clock, transactions and reads, as its parts see them."""

    _conn: sqlite3.Connection

    def now(self) -> datetime: ...
    def transaction(self, action: str = ...) -> AbstractContextManager[None]: ...
    def _read(self, fetch: Callable[[sqlite3.Connection], _T]) -> _T: ...
    def _sides_of(self, session_id: int) -> Sides: ...


def refuse(problems: list[tuple[str, str]]) -> None:
    """Raise ``ValueError`` naming every problem found with a record, if any."""
    if problems:
        raise ValueError("; ".join(f"{name}: {why}" for name, why in problems))
