"""The journal's JSON, field by field: how its records are written and read back strictly.

Reading never trusts the file: every field is checked for its type (and a
rating for its range) and a wrong one raises :class:`JournalDamagedError`
naming where it is, so a journal from elsewhere is set aside with a sentence,
never half replayed and never a traceback.
"""

from __future__ import annotations

import uuid as uuid_module
from dataclasses import fields
from datetime import datetime
from typing import TypeVar

from psoas_timer.core.i18n import N_, _
from psoas_timer.core.vocab import (
    MOMENT_VALUES,
    NEXT_DAY_VALUES,
    OUTCOME_VALUES,
    SIDE_VALUES,
    SIDES_VALUES,
    STATUS_VALUES,
    STOP_REASON_VALUES,
)
from psoas_timer.store import (
    NextDayCheck,
    Rating,
    Session,
    SessionSnapshot,
    SetRow,
    StopRow,
    StoreError,
)
from psoas_timer.store.changes import stamp
from psoas_timer.store.checks import rating_problem

_C = TypeVar("_C", bound=str)


class JournalDamagedError(StoreError):
    """The journal holds something other than a whole journal of this app; ``str()`` says why."""


def plain_record(row: Session | SetRow | Rating | NextDayCheck | StopRow) -> dict[str, object]:
    out: dict[str, object] = {}
    for field in fields(row):
        value = getattr(row, field.name)
        out[field.name] = stamp(value) if isinstance(value, datetime) else value
    return out


def snapshot_record(snapshot: SessionSnapshot) -> dict[str, object]:
    return {
        "session": plain_record(snapshot.session),
        "sets": [plain_record(row) for row in snapshot.sets],
        "ratings": [plain_record(row) for row in snapshot.ratings],
        "next_day": None if snapshot.next_day is None else plain_record(snapshot.next_day),
        "stops": [plain_record(row) for row in snapshot.stops],
    }


class Fields:
    """One JSON object of the journal, read field by field; a wrong field is damage."""

    def __init__(self, where: str, data: object) -> None:
        if not isinstance(data, dict):
            raise JournalDamagedError(_("{where} is not an object").format(where=where))
        self.where = where
        self._data: dict[str, object] = data

    def _get(self, name: str) -> object:
        if name not in self._data:
            raise JournalDamagedError(
                _("{where} has no {field}").format(where=self.where, field=name)
            )
        return self._data[name]

    def _wrong(self, name: str, expected: str) -> JournalDamagedError:
        return JournalDamagedError(
            _("{where}: {field} should be {expected}, not {value}").format(
                where=self.where, field=name, expected=_(expected), value=repr(self._data.get(name))
            )
        )

    def has(self, name: str) -> bool:
        return self._data.get(name) is not None

    def text(self, name: str) -> str:
        value = self._get(name)
        if not isinstance(value, str):
            raise self._wrong(name, N_("text"))
        return value

    def whole(self, name: str) -> int:
        value = self._get(name)
        if not isinstance(value, int) or isinstance(value, bool):
            raise self._wrong(name, N_("a whole number"))
        return value

    def optional_whole(self, name: str) -> int | None:
        return self.whole(name) if self.has(name) else None

    def number(self, name: str) -> float:
        value = self._get(name)
        if not isinstance(value, int | float) or isinstance(value, bool):
            raise self._wrong(name, N_("a number"))
        return float(value)

    def optional_number(self, name: str) -> float | None:
        return self.number(name) if self.has(name) else None

    def time(self, name: str) -> datetime:
        try:
            value = datetime.fromisoformat(self.text(name))
        except ValueError:
            value = None
        if value is None or value.tzinfo is None:
            raise self._wrong(name, N_("a time with its zone"))
        return value

    def optional_time(self, name: str) -> datetime | None:
        return self.time(name) if self.has(name) else None

    def uuid(self, name: str) -> str:
        try:
            return str(uuid_module.UUID(self.text(name)))
        except ValueError:
            raise self._wrong(name, N_("a uuid")) from None

    def optional_uuid(self, name: str) -> str | None:
        return self.uuid(name) if self.has(name) else None

    def choice(self, name: str, allowed: tuple[_C, ...]) -> _C:
        value = self._get(name)
        for option in allowed:
            if value == option:
                return option
        raise self._wrong(name, _("one of {choices}").format(choices=", ".join(allowed)))

    def rating(self, name: str) -> int:
        value = self.whole(name)
        if rating_problem(value):
            raise self._wrong(name, N_("a rating from 0 to 10"))
        return value

    def flag(self, name: str) -> bool:
        value = self._get(name)
        if not isinstance(value, bool):
            raise self._wrong(name, N_("true or false"))
        return value

    def items(self, name: str) -> list[object]:
        value = self._get(name)
        if not isinstance(value, list):
            raise self._wrong(name, N_("a list"))
        return value

    def nested(self, name: str) -> Fields:
        return Fields(f"{self.where}, {name}", self._get(name))


