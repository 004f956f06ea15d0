"""The save queue without Qt: order, retries, one session's writes on its own row,
and callbacks that report exactly what was committed."""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from psoas_timer.core.clock import Clocks, FakeClock
from psoas_timer.core.engine import SessionEngine
from psoas_timer.core.pacing import BreathPattern
from psoas_timer.core.plan import PlanOptions, StepKind, build_plan
from psoas_timer.core.vocab import Sides
from psoas_timer.store import Store, StoreError, import_file
from psoas_timer.store.pending_file import PENDING_ONLY_FORMAT, write_pending_file
from psoas_timer.store.saving import (
    Outcome,
    SavedItem,
    SaveFailure,
    SaveQueue,
    UnavailableStore,
    pending_message,
)
from tests.helpers import STRETCHES, make_tool
from tests.refusing_store import RefusingStore

T0 = datetime(2024, 5, 6, 7, 30, tzinfo=UTC)
OPTIONS = PlanOptions(
    pattern=BreathPattern(4, 0, 6, 0), breaths=5, countdown=5, transition=3, stretches=False
)


class FakeRetry:
    """Stands in for the timer: the test fires it by calling ``queue.flush()``."""

    def __init__(self) -> None:
        self.active = False
        self.starts = 0

    def start(self) -> None:
        self.active = True
        self.starts += 1

    def stop(self) -> None:
        self.active = False


class Seen:
    """Every callback, in order."""

    def __init__(self) -> None:
        self.saved: list[SavedItem] = []
        self.failed: list[SaveFailure] = []
        self.recovered = 0
        self.refused: list[tuple[str, str]] = []
        self.pending: list[int] = []
        self.changed = 0

    def queue(self, store: Store | UnavailableStore, clocks: Clocks, retry: FakeRetry) -> SaveQueue:
        def recovered() -> None:
            self.recovered += 1

        def changed() -> None:
            self.changed += 1

        return SaveQueue(
            store,
            clocks.wall,
            retry,
            on_saved=self.saved.append,
            on_failed=self.failed.append,
            on_recovered=recovered,
            on_refused=lambda what, why: self.refused.append((what, why)),
            on_pending=lambda count, failure: self.pending.append(count),
            on_changed=changed,
        )


@pytest.fixture
def clocks() -> Clocks:
    return Clocks.following(FakeClock(), T0)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[RefusingStore]:
    opened = RefusingStore.open(tmp_path / "log.sqlite3")
    assert isinstance(opened, RefusingStore)
    yield opened
    opened.close()


@pytest.fixture
def seen() -> Seen:
    return Seen()


@pytest.fixture
def retry() -> FakeRetry:
    return FakeRetry()


@pytest.fixture
def queue(store: RefusingStore, clocks: Clocks, retry: FakeRetry, seen: Seen) -> SaveQueue:
    return seen.queue(store, clocks, retry)


def engine_for(clocks: Clocks, sides: Sides = "left") -> SessionEngine:
    plan = build_plan(make_tool(1), None, sides, OPTIONS, STRETCHES)
    return SessionEngine(plan, clocks.session)


def rate_and_skip_a_set(engine: SessionEngine, value: int) -> None:
    """From the countdown or a rating, give the before-rating and skip the base set."""
    while engine.step.kind is not StepKind.RATING:
        engine.next()
    engine.rate(value)
    assert engine.step.kind is StepKind.SET
    engine.next()


