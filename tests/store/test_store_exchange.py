"""Export and import: exact round trips, no duplicates, no formulas, atomic files."""

from __future__ import annotations

import csv
import io
import json
import os
import tempfile
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from psoas_timer.core.vocab import (
    MOMENT_VALUES,
    NEXT_DAY_VALUES,
    OUTCOME_VALUES,
    RATING_MAX,
    RATING_MIN,
    SIDES_VALUES,
    STATUS_VALUES,
    STOP_REASON_VALUES,
    sides_of,
)
from psoas_timer.store import (
    CSV_COLUMNS,
    ImportFileError,
    NextDayCheck,
    Rating,
    Session,
    SessionSnapshot,
    SetRecord,
    SetRow,
    Sides,
    StopRow,
    Store,
    StoreWriteError,
    export_csv,
    export_json,
    export_to_path,
    import_file,
)
from psoas_timer.store.exchange import Format, TimeLimits, parse_file
from tests.helpers import ticking_clock

T0 = datetime(2024, 3, 1, 8, 0, tzinfo=UTC)
#: The stores' clock starts here: every session logged from T0 on is in its past,
#: as an import requires.
NOW = datetime(2024, 6, 1, 8, 0, tzinfo=UTC)

TRICKY_NOTES = [
    "",
    "plain",
    '=HYPERLINK("http://evil")',
    "+1",
    "-2 after the walk",
    "@SUM(A1)",
    "\tstarts with a tab",
    "\rstarts with a return",
    "'already quoted",
    "''two quotes",
    "'=quote then equals",
    'comma, "quotes" and\nnew lines\r\nof both kinds',
    "ünïcödé ✓ 日本語",
    " leading space",
    " =1+1 after a space",
    "\uff1dSUM(A1) full-width equals",
    "\uff0b1 full-width plus",
    "\uff0d1 full-width minus",
    "\uff20SUM(A1) full-width at",
    "\n=cmd|' /C calc'!A0 after a line feed",
    "|calc pipe",
    " \t\r\n @mixed blanks first",
]


N = len(TRICKY_NOTES)


def open_store(path: Path) -> Store:
    """A log whose stamps start at ``NOW``, seven seconds apart."""
    return Store.open(path, clock=ticking_clock(NOW, timedelta(seconds=7)))


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    """Overrides the shared log: exchange tests date their stamps from ``NOW``."""
    s = open_store(tmp_path / "log.sqlite")
    yield s
    s.close()


@pytest.fixture
def empty(tmp_path: Path) -> Iterator[Store]:
    s = open_store(tmp_path / "other.sqlite")
    yield s
    s.close()


def fill(store: Store) -> None:
    choices: tuple[Sides, ...] = ("left", "right", "both")
    for n, note in enumerate(TRICKY_NOTES):
        sides = choices[n % 3]
        sid = store.start_session(
            ["ball", "=peanut", "-tool"][n % 3], "@prone", sides, T0 + timedelta(days=n)
        )
        for side in sides_of(sides):
            store.record_rating(sid, side, "before", (n + 5) % 11)
            store.record_set(
                sid,
                SetRecord(
                    side,
                    0,
                    "Base set",
                    15,
                    15,
                    90.0 + n / 3,
                    released_breath=n % 15 + 1,
                    released_at_s=n * 1.1,
                ),
            )
            store.record_set(sid, SetRecord(side, 1, "+book under", 20, 3, 12.5, "backed_off", 0.1))
            if n % 3 == 0:
                store.record_set(sid, SetRecord(side, 0, "Base set", 15, 4, 41.0, "stopped"))
                reason = STOP_REASON_VALUES[n % len(STOP_REASON_VALUES)]
                store.record_stop(sid, StopRow(0, 0, 0, side, 0, 5 if n % 2 else None, reason, T0))
            store.record_rating(sid, side, "after", n % 4)
        store.set_note(sid, note)
        if n % 4:
            store.finish_session(sid, ("completed", "ended_early", "interrupted")[n % 3])
        if n % 5 == 1:  # answered: better/same/worse in turn, soreness every other time
            store.record_next_day(sid, NEXT_DAY_VALUES[n % 3], n % 2 == 0)
        elif n % 5 == 3:  # declined
            store.record_next_day(sid, None, None)


def csv_text(store: Store) -> str:
    buffer = io.StringIO(newline="")
    export_csv(store, buffer)
    return buffer.getvalue()


