"""The journal through the window: SIGTERM becomes a Qt signal, a stop keeps what waits,
and what the user decides at quitting (lose them, save them to a file) the journal follows."""

from __future__ import annotations

import json
import os
import signal
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from psoas_timer.core.clock import FakeClock
from psoas_timer.core.plan import StepKind
from psoas_timer.services.stop_signals import StopSignals
from psoas_timer.store import Store
from psoas_timer.store.journal import Journal
from psoas_timer.ui.dialogs import unsaved
from psoas_timer.ui.main_window import MainWindow
from tests.qt_helpers import run_until, start_session
from tests.refusing_store import RefusingStore

MakeWindow = Callable[..., MainWindow]


@pytest.fixture
def stops() -> Iterator[StopSignals]:
    before = signal.getsignal(signal.SIGTERM), signal.getsignal(signal.SIGHUP)
    made = StopSignals()
    # Installed, or the signal below would end the test run itself.
    assert signal.getsignal(signal.SIGTERM) not in (signal.SIG_DFL, before[0])
    yield made
    made.close()
    assert (signal.getsignal(signal.SIGTERM), signal.getsignal(signal.SIGHUP)) == before


def test_sigterm_arrives_as_one_qt_signal_between_events(qtbot: QtBot, stops: StopSignals) -> None:
    seen: list[int] = []
    stops.received.connect(seen.append)
    with qtbot.waitSignal(stops.received, timeout=5000):
        os.kill(os.getpid(), signal.SIGTERM)
    assert seen == [signal.SIGTERM]
    os.kill(os.getpid(), signal.SIGHUP)  # while stopping: nothing more to do
    qtbot.wait(100)
    assert seen == [signal.SIGTERM]


def test_sighup_stops_the_same_way(qtbot: QtBot, stops: StopSignals) -> None:
    with qtbot.waitSignal(stops.received, timeout=5000) as caught:
        os.kill(os.getpid(), signal.SIGHUP)
    assert caught.args == [signal.SIGHUP]


def refusing(tmp_path: Path) -> RefusingStore:
    store = RefusingStore.open(tmp_path / "log.sqlite3")
    assert isinstance(store, RefusingStore)
    return store


def rate_while_refused(window: MainWindow, qtbot: QtBot, store: RefusingStore) -> None:
    clock = window.session.clock
    assert isinstance(clock, FakeClock)
    start_session(window, "ql-claw", "left")
    run_until(window, clock, StepKind.RATING)
    engine = window.session.engine
    assert engine is not None and engine.step.kind is StepKind.RATING
    store.refuse()
    qtbot.keyClicks(window.session, "8")
    assert window.saving.pending == 1


def kept_changes(path: Path) -> list[str] | None:
    journal = Journal.open(path)
    try:
        document = journal.read()
    finally:
        journal.close()
    return None if document is None else [c["what"] for c in json.loads(document)["changes"]]


def test_a_stop_ends_the_session_keeps_what_waits_and_quits_without_asking(
    qtbot: QtBot, make_window: MakeWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    journal = tmp_path / "unsaved.journal"
    store = refusing(tmp_path)
    window = make_window(store=store)
    assert window.saving.open_journal(journal) is None
    window.show()
    rate_while_refused(window, qtbot, store)
    exits: list[int] = []
    asked: list[str] = []
    monkeypatch.setattr("psoas_timer.ui.dialogs.unsaved.QApplication.exit", exits.append)
    monkeypatch.setattr(unsaved, "ask_about_unsaved", lambda *a: asked.append("asked"))
    monkeypatch.setattr("psoas_timer.ui.prompts.confirm", lambda *a, **k: asked.append("asked"))
    unsaved.keep_and_quit(window)
    assert exits == [0] and asked == []
    engine = window.session.engine
    assert engine is not None and not engine.running
    assert kept_changes(journal) == [
        "Left side before, 8/10",
        "left side, base set",
        "session ended early",
    ]

    # The next start, on the same log, once it takes writes again.
    store.accept()
    later = make_window(store=Store.open(store.path))
    notice = later.saving.open_journal(journal)
    assert notice is not None and not notice.problem
    assert notice.text.startswith("3 changes kept from last time were saved: Left side before")
    (summary,) = later.saving.sessions()
    assert summary.side("left").before == 8 and summary.status == "ended_early"
    assert kept_changes(journal) is None


@pytest.fixture
def replayed_but_waiting(
    qtbot: QtBot, make_window: MakeWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> tuple[MainWindow, Path]:
    """A start whose replay the disk still refuses: the changes wait, the journal stays."""
    journal = tmp_path / "unsaved.journal"
    store = refusing(tmp_path)
    first = make_window(store=store)
    first.saving.open_journal(journal)
    rate_while_refused(first, qtbot, store)
    monkeypatch.setattr("psoas_timer.ui.dialogs.unsaved.QApplication.exit", lambda code: None)
    unsaved.keep_and_quit(first)
    again = refusing(tmp_path)
    again.refuse()
    window = make_window(store=again)
    notice = window.saving.open_journal(journal)
    assert notice is not None and notice.problem and "not saved yet" in notice.text
    assert window.saving.pending == 3 and kept_changes(journal) is not None
    assert window.status_label.text().startswith("Not saved yet (3 pending)")
    return window, journal


def test_quit_and_lose_them_lets_go_of_the_journal_too(
    replayed_but_waiting: tuple[MainWindow, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    window, journal = replayed_but_waiting
    monkeypatch.setattr(unsaved, "ask_about_unsaved", lambda *a: unsaved.UnsavedChoice.DISCARD)
    assert window.close()
    assert kept_changes(journal) is None


def test_saving_them_to_a_file_lets_go_of_the_journal_too(
    replayed_but_waiting: tuple[MainWindow, Path],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    window, journal = replayed_but_waiting
    target = tmp_path / "kept.json"
    monkeypatch.setattr(unsaved, "ask_about_unsaved", lambda *a: unsaved.UnsavedChoice.SAVE_TO_FILE)
    monkeypatch.setattr(unsaved, "choose_pending_file", lambda parent: target)
    assert window.close()
    changes = json.loads(target.read_text("utf-8"))["pending"]["changes"]
    assert [c["what"] for c in changes] == [
        "Left side before, 8/10",
        "left side, base set",
        "session ended early",
    ]
    assert kept_changes(journal) is None


def test_once_the_retry_saves_them_the_journal_is_cleared(
    qtbot: QtBot, replayed_but_waiting: tuple[MainWindow, Path]
) -> None:
    window, journal = replayed_but_waiting
    store = window.saving.store
    assert isinstance(store, RefusingStore)
    store.accept()
    with qtbot.waitSignal(window.saving.recovered, timeout=1000):
        window.saving.flush()
    assert kept_changes(journal) is None
    assert window.statusBar().currentMessage() == "Everything pending has now been saved."
