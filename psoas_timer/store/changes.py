"""Each kind of change to the log, as something that can wait in memory.

A :class:`PendingChange` carries the write itself (a function of the
:class:`~psoas_timer.store.Store` that commits one transaction and says what it
saved), a plain record describing it for a person or a file, and, for session
events, the typed row so that a session none of which reached the log can be
written out whole. Times are taken when the change is made, not when it is
finally written: a rating kept in memory for ten minutes is still stamped with
the moment it was given.

Qt-free, and used only through :class:`psoas_timer.store.saving.SaveQueue`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import Enum
from pathlib import Path
from typing import Literal

from psoas_timer.core.events import SetResult, StopEvent
from psoas_timer.core.i18n import N_, _, ngettext
from psoas_timer.core.narration import stop_reason_phrase, where
from psoas_timer.core.next_day import FEELING_TEXT
from psoas_timer.store import (
    Moment,
    NextDay,
    Rating,
    SessionSnapshot,
    SessionStatus,
    SetRow,
    Side,
    Sides,
    StopRow,
    Store,
    StoreError,
    StoreWriteError,
    import_file,
)

SavedKind = Literal[
    "session", "set", "rating", "stop", "end", "edit", "delete", "restore", "import"
]


class LogUnavailableError(StoreError):
    """The log could not be opened at start-up; ``str()`` is the start-up message."""


class WriteRefusedError(StoreError):
    """This change can never be written as it is; it is dropped and the user told why."""


class Outcome(Enum):
    PENDING = "pending"  # kept in memory, to be written in order
    SAVED = "saved"  # committed
    REFUSED = "refused"  # dropped: it can never be written as it is


@dataclass(frozen=True, slots=True)
class SavedItem:
    """One change that is now committed to the log.

    ``kind`` is ``"session"`` (the session row was created), ``"set"``,
    ``"rating"``, ``"end"`` (the session was closed with ``status``),
    ``"stop"``, ``"edit"`` (a rating or note changed later, an unfinished session closed),
    ``"delete"``, ``"restore"`` (a deletion undone) or ``"import"``. Fields
    that do not apply to the kind are ``None``.
    """

    kind: SavedKind
    session_id: int
    what: str  # completes "Saved: …"
    side: Side | None = None
    moment: Moment | None = None
    value: int | None = None  # the rating
    level: int | None = None  # the set's pressure level
    set_id: int | None = None
    outcome: str | None = None  # the set's outcome
    status: SessionStatus | None = None  # how the session ended


@dataclass(eq=False)
class SessionRef:
    """One session as the queue knows it; ``id`` is filled in once its start is written.

    Each session gets its own, so writes still waiting from an earlier session
    land on that session's row and never on a later one.
    """

    uuid: str
    tool_id: str
    position_id: str
    sides: Sides
    started_at: datetime
    id: int | None = None

    def get(self) -> int:
        if self.id is None:
            raise AssertionError("a session's start is always written before its events")
        return self.id


@dataclass(eq=False)
class Deletion:
    """A deletion handed to the queue; ``snapshot`` is what it removed, once committed."""

    session_id: int
    label: str
    snapshot: SessionSnapshot | None = None


Write = Callable[[Store], SavedItem]
#: The typed content of a session event (see the module's docstring).
Payload = SetRow | Rating | StopRow | tuple[SessionStatus, datetime] | None


@dataclass(eq=False)
class PendingChange:
    """One change, from the moment it is made until it is committed or dropped."""

    kind: SavedKind
    what: str
    record: dict[str, object]
    write: Write
    session: SessionRef | None = None
    payload: Payload = None
    may_wait: bool = True  # False: now or never (an import)
    deletion: Deletion | None = None  # a deletion, or its undoing: what it removed
    outcome: Outcome = Outcome.PENDING
    saved: SavedItem | None = None
    refusal: str | None = None


def stamp(value: datetime) -> str:
    """A time in a change's record: ISO 8601, UTC, to the second."""
    return value.astimezone(UTC).isoformat(timespec="seconds")


# -- session events ----------------------------------------------------------


def session_started(ref: SessionRef) -> PendingChange:
    def write(store: Store) -> SavedItem:
        ref.id = store.start_session(
            ref.tool_id, ref.position_id, ref.sides, ref.started_at, uuid=ref.uuid
        )
        return SavedItem("session", ref.id, _("session started"))

    record: dict[str, object] = {
        "change": "session started",
        "session_uuid": ref.uuid,
        "started_at": stamp(ref.started_at),
        "tool_id": ref.tool_id,
        "position_id": ref.position_id,
        "sides": ref.sides,
    }
    return PendingChange("session", _("session started"), record, write, ref)


