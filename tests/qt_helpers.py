"""Qt pieces shared by the window tests and the reliability scripts (kept apart
from tests/helpers.py so the Qt-free tests never import Qt)."""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QAbstractAnimation, QObject, Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from psoas_timer.core.clock import FakeClock
from psoas_timer.core.plan import StepKind
from psoas_timer.ui.main_window import MainWindow


def active_timers(roots: Iterable[QObject]) -> list[str]:
    """Running QTimers and animations under ``roots``: what a finished test or session
    must never leave behind."""
    found: list[str] = []
    for root in roots:
        for obj in [root, *root.findChildren(QObject)]:
            if isinstance(obj, QTimer) and obj.isActive():
                found.append(f"QTimer {obj.objectName()!r} in {type(obj.parent()).__name__}")
            if (
                isinstance(obj, QAbstractAnimation)
                and obj.state() == QAbstractAnimation.State.Running
            ):
                found.append(f"animation in {type(obj.parent()).__name__}")
    return found


def start_session(window: MainWindow, tool: str = "ql-claw", sides: str = "both") -> None:
    """Open the tool's placement page, choose the sides and click Start, as a user does."""
    assert window.show_tool(tool)
    window.placement.side_buttons[sides].setChecked(True)
    QTest.mouseClick(window.placement.start, Qt.MouseButton.LeftButton)


def run_for(window: MainWindow, clock: FakeClock, seconds: float, step: float = 0.5) -> None:
    """Let ``seconds`` of session time pass on ``clock``, a frame every ``step``, as the
    window's frame timer would."""
    end = clock.now() + seconds
    while clock.now() < end:
        clock.advance(min(step, end - clock.now()))
        window.session.refresh()


def run_until(window: MainWindow, clock: FakeClock, kind: StepKind, limit: float = 120.0) -> float:
    """Let the session run on ``clock`` until a step of ``kind``; return the seconds taken.

    Steps that speak hold their countdown for their words (read on screen when
    the voice is off), so how long that takes is the narration's business.
    """
    engine = window.session.engine
    assert engine is not None
    began = clock.now()
    while engine.step.kind is not kind:
        assert clock.now() - began < limit, f"no {kind.value} within {limit:g} s"
        clock.advance(0.5)
        QApplication.processEvents()  # a voice reports the end of its words by a signal
        window.session.refresh()
    return clock.now() - began


def close_after_run(windows: Iterable[MainWindow]) -> None:
    """After ``application.run`` in a test: close the windows it made, and clear the
    "quit now" flag its loop's quit() leaves behind, which would end every later loop."""
    for window in windows:
        window.shutdown()
        window.close()
        window.deleteLater()
    QTimer.singleShot(0, QApplication.quit)
    QApplication.exec()
