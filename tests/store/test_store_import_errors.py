"""Malformed CSV files: each problem is named by line and field, and nothing is imported."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from psoas_timer.store import (
    CSV_COLUMNS,
    ImportFileError,
    SetRecord,
    Store,
    export_csv,
    import_file,
)

A = "11111111-1111-4111-8111-111111111111"
B = "22222222-2222-4222-8222-222222222222"
OTHER = "33333333-3333-4333-8333-333333333333"
T = "2024-05-01T07:30:00Z"


def record(**cells: str) -> list[str]:
    return [cells.get(c, "") for c in CSV_COLUMNS]


def rating(uuid: str, side: str, moment: str, value: str) -> list[str]:
    return record(
        record="rating", session_uuid=uuid, side=side, moment=moment, value=value, recorded_at=T
    )


def good_rows() -> list[list[str]]:
    """A valid file; the comment is each row's line number."""
    return [
        list(CSV_COLUMNS),  # 1
        record(  # 2
            record="session", session_uuid=A, started_at=T, ended_at="2024-05-01T08:00:00Z",
            tool_id="ball", position_id="prone", sides="both", status="completed", note="ok",
        ),
        record(  # 3
            record="set", session_uuid=A, seq="1", side="left", level="0",
            variant_name="Base set", breaths_planned="15", breaths_done="15",
            released_breath="6", released_at_s="40.5", duration_s="90.0", paused_s="0.0",
            outcome="completed", recorded_at=T,
        ),
        record(  # 4
            record="set", session_uuid=A, seq="2", side="right", level="1",
            variant_name="Knee out", breaths_planned="15", breaths_done="9", duration_s="50.0",
            paused_s="2.5", outcome="backed_off", recorded_at=T,
        ),
        rating(A, "left", "before", "7"),  # 5
        rating(A, "left", "after", "3"),  # 6
        record(  # 7
            record="session", session_uuid=B, started_at="2024-05-02T07:30:00Z", tool_id="peanut",
            position_id="supine", sides="left", status="running",
        ),
        rating(B, "left", "before", "5"),  # 8
    ]  # fmt: skip


COL = {name: i for i, name in enumerate(CSV_COLUMNS)}
EXTRA = f"#{len(CSV_COLUMNS) + 1}"  # how the column after the last is named


def to_bytes(rows: list[list[str]]) -> bytes:
    out = io.StringIO(newline="")
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    return out.getvalue().encode()


def cell(line: int, column: str, value: str) -> Callable[[], bytes]:
    def make() -> bytes:
        rows = good_rows()
        rows[line - 1][COL[column]] = value
        return to_bytes(rows)

    return make


def rows_edit(edit: Callable[[list[list[str]]], object]) -> Callable[[], bytes]:
    def make() -> bytes:
        rows = good_rows()
        edit(rows)
        return to_bytes(rows)

    return make


def each_row(edit: Callable[[list[str]], object]) -> Callable[[], bytes]:
    def make() -> bytes:
        rows = good_rows()
        for row in rows:
            edit(row)
        return to_bytes(rows)

    return make


def raw(data: bytes) -> Callable[[], bytes]:
    return lambda: data


def good_text() -> str:
    return to_bytes(good_rows()).decode()


@dataclass(frozen=True)
class Case:
    name: str
    make: Callable[[], bytes]
    line: int
    field: str