def test_a_whole_session_is_written_as_it_happens(
    queue: SaveQueue, store: Store, clocks: Clocks, seen: Seen
) -> None:
    engine = engine_for(clocks)
    queue.attach(engine)
    engine.start()
    clock = clocks.session
    assert isinstance(clock, FakeClock)
    clock.advance(5)
    engine.update()
    engine.rate(7)
    engine.next()  # the base set, skipped
    engine.end()
    assert [item.kind for item in seen.saved] == ["session", "rating", "set", "end"]
    assert seen.saved[1].what == "Left side before, 7/10"
    sid = queue.session_id
    assert sid is not None and all(item.session_id == sid for item in seen.saved)
    session = store.session(sid)
    assert session.status == "ended_early"
    # Wall time follows the session clock: 5 s of countdown passed before the rating.
    assert session.started_at == T0
    (rating,) = store.ratings(sid)
    assert rating.recorded_at == T0 + timedelta(seconds=5)
    assert queue.pending == 0 and seen.failed == [] and seen.changed == 4


@pytest.mark.parametrize("reason", ["full", "readonly"])
def test_a_refused_write_is_kept_in_order_and_retried_until_it_lands(
    queue: SaveQueue,
    store: RefusingStore,
    clocks: Clocks,
    retry: FakeRetry,
    seen: Seen,
    reason: str,
) -> None:
    engine = engine_for(clocks)
    queue.attach(engine)
    engine.start()
    sid = queue.session_id
    assert sid is not None
    store.refuse(4, reason)  # type: ignore[arg-type]
    engine.next()
    engine.rate(4)  # refused: kept
    assert queue.pending == 1 and retry.active
    assert [f.reason for f in seen.failed] == [reason]
    assert queue.failure is not None and queue.failure.reason == reason
    engine.next()  # the set ends: the rating is tried first (refused again); both wait
    assert queue.pending == 2
    committed_before = len(seen.saved)
    queue.flush()  # the timer fires: refused again, nothing is lost
    queue.flush()  # and again
    assert queue.pending == 2 and len(seen.saved) == committed_before
    assert len(seen.failed) == 1  # told once per spell, not at every retry
    assert store.ratings(sid) == []
    queue.flush()  # space again
    assert queue.pending == 0 and not retry.active
    assert [item.kind for item in seen.saved[committed_before:]] == ["rating", "set"]
    assert seen.recovered == 1 and queue.failure is None
    assert [r.value for r in store.ratings(sid)] == [4]
    assert len(store.sets(sid)) == 1
    assert seen.pending == [1, 2, 1, 0]


def test_a_session_still_waiting_never_lands_on_the_next_one(
    queue: SaveQueue, store: RefusingStore, clocks: Clocks, seen: Seen
) -> None:
    """The first session's start is refused; the second session begins meanwhile.
    Each event lands on its own session's row, in order, once writing works."""
    store.refuse(-1)
    first = engine_for(clocks)
    queue.attach(first)
    first.start()
    rate_and_skip_a_set(first, 8)
    first.end()
    second = engine_for(clocks, "right")
    queue.attach(second)
    second.start()
    rate_and_skip_a_set(second, 2)
    assert queue.pending == 7 and store.sessions() == []
    store.accept()
    queue.flush()
    assert queue.pending == 0
    ids = [item.session_id for item in seen.saved if item.kind == "session"]
    assert len(ids) == 2 and ids[0] != ids[1]
    one, two = store.sessions()
    assert (one.id, two.id) == (ids[0], ids[1])
    assert (one.side("left").before, one.status) == (8, "ended_early")
    assert (two.side("right").before, two.status) == (2, "running")
    assert one.side("right").before is None and two.side("left").before is None
    assert one.set_count == 1 and two.set_count == 1
    by_session = [(item.kind, item.session_id) for item in seen.saved]
    assert by_session == [
        ("session", ids[0]),
        ("rating", ids[0]),
        ("set", ids[0]),
        ("end", ids[0]),
        ("session", ids[1]),
        ("rating", ids[1]),
        ("set", ids[1]),
    ]