def snapshot_from(f: Fields) -> SessionSnapshot:
    s = f.nested("session")
    session = Session(
        s.whole("id"),
        s.uuid("uuid"),
        s.time("started_at"),
        s.optional_time("ended_at"),
        s.text("tool_id"),
        s.text("position_id"),
        s.choice("sides", SIDES_VALUES),
        s.choice("status", STATUS_VALUES),
        s.text("note"),
    )
    sets: list[SetRow] = []
    for n, item in enumerate(f.items("sets"), 1):
        r = Fields(_("{where}, set {n}").format(where=f.where, n=n), item)
        sets.append(
            SetRow(
                id=r.whole("id"),
                session_id=r.whole("session_id"),
                seq=r.whole("seq"),
                side=r.choice("side", SIDE_VALUES),
                level=r.whole("level"),
                variant_name=r.text("variant_name"),
                breaths_planned=r.whole("breaths_planned"),
                breaths_done=r.whole("breaths_done"),
                released_breath=r.optional_whole("released_breath"),
                released_at_s=r.optional_number("released_at_s"),
                duration_s=r.number("duration_s"),
                paused_s=r.number("paused_s"),
                outcome=r.choice("outcome", OUTCOME_VALUES),
                recorded_at=r.time("recorded_at"),
            )
        )
    ratings: list[Rating] = []
    for n, item in enumerate(f.items("ratings"), 1):
        r = Fields(_("{where}, rating {n}").format(where=f.where, n=n), item)
        ratings.append(
            Rating(
                r.whole("session_id"),
                r.choice("side", SIDE_VALUES),
                r.choice("moment", MOMENT_VALUES),
                r.rating("value"),
                r.time("recorded_at"),
            )
        )
    check = None
    if f.has("next_day"):  # journals written before next-day checks have none
        c = f.nested("next_day")
        check = NextDayCheck(
            c.whole("session_id"),
            c.choice("feeling", NEXT_DAY_VALUES) if c.has("feeling") else None,
            c.flag("lasting_soreness") if c.has("lasting_soreness") else None,
            c.time("recorded_at"),
        )
    stops: list[StopRow] = []
    # Journals written before stops were logged have none.
    for n, item in enumerate(f.items("stops") if f.has("stops") else (), 1):
        r = Fields(_("{where}, stop {n}").format(where=f.where, n=n), item)
        stops.append(
            StopRow(
                id=r.whole("id"),
                session_id=r.whole("session_id"),
                seq=r.whole("seq"),
                side=r.choice("side", SIDE_VALUES),
                level=r.whole("level"),
                breath=r.optional_whole("breath"),
                reason=r.choice("reason", STOP_REASON_VALUES),
                recorded_at=r.time("recorded_at"),
            )
        )
    return SessionSnapshot(session, tuple(sets), tuple(ratings), check, tuple(stops))
