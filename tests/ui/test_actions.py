"""The action table: menus, shortcuts on every platform, Help and the README all agree."""

from __future__ import annotations

import re
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence, QUndoCommand
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from psoas_timer.ui.actions import (
    ACTIONS,
    SESSION_KEYS,
    ActionSpec,
    hint_line,
    key_sequences,
    session_rows,
    window_rows,
)
from psoas_timer.ui.dialogs.keys import KeysDialog
from psoas_timer.ui.main_window import MainWindow

README = Path(__file__).resolve().parents[2] / "README.md"
NATIVE = QKeySequence.SequenceFormat.NativeText


def spec(action_id: str) -> ActionSpec:
    return next(s for s in ACTIONS if s.id == action_id)


def texts(sequences: list[QKeySequence]) -> list[str]:
    return [s.toString(QKeySequence.SequenceFormat.PortableText) for s in sequences]


def bound_shortcuts(window: MainWindow) -> dict[str, list[str]]:
    """Every shortcut of every action on the window, by action, as this platform writes it."""
    return {
        action.text(): [s.toString(NATIVE) for s in action.shortcuts()]
        for action in window.findChildren(QAction)
        if action.shortcuts()
    }


# -- the README ---------------------------------------------------------------


def readme_keyboard_section() -> str:
    text = README.read_text("utf-8")
    start = text.index("## Keyboard controls")
    return text[start : text.index("\n## ", start)]


def readme_table(section: str) -> list[tuple[str, str]]:
    rows = [
        tuple(cell.strip() for cell in line.strip().strip("|").split("|"))
        for line in section.splitlines()
        if line.startswith("|")
    ]
    header, rule, *body = rows
    assert header == ("key", "what it does") and set("".join(rule)) <= {"-", " "}
    assert all(len(row) == 2 for row in body), body
    return [(row[0], row[1]) for row in body]


def readme_anywhere(section: str) -> list[tuple[str, str]]:
    paragraph = section.split("\nAnywhere:", 1)[1].split("\n\n", 1)[0]
    line = " ".join(paragraph.split())
    assert line.endswith("."), line
    items: list[tuple[str, str]] = []
    for item in line.removesuffix(".").split(" · "):
        found = re.fullmatch(r"(\S+(?: or \S+)*) (.+)", item)
        assert found is not None, f"not 'keys what': {item!r}"
        items.append((found[1], found[2]))
    return items


def test_the_readme_lists_exactly_the_session_keys_of_the_table() -> None:
    assert readme_table(readme_keyboard_section()) == session_rows()


def test_the_readme_anywhere_line_lists_exactly_the_window_keys_of_the_table() -> None:
    listed = readme_anywhere(readme_keyboard_section())
    assert listed == window_rows()
    keys = [key for keys, _ in listed for key in keys.split(" or ")]
    for key in ("Ctrl+,", "Ctrl+T", "Ctrl+H", "Ctrl+E", "Ctrl+I", "Ctrl+Shift+S"):
        assert key in keys
    for key in ("Ctrl+Z", "Ctrl+Shift+Z", "Ctrl+Q", "F1", "F11"):
        assert key in keys
    assert "Ctrl+P" not in keys


def test_the_readme_parser_notices_a_difference() -> None:
    section = readme_keyboard_section()
    assert readme_anywhere(section.replace("Ctrl+H progress", "Ctrl+P progress")) != window_rows()
    assert readme_table(section.replace("| Space |", "| Tab |")) != session_rows()


def test_the_hint_line_names_session_keys_from_the_table() -> None:
    assert hint_line() == (
        "Enter or → next · Space pause · ← back off · R released · S stop · Esc end"
    )
    for row in SESSION_KEYS:
        assert (row.label in hint_line()) is bool(row.hint)


# -- the shortcuts as bound -------------------------------------------------------


def test_every_action_with_keys_is_bound_here_and_no_key_twice(
    make_window: Callable[..., MainWindow],
) -> None:
    window = make_window()
    seen: dict[str, str] = {}
    for each in ACTIONS:
        action = window.commands[each.id]
        if each.keys or each.standard is not None:
            assert action.shortcuts(), each.id
        for key in each.keys:
            assert QKeySequence(key) in action.shortcuts(), (each.id, key)
        for sequence in action.shortcuts():
            text = sequence.toString(NATIVE)
            # Qt runs neither of two actions that share a key.
            assert text not in seen, f"{text} is both {seen[text]} and {each.id}"
            seen[text] = each.id
        # A held key runs a command once.
        assert not action.autoRepeat(), each.id
    assert "Ctrl+P" not in seen


def test_standard_keys_missing_on_a_platform_fall_back_to_the_tables_keys(
    make_window: Callable[..., MainWindow], monkeypatch: pytest.MonkeyPatch
) -> None:
    def none(_key: QKeySequence.StandardKey) -> list[QKeySequence]:
        return []

    assert texts(key_sequences(spec("preferences"), none, "linux")) == ["Ctrl+,"]
    assert texts(key_sequences(spec("quit"), none, "win32")) == ["Ctrl+Q"]
    assert texts(key_sequences(spec("undo"), none, "darwin")) == ["Ctrl+Z"]
    assert texts(key_sequences(spec("redo"), none, "linux")) == ["Ctrl+Shift+Z"]
    assert texts(key_sequences(spec("redo"), none, "win32")) == ["Ctrl+Shift+Z", "Ctrl+Y"]
    # Where the platform has keys of its own they are added, never twice.
    windows = [QKeySequence("Ctrl+Y"), QKeySequence("Ctrl+Shift+Z")]
    assert texts(key_sequences(spec("redo"), lambda _k: windows, "win32")) == [
        "Ctrl+Shift+Z",
        "Ctrl+Y",
    ]
    # Keys only some keyboards have are left out (X11 adds Exit to Quit, F14 to Undo).
    x11 = [QKeySequence("Ctrl+Q"), QKeySequence(Qt.Key.Key_Exit), QKeySequence("F14")]
    assert texts(key_sequences(spec("quit"), lambda _k: x11, "linux")) == ["Ctrl+Q"]
    mac = [QKeySequence("Ctrl+,")]
    assert texts(key_sequences(spec("preferences"), lambda _k: mac, "darwin")) == ["Ctrl+,"]
    # A whole window on a platform with no standard keys at all.
    monkeypatch.setattr(QKeySequence, "keyBindings", none)
    window = make_window()
    assert texts(window.commands["preferences"].shortcuts()) == ["Ctrl+,"]
    assert texts(window.commands["quit"].shortcuts()) == ["Ctrl+Q"]
    assert texts(window.commands["undo"].shortcuts()) == ["Ctrl+Z"]
    assert texts(window.commands["redo"].shortcuts()) == ["Ctrl+Shift+Z"]