def test_a_write_failing_mid_session_keeps_what_was_saved_and_the_rest(
    queue: SaveQueue, store: RefusingStore, clocks: Clocks, seen: Seen
) -> None:
    engine = engine_for(clocks, "both")
    queue.attach(engine)
    engine.start()
    rate_and_skip_a_set(engine, 6)  # saved
    sid = queue.session_id
    assert sid is not None
    saved_so_far = [item.what for item in seen.saved]
    store.refuse(-1, "readonly")
    engine.next()  # yes to more pressure
    engine.next()  # past the words before it
    engine.next()  # the extra-pressure set, skipped: refused, kept
    assert engine.answer("off")
    engine.next()  # past coming off
    engine.rate(5)  # the left side's after-rating: kept behind it
    engine.end()
    assert queue.pending == 3
    assert [item.what for item in seen.saved] == saved_so_far  # nothing more reported
    assert store.sessions()[0].side("left").after is None
    assert pending_message(queue.pending, queue.failure) == (
        "Not saved yet (3 pending) — kept in memory; the data folder is read-only: "
        "make it writable and it will be saved."
    )
    store.accept()
    queue.flush()
    summary = store.sessions()[0]
    assert summary.side("left").after == 5 and summary.status == "ended_early"
    assert summary.set_count == 2 and summary.id == sid


def test_edits_deletion_and_undo_share_the_one_queue(
    queue: SaveQueue, store: RefusingStore, seen: Seen
) -> None:
    sid = store.start_session("test-tool", "prone", "left", T0)
    store.record_rating(sid, "left", "before", 5, T0)
    store.refuse(-1)
    assert queue.set_rating(sid, "left", "before", 2).outcome is Outcome.PENDING
    assert queue.set_note(sid, "stiff").outcome is Outcome.PENDING
    submitted, deletion = queue.delete_session(sid, "the session of 06 May")
    assert submitted.outcome is Outcome.PENDING
    assert queue.restore_session(deletion).outcome is Outcome.PENDING  # undo, also waiting
    assert queue.pending == 4 and store.session(sid).note == ""
    store.accept()
    queue.flush()
    assert [item.kind for item in seen.saved] == ["edit", "edit", "delete", "restore"]
    # Deleted and put back after the edits: the snapshot taken at deletion had them.
    assert store.session(sid).note == "stiff"
    assert [r.value for r in store.ratings(sid)] == [2]


def test_a_change_that_can_never_be_written_is_dropped_and_said_so(
    queue: SaveQueue, store: RefusingStore, seen: Seen
) -> None:
    sid = store.start_session("test-tool", "prone", "left", T0)
    store.refuse(-1)
    assert queue.set_note(sid, "kept").outcome is Outcome.PENDING
    assert queue.set_note(sid + 1, "nowhere").outcome is Outcome.PENDING  # no such session
    assert queue.set_note(sid, "after").outcome is Outcome.PENDING
    store.accept()
    queue.flush()
    assert queue.pending == 0
    assert [item.what for item in seen.saved] == ["note", "note"]
    assert store.session(sid).note == "after"
    ((what, why),) = seen.refused
    assert what == "note" and f"no session {sid + 1}" in why


def test_a_refusal_at_hand_over_is_returned_not_reported(
    queue: SaveQueue, store: RefusingStore, seen: Seen
) -> None:
    submitted = queue.set_note(404, "nowhere")
    assert submitted.outcome is Outcome.REFUSED and submitted.refusal is not None
    assert "no session 404" in submitted.refusal
    assert seen.refused == [] and queue.pending == 0


def test_a_programmer_error_surfaces_but_the_rest_is_still_written(
    queue: SaveQueue, store: RefusingStore, seen: Seen
) -> None:
    sid = store.start_session("test-tool", "prone", "left", T0)
    store.refuse(-1)
    queue.set_note(sid, "first")
    queue.set_rating(sid, "left", "before", 11)  # a caller's bug: out of range
    queue.set_note(sid, "last")
    store.accept()
    with pytest.raises(ValueError, match="value"):
        queue.flush()
    assert queue.pending == 0 and store.session(sid).note == "last"
    assert [item.what for item in seen.saved] == ["note", "note"]


