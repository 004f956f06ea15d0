"""Reading the records of an import file, collecting every problem on the way.

A :class:`RecordReader` gives typed access to the values of one record (a CSV
row or a JSON object) and notes a problem for each bad field instead of
stopping, so one pass over a file reports everything that is wrong with it.
What spans records (each set and rating has its session, nothing is there
twice) is checked in :mod:`psoas_timer.store.exchange.crosscheck`.
"""

from __future__ import annotations

import contextlib
import re
import reprlib
import uuid as uuid_module
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Final, TypeVar

from psoas_timer.core.i18n import _, ngettext
from psoas_timer.core.jsonsafe import LongNumber
from psoas_timer.core.vocab import (
    MOMENT_VALUES,
    NEXT_DAY_VALUES,
    OUTCOME_VALUES,
    RATING_MAX,
    RATING_MIN,
    SIDE_VALUES,
    SIDES_VALUES,
    STATUS_VALUES,
    STOP_REASON_VALUES,
)
from psoas_timer.store.checks import (
    NAME_MAX,
    NOTE_MAX,
    SECONDS_MAX,
    WHOLE_MAX,
    next_day_problems,
    set_problems,
)
from psoas_timer.store.errors import StoreError
from psoas_timer.store.exchange.format import YES_NO, unescape_cell
from psoas_timer.store.records import NextDayCheck, Rating, Session, SetRow, StopRow, to_db_time

_MAX_LISTED: Final = 25
_WHOLE = re.compile(r"-?[0-9]+")
# The forms the export writes, read without a detour (a million rows add up).
_CANONICAL_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_CANONICAL_TIME = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z")
_DECIMAL = re.compile(r"[0-9]+(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?")
#: Longer digit strings are not converted: no stored count has more digits.
_WHOLE_DIGITS: Final = len(str(WHOLE_MAX)) + 1
_Choice = TypeVar("_Choice", bound=str)
_SHOWN = reprlib.Repr()
_SHOWN.maxstring = 44
_SHOWN.maxother = 44
_SHOWN.maxlist = _SHOWN.maxdict = _SHOWN.maxtuple = 4
_SHOWN.maxlevel = 2

