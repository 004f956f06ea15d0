"""Hostile import files: each is refused with its line and a plain sentence, never a traceback.

Every case goes through ``import_file`` (what the window calls; it shows the
error's text) and through ``psoas-timer import FILE`` (exit status 1, one
sentence per problem on stderr).
"""

from __future__ import annotations

import codecs
import io
import json
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from psoas_timer import paths as app_paths
from psoas_timer.app import main as app_main
from psoas_timer.store import ImportFileError, Store, export_csv, import_file
from tests.store.test_store_import_errors import COL, A, good_rows, to_bytes

NOW = datetime(2024, 6, 1, 12, 0, tzinfo=UTC)


def good_json() -> dict[str, object]:
    return {
        "format": "psoas-timer-log",
        "version": 1,
        "sessions": [
            {
                "uuid": A,
                "started_at": "2024-05-01T07:30:00Z",
                "ended_at": "2024-05-01T08:00:00Z",
                "tool_id": "ball",
                "position_id": "prone",
                "sides": "both",
                "status": "completed",
                "note": "ok",
                "sets": [
                    {
                        "seq": 1,
                        "side": "left",
                        "level": 0,
                        "variant_name": "Base set",
                        "breaths_planned": 15,
                        "breaths_done": 15,
                        "released_breath": 6,
                        "released_at_s": 40.5,
                        "duration_s": 90.0,
                        "paused_s": 0.0,
                        "outcome": "completed",
                        "recorded_at": "2024-05-01T07:35:00Z",
                    }
                ],
                "ratings": [
                    {
                        "side": "left",
                        "moment": "before",
                        "value": 7,
                        "recorded_at": "2024-05-01T07:31:00Z",
                    }
                ],
            }
        ],
    }


def json_bytes(doc: object) -> bytes:
    """Pretty JSON: the set of session 0 starts at line 13, its duration is on line 22."""
    return json.dumps(doc, indent=2).encode()


def csv_with(line: int, column: str, value: str) -> bytes:
    rows = good_rows()
    rows[line - 1][COL[column]] = value
    return to_bytes(rows)


def json_with(edit: Callable[[dict[str, object]], object], *, literal: str = "") -> bytes:
    doc = good_json()
    edit(doc)
    text = json_bytes(doc)
    return text.replace(b'"__LITERAL__"', literal.encode()) if literal else text


def session0(doc: dict[str, object]) -> dict[str, object]:
    sessions = doc["sessions"]
    assert isinstance(sessions, list)
    first = sessions[0]
    assert isinstance(first, dict)
    return first


def set0(doc: dict[str, object]) -> dict[str, object]:
    sets = session0(doc)["sets"]
    assert isinstance(sets, list)
    first = sets[0]
    assert isinstance(first, dict)
    return first


@dataclass(frozen=True)
class Case:
    """``line`` is the line number, or text whose first line in the file is the one meant."""

    name: str
    suffix: str
    make: Callable[[], bytes]
    line: int | str
    said: str

    def line_in(self, content: bytes) -> int:
        if isinstance(self.line, int):
            return self.line
        lines = content.decode("utf-8", "replace").splitlines()
        return next(n for n, text in enumerate(lines, start=1) if self.line in text)