def test_an_import_is_now_or_never(
    queue: SaveQueue, store: RefusingStore, tmp_path: Path, seen: Seen
) -> None:
    source = Store.open(tmp_path / "other.sqlite3")
    source.start_session("test-tool", "prone", "left", T0)
    source.close()
    exported = tmp_path / "log.json"
    with Store.open(tmp_path / "other.sqlite3") as again:
        from psoas_timer.store import export_to_path

        export_to_path(again, exported)
    store.refuse(1)
    refused = queue.import_file(exported)
    assert refused.outcome is Outcome.REFUSED and refused.refusal is not None
    assert "the disk is full" in refused.refusal and queue.pending == 0
    done = queue.import_file(exported)
    assert done.outcome is Outcome.SAVED and done.saved is not None
    assert done.saved.what == "1 session imported from log.json"
    assert len(store.sessions()) == 1
    # While other changes wait, an import would jump the queue: it is refused.
    sid = store.sessions()[0].id
    store.refuse(-1)
    queue.set_note(sid, "waiting")
    later = queue.import_file(exported)
    assert later.outcome is Outcome.REFUSED and "1 earlier change is still waiting" in str(
        later.refusal
    )
    assert seen.refused == []


def test_without_a_log_everything_is_kept_and_reads_say_why(clocks: Clocks, seen: Seen) -> None:
    retry = FakeRetry()
    queue = seen.queue(UnavailableStore("The log is from a newer version."), clocks, retry)
    engine = engine_for(clocks)
    queue.attach(engine)
    engine.start()
    rate_and_skip_a_set(engine, 3)
    assert queue.pending == 3 and not retry.active  # waiting cannot open it
    assert queue.failure is not None and queue.failure.reason == "unavailable"
    assert "save it to a file" in pending_message(queue.pending, queue.failure)
    with pytest.raises(StoreError, match="newer version"):
        queue.readable()


def test_waiting_changes_are_saved_to_a_file_that_imports(
    queue: SaveQueue, store: RefusingStore, clocks: Clocks, tmp_path: Path
) -> None:
    logged = store.start_session("test-tool", "prone", "left", T0 - timedelta(days=1))
    store.refuse(-1)
    queue.set_rating(logged, "left", "before", 9)
    engine = engine_for(clocks)
    queue.attach(engine)
    engine.start()
    rate_and_skip_a_set(engine, 6)
    engine.end()
    target = tmp_path / "out" / "pending.json"
    target.parent.mkdir()
    assert write_pending_file(queue, target) == 5
    document = json.loads(target.read_text("utf-8"))
    changes = document["pending"]["changes"]
    assert [c["change"] for c in changes] == [
        "rating edited",
        "session started",
        "rating",
        "set",
        "session ended",
    ]
    assert changes[0]["session_id"] == logged and changes[0]["value"] == 9
    assert changes[0]["session_started_at"] == "2024-05-05T07:30:00+00:00"
    assert changes[2]["value"] == 6 and changes[2]["what"] == "Left side before, 6/10"
    assert sorted(p.name for p in target.parent.iterdir()) == ["pending.json"]
    assert target.stat().st_mode & 0o077 == 0
    # The session none of which reached the log imports whole.
    with Store.open(tmp_path / "elsewhere.sqlite3") as other:
        report = import_file(other, target)
        assert report.sessions_added == 1
        (summary,) = other.sessions()
        assert summary.side("left").before == 6 and summary.status == "ended_early"
        assert summary.started_at == T0 and summary.set_count == 1


