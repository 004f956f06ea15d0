"""Every user-visible text goes through translation: the pseudo-locale finds what escaped.

Under the pseudo-locale ``xx`` every message comes out as ``⟦…⟧``. The real window
is walked page by page (picker, placement, a whole session with a stop, the
summary, progress, dialogs), and every visible text is checked: window titles,
labels, buttons, menus, tooltips, accessible names, table headers. What is left
once the wrapped parts are taken out may hold numbers, symbols, single key
letters and the app's own name, never a word.

Modules that still show untranslated text are listed in :data:`NOT_YET_TRANSLATED`
with what escapes there. The list only shrinks: a module on it whose text is
wrapped after all fails the test until it is taken off.
"""

from __future__ import annotations

import argparse
import html
import re
import subprocess
import sys
from collections.abc import Iterator

import pytest
from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QApplication,
    QComboBox,
    QDialogButtonBox,
    QGroupBox,
    QLabel,
    QLineEdit,
    QMenu,
    QTabWidget,
    QTextEdit,
    QWidget,
)
from pytestqt.qtbot import QtBot

from psoas_timer import APP_NAME, paths
from psoas_timer.app import build_parser
from psoas_timer.core import i18n
from psoas_timer.core.catalog import load_catalog
from psoas_timer.core.catalog_text import translate_catalog
from psoas_timer.core.clock import Clocks, FakeClock
from psoas_timer.core.engine import State
from psoas_timer.core.plan import StepKind
from psoas_timer.store import Store
from psoas_timer.ui import prompts
from psoas_timer.ui.dialogs.keys import KeysDialog
from psoas_timer.ui.dialogs.safety import SafetyDialog
from psoas_timer.ui.dialogs.settings import SettingsDialog
from psoas_timer.ui.main_window import MainWindow
from tests.helpers import QUICK_SETTINGS
from tests.qt_helpers import run_for, run_until, start_session

#: Modules whose text is not translated yet, and what escapes there. Shrinks to empty.
NOT_YET_TRANSLATED: dict[str, str] = {}

_WRAPPED = re.compile(
    f"{i18n.PSEUDO_OPEN}[^{i18n.PSEUDO_OPEN}{i18n.PSEUDO_CLOSE}]*{i18n.PSEUDO_CLOSE}"
)
_WORD = re.compile(r"[^\W\d_]{2,}")


def escaped_words(text: str) -> list[str]:
    """The words of ``text`` outside every ``⟦…⟧``: what did not go through translation.

    Numbers, symbols and single letters (key names such as R and S) are no words,
    and the app's name stays as it is in every language.
    """
    plain = html.unescape(re.sub(r"<[^>]*>", " ", text)).replace(APP_NAME, " ")
    for name in i18n.ENDONYMS.values():  # a language is listed under its own name
        plain = plain.replace(name, " ")
    # Key combinations ("Ctrl+Shift+S") are written by Qt in its own words.
    plain = re.sub(rf"\b\w+(?:\+[^\s{i18n.PSEUDO_OPEN}{i18n.PSEUDO_CLOSE}]+)+|\bF\d+\b", " ", plain)
    while True:
        inner = _WRAPPED.sub(" ", plain)
        if inner == plain:
            break
        plain = inner
    return _WORD.findall(plain)


def test_the_rule_sees_escaped_words_and_lets_numbers_pass() -> None:
    assert escaped_words("⟦Side: ⟦Left⟧⟧") == []
    assert escaped_words("<b>⟦Rate⟧</b> 7 / 10 (R) ■ 2,5") == []
    assert escaped_words("⟦Paused⟧ breath 3") == ["breath"]
    assert escaped_words("Psoas Timer — ⟦Progress⟧") == []
    assert escaped_words("⟦Yes⟧: Extra pressure") == ["Extra", "pressure"]


def _owner(obj: QObject) -> str:
    """The app module whose widget holds ``obj``: where its text was set."""
    current: QObject | None = obj
    while current is not None:
        module = type(current).__module__
        if module.startswith("psoas_timer."):
            return module
        current = current.parent()
    return "?"


def _qt_standard(button: QAbstractButton) -> bool:
    box = button.parent()
    return (
        isinstance(box, QDialogButtonBox)
        and box.standardButton(button) != QDialogButtonBox.StandardButton.NoButton
    )