DEEP = 100_000
CASES = [
    # huge numbers
    Case("csv 20-digit level", ".csv", lambda: csv_with(3, "level", "9" * 20), 3,
         "field level: expected a whole number from 0 to 1,000,000, got a number 20 digits long"),
    Case("csv 5,000-digit level", ".csv", lambda: csv_with(3, "level", "9" * 5000), 3,
         "field level: expected a whole number from 0 to 1,000,000, got a number 5,000 digits"),
    Case("csv 5,000-digit rating", ".csv", lambda: csv_with(5, "value", "7" * 5000), 5,
         "field value: expected a whole number from 0 to 10, got a number 5,000 digits long"),
    Case("csv 400-digit duration", ".csv", lambda: csv_with(3, "duration_s", "9" * 400), 3,
         "field duration_s: expected a number of seconds from 0 to 1,000,000,000, got '99999"),
    Case("json 2**70 seq", ".json", lambda: json_with(lambda d: set0(d).update(seq=2**70)),
         '"seq"',
         "sessions[0].sets[0]: field seq: expected a whole number from 1 to 1,000,000, got "
         "1180591620717411303424"),
    Case("json 10**400 duration", ".json",
         lambda: json_with(lambda d: set0(d).update(duration_s="__LITERAL__"),
                           literal="1" + "0" * 400), '"duration_s"',
         "field duration_s: expected a number of seconds from 0 to 1,000,000,000, got a number "
         "401 digits long"),
    Case("json 10**25 duration", ".json",
         lambda: json_with(lambda d: set0(d).update(duration_s=10**25)), '"duration_s"',
         "field duration_s: expected a number of seconds from 0 to 1,000,000,000, got "
         "10000000000000000000000000"),
    Case("json 1e999 duration", ".json",
         lambda: json_with(lambda d: set0(d).update(duration_s="__LITERAL__"), literal="1e999"),
         '"duration_s"',
         "field duration_s: expected a number of seconds from 0 to 1,000,000,000, got inf"),
    Case("json 5,000-digit rating", ".json",
         lambda: json_with(lambda d: session0(d)["ratings"][0].update(  # type: ignore[index]
             value="__LITERAL__"), literal="7" * 5000), '"value"',
         "field value: expected a whole number from 0 to 10, got a number 5,000 digits long"),
    # deep JSON
    Case("json nested 100,000 deep", ".json", lambda: b"[" * DEEP + b"]" * DEEP, 1,
         "field format: expected a Psoas Timer JSON export, an object starting with {, found '['"),
    Case("json deep inside a session", ".json",
         lambda: json_with(lambda d: session0(d).update(note="__LITERAL__"),
                           literal="[" * DEEP + "]" * DEEP), '"note"',
         "field json: not valid JSON for an export: it is nested far too deeply"),
    Case("json deep format value", ".json",
         lambda: b'{"format": ' + b"[" * DEEP + b"]" * DEEP + b"}", 1,
         "nested far too deeply"),
    # surrogates
    Case("json lone surrogate in a note", ".json",
         lambda: json_with(lambda d: session0(d).update(note="__LITERAL__"),
                           literal='"fine \\ud800 text"'), '"note"',
         "field note: holds a lone surrogate (\\ud800) at character 6"),
    Case("json lone surrogate as a key", ".json",
         lambda: json_with(lambda d: session0(d).update(x="__LITERAL__"),
                           literal='1, "\\udfff": 2'), '"x"',
         "field '\\udfff': unexpected field"),
    Case("csv encoded surrogate", ".csv",
         lambda: csv_with(2, "note", "fine __S__").replace(b"__S__", b"\xed\xa0\x80"), 2,
         "field encoding: column 119 holds half of a UTF-16 character written as UTF-8 "
         "(bytes ed a0 80)"),
    # encodings
    Case("utf-16 json", ".json", lambda: json_bytes(good_json()).decode().encode("utf-16"), 1,
         "field encoding: this file is UTF-16; save it as UTF-8"),
    Case("utf-16 json, no mark", ".json",
         lambda: json_bytes(good_json()).decode().encode("utf-16-le"), 1,
         "field encoding: this file looks like UTF-16 (a zero byte after each letter); save it "
         "as UTF-8"),
    Case("utf-16 csv", ".csv", lambda: to_bytes(good_rows()).decode().encode("utf-16"), 1,
         "field encoding: this file is UTF-16; save it as UTF-8 (in a spreadsheet: CSV UTF-8)"),
    Case("utf-32 csv", ".csv", lambda: to_bytes(good_rows()).decode().encode("utf-32"), 1,
         "field encoding: this file is UTF-32; save it as UTF-8"),
    Case("latin-1 csv", ".csv", lambda: csv_with(4, "variant_name", "Kné").replace(
        "Kné".encode(), "Kné".encode("latin-1")), 4,
         "field encoding: expected UTF-8 text, found byte 0xe9 at column"),
    # junk and nothing
    Case("binary junk csv", ".csv", lambda: bytes(range(256)) * 40, 1,
         "field encoding: the file holds binary data (a zero byte), not text"),
    Case("binary junk json", ".json", lambda: b"{" + bytes(range(256)) * 40, 2,
         "field encoding: the file holds binary data (a zero byte), not text"),
    Case("a picture", ".csv", lambda: b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 64, 1,
         "the file holds binary data"),
    Case("empty csv", ".csv", lambda: b"", 1, "field header: the file is empty"),
    Case("empty json", ".json", lambda: b"", 1, "field json: the file is empty"),
    Case("blank json", ".json", lambda: b"  \n\n", 1, "field json: the file is empty"),
    Case("zero-column csv", ".csv", lambda: b"\r\n" * 5, 1,
         "field header: the file is empty or holds only blank lines"),
    Case("one empty column", ".csv", lambda: b'""\r\n""\r\n', 1,
         "field header: the file is empty or holds only blank lines"),
    Case("not a header", ".csv", lambda: b"date,pain\r\n", 1,
         "field header: expected the Psoas Timer header row"),
    Case("a line of a megabyte", ".csv", lambda: to_bytes(good_rows()) + b"x" * (1 << 21), 9,
         "field row: the line is over 1 MB long"),
    # dates
    Case("csv year 1", ".csv", lambda: csv_with(2, "started_at", "0001-01-01T00:00:00Z"), 2,
         "field started_at: 0001-01-01T00:00:00Z is before 2000-01-01: no session can be that old"),
    Case("csv 1999", ".csv", lambda: csv_with(5, "recorded_at", "1999-12-31T23:59:59Z"), 5,
         "field recorded_at: 1999-12-31T23:59:59Z is before 2000-01-01"),
    Case("csv year 9999", ".csv", lambda: csv_with(7, "started_at", "9999-12-31T23:59:59Z"), 7,
         "field started_at: 9999-12-31T23:59:59Z is more than a day in the future (it is now "
         "2024-06-01T12:00:00Z)"),
    Case("csv two days ahead", ".csv", lambda: csv_with(8, "recorded_at", "2024-06-03T12:00:00Z"),
         8, "field recorded_at: 2024-06-03T12:00:00Z is more than a day in the future"),
    Case("json year 1", ".json",
         lambda: json_with(lambda d: session0(d).update(started_at="0001-01-01T00:00:00+00:00")),
         '"started_at"',
         "sessions[0]: field started_at: 0001-01-01T00:00:00Z is before 2000-01-01"),
    Case("json year 9999", ".json",
         lambda: json_with(lambda d: set0(d).update(recorded_at="9999-06-01T00:00:00Z")),
         '"recorded_at": "9999',
         "sessions[0].sets[0]: field recorded_at: 9999-06-01T00:00:00Z is more than a day"),
]  # fmt: skip


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    s = Store.open(tmp_path / "log.sqlite3", clock=lambda: NOW)
    s.start_session("ball", "prone", "left", NOW - timedelta(days=1))
    yield s
    s.close()


