"""The next-day check in the log: stored, replaced, refused, deleted, undone, exported."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from psoas_timer.store import (
    CSV_COLUMNS,
    ImportFileError,
    NextDayCheck,
    SetRecord,
    Store,
    export_csv,
    export_json,
    import_file,
)

T0 = datetime(2024, 3, 1, 8, 0, tzinfo=UTC)
BASE = SetRecord("left", 0, "Base set", 15, 15, 90.0)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    s = Store.open(tmp_path / "log.sqlite", clock=lambda: T0 + timedelta(days=1))
    yield s
    s.close()


def finished(store: Store, start: datetime, *, with_set: bool = True) -> int:
    sid = store.start_session("ball", "prone", "left", start)
    if with_set:
        store.record_set(sid, BASE, start + timedelta(minutes=5))
    store.finish_session(sid, "completed", start + timedelta(minutes=20))
    return sid


def test_an_answer_is_stored_and_can_be_replaced(store: Store) -> None:
    sid = finished(store, T0)
    assert store.next_day_check(sid) is None
    store.record_next_day(sid, "worse", True)
    assert store.next_day_check(sid) == NextDayCheck(sid, "worse", True, T0 + timedelta(days=1))
    store.record_next_day(sid, "better", False, T0 + timedelta(days=2))
    assert store.next_day_check(sid) == NextDayCheck(sid, "better", False, T0 + timedelta(days=2))


def test_declining_is_stored_as_no_answers(store: Store) -> None:
    sid = finished(store, T0)
    store.record_next_day(sid, None, None)
    check = store.next_day_check(sid)
    assert check is not None and check.declined
    last = store.last_finished_session()
    assert last is not None and last.checked


@pytest.mark.parametrize(
    ("feeling", "sore", "field"),
    [
        ("worse", None, "lasting_soreness"),
        (None, False, "feeling"),
        ("awful", True, "feeling"),
        ("same", 1, "lasting_soreness"),
    ],
)
def test_half_or_wrong_answers_are_refused(
    store: Store, feeling: object, sore: object, field: str
) -> None:
    sid = finished(store, T0)
    with pytest.raises(ValueError, match=field):
        store.record_next_day(sid, feeling, sore)  # type: ignore[arg-type]
    assert store.next_day_check(sid) is None


def test_a_check_for_no_session_is_refused(store: Store) -> None:
    with pytest.raises(Exception, match="99"):
        store.record_next_day(99, "same", False)


def test_the_check_goes_with_a_deleted_session_and_comes_back_with_undo(store: Store) -> None:
    sid = finished(store, T0)
    store.record_next_day(sid, "same", False)
    snapshot = store.delete_session(sid)
    assert snapshot.next_day == NextDayCheck(sid, "same", False, T0 + timedelta(days=1))
    assert store.next_day_check(sid) is None
    store.restore_session(snapshot)
    assert store.next_day_check(sid) == snapshot.next_day


def test_the_last_finished_session_is_the_latest_started(store: Store) -> None:
    assert store.last_finished_session() is None
    finished(store, T0)
    second = finished(store, T0 + timedelta(days=1), with_set=False)
    running = store.start_session("ball", "prone", "left", T0 + timedelta(days=2))
    last = store.last_finished_session()
    assert last is not None
    assert (last.session_id, last.has_sets, last.checked) == (second, False, False)
    assert last.ended_at == T0 + timedelta(days=1, minutes=20)
    assert last.session_id != running


def test_history_and_progress_carry_the_check(store: Store) -> None:
    sid = finished(store, T0)
    store.record_next_day(sid, "worse", True)
    (summary,) = store.sessions()
    assert summary.next_day is not None and summary.next_day.feeling == "worse"
    (progress,) = store.progress_sessions(tz=UTC)
    assert (progress.next_day, progress.lasting_soreness) == ("worse", True)
    assert progress.position_id == "prone"


def test_csv_writes_a_next_day_row(store: Store) -> None:
    sid = finished(store, T0)
    store.record_next_day(sid, "better", False)
    other = finished(store, T0 + timedelta(days=3))
    store.record_next_day(other, None, None)
    buffer = io.StringIO(newline="")
    export_csv(store, buffer)
    rows = list(csv.DictReader(io.StringIO(buffer.getvalue(), newline="")))
    checks = [r for r in rows if r["record"] == "next_day"]
    assert [(r["feeling"], r["lasting_soreness"], r["recorded_at"]) for r in checks] == [
        ("better", "no", "2024-03-02T08:00:00Z"),
        ("", "", "2024-03-02T08:00:00Z"),
    ]
    assert {c for r in checks for c, v in r.items() if v} <= {
        "record",
        "session_uuid",
        "feeling",
        "lasting_soreness",
        "recorded_at",
    }


def test_json_holds_the_check_in_its_session(store: Store) -> None:
    sid = finished(store, T0)
    store.record_next_day(sid, "same", True)
    buffer = io.StringIO()
    export_json(store, buffer)
    doc = json.loads(buffer.getvalue())
    assert doc["version"] == 3
    assert doc["sessions"][0]["next_day"] == {
        "feeling": "same",
        "lasting_soreness": True,
        "recorded_at": "2024-03-02T08:00:00Z",
    }


def old_csv_text() -> str:
    """An export as the app wrote it before next-day checks: 23 columns."""
    later = ("breath", "reason", "feeling", "lasting_soreness")
    old_columns = tuple(name for name in CSV_COLUMNS if name not in later)
    assert len(old_columns) == 23 and old_columns[-1] == "recorded_at"
    uuid = "0f8fad5b-d9cb-469f-a165-70867728950e"
    rows = [
        {
            "record": "session",
            "session_uuid": uuid,
            "started_at": "2024-02-20T07:30:00Z",
            "ended_at": "2024-02-20T08:00:00Z",
            "tool_id": "ball",
            "position_id": "prone",
            "sides": "left",
            "status": "completed",
        },
        {
            "record": "rating",
            "session_uuid": uuid,
            "side": "left",
            "moment": "before",
            "value": "6",
            "recorded_at": "2024-02-20T07:31:00Z",
        },
    ]
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(old_columns)
    writer.writerows([row.get(c, "") for c in old_columns] for row in rows)
    return buffer.getvalue()


def test_an_export_from_before_next_day_checks_still_imports(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "old.csv"
    path.write_text(old_csv_text(), encoding="utf-8", newline="")
    report = import_file(store, path)
    assert (report.sessions_added, report.ratings_added, report.next_day_checks_added) == (1, 1, 0)
    (snap,) = store.snapshots()
    assert snap.next_day is None and snap.ratings[0].value == 6


def test_a_version_1_json_file_still_imports(store: Store, tmp_path: Path) -> None:
    doc = {
        "format": "psoas-timer-log",
        "version": 1,
        "sessions": [
            {
                "uuid": "0f8fad5b-d9cb-469f-a165-70867728950e",
                "started_at": "2024-02-20T07:30:00Z",
                "ended_at": "2024-02-20T08:00:00Z",
                "tool_id": "ball",
                "position_id": "prone",
                "sides": "left",
                "status": "completed",
                "note": "",
                "sets": [],
                "ratings": [],
            }
        ],
    }
    path = tmp_path / "old.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    assert import_file(store, path).sessions_added == 1


def csv_with(*rows: dict[str, str]) -> str:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for row in rows:
        writer.writerow([row.get(c, "") for c in CSV_COLUMNS])
    return buffer.getvalue()


UUID = "0f8fad5b-d9cb-469f-a165-70867728950e"
SESSION = {
    "record": "session",
    "session_uuid": UUID,
    "started_at": "2024-02-20T07:30:00Z",
    "ended_at": "2024-02-20T08:00:00Z",
    "tool_id": "ball",
    "position_id": "prone",
    "sides": "left",
    "status": "completed",
}


def check_row(**cells: str) -> dict[str, str]:
    row = {
        "record": "next_day",
        "session_uuid": UUID,
        "feeling": "worse",
        "lasting_soreness": "yes",
        "recorded_at": "2024-02-21T09:00:00Z",
    }
    row.update(cells)
    return row


@pytest.mark.parametrize(
    ("rows", "line", "field"),
    [
        ([SESSION, check_row(feeling="awful")], 3, "feeling"),
        ([SESSION, check_row(lasting_soreness="maybe")], 3, "lasting_soreness"),
        ([SESSION, check_row(lasting_soreness="")], 3, "lasting_soreness"),
        ([SESSION, check_row(feeling="")], 3, "feeling"),
        ([SESSION, check_row(), check_row(feeling="same")], 4, "record"),
        (
            [SESSION, check_row(session_uuid="6f9619ff-8b86-d011-b42d-00c04fc964ff")],
            3,
            "session_uuid",
        ),
        ([SESSION, check_row(side="left")], 3, "side"),
    ],
)
def test_a_bad_next_day_row_is_located(
    store: Store, tmp_path: Path, rows: list[dict[str, str]], line: int, field: str
) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(csv_with(*rows), encoding="utf-8", newline="")
    with pytest.raises(ImportFileError) as caught:
        import_file(store, path)
    assert f"line {line}: field {field}:" in str(caught.value), str(caught.value)
    assert store.sessions() == []


def test_a_bad_json_check_is_located(store: Store, tmp_path: Path) -> None:
    sid = finished(store, T0)
    store.record_next_day(sid, "same", True)
    buffer = io.StringIO()
    export_json(store, buffer)
    doc = json.loads(buffer.getvalue())
    doc["sessions"][0]["next_day"]["lasting_soreness"] = "yes"
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    with (
        Store.open(tmp_path / "other.sqlite") as other,
        pytest.raises(ImportFileError, match=r"sessions\[0\]\.next_day: field lasting_soreness"),
    ):
        import_file(other, path)


def test_the_readme_lists_the_csv_columns_in_order() -> None:
    import re

    readme = (Path(__file__).parents[2] / "README.md").read_text("utf-8")
    listed = re.search(r"these columns:\s*`([^`]*)`", readme)
    assert listed is not None
    assert tuple(c.strip() for c in listed.group(1).split(",")) == CSV_COLUMNS
