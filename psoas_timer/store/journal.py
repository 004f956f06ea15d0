"""A journal reserved in advance, so that changes waiting to be saved outlive a stop.

While the disk refuses writes, changes wait in memory (:mod:`psoas_timer.store.saving`).
When the app is then told to stop from outside (SIGTERM: a logout, a
shutdown, ``kill``) there is no one to ask, and they would go with it. So at
start-up, once the log is open, a journal file beside the log is reserved:
:data:`JOURNAL_SIZE` bytes of zeros, owner-only, synced, and kept open for the
whole run. Space already allocated cannot be refused by a full disk, so on
SIGTERM the waiting changes are written into it in place and synced. The next
start replays them through the save queue, says what became of them, and
clears the journal (zeros, still reserved) once none of them waits any more.
A replay the disk still refuses leaves the journal as it is, for the start
after.

The file: a header of :data:`HEADER_SIZE` bytes (magic, layout version,
payload length, CRC-32 of the payload; all zeros when empty), then the payload,
the JSON document of :mod:`psoas_timer.store.journal_records`, compressed with
zlib. The payload is written and synced before the header, so a write cut
short leaves a header whose checksum fails, never one that reads as something
it is not. A journal that cannot be read is set aside as
``unsaved.journal.damaged-<time>``, never overwritten, and a fresh one reserved.

What it cannot do: a crash or SIGKILL gives the app no moment to write, so
only what the log already holds survives those. A read-only data folder
cannot take the journal either. On a copy-on-write filesystem (btrfs, ZFS) a
rewrite needs fresh blocks, so there the reservation helps only as far as
the filesystem keeps some room of its own.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import stat
import struct
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from psoas_timer.core.i18n import _, ngettext
from psoas_timer.store.changes import Outcome, PendingChange
from psoas_timer.store.files import set_aside
from psoas_timer.store.journal_fields import JournalDamagedError
from psoas_timer.store.journal_records import changes_from_document, journal_document
from psoas_timer.store.saving import SaveQueue

__all__ = [
    "HEADER_SIZE",
    "JOURNAL_NAME",
    "JOURNAL_SIZE",
    "Journal",
    "JournalDamagedError",
    "JournalKeeper",
    "Notice",
    "journal_path",
]

log = logging.getLogger(__name__)

JOURNAL_NAME: Final = "unsaved.journal"
#: Room for a few thousand waiting changes once compressed.
JOURNAL_SIZE: Final = 256 * 1024
HEADER_SIZE: Final = 32
_MAGIC: Final = b"psoas-timer jnl\x00"
_LAYOUT: Final = 1
_HEADER: Final = struct.Struct("<16sIII")  # magic, layout, payload length, CRC-32
#: A payload never expands beyond this: anything larger is not ours.
_MAX_DOCUMENT: Final = 64 * 1024 * 1024
_LISTED: Final = 6
_FLAGS: Final = os.O_RDWR | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)


def journal_path(database: Path) -> Path:
    """The journal of the log at ``database``: beside it, on the same disk."""
    return database.with_name(JOURNAL_NAME)


def _write_at(fd: int, offset: int, data: bytes) -> None:
    os.lseek(fd, offset, os.SEEK_SET)
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def _read_at(fd: int, offset: int, length: int) -> bytes:
    os.lseek(fd, offset, os.SEEK_SET)
    chunks: list[bytes] = []
    while length > 0:
        chunk = os.read(fd, length)
        if not chunk:
            break
        chunks.append(chunk)
        length -= len(chunk)
    return b"".join(chunks)


class Journal:
    """The journal file, open for the run. Every method raises ``OSError`` as it comes."""

    def __init__(self, path: Path, fd: int) -> None:
        self.path = path
        self._fd: int | None = fd

    @classmethod
    def open(cls, path: Path) -> Journal:
        """Open the journal at ``path``, creating it empty (owner-only) if there is none.

        Raises :class:`JournalDamagedError` for anything but a plain file (a
        link is never followed).
        """
        try:
            mode = path.lstat().st_mode
        except FileNotFoundError:
            pass
        else:
            if not stat.S_ISREG(mode):
                raise JournalDamagedError(_("it is not a plain file"))
        fd = os.open(path, _FLAGS | os.O_CREAT, 0o600)
        try:
            info = os.fstat(fd)
            if not stat.S_ISREG(info.st_mode):  # put there since it was looked at
                raise JournalDamagedError(_("it is not a plain file"))
            if info.st_mode & 0o077:  # it holds ratings and notes
                if hasattr(os, "fchmod"):
                    os.fchmod(fd, 0o600)
                else:
                    path.chmod(0o600)
        except (OSError, JournalDamagedError):
            os.close(fd)
            raise
        return cls(path, fd)

    @property
    def fd(self) -> int:
        if self._fd is None:
            raise OSError(f"the journal {self.path} is closed")
        return self._fd

    @property
    def size(self) -> int:
        return os.fstat(self.fd).st_size

    def reserve(self) -> None:
        """Make the file :data:`JOURNAL_SIZE` bytes, written out as zeros and synced."""
        size = self.size
        if size >= JOURNAL_SIZE:
            return
        # Zeros written out, not a hole: a sparse file would need the space later.
        _write_at(self.fd, size, bytes(JOURNAL_SIZE - size))
        os.fsync(self.fd)
        with contextlib.suppress(OSError):  # the new name itself, where folders can be synced
            folder = os.open(self.path.parent, os.O_RDONLY)
            try:
                os.fsync(folder)
            finally:
                os.close(folder)

    def read(self) -> bytes | None:
        """The document kept (JSON bytes), or ``None`` when the journal is empty.

        Raises :class:`JournalDamagedError` saying why it cannot be read.
        """
        size = self.size
        header = _read_at(self.fd, 0, HEADER_SIZE)
        if not header.strip(b"\0"):
            return None
        if len(header) < HEADER_SIZE or not header.startswith(_MAGIC):
            raise JournalDamagedError(_("it does not start like a journal of this app"))
        _magic, layout, length, checksum = _HEADER.unpack_from(header)
        if layout > _LAYOUT:
            raise JournalDamagedError(_("it was written by a newer version of the app"))
        if length > size - HEADER_SIZE:
            raise JournalDamagedError(_("it was cut short"))
        blob = _read_at(self.fd, HEADER_SIZE, length)
        if zlib.crc32(blob) != checksum:
            raise JournalDamagedError(_("its contents do not match their checksum"))
        inflate = zlib.decompressobj()
        try:
            document = inflate.decompress(blob, _MAX_DOCUMENT)
        except zlib.error as exc:
            raise JournalDamagedError(
                _("its contents cannot be unpacked ({error})").format(error=exc)
            ) from exc
        if inflate.unconsumed_tail or not inflate.eof:
            raise JournalDamagedError(_("its contents are incomplete or far too large"))
        return document

    def write(self, blob: bytes) -> None:
        """Keep ``blob`` (a packed document) in place of what the journal held."""
        header = _HEADER.pack(_MAGIC, _LAYOUT, len(blob), zlib.crc32(blob))
        _write_at(self.fd, HEADER_SIZE, blob)
        os.fsync(self.fd)
        _write_at(self.fd, 0, header.ljust(HEADER_SIZE, b"\0"))
        os.fsync(self.fd)

    def clear(self) -> None:
        """Empty the journal: zeros over all of it, still reserved."""
        size = self.size
        _write_at(self.fd, 0, bytes(HEADER_SIZE))
        os.fsync(self.fd)  # empty from here on, whatever happens next
        _write_at(self.fd, HEADER_SIZE, bytes(max(0, min(size, JOURNAL_SIZE) - HEADER_SIZE)))
        if size > JOURNAL_SIZE:  # grown past its reservation once: give the rest back
            os.ftruncate(self.fd, JOURNAL_SIZE)
        os.fsync(self.fd)

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


def pack(document: dict[str, object]) -> bytes:
    text = json.dumps(document, ensure_ascii=False, separators=(",", ":"))
    return zlib.compress(text.encode("utf-8"), 9)


@dataclass(frozen=True, slots=True)
class Notice:
    """What to tell the user at start-up about the journal."""

    text: str
    problem: bool  # something is wrong or still waiting, not just news


def _held(document: dict[str, object]) -> int:
    changes = document["changes"]
    assert isinstance(changes, list)
    return len(changes)


def _count(n: int) -> str:
    """For the app's own log, in English."""
    return f"{n} change{'' if n == 1 else 's'}"