def dump(store: Store) -> str:
    out = io.StringIO(newline="")
    export_csv(store, out)
    return out.getvalue()


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_a_hostile_file_is_refused_with_its_line_and_a_sentence(
    store: Store, tmp_path: Path, case: Case
) -> None:
    path = tmp_path / f"hostile{case.suffix}"
    content = case.make()
    path.write_bytes(content)
    before = dump(store)
    with pytest.raises(ImportFileError) as caught:
        import_file(store, path)
    message = str(caught.value)
    assert message.startswith(f"Nothing was imported from {path.name}: "), message
    assert case.said in message, message
    line = case.line_in(content)
    assert any(i.line == line for i in caught.value.issues), (line, message)
    assert f"line {line}" in message
    assert len(message) < 4000
    assert dump(store) == before
    assert path.read_bytes() == content


def test_the_good_files_behind_the_cases_import(tmp_path: Path) -> None:
    for data, name in ((to_bytes(good_rows()), "good.csv"), (json_bytes(good_json()), "g.json")):
        path = tmp_path / name
        path.write_bytes(data)
        with Store.open(tmp_path / f"{name}.sqlite3", clock=lambda: NOW) as target:
            report = import_file(target, path)
            assert report.sessions_added >= 1


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_the_command_line_says_the_same_in_a_sentence(
    tmp_path: Path, case: Case, capsys: pytest.CaptureFixture[str]
) -> None:
    # The command line's own clock is the real one, for which a date two days
    # after NOW is in the past.
    if case.name == "csv two days ahead":
        return
    path = tmp_path / f"hostile{case.suffix}"
    content = case.make()
    path.write_bytes(content)
    where = app_paths.paths_under(tmp_path / "app")
    assert app_main(["import", str(path), "--data-dir", str(where.data.parent)]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith(f"psoas-timer: Nothing was imported from {path.name}: "), err
    assert f"line {case.line_in(content)}" in err
    assert "Traceback" not in err
    said = case.said.split(" (it is now")[0]
    assert said in err, err


def test_a_missing_or_unreadable_file_is_one_sentence(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for target in (tmp_path / "missing.csv", tmp_path):
        assert app_main(["import", str(target), "--data-dir", str(tmp_path / "app")]) == 1
        err = capsys.readouterr().err
        assert err.startswith(f"psoas-timer: Could not read {target}: "), err
        assert err.count("\n") == 1


def test_a_million_problems_keep_a_thousand_and_count_the_rest(
    store: Store, tmp_path: Path
) -> None:
    rows = good_rows()[:1] + [good_rows()[4]] * 3000  # ratings of a session not in the file
    for row in rows[1:]:
        row[COL["session_uuid"]] = "33333333-3333-4333-8333-333333333333"
    path = tmp_path / "many.csv"
    path.write_bytes(to_bytes(rows))
    with pytest.raises(ImportFileError) as caught:
        import_file(store, path)
    assert caught.value.total == 3000
    assert len(caught.value.issues) == 1000
    assert "… and 2975 more." in str(caught.value)


def test_a_log_holding_times_an_import_would_refuse_still_exports(tmp_path: Path) -> None:
    """Written by an older version: exported as it is, even if it cannot be imported back."""
    log = tmp_path / "log.sqlite3"
    with Store.open(log) as store:
        sid = store.start_session("ball", "prone", "left")
    conn = sqlite3.connect(log)
    conn.execute("UPDATE sessions SET started_at = '0001-01-01T00:00:00Z' WHERE id = ?", (sid,))
    conn.commit()
    conn.close()
    with Store.open(log) as store:
        assert "0001-01-01T00:00:00Z" in dump(store)


def test_a_utf8_byte_order_mark_is_still_welcome(store: Store, tmp_path: Path) -> None:
    for data, name in (
        (codecs.BOM_UTF8 + to_bytes(good_rows()), "bom.csv"),
        (codecs.BOM_UTF8 + json_bytes(good_json()), "bom.json"),
    ):
        path = tmp_path / name
        path.write_bytes(data)
        with Store.open(tmp_path / f"{name}.sqlite3", clock=lambda: NOW) as target:
            assert import_file(target, path).sessions_added >= 1
