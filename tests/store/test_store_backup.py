"""Automatic backups: one a day, 7 daily and 4 weekly kept, and a restore that loses nothing."""

from __future__ import annotations

import sqlite3
import stat
import time
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from psoas_timer.store import (
    Store,
    StoreError,
    backups_folder,
    list_backups,
    restore_backup,
)
from psoas_timer.store.backup import KEEP_DAILY, KEEP_WEEKLY, backup_name, to_keep
from psoas_timer.store.files import sidecars
from tests.helpers import fill_ten_years
from tests.store.test_store_stray_files import leave_a_wal

# A zone of its own, so that "a day" is not the test machine's day.
ZONE = timezone(timedelta(hours=-5), "test zone")
T0 = datetime(2024, 1, 3, 19, 0, tzinfo=ZONE)  # a Wednesday evening


def add_sessions(store: Store, count: int, tool: str = "ql-claw") -> None:
    for _ in range(count):
        sid = store.start_session(tool, "prone", "left")
        store.record_rating(sid, "left", "before", 6)
        store.finish_session(sid, "completed")


def uuids(store: Store) -> list[str]:
    return [s.uuid for s in store.sessions()]


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_backup_is_a_private_plain_copy_of_the_log(tmp_path: Path) -> None:
    log = tmp_path / "data" / "psoas-timer.sqlite3"
    with Store.open(log) as store:
        add_sessions(store, 3)
        made = store.backup_if_due(T0)
        assert made is not None
        assert made.parent == backups_folder(log) == log.parent / "backups"
        assert made.name == backup_name(T0) == "psoas-timer-backup-20240104T000000Z.sqlite3"
        expected = uuids(store)
    assert _mode(made) == 0o600 and _mode(made.parent) == 0o700
    assert sorted(p.name for p in made.parent.iterdir()) == [made.name]  # no -wal, no temp
    conn = sqlite3.connect(made)
    try:
        assert conn.execute("PRAGMA journal_mode").fetchone() == ("delete",)
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert [r[0] for r in conn.execute("SELECT uuid FROM sessions ORDER BY id")] == expected
    finally:
        conn.close()
    (listed,) = list_backups(log)
    assert (listed.path, listed.sessions, listed.size) == (made, 3, made.stat().st_size)
    assert listed.taken == T0.astimezone(UTC)


def test_at_most_one_backup_a_calendar_day_of_the_given_zone(tmp_path: Path) -> None:
    with Store.open(tmp_path / "log.sqlite3") as store:
        assert store.backup_if_due(T0) is not None
        # 23:59 the same local day (04:59 UTC the next day): already done today.
        assert store.backup_if_due(T0.replace(hour=23, minute=59)) is None
        assert store.backup_if_due(T0 + timedelta(hours=5)) is not None  # 00:00 the next day
        assert store.backup_if_due(T0 + timedelta(hours=6)) is None
    assert len(list_backups(tmp_path / "log.sqlite3")) == 2


def expected_after(days: int) -> set[date]:
    """Worked out by hand for one backup a day from T0's date (a Wednesday)."""
    first = T0.date()
    last = first + timedelta(days=days - 1)
    daily = {last - timedelta(days=n) for n in range(min(KEEP_DAILY, days))}
    oldest_daily = min(daily)
    weekly: set[date] = set()
    day = oldest_daily - timedelta(days=1)
    while len(weekly) < KEEP_WEEKLY and day >= first:
        weekly.add(day)  # the newest day left in its week
        day -= timedelta(days=day.isoweekday())  # back to the Sunday of the week before
    return daily | weekly


def test_pruning_keeps_seven_daily_and_four_weekly_over_sixty_days(tmp_path: Path) -> None:
    log = tmp_path / "log.sqlite3"
    with Store.open(log) as store:
        for n in range(60):
            for hour in (0, 6, 23):  # three sessions a day, one backup
                store.backup_if_due(T0.replace(hour=0) + timedelta(days=n, hours=hour))
            add_sessions(store, 1)
            kept = {b.taken.astimezone(ZONE).date() for b in list_backups(log)}
            assert kept == expected_after(n + 1), n
    assert len(kept) == KEEP_DAILY + KEEP_WEEKLY
    weeks = sorted({d.isocalendar()[:2] for d in kept})
    # The 7 daily span two ISO weeks; the first weekly one is the rest of the
    # earlier of those, the other three are the weeks before.
    assert len(weeks) == 5
    # The newest backup holds every session but the one logged after it.
    newest = list_backups(log)[0]
    assert newest.sessions == 59


def test_to_keep_takes_the_newest_of_each_day_then_of_each_week_before() -> None:
    newest = datetime(2024, 5, 1, 12, tzinfo=UTC)
    taken = [newest - timedelta(hours=6 * n) for n in range(4 * 90)]  # four a day
    by_day: dict[date, list[datetime]] = {}
    for t in taken:
        by_day.setdefault(t.date(), []).append(t)
    days = sorted(by_day, reverse=True)
    daily = {max(by_day[d]) for d in days[:KEEP_DAILY]}
    by_week: dict[tuple[int, int], list[datetime]] = {}
    for d in days[KEEP_DAILY:]:
        by_week.setdefault(d.isocalendar()[:2], []).extend(by_day[d])
    weeks = sorted(by_week, reverse=True)[:KEEP_WEEKLY]
    weekly = {max(by_week[w]) for w in weeks}
    assert to_keep(taken, UTC) == daily | weekly
    assert len(daily | weekly) == KEEP_DAILY + KEEP_WEEKLY
    assert min(daily).date() == date(2024, 4, 25)
    # The rest of the oldest daily's week (Mon 22 to Wed 24 April) is a weekly one.
    assert max(weekly) == datetime(2024, 4, 24, 18, tzinfo=UTC)