class _Recorded(QUndoCommand):
    def __init__(self, calls: list[str]) -> None:
        super().__init__("test")
        self.calls = calls

    def undo(self) -> None:
        self.calls.append("undo")

    def redo(self) -> None:
        self.calls.append("redo")


def _press(window: MainWindow, sequence: QKeySequence) -> None:
    combination = sequence[0]  # type: ignore[index]  # the stubs lack QKeySequence[i]
    # No text: QTest cannot spell keys such as Undo, and shortcuts go by key.
    click = QTest.KeyAction.Click
    QTest.sendKeyEvent(click, window, combination.key(), "", combination.keyboardModifiers())


def test_pressing_each_bound_shortcut_runs_its_command(
    qtbot: QtBot, make_window: Callable[..., MainWindow], monkeypatch: pytest.MonkeyPatch
) -> None:
    window = make_window()
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    calls: list[str] = []
    for each in ACTIONS:
        if isinstance(each.handler, str):
            monkeypatch.setattr(window, each.handler, lambda name=each.handler: calls.append(name))
    monkeypatch.setattr(window, "show_safety", lambda first_run: calls.append("show_safety"))
    # Undo and redo are only on when there is something to undo or redo: a real command.
    window.undo_stack.push(_Recorded(calls))
    calls.clear()
    pressed = 0
    for each in ACTIONS:
        action = window.commands[each.id]
        for sequence in action.shortcuts():
            if each.id == "redo":
                window.undo_stack.undo()
                calls.clear()
            _press(window, sequence)
            expected = each.handler if isinstance(each.handler, str) else each.id
            assert calls == [expected], (each.id, sequence.toString())
            calls.clear()
            if each.id == "undo":
                window.undo_stack.redo()
                calls.clear()
            pressed += 1
    assert pressed >= 13
    # The commands without keys run from their menu entries.
    for each in ACTIONS:
        if not each.keys and each.standard is None:
            window.commands[each.id].trigger()
    assert calls == ["restore_from_backup", "export_report", "show_safety", "show_about"]


# -- Help → Keyboard controls --------------------------------------------------


class _Sections(HTMLParser):
    """The two-column tables of the help text, by the heading above each."""

    def __init__(self) -> None:
        super().__init__()
        self.sections: dict[str, list[tuple[str, str]]] = {}
        self._heading = ""
        self._in: str | None = None
        self._cells: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("h3", "td"):
            self._in = tag
            if tag == "h3":
                self._heading = ""
            else:
                self._cells.append("")
        elif tag == "tr":
            self._cells = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "tr":
            self.sections.setdefault(self._heading, []).append((self._cells[0], self._cells[1]))
        if tag in ("h3", "td"):
            self._in = None

    def handle_data(self, data: str) -> None:
        if self._in == "h3":
            self._heading += data
        elif self._in == "td":
            self._cells[-1] += data


def test_help_lists_exactly_the_shortcuts_bound_here(
    qtbot: QtBot, make_window: Callable[..., MainWindow]
) -> None:
    window = make_window()
    dialog = KeysDialog(window.commands, window)
    qtbot.addWidget(dialog)
    parser = _Sections()
    parser.feed(dialog.text.text())
    anywhere = parser.sections["Anywhere"]
    listed = sorted(key for keys, _ in anywhere for key in keys.split(" or "))
    bound = sorted(key for keys in bound_shortcuts(window).values() for key in keys)
    assert listed == bound
    for keys, what in anywhere:
        action = next(window.commands[s.id] for s in ACTIONS if s.help.lower() == what.lower())
        assert keys.split(" or ") == [s.toString(NATIVE) for s in action.shortcuts()]
    session = parser.sections["During a session"]
    floor = " or ".join(s.toString(NATIVE) for s in window.floor_action.shortcuts())
    *own, _floor, _click = [keys for keys, _ in session_rows()]
    assert [keys for keys, _ in session] == [*own, floor, "Click"]
    assert [what.lower() for _, what in session] == [what.lower() for _, what in session_rows()]


def test_help_opens_from_f1_and_closes(
    qtbot: QtBot, make_window: Callable[..., MainWindow], monkeypatch: pytest.MonkeyPatch
) -> None:
    window = make_window()
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    seen: list[str] = []

    def read_and_close() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, KeysDialog):
            QTimer.singleShot(10, read_and_close)
            return
        seen.append(dialog.text.text())
        dialog.reject()

    QTimer.singleShot(0, read_and_close)
    qtbot.keyClick(window, Qt.Key.Key_F1)
    assert seen and "Ctrl+," in seen[0] and "Ctrl+T" in seen[0] and "Ctrl+P" not in seen[0]
