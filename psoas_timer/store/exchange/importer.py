"""Export the log to CSV or JSON and import it back.

CSV format
==========

UTF-8 without a byte order mark (one is accepted on import), comma separated,
``\\r\\n`` line ends, RFC 4180 quoting. The first row is this header, always
all 23 columns (on import they may come in any order)::

    record,session_uuid,started_at,ended_at,tool_id,position_id,sides,status,note,
    seq,side,level,variant_name,breaths_planned,breaths_done,released_breath,
    released_at_s,duration_s,paused_s,outcome,moment,value,recorded_at

Then one row per record. ``record`` says which kind; a row fills only the
columns of its kind and leaves every other column empty:

``session``
    ``session_uuid`` (the session's identity, used to skip sessions already in
    the log), ``started_at``, ``ended_at`` (empty while ``status`` is
    ``running``, required otherwise), ``tool_id``, ``position_id``, ``sides``
    (``left`` | ``right`` | ``both``), ``status`` (``running`` | ``completed`` |
    ``ended_early`` | ``interrupted``), ``note`` (any text, may be empty).
``set``
    ``session_uuid``, ``seq`` (1-based order in the session, unique in it),
    ``side`` (``left`` | ``right``), ``level`` (0 = base set), ``variant_name``,
    ``breaths_planned`` (≥ 1), ``breaths_done`` (≥ 0), ``released_breath`` and
    ``released_at_s`` (both empty, or the breath the muscle let go in and the
    seconds into the set; that breath is at most one past ``breaths_done``
    and at most ``breaths_planned``), ``duration_s``, ``paused_s``,
    ``outcome`` (``completed`` | ``backed_off`` | ``ended_early`` |
    ``skipped``), ``recorded_at``.
``rating``
    ``session_uuid``, ``side``, ``moment`` (``before`` | ``after``), ``value``
    (whole number 0-10), ``recorded_at``. One per session, side and moment.

``tool_id``, ``position_id`` and ``variant_name`` hold at most 200
characters, ``note`` at most 10,000. Times are ISO 8601 with a UTC offset;
the export writes UTC to the second (``2024-05-01T07:30:00Z``). Seconds are
decimal numbers written in Python's shortest exact form, so they read back
to the same value. Sets and ratings may come anywhere in the file, but their
session row must be in it, and their side must be one the session covers.
Exports list each session row followed by its sets (by ``seq``) and its
ratings (left before, left after, right before, right after), sessions
oldest first.

Spreadsheet safety: a text cell (``tool_id``, ``position_id``, ``variant_name``,
``note``) that begins with ``=``, ``+``, ``-``, ``@``, a tab, a carriage return
or a single quote ``'`` is written with one extra ``'`` in front, so a
spreadsheet shows it as text and never runs it as a formula. Import removes
exactly one leading ``'`` from those cells, so the round trip is exact.

JSON format
===========

``{"format": "psoas-timer-log", "version": 1, "sessions": [...]}``, each session
an object with the session columns above (``uuid`` for ``session_uuid``) plus
``sets`` and ``ratings`` lists of objects with the set and rating columns;
``null`` for an empty optional value. No formula escaping.

Import
======

:func:`import_file` checks every row (or object) first and imports nothing if
any is wrong: :class:`ImportFileError` lists each problem as
``line N: field X: expected …``. A good file is imported in one transaction.
Sessions whose uuid is already in the log are skipped whole, so importing a
file twice adds nothing the second time. Importing an export into an empty log
and exporting again gives the same bytes.
"""

from __future__ import annotations

import contextlib
import csv
import errno
import io
import json
import os
import re
import tempfile
import uuid as uuid_module
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Final, Literal, TextIO, cast

from psoas_timer.core.vocab import (
    MOMENT_VALUES,
    OUTCOME_VALUES,
    SIDE_VALUES,
    SIDES_VALUES,
    STATUS_VALUES,
    Moment,
    SessionStatus,
    SetOutcome,
    Side,
    Sides,
)
from psoas_timer.store.checks import NAME_MAX, NOTE_MAX, set_problems
from psoas_timer.store.errors import StoreError, StoreWriteError, WriteFailure
from psoas_timer.store.records import Rating, Session, SessionSnapshot, SetRow, to_db_time
from psoas_timer.store.store import Store

Format = Literal["csv", "json"]