def json_text(store: Store) -> str:
    buffer = io.StringIO()
    export_json(store, buffer)
    return buffer.getvalue()


def without_ids(snapshots: list[SessionSnapshot]) -> list[tuple[object, ...]]:
    def session(s: Session) -> tuple[object, ...]:
        return (
            s.uuid,
            s.started_at,
            s.ended_at,
            s.tool_id,
            s.position_id,
            s.sides,
            s.status,
            s.note,
        )

    def set_row(t: SetRow) -> tuple[object, ...]:
        return (
            t.seq, t.side, t.level, t.variant_name, t.breaths_planned, t.breaths_done,
            t.released_breath, t.released_at_s, t.duration_s, t.paused_s, t.outcome,
            t.recorded_at,
        )  # fmt: skip

    def rating(r: Rating) -> tuple[object, ...]:
        return (r.side, r.moment, r.value, r.recorded_at)

    def check(c: NextDayCheck | None) -> tuple[object, ...] | None:
        return None if c is None else (c.feeling, c.lasting_soreness, c.recorded_at)

    def stop(t: StopRow) -> tuple[object, ...]:
        return (t.seq, t.side, t.level, t.breath, t.reason, t.recorded_at)

    return [
        (
            session(s.session),
            [set_row(t) for t in s.sets],
            [rating(r) for r in s.ratings],
            check(s.next_day),
            [stop(t) for t in s.stops],
        )
        for s in snapshots
    ]


# -- round trips ---------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_export_import_export_is_byte_identical(
    store: Store, empty: Store, tmp_path: Path, fmt: Format
) -> None:
    fill(store)
    first = tmp_path / f"first.{fmt}"
    assert export_to_path(store, first) == len(TRICKY_NOTES)
    report = import_file(empty, first)
    assert (report.format, report.sessions_added, report.sessions_skipped) == (
        fmt,
        len(TRICKY_NOTES),
        0,
    )
    assert report.sets_added == sum(len(s.sets) for s in store.snapshots())
    assert report.ratings_added == sum(len(s.ratings) for s in store.snapshots())
    assert report.next_day_checks_added == sum(s.next_day is not None for s in store.snapshots())
    assert report.next_day_checks_added >= 4  # answered and declined ones both travel
    second = tmp_path / f"second.{fmt}"
    export_to_path(empty, second)
    assert second.read_bytes() == first.read_bytes()
    assert without_ids(empty.snapshots()) == without_ids(store.snapshots())


def test_csv_and_json_carry_the_same_log(store: Store, empty: Store, tmp_path: Path) -> None:
    fill(store)
    export_to_path(store, tmp_path / "log.json")
    import_file(empty, tmp_path / "log.json")
    assert csv_text(empty) == csv_text(store)


def test_importing_twice_adds_nothing_the_second_time(
    store: Store, empty: Store, tmp_path: Path
) -> None:
    fill(store)
    path = tmp_path / "log.csv"
    export_to_path(store, path)
    import_file(empty, path)
    before = csv_text(empty)
    report = import_file(empty, path)
    assert (report.sessions_added, report.sessions_skipped) == (0, len(TRICKY_NOTES))
    assert (report.sets_added, report.ratings_added) == (0, 0)
    assert csv_text(empty) == before
    assert len(empty.sessions()) == len(TRICKY_NOTES)


