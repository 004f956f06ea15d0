"""One key press is one step: a key held down does what one press does, once.

The events are built as a keyboard sends them when a key is held: one press,
then auto-repeated release/press pairs, then a last release; "late" pairs are
what X11 delivers when the press of a pair comes a moment late: a plain
release and a plain press with the same timestamp.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest
from PySide6.QtCore import QEvent, Qt, QTimer
from PySide6.QtGui import QKeyEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QLabel,
    QMessageBox,
    QPushButton,
    QWidget,
)
from pytestqt.qtbot import QtBot

from psoas_timer.core.clock import FakeClock
from psoas_timer.core.engine import SessionEngine
from psoas_timer.core.events import (
    BackedOff,
    Event,
    Paused,
    RatingGiven,
    Released,
    Resumed,
    SessionFinished,
    SetFinished,
    StepStarted,
)
from psoas_timer.core.plan import StepKind
from psoas_timer.ui import prompts
from psoas_timer.ui.dialogs.safety import SafetyDialog
from psoas_timer.ui.held_keys import SAME_MOMENT_MS, KeyRepeats
from psoas_timer.ui.main_window import MainWindow
from psoas_timer.ui.prompts import confirm as real_confirm
from psoas_timer.ui.theme import contrast_ratio
from tests.helpers import QUICK_SETTINGS
from tests.qt_helpers import start_session

NONE = Qt.KeyboardModifier.NoModifier
REPEATS = 31  # about a second of auto-repeat


_MS = itertools.count(10_000, 40)  # the window system's clock, one repeat apart


def send(
    target: QWidget, kind: QEvent.Type, key: Qt.Key, text: str, repeat: bool, at: int = 0
) -> int:
    event = QKeyEvent(kind, key, NONE, text, repeat)
    event.setTimestamp(at or next(_MS))
    QApplication.sendEvent(target, event)
    return event.timestamp()


def press(target: QWidget, key: Qt.Key, text: str = "") -> None:
    """A fresh press, a moment after anything before it."""
    for _ in range(5):
        next(_MS)
    send(target, QEvent.Type.KeyPress, key, text, False)


def repeat(
    target: QWidget, key: Qt.Key, text: str = "", times: int = REPEATS, late: bool = False
) -> None:
    """The key just pressed, held down: its repeats, then let go."""
    for _ in range(times):
        at = send(target, QEvent.Type.KeyRelease, key, text, not late)
        send(target, QEvent.Type.KeyPress, key, text, not late, at)
    send(target, QEvent.Type.KeyRelease, key, text, False)


@dataclass
class Session:
    window: MainWindow
    engine: SessionEngine
    events: list[Event]

    def take(self) -> list[type]:
        kinds = [type(event) for event in self.events]
        self.events.clear()
        return kinds


@pytest.fixture
def session(qtbot: QtBot, make_window: Callable[..., MainWindow]) -> Iterator[Session]:
    window = make_window(FakeClock())
    window.show()
    qtbot.waitExposed(window)
    start_session(window, "ql-claw", "left")
    engine = window.session.engine
    assert engine is not None
    events: list[Event] = []
    engine.subscribe(events.append)
    yield Session(window, engine, events)
    engine.end()


def go_to(session: Session, kind: StepKind, level: int = 0) -> None:
    """Enter until the step of ``kind`` at ``level``: yes at every "More pressure?"."""
    page = session.window.session
    while not (session.engine.step.kind is kind and session.engine.step.level == level):
        page.next_step()
    session.events.clear()


@pytest.mark.parametrize("late", [False, True], ids=["marked", "x11-late"])
@pytest.mark.parametrize(
    "key", [Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Right], ids=["Return", "Enter", "Right"]
)
def test_holding_enter_goes_on_one_step(session: Session, key: Qt.Key, late: bool) -> None:
    window = session.window
    for kind in (StepKind.COUNTDOWN, StepKind.RATING, StepKind.SET, StepKind.QUESTION):
        assert session.engine.step.kind is kind
        before = session.engine.index
        press(window, key, "\r")
        assert session.engine.index == before + 1
        assert StepStarted in session.take()
        repeat(window, key, "\r", late=late)
        assert session.engine.index == before + 1
        assert session.take() == []
    # One press skipped one rating and one set, and said yes once.
    assert session.engine.ratings == {}
    assert [result.outcome for result in session.engine.results] == ["skipped"]
    assert session.engine.step.kind is StepKind.TRANSITION and session.engine.step.level == 1


@pytest.mark.parametrize(
    ("key", "text", "value"), [(Qt.Key.Key_7, "7", 7), (Qt.Key.Key_T, "t", 10)]
)
def test_holding_a_rating_key_rates_once(
    session: Session, key: Qt.Key, text: str, value: int
) -> None:
    go_to(session, StepKind.RATING)
    index = session.engine.index
    press(session.window, key, text)
    assert session.take() == [RatingGiven, StepStarted]
    repeat(session.window, key, text)
    assert session.take() == []
    assert session.engine.index == index + 1
    assert session.engine.ratings == {("left", "before"): value}


@pytest.mark.parametrize("late", [False, True], ids=["marked", "x11-late"])
def test_holding_space_pauses_once(session: Session, late: bool) -> None:
    go_to(session, StepKind.SET)
    press(session.window, Qt.Key.Key_Space, " ")
    assert session.take() == [Paused]
    repeat(session.window, Qt.Key.Key_Space, " ", times=REPEATS + 1, late=late)
    assert session.take() == []
    press(session.window, Qt.Key.Key_Space, " ")  # a fresh press still resumes
    assert session.engine.state.name == "RUNNING"


@pytest.mark.parametrize(
    ("key", "text", "then"),
    [(Qt.Key.Key_Space, " ", StepKind.SET), (Qt.Key.Key_Left, "", StepKind.COME_OFF)],
    ids=["Space-one-more-set", "Left-come-off"],
)
def test_holding_a_key_at_the_question_answers_it_once(
    session: Session, key: Qt.Key, text: str, then: StepKind
) -> None:
    go_to(session, StepKind.QUESTION)
    index = session.engine.index
    press(session.window, key, text)
    assert session.engine.step.kind is then and session.engine.index == index + 1
    session.take()
    repeat(session.window, key, text)
    assert session.take() == []
    assert session.engine.step.kind is then and session.engine.state.name == "RUNNING"


def test_holding_s_stops_once_and_never_answers_the_question(session: Session) -> None:
    go_to(session, StepKind.SET)
    press(session.window, Qt.Key.Key_S, "s")
    assert session.take() == [SetFinished, StepStarted]
    assert session.engine.step.kind is StepKind.STOP_REASON
    repeat(session.window, Qt.Key.Key_S, "s")
    assert session.take() == []
    press(session.window, Qt.Key.Key_2, "2")
    assert [stop.reason for stop in session.engine.stops] == ["tingling"]
    repeat(session.window, Qt.Key.Key_2, "2")
    assert session.engine.step.kind is StepKind.STOP_ADVICE and len(session.engine.stops) == 1


def test_holding_left_backs_off_one_level(session: Session) -> None:
    go_to(session, StepKind.SET, level=2)
    press(session.window, Qt.Key.Key_Left)
    assert session.take() == [SetFinished, BackedOff, StepStarted]
    assert session.engine.step.level == 1
    repeat(session.window, Qt.Key.Key_Left)
    assert session.take() == []
    assert session.engine.step.level == 1


def test_holding_r_marks_the_release_once(session: Session) -> None:
    go_to(session, StepKind.SET)
    notice = session.window.session.notice
    press(session.window, Qt.Key.Key_R, "r")
    assert session.take() == [Released]
    said = notice.text()
    assert said.startswith("Release marked")
    repeat(session.window, Qt.Key.Key_R, "r")
    assert session.take() == []
    assert notice.text() == said  # not "Release can be marked once per set"


def test_holding_esc_asks_once_and_stays_on_the_ended_session(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[str] = []
    answers = [False, True]

    def confirm(_parent: QWidget, title: str, _text: str) -> bool:
        asked.append(title)
        return answers.pop(0)

    monkeypatch.setattr(prompts, "confirm", confirm)
    window = session.window
    left: list[bool] = []
    window.session.leave_requested.connect(lambda: left.append(True))
    go_to(session, StepKind.SET)
    press(window, Qt.Key.Key_Escape)
    assert asked == ["End the session?"]
    # Answered "no": the session went on.
    assert session.take() == [Paused, Resumed]
    press(window, Qt.Key.Key_Escape)  # and now "yes"
    assert SessionFinished in session.take()
    repeat(window, Qt.Key.Key_Escape)
    assert len(asked) == 2
    assert left == [] and window.stack.currentWidget() is window.session
    press(window, Qt.Key.Key_Escape)  # a fresh press goes back to the tools
    assert left == [True]


def test_no_window_command_repeats_while_its_key_is_held(session: Session) -> None:
    for action in session.window.commands.values():
        assert not action.autoRepeat(), action.objectName()


def test_keys_reach_the_session_when_another_part_of_the_window_has_them(
    session: Session,
) -> None:
    go_to(session, StepKind.SET)
    window = session.window
    # The menu bar does nothing with a bare Space; the session must still hear it.
    QTest.keyClick(window.menuBar(), Qt.Key.Key_Space)
    assert session.take() == [Paused]
    press(window.statusBar(), Qt.Key.Key_Space, " ")
    assert session.engine.state.name == "RUNNING"
    repeat(window.statusBar(), Qt.Key.Key_Space, " ")
    assert session.engine.state.name == "RUNNING"


def test_keys_do_nothing_to_a_session_that_is_not_shown(session: Session) -> None:
    window = session.window
    session.engine.end()
    press(window, Qt.Key.Key_Return, "\r")
    assert window.stack.currentWidget() is window.picker
    events = session.take()
    press(window, Qt.Key.Key_Space, " ")  # on the tools page
    assert session.take() == [] and events


# -- questions -------------------------------------------------------------------


def answer_when_open(act: Callable[[QMessageBox], None]) -> None:
    def find() -> None:
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox):
            act(box)
        else:
            QTimer.singleShot(10, find)

    QTimer.singleShot(0, find)


def test_enter_held_on_start_does_not_accept_the_safety_notice_unread(
    qtbot: QtBot, make_window: Callable[..., MainWindow]
) -> None:
    window = make_window(FakeClock(), QUICK_SETTINGS.with_changes(safety_acknowledged=False))
    window.show()
    qtbot.waitExposed(window)
    assert window.show_tool("ql-claw")
    seen: list[bool] = []

    def hold_enter(dialog: QDialog) -> None:
        target = dialog.focusWidget() or dialog
        assert isinstance(target, QPushButton) and target.isDefault()
        repeat(target, Qt.Key.Key_Return, "\r")  # held since Start, then let go
        seen.append(dialog.isVisible())
        press(target, Qt.Key.Key_Return, "\r")  # hurried: a second press at once
        seen.append(dialog.isVisible())
        dialog.reject()

    def find() -> None:
        dialog = QApplication.activeModalWidget()
        if isinstance(dialog, SafetyDialog):
            hold_enter(dialog)
        else:
            QTimer.singleShot(10, find)

    QTimer.singleShot(0, find)
    QTest.keyClick(window.placement.start, Qt.Key.Key_Return)
    assert seen == [True, True]
    assert not window.settings.safety_acknowledged
    assert window.stack.currentWidget() is window.placement


@pytest.mark.parametrize("late", [False, True], ids=["marked", "x11-late"])
def test_a_key_held_when_a_question_opens_does_not_answer_it(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, late: bool
) -> None:
    monkeypatch.setattr(prompts, "SETTLE_MS", 50)
    parent = QWidget()
    qtbot.addWidget(parent)
    seen: list[bool] = []

    def hold_enter(box: QMessageBox) -> None:
        qtbot.wait(100)
        target = box.focusWidget() or box
        repeat(target, Qt.Key.Key_Return, "\r", late=late)  # held since before; let go
        seen.append(box.isVisible())
        press(target, Qt.Key.Key_Return, "\r")  # a fresh press answers it

    answer_when_open(hold_enter)
    assert real_confirm(parent, "End the session?", "Really?", default_yes=True)
    assert seen == [True]


def test_a_question_takes_no_key_in_its_first_moment(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(prompts, "SETTLE_MS", 300)
    parent = QWidget()
    qtbot.addWidget(parent)
    seen: list[bool] = []

    def press_twice(box: QMessageBox) -> None:
        target = box.focusWidget() or box
        press(target, Qt.Key.Key_Return, "\r")  # hurried
        seen.append(box.isVisible())
        qtbot.wait(400)
        press(target, Qt.Key.Key_Return, "\r")

    answer_when_open(press_twice)
    assert real_confirm(parent, "End the session?", "Really?", default_yes=True)
    assert seen == [True]


def test_a_question_takes_repeats_of_a_key_pressed_after_it_opened(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(prompts, "SETTLE_MS", 50)
    parent = QWidget()
    qtbot.addWidget(parent)

    def press_shift_then_hold_escape(box: QMessageBox) -> None:
        qtbot.wait(100)
        target = box.focusWidget() or box
        press(target, Qt.Key.Key_Shift)
        send(target, QEvent.Type.KeyPress, Qt.Key.Key_Escape, "", True)

    answer_when_open(press_shift_then_hold_escape)
    assert not real_confirm(parent, "Quit?", "Really?", default_yes=True)


# -- what X11 sends -----------------------------------------------------------------


def stamped(kind: QEvent.Type, key: Qt.Key, at: int, repeat: bool = False) -> QKeyEvent:
    event = QKeyEvent(kind, key, NONE, "", repeat)
    event.setTimestamp(at)
    return event


def test_a_press_at_the_moment_of_its_release_is_a_repeat() -> None:
    repeats = KeyRepeats()
    release, press_ = QEvent.Type.KeyRelease, QEvent.Type.KeyPress
    assert repeats.is_repeat(stamped(press_, Qt.Key.Key_Return, 1000, repeat=True))
    assert not repeats.is_repeat(stamped(press_, Qt.Key.Key_Return, 1000))
    repeats.note_release(stamped(release, Qt.Key.Key_Return, 1500))
    assert repeats.is_repeat(stamped(press_, Qt.Key.Key_Return, 1500))  # X11's late pair
    assert repeats.is_repeat(stamped(press_, Qt.Key.Key_Return, 1500 + SAME_MOMENT_MS))
    assert not repeats.is_repeat(stamped(press_, Qt.Key.Key_Return, 1600))  # a new press
    assert not repeats.is_repeat(stamped(press_, Qt.Key.Key_Space, 1500))  # another key
    repeats.note_release(stamped(release, Qt.Key.Key_Return, 1700, repeat=True))
    assert not repeats.is_repeat(stamped(press_, Qt.Key.Key_Return, 1700))
    # Events made up without a time (tests, tools) are taken as they are marked.
    repeats.note_release(stamped(release, Qt.Key.Key_Return, 0))
    assert not repeats.is_repeat(stamped(press_, Qt.Key.Key_Return, 0))


def test_a_held_shortcut_runs_its_command_once_even_unmarked(
    qtbot: QtBot, make_window: Callable[..., MainWindow], monkeypatch: pytest.MonkeyPatch
) -> None:
    window = make_window()
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    toggled: list[bool] = []
    monkeypatch.setattr(window, "toggle_floor_mode", lambda: toggled.append(True))
    handle = window.windowHandle()
    assert handle is not None
    # Through the window system, as X11 delivers a repeat it failed to mark: the
    # release and the press of a pair a moment apart, neither marked. (Widened
    # here so that a slow machine cannot split the pair.)
    monkeypatch.setattr("psoas_timer.ui.held_keys.SAME_MOMENT_MS", 60_000)
    QTest.keyPress(handle, Qt.Key.Key_F11)
    QTest.keyRelease(handle, Qt.Key.Key_F11)
    QTest.keyPress(handle, Qt.Key.Key_F11)
    QTest.keyRelease(handle, Qt.Key.Key_F11)
    assert toggled == [True]
    monkeypatch.setattr("psoas_timer.ui.held_keys.SAME_MOMENT_MS", -1)
    QTest.keyClick(handle, Qt.Key.Key_F11)  # pressed again later
    assert toggled == [True, True]


def test_the_end_question_is_readable_in_floor_mode(
    qtbot: QtBot, make_window: Callable[..., MainWindow], monkeypatch: pytest.MonkeyPatch
) -> None:
    window = make_window(FakeClock(), QUICK_SETTINGS.with_changes(floor_mode=True))
    window.show()
    qtbot.waitExposed(window)
    start_session(window, "ql-claw", "left")
    monkeypatch.setattr(prompts, "confirm", real_confirm)
    ratios: list[float] = []

    def read(box: QMessageBox) -> None:
        label = next(w for w in box.findChildren(QLabel) if "End the session now" in w.text())
        text = label.palette().color(label.foregroundRole()).name()
        paper = box.palette().color(box.backgroundRole()).name()
        ratios.append(contrast_ratio(text, paper))
        box.reject()

    answer_when_open(read)
    press(window, Qt.Key.Key_Escape)
    engine = window.session.engine
    assert engine is not None and engine.running  # answered "no"
    engine.end()  # before pytest-qt closes the window, which would ask for real
    assert ratios and ratios[0] >= 4.5, ratios


# -- a presenter clicker: PageDown, PageUp, and B or "." for its blank-screen key --


@pytest.mark.parametrize("late", [False, True], ids=["marked", "x11-late"])
def test_a_held_clicker_forward_goes_on_one_step_on_every_page(
    session: Session, late: bool
) -> None:
    window = session.window
    seen: set[StepKind] = set()
    while session.engine.running:
        kind = session.engine.step.kind
        seen.add(kind)
        before = session.engine.index
        # At "More pressure?" forward says yes, level after level, and the last
        # level offers one more set for ever: the back button comes off the tool.
        key = Qt.Key.Key_PageUp if kind is StepKind.QUESTION else Qt.Key.Key_PageDown
        press(window, key)
        if not session.engine.running:
            break
        assert session.engine.index == before + 1, session.engine.step
        repeat(window, key, late=late)
        assert session.engine.index == before + 1, session.engine.step
    assert {StepKind.COUNTDOWN, StepKind.RATING, StepKind.SET, StepKind.QUESTION} <= seen
    assert SessionFinished in session.take()
    # Once over, the clicker does not take the summary away; Enter does.
    left: list[bool] = []
    window.session.leave_requested.connect(lambda: left.append(True))
    press(window, Qt.Key.Key_PageDown)
    repeat(window, Qt.Key.Key_PageDown)
    assert left == [] and window.stack.currentWidget() is window.session
    press(window, Qt.Key.Key_Return, "\r")
    assert left == [True]


def test_a_held_clicker_back_backs_off_one_level(session: Session) -> None:
    go_to(session, StepKind.SET, level=2)
    press(session.window, Qt.Key.Key_PageUp)
    assert session.take() == [SetFinished, BackedOff, StepStarted]
    assert session.engine.step.level == 1
    repeat(session.window, Qt.Key.Key_PageUp, late=True)
    repeat(session.window, Qt.Key.Key_PageUp)
    assert session.take() == []
    assert session.engine.step.level == 1


@pytest.mark.parametrize(("key", "text"), [(Qt.Key.Key_B, "b"), (Qt.Key.Key_Period, ".")])
def test_a_held_clicker_blank_key_pauses_once(session: Session, key: Qt.Key, text: str) -> None:
    go_to(session, StepKind.SET)
    press(session.window, key, text)
    assert session.take() == [Paused]
    repeat(session.window, key, text, late=True)
    assert session.take() == []
    press(session.window, key, text)
    assert session.take() == [Resumed]


def test_clicker_keys_by_qtbot_reach_the_session_from_the_rating_page(
    qtbot: QtBot, session: Session
) -> None:
    go_to(session, StepKind.RATING)
    qtbot.keyClick(session.window, Qt.Key.Key_PageDown)
    assert session.engine.step.kind is StepKind.SET
    qtbot.keyClick(session.window, Qt.Key.Key_B)
    assert session.take()[-1] is Paused
    qtbot.keyClick(session.window, Qt.Key.Key_Period)
    assert session.take()[-1] is Resumed