_SET_FIELDS = (
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
)


def set_finished(ref: SessionRef, result: SetResult, at: datetime) -> PendingChange:
    row = SetRow(
        id=0,
        session_id=0,
        seq=0,  # its place in the session is given when it is written
        side=result.side,
        level=result.level,
        variant_name=result.variant_name,
        breaths_planned=result.breaths_planned,
        breaths_done=result.breaths_done,
        released_breath=result.released_breath,
        released_at_s=result.released_at_s,
        duration_s=result.duration_s,
        paused_s=result.paused_s,
        outcome=result.outcome,
        recorded_at=at,
    )
    if result.level == 0:
        what = _("{side}, base set").format(side=_side_words(result.side))
    else:
        what = _("{side}, extra pressure {level}").format(
            side=_side_words(result.side), level=result.level
        )

    def write(store: Store) -> SavedItem:
        set_id = store.record_set(ref.get(), result, at)
        return SavedItem(
            "set",
            ref.get(),
            what,
            side=result.side,
            level=result.level,
            set_id=set_id,
            outcome=result.outcome,
        )

    record: dict[str, object] = {"change": "set", "session_uuid": ref.uuid}
    record.update((name, getattr(row, name)) for name in _SET_FIELDS)
    record["recorded_at"] = stamp(at)
    return PendingChange("set", what, record, write, ref, payload=row)


def rating_given(
    ref: SessionRef, side: Side, moment: Moment, value: int, at: datetime
) -> PendingChange:
    what = (
        _("{side} before, {value}/10") if moment == "before" else _("{side} after, {value}/10")
    ).format(side=where(side), value=value)

    def write(store: Store) -> SavedItem:
        store.record_rating(ref.get(), side, moment, value, at)
        return SavedItem("rating", ref.get(), what, side=side, moment=moment, value=value)

    record: dict[str, object] = {
        "change": "rating",
        "session_uuid": ref.uuid,
        "side": side,
        "moment": moment,
        "value": value,
        "recorded_at": stamp(at),
    }
    payload = Rating(0, side, moment, value, at)
    return PendingChange("rating", what, record, write, ref, payload=payload)


def stop_recorded(ref: SessionRef, stop: StopEvent, at: datetime) -> PendingChange:
    reason = stop_reason_phrase(stop.reason)
    what = (
        _("stop on the left side ({reason})")
        if stop.side == "left"
        else _("stop on the right side ({reason})")
    ).format(reason=reason)

    def write(store: Store) -> SavedItem:
        store.record_stop(ref.get(), stop, at)
        return SavedItem("stop", ref.get(), what, side=stop.side, level=stop.level)

    record: dict[str, object] = {
        "change": "stop",
        "session_uuid": ref.uuid,
        "side": stop.side,
        "level": stop.level,
        "breath": stop.breath,
        "reason": stop.reason,
        "recorded_at": stamp(at),
    }
    row = StopRow(0, 0, 0, stop.side, stop.level, stop.breath, stop.reason, at)
    return PendingChange("stop", what, record, write, ref, payload=row)


def session_ended(ref: SessionRef, completed: bool, at: datetime) -> PendingChange:
    status: SessionStatus = "completed" if completed else "ended_early"
    what = _("session complete") if completed else _("session ended early")

    def write(store: Store) -> SavedItem:
        store.finish_session(ref.get(), status, at)
        return SavedItem("end", ref.get(), what, status=status)

    record: dict[str, object] = {
        "change": "session ended",
        "session_uuid": ref.uuid,
        "status": status,
        "ended_at": stamp(at),
    }
    return PendingChange("end", what, record, write, ref, payload=(status, at))


# -- changes made later --------------------------------------------------------


def rating_edited(
    session_id: int, side: Side, moment: Moment, value: int | None, at: datetime
) -> PendingChange:
    rating = _("{side} {moment} rating").format(
        side=_("Left") if side == "left" else _("Right"),
        moment=_("before") if moment == "before" else _("after"),
    )
    what = f"{rating} " + (_("cleared") if value is None else f"{value}/10")

    def write(store: Store) -> SavedItem:
        if value is None:
            store.clear_rating(session_id, side, moment)
        else:
            store.record_rating(session_id, side, moment, value, at)
        return SavedItem("edit", session_id, what, side=side, moment=moment, value=value)

    record: dict[str, object] = {
        "change": "rating edited",
        "session_id": session_id,
        "side": side,
        "moment": moment,
        "value": value,
        "recorded_at": stamp(at),
    }
    return PendingChange("edit", what, record, write)