JSON_FORMAT_NAME: Final = "psoas-timer-log"
JSON_VERSION: Final = 1

CSV_COLUMNS: Final[tuple[str, ...]] = (
    "record",
    "session_uuid",
    "started_at",
    "ended_at",
    "tool_id",
    "position_id",
    "sides",
    "status",
    "note",
    "seq",
    "side",
    "level",
    "variant_name",
    "breaths_planned",
    "breaths_done",
    "released_breath",
    "released_at_s",
    "duration_s",
    "paused_s",
    "outcome",
    "moment",
    "value",
    "recorded_at",
)

_SESSION_FIELDS: Final = (
    "started_at",
    "ended_at",
    "tool_id",
    "position_id",
    "sides",
    "status",
    "note",
)
_SET_FIELDS: Final = (
    "seq",
    "side",
    "level",
    "variant_name",
    "breaths_planned",
    "breaths_done",
    "released_breath",
    "released_at_s",
    "duration_s",
    "paused_s",
    "outcome",
    "recorded_at",
)
_RATING_FIELDS: Final = ("side", "moment", "value", "recorded_at")
_CSV_RECORDS: Final[dict[str, frozenset[str]]] = {
    "session": frozenset(("record", "session_uuid", *_SESSION_FIELDS)),
    "set": frozenset(("record", "session_uuid", *_SET_FIELDS)),
    "rating": frozenset(("record", "session_uuid", *_RATING_FIELDS)),
}

_FORMULA_STARTS: Final = ("=", "+", "-", "@", "\t", "\r", "'")
_WHOLE = re.compile(r"-?[0-9]+")
_DECIMAL = re.compile(r"[0-9]+(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?")
_MOMENT_ORDER: Final = {"before": 0, "after": 1}
_MAX_LISTED: Final = 25


# -- reports and errors -----------------------------------------------------


@dataclass(frozen=True, slots=True)
class ImportIssue:
    """One problem in an import file. ``where`` is ``line N`` for CSV, a path for JSON."""

    where: str
    field: str
    message: str
    line: int | None = None

    def __str__(self) -> str:
        return f"{self.where}: field {self.field}: {self.message}"


class ImportFileError(StoreError):
    """The file has problems; nothing was imported. ``issues`` lists every one."""

    def __init__(self, path: Path | None, issues: Sequence[ImportIssue]) -> None:
        self.issues = tuple(issues)
        name = f" from {path.name}" if path is not None else ""
        count = len(self.issues)
        lines = [f"Nothing was imported{name}: {count} problem{'s' if count != 1 else ''}."]
        lines += [str(i) for i in self.issues[:_MAX_LISTED]]
        if count > _MAX_LISTED:
            lines.append(f"… and {count - _MAX_LISTED} more.")
        super().__init__("\n".join(lines))
        self.path = path


@dataclass(frozen=True, slots=True)
class ImportReport:
    format: Format
    sessions_added: int
    sessions_skipped: int  # already in the log (same uuid)
    sets_added: int
    ratings_added: int


# -- export -----------------------------------------------------------------


def _cell(text: str) -> str:
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def _uncell(text: str) -> str:
    return text[1:] if text.startswith("'") else text


def _num(value: float) -> str:
    return repr(float(value))


def _csv_rows(snapshots: Iterable[SessionSnapshot]) -> Iterator[list[str]]:
    def row(**cells: str) -> list[str]:
        return [cells.get(c, "") for c in CSV_COLUMNS]

    for snap in snapshots:
        s = snap.session
        yield row(
            record="session",
            session_uuid=s.uuid,
            started_at=to_db_time(s.started_at),
            ended_at="" if s.ended_at is None else to_db_time(s.ended_at),
            tool_id=_cell(s.tool_id),
            position_id=_cell(s.position_id),
            sides=s.sides,
            status=s.status,
            note=_cell(s.note),
        )
        for t in snap.sets:
            yield row(
                record="set",
                session_uuid=s.uuid,
                seq=str(t.seq),
                side=t.side,
                level=str(t.level),
                variant_name=_cell(t.variant_name),
                breaths_planned=str(t.breaths_planned),
                breaths_done=str(t.breaths_done),
                released_breath="" if t.released_breath is None else str(t.released_breath),
                released_at_s="" if t.released_at_s is None else _num(t.released_at_s),
                duration_s=_num(t.duration_s),
                paused_s=_num(t.paused_s),
                outcome=t.outcome,
                recorded_at=to_db_time(t.recorded_at),
            )
        for r in snap.ratings:
            yield row(
                record="rating",
                session_uuid=s.uuid,
                side=r.side,
                moment=r.moment,
                value=str(r.value),
                recorded_at=to_db_time(r.recorded_at),
            )


