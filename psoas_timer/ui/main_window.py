"""The main window: tool picker → placement → session, with menus and settings."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtGui import QCloseEvent, QPaintEvent, QUndoStack
from PySide6.QtWidgets import QLabel, QMainWindow, QStackedWidget

from psoas_timer import APP_NAME
from psoas_timer.core.catalog import Catalog
from psoas_timer.core.clock import Clocks
from psoas_timer.core.i18n import N_, _
from psoas_timer.core.settings import Settings, save_settings
from psoas_timer.paths import Paths
from psoas_timer.ui import actions, prompts, window_parts
from psoas_timer.ui.after_paint import after_next_paint
from psoas_timer.ui.picker.picker_page import PickerPage
from psoas_timer.ui.theme import FLOOR, apply_theme
from psoas_timer.ui.window_parts import Part
from psoas_timer.ui.window_state import restore_geometry, save_geometry

# What the first screen does not show is imported when it is first wanted: the
# session page, sound and voice, the log and its save queue, every dialog and
# the charts. Start-up pays only for the picker (tests/ui/test_startup.py).
if TYPE_CHECKING:
    from psoas_timer.core.engine import SessionEngine
    from psoas_timer.services.saving import SavedItem
    from psoas_timer.store import Session, Store
    from psoas_timer.store.journal import Notice
    from psoas_timer.store.saving import UnavailableStore
    from psoas_timer.ui.progress.page import ProgressHistoryPage
    from psoas_timer.ui.session.session_page import SessionPage

    #: The log itself, or what opens it when it is first needed.
    LogSource = Store | UnavailableStore | Callable[[], Store | UnavailableStore]

log = logging.getLogger(__name__)

#: Spoken once when writing starts to fail; the screen says what to do.
NOT_SAVED_SPOKEN = N_("Not saved yet. It is kept in memory; the screen says what to do.")


class MainWindow(QMainWindow):
    first_paint = Signal()

    # Each made the first time it is read (ui/window_parts.py), so that opening
    # the window costs only what the picker shows.
    #: Every write to the log goes through here, session events and edits alike.
    saving = Part(window_parts.open_log, then=window_parts.log_opened)
    log_commands = Part(window_parts.log_commands)
    cues = Part(window_parts.cue_player)
    voice = Part(window_parts.voice)
    keep_awake = Part(window_parts.keep_awake)
    mpris = Part(window_parts.media_controls)
    placement = Part(window_parts.placement_page)
    session = Part(window_parts.session_page)
    #: The weekly plan: the picker's lines and a notification at the planned time.
    reminders = Part(window_parts.reminders)

    def __init__(
        self,
        catalog: Catalog,
        settings: Settings,
        paths: Paths,
        clocks: Clocks,
        store: LogSource,
        voice_engine: str | None = None,
    ) -> None:
        """``store``: the log, or what opens it the first time the window needs it."""
        super().__init__()
        self.setWindowTitle(APP_NAME)
        self.setMinimumSize(760, 520)
        self.catalog = catalog
        self.settings = settings
        self.paths = paths
        self.clocks = clocks
        self.log_source = store
        self.voice_engine = voice_engine
        #: What replaying the journal found, when the window opened the log itself.
        self.journal_notice: Notice | None = None
        self._painted = False
        self._floor_active = False

        self.stack = QStackedWidget()
        self.setCentralWidget(self.stack)
        self.picker = PickerPage(paths.cache)
        self.picker.set_catalog(catalog)
        self.picker.chosen.connect(self.show_tool)
        self.picker.progress_requested.connect(self.show_progress)
        self.stack.addWidget(self.picker)
        self.undo_stack: QUndoStack = QUndoStack(self)
        self.progress_page: ProgressHistoryPage | None = None
        self._save_line = ""  # the saving message in the status bar's lasting label
        self.status_label = QLabel()
        self.status_label.setAccessibleName(_("Lasting problem"))
        self.statusBar().addPermanentWidget(self.status_label)
        self.statusBar().messageChanged.connect(self._status_changed)
        # Menus and shortcuts: every command is a row of ui/actions.py.
        self.commands = actions.install(self)
        self.floor_action = self.commands["floor_mode"]
        self._follow_undo_stack()
        self.apply_settings(settings)
        restore_geometry(self, paths.window_state)
        if not callable(store):
            self.open_log()

    def open_log(self) -> None:
        """Open the log now if it is not open yet (the window opens it when first needed)."""
        self.saving  # noqa: B018  (made on first use)

    def _follow_undo_stack(self) -> None:
        """Undo and Redo name what they would do, and are greyed out when there is nothing."""
        stack = self.undo_stack
        for action, can, can_changed, text_changed in (
            (self.commands["undo"], stack.canUndo(), stack.canUndoChanged, stack.undoTextChanged),
            (self.commands["redo"], stack.canRedo(), stack.canRedoChanged, stack.redoTextChanged),
        ):
            word = action.text()
            action.setEnabled(can)
            can_changed.connect(action.setEnabled)
            text_changed.connect(lambda what, a=action, w=word: a.setText(f"{w} {what}".rstrip()))

    # -- navigation ----------------------------------------------------------

    def show_picker(self) -> None:
        if self._session_running():
            return
        self.stack.setCurrentWidget(self.picker)
        self.setWindowTitle(APP_NAME)

    def show_tool(self, tool_id: str) -> bool:
        if self._session_running():
            return False
        tool = self.catalog.tools.get(tool_id)
        if tool is None:
            known = ", ".join(self.catalog.tools)
            self.show_status(
                _("No tool called '{tool}'. Known tools: {known}.").format(
                    tool=tool_id, known=known
                ),
                10000,
            )
            return False
        self.placement.show_tool(
            tool, self.settings.sides, self.settings.units, self.catalog.stretches
        )
        self.stack.setCurrentWidget(self.placement)
        self.setWindowTitle(f"{tool.name} — {APP_NAME}")
        after_next_paint(self.placement, lambda: window_parts.ready_for_session(self))
        self._show_speech_state()
        return True

    def _show_speech_state(self) -> None:
        """The placement page says when the steps will not be spoken (once that is known)."""
        voice = MainWindow.voice.made(self)
        off = voice.off_text if voice is not None and self.settings.voice else ""
        if (placement := MainWindow.placement.made(self)) is not None:
            placement.show_speech_off(off)

    def show_progress(self) -> ProgressHistoryPage | None:
        if self._session_running():
            return None
        page = self.progress_page
        if page is None:
            page = self.progress_page = window_parts.progress_page(self)
        page.reload()
        self.stack.setCurrentWidget(page)
        self.setWindowTitle(_("Progress — {app}").format(app=APP_NAME))
        return page

    def start_session(self, tool_id: str, position_id: str, sides: str) -> None:
        # Never skipped: the catalog always holds a safety notice (its built-in copy
        # when safety.toml cannot be used), and no session starts until it is read.
        if not self.settings.safety_acknowledged and not self.show_safety(first_run=True):
            return
        from psoas_timer.core.plan import build_plan

        tool = self.catalog.tool(tool_id)
        options, catalog = self.settings.plan_options(), self.catalog
        plan = build_plan(tool, position_id, sides, options, catalog.stretches, catalog.safety)  # type: ignore[arg-type]
        self.stack.setCurrentWidget(self.session)
        if self.settings.floor_mode:
            self.set_floor_mode(True)
        # Held while paused too: a paused person is still lying on the tool.
        self.keep_awake.acquire()
        self.session.start(plan)
        self.mpris.start()

    def _session_running(self) -> bool:
        engine = self.session_engine
        return engine is not None and engine.running

    @property
    def session_engine(self) -> SessionEngine | None:
        """The engine of the session page's current session; None before the page is made."""
        page = MainWindow.session.made(self)
        return page.engine if page is not None else None

    def _session_finished(self, completed: bool) -> None:
        del completed  # whether it is saved is said when the log has it
        self.keep_awake.release()
        self.mpris.stop()
        self.reminders.session_ended(self.session.engine)

    # -- the log: recovery, export and import ------------------------------------

    def recovery_candidates(self) -> list[Session]:
        """Sessions the log still shows as running that are not running here."""
        from psoas_timer.ui.dialogs import recovery

        running = self.saving.session_id if self._session_running() else None
        return recovery.recovery_candidates(self.saving, running)

    def offer_recovery(self) -> None:
        from psoas_timer.ui.dialogs import recovery

        names = {tool_id: tool.name for tool_id, tool in self.catalog.tools.items()}
        recovery.offer_recovery(
            self,
            self.saving,
            self.recovery_candidates(),
            names,
            lambda text: self.show_status(text, 8000),
        )

    def restore_from_backup(self) -> bool:
        from psoas_timer.ui.dialogs import restore

        if not restore.offer_restore(
            self, self.saving, self.paths, session_running=self._session_running()
        ):
            return False
        self.undo_stack.clear()  # its deletions were made in the log now set aside
        return True

    def export_log(self) -> None:
        self.log_commands.export_log()

    def import_log(self) -> None:
        self.log_commands.import_log()

    def import_from(self, path: Path) -> bool:
        return self.log_commands.import_from(path)

    def offer_next_day_check(self) -> None:
        """On start: how does the area feel since the last session? (ui/dialogs/next_day.py)"""
        if self._session_running():
            return
        from psoas_timer.ui.dialogs.next_day import NextDayChoice, offer_next_day_check
        from psoas_timer.ui.progress.names import catalog_names

        names, _ids = catalog_names(self.catalog)
        choice = offer_next_day_check(self, self.saving, self.clocks.wall(), names)
        if choice is NextDayChoice.ANSWERED:
            self.show_status(_("Thank you: kept with your last session."), 8000)

    def export_report(self) -> None:
        """File → Report…: a PDF for the physiotherapist over the range the charts show."""
        from psoas_timer.core.progress import DateRange
        from psoas_timer.ui.progress.report_command import save_report_from_window

        page = self.progress_page
        shown = page.progress.range_box.currentData() if page is not None else None
        date_range = shown if isinstance(shown, DateRange) else DateRange.LAST_90_DAYS
        now = self.clocks.wall()
        path = save_report_from_window(self, self.saving, self.catalog, date_range, now)
        if path is not None:
            self.show_status(_("Report saved to {path}.").format(path=path), 10000)

    def export_chart(self) -> None:
        page = self.progress_page
        if page is None or self.stack.currentWidget() is not page:
            page = self.show_progress()
        if page is None:
            return
        chosen = self.log_commands.choose_chart_file()
        if chosen is not None:
            self.save_chart(*chosen)

    def save_chart(self, path: Path, default_format: str = "png") -> bool:
        page = self.progress_page
        if page is None:
            return False
        return self.log_commands.save_chart(page.progress, path, default_format)

    def leave_session(self) -> None:
        self.session.stop()
        self.mpris.stop()
        self.set_floor_mode(False)
        self.show_picker()

    # -- floor mode ----------------------------------------------------------

    def toggle_floor_mode(self) -> None:
        self.set_floor_mode(not self._floor_active)

    def set_floor_mode(self, on: bool) -> None:
        self._floor_active = on
        self.floor_action.setChecked(on)
        if on:
            screen = self.screen()
            if screen is not None:
                # Without a window manager full screen is only a hint; cover the
                # screen first so the page fills it either way.
                self.setGeometry(screen.geometry())
            self.showFullScreen()
            self.menuBar().hide()
            self.statusBar().hide()
        else:
            if self.isFullScreen():
                self.showNormal()
            self.menuBar().show()
            self.statusBar().show()
        page = MainWindow.session.made(self)
        if page is not None:  # one made later takes its colours from the window
            page.set_colours(FLOOR if on else self._colours, floor=on)

    @property
    def floor_mode(self) -> bool:
        return self._floor_active

    # -- dialogs -------------------------------------------------------------

    def show_safety(self, first_run: bool) -> bool:
        from psoas_timer.ui.dialogs.safety import SafetyDialog

        dialog = SafetyDialog(self.catalog.safety, first_run, self)
        # Often opened by Enter on Start: a held or hurried Enter must not accept it unread.
        accepted = prompts.run_modal(dialog) == SafetyDialog.DialogCode.Accepted
        if first_run and accepted:
            self.update_settings(self.settings.with_changes(safety_acknowledged=True))
        return accepted

    def show_keys(self) -> None:
        from psoas_timer.ui.dialogs.keys import KeysDialog

        KeysDialog(self.commands, self).exec()

    def show_about(self) -> None:
        prompts.about_app(self, self.paths.data)

    def open_settings(self) -> None:
        from psoas_timer.ui.dialogs.settings import SettingsDialog

        dialog = SettingsDialog(
            self.settings,
            self,
            clock=self.clocks.session,
            wall=self.clocks.wall,
            cues=self.cues,
            voice=self.voice,
        )
        if dialog.exec() == SettingsDialog.DialogCode.Accepted:
            self.update_settings(dialog.result_settings())

    def update_settings(self, settings: Settings) -> None:
        self.settings = settings
        try:
            save_settings(self.paths.settings, settings)
        except OSError as exc:
            self.show_status(
                _("Settings could not be saved ({why}); they apply until you quit.").format(
                    why=exc.strerror
                ),
                10000,
            )
        self.apply_settings(settings)

    def apply_settings(self, settings: Settings) -> None:
        from PySide6.QtWidgets import QApplication

        app = QApplication.instance()
        assert isinstance(app, QApplication)
        self._colours = apply_theme(app, settings.theme)
        # Parts not made yet take these settings from the window when they are made.
        if (session := MainWindow.session.made(self)) is not None:
            floor = self._floor_active
            session.set_colours(FLOOR if floor else self._colours, floor)
        if (placement := MainWindow.placement.made(self)) is not None:
            placement.diagram.set_colours(self._colours)
        if self.progress_page is not None:
            self.progress_page.set_colours(self._colours)
        if (cues := MainWindow.cues.made(self)) is not None:
            cues.set_volume(settings.volume / 100, muted=not settings.sound)
            cues.set_theme(settings.cue_theme)
        if (voice := MainWindow.voice.made(self)) is not None:
            voice.apply(settings)
        self._show_speech_state()
        if (reminders := MainWindow.reminders.made(self)) is not None:
            reminders.apply(settings)

    # -- status ----------------------------------------------------------------

    def show_status(self, message: str, timeout: int = 0) -> None:
        self.statusBar().showMessage(message, timeout)
        log.info("status: %s", message)

    def show_problem(self, message: str) -> None:
        """A lasting condition (no voice, unsaved writes): it stays in view until it ends."""
        # The permanent label keeps it visible after a short "Saved: …" message
        # has replaced it and expired; it hides while the bar shows the same text.
        self.status_label.setText(message)
        self.status_label.setToolTip(message)
        self.show_status(message)

    def _status_changed(self, message: str) -> None:
        self.status_label.setVisible(message != self.status_label.text())

    def _item_saved(self, item: SavedItem) -> None:
        self.show_status(_("Saved: {what}.").format(what=item.what), 4000)
        if (page := MainWindow.session.made(self)) is not None:
            page.show_saved(item.what, ends_session=item.kind == "end")

    def _save_problem(self, message: str) -> None:
        del message  # shown by _save_state_changed, which also keeps its count current
        if self.settings.voice:
            self.voice.say(_(NOT_SAVED_SPOKEN))

    def _save_state_changed(self, pending: int) -> None:
        message = self.saving.message
        if pending:
            self._save_line = message
            self.show_problem(message)
        elif self.status_label.text() == self._save_line:
            self.status_label.setText("")
            self.status_label.setToolTip("")
        if (page := MainWindow.session.made(self)) is not None:
            self.show_save_state(page)

    def show_save_state(self, page: SessionPage) -> None:
        """What waits to be saved, on the session page too (also when it is made)."""
        waiting = tuple(change.what for change in self.saving.queue.pending_changes())
        page.set_save_state(self.saving.message, waiting)

    def _saves_recovered(self) -> None:
        self.show_status(_("Everything pending has now been saved."), 8000)
        if (page := MainWindow.session.made(self)) is not None:
            page.show_saved(_("everything that was waiting"))

    # -- lifecycle -------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        if not self._painted:
            self._painted = True
            self.first_paint.emit()

    def closeEvent(self, event: QCloseEvent) -> None:
        engine = self.session_engine
        if engine is not None and engine.running:
            if not prompts.confirm(
                self,
                _("Quit during a session?"),
                _("A session is running. Quit anyway? Everything done so far is kept."),
                default_yes=True,
            ):
                event.ignore()
                return
            engine.end()
        # Changes the log has not taken yet are never dropped without asking.
        saving = MainWindow.saving.made(self)
        if saving is not None:
            from psoas_timer.ui.dialogs.unsaved import settle_unsaved

            if not settle_unsaved(self, saving):
                event.ignore()
                return
        self.shutdown()
        event.accept()

    def shutdown(self) -> None:
        if not self._floor_active:  # full screen is not the size to come back to
            save_geometry(self, self.paths.window_state)
        self.statusBar().clearMessage()
        # Only what was made: nothing is made just to be shut down.
        if (session := MainWindow.session.made(self)) is not None:
            session.stop()
        if (cues := MainWindow.cues.made(self)) is not None:
            cues.shutdown()
        if (voice := MainWindow.voice.made(self)) is not None:
            voice.shutdown()
        if (keep_awake := MainWindow.keep_awake.made(self)) is not None:
            keep_awake.release()
        if (mpris := MainWindow.mpris.made(self)) is not None:
            mpris.stop()
        if (reminders := MainWindow.reminders.made(self)) is not None:
            reminders.shutdown()
        if (saving := MainWindow.saving.made(self)) is not None:
            saving.stop()