def note_edited(session_id: int, text: str) -> PendingChange:
    def write(store: Store) -> SavedItem:
        store.set_note(session_id, text)
        return SavedItem("edit", session_id, _("note"))

    record: dict[str, object] = {"change": "note edited", "session_id": session_id, "note": text}
    return PendingChange("edit", _("note"), record, write)


def next_day_answered(
    session_id: int, feeling: NextDay | None, lasting_soreness: bool | None, at: datetime
) -> PendingChange:
    """The next-day check of a session; no answers is "don't ask for this session"."""
    what = _("next-day check") + ("" if feeling is None else f" ({_(FEELING_TEXT[feeling])})")

    def write(store: Store) -> SavedItem:
        store.record_next_day(session_id, feeling, lasting_soreness, at)
        return SavedItem("edit", session_id, what)

    record: dict[str, object] = {
        "change": "next-day check",
        "session_id": session_id,
        "feeling": feeling,
        "lasting_soreness": lasting_soreness,
        "recorded_at": stamp(at),
    }
    return PendingChange("edit", what, record, write)


def unfinished_closed(
    session_id: int, ratings: Mapping[tuple[Side, Moment], int | None], at: datetime
) -> PendingChange:
    """The ratings given for a session the app lost, and its closing, in one transaction."""
    changes = dict(ratings)
    what = _("unfinished session closed")

    def write(store: Store) -> SavedItem:
        with store.transaction(N_("close the unfinished session")):
            for (side, moment), value in changes.items():
                if value is None:
                    store.clear_rating(session_id, side, moment)
                else:
                    store.record_rating(session_id, side, moment, value, at)
            store.mark_interrupted(session_id)
        return SavedItem("edit", session_id, what, status="interrupted")

    record: dict[str, object] = {
        "change": "unfinished session closed",  # the journal's own word, in every language
        "session_id": session_id,
        "ratings": [
            {"side": side, "moment": moment, "value": value}
            for (side, moment), value in changes.items()
        ],
        "recorded_at": stamp(at),
    }
    return PendingChange("edit", what, record, write)


def session_deleted(session_id: int, label: str) -> tuple[PendingChange, Deletion]:
    deletion = Deletion(session_id, label)
    what = _("deletion of {session}").format(session=label)

    def write(store: Store) -> SavedItem:
        deletion.snapshot = store.delete_session(session_id)
        return SavedItem("delete", session_id, what)

    record: dict[str, object] = {"change": "session deleted", "session_id": session_id}
    return PendingChange("delete", what, record, write, deletion=deletion), deletion


def session_restored(deletion: Deletion) -> PendingChange:
    what = _("{session}, put back").format(session=deletion.label)

    def write(store: Store) -> SavedItem:
        snapshot = deletion.snapshot
        if snapshot is None:
            raise WriteRefusedError(
                _("The deletion was never saved, so there is nothing to put back.")
            )
        try:
            store.restore_session(snapshot)
        except (StoreWriteError, LogUnavailableError):
            raise
        except StoreError as exc:
            # Already back in the log (imported again, say): no retry changes that.
            raise WriteRefusedError(str(exc)) from exc
        return SavedItem("restore", deletion.session_id, what)

    record: dict[str, object] = {"change": "session put back", "session_id": deletion.session_id}
    return PendingChange("restore", what, record, write, deletion=deletion)


def file_imported(path: Path) -> PendingChange:
    """An import: now or never, since the file stays where it is to be imported again."""

    def write(store: Store) -> SavedItem:
        report = import_file(store, path)
        count, skipped = report.sessions_added, report.sessions_skipped
        text = ngettext(
            "{n} session imported from {file}", "{n} sessions imported from {file}", count
        ).format(n=count, file=path.name)
        if skipped:
            text += ngettext(
                "; {n} was already in the log", "; {n} were already in the log", skipped
            ).format(n=skipped)
        return SavedItem("import", 0, text)

    record: dict[str, object] = {"change": "import", "file": str(path)}
    return PendingChange(
        "import", _("import of {file}").format(file=path.name), record, write, may_wait=False
    )


def _side_words(side: Side) -> str:
    """A side inside a sentence: "left side"."""
    return _("left side") if side == "left" else _("right side")
