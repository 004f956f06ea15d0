"""Reading the records of an import file, collecting every problem on the way.

A :class:`RecordReader` gives typed access to the values of one record (a CSV
row or a JSON object) and notes a problem for each bad field instead of
stopping, so one pass over a file reports everything that is wrong with it.
:func:`assemble` then checks what spans records (each set and rating has its
session, nothing is there twice) and builds the snapshots to import.
"""

from __future__ import annotations

import contextlib
import re
import uuid as uuid_module
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Final, TypeVar

from psoas_timer.core.vocab import (
    MOMENT_VALUES,
    OUTCOME_VALUES,
    RATING_MAX,
    RATING_MIN,
    SIDE_VALUES,
    SIDES_VALUES,
    STATUS_VALUES,
    STOP_REASON_VALUES,
    sides_of,
)
from psoas_timer.store.checks import NAME_MAX, NOTE_MAX, set_problems
from psoas_timer.store.errors import StoreError
from psoas_timer.store.exchange.format import CSV_LATER_COLUMNS, unescape_cell
from psoas_timer.store.records import (
    Rating,
    Session,
    SessionSnapshot,
    SetRow,
    StopRow,
    to_db_time,
)

_MAX_LISTED: Final = 25
_WHOLE = re.compile(r"-?[0-9]+")
_DECIMAL = re.compile(r"[0-9]+(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?")
_Choice = TypeVar("_Choice", bound=str)


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


#: What a bad time reads as, so that reading can go on.
_EPOCH: Final = datetime(1970, 1, 1, tzinfo=UTC)


class RecordReader:
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
            if self.from_csv and name in CSV_LATER_COLUMNS:
                return None  # a file from before the column existed
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
            value = unescape_cell(value)
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

    def choice(self, name: str, allowed: Sequence[_Choice]) -> _Choice:
        value = self._raw(name)
        for option in allowed:
            if value == option:
                return option
        self.fail(name, f"expected one of {', '.join(allowed)}, got {self.shown(value)}")
        return allowed[0]


@dataclass
class ParsedSession:
    reader: RecordReader
    value: Session
    uuid_field: str


@dataclass
class ParsedChild:
    """A set, a rating or a stop, and the uuid of the session it says it belongs to."""

    reader: RecordReader
    uuid: str
    value: SetRow | Rating | StopRow
    parent: ParsedSession | None = None  # where the nesting says (JSON)


def read_session(f: RecordReader, uuid_field: str) -> ParsedSession:
    uuid = f.uuid(uuid_field)
    started = f.time("started_at")
    ended = f.opt_time("ended_at")
    tool_id = f.text("tool_id", required=True, limit=NAME_MAX)
    position_id = f.text("position_id", required=True, limit=NAME_MAX)
    sides = f.choice("sides", SIDES_VALUES)
    status = f.choice("status", STATUS_VALUES)
    note = f.text("note", required=False, limit=NOTE_MAX)
    if f.ok:
        if status == "running" and ended is not None:
            f.fail("ended_at", "must be empty while the status is running")
        elif status != "running" and ended is None:
            f.fail("ended_at", f"expected the end time of a {status} session, got nothing")
        elif ended is not None and ended < started:
            f.fail("ended_at", f"ends before it starts ({to_db_time(started)})")
    session = Session(0, uuid, started, ended, tool_id, position_id, sides, status, note)
    return ParsedSession(f, session, uuid_field)


def read_set(f: RecordReader, uuid: str) -> ParsedChild:
    row = SetRow(
        id=0,
        session_id=0,
        seq=f.whole("seq", 1),
        side=f.choice("side", SIDE_VALUES),
        level=f.whole("level", 0),
        variant_name=f.text("variant_name", required=False, limit=NAME_MAX),
        breaths_planned=f.whole("breaths_planned", 1),
        breaths_done=f.whole("breaths_done", 0),
        released_breath=f.opt_whole("released_breath", 1),
        released_at_s=f.opt_seconds("released_at_s"),
        duration_s=f.seconds("duration_s"),
        paused_s=f.seconds("paused_s"),
        outcome=f.choice("outcome", OUTCOME_VALUES),
        recorded_at=f.time("recorded_at"),
    )
    if f.ok:
        for name, problem in set_problems(row):
            f.fail(name, problem)
    return ParsedChild(f, uuid, row)


