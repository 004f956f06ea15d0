"""Bad files met at start-up or import: a clear message, and the original never lost.

The store and settings modules test their own refusals (tests/store,
tests/core); these check the whole path the app takes, through
``application.open_store``, ``load_settings`` and the ``import`` command.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime
from pathlib import Path

import pytest

from psoas_timer import paths as app_paths
from psoas_timer.app import main as app_main
from psoas_timer.core.settings import Settings, load_settings, save_settings
from psoas_timer.store import SCHEMA_VERSION, Store, export_to_path
from psoas_timer.store.saving import UnavailableStore
from psoas_timer.ui.application import open_store


def _log_with_a_session(where: app_paths.Paths) -> int:
    where.ensure()
    with Store.open(where.database) as store:
        sid = store.start_session("ql-claw", "prone", "both")
        store.record_rating(sid, "left", "before", 6)
        return sid


def _garbage(original: bytes) -> bytes:
    return b"this is not a database\n" * 300


def _truncated(original: bytes) -> bytes:
    return original[: len(original) // 3]


def _zeroed_pages(original: bytes) -> bytes:
    # The header survives; the pages after it are wiped.
    return original[:100] + b"\0" * (len(original) - 100)


def _scrambled_pages(original: bytes) -> bytes:
    keep = 4096 + 200
    return original[:keep] + bytes((b * 7 + 13) % 256 for b in original[keep:])


@pytest.mark.parametrize("damage", [_garbage, _truncated, _zeroed_pages, _scrambled_pages])
def test_a_damaged_log_is_moved_aside_with_a_timestamp_and_the_user_told(
    tmp_path: Path, damage: object
) -> None:
    where = app_paths.paths_under(tmp_path / "app")
    _log_with_a_session(where)
    assert callable(damage)
    broken = damage(where.database.read_bytes())
    where.database.write_bytes(broken)
    for sidecar in ("-wal", "-shm"):
        where.database.with_name(where.database.name + sidecar).unlink(missing_ok=True)
    store, message = open_store(where)
    assert isinstance(store, Store), message
    try:
        assert message is not None
        kept = sorted(where.data.glob("psoas-timer.sqlite3.corrupt-*"))
        assert len(kept) == 1
        stamp = kept[0].name.removeprefix("psoas-timer.sqlite3.corrupt-")
        datetime.strptime(stamp, "%Y%m%d-%H%M%S")  # a timestamp, to the second
        assert kept[0].read_bytes() == broken  # moved, never rewritten
        assert str(kept[0]) in message and "untouched" in message
        assert store.sessions() == []  # a new, empty log
        store.start_session("ql-claw", "prone", "left")
    finally:
        store.close()


def test_a_second_damaged_log_never_overwrites_the_first_one_kept(tmp_path: Path) -> None:
    where = app_paths.paths_under(tmp_path / "app")
    where.ensure()
    for n in range(3):
        where.database.write_bytes(b"garbage %d " % n * 500)
        store, _ = open_store(where)
        assert isinstance(store, Store)
        store.close()
        where.database.unlink()
    kept = sorted(where.data.glob("psoas-timer.sqlite3.corrupt-*"))
    assert sorted(p.read_bytes() for p in kept) == [b"garbage %d " % n * 500 for n in range(3)]


def test_a_log_from_a_newer_version_is_left_untouched(tmp_path: Path) -> None:
    where = app_paths.paths_under(tmp_path / "app")
    _log_with_a_session(where)
    conn = sqlite3.connect(where.database)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    before = where.database.read_bytes()
    listing = sorted(p.name for p in where.data.iterdir())
    store, message = open_store(where)
    assert isinstance(store, UnavailableStore) and store.message == message
    assert message is not None and "newer version" in message and "Update the app" in message
    assert "Nothing will be saved to the log this time" in message
    assert where.database.read_bytes() == before
    assert sorted(p.name for p in where.data.iterdir()) == listing


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"{ not json", "not valid JSON"),
        (b"\xff\xfe\x00garbage", "not valid JSON"),
        (b"", "not valid JSON"),
        (b"[1, 2, 3]", "does not hold a settings object"),
        (b'{"breaths": "many"}', "back at their defaults: breaths (expected a whole number"),
        (b'{"volume": 400}', "back at their defaults: volume (expected a whole number"),
        (b'{"theme": "neon"}', "back at their defaults: theme (expected one of"),
        (b'{"inhale": -4}', "back at their defaults: inhale (cannot be negative"),
    ],
)
def test_a_corrupt_settings_file_is_set_aside_and_defaults_used(
    tmp_path: Path, content: bytes, reason: str
) -> None:
    path = tmp_path / "config" / "settings.json"
    path.parent.mkdir()
    path.write_bytes(content)
    settings, message = load_settings(path)
    assert settings == Settings.defaults()
    assert message is not None and reason in message
    kept = list(path.parent.glob("settings.json.corrupt-*"))
    assert len(kept) == 1 and kept[0].read_bytes() == content
    assert str(kept[0]) in message and "defaults" in message
    assert not path.exists()
    save_settings(path, settings)  # and the next save works
    assert load_settings(path) == (settings, None)


MALFORMED_CSV = {
    "binary garbage": b"\x00\x01\x02\xff\xfe" * 100,
    "not CSV at all": b"hello world\nthis is a letter\n",
    "header only, wrong columns": b"a,b,c\n1,2,3\n",
    "truncated mid-row": None,  # built from a real export below
    "unclosed quote": None,
    "bad rating": None,
}


def _csv_cases(good: bytes) -> dict[str, bytes]:
    text = good.decode("utf-8")
    lines = text.splitlines(keepends=True)
    cases = {k: v for k, v in MALFORMED_CSV.items() if v is not None}
    cases["truncated mid-row"] = good[: len(good) - len(lines[-1]) // 2]
    cases["unclosed quote"] = (lines[0] + '"' + "".join(lines[1:])).encode("utf-8")
    rating_line = next(line for line in lines if line.startswith("rating,"))
    cases["bad rating"] = text.replace(rating_line, rating_line.replace(",6,", ",11,")).encode()
    return cases


def test_a_malformed_csv_import_says_what_to_do_and_changes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = app_paths.paths_under(tmp_path / "source")
    _log_with_a_session(source)
    good_file = tmp_path / "good.csv"
    with Store.open(source.database) as store:
        export_to_path(store, good_file)
    good = good_file.read_bytes()
    assert b"rating," in good and b",6," in good
    target = app_paths.paths_under(tmp_path / "target")
    _log_with_a_session(target)
    log_before = target.database.read_bytes()
    capsys.readouterr()
    for name, content in _csv_cases(good).items():
        path = tmp_path / f"{name.replace(' ', '-')}.csv"
        path.write_bytes(content)
        stamp = path.stat().st_mtime_ns
        code = app_main(["import", str(path), "--data-dir", str(tmp_path / "target")])
        out, err = capsys.readouterr()
        assert code == 1, (name, out, err)
        assert err.startswith("psoas-timer: Nothing was imported"), (name, err)
        assert path.name in err.splitlines()[0], (name, err)
        assert len(err.splitlines()) >= 2, (name, err)  # each problem on its own line
        assert path.read_bytes() == content and path.stat().st_mtime_ns == stamp, name
    with Store.open(target.database) as store:
        assert len(store.sessions()) == 1
    assert target.database.read_bytes() == log_before or _same_log(target.database, log_before)


def _same_log(database: Path, before: bytes) -> bool:
    copy = database.with_name("before.sqlite3")
    copy.write_bytes(before)
    try:
        dump = "\n".join(sqlite3.connect(database).iterdump())
        return dump == "\n".join(sqlite3.connect(copy).iterdump())
    finally:
        copy.unlink()


def test_a_stray_wal_from_another_database_is_set_aside_and_the_user_told(
    tmp_path: Path,
) -> None:
    """A real -wal from another SQLite database, beside a real log, through the app's own open."""
    from tests.store.test_store_stray_files import another_databases_wal

    where = app_paths.paths_under(tmp_path / "app")
    sid = _log_with_a_session(where)
    with Store.open(where.database) as before:
        history = before.snapshots()
    stray = another_databases_wal(tmp_path)
    where.database.with_name(where.database.name + "-wal").write_bytes(stray)
    store, message = open_store(where)
    assert isinstance(store, Store), message
    try:
        assert store.snapshots() == history  # every session, set and rating
        assert store.ratings(sid)[0].value == 6
    finally:
        store.close()
    assert message is not None
    (aside,) = where.data.glob("psoas-timer.sqlite3-wal.foreign-*")
    assert message == (
        f"A stray file beside your log was set aside: {aside}. It belonged to another "
        "database (read with it, the log failed its checks: it is an SQLite database of some "
        "other program). Your log opened without it; your history is intact."
    )
    assert aside.read_bytes() == stray
    assert not list(where.data.glob("*.corrupt-*"))  # the log was not taken for damaged
    assert "untouched" not in message
