"""The journal without Qt: reserved ahead, every kind of change kept and replayed exactly
once, a replay the disk refuses kept for later, and a damaged journal set aside."""

from __future__ import annotations

import errno
import json
import os
import sqlite3
import stat
import uuid
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from psoas_timer.core.clock import Clocks, FakeClock
from psoas_timer.store import SessionSnapshot, Store, StoreWriteError
from psoas_timer.store.journal import (
    HEADER_SIZE,
    JOURNAL_SIZE,
    Journal,
    JournalKeeper,
    Notice,
    journal_path,
    pack,
)
from psoas_timer.store.saving import SaveQueue
from tests.refusing_store import RefusingStore
from tests.store.test_saving_queue import FakeRetry, engine_for, rate_and_skip_a_set

T0 = datetime(2024, 5, 6, 7, 30, tzinfo=UTC)
DAY = timedelta(days=1)


def clocks_at_t0() -> Clocks:
    return Clocks.following(FakeClock(), T0)


def open_log(path: Path) -> RefusingStore:
    store = RefusingStore.open(path)
    assert isinstance(store, RefusingStore)
    return store


def seed(store: Store) -> dict[str, int]:
    """Sessions logged before the disk filled."""
    ids = {
        name: store.start_session("ql-claw", "prone", "both", T0 - n * DAY)
        for n, name in enumerate(["rated", "deleted", "undone", "put back", "lost"], start=1)
    }
    for name in ("rated", "deleted", "undone", "put back"):
        store.record_rating(ids[name], "left", "before", 5, T0 - DAY)
        store.finish_session(ids[name], "completed", T0 - DAY + timedelta(minutes=20))
    return ids


def every_kind_of_change(queue: SaveQueue, store: RefusingStore, clocks: Clocks) -> None:
    """Every kind of change the queue takes; all but the first wait on a refusing log."""
    ids = seed(store)
    _, put_back = queue.delete_session(ids["put back"], "the session put back")  # saved
    store.refuse()
    queue.set_rating(ids["rated"], "left", "after", 2)
    queue.set_rating(ids["rated"], "left", "before", None)  # cleared
    queue.set_rating(ids["rated"], "right", "before", 9)
    queue.set_note(ids["rated"], "sore on the left; «better» after")
    queue.record_next_day(ids["rated"], "worse", True)
    queue.record_next_day(ids["undone"], None, None)  # "don't ask", then deleted and undone
    queue.close_unfinished(ids["lost"], {("right", "after"): 3, ("left", "after"): None})
    queue.delete_session(ids["deleted"], "the deleted session")
    _, undone = queue.delete_session(ids["undone"], "the session deleted and undone")
    queue.restore_session(undone)
    queue.restore_session(put_back)
    engine = engine_for(clocks, "both")
    queue.attach(engine)
    engine.start()
    rate_and_skip_a_set(engine, 7)
    assert engine.stop()  # at "More pressure?": something felt wrong
    assert engine.give_reason("tingling")
    engine.end()


@dataclass(frozen=True)
class Logged:
    """What a log holds, ids and uuids left out (sessions in order of start)."""

    sessions: tuple[tuple[object, ...], ...]


def contents(store: Store) -> Logged:
    def row(snapshot: SessionSnapshot) -> tuple[object, ...]:
        s = snapshot.session
        sets = tuple(replace(r, id=0, session_id=0) for r in snapshot.sets)
        ratings = tuple(replace(r, session_id=0) for r in snapshot.ratings)
        check = None if snapshot.next_day is None else replace(snapshot.next_day, session_id=0)
        stops = tuple(replace(r, id=0, session_id=0) for r in snapshot.stops)
        return (s.started_at, s.ended_at, s.status, s.note, s.sides, sets, ratings, check, stops)

    return Logged(tuple(row(s) for s in store.snapshots()))


@pytest.fixture
def expected(tmp_path: Path) -> Logged:
    """The same changes on a log that never refused."""
    control = open_log(tmp_path / "control.sqlite3")
    try:
        queue = SaveQueue(control, clocks_at_t0().wall, FakeRetry())
        every_kind_of_change(queue, control, clocks_at_t0())
        control.accept()
        queue.flush()
        assert queue.pending == 0
        return contents(control)
    finally:
        control.close()


