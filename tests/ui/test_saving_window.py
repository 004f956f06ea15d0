"""Saving through the real window, with a log that refuses writes on demand.

The same promises as tests/reliability/test_disk_full.py (which fills a real
tmpfs and needs root), here with a store that refuses at its transaction, so
they are checked on every machine: "Saved" only once committed, a lasting
"Not saved yet" in normal and floor mode, and no quitting without asking.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox, QPushButton
from pytestqt.qtbot import QtBot

from psoas_timer.core.clock import FakeClock
from psoas_timer.core.plan import StepKind
from psoas_timer.store import Store, export_to_path, import_file
from psoas_timer.store.saving import UnavailableStore
from psoas_timer.ui.dialogs import recovery, unsaved
from psoas_timer.ui.dialogs.recovery import RecoveryChoice
from psoas_timer.ui.main_window import NOT_SAVED_SPOKEN, MainWindow
from tests.helpers import QUICK_SETTINGS
from tests.qt_helpers import run_for, run_until, start_session
from tests.refusing_store import RefusingStore

REAL_ASK = unsaved.ask_about_unsaved
MakeWindow = Callable[..., MainWindow]


def refusing(tmp_path: Path) -> RefusingStore:
    store = RefusingStore.open(tmp_path / "refusing.sqlite3")
    assert isinstance(store, RefusingStore)
    return store


def to_first_rating(window: MainWindow, sides: str = "left") -> FakeClock:
    clock = window.session.clock
    assert isinstance(clock, FakeClock)
    start_session(window, "ql-claw", sides)
    run_until(window, clock, StepKind.RATING)
    assert window.session.engine is not None
    assert window.session.engine.step.kind is StepKind.RATING
    return clock


def statuses(window: MainWindow) -> list[str]:
    seen: list[str] = []
    window.statusBar().messageChanged.connect(seen.append)
    return seen


def end_session(window: MainWindow) -> None:
    engine = window.session.engine
    if engine is not None and engine.running:
        engine.end()


def test_saved_is_said_only_once_the_rating_is_committed(
    qtbot: QtBot, make_window: MakeWindow, tmp_path: Path
) -> None:
    store = refusing(tmp_path)
    window = make_window(store=store)
    window.show()
    to_first_rating(window)
    seen = statuses(window)
    store.refuse()
    qtbot.keyClicks(window.session, "7")
    page = window.session
    assert not any(text.startswith("Saved") for text in seen)
    assert not page.save_state.text().startswith("Saved")
    lasting = "Not saved yet (1 pending) — kept in memory; the disk is full: free some space"
    assert page.save_state.text().startswith(lasting)
    assert window.statusBar().currentMessage().startswith(lasting)
    store.accept()
    window.saving.flush()
    assert "Saved: Left side before, 7/10." in seen
    assert window.saving.pending == 0
    assert window.status_label.text() == ""
    assert page.save_state.text() == "Saved: everything that was waiting"
    end_session(window)


def test_when_nothing_refuses_each_rating_is_confirmed_as_saved(
    qtbot: QtBot, make_window: MakeWindow
) -> None:
    window = make_window()
    to_first_rating(window)
    seen = statuses(window)
    qtbot.keyClicks(window.session, "4")
    assert "Saved: Left side before, 4/10." in seen
    assert window.session.save_state.text() == "Saved: Left side before, 4/10"
    end_session(window)


def test_in_floor_mode_the_warning_stays_in_view_and_is_spoken_once(
    qtbot: QtBot, make_window: MakeWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = refusing(tmp_path)
    window = make_window(store=store, settings=QUICK_SETTINGS.with_changes(floor_mode=True))
    said: list[str] = []

    def say(text: str, *, interrupt: bool = False) -> None:
        said.append(text)
        window.voice.finished_speaking.emit(text)  # a voice that speaks in no time

    monkeypatch.setattr(window.voice, "say", say)
    window.update_settings(window.settings.with_changes(voice=True))
    window.show()
    clock = to_first_rating(window)
    assert window.floor_mode and window.statusBar().isHidden()
    store.refuse(reason="readonly")
    qtbot.keyClicks(window.session, "6")
    page = window.session
    warning = page.save_state.text()
    assert warning.startswith("Not saved yet (1 pending)") and "read-only" in warning
    # The set runs on: captions, steps and another refused write come and go.
    run_for(window, clock, 20)
    page.notice.setText("Breathe in")  # a caption replaces the notice line, not this one
    run_for(window, clock, 40)
    assert page.save_state.isVisible()
    assert page.save_state.text().startswith("Not saved yet (2 pending)")
    assert page.save_state.font().pixelSize() >= page.notice.font().pixelSize()
    assert said.count(NOT_SAVED_SPOKEN) == 1
    window.saving.flush()
    assert said.count(NOT_SAVED_SPOKEN) == 1  # not again at each retry
    store.accept()
    end_session(window)


def test_with_voice_off_nothing_is_spoken(
    qtbot: QtBot, make_window: MakeWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = refusing(tmp_path)
    window = make_window(store=store)
    said: list[str] = []
    monkeypatch.setattr(window.voice, "say", said.append)
    to_first_rating(window)
    store.refuse()
    qtbot.keyClicks(window.session, "6")
    assert NOT_SAVED_SPOKEN not in said
    store.accept()
    end_session(window)


def test_the_end_screen_says_saved_only_when_nothing_waits(
    qtbot: QtBot, make_window: MakeWindow, tmp_path: Path
) -> None:
    store = refusing(tmp_path)
    window = make_window(store=store)
    to_first_rating(window)
    store.refuse()
    qtbot.keyClicks(window.session, "5")
    end_session(window)  # the end is refused too
    page = window.session
    assert page.title.text() == "Session ended"
    assert page.cue.text() == (
        "Not saved yet: Left side before, 5/10; left side, base set; session ended early. "
        "It is kept in memory."
    )
    assert "Everything you did is saved" not in page.live.text()
    store.accept()
    window.saving.flush()
    assert page.cue.text() == "Everything you did is saved."
    assert page.live.text() == "Everything you did is saved now."
    summary = store.sessions()[0]
    assert summary.status == "ended_early" and summary.side("left").before == 5


def test_a_whole_session_that_saves_ends_saying_so(make_window: MakeWindow) -> None:
    window = make_window()
    to_first_rating(window)
    end_session(window)
    assert window.session.cue.text() == "Everything you did is saved."
    assert window.statusBar().currentMessage() == "Saved: session ended early."


def test_stored_start_and_end_agree_with_the_session_clock(
    qtbot: QtBot, make_window: MakeWindow
) -> None:
    window = make_window()
    clock = to_first_rating(window)
    rated = clock.now()  # seconds since the session started
    qtbot.keyClicks(window.session, "3")
    run_for(window, clock, 51)  # the base set: 5 breaths of 10 s, then the question
    end_session(window)
    store = window.saving.store
    assert isinstance(store, Store)
    (summary,) = store.sessions()
    assert summary.ended_at is not None
    assert summary.ended_at - summary.started_at == timedelta(seconds=round(clock.now()))
    (first_set,) = store.sets(summary.id)
    assert first_set.duration_s == pytest.approx(50.0, abs=0.5)
    # Stored to the second: the set ended 50 s after the rating.
    assert first_set.recorded_at == summary.started_at + timedelta(seconds=int(rated + 50))


# -- closing with changes still waiting ----------------------------------------------


def click_in_next_box(qtbot: QtBot, text: str, shown: list[str]) -> None:
    """Press the button called ``text`` in the next message box, as a user does."""

    def find() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(10, find)
            return
        shown.append(box.text())
        for button in box.findChildren(QPushButton):
            if button.text() == text:
                button.click()
                return
        raise AssertionError(f"no button {text!r} in {[b.text() for b in box.buttons()]}")

    QTimer.singleShot(0, find)


@pytest.fixture
def waiting_window(
    qtbot: QtBot, make_window: MakeWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> tuple[MainWindow, RefusingStore]:
    """A window whose session is over with its rating and end still waiting."""
    monkeypatch.setattr(unsaved, "ask_about_unsaved", REAL_ASK)
    store = refusing(tmp_path)
    window = make_window(store=store)
    window.show()
    to_first_rating(window)
    store.refuse()
    qtbot.keyClicks(window.session, "8")
    end_session(window)  # during the base set: the set, cut short, is kept too
    assert window.saving.pending == 3
    return window, store


def test_quitting_with_changes_waiting_asks_and_cancel_keeps_the_app_open(
    qtbot: QtBot, waiting_window: tuple[MainWindow, RefusingStore]
) -> None:
    window, store = waiting_window
    shown: list[str] = []
    click_in_next_box(qtbot, "Cancel", shown)
    assert not window.close()
    assert window.isVisible() and window.saving.pending == 3
    assert "Not saved yet (3 pending)" in shown[0] and "Left side before, 8/10" in shown[0]
    store.accept()
    window.saving.flush()


def test_try_again_now_saves_and_quits(
    qtbot: QtBot, waiting_window: tuple[MainWindow, RefusingStore]
) -> None:
    window, store = waiting_window
    store.refuse(1)  # still refused once more: asked again, then it works
    shown: list[str] = []
    click_in_next_box(qtbot, "Try again now", shown)
    QTimer.singleShot(300, lambda: click_in_next_box(qtbot, "Try again now", shown))
    assert window.close()
    assert len(shown) == 2
    summary = store.sessions()[0]
    assert summary.side("left").before == 8 and summary.status == "ended_early"


def test_save_them_to_a_file_writes_what_waits_and_quits(
    qtbot: QtBot,
    waiting_window: tuple[MainWindow, RefusingStore],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    window, store = waiting_window
    target = tmp_path / "kept" / "not-saved"
    target.parent.mkdir()
    monkeypatch.setattr(
        "psoas_timer.ui.prompts.choose_save_file",
        lambda *args: (str(target), "JSON (*.json)"),
    )
    click_in_next_box(qtbot, "Save them to a file…", [])
    assert window.close()
    written = target.with_suffix(".json")
    changes = json.loads(written.read_text("utf-8"))["pending"]["changes"]
    assert [c["change"] for c in changes] == ["rating", "set", "session ended"]
    assert changes[0]["value"] == 8 and changes[0]["session_id"] == window.saving.session_id
    assert store.ratings(window.saving.session_id or 0) == []


def test_quit_and_lose_them_quits_without_saving(
    qtbot: QtBot, waiting_window: tuple[MainWindow, RefusingStore]
) -> None:
    window, store = waiting_window
    click_in_next_box(qtbot, "Quit and lose them", [])
    assert window.close()
    store.accept()
    assert store.sessions()[0].status == "running"  # the end never reached the log


def test_a_file_that_cannot_be_written_says_so_and_asks_again(
    qtbot: QtBot,
    waiting_window: tuple[MainWindow, RefusingStore],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    window, store = waiting_window
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setattr(unsaved, "choose_pending_file", lambda parent: blocker / "x.json")
    shown: list[str] = []
    click_in_next_box(qtbot, "Save them to a file…", shown)
    QTimer.singleShot(200, lambda: click_in_next_box(qtbot, "OK", shown))
    QTimer.singleShot(400, lambda: click_in_next_box(qtbot, "Cancel", shown))
    assert not window.close()
    assert "could not be written" in shown[1] and "USB stick" in shown[1]
    assert window.saving.pending == 3
    store.accept()
    window.saving.flush()


# -- every other write takes the same road ------------------------------------------


def test_without_a_log_a_session_is_kept_and_can_be_saved_to_a_file(
    qtbot: QtBot, make_window: MakeWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    window = make_window(store=UnavailableStore("The log is from a newer version."))
    to_first_rating(window)
    qtbot.keyClicks(window.session, "2")
    end_session(window)
    assert window.saving.pending == 4  # start, rating, the set cut short, end
    assert "cannot be saved there" in window.session.save_state.text()
    assert not window.saving.retry_timer.isActive()
    page = window.show_progress()
    assert page is not None
    assert "newer version" in page.progress.empty.text()
    target = tmp_path / "kept.json"
    monkeypatch.setattr(
        unsaved, "ask_about_unsaved", lambda *args: unsaved.UnsavedChoice.SAVE_TO_FILE
    )
    monkeypatch.setattr(unsaved, "choose_pending_file", lambda parent: target)
    assert window.close()
    with Store.open(tmp_path / "later.sqlite3") as later:
        assert import_file(later, target).sessions_added == 1
        assert later.sessions()[0].side("left").before == 2


def test_history_edits_wait_with_everything_else(
    qtbot: QtBot, make_window: MakeWindow, tmp_path: Path
) -> None:
    store = refusing(tmp_path)
    sid = store.start_session("ql-claw", "prone", "left")
    store.record_rating(sid, "left", "before", 5)
    window = make_window(store=store)
    window.show()
    page = window.show_progress()
    assert page is not None
    model = page.history.model
    store.refuse()
    assert model.setData(model.index(0, 3), 2)  # shown at once, kept to be saved
    assert model.index(0, 3).data() == "2"
    assert window.status_label.text().startswith("Not saved yet (1 pending)")
    page.history.table.selectRow(0)
    page.history.delete_selected()
    window.undo_stack.undo()
    assert window.saving.pending == 3
    store.accept()
    window.saving.flush()
    window.saving.flush()
    assert [r.value for r in store.ratings(sid)] == [2]
    assert [s.id for s in store.sessions()] == [sid]  # deleted, then put back
    assert model.rowCount() == 1


def test_recovery_choices_and_imports_go_the_same_way(
    qtbot: QtBot, make_window: MakeWindow, tmp_path: Path
) -> None:
    store = refusing(tmp_path)
    lost = store.start_session("ql-claw", "prone", "both")
    window = make_window(store=store)
    window.show()
    page = window.show_progress()
    assert page is not None
    (candidate,) = window.recovery_candidates()
    store.refuse()
    # As the recovery dialog applies what was chosen in it.
    recovery.apply_recovery(window.saving, candidate, RecoveryChoice.RATE, {("left", "after"): 3})
    assert window.saving.pending == 1 and store.session(lost).status == "running"
    source = tmp_path / "export.json"
    with Store.open(tmp_path / "other.sqlite3") as other:
        other.start_session("ql-claw", "prone", "left")
        export_to_path(other, source)
    shown: list[str] = []
    click_in_next_box(qtbot, "OK", shown)
    assert not window.import_from(source)  # an import never waits: it says why now
    assert "earlier change is still waiting" in shown[0]
    store.accept()
    window.saving.flush()
    assert store.session(lost).status == "interrupted"
    assert window.import_from(source)
    # The page heard the log change and shows both sessions without being told to.
    assert page.history.model.rowCount() == 2
    assert window.statusBar().currentMessage() == "Saved: 1 session imported from export.json."