CASES = [
    # header
    Case("wrong header", raw(b"date,pain\r\n2024-01-01,5\r\n"), 1, "header"),
    Case("missing column", each_row(lambda row: row.pop(COL["value"])), 1, "value"),
    Case("unnamed extra column", each_row(lambda row: row.append("")), 1, EXTRA),
    Case("named extra column", each_row(lambda row: row.append("comment")), 1, "comment"),
    Case("misspelt column", cell(1, "session_uuid", "sesion_uuid"), 1, "sesion_uuid"),
    Case("misspelt column is missing", cell(1, "session_uuid", "sesion_uuid"), 1, "session_uuid"),
    Case("duplicate column", cell(1, "note", "tool_id"), 1, "tool_id"),
    Case("empty file", raw(b""), 1, "header"),
    Case("only blank lines", raw(b"\r\n\r\n  \r\n"), 1, "header"),
    Case("header only a BOM", raw(b"\xef\xbb\xbf"), 1, "header"),
    # shape of rows
    Case("short row", rows_edit(lambda r: r[2].__delitem__(slice(15, None))), 3, "released_breath"),
    Case("long row", rows_edit(lambda r: r[3].append("surplus")), 4, EXTRA),
    Case("unclosed quote", lambda: good_text().replace("Knee out", '"Knee out').encode(), 4, "row"),
    # encoding
    Case("BOM then an error", lambda: b"\xef\xbb\xbf" + cell(5, "value", "12")(), 5, "value"),
    Case("UTF-16 file", lambda: good_text().encode("utf-16"), 1, "encoding"),
    Case("Latin-1", lambda: good_text().replace("Knee", "Kné").encode("latin-1"), 4, "encoding"),
    # record kind
    Case("unknown record", cell(2, "record", "sessions"), 2, "record"),
    Case("empty record", cell(6, "record", ""), 6, "record"),
    # sessions
    Case("bad uuid", cell(2, "session_uuid", "not-a-uuid"), 2, "session_uuid"),
    Case("empty uuid", cell(7, "session_uuid", ""), 7, "session_uuid"),
    Case("bad date", cell(2, "started_at", "yesterday"), 2, "started_at"),
    Case("impossible date", cell(2, "started_at", "2024-02-30T07:30:00Z"), 2, "started_at"),
    Case("date without zone", cell(2, "started_at", "2024-05-01T07:30:00"), 2, "started_at"),
    Case("date only", cell(7, "started_at", "2024-05-02"), 7, "started_at"),
    Case("empty start", cell(7, "started_at", ""), 7, "started_at"),
    Case("before year 1 in UTC", cell(7, "started_at", "0001-01-01T00:00+05:00"), 7, "started_at"),
    Case("bad end", cell(2, "ended_at", "soon"), 2, "ended_at"),
    Case("end before start", cell(2, "ended_at", "2024-05-01T07:00:00Z"), 2, "ended_at"),
    Case("finished without end", cell(2, "ended_at", ""), 2, "ended_at"),
    Case("running with an end", cell(7, "ended_at", "2024-05-02T08:00:00Z"), 7, "ended_at"),
    Case("empty tool", cell(2, "tool_id", ""), 2, "tool_id"),
    Case("empty position", cell(7, "position_id", ""), 7, "position_id"),
    Case("tool name too long", cell(2, "tool_id", "b" * 201), 2, "tool_id"),
    Case("note too long", cell(2, "note", "n" * 10_001), 2, "note"),
    Case("bad sides", cell(2, "sides", "middle"), 2, "sides"),
    Case("capitalised sides", cell(7, "sides", "Left"), 7, "sides"),
    Case("bad status", cell(2, "status", "paused"), 2, "status"),
    Case("set column in a session row", cell(2, "seq", "1"), 2, "seq"),
    Case("rating column in a session row", cell(7, "value", "4"), 7, "value"),
    Case("duplicate session", cell(7, "session_uuid", A), 7, "session_uuid"),
    # sets
    Case("seq zero", cell(3, "seq", "0"), 3, "seq"),
    Case("seq word", cell(3, "seq", "one"), 3, "seq"),
    Case("duplicate set row", rows_edit(lambda r: r.insert(3, list(r[2]))), 4, "seq"),
    Case("unknown set side", cell(3, "side", "middle"), 3, "side"),
    Case("empty set side", cell(4, "side", ""), 4, "side"),
    Case("negative level", cell(3, "level", "-1"), 3, "level"),
    Case("fractional level", cell(4, "level", "1.5"), 4, "level"),
    Case("zero breaths planned", cell(3, "breaths_planned", "0"), 3, "breaths_planned"),
    Case("negative breaths", cell(3, "breaths_done", "-3"), 3, "breaths_done"),
    Case("breaths word", cell(4, "breaths_done", "nine"), 4, "breaths_done"),
    Case("breaths with spaces", cell(4, "breaths_done", " 9"), 4, "breaths_done"),
    Case("released after the breaths done",
         rows_edit(lambda r: r[2].__setitem__(COL["breaths_done"], "4")), 3, "released_breath"),
    Case("released beyond the plan", cell(3, "released_breath", "16"), 3, "released_breath"),
    Case("released breath zero", cell(3, "released_breath", "0"), 3, "released_breath"),
    Case("release without time", cell(3, "released_at_s", ""), 3, "released_at_s"),
    Case("release time without breath", cell(3, "released_breath", ""), 3, "released_breath"),
    Case("negative release time", cell(3, "released_at_s", "-2.5"), 3, "released_at_s"),
    Case("duration word", cell(3, "duration_s", "abc"), 3, "duration_s"),
    Case("duration nan", cell(3, "duration_s", "nan"), 3, "duration_s"),
    Case("duration inf", cell(4, "duration_s", "inf"), 4, "duration_s"),
    Case("duration with comma", cell(4, "duration_s", "50,5"), 4, "duration_s"),
    Case("empty pause", cell(3, "paused_s", ""), 3, "paused_s"),
    Case("bad outcome", cell(3, "outcome", "gave_up"), 3, "outcome"),
    Case("bad set time", cell(4, "recorded_at", "07:30"), 4, "recorded_at"),
    Case("session column in a set row", cell(3, "note", "hi"), 3, "note"),
    Case("rating column in a set row", cell(4, "moment", "after"), 4, "moment"),
    Case("set for an unknown session", cell(3, "session_uuid", OTHER), 3, "session_uuid"),
    Case("set on a side the session skips",
         rows_edit(lambda r: r.append([*r[3][:1], B, *r[3][2:]])), 9, "side"),
    # ratings
    Case("rating 11", cell(5, "value", "11"), 5, "value"),
    Case("rating -1", cell(5, "value", "-1"), 5, "value"),
    Case("rating x", cell(5, "value", "x"), 5, "value"),
    Case("rating 5.5", cell(6, "value", "5.5"), 6, "value"),
    Case("rating empty", cell(8, "value", ""), 8, "value"),
    Case("unknown moment", cell(5, "moment", "during"), 5, "moment"),
    Case("unknown rating side", cell(6, "side", "up"), 6, "side"),
    Case("duplicate rating", rows_edit(lambda r: r.insert(5, list(r[4]))), 6, "moment"),
    Case("re-rating is a duplicate", cell(6, "moment", "before"), 6, "moment"),
    Case("set column in a rating row", cell(5, "level", "0"), 5, "level"),
    Case("bad rating time", cell(8, "recorded_at", "2024-13-01T00:00:00Z"), 8, "recorded_at"),
    Case("rating for an unknown session", cell(8, "session_uuid", OTHER), 8, "session_uuid"),
    Case("rating on a side the session skips", cell(8, "side", "right"), 8, "side"),
]  # fmt: skip