@contextmanager
def kept_run(folder: Path) -> Iterator[tuple[SaveQueue, JournalKeeper]]:
    """A run whose changes all wait, then stop: what the app does on SIGTERM."""
    store = open_log(folder / "log.sqlite3")
    clocks = clocks_at_t0()
    queue = SaveQueue(store, clocks.wall, FakeRetry())
    keeper = JournalKeeper(queue, journal_path(store.path))
    assert keeper.start() is None
    try:
        yield queue, keeper
    finally:
        keeper.close()
        store.close()


def next_start(folder: Path, refuse: int = 0) -> tuple[Notice | None, SaveQueue, JournalKeeper]:
    store = open_log(folder / "log.sqlite3")
    if refuse:
        store.refuse(refuse)
    queue = SaveQueue(store, clocks_at_t0().wall, FakeRetry())
    keeper = JournalKeeper(queue, journal_path(store.path))
    return keeper.start(), queue, keeper


def finish(queue: SaveQueue, keeper: JournalKeeper) -> None:
    keeper.close()
    queue.store.close()


def read_journal(folder: Path) -> bytes | None:
    journal = Journal.open(folder / "unsaved.journal")
    try:
        return journal.read()
    finally:
        journal.close()


# -- the file ------------------------------------------------------------------


def test_the_journal_is_reserved_private_and_written_out(tmp_path: Path) -> None:
    path = tmp_path / "unsaved.journal"
    journal = Journal.open(path)
    journal.reserve()
    info = path.stat()
    assert info.st_size == JOURNAL_SIZE
    assert stat.S_IMODE(info.st_mode) == 0o600
    assert info.st_blocks * 512 >= JOURNAL_SIZE  # allocated, not a hole
    assert path.read_bytes() == bytes(JOURNAL_SIZE)
    assert journal.read() is None
    blob = pack({"format": "x"})
    journal.write(blob)
    assert json.loads(journal.read() or b"") == {"format": "x"}
    assert path.stat().st_size == JOURNAL_SIZE  # written in place
    journal.clear()
    assert journal.read() is None and path.read_bytes() == bytes(JOURNAL_SIZE)
    journal.close()


def test_a_journal_left_open_to_others_is_made_private(tmp_path: Path) -> None:
    path = tmp_path / "unsaved.journal"
    path.write_bytes(b"")
    path.chmod(0o644)
    Journal.open(path).close()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_a_start_with_nothing_kept_says_nothing_and_reserves(tmp_path: Path) -> None:
    notice, queue, keeper = next_start(tmp_path)
    assert notice is None
    assert (tmp_path / "unsaved.journal").stat().st_size == JOURNAL_SIZE
    assert keeper.keep() == 0  # nothing waits: nothing written
    assert read_journal(tmp_path) is None
    finish(queue, keeper)


# -- kept, and replayed exactly once ---------------------------------------------------------


def test_every_kind_of_change_is_kept_and_lands_once_at_the_next_start(
    tmp_path: Path, expected: Logged
) -> None:
    with kept_run(tmp_path) as (queue, keeper):
        every_kind_of_change(queue, queue.store, clocks_at_t0())  # type: ignore[arg-type]
        waiting = queue.pending
        assert waiting == 16
        # The deletion undone while both waited is left out: together they change nothing.
        assert keeper.keep() == waiting - 2
    document = json.loads(read_journal(tmp_path) or b"")
    kinds = [c["change"] for c in document["changes"]]
    assert "session deleted" in kinds and "session put back" in kinds
    (stop,) = [c for c in document["changes"] if c["change"] == "stop"]
    assert (stop["side"], stop["level"], stop["reason"]) == ("left", 0, "tingling")
    assert sum(k == "session deleted" for k in kinds) == 1
    assert (tmp_path / "unsaved.journal").stat().st_size == JOURNAL_SIZE
    journal_bytes = (tmp_path / "unsaved.journal").read_bytes()

    notice, queue, keeper = next_start(tmp_path)
    assert notice is not None and not notice.problem
    assert notice.text.startswith(f"{len(kinds)} changes kept from last time were saved: ")
    assert notice.text.endswith("; and 8 more.")
    assert queue.pending == 0
    assert contents(queue.store) == expected  # type: ignore[arg-type]
    (stopped,) = [s for s in queue.store.snapshots() if s.stops]  # type: ignore[union-attr]
    assert [(t.side, t.reason) for t in stopped.stops] == [("left", "tingling")]
    assert read_journal(tmp_path) is None  # cleared, still reserved
    assert (tmp_path / "unsaved.journal").stat().st_size == JOURNAL_SIZE
    finish(queue, keeper)

    # A stop between the replay and the clearing: the next start replays it all again.
    (tmp_path / "unsaved.journal").write_bytes(journal_bytes)
    notice, queue, keeper = next_start(tmp_path)
    assert notice is not None and notice.text.startswith(f"{len(kinds)} changes kept")
    assert contents(queue.store) == expected  # type: ignore[arg-type]
    finish(queue, keeper)