def export_csv(store: Store, fp: TextIO) -> int:
    """Write the whole log as CSV to ``fp`` (open it with ``newline=""``); return sessions."""
    snapshots = store.snapshots()
    writer = csv.writer(fp, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    writer.writerows(_csv_rows(snapshots))
    return len(snapshots)


def _json_document(snapshots: Iterable[SessionSnapshot]) -> dict[str, object]:
    def opt_time(value: datetime | None) -> str | None:
        return None if value is None else to_db_time(value)

    return {
        "format": JSON_FORMAT_NAME,
        "version": JSON_VERSION,
        "sessions": [
            {
                "uuid": snap.session.uuid,
                "started_at": to_db_time(snap.session.started_at),
                "ended_at": opt_time(snap.session.ended_at),
                "tool_id": snap.session.tool_id,
                "position_id": snap.session.position_id,
                "sides": snap.session.sides,
                "status": snap.session.status,
                "note": snap.session.note,
                "sets": [
                    {
                        "seq": t.seq,
                        "side": t.side,
                        "level": t.level,
                        "variant_name": t.variant_name,
                        "breaths_planned": t.breaths_planned,
                        "breaths_done": t.breaths_done,
                        "released_breath": t.released_breath,
                        "released_at_s": (
                            None if t.released_at_s is None else float(t.released_at_s)
                        ),
                        "duration_s": float(t.duration_s),
                        "paused_s": float(t.paused_s),
                        "outcome": t.outcome,
                        "recorded_at": to_db_time(t.recorded_at),
                    }
                    for t in snap.sets
                ],
                "ratings": [
                    {
                        "side": r.side,
                        "moment": r.moment,
                        "value": r.value,
                        "recorded_at": to_db_time(r.recorded_at),
                    }
                    for r in snap.ratings
                ],
            }
            for snap in snapshots
        ],
    }


def export_json(store: Store, fp: TextIO) -> int:
    """Write the whole log as JSON to ``fp``; return the number of sessions."""
    snapshots = store.snapshots()
    fp.write(json.dumps(_json_document(snapshots), indent=2, ensure_ascii=False) + "\n")
    return len(snapshots)


def _os_failure(exc: OSError) -> WriteFailure:
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return "full"
    if exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        return "readonly"
    return "other"


def export_to_path(store: Store, path: Path, fmt: Format | None = None) -> int:
    """Export atomically to ``path`` (mode 0600); return the number of sessions.

    ``fmt`` defaults to the file's suffix. The file is written in full next to
    its destination and renamed over it, so ``path`` holds either the old
    content or the new, never half of it.
    """
    path = Path(path)
    chosen: Format = fmt or ("json" if path.suffix.lower() == ".json" else "csv")
    buffer = io.StringIO(newline="")
    count = (export_json if chosen == "json" else export_csv)(store, buffer)
    data = buffer.getvalue().encode("utf-8")
    tmp: str | None = None
    try:
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        with os.fdopen(fd, "wb") as f:
            os.fchmod(f.fileno(), 0o600)
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        Path(tmp).replace(path)
        tmp = None
        _fsync_dir(path.parent)
    except OSError as exc:
        raise StoreWriteError(
            f"Could not write the export {path}: {exc.strerror or exc}.", _os_failure(exc)
        ) from exc
    finally:
        if tmp is not None:
            with contextlib.suppress(OSError):
                Path(tmp).unlink()
    return count


def _fsync_dir(folder: Path) -> None:
    # Makes the rename itself durable; not every platform lets a folder be opened.
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        with contextlib.suppress(OSError):
            os.fsync(fd)
    finally:
        os.close(fd)


# -- import: reading fields ------------------------------------------------

_EPOCH: Final = datetime(1970, 1, 1, tzinfo=UTC)


class _Fields:
    """Typed access to one record's values, collecting a problem per bad field.

    A bad field yields a placeholder so parsing can go on and report every
    problem in the file; a record with any problem is never imported.
    """

    def __init__(
        self,
        values: Mapping[str, object],
        where: str,
        line: int | None,
        issues: list[ImportIssue],
        *,
        from_csv: bool,
    ) -> None:
        self.values = values
        self.where = where
        self.line = line
        self.issues = issues
        self.from_csv = from_csv
        self.ok = True
        self._failed: set[str] = set()

    def fail(self, name: str, message: str) -> None:
        # One problem per field: a missing value would otherwise be reported
        # again by every check that follows.
        if name in self._failed:
            return
        self._failed.add(name)
        self.issues.append(ImportIssue(self.where, name, message, self.line))
        self.ok = False

    def _raw(self, name: str) -> object:
        if name not in self.values:
            self.fail(name, "missing")
            return None
        value = self.values[name]
        return None if value == "" and self.from_csv else value

    def shown(self, value: object) -> str:
        text = repr(value) if not isinstance(value, str) or len(value) <= 40 else repr(value[:40])
        return "nothing" if value is None or value == "" else text

    def text(self, name: str, *, required: bool, limit: int) -> str:
        value = self._raw(name)
        if value is None:
            value = ""
        if not isinstance(value, str):
            self.fail(name, f"expected text, got {self.shown(value)}")
            return ""
        if self.from_csv:
            value = _uncell(value)
        if required and not value:
            self.fail(name, "expected text, got nothing")
        elif len(value) > limit:
            self.fail(name, f"expected at most {limit} characters, got {len(value)}")
        return value

    def uuid(self, name: str) -> str:
        value = self._raw(name)
        if isinstance(value, str):
            with contextlib.suppress(ValueError):
                return str(uuid_module.UUID(value))
        self.fail(
            name,
            f"expected a UUID like 0f8fad5b-d9cb-469f-a165-70867728950e, got {self.shown(value)}",
        )
        return ""

    def opt_time(self, name: str) -> datetime | None:
        value = self._raw(name)
        if value is None:
            return None
        stored: str | None = None
        if isinstance(value, str):
            # OverflowError: a valid time at the very edge of the calendar
            # that has no UTC equivalent.
            with contextlib.suppress(ValueError, OverflowError):
                when = datetime.fromisoformat(value)
                if when.utcoffset() is not None:
                    stored = to_db_time(when)
        if stored is None:
            self.fail(
                name,
                "expected an ISO 8601 time with a UTC offset like 2024-05-01T07:30:00Z, "
                f"got {self.shown(value)}",
            )
            return _EPOCH
        return datetime.fromisoformat(stored)

    def time(self, name: str) -> datetime:
        value = self.opt_time(name)
        if value is None:
            self.fail(name, "expected an ISO 8601 time like 2024-05-01T07:30:00Z, got nothing")
            return _EPOCH
        return value

    def opt_whole(self, name: str, low: int, high: int | None = None) -> int | None:
        value = self._raw(name)
        if value is None:
            return None
        number: int | None = None
        if self.from_csv and isinstance(value, str) and _WHOLE.fullmatch(value):
            number = int(value)
        elif isinstance(value, int) and not isinstance(value, bool):
            number = value
        if number is None or number < low or (high is not None and number > high):
            span = f"from {low} to {high}" if high is not None else f"≥ {low}"
            self.fail(name, f"expected a whole number {span}, got {self.shown(value)}")
            return low
        return number

    def whole(self, name: str, low: int, high: int | None = None) -> int:
        value = self.opt_whole(name, low, high)
        if value is None:
            self.fail(name, "expected a whole number, got nothing")
            return low
        return value

    def opt_seconds(self, name: str) -> float | None:
        value = self._raw(name)
        if value is None:
            return None
        number: float | None = None
        if (self.from_csv and isinstance(value, str) and _DECIMAL.fullmatch(value)) or (
            isinstance(value, int | float) and not isinstance(value, bool)
        ):
            number = float(value)
        if number is None or not 0 <= number < float("inf"):
            self.fail(name, f"expected a number of seconds ≥ 0, got {self.shown(value)}")
            return 0.0
        return number

    def seconds(self, name: str) -> float:
        value = self.opt_seconds(name)
        if value is None:
            self.fail(name, "expected a number of seconds, got nothing")
            return 0.0
        return value

    def choice(self, name: str, allowed: Sequence[str]) -> str:
        value = self._raw(name)
        if value not in allowed:
            options = ", ".join(allowed)
            self.fail(name, f"expected one of {options}, got {self.shown(value)}")
            return allowed[0]
        return cast(str, value)


# -- import: records --------------------------------------------------------


@dataclass
class _ParsedSession:
    fields: _Fields
    value: Session
    uuid_field: str


@dataclass
class _ParsedChild:
    fields: _Fields
    uuid: str
    set_row: SetRow | None = None
    rating: Rating | None = None
    parent: _ParsedSession | None = None  # where the nesting says (JSON)


def _parse_session(f: _Fields, uuid_field: str) -> _ParsedSession:
    uuid = f.uuid(uuid_field)
    started = f.time("started_at")
    ended = f.opt_time("ended_at")
    tool_id = f.text("tool_id", required=True, limit=NAME_MAX)
    position_id = f.text("position_id", required=True, limit=NAME_MAX)
    sides = cast(Sides, f.choice("sides", SIDES_VALUES))
    status = cast(SessionStatus, f.choice("status", STATUS_VALUES))
    note = f.text("note", required=False, limit=NOTE_MAX)
    if f.ok:
        if status == "running" and ended is not None:
            f.fail("ended_at", "must be empty while the status is running")
        elif status != "running" and ended is None:
            f.fail("ended_at", f"expected the end time of a {status} session, got nothing")
        elif ended is not None and ended < started:
            f.fail("ended_at", f"ends before it starts ({to_db_time(started)})")
    session = Session(0, uuid, started, ended, tool_id, position_id, sides, status, note)
    return _ParsedSession(f, session, uuid_field)


def _parse_set(f: _Fields, uuid: str) -> _ParsedChild:
    row = SetRow(
        id=0,
        session_id=0,
        seq=f.whole("seq", 1),
        side=cast(Side, f.choice("side", SIDE_VALUES)),
        level=f.whole("level", 0),
        variant_name=f.text("variant_name", required=False, limit=NAME_MAX),
        breaths_planned=f.whole("breaths_planned", 1),
        breaths_done=f.whole("breaths_done", 0),
        released_breath=f.opt_whole("released_breath", 1),
        released_at_s=f.opt_seconds("released_at_s"),
        duration_s=f.seconds("duration_s"),
        paused_s=f.seconds("paused_s"),
        outcome=cast(SetOutcome, f.choice("outcome", OUTCOME_VALUES)),
        recorded_at=f.time("recorded_at"),
    )
    if f.ok:
        for name, problem in set_problems(row):
            f.fail(name, problem)
    return _ParsedChild(f, uuid, set_row=row)


def _parse_rating(f: _Fields, uuid: str) -> _ParsedChild:
    rating = Rating(
        session_id=0,
        side=cast(Side, f.choice("side", SIDE_VALUES)),
        moment=cast(Moment, f.choice("moment", MOMENT_VALUES)),
        value=f.whole("value", 0, 10),
        recorded_at=f.time("recorded_at"),
    )
    return _ParsedChild(f, uuid, rating=rating)


def _assemble(
    sessions: list[_ParsedSession], children: list[_ParsedChild]
) -> list[SessionSnapshot]:
    """Check what spans records and build the snapshots; problems go to the fields' lists."""
    first_of: dict[str, _ParsedSession] = {}
    for s in sessions:
        uuid = s.value.uuid
        if not uuid:
            continue
        if uuid in first_of:
            earlier = first_of[uuid].fields.where
            s.fields.fail(s.uuid_field, f"a session with this uuid is already at {earlier}")
        else:
            first_of[uuid] = s
    sets: dict[str, list[SetRow]] = {}
    ratings: dict[str, list[Rating]] = {}
    seen: dict[tuple[object, ...], str] = {}
    for c in children:
        if not c.uuid:
            continue
        owner = first_of.get(c.uuid)
        if owner is None:
            c.fields.fail("session_uuid", "no session with this uuid is in the file")
            continue
        if c.parent is not None and c.parent is not owner:
            continue  # inside a repeated session, which is reported already
        side = c.set_row.side if c.set_row else cast(Rating, c.rating).side
        if owner.fields.ok and c.fields.ok and side not in _covered(owner.value.sides):
            c.fields.fail(
                "side",
                f"the session ({owner.fields.where}) covers the {owner.value.sides} side only, "
                f"got {side!r}",
            )
        if c.set_row is not None:
            key: tuple[object, ...] = ("set", c.uuid, c.set_row.seq)
            name, label = "seq", f"set {c.set_row.seq} of this session"
        else:
            r = cast(Rating, c.rating)
            key = ("rating", c.uuid, r.side, r.moment)
            name, label = "moment", f"the {r.side} {r.moment} rating of this session"
        if c.fields.ok:
            if key in seen:
                c.fields.fail(name, f"duplicate: {label} is already at {seen[key]}")
            else:
                seen[key] = c.fields.where
        if c.set_row is not None:
            sets.setdefault(c.uuid, []).append(c.set_row)
        elif c.rating is not None:
            ratings.setdefault(c.uuid, []).append(c.rating)
    return [
        SessionSnapshot(
            s.value,
            tuple(sorted(sets.get(uuid, ()), key=lambda t: t.seq)),
            tuple(
                sorted(
                    ratings.get(uuid, ()),
                    key=lambda r: (SIDE_VALUES.index(r.side), _MOMENT_ORDER[r.moment]),
                )
            ),
        )
        for uuid, s in first_of.items()
    ]


def _covered(sides: Sides) -> tuple[Side, ...]:
    return SIDE_VALUES if sides == "both" else (sides,)


# -- import: CSV ------------------------------------------------------------


def _decode(data: bytes) -> str:
    try:
        # utf-8-sig: spreadsheet programs like to start a UTF-8 file with a BOM.
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ImportFileError(
            None,
            [
                ImportIssue(
                    f"line {line}",
                    "encoding",
                    f"expected UTF-8 text, found byte 0x{data[exc.start]:02x}; save the file "
                    "as CSV UTF-8",
                    line,
                )
            ],
        ) from exc


def _read_csv(data: bytes) -> list[SessionSnapshot]:
    text = _decode(data)
    issues: list[ImportIssue] = []

    def stop(line: int, name: str, message: str) -> ImportFileError:
        issues.append(ImportIssue(f"line {line}", name, message, line))
        return ImportFileError(None, issues)

    header_text = ",".join(CSV_COLUMNS)
    if not text.strip():
        raise stop(1, "header", f"the file is empty; expected the header row {header_text}")
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    rows: list[tuple[int, list[str]]] = []
    start = 1
    try:
        for row in reader:
            rows.append((start, row))
            start = reader.line_num + 1
    except csv.Error as exc:
        raise stop(start, "row", f"not valid CSV: {exc}") from exc
    rows = [(n, r) for n, r in rows if r]  # blank lines
    header_line, header = rows[0]
    known = set(CSV_COLUMNS)
    if not known.intersection(header):
        raise stop(header_line, "header", f"expected the Psoas Timer header row {header_text}")
    for index, name in enumerate(header):
        if name not in known:
            issues.append(
                ImportIssue(
                    f"line {header_line}",
                    name or f"#{index + 1}",
                    f"unexpected column {name!r} (column {index + 1})",
                    header_line,
                )
            )
        elif header.index(name) != index:
            issues.append(
                ImportIssue(f"line {header_line}", name, "the column appears twice", header_line)
            )
    for name in CSV_COLUMNS:
        if name not in header:
            issues.append(ImportIssue(f"line {header_line}", name, "missing column", header_line))
    if issues:
        raise ImportFileError(None, issues)

    sessions: list[_ParsedSession] = []
    children: list[_ParsedChild] = []
    for line, row in rows[1:]:
        where = f"line {line}"
        if len(row) < len(header):
            issues.append(
                ImportIssue(
                    where,
                    header[len(row)],
                    f"missing value: the row has {len(row)} values, the header {len(header)}",
                    line,
                )
            )
            continue
        if len(row) > len(header):
            issues.append(
                ImportIssue(
                    where,
                    f"#{len(header) + 1}",
                    f"unexpected extra value: the row has {len(row)} values, the header "
                    f"{len(header)}",
                    line,
                )
            )
            continue
        values = dict(zip(header, row, strict=True))
        f = _Fields(values, where, line, issues, from_csv=True)
        record = f.choice("record", tuple(_CSV_RECORDS))
        if not f.ok:
            continue
        for name in CSV_COLUMNS:
            if values[name] and name not in _CSV_RECORDS[record]:
                f.fail(name, f"must be empty in a {record} row, got {f.shown(values[name])}")
        if record == "session":
            sessions.append(_parse_session(f, "session_uuid"))
        elif record == "set":
            children.append(_parse_set(f, f.uuid("session_uuid")))
        else:
            children.append(_parse_rating(f, f.uuid("session_uuid")))
    snapshots = _assemble(sessions, children)
    if issues:
        raise ImportFileError(None, sorted(issues, key=lambda i: i.line or 0))
    return snapshots


# -- import: JSON -----------------------------------------------------------

_JSON_SESSION_KEYS: Final = frozenset(("uuid", *_SESSION_FIELDS, "sets", "ratings"))
_JSON_SET_KEYS: Final = frozenset(_SET_FIELDS)
_JSON_RATING_KEYS: Final = frozenset(_RATING_FIELDS)


def _read_json(data: bytes) -> list[SessionSnapshot]:
    text = _decode(data)
    issues: list[ImportIssue] = []
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        issues.append(ImportIssue(f"line {exc.lineno}", "json", f"not valid JSON: {exc.msg}"))
        raise ImportFileError(None, issues) from exc
    if not isinstance(doc, dict) or doc.get("format") != JSON_FORMAT_NAME:
        issues.append(ImportIssue("document", "format", f"expected {JSON_FORMAT_NAME!r}"))
        raise ImportFileError(None, issues)
    version = doc.get("version")
    if version != JSON_VERSION:
        issues.append(
            ImportIssue(
                "document",
                "version",
                f"expected {JSON_VERSION}, got {version!r} (a newer app may have written it)",
            )
        )
    raw_sessions = doc.get("sessions")
    if not isinstance(raw_sessions, list):
        issues.append(ImportIssue("document", "sessions", "expected a list of sessions"))
    if issues:
        raise ImportFileError(None, issues)

    def fields(obj: object, where: str, keys: frozenset[str]) -> _Fields | None:
        if not isinstance(obj, dict):
            issues.append(ImportIssue(where, "*", f"expected an object, got {type(obj).__name__}"))
            return None
        f = _Fields(obj, where, None, issues, from_csv=False)
        for extra in sorted(set(obj) - keys):
            f.fail(str(extra), "unexpected field")
        return f

    sessions: list[_ParsedSession] = []
    children: list[_ParsedChild] = []
    for i, raw in enumerate(cast(list[object], raw_sessions)):
        where = f"sessions[{i}]"
        f = fields(raw, where, _JSON_SESSION_KEYS)
        if f is None:
            continue
        parsed = _parse_session(f, "uuid")
        sessions.append(parsed)
        obj = cast(dict[str, object], raw)
        for kind, keys in (("sets", _JSON_SET_KEYS), ("ratings", _JSON_RATING_KEYS)):
            items = obj.get(kind)
            if not isinstance(items, list):
                f.fail(kind, "expected a list")
                continue
            for j, item in enumerate(items):
                child = fields(item, f"{where}.{kind}[{j}]", keys)
                if child is None:
                    continue
                parse = _parse_set if kind == "sets" else _parse_rating
                item_parsed = parse(child, parsed.value.uuid)
                item_parsed.parent = parsed
                children.append(item_parsed)
    snapshots = _assemble(sessions, children)
    if issues:
        raise ImportFileError(None, issues)
    return snapshots


# -- import -----------------------------------------------------------------


def parse_file(data: bytes, fmt: Format) -> list[SessionSnapshot]:
    """Validate a whole file; raise :class:`ImportFileError` listing every problem."""
    return _read_json(data) if fmt == "json" else _read_csv(data)


def detect_format(path: Path, data: bytes) -> Format:
    suffix = path.suffix.lower()
    if suffix in (".csv", ".json"):
        return cast(Format, suffix[1:])
    return "json" if data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{") else "csv"


def import_file(store: Store, path: Path, fmt: Format | None = None) -> ImportReport:
    """Import an export file: all of it, or (on any problem) nothing."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise StoreError(f"Could not read {path}: {exc.strerror or exc}.") from exc
    chosen = fmt or detect_format(path, data)
    try:
        snapshots = parse_file(data, chosen)
    except ImportFileError as exc:
        raise ImportFileError(path, exc.issues) from None
    result = store.merge_snapshots(snapshots)
    return ImportReport(
        chosen,
        result.sessions_added,
        result.sessions_skipped,
        result.sets_added,
        result.ratings_added,
    )
