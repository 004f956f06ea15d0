"""What spans the records of an import file, checked while the file streams past.

Each set, rating, stop and next-day check must have its session in the file,
sets, ratings and stops on a side the session covers, and nothing may be there
twice.
Only what these checks need is kept, in a compact form (numbers, not
records), so checking a file of a million rows takes tens of megabytes, not
gigabytes. A record that comes before its session waits in a list until the
session arrives or the file ends; exports never do that, so the list stays
empty for them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Final

from psoas_timer.core.i18n import _
from psoas_timer.core.vocab import (
    MOMENT_VALUES,
    SIDE_VALUES,
    SIDES_VALUES,
    Side,
    Sides,
    sides_of,
)
from psoas_timer.store.exchange.reader import ImportIssue, RecordReader
from psoas_timer.store.records import NextDayCheck, Rating, SetRow, StopRow

# A session's sides, packed into its entry with the line it is on (0: the
# session row had problems, so its children are not checked against it).
_SIDES_CODE: Final = {sides: n + 1 for n, sides in enumerate(SIDES_VALUES)}
_CODE_SIDES: Final = {n: sides for sides, n in _SIDES_CODE.items()}
_RATING_PART: Final = {
    (side, moment): 2 * i + j
    for i, side in enumerate(SIDE_VALUES)
    for j, moment in enumerate(MOMENT_VALUES)
}

Fail = Callable[[str, str], None]
Child = SetRow | Rating | NextDayCheck | StopRow


def _key(uuid: str) -> int:
    """The uuid as a number: a third of the memory of its text, for the same identity."""
    return int(uuid.replace("-", ""), 16)


class CrossCheck:
    """The checks that span records, for files whose records name their session (CSV).

    Sessions are placed by ``loc`` (the CSV line), which also names them in
    messages through ``where_of``.
    """

    def __init__(self, issues: list[ImportIssue], where_of: Callable[[int], str]) -> None:
        self._issues = issues
        self._where_of = where_of
        self._sessions: dict[int, int] = {}  # uuid -> loc << 2 | sides code
        self._sets: dict[int, int] = {}  # session loc << 32 | seq -> loc
        self._ratings: dict[int, int] = {}  # session loc << 32 | side and moment -> loc
        self._stops: dict[int, int] = {}  # session loc << 32 | seq -> loc
        self._checks: dict[int, int] = {}  # session loc -> loc of its next-day check
        self._waiting: list[tuple[int, int, Child, bool]] = []

    def session(
        self, loc: int, reader: RecordReader, uuid_field: str, uuid: str, sides: Sides
    ) -> None:
        if not uuid:
            return  # reported already
        key = _key(uuid)
        earlier = self._sessions.get(key)
        if earlier is not None:
            where = self._where_of(earlier >> 2)
            reader.fail(
                uuid_field, _("a session with this uuid is already at {where}").format(where=where)
            )
            return
        self._sessions[key] = loc << 2 | (_SIDES_CODE[sides] if reader.ok else 0)

    def child(self, loc: int, reader: RecordReader, uuid: str, value: Child) -> None:
        if not uuid:
            return
        key = _key(uuid)
        owner = self._sessions.get(key)
        if owner is None:
            self._waiting.append((key, loc, value, reader.ok))
            return
        self._check(owner, loc, value, reader.ok, reader.fail)

    def finish(self) -> None:
        """Check the children that came before their session, now the file has ended."""
        for key, loc, value, ok in self._waiting:
            # Each gets one problem at most, so no reader is needed to keep them apart.
            def fail(name: str, message: str, loc: int = loc) -> None:
                self._issues.append(ImportIssue(self._where_of(loc), name, message, loc))

            owner = self._sessions.get(key)
            if owner is None:
                fail("session_uuid", _("no session with this uuid is in the file"))
            else:
                self._check(owner, loc, value, ok, fail)
        self._waiting.clear()

    def _check(self, owner: int, loc: int, value: Child, ok: bool, fail: Fail) -> None:
        owner_loc, code = owner >> 2, owner & 3
        if isinstance(value, NextDayCheck):
            if ok and owner_loc in self._checks:
                where = self._where_of(self._checks[owner_loc])
                fail(
                    "record",
                    _("duplicate: the next-day check of this session is already at {where}").format(
                        where=where
                    ),
                )
            elif ok:
                self._checks[owner_loc] = loc
            return
        if code and ok and value.side not in sides_of(_CODE_SIDES[code]):
            fail(
                "side",
                _("the session ({where}) covers the {sides} side only, got {side}").format(
                    where=self._where_of(owner_loc), sides=_CODE_SIDES[code], side=repr(value.side)
                ),
            )
            return
        if not ok:
            return
        if isinstance(value, SetRow):
            table, part = self._sets, value.seq
            name, label = "seq", _("set {n} of this session").format(n=value.seq)
        elif isinstance(value, StopRow):
            table, part = self._stops, value.seq
            name, label = "seq", _("stop {n} of this session").format(n=value.seq)
        else:
            table, part = self._ratings, _RATING_PART[value.side, value.moment]
            name, label = (
                "moment",
                _("the {side} {moment} rating of this session").format(
                    side=value.side, moment=value.moment
                ),
            )
        dedup = owner_loc << 32 | part
        if dedup in table:
            fail(
                name,
                _("duplicate: {record} is already at {where}").format(
                    record=label, where=self._where_of(table[dedup])
                ),
            )
        else:
            table[dedup] = loc


def check_children(
    sides: Sides,
    session_ok: bool,
    children: list[tuple[RecordReader, SetRow | Rating | StopRow]],
) -> None:
    """The checks that span records inside one JSON session: sides and duplicates.

    A JSON session holds at most one next-day check by its shape, so none come here.
    """
    seen: dict[tuple[object, ...], str] = {}
    covered: tuple[Side, ...] = sides_of(sides)
    for reader, value in children:
        if session_ok and reader.ok and value.side not in covered:
            reader.fail(
                "side",
                _("the session covers the {sides} side only, got {side}").format(
                    sides=sides, side=repr(value.side)
                ),
            )
        if not reader.ok:
            continue
        if isinstance(value, SetRow):
            key: tuple[object, ...] = ("set", value.seq)
            name, label = "seq", _("set {n} of this session").format(n=value.seq)
        elif isinstance(value, StopRow):
            key = ("stop", value.seq)
            name, label = "seq", _("stop {n} of this session").format(n=value.seq)
        else:
            key = ("rating", value.side, value.moment)
            name, label = (
                "moment",
                _("the {side} {moment} rating of this session").format(
                    side=value.side, moment=value.moment
                ),
            )
        if key in seen:
            reader.fail(
                name,
                _("duplicate: {record} is already at {where}").format(
                    record=label, where=seen[key]
                ),
            )
        else:
            seen[key] = reader.where