class CutShort(RefusingStore):
    """Takes ``allowed`` transactions, then refuses every one: a disk filling mid-replay."""

    allowed = 0

    @contextmanager
    def transaction(self, action: str = "save to the log") -> Iterator[None]:
        if self.allowed <= 0:
            raise StoreWriteError(f"Could not {action}: the disk is full.", "full")
        self.allowed -= 1
        with super().transaction(action):
            yield


@pytest.mark.parametrize("allowed", range(1, 14, 2))
def test_a_replay_cut_short_keeps_the_journal_and_the_next_writes_nothing_twice(
    tmp_path: Path, expected: Logged, allowed: int
) -> None:
    with kept_run(tmp_path) as (queue, keeper):
        every_kind_of_change(queue, queue.store, clocks_at_t0())  # type: ignore[arg-type]
        keeper.keep()
    kept = read_journal(tmp_path)
    cut = CutShort.open(tmp_path / "log.sqlite3")
    assert isinstance(cut, CutShort)
    cut.allowed = allowed
    queue = SaveQueue(cut, clocks_at_t0().wall, FakeRetry())
    keeper = JournalKeeper(queue, tmp_path / "unsaved.journal")
    notice = keeper.start()
    assert notice is not None and notice.problem
    assert "not saved yet" in notice.text and "The disk is full: free some space" in notice.text
    assert read_journal(tmp_path) == kept  # kept for the next start
    finish(queue, keeper)  # and then the app is killed: nothing more is written

    notice, queue, keeper = next_start(tmp_path)
    assert notice is not None and not notice.problem, notice
    assert contents(queue.store) == expected  # type: ignore[arg-type]
    assert read_journal(tmp_path) is None
    finish(queue, keeper)


def test_a_replay_the_disk_refuses_waits_in_the_queue_and_clears_once_saved(
    tmp_path: Path, expected: Logged
) -> None:
    with kept_run(tmp_path) as (queue, keeper):
        every_kind_of_change(queue, queue.store, clocks_at_t0())  # type: ignore[arg-type]
        count = keeper.keep()
    notice, queue, keeper = next_start(tmp_path, refuse=-1)
    assert notice is not None and notice.problem
    assert notice.text.startswith(f"{count} changes kept from last time are not saved yet")
    assert queue.pending == count and read_journal(tmp_path) is not None
    store = queue.store
    assert isinstance(store, RefusingStore)
    store.accept()
    queue.flush()  # the retry timer, once there is room
    keeper.settle()  # the save service calls this whenever the count changes
    assert queue.pending == 0 and read_journal(tmp_path) is None
    assert contents(store) == expected
    finish(queue, keeper)


def test_letting_go_of_what_waits_lets_go_of_the_journal(tmp_path: Path) -> None:
    with kept_run(tmp_path) as (queue, keeper):
        every_kind_of_change(queue, queue.store, clocks_at_t0())  # type: ignore[arg-type]
        keeper.keep()
    _, queue, keeper = next_start(tmp_path, refuse=-1)
    assert queue.pending and read_journal(tmp_path) is not None
    queue.discard()
    keeper.forget()
    assert read_journal(tmp_path) is None
    finish(queue, keeper)


def test_a_session_that_is_gone_is_said_and_the_rest_still_lands(tmp_path: Path) -> None:
    """The log was replaced meanwhile (a backup restored from the command line, say)."""
    with kept_run(tmp_path) as (queue, keeper):
        store = queue.store
        assert isinstance(store, RefusingStore)
        kept_id = store.start_session("ql-claw", "prone", "left", T0)
        gone_id = store.start_session("ql-claw", "prone", "left", T0 + DAY)
        store.refuse()
        queue.set_note(gone_id, "on the session that will be gone")
        queue.set_note(kept_id, "on the session that stays")
        keeper.keep()
    # In the log now, that id is another session's, which must not get the note.
    conn = sqlite3.connect(tmp_path / "log.sqlite3")
    with conn:
        conn.execute("UPDATE sessions SET uuid = ? WHERE id = ?", (str(uuid.uuid4()), gone_id))
    conn.close()
    notice, queue, keeper = next_start(tmp_path)
    assert notice is not None and notice.problem
    assert "1 change kept from last time was saved: note." in notice.text
    assert "1 change kept from last time could not be saved at all: note (The session it " in (
        notice.text
    )
    log = queue.readable()
    assert log.session(kept_id).note == "on the session that stays"
    assert log.session(gone_id).note == ""
    assert read_journal(tmp_path) is None
    finish(queue, keeper)


