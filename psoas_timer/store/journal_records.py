"""What the journal keeps of the waiting changes, and how they are rebuilt to be written.

The journal (:mod:`psoas_timer.store.journal`) holds one JSON document::

    {
      "format": "psoas-timer-journal",
      "version": 1,
      "written_at": "2024-05-06T07:55:00+00:00",
      "log": "/home/me/.local/share/psoas-timer/psoas-timer.sqlite3",
      "sessions": [{"uuid", "id", "tool_id", "position_id", "sides", "started_at"}],
      "changes": [...]
    }

``changes`` are the entries of a pending file's ``pending.changes``
(:mod:`psoas_timer.store.pending_file` lists their fields), oldest first.
``sessions`` describes every session a session event belongs to (``id`` is
``null`` while its start waits too). A deletion also carries its ``label``; a
deletion undone carries the ``snapshot`` (``session``, ``sets``, ``ratings``,
``next_day``, ``stops``, with the log's own columns) it puts back. A deletion still waiting together
with its undoing is left out: the two together change nothing.

Replaying must write each change exactly once, even when the journal is
replayed twice (a replay cut short keeps the journal for the next start). So
every rebuilt change first looks at the log: a session is found by its uuid,
never by an id alone, a session start or a set already there is not written
again (nor a stop logged with the same time and details), a deleted session
that is gone stays gone, and one put back that is
there already is not put back twice. Ratings, notes and ends are the same
when written twice.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import fields
from typing import Final

from psoas_timer.core.events import SetResult, StopEvent
from psoas_timer.core.i18n import N_, _
from psoas_timer.core.vocab import (
    MOMENT_VALUES,
    NEXT_DAY_VALUES,
    OUTCOME_VALUES,
    SIDE_VALUES,
    SIDES_VALUES,
    STOP_REASON_VALUES,
    Moment,
    Side,
)
from psoas_timer.store import (
    SessionNotFoundError,
    SetRow,
    Store,
)
from psoas_timer.store.changes import (
    Deletion,
    PendingChange,
    SavedItem,
    SessionRef,
    Write,
    WriteRefusedError,
    next_day_answered,
    note_edited,
    rating_edited,
    rating_given,
    session_deleted,
    session_ended,
    session_restored,
    session_started,
    set_finished,
    stamp,
    stop_recorded,
    unfinished_closed,
)
from psoas_timer.store.checks import NOTE_MAX, check_text, set_problems, stop_problems
from psoas_timer.store.journal_fields import (
    Fields,
    JournalDamagedError,
    snapshot_from,
    snapshot_record,
)
from psoas_timer.store.pending_file import change_record
from psoas_timer.store.saving import SaveQueue

FORMAT: Final = "psoas-timer-journal"
VERSION: Final = 1


# -- writing ------------------------------------------------------------------


def journal_document(
    queue: SaveQueue, changes: Sequence[PendingChange], count: int | None = None
) -> dict[str, object]:
    """The document the journal keeps for ``changes``, or their oldest ``count``.

    A deletion undone later in ``changes`` is left out even when its undoing
    is beyond ``count``: kept alone, it would delete a session the user wanted.
    """
    kept = _without_undone_deletions(changes, count)
    refs: dict[str, SessionRef] = {}
    records: list[dict[str, object]] = []
    for change in kept:
        record = change_record(queue, change)
        if change.session is not None:
            refs.setdefault(change.session.uuid, change.session)
        deletion = change.deletion
        if deletion is not None:
            record["label"] = deletion.label
            if change.kind == "restore":
                if deletion.snapshot is None:
                    continue  # its deletion was never saved: there is nothing to put back
                record["session_uuid"] = deletion.snapshot.session.uuid
                record["snapshot"] = snapshot_record(deletion.snapshot)
        records.append(record)
    return {
        "format": FORMAT,
        "version": VERSION,
        "written_at": stamp(queue.wall()),
        "log": str(queue.store.path) if isinstance(queue.store, Store) else None,
        "sessions": [
            {
                "uuid": ref.uuid,
                "id": ref.id,
                "tool_id": ref.tool_id,
                "position_id": ref.position_id,
                "sides": ref.sides,
                "started_at": stamp(ref.started_at),
            }
            for ref in refs.values()
        ],
        "changes": records,
    }


def _without_undone_deletions(
    changes: Sequence[PendingChange], count: int | None
) -> list[PendingChange]:
    undone = {
        id(change.deletion)
        for change in changes
        if change.kind == "restore" and change.deletion is not None
    }
    cancelled = {
        id(change.deletion)
        for change in changes
        if change.kind == "delete" and id(change.deletion) in undone
    }
    return [c for c in changes[:count] if c.deletion is None or id(c.deletion) not in cancelled]


# -- reading ------------------------------------------------------------------


def changes_from_document(document: object) -> list[PendingChange]:
    """Rebuild the changes a journal kept, each ready to be written once.

    Raises :class:`JournalDamagedError` naming the first thing that is wrong.
    """
    top = Fields(_("the journal"), document)
    if top.text("format") != FORMAT:
        raise JournalDamagedError(_("it is not a journal of this app"))
    if top.whole("version") > VERSION:
        raise JournalDamagedError(_("it was written by a newer version of the app"))
    refs: dict[str, SessionRef] = {}
    for n, item in enumerate(top.items("sessions"), 1):
        f = Fields(_("session {n}").format(n=n), item)
        ref = SessionRef(
            f.uuid("uuid"),
            f.text("tool_id"),
            f.text("position_id"),
            f.choice("sides", SIDES_VALUES),
            f.time("started_at"),
            f.optional_whole("id"),
        )
        refs[ref.uuid] = ref
    rebuild = _Rebuild(refs)
    return [
        rebuild.change(Fields(_("change {n}").format(n=n), item))
        for n, item in enumerate(top.items("changes"), 1)
    ]


def _find(store: Store, uuid: str, known: int | None) -> int | None:
    """The id of the session with ``uuid`` in ``store``, or ``None`` if it is not there."""
    if known is not None:
        try:
            if store.session(known).uuid == uuid:
                return known
        except SessionNotFoundError:
            pass
    # The log is not the one the journal was written against (a backup was
    # restored meanwhile, say): only the uuid tells the session.
    return next((s.id for s in store.sessions() if s.uuid == uuid), None)


_GONE = N_("The session it belongs to is no longer in the log.")


class _Rebuild:
    """Turns journal entries back into changes whose writes look at the log first."""

    def __init__(self, refs: dict[str, SessionRef]) -> None:
        self._refs = refs
        self._bound: set[str] = set()  # uuids whose ids were checked against the log
        self._builders: dict[str, Callable[[Fields], PendingChange]] = {
            "session started": self._started,
            "set": self._set,
            "rating": self._rating,
            "stop": self._stop,
            "session ended": self._ended,
            "rating edited": self._rating_edited,
            "note edited": self._note_edited,
            "next-day check": self._next_day,
            "unfinished session closed": self._closed,
            "session deleted": self._deleted,
            "session put back": self._put_back,
        }

    def change(self, f: Fields) -> PendingChange:
        kind = f.text("change")
        build = self._builders.get(kind)
        if build is None:
            raise JournalDamagedError(
                _("{where} is of an unknown kind, {kind}").format(where=f.where, kind=repr(kind))
            )
        try:
            return build(f)
        except ValueError as exc:  # a value the store's own checks refuse
            raise JournalDamagedError(f"{f.where}: {exc}") from exc

    # -- session events

    def _ref(self, f: Fields) -> SessionRef:
        uuid = f.uuid("session_uuid")
        ref = self._refs.get(uuid)
        if ref is None:
            raise JournalDamagedError(
                _("{where} names a session the journal does not describe").format(where=f.where)
            )
        return ref

    def _bind(self, store: Store, ref: SessionRef) -> int:
        """The session's id in this log, checked once by its uuid."""
        if ref.uuid not in self._bound or ref.id is None:
            found = _find(store, ref.uuid, ref.id)
            if found is None:
                raise WriteRefusedError(_(_GONE))
            ref.id = found
            self._bound.add(ref.uuid)
        return ref.id

    def _bound_write(self, change: PendingChange, ref: SessionRef) -> PendingChange:
        plain = change.write

        def write(store: Store) -> SavedItem:
            self._bind(store, ref)
            return plain(store)

        change.write = write
        return change

    def _started(self, f: Fields) -> PendingChange:
        ref = self._ref(f)
        change = session_started(ref)
        plain = change.write

        def write(store: Store) -> SavedItem:
            found = _find(store, ref.uuid, ref.id)
            if found is None:
                saved = plain(store)
            else:
                ref.id = found
                saved = SavedItem("session", found, change.what)
            self._bound.add(ref.uuid)
            return saved

        change.write = write
        return change

    def _set(self, f: Fields) -> PendingChange:
        ref = self._ref(f)
        result = SetResult(
            side=f.choice("side", SIDE_VALUES),
            level=f.whole("level"),
            variant_name=f.text("variant_name"),
            breaths_planned=f.whole("breaths_planned"),
            breaths_done=f.whole("breaths_done"),
            released_breath=f.optional_whole("released_breath"),
            released_at_s=f.optional_number("released_at_s"),
            duration_s=f.number("duration_s"),
            paused_s=f.number("paused_s"),
            outcome=f.choice("outcome", OUTCOME_VALUES),
        )
        problems = set_problems(result, ref.sides)
        if problems:
            raise ValueError("; ".join(f"{name}: {why}" for name, why in problems))
        change = set_finished(ref, result, f.time("recorded_at"))
        plain = change.write
        row = change.payload
        assert isinstance(row, SetRow)

        def write(store: Store) -> SavedItem:
            session_id = self._bind(store, ref)
            for logged in store.sets(session_id):
                if _same_set(logged, row):
                    return SavedItem(
                        "set",
                        session_id,
                        change.what,
                        side=row.side,
                        level=row.level,
                        set_id=logged.id,
                        outcome=row.outcome,
                    )
            return plain(store)

        change.write = write
        return change

    def _rating(self, f: Fields) -> PendingChange:
        ref = self._ref(f)
        side, moment = self._side_moment(f)
        change = rating_given(ref, side, moment, f.rating("value"), f.time("recorded_at"))
        return self._bound_write(change, ref)

    def _stop(self, f: Fields) -> PendingChange:
        ref = self._ref(f)
        stop = StopEvent(
            side=f.choice("side", SIDE_VALUES),
            level=f.whole("level"),
            breath=f.optional_whole("breath"),
            reason=f.choice("reason", STOP_REASON_VALUES),
        )
        problems = stop_problems(stop, ref.sides)
        if problems:
            raise ValueError("; ".join(f"{name}: {why}" for name, why in problems))
        at = f.time("recorded_at")
        change = stop_recorded(ref, stop, at)
        plain = change.write

        def write(store: Store) -> SavedItem:
            session_id = self._bind(store, ref)
            same = (stop.side, stop.level, stop.breath, stop.reason, at)
            for logged in store.stops(session_id):
                if (
                    logged.side,
                    logged.level,
                    logged.breath,
                    logged.reason,
                    logged.recorded_at,
                ) == same:
                    return SavedItem("stop", session_id, change.what, side=stop.side)
            return plain(store)

        change.write = write
        return change

    def _ended(self, f: Fields) -> PendingChange:
        ref = self._ref(f)
        status = f.choice("status", ("completed", "ended_early"))
        change = session_ended(ref, status == "completed", f.time("ended_at"))
        return self._bound_write(change, ref)

    # -- changes to logged sessions

    @staticmethod
    def _side_moment(f: Fields) -> tuple[Side, Moment]:
        return f.choice("side", SIDE_VALUES), f.choice("moment", MOMENT_VALUES)

    def _on_logged(
        self, f: Fields, change: PendingChange, make: Callable[[int], Write]
    ) -> PendingChange:
        """``change``, written to its session as found in the log by uuid when it is known."""
        known = f.whole("session_id")
        uuid = f.optional_uuid("session_uuid")
        if uuid is not None:
            change.record["session_uuid"] = uuid

        def write(store: Store) -> SavedItem:
            found = known if uuid is None else _find(store, uuid, known)
            if found is None:
                raise WriteRefusedError(_(_GONE))
            return make(found)(store)

        change.write = write
        return change

    def _rating_edited(self, f: Fields) -> PendingChange:
        side, moment = self._side_moment(f)
        value = f.rating("value") if f.has("value") else None
        at = f.time("recorded_at")
        known = f.whole("session_id")
        change = rating_edited(known, side, moment, value, at)
        return self._on_logged(
            f, change, lambda found: rating_edited(found, side, moment, value, at).write
        )

    def _note_edited(self, f: Fields) -> PendingChange:
        text = f.text("note")
        check_text("note", text, required=False, limit=NOTE_MAX)
        change = note_edited(f.whole("session_id"), text)
        return self._on_logged(f, change, lambda found: note_edited(found, text).write)

    def _next_day(self, f: Fields) -> PendingChange:
        feeling = f.choice("feeling", NEXT_DAY_VALUES) if f.has("feeling") else None
        sore = f.flag("lasting_soreness") if f.has("lasting_soreness") else None
        at = f.time("recorded_at")
        change = next_day_answered(f.whole("session_id"), feeling, sore, at)
        return self._on_logged(
            f, change, lambda found: next_day_answered(found, feeling, sore, at).write
        )

    def _closed(self, f: Fields) -> PendingChange:
        ratings: dict[tuple[Side, Moment], int | None] = {}
        for n, item in enumerate(f.items("ratings"), 1):
            r = Fields(_("{where}, rating {n}").format(where=f.where, n=n), item)
            ratings[self._side_moment(r)] = r.rating("value") if r.has("value") else None
        at = f.time("recorded_at")
        change = unfinished_closed(f.whole("session_id"), ratings, at)
        return self._on_logged(f, change, lambda found: unfinished_closed(found, ratings, at).write)

    def _deleted(self, f: Fields) -> PendingChange:
        known = f.whole("session_id")
        uuid = f.uuid("session_uuid")  # never delete by an id alone
        label = f.text("label")
        change, _deletion = session_deleted(known, label)
        change.record["session_uuid"] = uuid

        def write(store: Store) -> SavedItem:
            found = _find(store, uuid, known)
            if found is None:
                return SavedItem("delete", known, change.what)  # deleted already
            return session_deleted(found, label)[0].write(store)

        change.write = write
        return change

    def _put_back(self, f: Fields) -> PendingChange:
        snapshot = snapshot_from(f.nested("snapshot"))
        session = snapshot.session
        change = session_restored(Deletion(session.id, f.text("label"), snapshot))
        plain = change.write

        def write(store: Store) -> SavedItem:
            found = _find(store, session.uuid, session.id)
            if found is None:
                try:
                    return plain(store)
                except WriteRefusedError:
                    # Its id is another session's in this log: it comes back under a new one.
                    store.merge_snapshots([snapshot])
                    found = _find(store, session.uuid, None)
            return SavedItem("restore", found or session.id, change.what)

        change.write = write
        return change


def _same_set(logged: SetRow, row: SetRow) -> bool:
    skip = {"id", "session_id", "seq"}
    return all(
        getattr(logged, field.name) == getattr(row, field.name)
        for field in fields(SetRow)
        if field.name not in skip
    )
