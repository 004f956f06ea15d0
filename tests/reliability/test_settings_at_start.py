"""A hostile settings file never stops the app: it starts, says what was reset, keeps the rest."""

from __future__ import annotations

import codecs
import json
from dataclasses import asdict
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot

from psoas_timer import paths as app_paths
from psoas_timer.core.settings import Settings, save_settings
from psoas_timer.ui.main_window import MainWindow
from tests.qt_helpers import close_after_run

GOOD = Settings(theme="dark", volume=35, breaths=12, sound=False, safety_acknowledged=True)


def start_app(
    where: app_paths.Paths, monkeypatch: pytest.MonkeyPatch
) -> tuple[Settings, list[str]]:
    """Run the app's own start (``application.run``) until its last start-up step, once
    the window is on screen; return what it has.

    Returns the settings the window was built with and every warning shown.
    """
    from psoas_timer.ui import application

    told: list[str] = []

    def warning(parent: object, title: str, text: str, *args: object) -> object:
        told.append(text)
        return QMessageBox.StandardButton.Ok

    monkeypatch.setattr("psoas_timer.ui.application.QMessageBox.warning", warning)
    monkeypatch.setattr(MainWindow, "show_safety", lambda self, first_run: True)
    monkeypatch.setattr(MainWindow, "offer_recovery", lambda self: None, raising=False)
    windows: list[MainWindow] = []

    def note_the_window_and_stop() -> None:
        windows.extend(w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow))
        QApplication.quit()

    # The last question a start asks, after its warnings.
    monkeypatch.setattr(MainWindow, "offer_next_day_check", lambda self: note_the_window_and_stop())
    try:
        assert application.run(where, None, False, 1.0, lambda: 0.0) == 0
    finally:
        close_after_run(windows)
    (window,) = windows
    return window.settings, told


def settings_text(**changes: object) -> bytes:
    return json.dumps({"version": 1, **asdict(GOOD), **changes}).encode()


CASES: dict[str, tuple[bytes, dict[str, Any], str]] = {
    "nested 100,000 deep": (b"[" * 100_000 + b"]" * 100_000, {}, "over 64 KB"),
    "nested 20,000 deep": (b'{"a":' + b"[" * 20_000 + b"]" * 20_000 + b"}", {}, "too deeply"),
    "5,000-digit number": (
        settings_text(volume="__LONG__").replace(b'"__LONG__"', b"7" * 5000),
        {"volume": Settings().volume},
        "volume (expected a whole number from 0 to 100, got a number 5,000 digits long)",
    ),
    "wrong types": (
        settings_text(theme=["dark"], breaths="twelve"),
        {"theme": Settings().theme, "breaths": Settings().breaths},
        "breaths (expected a whole number",
    ),
    "invalid UTF-8": (settings_text()[:-2] + b"\xe9}", {}, "not UTF-8 text"),
    "megabytes long": (settings_text(note="x" * 4_000_000), {}, "over 64 KB"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_the_app_starts_with_what_was_good_and_names_what_was_reset(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, case: str
) -> None:
    content, resets, said = CASES[case]
    where = app_paths.paths_under(tmp_path / "app")
    where.ensure()
    where.settings.write_bytes(content)
    settings, told = start_app(where, monkeypatch)
    (message,) = told
    assert said in message, message
    aside = list(where.config.glob("settings.json.corrupt-*"))
    assert len(aside) == 1 and aside[0].read_bytes() == content
    assert str(aside[0]) in message
    if resets:
        assert settings == GOOD.with_changes(**resets)
    else:
        assert settings == Settings.defaults()


def test_a_settings_file_with_a_byte_order_mark_keeps_every_setting_at_start(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    where = app_paths.paths_under(tmp_path / "app")
    where.ensure()
    save_settings(where.settings, GOOD)
    content = codecs.BOM_UTF8 + where.settings.read_bytes()
    where.settings.write_bytes(content)
    settings, told = start_app(where, monkeypatch)
    assert settings == GOOD
    assert told == []
    assert not list(where.config.glob("settings.json.corrupt-*"))
