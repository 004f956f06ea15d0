"""Changes still waiting to be saved, written to a file the user chooses.

When the app is closed while the log refuses writes, what is kept in memory
can be saved here instead of being lost. The file is a log export in the app's
own JSON format (see :mod:`psoas_timer.store.exchange`) with one more
top-level key, which the importer ignores::

    {
      "format": "psoas-timer-log",
      "version": 1,
      "sessions": [...],
      "pending": {
        "written_at": "2024-05-06T07:55:00+00:00",
        "log": "/home/me/.local/share/psoas-timer/psoas-timer.sqlite3",
        "changes": [...]
      }
    }

``sessions`` holds every session none of whose writes reached the log, whole:
File → Import log adds them once the disk has room again.

``pending.changes`` lists every waiting change, oldest first, including those
already in ``sessions``. Each is an object with ``change`` (what kind),
``what`` (the same words the app shows) and these fields; times are ISO 8601
in UTC, ``null`` means "none":

``session started``
    ``session_uuid``, ``session_id`` (``null`` until the log had it),
    ``started_at``, ``tool_id``, ``position_id``, ``sides``.
``set``
    ``session_uuid``, ``session_id``, and the set columns of the export format
    (``side``, ``level``, ``variant_name``, ``breaths_planned``,
    ``breaths_done``, ``released_breath``, ``released_at_s``, ``duration_s``,
    ``paused_s``, ``outcome``, ``recorded_at``).
``rating``
    ``session_uuid``, ``session_id``, ``side``, ``moment``, ``value``,
    ``recorded_at``.
``stop``
    ``session_uuid``, ``session_id``, and the stop columns of the export format
    (``side``, ``level``, ``breath``, ``reason``, ``recorded_at``).
``session ended``
    ``session_uuid``, ``session_id``, ``status``, ``ended_at``.
``rating edited``
    ``session_id``, ``side``, ``moment``, ``value`` (``null``: cleared),
    ``recorded_at``.
``note edited``
    ``session_id``, ``note``.
``next-day check``
    ``session_id``, ``feeling`` and ``lasting_soreness`` (both ``null``: the
    person chose not to be asked), ``recorded_at``.
``unfinished session closed``
    ``session_id``, ``ratings`` (a list of ``side``, ``moment``, ``value``),
    ``recorded_at``.
``session deleted``, ``session put back``
    ``session_id``.

A change naming a ``session_id`` also carries ``session_uuid`` and
``session_started_at`` when the log could still be read, so the session can be
found again after an export and import.

If no scratch copy can be made next to the chosen file to put the sessions in
export form, the file says ``"format": "psoas-timer-pending"`` and holds only
``pending``: nothing is left out, but nothing in it can be imported as it is.
"""

from __future__ import annotations

import io
import json
import logging
import tempfile
from dataclasses import replace
from datetime import datetime
from pathlib import Path

from psoas_timer.core.fileio import atomic_write
from psoas_timer.store import (
    Moment,
    Rating,
    Session,
    SessionSnapshot,
    SessionStatus,
    SetRow,
    Side,
    StopRow,
    Store,
    StoreError,
    export_json,
)
from psoas_timer.store.changes import PendingChange, SessionRef, stamp
from psoas_timer.store.saving import SaveQueue

log = logging.getLogger(__name__)

PENDING_ONLY_FORMAT = "psoas-timer-pending"
_SIDE_ORDER = {"left": 0, "right": 1}
_MOMENT_ORDER = {"before": 0, "after": 1}


def write_pending_file(queue: SaveQueue, path: Path) -> int:
    """Write every waiting change to ``path`` (atomically, owner-only); return how many.

    Raises :class:`OSError` when the file cannot be written.
    """
    changes = queue.pending_changes()
    listed = [change_record(queue, change) for change in changes]
    whole = _whole_sessions(changes)
    try:
        document = _export_form(queue, whole, path.parent)
    except (StoreError, OSError) as exc:
        log.warning("pending sessions not put in export form: %s", exc)
        document = {"format": PENDING_ONLY_FORMAT, "version": 1}
    document["pending"] = {
        "written_at": stamp(queue.wall()),
        "log": str(queue.store.path) if isinstance(queue.store, Store) else None,
        "changes": listed,
    }
    data = json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    atomic_write(path, data.encode("utf-8"), mode=0o600)
    return len(changes)


