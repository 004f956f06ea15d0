"""The settings dialog's weekly plan and its calendar file."""

from __future__ import annotations

import errno
from datetime import UTC, datetime
from pathlib import Path

import pytest
from PySide6.QtCore import QTime
from PySide6.QtWidgets import QDialogButtonBox
from pytestqt.qtbot import QtBot

from psoas_timer.core.settings import Settings
from psoas_timer.ui.dialogs import plan_box
from psoas_timer.ui.dialogs.plan_box import NO_DAY
from psoas_timer.ui.dialogs.settings import SettingsDialog
from tests.helpers import QUICK_SETTINGS

NOW = datetime(2026, 12, 2, 3, 0, tzinfo=UTC)


@pytest.fixture
def dialog(qtbot: QtBot) -> SettingsDialog:
    made = SettingsDialog(QUICK_SETTINGS, wall=lambda: NOW)
    qtbot.addWidget(made)
    return made


def answer_save(monkeypatch: pytest.MonkeyPatch, path: Path | str) -> list[str]:
    warned: list[str] = []
    monkeypatch.setattr(
        "psoas_timer.ui.prompts.choose_save_file", lambda *args: (str(path), "Calendar files")
    )
    monkeypatch.setattr("psoas_timer.ui.prompts.warn", lambda _p, _t, text: warned.append(text))
    return warned


def test_the_plan_is_off_by_default_and_the_dialog_says_so(dialog: SettingsDialog) -> None:
    assert not dialog.plan.isChecked()
    assert not dialog.plan.days["mon"].isEnabled()  # greyed out while off
    assert dialog.plan.note.text().startswith("Off.")
    assert dialog.result_settings().reminders is False
    assert [box.accessibleName() for box in dialog.plan.days.values()][:2] == [
        "Monday",
        "Tuesday",
    ]


def test_a_plan_with_no_day_cannot_be_saved(dialog: SettingsDialog) -> None:
    dialog.plan.setChecked(True)
    for box in dialog.plan.days.values():
        box.setChecked(False)
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert ok is not None and not ok.isEnabled()
    assert dialog.plan.note.text() == NO_DAY
    assert not dialog.plan.calendar.isEnabled()
    dialog.plan.days["thu"].setChecked(True)
    assert ok.isEnabled()
    assert dialog.result_settings().reminder_days == ("thu",)


def test_the_calendar_file_is_written_from_the_plan_as_shown(
    dialog: SettingsDialog, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    dialog.plan.setChecked(True)
    dialog.plan.days["mon"].setChecked(False)
    dialog.plan.time.setTime(QTime(7, 15))
    warned = answer_save(monkeypatch, tmp_path / "plan")  # no suffix given
    saved = dialog.plan.save_calendar()
    assert warned == []
    assert saved == tmp_path / "plan.ics"
    content = saved.read_bytes()
    assert b"RRULE:FREQ=WEEKLY;BYDAY=WE,FR\r\n" in content
    assert b"DTSTART:20261202T071500\r\n" in content
    assert "Saved plan.ics" in dialog.plan.note.text()


@pytest.mark.parametrize(
    ("failure", "advice"),
    [
        (OSError(errno.ENOSPC, "No space left on device"), "The disk is full"),
        (OSError(errno.EROFS, "Read-only file system"), "cannot be written to"),
    ],
)
def test_a_full_or_read_only_disk_is_explained(
    dialog: SettingsDialog,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    failure: OSError,
    advice: str,
) -> None:
    def refuse(*_args: object, **_kwargs: object) -> None:
        raise failure

    monkeypatch.setattr(plan_box, "atomic_write", refuse)
    dialog.plan.setChecked(True)
    warned = answer_save(monkeypatch, tmp_path / "plan.ics")
    assert dialog.plan.save_calendar() is None
    assert len(warned) == 1
    assert str(tmp_path / "plan.ics") in warned[0]
    assert advice in warned[0]
    assert failure.strerror is not None and failure.strerror in warned[0]


def test_a_folder_that_is_not_there_is_explained_and_nothing_is_made(
    dialog: SettingsDialog, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    dialog.plan.setChecked(True)
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    warned = answer_save(monkeypatch, blocker / "plan.ics")
    assert dialog.plan.save_calendar() is None
    assert len(warned) == 1 and "could not be saved" in warned[0]
    assert blocker.read_text() == "x"


def test_cancelling_the_file_chooser_writes_nothing(
    dialog: SettingsDialog, monkeypatch: pytest.MonkeyPatch
) -> None:
    dialog.plan.setChecked(True)
    warned = answer_save(monkeypatch, "")
    assert dialog.plan.save_calendar() is None
    assert warned == []


def test_restore_defaults_turns_the_plan_off(dialog: SettingsDialog) -> None:
    dialog.plan.setChecked(True)
    dialog.plan.days["sun"].setChecked(True)
    dialog.show_settings(Settings.defaults())
    shown = dialog.result_settings()
    assert (shown.reminders, shown.reminder_days, shown.reminder_time) == (
        False,
        ("mon", "wed", "fri"),
        "19:00",
    )
