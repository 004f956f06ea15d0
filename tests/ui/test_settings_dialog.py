"""The settings dialog: every setting round-trips, bad breath patterns are refused."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import asdict, fields

import pytest
from PySide6.QtCore import Qt, QTime, QTimer
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QMessageBox
from pytestqt.qtbot import QtBot

from psoas_timer import paths
from psoas_timer.core.clock import FakeClock
from psoas_timer.core.pacing import LIMITS, BreathPattern, pace, ring_fraction
from psoas_timer.core.settings import Settings, load_settings, save_settings
from psoas_timer.core.vocab import BREATHS_LIMITS
from psoas_timer.core.voices import VoiceOption
from psoas_timer.ui.dialogs.settings import SettingsDialog
from psoas_timer.ui.main_window import MainWindow
from psoas_timer.ui.theme import DARK, LIGHT
from tests.helpers import QUICK_SETTINGS
from tests.qt_helpers import close_after_run

# Every setting the dialog edits, with a value unlike both the defaults and the
# settings the test windows start with.
CHANGED = Settings(
    inhale=5.0,
    hold_in=1.5,
    exhale=7.5,
    hold_out=0.5,
    breaths=12,
    countdown=45,
    transition=10,
    sides="right",
    stretches=False,
    sound=True,
    voice=True,
    volume=35,
    floor_mode=True,
    theme="dark",
    units="in",
    safety_acknowledged=True,
    reminders=True,
    reminder_days=("tue", "sat"),
    reminder_time="06:45",
    cue_theme="bowl",
    hands_free=True,
    pressure_minutes=9,
    language="de",
    voice_name="English (America)",
    voice_locale="en_US",
    voice_rate=-0.3,
)
EDITABLE = [f.name for f in fields(Settings) if f.name != "safety_acknowledged"]


def fill_in(dialog: SettingsDialog, settings: Settings) -> None:
    """Set every control the way a person would: spin boxes typed, boxes clicked."""
    for name, box in dialog.pattern_boxes.items():
        box.setValue(getattr(settings, name))
    dialog.breaths.setValue(settings.breaths)
    dialog.countdown.setValue(settings.countdown)
    dialog.transition.setValue(settings.transition)
    dialog.pressure_minutes.setValue(settings.pressure_minutes)
    dialog.sides.setCurrentIndex(dialog.sides.findData(settings.sides))
    for check, wanted in (
        (dialog.hands_free, settings.hands_free),
        (dialog.stretches, settings.stretches),
        (dialog.sound, settings.sound),
        (dialog.voice, settings.voice),
        (dialog.floor_mode, settings.floor_mode),
    ):
        if check.isChecked() != wanted:
            check.click()
    dialog.volume.setValue(settings.volume)
    dialog.theme.setCurrentIndex(dialog.theme.findData(settings.theme))
    dialog.units.setCurrentIndex(dialog.units.findData(settings.units))
    # The days and time can be changed only while the plan is on, as for a person.
    dialog.plan.setChecked(True)
    for day, tick in dialog.plan.days.items():
        if tick.isChecked() != (day in settings.reminder_days):
            tick.click()
    hour, minute = settings.reminder_time.split(":")
    dialog.plan.time.setTime(QTime(int(hour), int(minute)))
    dialog.plan.setChecked(settings.reminders)
    dialog.cue_theme.setCurrentIndex(dialog.cue_theme.findData(settings.cue_theme))
    dialog.language.setCurrentIndex(dialog.language.findData(settings.language))
    # What the speech engine offers, as it would answer when the tab is shown.
    dialog.voice_box.show_voices([VoiceOption("en_US", "English (America)")])
    voices = dialog.voice_box
    voices.choice.setCurrentIndex(voices.choice.findData(settings.voice_name))
    voices.language.setCurrentIndex(voices.language.findData(settings.voice_locale))
    voices.rate.setValue(round(settings.voice_rate * 10))


def as_saved(value: object) -> object:
    """``value`` as the settings file holds it (a tuple of weekdays is a list there)."""
    return json.loads(json.dumps(value))


def fill_in_and(
    settings: Settings, button: QDialogButtonBox.StandardButton
) -> Callable[[SettingsDialog], None]:
    def act(dialog: SettingsDialog) -> None:
        fill_in(dialog, settings)
        click(dialog, button)

    return act


def in_settings_dialog(window: MainWindow, action: Callable[[SettingsDialog], None]) -> None:
    """Open Settings from the window and run ``action`` on the modal dialog.

    Whatever goes wrong, the dialog is closed, so a failing test never hangs.
    """
    errors: list[BaseException] = []

    def act() -> None:
        dialog = QApplication.activeModalWidget()
        try:
            assert isinstance(dialog, SettingsDialog), dialog
            action(dialog)
        except BaseException as exc:
            errors.append(exc)
        finally:
            if isinstance(dialog, SettingsDialog) and dialog.isVisible():
                dialog.reject()

    QTimer.singleShot(0, act)
    window.open_settings()
    if errors:
        raise errors[0]


def click(dialog: SettingsDialog, which: QDialogButtonBox.StandardButton) -> None:
    button = dialog.buttons.button(which)
    assert button is not None
    button.click()


def settings_file(where: paths.Paths) -> dict[str, object]:
    data = json.loads(where.settings.read_text("utf-8"))
    assert isinstance(data, dict)
    return data


def test_every_setting_round_trips_and_is_saved(
    make_window: Callable[..., MainWindow], private_paths: paths.Paths
) -> None:
    window = make_window()
    assert window.settings == QUICK_SETTINGS
    in_settings_dialog(
        window,
        fill_in_and(CHANGED, QDialogButtonBox.StandardButton.Ok),
    )
    assert window.settings == CHANGED
    saved = settings_file(private_paths)
    for name in EDITABLE:
        assert saved[name] == as_saved(getattr(CHANGED, name)), name
    assert load_settings(private_paths.settings) == (CHANGED, None)
    # Only the owner can read it, and no half-written temporary file is left.
    assert private_paths.settings.stat().st_mode & 0o777 == 0o600
    assert [p.name for p in private_paths.settings.parent.iterdir() if p.suffix == ".tmp"] == []
    # Open again: the dialog shows what was saved, control by control.
    shown: list[Settings] = []
    in_settings_dialog(window, lambda d: shown.append(d.result_settings()))
    assert shown == [CHANGED]
    # The new settings are in force: the dark palette, the breath pattern, the volume.
    assert window.session.colours == DARK
    assert window.settings.plan_options().pattern == BreathPattern(5.0, 1.5, 7.5, 0.5)


@pytest.mark.parametrize("name", EDITABLE)
def test_each_setting_alone_reaches_the_file(
    name: str, make_window: Callable[..., MainWindow], private_paths: paths.Paths
) -> None:
    window = make_window()
    wanted = QUICK_SETTINGS.with_changes(**{name: getattr(CHANGED, name)})
    assert wanted != QUICK_SETTINGS
    in_settings_dialog(window, fill_in_and(wanted, QDialogButtonBox.StandardButton.Ok))
    assert settings_file(private_paths)[name] == as_saved(getattr(CHANGED, name))
    assert window.settings == wanted


def test_cancel_changes_nothing(
    make_window: Callable[..., MainWindow], private_paths: paths.Paths
) -> None:
    window = make_window()
    save_settings(private_paths.settings, QUICK_SETTINGS)
    before = private_paths.settings.read_bytes()
    stamp = private_paths.settings.stat().st_mtime_ns
    in_settings_dialog(
        window,
        fill_in_and(CHANGED, QDialogButtonBox.StandardButton.Cancel),
    )
    assert window.settings == QUICK_SETTINGS
    assert private_paths.settings.read_bytes() == before
    assert private_paths.settings.stat().st_mtime_ns == stamp
    assert window.session.colours == LIGHT


def test_escape_is_cancel(qtbot: QtBot, make_window: Callable[..., MainWindow]) -> None:
    window = make_window()

    def escape(dialog: SettingsDialog) -> None:
        fill_in(dialog, CHANGED)
        qtbot.keyClick(dialog, Qt.Key.Key_Escape)
        assert not dialog.isVisible()

    in_settings_dialog(window, escape)
    assert window.settings == QUICK_SETTINGS


def test_a_failed_save_keeps_the_old_file_whole(
    make_window: Callable[..., MainWindow],
    private_paths: paths.Paths,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    window = make_window()
    save_settings(private_paths.settings, QUICK_SETTINGS)
    before = private_paths.settings.read_bytes()

    def disk_full(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", disk_full)
    in_settings_dialog(window, fill_in_and(CHANGED, QDialogButtonBox.StandardButton.Ok))
    monkeypatch.undo()
    assert private_paths.settings.read_bytes() == before
    assert list(private_paths.settings.parent.glob("*.tmp")) == []
    assert "could not be saved" in window.statusBar().currentMessage()
    assert window.settings == CHANGED  # in force until the app quits


def test_restore_defaults_resets_every_setting(qtbot: QtBot) -> None:
    dialog = SettingsDialog(CHANGED, clock=FakeClock())
    qtbot.addWidget(dialog)
    click(dialog, QDialogButtonBox.StandardButton.RestoreDefaults)
    expected = Settings.defaults().with_changes(safety_acknowledged=True)
    assert dialog.result_settings() == expected


# -- breath pattern limits ----------------------------------------------------------


def test_the_controls_allow_exactly_the_pacing_limits(qtbot: QtBot) -> None:
    dialog = SettingsDialog(QUICK_SETTINGS, clock=FakeClock())
    qtbot.addWidget(dialog)
    for name, box in dialog.pattern_boxes.items():
        assert (box.minimum(), box.maximum()) == LIMITS[name], name
        low, high = LIMITS[name]
        assert f"{low:g} to {high:g} seconds" in box.toolTip()
    assert (dialog.breaths.minimum(), dialog.breaths.maximum()) == BREATHS_LIMITS


def ok_enabled(dialog: SettingsDialog) -> bool:
    button = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert button is not None
    return button.isEnabled()


def test_a_breath_too_short_overall_is_refused_with_the_limits(qtbot: QtBot) -> None:
    dialog = SettingsDialog(QUICK_SETTINGS, clock=FakeClock())
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.inhale.setValue(2.0)
    dialog.exhale.setValue(2.5)  # 4.5 s a breath: faster than the 6 s allowed
    assert not ok_enabled(dialog)
    note = dialog.pattern_note.text()
    assert "Not saved" in note and "6–15 s" in note and "4.5 s" in note
    assert LIGHT.warning in note  # shown in the theme's warning colour
    assert dialog.problem() is not None
    # Enter presses the default button, which is disabled: the dialog stays open.
    qtbot.keyClick(dialog, Qt.Key.Key_Return)
    assert dialog.isVisible() and dialog.result() == 0
    dialog.exhale.setValue(4.0)
    assert ok_enabled(dialog)
    assert "breaths a minute" in dialog.pattern_note.text()
    dialog.hold_in.setValue(4.0)
    dialog.hold_out.setValue(4.0)
    dialog.inhale.setValue(8.0)  # 20 s a breath: slower than the 15 s allowed
    assert not ok_enabled(dialog)
    assert "6–15 s" in dialog.pattern_note.text()
    dialog.reject()


def test_a_typed_value_outside_a_limit_is_refused_with_a_message(qtbot: QtBot) -> None:
    dialog = SettingsDialog(QUICK_SETTINGS, clock=FakeClock())
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    box = dialog.inhale
    box.selectAll()
    qtbot.keyClicks(box, "1")  # below the 2 s minimum; the box cannot hold it
    assert not box.hasAcceptableInput()
    assert not ok_enabled(dialog)
    assert "Breathe in must be between 2 and 8 s" in dialog.pattern_note.text()
    qtbot.keyClicks(box, "2")  # "12": more than the box accepts at all
    assert box.value() == QUICK_SETTINGS.inhale
    # Leaving the box (which interprets the text) snaps to the nearest allowed
    # value, and the message goes.
    box.interpretText()
    assert box.hasAcceptableInput()
    assert box.value() == 2.0
    assert ok_enabled(dialog)
    assert "Not saved" not in dialog.pattern_note.text()
    dialog.reject()


def test_the_preview_ring_follows_the_edited_pattern(qtbot: QtBot) -> None:
    clock = FakeClock()
    dialog = SettingsDialog(QUICK_SETTINGS, clock=clock)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.inhale.setValue(3.0)
    dialog.hold_in.setValue(2.0)
    dialog.exhale.setValue(5.0)
    pattern = BreathPattern(3.0, 2.0, 5.0, 0.0)
    colours = {"Inhale": LIGHT.inhale, "Hold": LIGHT.hold, "Exhale": LIGHT.exhale}
    for at, word in ((0.5, "Inhale"), (2.9, "Inhale"), (4.0, "Hold"), (6.0, "Exhale")):
        clock.set(20.0 + at)  # whole breaths later: the preview repeats the breath
        dialog._tick()
        expected = ring_fraction(pace(pattern, 1, at))
        assert dialog.ring.fraction == pytest.approx(expected), at
        assert dialog.ring._word == word
        assert dialog.ring._colour.name().upper() == colours[word].upper()
    # A pattern that is refused leaves the preview where it was.
    before = dialog.ring.fraction
    dialog.exhale.setValue(2.0)
    dialog.inhale.setValue(2.0)
    dialog.hold_in.setValue(0.0)
    clock.advance(1.3)
    dialog._tick()
    assert dialog.ring.fraction == before
    dialog.reject()
    assert not dialog._timer.isActive()


# -- a damaged settings file ----------------------------------------------------------


def test_a_corrupt_settings_file_is_set_aside_and_the_person_is_told(
    qtbot: QtBot, private_paths: paths.Paths, monkeypatch: pytest.MonkeyPatch
) -> None:
    from psoas_timer.ui import application

    private_paths.ensure()
    private_paths.settings.write_text('{"inhale": 4.0, "breaths": ', "utf-8")
    told: list[str] = []
    windows: list[MainWindow] = []

    def warning(parent: object, title: str, text: str, *args: object) -> object:
        told.append(text)
        assert isinstance(parent, MainWindow)
        windows.append(parent)
        QTimer.singleShot(0, QApplication.quit)
        return QMessageBox.StandardButton.Ok

    monkeypatch.setattr(QMessageBox, "warning", warning)
    # The first-run safety notice and anything else queued at start-up is not
    # what this test is about.
    monkeypatch.setattr(MainWindow, "show_safety", lambda self, first_run: True)
    monkeypatch.setattr(MainWindow, "offer_recovery", lambda self: None, raising=False)
    give_up = QTimer()  # never hang, whatever happens
    give_up.setSingleShot(True)
    give_up.timeout.connect(QApplication.quit)
    give_up.start(10_000)
    try:
        application.run(private_paths, None, False, 1.0, lambda: 0.0)
    finally:
        give_up.stop()
        close_after_run(windows)
    assert len(told) == 1, told
    aside = list(private_paths.settings.parent.glob(f"{private_paths.settings.name}.corrupt-*"))
    assert len(aside) == 1
    assert str(aside[0]) in told[0] and "defaults" in told[0]
    assert aside[0].read_text("utf-8") == '{"inhale": 4.0, "breaths": '
    assert not private_paths.settings.exists()


def test_out_of_range_values_in_the_file_are_set_aside_too(private_paths: paths.Paths) -> None:
    private_paths.ensure()
    data = asdict(QUICK_SETTINGS) | {"inhale": 30.0}
    private_paths.settings.write_text(json.dumps(data), "utf-8")
    settings, message = load_settings(private_paths.settings)
    # Only the bad setting is reset; the others are kept and written back.
    assert settings == QUICK_SETTINGS.with_changes(inhale=Settings().inhale)
    assert message is not None and "inhale" in message and "corrupt-" in message
    assert load_settings(private_paths.settings) == (settings, None)