def test_a_session_whose_start_waited_is_replayed_whole_even_on_a_log_that_never_opened(
    tmp_path: Path,
) -> None:
    from psoas_timer.store.saving import UnavailableStore

    clocks = clocks_at_t0()
    queue = SaveQueue(UnavailableStore("The log could not be opened."), clocks.wall, FakeRetry())
    keeper = JournalKeeper(queue, tmp_path / "unsaved.journal")
    assert keeper.start() is None
    engine = engine_for(clocks)
    queue.attach(engine)
    engine.start()
    rate_and_skip_a_set(engine, 6)
    engine.end()
    assert keeper.keep() == 4
    keeper.close()

    notice, queue, keeper = next_start(tmp_path)
    assert notice is not None and notice.text.startswith("4 changes kept from last time were")
    (summary,) = queue.readable().sessions()
    assert summary.status == "ended_early" and summary.side("left").before == 6
    assert summary.started_at == T0 and summary.set_count == 1
    finish(queue, keeper)


def test_more_than_the_reservation_grows_the_file_while_the_disk_has_room(
    tmp_path: Path,
) -> None:
    with kept_run(tmp_path) as (queue, keeper):
        store = queue.store
        assert isinstance(store, RefusingStore)
        sid = store.start_session("ql-claw", "prone", "left", T0)
        store.refuse()
        for _ in range(60):
            # Notes that do not compress: 60 × 10,000 characters is past 256 KiB.
            queue.set_note(sid, os.urandom(5000).hex())
        last = os.urandom(5000).hex()
        queue.set_note(sid, last)
        assert keeper.keep() == 61
    assert (tmp_path / "unsaved.journal").stat().st_size > JOURNAL_SIZE
    notice, queue, keeper = next_start(tmp_path)
    assert notice is not None and notice.text.startswith("61 changes kept")
    assert queue.readable().session(sid).note == last
    assert (tmp_path / "unsaved.journal").stat().st_size == JOURNAL_SIZE  # given back
    finish(queue, keeper)


def test_without_room_past_the_reservation_the_oldest_that_fit_are_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    real_write = Journal.write

    def full_disk(self: Journal, blob: bytes) -> None:
        if HEADER_SIZE + len(blob) > JOURNAL_SIZE:
            raise OSError(errno.ENOSPC, "No space left on device")
        real_write(self, blob)

    monkeypatch.setattr(Journal, "write", full_disk)
    with kept_run(tmp_path) as (queue, keeper):
        store = queue.store
        assert isinstance(store, RefusingStore)
        sid = store.start_session("ql-claw", "prone", "left", T0)
        store.refuse()
        notes = [os.urandom(5000).hex() for _ in range(60)]
        for note in notes:
            queue.set_note(sid, note)
        kept = keeper.keep()
    assert 10 < kept < 60
    assert f"the journal had room for {kept} of 60 waiting changes; lost: " in caplog.text
    document = json.loads(read_journal(tmp_path) or b"")
    assert [c["note"] for c in document["changes"]] == notes[:kept]


# -- damaged journals ------------------------------------------------------------------


def _valid(tmp_path: Path) -> None:
    with kept_run(tmp_path) as (queue, keeper):
        store = queue.store
        assert isinstance(store, RefusingStore)
        sid = store.start_session("ql-claw", "prone", "left", T0)
        store.refuse()
        queue.set_note(sid, "kept")
        keeper.keep()


def _rewrite(path: Path, document: object) -> None:
    journal = Journal.open(path)
    journal.write(zlib.compress(json.dumps(document).encode()))
    journal.close()