def _texts(widget: QWidget) -> Iterator[str]:
    yield widget.toolTip()
    yield widget.accessibleName()
    yield widget.accessibleDescription()
    if widget.isWindow():
        yield widget.windowTitle()
    if isinstance(widget, QAbstractButton) and _qt_standard(widget):
        return  # OK, Cancel: Qt's own words, from the translations Qt ships
    if isinstance(widget, (QLabel, QAbstractButton)):
        yield widget.text()
    elif isinstance(widget, QComboBox):
        yield from (widget.itemText(i) for i in range(widget.count()))
    elif isinstance(widget, QGroupBox):
        yield widget.title()
    elif isinstance(widget, QTabWidget):
        yield from (widget.tabText(i) for i in range(widget.count()))
    elif isinstance(widget, QTextEdit):
        yield widget.toPlainText()
    elif isinstance(widget, QLineEdit):
        yield widget.placeholderText()
    elif isinstance(widget, QMenu):
        yield widget.title()
        yield from (action.text() for action in widget.actions())
    elif isinstance(widget, QAbstractItemView) and widget.model() is not None:
        model = widget.model()
        for column in range(model.columnCount()):
            for role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
                value = model.headerData(column, Qt.Orientation.Horizontal, role)
                if isinstance(value, str):
                    yield value


class Escapes:
    """What escaped translation, by module, over the whole walk."""

    def __init__(self) -> None:
        self.found: dict[str, set[str]] = {}
        self.seen = 0

    def add(self, module: str, text: str, where: str) -> None:
        self.seen += 1
        words = escaped_words(text)
        if words:
            self.found.setdefault(module, set()).add(f"{where}: {text[:80]!r}")

    def check(self, root: QWidget, where: str) -> None:
        for widget in [root, *root.findChildren(QWidget)]:
            if not widget.isVisible():
                continue
            for text in _texts(widget):
                if text:
                    self.add(_owner(widget), text, where)


@pytest.fixture
def pseudo() -> Iterator[None]:
    i18n.install(i18n.PSEUDO)
    yield
    i18n.install(i18n.SOURCE_LANGUAGE)


def test_every_catalog_text_is_translated(pseudo: None) -> None:
    catalog = load_catalog()
    assert not catalog.errors
    seen: list[str] = []

    def check(text: str) -> str:
        seen.append(text)
        assert escaped_words(text) == [], text
        return text

    translate_catalog(catalog, check)
    assert len(seen) > 200  # every tool, position, step, caution, stretch and safety line