def test_import_adds_only_the_sessions_not_yet_logged(
    store: Store, empty: Store, tmp_path: Path
) -> None:
    fill(store)
    path = tmp_path / "log.csv"
    export_to_path(store, path)
    mine = empty.start_session("ball", "prone", "left", T0 - timedelta(days=1))
    (mine_uuid,) = [s.uuid for s in empty.sessions()]
    import_file(empty, path)
    half = store.sessions()[: len(TRICKY_NOTES) // 2]
    for s in half:
        empty.delete_session(next(e.id for e in empty.sessions() if e.uuid == s.uuid))
    report = import_file(empty, path)
    assert (report.sessions_added, report.sessions_skipped) == (
        len(half),
        len(TRICKY_NOTES) - len(half),
    )
    assert sorted(s.uuid for s in empty.sessions()) == sorted(
        [mine_uuid, *(s.uuid for s in store.sessions())]
    )
    assert empty.session(mine).tool_id == "ball"


def test_an_empty_log_exports_just_the_header(empty: Store, tmp_path: Path) -> None:
    assert csv_text(empty) == ",".join(CSV_COLUMNS) + "\r\n"
    path = tmp_path / "empty.csv"
    export_to_path(empty, path)
    report = import_file(empty, path)
    assert report.sessions_added == 0


# -- spreadsheet safety --------------------------------------------------------


def test_text_cells_cannot_start_a_formula(store: Store) -> None:
    fill(store)
    rows = list(csv.DictReader(io.StringIO(csv_text(store), newline="")))
    text_cells = [
        row[name] for row in rows for name in ("tool_id", "position_id", "variant_name", "note")
    ]
    dangerous = tuple("=+-@\t\r")
    assert not [cell for cell in text_cells if cell.startswith(dangerous)]
    notes = [row["note"] for row in rows if row["record"] == "session"]
    assert '\'=HYPERLINK("http://evil")' in notes
    assert "'\tstarts with a tab" in notes
    assert "'\rstarts with a return" in notes
    assert "''already quoted" in notes  # so that import can strip exactly one
    assert "-tool" not in {row["tool_id"] for row in rows}
    assert "'-tool" in {row["tool_id"] for row in rows}
    assert "'+book under" in {row["variant_name"] for row in rows}
    assert " leading space" in notes  # harmless text is left alone
    for risky in TRICKY_NOTES[-8:]:
        assert "'" + risky in notes, risky


def test_import_strips_exactly_the_added_quote(store: Store, empty: Store, tmp_path: Path) -> None:
    fill(store)
    path = tmp_path / "log.csv"
    export_to_path(store, path)
    import_file(empty, path)
    assert sorted(s.note for s in empty.sessions()) == sorted(TRICKY_NOTES)
    assert {s.tool_id for s in empty.sessions()} == {"ball", "=peanut", "-tool"}


def test_json_is_not_escaped(store: Store) -> None:
    fill(store)
    doc = json.loads(json_text(store))
    assert {s["tool_id"] for s in doc["sessions"]} == {"ball", "=peanut", "-tool"}


# -- tolerated variations --------------------------------------------------------


def test_a_byte_order_mark_is_accepted(store: Store, empty: Store, tmp_path: Path) -> None:
    fill(store)
    path = tmp_path / "excel.csv"
    path.write_bytes(b"\xef\xbb\xbf" + csv_text(store).encode())
    assert import_file(empty, path).sessions_added == len(TRICKY_NOTES)
    assert csv_text(empty) == csv_text(store)


def test_reordered_columns_quoting_blank_lines_and_lf_are_fine(
    store: Store, empty: Store, tmp_path: Path
) -> None:
    fill(store)
    rows = list(csv.reader(io.StringIO(csv_text(store), newline="")))
    order = list(reversed(range(len(CSV_COLUMNS))))
    out = io.StringIO(newline="")
    # QUOTE_ALL: with "\n" line ends Python's writer would leave a lone "\r" bare.
    writer = csv.writer(out, lineterminator="\n", quoting=csv.QUOTE_ALL)
    for row in rows:
        writer.writerow([row[i] for i in order])
        out.write("\n")
    path = tmp_path / "shuffled.txt"
    path.write_text(out.getvalue(), encoding="utf-8", newline="")
    assert import_file(empty, path).format == "csv"
    assert csv_text(empty) == csv_text(store)


def test_other_spellings_of_times_and_numbers_are_normalised(empty: Store, tmp_path: Path) -> None:
    uuid = "0f8fad5b-d9cb-469f-a165-70867728950e"
    # Written by hand in the header of a file from before stops were logged.
    old_columns = [name for name in CSV_COLUMNS if name not in ("breath", "reason")]
    lines = [
        ",".join(old_columns),
        f"session,{uuid.upper()},2024-05-01T09:30:00.75+02:00,2024-05-01 08:00:00+00:00,"
        "ball,prone,left,completed,,,,,,,,,,,,,,,,,",
        f"set,{uuid},,,,,,,,1,left,0,Base,15,15,007,30,90,0,completed,,,2024-05-01T07:40:00Z,,",
    ]
    path = tmp_path / "hand.csv"
    path.write_text("\n".join(lines), encoding="utf-8")
    import_file(empty, path)
    (snap,) = empty.snapshots()
    assert snap.session.uuid == uuid
    assert snap.session.started_at == datetime(2024, 5, 1, 7, 30, tzinfo=UTC)
    assert snap.session.ended_at == datetime(2024, 5, 1, 8, 0, tzinfo=UTC)
    assert (snap.sets[0].released_breath, snap.sets[0].duration_s) == (7, 90.0)


def test_format_is_sniffed_when_the_suffix_says_nothing(store: Store, tmp_path: Path) -> None:
    fill(store)
    path = tmp_path / "backup.txt"
    path.write_text(json_text(store), encoding="utf-8")
    with open_store(tmp_path / "x.sqlite") as other:
        assert import_file(other, path).format == "json"


# -- JSON problems ---------------------------------------------------------------


def good_json(store: Store) -> dict[str, object]:
    fill(store)
    doc: dict[str, object] = json.loads(json_text(store))
    return doc


@pytest.mark.parametrize(
    ("edit", "where", "field"),
    [
        (lambda d: d.update(format="other"), "document", "format"),
        (lambda d: d.update(version=4), "document", "version"),
        (lambda d: d.update(version=True), "document", "version"),
        (lambda d: d.update(sessions={}), "document", "sessions"),
        (lambda d: d["sessions"][1].update(sides="up"), "sessions[1]", "sides"),
        (lambda d: d["sessions"][1].pop("note"), "sessions[1]", "note"),
        (lambda d: d["sessions"][1].update(extra=1), "sessions[1]", "extra"),
        (
            lambda d: d["sessions"][2]["ratings"][0].update(value=11),
            "sessions[2].ratings[0]",
            "value",
        ),
        (
            lambda d: d["sessions"][2]["ratings"][0].update(value="5"),
            "sessions[2].ratings[0]",
            "value",
        ),
        (
            lambda d: d["sessions"][2]["ratings"][0].update(value=True),
            "sessions[2].ratings[0]",
            "value",
        ),
        (lambda d: d["sessions"][2]["sets"][1].update(level=-1), "sessions[2].sets[1]", "level"),
        (
            lambda d: d["sessions"][2]["sets"][1].update(duration_s="9"),
            "sessions[2].sets[1]",
            "duration_s",
        ),
        (lambda d: d["sessions"][2].update(sets=None), "sessions[2]", "sets"),
        (lambda d: d["sessions"].append(d["sessions"][0]), f"sessions[{N}]", "uuid"),
        (lambda d: d["sessions"].append(3), f"sessions[{N}]", "*"),
    ],
)
def test_json_problems_are_located(
    store: Store,
    tmp_path: Path,
    edit: Callable[[dict[str, object]], object],
    where: str,
    field: str,
) -> None:
    doc = good_json(store)
    edit(doc)
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    with open_store(tmp_path / "target.sqlite") as target:
        with pytest.raises(ImportFileError) as caught:
            import_file(target, path)
        assert f"{where}: field {field}:" in str(caught.value)
        assert target.sessions() == []


def test_json_syntax_errors_give_the_line(empty: Store, tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_text('{\n"format": "psoas-timer-log",\n"version": 1,\n"sessions": [,]\n}')
    with pytest.raises(ImportFileError, match="line 4: field json"):
        import_file(empty, path)


# -- writing files ---------------------------------------------------------------


def test_export_files_are_private_and_replace_atomically(store: Store, tmp_path: Path) -> None:
    fill(store)
    path = tmp_path / "out" / "log.csv"
    path.parent.mkdir()
    path.write_text("old content")
    path.chmod(0o644)
    export_to_path(store, path)
    assert path.read_bytes() == csv_text(store).encode()
    assert path.stat().st_mode & 0o777 == 0o600
    assert [p.name for p in path.parent.iterdir()] == ["log.csv"]  # no temp file left
    export_to_path(store, path, "json")
    assert json.loads(path.read_text(encoding="utf-8"))["format"] == "psoas-timer-log"


def test_a_failed_export_raises_and_leaves_the_old_file(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "log.csv"
    path.write_text("old content")

    def no_space(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", no_space)
    with pytest.raises(StoreWriteError, match="No space") as caught:
        export_to_path(store, path)
    assert caught.value.reason == "full"
    assert path.read_text() == "old content"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_an_export_into_a_missing_folder_is_an_error(store: Store, tmp_path: Path) -> None:
    with pytest.raises(StoreWriteError, match="Could not write the export"):
        export_to_path(store, tmp_path / "nope" / "log.csv")


# -- any log survives the round trip -------------------------------------------

texts = st.text(st.characters(exclude_categories=["Cs"]), max_size=30)
names = texts.filter(bool)
# Import takes times from 2000 to a day after the store's clock (NOW).
times = st.datetimes(
    min_value=datetime(2000, 1, 1), max_value=datetime(2024, 3, 1), timezones=st.just(UTC)
).map(lambda t: t.replace(microsecond=0))
seconds = st.floats(min_value=0, max_value=1e7, allow_nan=False, allow_infinity=False)


@st.composite
def snapshots(draw: st.DrawFn) -> list[SessionSnapshot]:
    out = []
    for key in draw(st.lists(st.uuids(), unique=True, max_size=4)):
        sides = draw(st.sampled_from(SIDES_VALUES))
        status = draw(st.sampled_from(STATUS_VALUES))
        started = draw(times)
        later = st.timedeltas(timedelta(0), timedelta(days=3))
        ended = None if status == "running" else started + draw(later)
        session = Session(
            0, str(key), started, ended, draw(names), draw(names), sides, status, draw(texts)
        )
        sets = []
        for seq in draw(st.lists(st.integers(1, 50), unique=True, max_size=3)):
            planned = draw(st.integers(1, 40))
            done = draw(st.integers(0, planned))
            released = draw(st.none() | st.integers(1, min(done + 1, planned)))
            sets.append(
                SetRow(
                    id=0,
                    session_id=0,
                    seq=seq,
                    side=draw(st.sampled_from(sides_of(sides))),
                    level=draw(st.integers(0, 5)),
                    variant_name=draw(texts),
                    breaths_planned=planned,
                    breaths_done=done,
                    released_breath=released,
                    released_at_s=None if released is None else draw(seconds),
                    duration_s=draw(seconds),
                    paused_s=draw(seconds),
                    outcome=draw(st.sampled_from(OUTCOME_VALUES)),
                    recorded_at=draw(times),
                )
            )
        ratings = [
            Rating(0, side, moment, draw(st.integers(RATING_MIN, RATING_MAX)), draw(times))
            for side in sides_of(sides)
            for moment in MOMENT_VALUES
            if draw(st.booleans())
        ]
        answered = st.builds(
            lambda feeling, sore: (feeling, sore),
            st.sampled_from(NEXT_DAY_VALUES),
            st.booleans(),
        )
        check = draw(st.none() | st.just((None, None)) | answered)
        next_day = None if check is None else NextDayCheck(0, check[0], check[1], draw(times))
        stops = [
            StopRow(
                0,
                0,
                seq,
                draw(st.sampled_from(sides_of(sides))),
                draw(st.integers(0, 5)),
                draw(st.none() | st.integers(1, 40)),
                draw(st.sampled_from(STOP_REASON_VALUES)),
                draw(times),
            )
            for seq in draw(st.lists(st.integers(1, 9), unique=True, max_size=2))
        ]
        stops.sort(key=lambda t: t.seq)
        out.append(SessionSnapshot(session, tuple(sets), tuple(ratings), next_day, tuple(stops)))
    return out


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(snapshots())
def test_any_log_round_trips_through_csv_and_json(logged: list[SessionSnapshot]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        with open_store(root / "a.sqlite") as a, open_store(root / "b.sqlite") as b:
            a.merge_snapshots(logged)
            text = csv_text(a)
            limits = TimeLimits(NOW)
            assert without_ids(parse_file(text.encode(), "csv", limits)) == without_ids(
                a.snapshots()
            )
            assert without_ids(parse_file(json_text(a).encode(), "json", limits)) == without_ids(
                a.snapshots()
            )
            (root / "a.csv").write_text(text, encoding="utf-8", newline="")
            import_file(b, root / "a.csv")
            assert csv_text(b) == text
            assert json_text(b) == json_text(a)


# -- stops ---------------------------------------------------------------------


def test_stops_are_their_own_records_in_both_formats(store: Store, tmp_path: Path) -> None:
    fill(store)
    rows = list(csv.DictReader(io.StringIO(csv_text(store), newline="")))
    stops = [row for row in rows if row["record"] == "stop"]
    expected = sum(
        len(sides_of(("left", "right", "both")[n % 3])) for n in range(0, len(TRICKY_NOTES), 3)
    )
    assert len(stops) == expected
    first = stops[0]
    assert (first["seq"], first["side"], first["level"], first["reason"]) == (
        "1",
        "left",
        "0",
        "pulse",
    )
    assert first["breath"] == "" and first["value"] == "" and first["outcome"] == ""
    assert {row["outcome"] for row in rows if row["record"] == "set"} >= {"stopped"}
    document = json.loads(json_text(store))
    listed = [stop for session in document["sessions"] for stop in session["stops"]]
    assert len(listed) == expected and listed[0]["breath"] is None
    assert document["version"] == 3


def test_a_file_from_before_stops_were_logged_still_imports(
    store: Store, empty: Store, tmp_path: Path
) -> None:
    sid = store.start_session("ball", "prone", "left", T0)
    store.record_rating(sid, "left", "before", 5)
    store.finish_session(sid, "completed", T0 + timedelta(minutes=20))
    store.record_next_day(sid, "better", False, T0 + timedelta(days=1))
    document = json.loads(json_text(store))
    for session in document["sessions"]:
        del session["stops"]
    path = tmp_path / "old.json"
    # Version 2 (next-day checks, no stops), then version 1 (neither).
    document["version"] = 2
    path.write_text(json.dumps(document))
    report = import_file(empty, path)
    assert (report.sessions_added, report.next_day_checks_added, report.stops_added) == (1, 1, 0)
    (imported,) = empty.snapshots()
    assert [r.value for r in imported.ratings] == [5]
    assert imported.next_day is not None and imported.next_day.feeling == "better"
    assert imported.stops == ()
    for session in document["sessions"]:
        del session["next_day"]
    document["version"] = 1
    path.write_text(json.dumps(document))
    assert import_file(empty, path).sessions_skipped == 1
    # A version 3 file must list its stops, even when there are none.
    document["version"] = 3
    path.write_text(json.dumps(document))
    with pytest.raises(ImportFileError, match="stops"):
        import_file(empty, path)


def test_stops_and_next_day_checks_round_trip_together(
    store: Store, empty: Store, tmp_path: Path
) -> None:
    sid = store.start_session("ball", "prone", "both", T0)
    store.record_set(sid, SetRecord("left", 1, "Knee out", 15, 6, 40.0, "stopped"))
    store.record_stop(sid, StopRow(0, 0, 0, "left", 1, 7, "tingling", T0 + timedelta(minutes=3)))
    store.record_stop(sid, StopRow(0, 0, 0, "right", 0, None, "dizzy", T0 + timedelta(minutes=9)))
    store.finish_session(sid, "ended_early", T0 + timedelta(minutes=10))
    store.record_next_day(sid, "worse", True, T0 + timedelta(days=1))
    for fmt, text in (("csv", csv_text(store)), ("json", json_text(store))):
        path = tmp_path / f"both.{fmt}"
        path.write_text(text, encoding="utf-8", newline="")
        with Store.open(tmp_path / f"{fmt}.sqlite3") as fresh:
            report = import_file(fresh, path)
            assert (report.stops_added, report.next_day_checks_added) == (2, 1)
            assert without_ids(fresh.snapshots()) == without_ids(store.snapshots())
            (snap,) = fresh.snapshots()
            assert [(t.side, t.breath, t.reason) for t in snap.stops] == [
                ("left", 7, "tingling"),
                ("right", None, "dizzy"),
            ]
            assert snap.next_day is not None and snap.next_day.lasting_soreness is True


def test_a_stop_on_a_side_the_session_does_not_cover_is_refused(
    store: Store, empty: Store, tmp_path: Path
) -> None:
    sid = store.start_session("ball", "prone", "left", T0)
    store.record_stop(sid, StopRow(0, 0, 0, "left", 1, 3, "tingling", T0))
    with pytest.raises(ValueError, match="side"):
        store.record_stop(sid, StopRow(0, 0, 0, "right", 0, None, "pulse", T0))
    text = csv_text(store).replace(",,1,left,1,", ",,1,right,1,")
    assert ",,1,right,1," in text
    path = tmp_path / "bad.csv"
    path.write_text(text, encoding="utf-8", newline="")
    with pytest.raises(ImportFileError, match="side"):
        import_file(empty, path)
