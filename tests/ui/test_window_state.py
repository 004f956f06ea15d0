"""The window comes back at the size and place it was closed at."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from psoas_timer.ui.main_window import MainWindow
from psoas_timer.ui.window_state import DEFAULT_SIZE, restore_geometry, save_geometry


def test_a_saved_size_comes_back(qtbot: QtBot, tmp_path: Path) -> None:
    path = tmp_path / "window.json"
    first = QWidget()
    qtbot.addWidget(first)
    first.resize(700, 500)  # inside the 800 × 600 offscreen screen
    save_geometry(first, path)
    again = QWidget()
    qtbot.addWidget(again)
    restore_geometry(again, path)
    assert (again.width(), again.height()) == (700, 500)


@pytest.mark.parametrize("content", [None, "", "{}", '{"geometry": 3}', '{"geometry": "bm90"}'])
def test_a_missing_or_damaged_file_gives_the_default_size(
    qtbot: QtBot, tmp_path: Path, content: str | None
) -> None:
    path = tmp_path / "window.json"
    if content is not None:
        path.write_text(content, "utf-8")
    window = QWidget()
    qtbot.addWidget(window)
    restore_geometry(window, path)
    assert (window.width(), window.height()) == DEFAULT_SIZE


def test_a_size_that_cannot_be_saved_is_only_logged(
    qtbot: QtBot, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    window = QWidget()
    qtbot.addWidget(window)
    not_a_folder = tmp_path / "file"
    not_a_folder.write_text("", "utf-8")
    save_geometry(window, not_a_folder / "window.json")
    assert "window size not saved" in caplog.text


def test_the_window_keeps_its_size_but_not_the_floor_modes_full_screen(
    make_window: Callable[..., MainWindow],
) -> None:
    window = make_window()
    window.resize(780, 560)
    window.shutdown()
    assert make_window().size() == window.size()
    path = window.paths.window_state
    path.unlink()
    window.set_floor_mode(True)
    window.shutdown()
    assert not path.exists()
    window.set_floor_mode(False)
