"""A log holding times at the ends of the calendar still opens every page, in any time zone.

Import refuses such times now, but a log written before (or by hand) may hold
them. The session from year 1 has no local time west of UTC, the one from
year 9999 none east of it; each page then shows them in UTC rather than
failing. Qt turns an exception inside a table's ``data()`` into a crash, so
each zone runs in its own process, with ``TZ`` set.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from psoas_timer import paths as app_paths
from psoas_timer.store import Store, local_time

ROOT = Path(__file__).resolve().parents[2]
EDGES = ("0001-01-01T00:00:00Z", "9999-12-31T23:59:59Z")

OPEN_EVERY_PAGE = """
import os, sys
from pathlib import Path
from PySide6.QtCore import Qt
from psoas_timer import paths
from psoas_timer.core.catalog import load_catalog
from psoas_timer.core.clock import Clocks, FakeClock
from psoas_timer.store import Store, export_to_path
from psoas_timer.ui.application import make_application
from psoas_timer.ui.dialogs.recovery import RecoveryDialog
from psoas_timer.ui.main_window import MainWindow
from tests.helpers import QUICK_SETTINGS

where = paths.paths_under(Path(sys.argv[1]))
app = make_application()
store = Store.open(where.database)
print("days", *sorted(str(s.day) for s in store.progress_sessions()), flush=True)
window = MainWindow(load_catalog(), QUICK_SETTINGS, where, Clocks.following(FakeClock()), store)
window.show()
page = window.show_progress()
app.processEvents()
model = page.history.model
cells = [
    model.data(model.index(r, c), Qt.ItemDataRole.DisplayRole)
    for r in range(model.rowCount())
    for c in range(model.columnCount())
]
page.grab()
print("history rows", model.rowCount(), flush=True)
for session in window.recovery_candidates():
    dialog = RecoveryDialog(session, session.tool_id, 0, store.ratings(session.id), window)
    dialog.grab()
    print("recovery offered", session.started_at.year, flush=True)
    dialog.deleteLater()
export_to_path(store, Path(sys.argv[2]))
print("exported", flush=True)
window.shutdown()
window.close()
store.close()
app.processEvents()
os._exit(0)  # what is checked is above; tearing Qt down is not the question
"""


def _log_at_the_edges(where: app_paths.Paths) -> None:
    where.ensure()
    with Store.open(where.database) as store:
        ids = [store.start_session("ql-claw", "prone", "both") for _ in range(3)]
        for sid in ids:
            store.record_rating(sid, "left", "before", 6)
            store.record_rating(sid, "left", "after", 3)
        store.finish_session(ids[1], "completed")
        store.finish_session(ids[2], "completed")
    conn = sqlite3.connect(where.database)
    with conn:
        # ids[0] stays running: the recovery offer names its start.
        for sid, when in zip(ids, (*EDGES, "2024-05-01T07:30:00Z"), strict=True):
            conn.execute(
                "UPDATE sessions SET started_at = ?, ended_at = CASE WHEN ended_at IS NULL "
                "THEN NULL ELSE ? END WHERE id = ?",
                (when, when, sid),
            )
            conn.execute("UPDATE ratings SET recorded_at = ? WHERE session_id = ?", (when, sid))
    conn.close()


@pytest.mark.subprocess
@pytest.mark.parametrize(
    ("zone", "days"),
    [
        # West of UTC, year 1 has no local time: its day is the UTC one.
        ("<-0330>3:30", ["0001-01-01", "2024-05-01", "9999-12-31"]),
        # East of UTC, the last second of 9999 has none: its day is the UTC one.
        ("<+14>-14", ["0001-01-01", "2024-05-01", "9999-12-31"]),
        ("UTC", ["0001-01-01", "2024-05-01", "9999-12-31"]),
    ],
)
def test_progress_history_and_recovery_open_in_any_zone(
    tmp_path: Path, zone: str, days: list[str]
) -> None:
    where = app_paths.paths_under(tmp_path / "app")
    _log_at_the_edges(where)
    done = subprocess.run(
        [sys.executable, "-c", OPEN_EVERY_PAGE, str(tmp_path / "app"), str(tmp_path / "out.csv")],
        cwd=ROOT,
        env={**os.environ, "TZ": zone, "QT_QPA_PLATFORM": "offscreen"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    lines = done.stdout.splitlines()
    assert lines[0] == "days " + " ".join(days)
    assert "history rows 3" in lines
    assert "recovery offered 1" in lines
    assert "exported" in lines
    assert "Traceback" not in done.stderr
    exported = (tmp_path / "out.csv").read_text("utf-8")
    assert all(edge in exported for edge in EDGES)


def test_local_time_falls_back_to_utc_only_where_the_zone_has_no_such_time() -> None:
    west = timezone(-timedelta(hours=3, minutes=30))
    east = timezone(timedelta(hours=14))
    first = datetime(1, 1, 1, tzinfo=UTC)
    last = datetime(9999, 12, 31, 23, 59, 59, tzinfo=UTC)
    assert local_time(first, west) == first and local_time(first, west).tzinfo is UTC
    assert local_time(first, east).utcoffset() == timedelta(hours=14)
    assert local_time(last, east).tzinfo is UTC
    assert local_time(last, west).utcoffset() == -timedelta(hours=3, minutes=30)
    ordinary = datetime(2024, 5, 1, 7, 30, tzinfo=UTC)
    assert local_time(ordinary, east) == ordinary.astimezone(east)