def test_without_room_for_a_scratch_copy_the_file_still_lists_everything(
    queue: SaveQueue,
    store: RefusingStore,
    clocks: Clocks,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def no_room(*args: object, **kwargs: object) -> object:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(tempfile, "TemporaryDirectory", no_room)
    store.refuse(-1)
    engine = engine_for(clocks)
    queue.attach(engine)
    target = tmp_path / "pending.json"
    assert write_pending_file(queue, target) == 1
    document = json.loads(target.read_text("utf-8"))
    assert document["format"] == PENDING_ONLY_FORMAT
    assert [c["change"] for c in document["pending"]["changes"]] == ["session started"]


def test_discarding_lets_go_of_everything_waiting(
    queue: SaveQueue, store: RefusingStore, retry: FakeRetry, seen: Seen
) -> None:
    sid = store.start_session("test-tool", "prone", "left", T0)
    store.refuse(-1)
    queue.set_note(sid, "lost")
    assert retry.active and queue.pending == 1
    (dropped,) = queue.discard()
    assert dropped.what == "note" and queue.pending == 0 and queue.failure is None
    assert not retry.active and seen.pending[-1] == 0
    store.accept()
    queue.flush()
    assert store.session(sid).note == "" and seen.saved == []


def test_the_log_is_swapped_only_with_nothing_waiting(
    queue: SaveQueue, store: RefusingStore, clocks: Clocks, seen: Seen, tmp_path: Path
) -> None:
    engine = engine_for(clocks)
    queue.attach(engine)
    engine.start()
    assert queue.session_id is not None
    store.refuse(-1)
    queue.set_note(queue.session_id, "waits")
    with Store.open(tmp_path / "other.sqlite3") as other:
        with pytest.raises(RuntimeError, match="while changes wait"):
            queue.swap_store(other)
        assert queue.store is store
        store.accept()
        queue.flush()
        changed = seen.changed
        assert queue.swap_store(other) is store
        assert queue.store is other and seen.changed == changed + 1
        # The session started on the old log is not this log's.
        assert queue.session_id is None
        sid = other.start_session("test-tool", "prone", "left", T0)
        assert queue.set_note(sid, "in the new log").outcome is Outcome.SAVED
        assert other.session(sid).note == "in the new log"
        assert store.session(1).note == "waits"
        engine.end()  # an event of the session from the old log: never on the new one
        assert other.session(sid).status == "running"
        assert seen.refused == [
            ("session ended early", "Its session belongs to the log that was replaced.")
        ]
        assert queue.pending == 0


def test_a_stop_is_logged_with_its_reason_and_kept_whole_when_it_must_wait(
    queue: SaveQueue, store: RefusingStore, clocks: Clocks, seen: Seen, tmp_path: Path
) -> None:
    engine = engine_for(clocks)
    queue.attach(engine)
    engine.start()
    engine.next()
    engine.rate(6)
    clock = clocks.session
    assert isinstance(clock, FakeClock)
    clock.advance(23)  # breath 3 of the base set
    assert engine.stop()
    assert engine.give_reason("sharp_pain")
    kinds = [item.kind for item in seen.saved]
    assert kinds == ["session", "rating", "set", "stop"]
    assert seen.saved[-1].what == "stop on the left side (sharp or shooting pain)"
    sid = queue.session_id
    assert sid is not None
    (stop,) = store.stops(sid)
    assert (stop.side, stop.level, stop.breath, stop.reason) == ("left", 0, 3, "sharp_pain")
    assert store.sets(sid)[0].outcome == "stopped"
    # A second session whose stop cannot be written yet goes to the file whole.
    store.refuse(-1)
    second = engine_for(clocks)
    queue.attach(second)
    second.start()
    second.stop()
    second.end()  # no reason given
    target = tmp_path / "pending.json"
    write_pending_file(queue, target)
    changes = json.loads(target.read_text("utf-8"))["pending"]["changes"]
    assert [c["change"] for c in changes] == ["session started", "stop", "session ended"]
    assert changes[1]["reason"] == "not_given" and changes[1]["breath"] is None
    with Store.open(tmp_path / "elsewhere.sqlite3") as other:
        import_file(other, target)
        (summary,) = other.sessions()
        assert summary.stops == ("not_given",)
