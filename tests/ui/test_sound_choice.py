"""The breath sounds chosen in Settings, and the sound output held open for a session."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from psoas_timer.core.clock import FakeClock
from psoas_timer.core.cue_sounds import CUE_THEMES, CueTheme
from psoas_timer.core.plan import StepKind
from psoas_timer.services.sound import CuePlayer
from psoas_timer.ui.dialogs.settings import SettingsDialog
from psoas_timer.ui.main_window import MainWindow
from tests.helpers import QUICK_SETTINGS
from tests.qt_helpers import start_session


class HeardPairs(CuePlayer):
    """A real cue player that also notes every pair the Test button asks for."""

    def __init__(self, folder: Path) -> None:
        super().__init__(folder)
        self.pairs: list[tuple[CueTheme, float]] = []

    def play_pair(self, theme: CueTheme, volume: float) -> None:
        self.pairs.append((theme, volume))
        super().play_pair(theme, volume)


def test_the_test_button_plays_the_theme_shown_at_the_volume_shown(
    qtbot: QtBot, tmp_path: Path
) -> None:
    cues = HeardPairs(tmp_path)
    dialog = SettingsDialog(QUICK_SETTINGS, cues=cues)
    qtbot.addWidget(dialog)
    assert dialog.test_sound.isEnabled()
    labels = [dialog.cue_theme.itemText(i) for i in range(dialog.cue_theme.count())]
    assert labels == [cue_set.label for cue_set in CUE_THEMES.values()]
    dialog.cue_theme.setCurrentIndex(dialog.cue_theme.findData("wood"))
    dialog.volume.setValue(40)
    QTest.mouseClick(dialog.test_sound, Qt.MouseButton.LeftButton)
    assert cues.pairs == [("wood", 0.4)]
    # Trying a sound is not choosing it.
    dialog.reject()
    assert cues.theme == QUICK_SETTINGS.cue_theme


def test_without_a_cue_player_there_is_nothing_to_test(qtbot: QtBot) -> None:
    dialog = SettingsDialog(QUICK_SETTINGS)
    qtbot.addWidget(dialog)
    assert not dialog.test_sound.isEnabled()
    dialog.play_test_pair()  # and nothing fails if it is asked anyway


def test_the_chosen_theme_is_what_the_window_plays(
    make_window: Callable[..., MainWindow],
) -> None:
    window = make_window(settings=QUICK_SETTINGS.with_changes(cue_theme="wood"))
    assert window.cues.theme == "wood"
    window.update_settings(window.settings.with_changes(cue_theme="bowl"))
    assert window.cues.theme == "bowl"


def test_the_output_is_held_open_from_a_sessions_start_to_its_end(
    make_window: Callable[..., MainWindow],
) -> None:
    window = make_window(FakeClock())
    assert not window.cues.held_for_session
    start_session(window, "ql-claw", "left")
    engine = window.session.engine
    assert engine is not None and window.cues.held_for_session
    while engine.step.kind is not StepKind.SET:
        window.session.next_step()
    window.session.toggle_pause()  # a pause is still the session
    assert window.cues.held_for_session
    engine.end()
    assert not window.cues.held_for_session
    # And a session stopped from outside (the window closing) lets go too.
    start_session(window, "ql-claw", "left")
    assert window.cues.held_for_session
    window.session.stop()
    assert not window.cues.held_for_session