@pytest.fixture
def seeded_store(tmp_path: Path) -> Iterator[Store]:
    """A log with one session in it, a rating and a set."""
    s = Store.open(tmp_path / "log.sqlite")
    sid = s.start_session("ball", "prone", "both")
    s.record_rating(sid, "left", "before", 4)
    s.record_set(sid, SetRecord("left", 0, "Base set", 15, 15, 90.0))
    yield s
    s.close()


def dump(seeded_store: Store) -> str:
    buffer = io.StringIO(newline="")
    export_csv(seeded_store, buffer)
    return buffer.getvalue()


def test_there_are_enough_cases() -> None:
    assert len(CASES) >= 50
    assert len({c.name for c in CASES}) == len(CASES)


def test_the_base_file_is_valid(seeded_store: Store, tmp_path: Path) -> None:
    path = tmp_path / "good.csv"
    path.write_bytes(to_bytes(good_rows()))
    report = import_file(seeded_store, path)
    assert (report.sessions_added, report.sets_added, report.ratings_added) == (2, 2, 3)


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_a_malformed_file_is_refused_whole(seeded_store: Store, tmp_path: Path, case: Case) -> None:
    path = tmp_path / "bad.csv"
    path.write_bytes(case.make())
    before = dump(seeded_store)
    with pytest.raises(ImportFileError) as caught:
        import_file(seeded_store, path)
    message = str(caught.value)
    assert f"line {case.line}: field {case.field}:" in message, message
    assert any(i.line == case.line and i.field == case.field for i in caught.value.issues)
    assert message.startswith("Nothing was imported from bad.csv")
    assert dump(seeded_store) == before


def test_every_problem_in_a_file_is_listed(seeded_store: Store, tmp_path: Path) -> None:
    rows = good_rows()
    rows[1][COL["sides"]] = "middle"
    rows[2][COL["level"]] = "-1"
    rows[2][COL["outcome"]] = "?"
    rows[4][COL["value"]] = "11"
    rows[7][COL["moment"]] = "later"
    path = tmp_path / "bad.csv"
    path.write_bytes(to_bytes(rows))
    before = dump(seeded_store)
    with pytest.raises(ImportFileError) as caught:
        import_file(seeded_store, path)
    found = [(i.line, i.field) for i in caught.value.issues]
    assert found == [(2, "sides"), (3, "level"), (3, "outcome"), (5, "value"), (8, "moment")]
    assert "line 5: field value: expected a whole number from 0 to 10, got '11'" in str(
        caught.value
    )
    assert dump(seeded_store) == before


def test_a_quoted_note_over_several_lines_keeps_later_line_numbers(
    seeded_store: Store, tmp_path: Path
) -> None:
    rows = good_rows()
    rows[1][COL["note"]] = "one\r\ntwo\r\nthree"  # row 2 now spans lines 2-4
    rows[4][COL["value"]] = "12"  # physically on line 7
    path = tmp_path / "bad.csv"
    path.write_bytes(to_bytes(rows))
    with pytest.raises(ImportFileError, match="line 7: field value:"):
        import_file(seeded_store, path)


def test_a_long_list_of_problems_is_shortened_in_the_message(
    seeded_store: Store, tmp_path: Path
) -> None:
    rows = [list(CSV_COLUMNS)] + [rating(OTHER, "left", "before", "99") for _ in range(40)]
    path = tmp_path / "bad.csv"
    path.write_bytes(to_bytes(rows))
    with pytest.raises(ImportFileError) as caught:
        import_file(seeded_store, path)
    assert len(caught.value.issues) == 80
    assert "… and 55 more." in str(caught.value)