def test_other_files_in_the_backups_folder_are_never_removed(tmp_path: Path) -> None:
    log = tmp_path / "log.sqlite3"
    folder = backups_folder(log)
    folder.mkdir()
    mine = folder / "my copy.sqlite3"
    mine.write_bytes(b"keep me")
    near_miss = folder / "psoas-timer-backup-2020.sqlite3"
    near_miss.write_bytes(b"keep me too")
    with Store.open(log) as store:
        for n in range(30):
            store.backup_if_due(T0 + timedelta(days=n))
    assert mine.read_bytes() == b"keep me" and near_miss.read_bytes() == b"keep me too"


def test_a_restore_brings_back_the_previous_backup_and_keeps_the_current_log(
    tmp_path: Path,
) -> None:
    log = tmp_path / "data" / "psoas-timer.sqlite3"
    with Store.open(log) as store:
        add_sessions(store, 2)
        store.backup_if_due(T0)
        monday = uuids(store)
        add_sessions(store, 3, "pso-rite")
        store.backup_if_due(T0 + timedelta(days=1))
        add_sessions(store, 1, "hands")  # after the last backup
        today = uuids(store)
    newest, previous = list_backups(log)
    assert (newest.sessions, previous.sessions) == (5, 2)

    result = restore_backup(log, previous.path, now=datetime(2024, 1, 5, 9, 0))
    assert result.sessions == 2 and result.restored_from == previous.path
    with Store.open(log) as store:
        assert uuids(store) == monday
        assert store.notice is None
    aside = result.set_aside
    assert aside is not None
    assert aside.name == "psoas-timer.sqlite3.before-restore-20240105-090000"
    assert str(aside) in result.message and "Restored 2 sessions" in result.message
    with Store.open(aside) as kept:
        assert uuids(kept) == today  # nothing lost, not even what came after the backup
    assert previous.path.exists() and newest.path.exists()  # the backups stay
    assert _mode(log) == 0o600


def test_a_restore_sets_the_logs_wal_aside_with_it(tmp_path: Path) -> None:
    log = tmp_path / "psoas-timer.sqlite3"
    with Store.open(log) as store:
        add_sessions(store, 1)
        store.backup_if_due(T0)
        add_sessions(store, 1)
    backup = list_backups(log)[0].path
    # The last change is only in the -wal, as a crashed app would leave it.
    leave_a_wal(log, "UPDATE sessions SET note = 'only in the wal'")
    result = restore_backup(log, backup)
    assert result.set_aside is not None
    assert sidecars(result.set_aside)[0].exists()
    with Store.open(result.set_aside) as kept:
        assert [s.note for s in kept.sessions()] == ["only in the wal"] * 2
    with Store.open(log) as restored:
        assert [s.note for s in restored.sessions()] == [""]


@pytest.mark.parametrize(
    ("content", "why"),
    [
        (b"not a database at all" * 100, "not a usable backup"),
        (b"", "not a usable backup"),
    ],
)
def test_a_file_that_is_not_a_backup_is_refused_and_nothing_changes(
    tmp_path: Path, content: bytes, why: str
) -> None:
    log = tmp_path / "psoas-timer.sqlite3"
    with Store.open(log) as store:
        add_sessions(store, 2)
    before = log.read_bytes()
    bogus = tmp_path / "bogus.sqlite3"
    bogus.write_bytes(content)
    if not content:
        conn = sqlite3.connect(bogus)
        conn.execute("CREATE TABLE contacts (name TEXT)")
        conn.close()
    with pytest.raises(StoreError, match=why) as caught:
        restore_backup(log, bogus)
    assert "Nothing was changed" in str(caught.value)
    assert log.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bogus.sqlite3", "psoas-timer.sqlite3"]


def test_a_missing_backup_is_refused(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="There is no backup file"):
        restore_backup(tmp_path / "log.sqlite3", tmp_path / "nope.sqlite3")


def test_a_partial_copy_a_crash_left_is_cleared_by_the_next_backup(tmp_path: Path) -> None:
    log = tmp_path / "log.sqlite3"
    folder = backups_folder(log)
    folder.mkdir()
    partial = folder / f".{backup_name(T0 - timedelta(days=3))}.partial"
    partial.write_bytes(b"half a copy")
    (folder / ".keep-me").write_text("not ours")
    with Store.open(log) as store:
        made = store.backup_if_due(T0)
    assert made is not None
    assert sorted(p.name for p in folder.iterdir()) == [".keep-me", made.name]


def test_a_backup_that_cannot_be_written_is_skipped_quietly(tmp_path: Path) -> None:
    log = tmp_path / "log.sqlite3"
    backups_folder(log).write_text("a file where the folder should be")
    with Store.open(log) as store:
        add_sessions(store, 1)
        assert store.backup_if_due(T0) is None
        add_sessions(store, 1)  # the log goes on as before
    assert backups_folder(log).read_text() == "a file where the folder should be"


def test_backing_up_ten_years_of_sessions_is_quick(tmp_path: Path) -> None:
    log = tmp_path / "psoas-timer.sqlite3"
    Store.open(log).close()
    count = fill_ten_years(log)
    with Store.open(log) as store:
        start = time.perf_counter()
        made = store.backup_if_due(T0)
        took = time.perf_counter() - start
    assert made is not None
    (listed,) = list_backups(log)
    assert listed.sessions == count == 3650
    print(f"backup of {count} sessions ({listed.size / 1e6:.1f} MB): {took * 1000:.0f} ms")
    # Measured at about 20 ms for 3.8 MB; the bound leaves room for a busy machine.
    assert took < 3.0