#: No session can be older than this: the app did not exist.
EARLIEST: Final = datetime(2000, 1, 1, tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class ImportIssue:
    """One problem in an import file. ``where`` is ``line N``; JSON adds the path to the value."""

    where: str
    field: str
    message: str
    line: int | None = None

    def __str__(self) -> str:
        # A field name comes from the file, so it may hold anything at all.
        field = self.field if len(self.field) <= 40 else self.field[:40] + "…"
        field = field if field.isprintable() else ascii(field)
        return _("{where}: field {field}: {problem}").format(
            where=self.where, field=field, problem=self.message
        )


class Issues(list[ImportIssue]):
    """The problems found so far; all are counted, the first :data:`KEPT` kept.

    A file with a million bad rows must not need a million issues in memory.
    """

    KEPT: Final = 1000

    def __init__(self) -> None:
        super().__init__()
        self.total = 0

    def append(self, issue: ImportIssue) -> None:
        self.total += 1
        if len(self) < self.KEPT:
            super().append(issue)


class ImportFileError(StoreError):
    """The file has problems; nothing was imported. ``issues`` lists them (up to 1,000).

    ``total`` counts every problem found, listed or not.
    """

    def __init__(
        self, path: Path | None, issues: Sequence[ImportIssue], total: int | None = None
    ) -> None:
        self.issues = tuple(issues)
        count = max(total or 0, len(self.issues))
        self.total = count
        if path is None:
            head = ngettext(
                "Nothing was imported: {n} problem.", "Nothing was imported: {n} problems.", count
            )
        else:
            head = ngettext(
                "Nothing was imported from {file}: {n} problem.",
                "Nothing was imported from {file}: {n} problems.",
                count,
            )
        lines = [head.format(n=count, file=path.name if path is not None else "")]
        lines += [str(i) for i in self.issues[:_MAX_LISTED]]
        if count > _MAX_LISTED:
            lines.append(_("… and {n} more.").format(n=count - _MAX_LISTED))
        super().__init__("\n".join(lines))
        self.path = path


def stop(line: int, field: str, message: str, where: str | None = None) -> ImportFileError:
    """A problem that ends the reading of a file at once."""
    return ImportFileError(
        None, [ImportIssue(where or _("line {n}").format(n=line), field, message, line)]
    )


@dataclass(frozen=True, slots=True)
class TimeLimits:
    """The span an imported time must fall in: from :data:`EARLIEST` to a day after now."""

    now: datetime

    @property
    def latest(self) -> datetime:
        return self.now + timedelta(days=1)


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
        limits: TimeLimits,
        *,
        from_csv: bool,
        line_of: Callable[[str], int] | None = None,
    ) -> None:
        """``line_of`` gives the line of a field (JSON); ``where`` is then a path."""
        self.values = values
        self._line_of = line_of
        self.where = where
        self.line = line
        self.issues = issues
        self.limits = limits
        self.from_csv = from_csv
        self.ok = True
        self._failed: set[str] = set()

    def fail(self, name: str, message: str) -> None:
        # One problem per field: a missing value would otherwise be reported
        # again by every check that follows.
        if name in self._failed:
            return
        self._failed.add(name)
        if self._line_of is None:
            self.issues.append(ImportIssue(self.where, name, message, self.line))
        else:
            line = self._line_of(name)
            self.issues.append(
                ImportIssue(
                    _("line {n}, {where}").format(n=line, where=self.where), name, message, line
                )
            )
        self.ok = False

    def _raw(self, name: str) -> object:
        if name not in self.values:
            self.fail(name, "missing")
            return None
        value = self.values[name]
        return None if value == "" and self.from_csv else value

    def shown(self, value: object) -> str:
        """``value`` as a problem names it: short, whatever it is."""
        if value is None or value == "":
            return "nothing"
        if isinstance(value, str) and len(value) > 40:
            value = value[:40]
        return _SHOWN.repr(value)

    def text(self, name: str, *, required: bool, limit: int) -> str:
        value = self._raw(name)
        if value is None:
            value = ""
        if not isinstance(value, str):
            self.fail(name, _("expected text, got {value}").format(value=self.shown(value)))
            return ""
        if self.from_csv:
            value = unescape_cell(value)
        if required and not value:
            self.fail(name, _("expected text, got nothing"))
        elif len(value) > limit:
            self.fail(
                name,
                _("expected at most {limit} characters, got {n}").format(limit=limit, n=len(value)),
            )
        else:
            try:
                value.encode("utf-8")
            except UnicodeEncodeError as exc:
                # Only a JSON escape such as \ud800 can make one.
                code = ord(value[exc.start])
                self.fail(
                    name,
                    _(
                        "holds a lone surrogate ({code}) at character {n}, "
                        "half of a character that cannot be stored; remove it from the file"
                    ).format(code=f"\\u{code:04x}", n=exc.start + 1),
                )
        return value

    def uuid(self, name: str) -> str:
        value = self._raw(name)
        if isinstance(value, str) and len(value) <= 45:
            if _CANONICAL_UUID.fullmatch(value):
                return value
            with contextlib.suppress(ValueError):
                return str(uuid_module.UUID(value))
        self.fail(
            name,
            _("expected a UUID like {example}, got {value}").format(
                example="0f8fad5b-d9cb-469f-a165-70867728950e", value=self.shown(value)
            ),
        )
        return ""

    def opt_time(self, name: str) -> datetime | None:
        value = self._raw(name)
        if value is None:
            return None
        stored: str | None = None
        if isinstance(value, str) and _CANONICAL_TIME.fullmatch(value):
            with contextlib.suppress(ValueError):
                datetime.fromisoformat(value)  # 2024-02-30 matches the pattern too
                stored = value
        elif isinstance(value, str) and len(value) <= 40:
            # OverflowError: a valid time at the very edge of the calendar
            # that has no UTC equivalent.
            with contextlib.suppress(ValueError, OverflowError):
                when = datetime.fromisoformat(value)
                if when.utcoffset() is not None:
                    stored = to_db_time(when)
        if stored is None:
            self.fail(
                name,
                _("expected an ISO 8601 time with a UTC offset like {example}, got {value}").format(
                    example="2024-05-01T07:30:00Z", value=self.shown(value)
                ),
            )
            return _EPOCH
        when = datetime.fromisoformat(stored)
        if when < EARLIEST:
            self.fail(
                name,
                _("{time} is before {earliest}: no session can be that old").format(
                    time=stored, earliest="2000-01-01"
                ),
            )
        elif when > self.limits.latest:
            self.fail(
                name,
                _(
                    "{time} is more than a day in the future (it is now {now}); check the date"
                ).format(time=stored, now=to_db_time(self.limits.now)),
            )
        return when

    def time(self, name: str) -> datetime:
        value = self.opt_time(name)
        if value is None:
            self.fail(
                name,
                _("expected an ISO 8601 time like {example}, got nothing").format(
                    example="2024-05-01T07:30:00Z"
                ),
            )
            return _EPOCH
        return value

    def opt_whole(self, name: str, low: int, high: int = WHOLE_MAX) -> int | None:
        value = self._raw(name)
        if value is None:
            return None
        number: int | None = None
        if self.from_csv and isinstance(value, str):
            if len(value) > _WHOLE_DIGITS and _WHOLE.fullmatch(value):
                value = LongNumber(len(value.lstrip("-")))
            elif _WHOLE.fullmatch(value):
                number = int(value)
        elif isinstance(value, int) and not isinstance(value, bool):
            number = value
        if number is None or not low <= number <= high:
            shown = self.shown(value)
            self.fail(
                name,
                _("expected a whole number from {low} to {high}, got {value}").format(
                    low=low, high=f"{high:,}", value=shown
                ),
            )
            return low
        return number

    def whole(self, name: str, low: int, high: int = WHOLE_MAX) -> int:
        value = self.opt_whole(name, low, high)
        if value is None:
            self.fail(name, _("expected a whole number, got nothing"))
            return low
        return value

    def opt_seconds(self, name: str) -> float | None:
        value = self._raw(name)
        if value is None:
            return None
        number: float | None = None
        if self.from_csv and isinstance(value, str) and _DECIMAL.fullmatch(value):
            number = float(value)  # an overlong one reads as inf, refused below
        elif isinstance(value, float) or (isinstance(value, int) and not isinstance(value, bool)):
            # An int too big for a float (10**400) is simply out of range.
            number = float(value) if abs(value) <= SECONDS_MAX else float("inf")
        if number is None or not 0 <= number <= SECONDS_MAX:
            self.fail(
                name,
                _("expected a number of seconds from 0 to {high}, got {value}").format(
                    high=f"{SECONDS_MAX:,}", value=self.shown(value)
                ),
            )
            return 0.0
        return number

    def seconds(self, name: str) -> float:
        value = self.opt_seconds(name)
        if value is None:
            self.fail(name, _("expected a number of seconds, got nothing"))
            return 0.0
        return value

    def opt_choice(self, name: str, allowed: Sequence[_Choice]) -> _Choice | None:
        """One of ``allowed``, or ``None`` for an empty value."""
        if self._raw(name) is None:
            return None
        return self.choice(name, allowed)

    def opt_yes_no(self, name: str) -> bool | None:
        """``yes``/``no`` in CSV, ``true``/``false`` in JSON; ``None`` for an empty value."""
        value = self._raw(name)
        if value is None:
            return None
        if self.from_csv and value in YES_NO:
            return value == YES_NO[0]
        if not self.from_csv and isinstance(value, bool):
            return value
        expected = _("yes or no") if self.from_csv else _("true or false")
        self.fail(
            name,
            _("expected {expected}, got {value}").format(
                expected=expected, value=self.shown(value)
            ),
        )
        return None

    def choice(self, name: str, allowed: Sequence[_Choice]) -> _Choice:
        value = self._raw(name)
        for option in allowed:
            if value == option:
                return option
        self.fail(
            name,
            _("expected one of {choices}, got {value}").format(
                choices=", ".join(allowed), value=self.shown(value)
            ),
        )
        return allowed[0]


