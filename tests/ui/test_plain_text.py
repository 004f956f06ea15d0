"""Text that comes from a file is shown as text: markup in a tool file or an imported log
is never rendered as rich text, anywhere a person would read it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from PySide6.QtGui import Qt
from PySide6.QtWidgets import QLabel, QWidget
from pytestqt.qtbot import QtBot

from psoas_timer import paths
from psoas_timer.core.catalog import Catalog, load_catalog
from psoas_timer.core.clock import Clocks, FakeClock
from psoas_timer.core.engine import State
from psoas_timer.core.next_day import LastSession
from psoas_timer.core.plan import StepKind
from psoas_timer.store import Store
from psoas_timer.ui.dialogs.next_day import NextDayDialog
from psoas_timer.ui.dialogs.recovery import RecoveryDialog
from psoas_timer.ui.main_window import MainWindow
from tests.helpers import QUICK_SETTINGS
from tests.qt_helpers import start_session

#: Rendered as rich text it shows bold type and fetches a picture; as text, it is these characters.
MARK = "<b>bold</b>"
HOSTILE = f'{MARK}<img src="file:///etc/hostname">'


def hostile_tool(folder: Path) -> Catalog:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "pic.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'/>")
    text = HOSTILE.replace('"', '\\"')
    (folder / "marked.toml").write_text(
        "\n".join(
            [
                'id = "marked"',
                f'name = "{text}"',
                f'summary = "{text}"',
                'targets = ["psoas"]',
                "default_breaths = 15",
                f'release_sign = "{text}"',
                f'ease_off = "{text}"',
                f'cautions = ["{text}"]',
                "[cue]",
                f'inhale = "{text}"',
                f'exhale = "{text}"',
                "[[positions]]",
                'id = "prone"',
                f'name = "{text}"',
                'pose = "prone"',
                'diagram = "pic.svg"',
                f'steps = ["{text}"]',
                f'target_note = "{text}"',
                "[[positions.variants]]",
                f'name = "{MARK}"',
                f'instruction = "{text}"',
            ]
        ),
        encoding="utf-8",
    )
    catalog = load_catalog(user_tools=folder)
    assert catalog.errors == []
    return catalog


def leaks(widget: QWidget) -> list[str]:
    """Labels that would render the markup rather than show it."""
    found = []
    for label in widget.findChildren(QLabel):
        text = label.text()
        if MARK not in text or label.textFormat() == Qt.TextFormat.PlainText:
            continue
        if label.textFormat() == Qt.TextFormat.RichText or Qt.mightBeRichText(text):
            found.append(f"{label.objectName() or label.accessibleName()}: {text[:60]}")
    return found


def test_a_tool_file_with_markup_is_shown_as_text_on_every_page(
    qtbot: QtBot, tmp_path: Path, private_paths: paths.Paths
) -> None:
    catalog = hostile_tool(tmp_path / "tools")
    private_paths.ensure()
    store = Store.open(private_paths.database)
    clock = FakeClock()
    window = MainWindow(catalog, QUICK_SETTINGS, private_paths, Clocks.following(clock), store)
    qtbot.addWidget(window)
    try:
        window.show()
        assert leaks(window.picker) == []
        assert window.show_tool("marked")
        assert leaks(window.placement) == []
        start_session(window, "marked", "left")
        engine = window.session.engine
        assert engine is not None
        seen = 0
        stopped = False
        page = window.session
        while engine.state is not State.FINISHED and seen < 60:
            assert leaks(page) == [], engine.step
            kind = engine.step.kind
            if kind is StepKind.QUESTION:
                page.back_off()  # come off the tool: Enter would ask for more
            elif kind is StepKind.SET and not stopped:
                page.stop_set()  # the stop question and its advice are pages too
                stopped = True
            elif kind is StepKind.STOP_REASON:
                page.give_reason(3)
            else:
                page.next_step()
            clock.advance(0.5)
            qtbot.wait(1)
            seen += 1
        assert engine.state is State.FINISHED and stopped
        assert leaks(page) == []  # the summary
    finally:
        if window.session.engine is not None:
            window.session.engine.end()
        window.shutdown()
        store.close()


def test_an_imported_tool_id_with_markup_is_text_in_the_recovery_question(
    qtbot: QtBot, tmp_path: Path
) -> None:
    with Store.open(tmp_path / "log.sqlite3") as store:
        session_id = store.start_session(HOSTILE[:60], "prone", "left")
        (session,) = [s for s in store.interrupted_sessions() if s.id == session_id]
        dialog = RecoveryDialog(session, session.tool_id, 0, [], None)
        qtbot.addWidget(dialog)
        assert leaks(dialog) == []


def test_an_imported_tool_id_with_markup_is_text_in_the_next_day_question(qtbot: QtBot) -> None:
    ended = datetime(2024, 5, 6, 8, 0, tzinfo=UTC)
    last = LastSession(1, HOSTILE, ended - timedelta(minutes=20), ended, True, False)
    dialog = NextDayDialog(last, HOSTILE)
    qtbot.addWidget(dialog)
    assert leaks(dialog) == []
