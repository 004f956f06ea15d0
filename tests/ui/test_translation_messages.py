"""The messages the window walk cannot reach, under the pseudo-locale.

``test_translation.py`` walks the window; what it shows only when something
goes wrong (no sound, no voice, a write that fails, a file that cannot be
imported, a session that did not finish, a second copy that does not answer)
and what leaves the app (the report, the calendar file, the media controls'
title) is driven here. Each text is checked the same way: outside ``⟦…⟧`` it
holds no word but the values filled in.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from psoas_timer import paths
from psoas_timer.core import i18n
from psoas_timer.core.calendar_file import calendar_text
from psoas_timer.core.catalog import load_catalog
from psoas_timer.core.clock import FakeClock
from psoas_timer.core.engine import SessionEngine
from psoas_timer.core.plan import build_plan
from psoas_timer.core.reminders import WeeklyPlan
from psoas_timer.services import sound
from psoas_timer.services.mpris import step_title
from psoas_timer.services.saving import SaveService
from psoas_timer.services.single_instance import Holder
from psoas_timer.services.voice import Voice
from psoas_timer.store import Store, StoreError, errors
from psoas_timer.store.exchange import import_file
from psoas_timer.store.exchange.format import CSV_COLUMNS
from psoas_timer.store.saving import UnavailableStore, pending_message
from psoas_timer.ui import prompts
from psoas_timer.ui.application import open_store
from psoas_timer.ui.dialogs import recovery, restore, second_start, unsaved
from psoas_timer.ui.progress.chart_file import ChartExportError, save_graphics
from psoas_timer.ui.progress.report import first_page_html, report_content, second_page_html
from psoas_timer.ui.progress.report_command import content_from_store, run_report
from tests.core.test_engine import OPTIONS, to_first_set, walk
from tests.helpers import STRETCHES, make_tool, write_sample_log
from tests.ui.test_translation import Escapes, _texts, escaped_words

T0 = datetime(2024, 6, 3, 18, 30, tzinfo=UTC)
#: The question itself: the fixtures of the window tests answer it without asking.
REAL_ASK = unsaved.ask_about_unsaved


@pytest.fixture(autouse=True)
def pseudo() -> Iterator[None]:
    i18n.install(i18n.PSEUDO)
    yield
    i18n.install(i18n.SOURCE_LANGUAGE)


def translated(text: str, *values: object) -> None:
    """``text`` went through translation: wrapped, and no word outside but ``values``."""
    plain = text
    for value in values:
        plain = plain.replace(str(value), " ")
    assert i18n.PSEUDO_OPEN in text, text
    assert escaped_words(plain) == [], text


# -- services -----------------------------------------------------------------------


def test_sound_off_lines_are_translated(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from PySide6.QtMultimedia import QMediaDevices

    said: list[str] = []
    no_output = sound.CuePlayer(tmp_path)
    no_output.problem.connect(said.append)
    monkeypatch.setattr(QMediaDevices, "audioOutputs", staticmethod(lambda: []))
    no_output._load()
    silent_server = sound.CuePlayer(tmp_path)
    silent_server.problem.connect(said.append)
    silent_server._not_answering()
    assert len(said) == 2
    for text in said:
        translated(text)


def test_voice_off_line_is_translated(qtbot: QtBot) -> None:
    voice = Voice("x9")  # an engine that is not installed
    said: list[str] = []
    voice.problem.connect(said.append)
    voice.say("⟦Switch sides.⟧")
    qtbot.waitUntil(lambda: bool(said), timeout=3000)
    translated(said[0], "'x9'")
    voice.shutdown()


def test_the_media_controls_title_is_translated() -> None:
    plan = build_plan(make_tool(3), None, "left", OPTIONS, STRETCHES)
    clock = FakeClock(1000.0)
    engine = SessionEngine(plan, clock)
    to_first_set(engine, clock)
    walk(engine, clock, 12)
    title = step_title(engine)
    # The tool's own names come from a test tool, not from the catalog.
    translated(title, engine.step.title)
    assert re.search(r"\d+", title)


def test_the_keep_awake_reason_and_reminder_are_translated() -> None:
    from psoas_timer.services import keepawake, reminders

    translated(i18n._(keepawake.REASON))
    translated(i18n._(reminders.SUMMARY))


# -- the log's own messages -----------------------------------------------------------


def test_a_failed_write_says_why_in_the_language(store: Store) -> None:
    for failure in ("database or disk is full", "readonly database", "database is locked"):
        error = errors.write_error(sqlite3.OperationalError(failure), i18n._("save the set"))
        translated(str(error))
    translated(str(errors.SessionNotFoundError(7)), 7)
    translated(str(errors.NewerSchemaError(None, 9, 3)), 9, 3)


def test_waiting_changes_and_a_refusal_are_translated(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    saving = SaveService(UnavailableStore(i18n._("No log in this test.")), lambda: T0)
    try:
        refused: list[str] = []
        saving.refused.connect(refused.append)
        saving.set_note(1, "a note")
        assert saving.pending == 1
        translated(saving.message, 1)
        translated(pending_message(3, None), 3)
        why = restore.refusal(saving, session_running=False)
        assert why is not None
        translated(why, 1)
        translated(str(restore.refusal(saving, session_running=True)), "(Esc)")
        shown: list[QMessageBox] = []

        def capture(box: QWidget) -> int:
            assert isinstance(box, QMessageBox)
            shown.append(box)
            return 0

        monkeypatch.setattr(prompts, "run_modal", capture)
        parent = QWidget()
        qtbot.addWidget(parent)
        REAL_ASK(parent, saving)
        (box,) = shown
        escapes = Escapes()
        for text in (box.windowTitle(), box.text(), box.informativeText()):
            escapes.add("psoas_timer.ui.dialogs.unsaved", re.sub(r"\d+", " ", text), "unsaved")
        for button in box.buttons():
            if box.standardButton(button) == QMessageBox.StandardButton.NoButton:
                escapes.add("psoas_timer.ui.dialogs.unsaved", button.text(), "unsaved")
        assert escapes.seen >= 5 and not escapes.found, escapes.found
    finally:
        saving.discard()
        saving.close()


def test_an_import_that_fails_says_so_in_the_language(store: Store, tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"\xff\xfe\x00\x00not text")
    with pytest.raises(StoreError) as caught:
        import_file(store, bad)
    translated(str(caught.value), "bad.csv", "encoding", "UTF-32", "UTF-8", "CSV")
    rows = tmp_path / "rows.csv"
    rows.write_text("record,x9\nsession\n", "utf-8")
    with pytest.raises(StoreError) as caught:
        import_file(store, rows)
    # Column names are the file's own words, the same in every language.
    names = sorted(CSV_COLUMNS, key=len, reverse=True)  # session_uuid before uuid
    translated(str(caught.value), "rows.csv", *names, "'")


def test_backups_and_the_command_line_speak_the_language(
    private_paths: paths.Paths, capsys: pytest.CaptureFixture[str]
) -> None:
    from psoas_timer.store.backup import restore_backup

    with pytest.raises(StoreError) as caught:
        restore_backup(private_paths.database, private_paths.data / "nothing.sqlite3")
    translated(str(caught.value), private_paths.data / "nothing.sqlite3")
    assert run_report(private_paths, None, date(2024, 2, 1), date(2024, 1, 1)) == 2
    said = capsys.readouterr().err
    translated(said, "psoas-timer:", "--from", "--to", "2024-02-01", "2024-01-01")


def test_a_damaged_log_is_explained_in_the_language(private_paths: paths.Paths) -> None:
    private_paths.ensure()
    private_paths.database.write_bytes(b"this is no database at all" * 200)
    store, message = open_store(private_paths, lambda: T0)
    try:
        assert message is not None
        moved = next(private_paths.data.glob("*.corrupt-*"))
        translated(message, moved)
    finally:
        store.close()


# -- dialogs --------------------------------------------------------------------------


def test_the_recovery_dialogs_are_translated(qtbot: QtBot, store: Store) -> None:
    first = store.start_session("ql-claw", "ramp", "both", T0)
    store.record_rating(first, "left", "before", 6, T0)
    second = store.start_session("ql-claw", "ramp", "left", T0 + timedelta(days=1))
    sessions = {s.id: s for s in store.interrupted_sessions()}
    escapes = Escapes()
    one = recovery.RecoveryDialog(sessions[first], "⟦QL Claw⟧", 0, [], None, (1, 2))
    many = recovery.ManyRecoveryDialog(
        [
            recovery.Unfinished(sessions[first], "⟦QL Claw⟧", 0, []),
            recovery.Unfinished(sessions[second], "⟦QL Claw⟧", 0, []),
        ]
    )
    for dialog in (one, many):
        qtbot.addWidget(dialog)
        dialog.show()
        escapes.check(dialog, type(dialog).__name__)
        dialog.close()
    saving = SaveService(store, lambda: T0)
    try:
        told = recovery.apply_recovery(saving, sessions[second], recovery.RecoveryChoice.KEEP, {})
        escapes.add("psoas_timer.ui.dialogs.recovery", told, "kept")
        escapes.add(
            "psoas_timer.ui.dialogs.recovery",
            re.sub(r"\d+", " ", recovery.keep_all(saving, [sessions[first]])),
            "kept all",
        )
    finally:
        saving.close()
    assert escapes.seen > 20 and not escapes.found, escapes.found


def test_the_restore_dialog_is_translated(qtbot: QtBot, private_paths: paths.Paths) -> None:
    from psoas_timer.store import Backup

    private_paths.ensure()
    backups = [
        Backup(private_paths.data / "a.sqlite3", T0, 3, 2048),
        Backup(private_paths.data / "b.sqlite3", T0 - timedelta(days=1), None, 100),
    ]
    dialog = restore.RestoreDialog(backups, private_paths)
    qtbot.addWidget(dialog)
    dialog.show()
    seen = 0
    for widget in [dialog, *dialog.findChildren(QWidget)]:
        if not widget.isVisible():
            continue
        for shown in filter(None, _texts(widget)):
            text = shown
            # The backups' files and folder are the person's, named as they are.
            for path in (*(b.path for b in backups), private_paths.data):
                text = text.replace(str(path), " ")
            assert escaped_words(text) == [], shown
            seen += 1
    dialog.close()
    assert seen > 8


def test_the_second_start_questions_are_translated(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    asked: list[str] = []

    def answer(box: QMessageBox) -> int:
        asked.extend([box.text(), box.informativeText(), *(b.text() for b in box.buttons())])
        return 0

    monkeypatch.setattr(QMessageBox, "exec", answer)
    folder = tmp_path / "d"
    second_start._ask(
        second_start.not_answering_text(folder),
        "",
        (second_start.START_ANYWAY, second_start.QUIT),
        None,
    )
    holder = Holder(4242, "h1", "psoas-timer")
    texts = [
        *asked,
        second_start.still_running_text(folder, holder),
        second_start.unsure_text(folder, holder),
        second_start.unsure_text(folder, None),
    ]
    for text in filter(None, texts):
        translated(text, folder, 4242, "h1", "Psoas Timer")


# -- what leaves the app --------------------------------------------------------------


def test_the_report_is_written_in_the_language(store: Store) -> None:
    catalog = load_catalog()  # in the pseudo-locale: its names are wrapped too
    last = date(2024, 6, 29)
    write_sample_log(store, last)
    content = content_from_store(store, catalog, date(2024, 1, 1), last, T0)
    empty = report_content([], last, last, written=T0, disclaimer="⟦…⟧")
    pages = (first_page_html(content), second_page_html(content), second_page_html(empty))
    for html in pages:
        body = re.sub(r"<style>.*?</style>", " ", html, flags=re.S)  # the page's CSS
        assert escaped_words(body) == [], body


def test_a_chart_that_cannot_be_saved_says_so_in_the_language(tmp_path: Path) -> None:
    with pytest.raises(ChartExportError) as caught:
        save_graphics(None, tmp_path / "chart.jpg", "#fff")
    translated(str(caught.value), ".png", ".svg", ".jpg")


def test_the_calendar_event_is_in_the_language() -> None:
    plan = WeeklyPlan(("mon", "thu"), time(19, 0))
    text = calendar_text(plan, T0, "Psoas Timer 1")
    unfolded = text.replace("\r\n ", "")
    for name in ("SUMMARY", "DESCRIPTION"):
        (line,) = (x for x in unfolded.split("\r\n") if x.startswith(f"{name}:"))
        value = line.removeprefix(f"{name}:").replace("\\n", " ").replace("\\,", ",")
        translated(value, "19:00")
