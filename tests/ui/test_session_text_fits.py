"""Every word of a step is on screen: long instructions shrink instead of running off."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QFontMetrics
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from psoas_timer.core.clock import FakeClock
from psoas_timer.core.engine import State
from psoas_timer.core.plan import StepKind
from psoas_timer.ui.main_window import MainWindow
from psoas_timer.ui.widgets.fitted_label import FittedLabel
from tests.helpers import QUICK_SETTINGS
from tests.qt_helpers import start_session


def test_a_long_text_takes_the_largest_size_that_fits(qtbot: QtBot) -> None:
    label = FittedLabel()
    qtbot.addWidget(label)
    label.resize(300, 600)
    label.set_fit(10, 24, 200, bold=False)
    label.setText("A few words.")
    assert label.font().pixelSize() == 24  # short: as large as allowed
    label.setText(" ".join(["Ease your hips gently forward."] * 12))
    size = label.font().pixelSize()
    assert 10 < size < 24
    assert label.needed_height(size, 300) <= 200 < label.needed_height(size + 1, 300)
    label.setText("A few words.")
    assert label.font().pixelSize() == 24  # and back


@pytest.mark.parametrize("size", [(1280, 800), (1024, 640)])
def test_every_step_of_a_session_with_stretches_shows_all_its_words(
    qtbot: QtBot, make_window: Callable[..., MainWindow], size: tuple[int, int]
) -> None:
    window = make_window(FakeClock(), QUICK_SETTINGS.with_changes(stretches=True))
    window.resize(*size)
    window.show()
    qtbot.waitExposed(window)
    start_session(window, "ql-claw", "left")
    page = window.session
    engine = page.engine
    assert engine is not None
    label = page.instruction
    checked = 0
    while engine.state is not State.FINISHED:
        qtbot.wait(1)  # let the layout settle
        QTest.qWait(0)
        if label.isVisible() and label.text():
            width = label.contentsRect().width()
            wrapped = QRect(0, 0, width, 1_000_000)
            flags = int(Qt.TextFlag.TextWordWrap.value)
            needed = QFontMetrics(label.font()).boundingRect(wrapped, flags, label.text()).height()
            assert needed <= label.height(), (engine.step.title, needed, label.height())
            assert label.mapTo(page, label.rect().bottomLeft()).y() <= page.height()
            checked += 1
        key = Qt.Key.Key_Left if engine.step.kind is StepKind.QUESTION else Qt.Key.Key_Return
        QTest.keyClick(page, key)
    assert checked >= 5