def read_rating(f: RecordReader, uuid: str) -> ParsedChild:
    rating = Rating(
        session_id=0,
        side=f.choice("side", SIDE_VALUES),
        moment=f.choice("moment", MOMENT_VALUES),
        value=f.whole("value", RATING_MIN, RATING_MAX),
        recorded_at=f.time("recorded_at"),
    )
    return ParsedChild(f, uuid, rating)


def read_stop(f: RecordReader, uuid: str) -> ParsedChild:
    stop = StopRow(
        id=0,
        session_id=0,
        seq=f.whole("seq", 1),
        side=f.choice("side", SIDE_VALUES),
        level=f.whole("level", 0),
        breath=f.opt_whole("breath", 1),
        reason=f.choice("reason", STOP_REASON_VALUES),
        recorded_at=f.time("recorded_at"),
    )
    return ParsedChild(f, uuid, stop)


def assemble(sessions: list[ParsedSession], children: list[ParsedChild]) -> list[SessionSnapshot]:
    """Check what spans records and build the snapshots; problems go to the readers' lists."""
    first_of: dict[str, ParsedSession] = {}
    for s in sessions:
        uuid = s.value.uuid
        if not uuid:
            continue
        if uuid in first_of:
            earlier = first_of[uuid].reader.where
            s.reader.fail(s.uuid_field, f"a session with this uuid is already at {earlier}")
        else:
            first_of[uuid] = s
    sets: dict[str, list[SetRow]] = {}
    ratings: dict[str, list[Rating]] = {}
    stops: dict[str, list[StopRow]] = {}
    seen: dict[tuple[object, ...], str] = {}
    for c in children:
        if not c.uuid:
            continue
        owner = first_of.get(c.uuid)
        if owner is None:
            c.reader.fail("session_uuid", "no session with this uuid is in the file")
            continue
        if c.parent is not None and c.parent is not owner:
            continue  # inside a repeated session, which is reported already
        value = c.value
        if owner.reader.ok and c.reader.ok and value.side not in sides_of(owner.value.sides):
            c.reader.fail(
                "side",
                f"the session ({owner.reader.where}) covers the {owner.value.sides} side only, "
                f"got {value.side!r}",
            )
        if isinstance(value, SetRow):
            key: tuple[object, ...] = ("set", c.uuid, value.seq)
            name, label = "seq", f"set {value.seq} of this session"
        elif isinstance(value, StopRow):
            key = ("stop", c.uuid, value.seq)
            name, label = "seq", f"stop {value.seq} of this session"
        else:
            key = ("rating", c.uuid, value.side, value.moment)
            name, label = "moment", f"the {value.side} {value.moment} rating of this session"
        if c.reader.ok:
            if key in seen:
                c.reader.fail(name, f"duplicate: {label} is already at {seen[key]}")
            else:
                seen[key] = c.reader.where
        if isinstance(value, SetRow):
            sets.setdefault(c.uuid, []).append(value)
        elif isinstance(value, StopRow):
            stops.setdefault(c.uuid, []).append(value)
        else:
            ratings.setdefault(c.uuid, []).append(value)
    return [
        SessionSnapshot(
            s.value,
            tuple(sorted(sets.get(uuid, ()), key=lambda t: t.seq)),
            tuple(
                sorted(
                    ratings.get(uuid, ()),
                    key=lambda r: (SIDE_VALUES.index(r.side), MOMENT_VALUES.index(r.moment)),
                )
            ),
            tuple(sorted(stops.get(uuid, ()), key=lambda t: t.seq)),
        )
        for uuid, s in first_of.items()
    ]
