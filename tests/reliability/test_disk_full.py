"""A full disk and a read-only disk, for real: the rating is kept and saved later.

The data folder lives on a 1 MiB tmpfs. Filling it to the last byte (or
remounting it read-only) makes SQLite itself fail the write; nothing is
mocked. The rating typed meanwhile must be shown as not saved yet, held in
memory, and written by the save service's own retry once space or permission
comes back; closing the window meanwhile must ask what becomes of it.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from psoas_timer import paths as app_paths
from psoas_timer.core.catalog import Catalog, load_catalog
from psoas_timer.core.clock import Clocks, FakeClock
from psoas_timer.core.plan import StepKind
from psoas_timer.services import saving as saving_module
from psoas_timer.store import Store, import_file
from psoas_timer.store.saving import UnavailableStore
from psoas_timer.ui.dialogs import unsaved
from psoas_timer.ui.main_window import MainWindow
from tests.helpers import QUICK_SETTINGS
from tests.qt_helpers import run_until, start_session
from tests.reliability.disks import SmallDisk

pytestmark = [pytest.mark.mounts, pytest.mark.slow]


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog()


@pytest.fixture
def window(
    qtbot: QtBot, small_disk: SmallDisk, catalog: Catalog, monkeypatch: pytest.MonkeyPatch
) -> Iterator[MainWindow]:
    monkeypatch.setattr(saving_module, "RETRY_MS", 50)
    # A test failing with writes still waiting would otherwise hang on the quit question.
    monkeypatch.setattr(unsaved, "ask_about_unsaved", lambda *a: unsaved.UnsavedChoice.DISCARD)
    where = app_paths.paths_under(small_disk.path / "app")
    where.ensure()
    store = Store.open(where.database)
    made = MainWindow(catalog, QUICK_SETTINGS, where, Clocks.following(FakeClock()), store)
    qtbot.addWidget(made, before_close_func=_end_session)
    yield made
    _end_session(made)
    made.shutdown()
    made.close()
    store.close()


def _end_session(window: MainWindow) -> None:
    # A running session would make close() ask "quit anyway?" and wait forever.
    if window.session.engine is not None and window.session.engine.running:
        window.session.engine.end()


def _logged(database: Path) -> tuple[list[tuple[object, ...]], int]:
    """Ratings and the number of sets, read through a separate connection."""
    conn = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    try:
        ratings = conn.execute(
            "SELECT session_id, side, moment, value FROM ratings ORDER BY side, moment"
        ).fetchall()
        (sets,) = conn.execute("SELECT count(*) FROM sets").fetchone()
        return ratings, sets
    finally:
        conn.close()


def _to_first_rating(window: MainWindow, qtbot: QtBot) -> FakeClock:
    start_session(window, "ql-claw", "left")
    engine = window.session.engine
    assert engine is not None
    clock = engine.clock
    assert isinstance(clock, FakeClock)
    run_until(window, clock, StepKind.RATING)  # the countdown
    assert engine.step.kind is StepKind.RATING
    assert window.saving.session_id is not None
    return clock


def _run_for(window: MainWindow, clock: FakeClock, seconds: float) -> None:
    end = clock.now() + seconds
    while clock.now() < end:
        clock.advance(min(0.5, end - clock.now()))
        window.session.refresh()


def _rate_while_broken(window: MainWindow, qtbot: QtBot, clock: FakeClock) -> list[str]:
    saving = window.saving
    problems: list[str] = []
    saving.problem.connect(problems.append)
    qtbot.keyClicks(window.session, "7")
    engine = window.session.engine
    assert engine is not None
    # Held in memory, in order, and the session goes on.
    assert engine.ratings[("left", "before")] == 7
    assert saving.pending == 1
    assert len(problems) == 1
    assert problems[0].startswith("Not saved yet (1 pending) — kept in memory; ")
    # Not "Saved": the status bar and the session page both say it is waiting.
    assert window.statusBar().currentMessage() == problems[0]
    assert window.session.save_state.text() == problems[0]
    # The base set runs to its end while the disk still refuses: that is kept too.
    _run_for(window, clock, 50 + 1)
    assert saving.pending == 2
    assert len(problems) == 1  # told once, not at every retry
    assert window.statusBar().currentMessage().startswith("Not saved yet (2 pending)")
    assert window.session.save_state.text().startswith("Not saved yet (2 pending)")
    return problems


def test_a_full_disk_keeps_the_rating_until_there_is_space(
    window: MainWindow, qtbot: QtBot, small_disk: SmallDisk
) -> None:
    clock = _to_first_rating(window, qtbot)
    saving = window.saving
    filled = small_disk.fill()
    assert filled > 0
    problems = _rate_while_broken(window, qtbot, clock)
    assert problems[0].endswith("the disk is full: free some space and it will be saved.")
    database = window.paths.database
    assert _logged(database) == ([], 0)
    qtbot.wait(300)  # retries keep failing, and keep everything
    assert saving.pending == 2
    with qtbot.waitSignal(saving.recovered, timeout=5000):
        small_disk.make_room()
    assert saving.pending == 0
    assert not saving.retry_timer.isActive()
    assert window.statusBar().currentMessage() == "Everything pending has now been saved."
    assert window.session.save_state.text() == "Saved: everything that was waiting"
    session_id = saving.session_id
    assert _logged(database) == ([(session_id, "left", "before", 7)], 1)
    assert sqlite3.connect(database).execute("PRAGMA integrity_check").fetchone() == ("ok",)


def test_a_log_turned_read_only_keeps_the_rating_until_it_is_writable(
    window: MainWindow, qtbot: QtBot
) -> None:
    """Read-only while running: SQLite's own read-only refusal, on the app's connection.

    A mount cannot be turned read-only while the log is open for writing (the
    kernel answers "busy") and a changed file mode does not affect files that
    are already open, so a running app only meets a read-only log through
    SQLite refusing the write. ``query_only`` makes SQLite do exactly that.
    """
    clock = _to_first_rating(window, qtbot)
    saving = window.saving
    store = saving.store
    assert isinstance(store, Store)
    store._conn.execute("PRAGMA query_only = 1")
    try:
        problems = _rate_while_broken(window, qtbot, clock)
        assert problems[0].endswith(
            "the data folder is read-only: make it writable and it will be saved."
        )
        qtbot.wait(300)
        assert saving.pending == 2
        assert _logged(window.paths.database) == ([], 0)
    finally:
        with qtbot.waitSignal(saving.recovered, timeout=5000):
            store._conn.execute("PRAGMA query_only = 0")
    assert saving.pending == 0
    session_id = saving.session_id
    assert _logged(window.paths.database) == ([(session_id, "left", "before", 7)], 1)


def _answer(choices: list[unsaved.UnsavedChoice], asked: list[str]) -> object:
    def ask(parent: object, saving: saving_module.SaveService) -> unsaved.UnsavedChoice:
        asked.append(saving.message)
        return choices.pop(0)

    return ask


def test_quitting_on_a_full_disk_asks_and_try_again_saves_everything(
    window: MainWindow, qtbot: QtBot, small_disk: SmallDisk, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = _to_first_rating(window, qtbot)
    small_disk.fill()
    _rate_while_broken(window, qtbot, clock)
    asked: list[str] = []
    choices = [unsaved.UnsavedChoice.RETRY, unsaved.UnsavedChoice.CANCEL]
    monkeypatch.setattr(unsaved, "ask_about_unsaved", _answer(choices, asked))
    _end_session(window)
    assert not window.close()  # still full: asked again, then Cancel keeps it open
    assert len(asked) == 2 and asked[1].startswith("Not saved yet (3 pending)")
    assert window.saving.pending == 3 and _logged(window.paths.database) == ([], 0)
    small_disk.make_room()
    choices[:] = [unsaved.UnsavedChoice.RETRY]
    window.saving.retry_timer.stop()  # the user is quicker than the timer
    assert window.close()
    session_id = window.saving.session_id
    assert _logged(window.paths.database) == ([(session_id, "left", "before", 7)], 1)


def test_quitting_on_a_full_disk_can_save_the_waiting_changes_to_a_file(
    window: MainWindow,
    qtbot: QtBot,
    small_disk: SmallDisk,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    small_disk.fill()  # full from the start: not even the session's start is saved
    clock = window.session.clock
    assert isinstance(clock, FakeClock)
    start_session(window, "ql-claw", "left")
    assert window.saving.pending == 1
    run_until(window, clock, StepKind.RATING)
    qtbot.keyClicks(window.session, "7")
    target = tmp_path / "elsewhere" / "not-saved.json"
    target.parent.mkdir()
    asked: list[str] = []
    choices = [unsaved.UnsavedChoice.SAVE_TO_FILE]
    monkeypatch.setattr(unsaved, "ask_about_unsaved", _answer(choices, asked))
    monkeypatch.setattr(unsaved, "choose_pending_file", lambda parent: target)
    _end_session(window)
    assert window.close()
    assert asked and target.exists()
    small_disk.make_room()
    with Store.open(tmp_path / "later.sqlite3") as later:
        assert import_file(later, target).sessions_added == 1
        (summary,) = later.sessions()
        assert summary.side("left").before == 7 and summary.status == "ended_early"


def test_a_read_only_data_folder_at_start_is_reported_and_left_alone(
    small_disk: SmallDisk,
) -> None:
    """Started on a read-only mount: a clear message, and the log is not touched."""
    from psoas_timer.ui.application import open_store

    where = app_paths.paths_under(small_disk.path / "app")
    where.ensure()
    with Store.open(where.database) as store:
        store.start_session("ql-claw", "prone", "left")
    before = where.database.read_bytes()
    small_disk.read_only()
    try:
        opened, message = open_store(where)
        assert isinstance(opened, UnavailableStore)
        assert message is not None
        assert "Nothing will be saved to the log this time" in message
        assert f"Check that {where.data} is writable" in message  # says what to do
        assert where.database.read_bytes() == before
        assert not list(where.data.glob("*.corrupt-*"))
    finally:
        small_disk.writable()