def read_session(f: RecordReader, uuid_field: str) -> Session:
    """The session a record holds; its problems go to ``f``."""
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
            f.fail("ended_at", _("must be empty while the status is running"))
        elif status != "running" and ended is None:
            f.fail(
                "ended_at",
                _("expected the end time of a {status} session, got nothing").format(status=status),
            )
        elif ended is not None and ended < started:
            f.fail("ended_at", _("ends before it starts ({time})").format(time=to_db_time(started)))
    return Session(0, uuid, started, ended, tool_id, position_id, sides, status, note)


def read_set(f: RecordReader) -> SetRow:
    """The set a record holds; its problems go to ``f``."""
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
    return row


def read_rating(f: RecordReader) -> Rating:
    """The rating a record holds; its problems go to ``f``."""
    return Rating(
        session_id=0,
        side=f.choice("side", SIDE_VALUES),
        moment=f.choice("moment", MOMENT_VALUES),
        value=f.whole("value", RATING_MIN, RATING_MAX),
        recorded_at=f.time("recorded_at"),
    )


def read_next_day(f: RecordReader) -> NextDayCheck:
    """The next-day check a record holds; its problems go to ``f``."""
    check = NextDayCheck(
        session_id=0,
        feeling=f.opt_choice("feeling", NEXT_DAY_VALUES),
        lasting_soreness=f.opt_yes_no("lasting_soreness"),
        recorded_at=f.time("recorded_at"),
    )
    if f.ok:
        for name, problem in next_day_problems(check.feeling, check.lasting_soreness):
            f.fail(name, problem)
    return check


def read_stop(f: RecordReader) -> StopRow:
    """The stop a record holds; its problems go to ``f``."""
    return StopRow(
        id=0,
        session_id=0,
        seq=f.whole("seq", 1),
        side=f.choice("side", SIDE_VALUES),
        level=f.whole("level", 0),
        breath=f.opt_whole("breath", 1),
        reason=f.choice("reason", STOP_REASON_VALUES),
        recorded_at=f.time("recorded_at"),
    )