def _damage(how: str, path: Path) -> None:
    data = bytearray(path.read_bytes())
    if how == "garbage":
        path.write_bytes(b"this is not a journal at all" + bytes(100))
    elif how == "cut short":
        path.write_bytes(bytes(data[: HEADER_SIZE + 8]))
    elif how == "a flipped byte":
        data[HEADER_SIZE + 3] ^= 0xFF
        path.write_bytes(bytes(data))
    elif how == "a newer layout":
        data[16] = 9
        path.write_bytes(bytes(data))
    elif how == "not json":
        journal = Journal.open(path)
        journal.write(zlib.compress(b'{"format": "psoas-timer-journal", '))
        journal.close()
    elif how == "an unknown change":
        document = json.loads(zlib.decompress(bytes(data[HEADER_SIZE:]).rstrip(b"\0")))
        document["changes"][0]["change"] = "session frobnicated"
        _rewrite(path, document)
    elif how == "a rating of 11":
        _rewrite(
            path,
            {
                "format": "psoas-timer-journal",
                "version": 1,
                "sessions": [],
                "changes": [
                    {
                        "change": "rating edited",
                        "session_id": 1,
                        "side": "left",
                        "moment": "before",
                        "value": 11,
                        "recorded_at": "2024-05-06T07:30:00+00:00",
                    }
                ],
            },
        )
    elif how == "a folder":
        path.unlink()
        path.mkdir()
        (path / "inside").write_text("untouched")
    elif how == "a link":
        target = path.with_name("elsewhere")
        path.rename(target)
        path.symlink_to(target)
    else:
        raise AssertionError(how)


@pytest.mark.parametrize(
    ("how", "why"),
    [
        ("garbage", "it does not start like a journal of this app"),
        ("cut short", "it was cut short"),
        ("a flipped byte", "its contents do not match their checksum"),
        ("a newer layout", "it was written by a newer version of the app"),
        ("not json", "it is not readable"),
        ("an unknown change", "change 1 is of an unknown kind, 'session frobnicated'"),
        ("a rating of 11", "change 1: value should be a rating from 0 to 10, not 11"),
        ("a folder", "it is not a plain file"),
        ("a link", "it is not a plain file"),
    ],
)
def test_a_damaged_journal_is_set_aside_with_a_message_and_a_new_one_reserved(
    tmp_path: Path, how: str, why: str
) -> None:
    _valid(tmp_path)
    path = tmp_path / "unsaved.journal"
    _damage(how, path)
    before = path.read_bytes() if path.is_file() and not path.is_symlink() else None
    notice, queue, keeper = next_start(tmp_path)
    assert notice is not None and notice.problem
    assert notice.text.startswith(f"The changes kept from last time could not be read: {why}")
    (aside,) = tmp_path.glob("unsaved.journal.damaged-*")
    assert f"set aside as {aside}, and nothing in it was saved." in notice.text
    if before is not None:
        assert aside.read_bytes() == before  # untouched
    if how == "a folder":
        assert (aside / "inside").read_text() == "untouched"
    if how == "a link":
        assert aside.is_symlink() and (tmp_path / "elsewhere").stat().st_size == JOURNAL_SIZE
    assert path.is_file() and not path.is_symlink()
    assert path.stat().st_size == JOURNAL_SIZE and read_journal(tmp_path) is None
    assert queue.pending == 0
    assert queue.readable().session(1).note == ""  # nothing from it was written
    assert keeper.journal is not None  # a stop now is kept in the new one
    finish(queue, keeper)


def test_one_change_kept_is_told_in_the_singular(tmp_path: Path) -> None:
    _valid(tmp_path)
    notice, queue, keeper = next_start(tmp_path)
    assert notice == Notice("1 change kept from last time was saved: note.", problem=False)
    assert queue.readable().session(1).note == "kept"
    finish(queue, keeper)


def test_a_journal_kept_in_another_language_lands_whole(tmp_path: Path, expected: Logged) -> None:
    """The journal names its changes in its own words, whatever language the app speaks."""
    from psoas_timer.core import i18n

    i18n.install("de")
    try:
        with kept_run(tmp_path) as (queue, keeper):
            every_kind_of_change(queue, queue.store, clocks_at_t0())  # type: ignore[arg-type]
            keeper.keep()
        notice, queue, keeper = next_start(tmp_path)
        assert notice is not None and not notice.problem, notice
        assert queue.pending == 0
        assert contents(queue.store) == expected  # type: ignore[arg-type]
        finish(queue, keeper)
    finally:
        i18n.install(i18n.SOURCE_LANGUAGE)