def _listed(whats: Sequence[str]) -> str:
    shown = "; ".join(whats[:_LISTED])
    more = len(whats) - _LISTED
    return shown + (_("; and {n} more").format(n=more) if more > 0 else "")


class JournalKeeper:
    """The journal of one run and the save queue whose waiting changes it keeps.

    :meth:`start` at start-up, :meth:`keep` when told to stop, :meth:`settle`
    whenever the number of waiting changes changes, :meth:`forget` when the
    user lets go of everything waiting.
    """

    def __init__(self, queue: SaveQueue, path: Path) -> None:
        self.queue = queue
        self.path = path
        self.journal: Journal | None = None
        self._replayed: tuple[PendingChange, ...] = ()
        self._kept = False

    def start(self) -> Notice | None:
        """Open and reserve the journal, and replay whatever it kept from last time."""
        notice: Notice | None = None
        changes: list[PendingChange] = []
        try:
            self.journal = Journal.open(self.path)
            document = self.journal.read()
            if document is not None:
                changes = changes_from_document(json.loads(document))
        except (JournalDamagedError, ValueError, RecursionError) as exc:
            notice = self._set_aside(exc)
        except OSError as exc:
            log.warning("no journal this time (%s): %s", self.path, exc)
            self._close()
        if self.journal is None:
            return notice
        try:
            self.journal.reserve()
        except OSError as exc:
            log.warning("the journal %s could not be reserved in full: %s", self.path, exc)
        if not changes:
            return notice
        self._replayed = tuple(changes)
        try:
            self.queue.replay(changes)
        except Exception:  # a fault in one (logged with its traceback); the others were written
            log.exception("a change kept from last time failed with a fault")
        self.settle()
        return self._replay_notice(changes)

    def _set_aside(self, exc: Exception) -> Notice:
        """Move an unreadable journal out of the way, untouched, and start a fresh one."""
        why = (
            str(exc)
            if isinstance(exc, JournalDamagedError)
            else _("it is not readable ({error})").format(error=exc)
        )
        self._close()
        try:
            (aside,) = set_aside([self.path], "damaged", self.queue.wall().astimezone())
        except OSError as move_error:
            log.warning("the journal %s could not be read (%s) nor set aside", self.path, why)
            return Notice(
                _(
                    "The changes kept from last time in {file} could not be read: {why}. "
                    "The file could not be set aside ({error}), so it is left as "
                    "it is, and nothing can be kept in it this time."
                ).format(file=self.path, why=why, error=move_error.strerror),
                problem=True,
            )
        log.warning("the journal %s could not be read (%s); set aside as %s", self.path, why, aside)
        try:
            self.journal = Journal.open(self.path)
        except (OSError, JournalDamagedError) as again:
            log.warning("no journal this time (%s): %s", self.path, again)
        return Notice(
            _(
                "The changes kept from last time could not be read: {why}. The file was set "
                "aside as {file}, and nothing in it was saved."
            ).format(why=why, file=aside),
            problem=True,
        )

    def _replay_notice(self, replayed: Sequence[PendingChange]) -> Notice:
        saved = [c.what for c in replayed if c.outcome is Outcome.SAVED]
        waiting = [c.what for c in replayed if c.outcome is Outcome.PENDING]
        refused = [
            _("{change} ({why})").format(change=c.what, why=c.refusal)
            for c in replayed
            if c.outcome is Outcome.REFUSED
        ]
        parts: list[str] = []
        if saved:
            parts.append(
                ngettext(
                    "{n} change kept from last time was saved: {changes}.",
                    "{n} changes kept from last time were saved: {changes}.",
                    len(saved),
                ).format(n=len(saved), changes=_listed(saved))
            )
        if waiting:
            failure = self.queue.failure
            advice = f" {failure.advice[0].upper()}{failure.advice[1:]}" if failure else ""
            parts.append(
                ngettext(
                    "{n} change kept from last time is not saved yet ({changes}); it is "
                    "kept in memory and in the journal.",
                    "{n} changes kept from last time are not saved yet ({changes}); they "
                    "are kept in memory and in the journal.",
                    len(waiting),
                ).format(n=len(waiting), changes=_listed(waiting))
                + advice
            )
        if refused:
            parts.append(
                ngettext(
                    "{n} change kept from last time could not be saved at all: {changes}.",
                    "{n} changes kept from last time could not be saved at all: {changes}.",
                    len(refused),
                ).format(n=len(refused), changes=_listed(refused))
            )
        return Notice(" ".join(parts), problem=bool(waiting or refused))

    def keep(self) -> int:
        """Write every waiting change into the journal (the app is being stopped).

        Returns how many it now holds. From here on the journal is left as it
        is: this run is over.
        """
        self._kept = True
        changes = self.queue.pending_changes()
        if not changes:
            return 0
        journal = self.journal
        if journal is None:
            log.error(
                "%s waiting to be saved, and no journal to keep them in: lost: %s",
                _count(len(changes)),
                _listed([c.what for c in changes]),
            )
            return 0
        document = journal_document(self.queue, changes)
        blob = pack(document)
        count = _held(document)
        try:
            # Past the reservation only while the disk still has room for it.
            journal.write(blob)
        except OSError as exc:
            if len(blob) <= JOURNAL_SIZE - HEADER_SIZE:
                log.error(
                    "the journal could not be written (%s); lost: %s",
                    exc,
                    _listed([c.what for c in changes]),
                )
                return 0
            blob, fitting = self._fit(changes)
            try:
                journal.write(blob)
            except OSError as again:
                log.error("the journal could not be written: %s", again)
                return 0
            log.error(
                "the journal had room for %d of %d waiting changes; lost: %s",
                fitting,
                len(changes),
                _listed([c.what for c in changes[fitting:]]),
            )
            count = _held(journal_document(self.queue, changes, count=fitting))
        log.warning("%s waiting to be saved kept in %s", _count(count), self.path)
        return count

    def _fit(self, changes: Sequence[PendingChange]) -> tuple[bytes, int]:
        """The oldest changes whose journal fits the reservation, packed, and how many."""
        room = JOURNAL_SIZE - HEADER_SIZE
        low, high = 0, len(changes)
        best = pack(journal_document(self.queue, changes, count=0))
        while low < high:
            middle = (low + high + 1) // 2
            blob = pack(journal_document(self.queue, changes, count=middle))
            if len(blob) <= room:
                low, best = middle, blob
            else:
                high = middle - 1
        return best, low

    def settle(self) -> None:
        """Clear the journal once nothing replayed from it waits any more."""
        if self._kept or not self._replayed:
            return
        if any(change.outcome is Outcome.PENDING for change in self._replayed):
            return
        self._replayed = ()
        self._clear()

    def forget(self) -> None:
        """Everything waiting was let go of (lost, or saved to a file): so is the journal."""
        if self._kept or not self._replayed:
            return
        self._replayed = ()
        self._clear()

    def _clear(self) -> None:
        if self.journal is None:
            return
        try:
            self.journal.clear()
        except OSError as exc:
            # Replaying it again next time writes nothing twice.
            log.warning("the journal %s could not be cleared: %s", self.path, exc)

    def _close(self) -> None:
        if self.journal is not None:
            with contextlib.suppress(OSError):
                self.journal.close()
            self.journal = None

    def close(self) -> None:
        self._close()
