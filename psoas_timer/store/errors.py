"""What the store raises on purpose.

Everything derives from :class:`StoreError`, whose ``str()`` is a sentence
that can be shown to the user as it is. A failed write is never swallowed; it
surfaces as :class:`StoreWriteError` after the transaction was rolled back, so
the log is exactly as it was before the call, and its ``reason`` says in one
word whether freeing space or fixing permissions would help.
"""

from __future__ import annotations

import errno
import sqlite3
from pathlib import Path
from typing import Literal

from psoas_timer.core.i18n import _

WriteFailure = Literal["full", "readonly", "other"]


class StoreError(Exception):
    """Base of every error the store raises on purpose; ``str()`` is fit for the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NewerSchemaError(StoreError):
    def __init__(self, path: Path | None, found: int, supported: int) -> None:
        if path is None:
            message = _(
                "The log was made by a newer version of Psoas Timer (schema version {found}; "
                "this version knows up to {supported}). Update the app — the file was left "
                "untouched."
            )
        else:
            message = _(
                "The log {path} was made by a newer version of Psoas Timer (schema version "
                "{found}; this version knows up to {supported}). Update the app — the file "
                "was left untouched."
            )
        super().__init__(message.format(path=path, found=found, supported=supported))
        self.path = path
        self.found = found
        self.supported = supported


class CorruptDatabaseError(StoreError):
    def __init__(self, path: Path, detail: str) -> None:
        super().__init__(
            _(
                "The log {path} is damaged or is not a Psoas Timer log ({detail}). It can be "
                "moved aside and a new, empty log started; nothing will be deleted."
            ).format(path=path, detail=detail)
        )
        self.path = path
        self.detail = detail


class StoreWriteError(StoreError):
    """A write failed and was rolled back; ``reason`` says why in one word."""

    def __init__(self, message: str, reason: WriteFailure) -> None:
        super().__init__(message)
        self.reason: WriteFailure = reason


class SessionNotFoundError(StoreError, LookupError):
    def __init__(self, session_id: int) -> None:
        super().__init__(_("There is no session {id} in the log.").format(id=session_id))
        self.session_id = session_id


def _code(exc: sqlite3.Error) -> int:
    # Extended result codes carry the primary code in the low byte.
    return int(getattr(exc, "sqlite_errorcode", 0) or 0) & 0xFF


def is_corruption(exc: sqlite3.Error) -> bool:
    return _code(exc) in (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB)


def write_error(exc: sqlite3.Error, action: str) -> StoreWriteError:
    """The user-facing form of a failed write; ``action``, translated, completes "Could not …"."""
    code = _code(exc)
    text = str(exc)
    if code == sqlite3.SQLITE_FULL or "database or disk is full" in text:
        return StoreWriteError(
            _(
                "Could not {action}: the disk is full. Free some space and try again; "
                "everything saved before is safe."
            ).format(action=action),
            "full",
        )
    if code == sqlite3.SQLITE_READONLY or "readonly database" in text:
        return StoreWriteError(
            _(
                "Could not {action}: the log file is read-only. Check the permissions of the "
                "file and its folder, or whether the disk is mounted read-only."
            ).format(action=action),
            "readonly",
        )
    if code in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED) or "database is locked" in text:
        return StoreWriteError(
            _(
                "Could not {action}: another program (an import from the command line, say) "
                "is writing to the log. Try again when it has finished."
            ).format(action=action),
            "other",
        )
    return StoreWriteError(
        _("Could not {action}: {error}.").format(action=action, error=text), "other"
    )


def os_failure(exc: OSError) -> WriteFailure:
    """Why writing a file failed, in the words :class:`StoreWriteError` uses."""
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return "full"
    if exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        return "readonly"
    return "other"