def change_record(queue: SaveQueue, change: PendingChange) -> dict[str, object]:
    """One entry of ``pending.changes`` (the module's docstring lists the fields)."""
    record: dict[str, object] = {"change": change.record["change"], "what": change.what}
    ref = change.session
    if ref is not None:
        record["session_uuid"] = ref.uuid
        record["session_id"] = ref.id
    record.update((k, v) for k, v in change.record.items() if k != "change")
    session_id = change.record.get("session_id")
    # A change read back from the journal knows its session's uuid already.
    if ref is None and isinstance(session_id, int) and "session_uuid" not in record:
        try:
            session = queue.readable().session(session_id)
        except StoreError:
            pass  # the id is still there to go by
        else:
            record["session_uuid"] = session.uuid
            record["session_started_at"] = stamp(session.started_at)
    return record


def _whole_sessions(changes: tuple[PendingChange, ...]) -> list[SessionSnapshot]:
    """The sessions whose start is still waiting, rebuilt from their waiting events."""
    sets: dict[int, list[SetRow]] = {}
    stops: dict[int, list[StopRow]] = {}
    ratings: dict[int, dict[tuple[Side, Moment], Rating]] = {}
    ends: dict[int, tuple[SessionStatus, datetime | None]] = {}
    refs: dict[int, SessionRef] = {}
    for change in changes:
        ref = change.session
        if ref is None:
            continue
        key = id(ref)
        if change.kind == "session":
            refs[key] = ref
            sets[key], stops[key], ratings[key] = [], [], {}
        elif key not in refs:
            continue  # its start is in the log: it cannot be imported whole
        elif isinstance(change.payload, SetRow):
            sets[key].append(replace(change.payload, seq=len(sets[key]) + 1))
        elif isinstance(change.payload, StopRow):
            stops[key].append(replace(change.payload, seq=len(stops[key]) + 1))
        elif isinstance(change.payload, Rating):
            # Rated twice: the later rating replaces the earlier, as in the log.
            ratings[key][(change.payload.side, change.payload.moment)] = change.payload
        elif isinstance(change.payload, tuple):
            ends[key] = change.payload
    snapshots: list[SessionSnapshot] = []
    for key, ref in refs.items():
        status, ended = ends.get(key, ("running", None))
        session = Session(
            0,
            ref.uuid,
            ref.started_at,
            ended,
            ref.tool_id,
            ref.position_id,
            ref.sides,
            status,
            "",
        )
        ordered = sorted(
            ratings[key].values(),
            key=lambda r: (_SIDE_ORDER[r.side], _MOMENT_ORDER[r.moment]),
        )
        snapshots.append(
            SessionSnapshot(session, tuple(sets[key]), tuple(ordered), stops=tuple(stops[key]))
        )
    return snapshots


def _export_form(
    queue: SaveQueue, snapshots: list[SessionSnapshot], folder: Path
) -> dict[str, object]:
    """The sessions as the app's own JSON export, made through a scratch log.

    The scratch log goes next to the chosen file: that disk has room, or the
    file could not be written either.
    """
    with tempfile.TemporaryDirectory(prefix=".psoas-timer-pending-", dir=folder) as scratch_dir:
        scratch = Store.open(Path(scratch_dir) / "pending.sqlite3", clock=queue.wall)
        try:
            scratch.merge_snapshots(snapshots)
            buffer = io.StringIO()
            export_json(scratch, buffer)
        finally:
            scratch.close()
    document: dict[str, object] = json.loads(buffer.getvalue())
    return document