def test_the_whole_window_is_translated(
    pseudo: None,
    qtbot: QtBot,
    private_paths: paths.Paths,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    escapes = Escapes()
    asked: list[tuple[str, ...]] = []

    def confirm(parent: QWidget, *texts: str, **kwargs: object) -> bool:
        asked.append(texts)
        return True

    monkeypatch.setattr(prompts, "confirm", confirm)
    catalog = load_catalog()
    private_paths.ensure()
    store = Store.open(private_paths.database)
    clock = FakeClock()
    window = MainWindow(catalog, QUICK_SETTINGS, private_paths, Clocks.following(clock), store)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    try:
        escapes.check(window, "picker")
        for menu in window.menuBar().findChildren(QMenu):
            escapes.add(_owner(window), menu.title(), "menu")
            for action in menu.actions():
                escapes.add(_owner(window), action.text(), "menu")
        _walk_session(window, clock, qtbot, escapes)
        window.show_progress()
        escapes.check(window, "progress")
        for dialog in (
            SafetyDialog(catalog.safety, True, window),
            KeysDialog(window.commands, window),
            SettingsDialog(QUICK_SETTINGS, window),
        ):
            dialog.show()
            escapes.check(dialog, type(dialog).__name__)
            dialog.close()
    finally:
        if window.session.engine is not None:
            window.session.engine.end()
        window.shutdown()
        window.close()
        store.close()
    for texts in asked:
        for text in texts:
            escapes.add("psoas_timer.ui.prompts", text, "question")
    assert escapes.seen > 200
    unexpected = {m: sorted(t) for m, t in escapes.found.items() if m not in NOT_YET_TRANSLATED}
    listed = "\n".join(
        f"{module}: {text}" for module, texts in unexpected.items() for text in texts
    )
    assert not unexpected, f"untranslated text:\n{listed}"
    done = sorted(set(NOT_YET_TRANSLATED) - set(escapes.found))
    assert not done, f"translated now; take them off NOT_YET_TRANSLATED: {done}"


def _walk_session(window: MainWindow, clock: FakeClock, qtbot: QtBot, escapes: Escapes) -> None:
    """A two-sided session with extra pressure, a stop, a release and stretches."""
    assert window.show_tool("ql-claw")
    escapes.check(window, "placement")
    start_session(window, "ql-claw", "both")
    page = window.session
    engine = page.engine
    assert engine is not None
    kinds_seen: set[StepKind] = set()

    def look(where: str) -> None:
        kinds_seen.add(engine.step.kind)
        escapes.check(window, where)

    look("get into position")
    run_until(window, clock, StepKind.RATING)
    look("rating")
    qtbot.keyClicks(page, "7")
    run_for(window, clock, 6)
    look("set")
    run_until(window, clock, StepKind.QUESTION)
    look("question")
    qtbot.keyClick(page, Qt.Key.Key_Return)
    look("transition")
    run_until(window, clock, StepKind.SET)
    qtbot.keyClick(page, Qt.Key.Key_Space)
    look("paused")
    qtbot.keyClick(page, Qt.Key.Key_Space)
    qtbot.keyClick(page, Qt.Key.Key_S)
    look("stop reasons")
    qtbot.keyClick(page, Qt.Key.Key_1)
    look("stop advice")
    qtbot.keyClick(page, Qt.Key.Key_Return)
    run_until(window, clock, StepKind.RATING)
    qtbot.keyClick(page, Qt.Key.Key_3)
    look("switch sides")
    run_until(window, clock, StepKind.RATING)
    qtbot.keyClick(page, Qt.Key.Key_6)
    run_for(window, clock, 23)
    qtbot.keyClick(page, Qt.Key.Key_R)
    run_until(window, clock, StepKind.COME_OFF, limit=10)
    look("come off")
    run_until(window, clock, StepKind.RATING)
    qtbot.keyClick(page, Qt.Key.Key_2)
    while engine.state is not State.FINISHED:
        look("stretch")
        qtbot.keyClick(page, Qt.Key.Key_Return)
    look("summary")
    assert {StepKind.RATING, StepKind.SET, StepKind.QUESTION, StepKind.STOP_REASON} <= kinds_seen
    qtbot.keyClick(page, Qt.Key.Key_Return)
    QApplication.processEvents()


def test_help_on_the_command_line_is_translated() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "psoas_timer", "--help"],
        env={"LANGUAGE": i18n.PSEUDO, "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    # The syntax is no prose: options, the program's and its commands' names and
    # the upper-case placeholders (DIR, FILE) are typed as they are in every language.
    syntax = re.sub(r"--?[\w-]+|\b[A-Z]{2,}\b|psoas-timer", " ", done.stdout)
    commands = {
        name
        for action in build_parser()._actions
        if isinstance(action, argparse._SubParsersAction)
        for name in action.choices
    }
    words = [word for word in escaped_words(syntax) if word not in commands]
    assert words == [], done.stdout


@pytest.mark.parametrize("language", [lang for lang in i18n.available_languages() if lang != "en"])
def test_each_language_is_complete_and_keeps_its_placeholders(language: str) -> None:
    from psoas_timer.i18n_extract import missing

    assert missing(language) == []
    entries = i18n.parse_po((i18n.locale_folder() / f"{language}.po").read_text("utf-8"))
    for _context, msgid, plural, strings in entries:
        if not msgid:
            continue
        wanted = set(re.findall(r"\{[^}]*\}", msgid + (plural or "")))
        for text in strings:
            used = set(re.findall(r"\{[^}]*\}", text))
            # A singular may leave out the number ("once"); nothing else may go or come.
            allowed_gone = {"{n}"} if plural is not None else set()
            assert used <= wanted and wanted - used <= allowed_gone, (msgid, text)


def test_translated_floors_stay_floors() -> None:
    """A distance marked "at least" in English rounds up in inches in every language."""
    from psoas_timer.core.units import floor_distances

    english = load_catalog()
    floors: dict[str, list[tuple[float, float | None]]] = {}

    def note(text: str) -> str:
        floors[text] = floor_distances(text)
        return text

    translate_catalog(english, note)
    for language in i18n.available_languages():
        i18n.install(language)
        try:
            for source, wanted in floors.items():
                assert floor_distances(i18n._(source)) == wanted, (language, source)
        finally:
            i18n.install(i18n.SOURCE_LANGUAGE)


def test_widgets_write_numbers_the_way_the_language_does(qtbot: QtBot) -> None:
    from PySide6.QtCore import QLocale
    from PySide6.QtWidgets import QDoubleSpinBox

    from psoas_timer.ui.application import use_numbers_of

    before = QLocale()
    try:
        use_numbers_of("de")
        inhale = QDoubleSpinBox()
        qtbot.addWidget(inhale)
        inhale.setDecimals(1)
        inhale.setSuffix(" s")
        inhale.setValue(4.5)
        assert inhale.text() == "4,5 s"
        use_numbers_of(i18n.PSEUDO)  # the pseudo-locale changes no number
        assert QLocale().decimalPoint() == ","
    finally:
        QLocale.setDefault(before)
