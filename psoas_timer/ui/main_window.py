"""The main window: tool picker → placement → session, with menus and settings."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Mapping
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeyEvent, QKeySequence, QPaintEvent, QUndoStack
from PySide6.QtWidgets import (
    QFileDialog,
    QLabel,
    QMainWindow,
    QMenu,
    QMessageBox,
    QStackedWidget,
)

from psoas_timer import APP_NAME, __version__
from psoas_timer.core.catalog import Catalog
from psoas_timer.core.clock import Clock, WallClock, system_wall
from psoas_timer.core.fileio import atomic_write
from psoas_timer.core.plan import build_plan
from psoas_timer.core.progress import DateRange
from psoas_timer.core.settings import Settings, save_settings
from psoas_timer.paths import Paths
from psoas_timer.services.keepawake import KeepAwake
from psoas_timer.services.saving import Recorder
from psoas_timer.services.sound import CuePlayer
from psoas_timer.services.voice import Voice
from psoas_timer.store import (
    ImportFileError,
    Moment,
    Session,
    Side,
    Store,
    StoreError,
    StoreWriteError,
    export_to_path,
    import_file,
)
from psoas_timer.ui.dialogs.keys import KeysDialog
from psoas_timer.ui.dialogs.next_day import NextDayChoice, offer_next_day_check
from psoas_timer.ui.dialogs.recovery import RecoveryChoice, RecoveryDialog
from psoas_timer.ui.dialogs.safety import SafetyDialog
from psoas_timer.ui.dialogs.settings import SettingsDialog
from psoas_timer.ui.picker.picker_page import PickerPage
from psoas_timer.ui.picker.placement_page import PlacementPage
from psoas_timer.ui.progress.report import catalog_names
from psoas_timer.ui.progress.report_command import save_report_from_window
from psoas_timer.ui.session.session_page import SessionPage
from psoas_timer.ui.theme import FLOOR, apply_theme

if TYPE_CHECKING:
    from psoas_timer.ui.progress.page import ProgressHistoryPage

log = logging.getLogger(__name__)


def _set_rating(
    store: Store, session_id: int, side: Side, moment: Moment, value: int | None
) -> None:
    if value is None:
        store.clear_rating(session_id, side, moment)
    else:
        store.record_rating(session_id, side, moment, value)


class MainWindow(QMainWindow):
    first_paint = Signal()

    def __init__(
        self,
        catalog: Catalog,
        settings: Settings,
        paths: Paths,
        clock: Clock,
        store: Store | None,
        voice_engine: str | None = None,
    ) -> None:
        super().__init__()
        self.setWindowTitle(APP_NAME)
        self.setMinimumSize(760, 520)
        self.catalog = catalog
        self.settings = settings
        self.paths = paths
        self.store = store
        self.keep_awake = KeepAwake(APP_NAME)
        self._painted = False
        self._floor_active = False

        self.cues = CuePlayer(paths.cache, self)
        self.voice = Voice(voice_engine, self)
        self.cues.problem.connect(self.show_problem)
        self.voice.problem.connect(self.show_problem)

        self.stack = QStackedWidget()
        self.setCentralWidget(self.stack)
        self.picker = PickerPage()
        self.picker.set_catalog(catalog)
        self.picker.chosen.connect(self.show_tool)
        self.picker.progress_requested.connect(self.show_progress)
        self.placement = PlacementPage()
        self.placement.back_requested.connect(self.show_picker)
        self.placement.safety_requested.connect(lambda: self.show_safety(first_run=False))
        self.placement.start_requested.connect(self.start_session)
        self.session = SessionPage(clock, self.cues, self.voice)
        self.session.finished.connect(self._session_finished)
        self.session.leave_requested.connect(self.leave_session)
        self.session.floor_mode_toggled.connect(self.toggle_floor_mode)
        self.session.status.connect(self.show_status)
        if catalog.safety is not None:
            self.session.set_safety_line(catalog.safety.during_set)
        for page in (self.picker, self.placement, self.session):
            self.stack.addWidget(page)

        self.undo_stack = QUndoStack(self)
        self.progress_page: ProgressHistoryPage | None = None
        #: "Now" for the next-day check and the report; tests set their own.
        self.wall_clock: WallClock = system_wall

        self.recorder: Recorder | None = None
        if store is not None:
            self.recorder = Recorder(store, self)
            self.recorder.saved.connect(lambda what: self.show_status(f"Saved: {what}.", 4000))
            self.recorder.problem.connect(self._save_problem)
            self.recorder.recovered.connect(self._saves_recovered)
            self.session.engine_started.connect(self.recorder.attach)
        self.status_label = QLabel()
        self.status_label.setAccessibleName("Lasting problem")
        self.statusBar().addPermanentWidget(self.status_label)
        self.statusBar().messageChanged.connect(self._status_changed)
        self._build_menus()
        self.apply_settings(settings)
        self._restore_geometry()

    # -- menus -------------------------------------------------------------

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        self._action(file_menu, "&Export log…", self.export_log, "Ctrl+E")
        self._action(file_menu, "&Import log…", self.import_log, "Ctrl+I")
        self._action(file_menu, "Save &chart…", self.export_chart, "Ctrl+Shift+S")
        file_menu.addSeparator()
        self._action(file_menu, "&Quit", self.close, QKeySequence.StandardKey.Quit)
        edit = bar.addMenu("&Edit")
        undo = self.undo_stack.createUndoAction(self, "&Undo")
        undo.setShortcut(QKeySequence(QKeySequence.StandardKey.Undo))
        redo = self.undo_stack.createRedoAction(self, "&Redo")
        redo.setShortcut(QKeySequence(QKeySequence.StandardKey.Redo))
        edit.addAction(undo)
        edit.addAction(redo)
        view = bar.addMenu("&View")
        self._action(view, "&Tools", self.show_picker, "Ctrl+T")
        self._action(view, "&Progress and history", self.show_progress, "Ctrl+H")
        self.floor_action = self._action(view, "&Floor mode", self.toggle_floor_mode, "F11")
        self.floor_action.setCheckable(True)
        settings_menu = bar.addMenu("&Settings")
        self._action(
            settings_menu, "&Preferences…", self.open_settings, QKeySequence.StandardKey.Preferences
        )
        help_menu = bar.addMenu("&Help")
        self._action(help_menu, "&Safety", lambda: self.show_safety(first_run=False))
        self._action(help_menu, "&Keyboard controls", self.show_keys, "F1")
        self._action(help_menu, f"&About {APP_NAME}", self.show_about)

    def _action(
        self,
        menu: QMenu,
        text: str,
        slot: Callable[[], object],
        shortcut: str | QKeySequence.StandardKey | None = None,
    ) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(slot)
        menu.addAction(action)
        self.addAction(action)
        return action

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
            self.show_status(f"No tool called '{tool_id}'. Known tools: {known}.", 10000)
            return False
        self.placement.show_tool(
            tool, self.settings.sides, self.settings.units, self.catalog.stretches
        )
        self.stack.setCurrentWidget(self.placement)
        self.setWindowTitle(f"{tool.name} — {APP_NAME}")
        return True

    def show_progress(self) -> ProgressHistoryPage | None:
        if self._session_running():
            return None
        page = self.progress_page
        if page is None:
            # pyqtgraph is imported here, the first time the page is wanted.
            from psoas_timer.ui.progress.page import ProgressHistoryPage

            names, positions = catalog_names(self.catalog)
            page = ProgressHistoryPage(
                self.store,
                names,
                self._colours,
                self._write,
                self.undo_stack,
                position_names=positions,
            )
            page.back_requested.connect(self.show_picker)
            page.export_chart_requested.connect(self.export_chart)
            page.report_requested.connect(self.export_report)
            page.history.message.connect(lambda text: self.show_status(text, 10000))
            self.stack.addWidget(page)
            self.progress_page = page
        page.reload()
        self.stack.setCurrentWidget(page)
        self.setWindowTitle(f"Progress — {APP_NAME}")
        return page

    def start_session(self, tool_id: str, position_id: str, sides: str) -> None:
        # Never skipped: the catalog always holds a safety notice (its built-in copy
        # when safety.toml cannot be used), and no session starts until it is read.
        if not self.settings.safety_acknowledged and not self.show_safety(first_run=True):
            return
        tool = self.catalog.tool(tool_id)
        options = replace(self.settings.plan_options(), units=self.settings.units)
        plan = build_plan(tool, position_id, sides, options, self.catalog.stretches)  # type: ignore[arg-type]
        self.stack.setCurrentWidget(self.session)
        if self.settings.floor_mode:
            self.set_floor_mode(True)
        self.keep_awake.acquire()
        self.session.start(plan)

    def _session_running(self) -> bool:
        engine = self.session.engine
        return engine is not None and engine.running

    def _session_finished(self, completed: bool) -> None:
        self.keep_awake.release()
        self.show_status("Session complete: saved." if completed else "Session ended: saved.")
        if self.progress_page is not None:
            self.progress_page.reload()

    # -- the log: writes, recovery, export and import ---------------------------

    def _write(self, what: str, write: Callable[[], None]) -> None:
        """Write now; if the disk refuses, keep the change in memory and retry."""
        try:
            write()
        except StoreWriteError:
            if self.recorder is None:
                raise
            self.recorder.save(what, write)

    def recovery_candidates(self) -> list[Session]:
        """Sessions the log still shows as running that are not running here."""
        if self.store is None:
            return []
        current = self.recorder.session_id if self.recorder is not None else None
        try:
            found = self.store.interrupted_sessions()
        except StoreError as exc:
            log.warning("interrupted sessions not read: %s", exc)
            return []
        if self._session_running():
            found = [s for s in found if s.id != current]
        return found

    def offer_recovery(self) -> None:
        store = self.store
        for session in self.recovery_candidates():
            assert store is not None
            try:
                sets = store.sets(session.id)
                ratings = store.ratings(session.id)
            except StoreError as exc:
                self.show_status(f"An unfinished session could not be read: {exc}")
                continue
            tool = self.catalog.tools.get(session.tool_id)
            dialog = RecoveryDialog(
                session, tool.name if tool else session.tool_id, len(sets), ratings, self
            )
            dialog.exec()
            self.apply_recovery(session, dialog.choice, dialog.changed_ratings())

    def apply_recovery(
        self,
        session: Session,
        choice: RecoveryChoice,
        ratings: Mapping[tuple[Side, Moment], int | None],
    ) -> None:
        store = self.store
        if choice is RecoveryChoice.LATER or store is None:
            return
        session_id = session.id
        for (side, moment), value in ratings.items() if choice is RecoveryChoice.RATE else ():

            def write(
                side: Side = side, moment: Moment = moment, value: int | None = value
            ) -> None:
                if value is None:
                    store.clear_rating(session_id, side, moment)
                else:
                    store.record_rating(session_id, side, moment, value)

            self._write(f"{side} {moment} rating", write)
        self._write("unfinished session closed", lambda: store.mark_interrupted(session_id))
        self.show_status("The unfinished session is kept in your history.", 8000)
        if self.progress_page is not None:
            self.progress_page.reload()

    def export_log(self) -> None:
        if self.store is None:
            self.show_status("There is no log open to export.", 8000)
            return
        path, chosen = QFileDialog.getSaveFileName(
            self,
            "Export the log",
            str(Path.home() / "psoas-timer-log.csv"),
            "CSV, for spreadsheets (*.csv);;JSON (*.json)",
        )
        if not path:
            return
        target = Path(path)
        if not target.suffix:
            target = target.with_suffix(".json" if "json" in chosen.lower() else ".csv")
        try:
            count = export_to_path(self.store, target)
        except StoreError as exc:
            QMessageBox.warning(self, "Export failed", f"{exc}")
            return
        self.show_status(f"Exported {count} sessions to {target}.", 10000)

    def import_log(self) -> None:
        if self.store is None:
            self.show_status("There is no log open to import into.", 8000)
            return
        path, _ = QFileDialog.getOpenFileName(
            self, "Import a log", str(Path.home()), "Logs (*.csv *.json);;All files (*)"
        )
        if path:
            self.import_from(Path(path))

    def import_from(self, path: Path) -> bool:
        assert self.store is not None
        try:
            report = import_file(self.store, path)
        except ImportFileError as exc:
            QMessageBox.warning(self, "Nothing was imported", str(exc))
            return False
        except StoreError as exc:
            QMessageBox.warning(self, "Nothing was imported", f"{exc}")
            return False
        skipped = (
            f" {report.sessions_skipped} were already in the log."
            if report.sessions_skipped
            else ""
        )
        self.show_status(f"Imported {report.sessions_added} sessions from {path.name}.{skipped}")
        if self.progress_page is not None:
            self.progress_page.reload()
        return True

    def offer_next_day_check(self) -> None:
        """On start: how does the area feel since the last session? (ui/dialogs/next_day.py)"""
        if self.store is None or self._session_running():
            return
        names, _ = catalog_names(self.catalog)
        choice = offer_next_day_check(self.store, self.wall_clock(), names, self, self._write)
        if choice is NextDayChoice.ANSWERED:
            self.show_status("Thank you: saved with your last session.", 8000)
        if choice is not None and self.progress_page is not None:
            self.progress_page.reload()

    def export_report(self) -> None:
        """File → Report…: a PDF for the physiotherapist over the range the charts show."""
        page = self.progress_page
        shown = page.progress.range_box.currentData() if page is not None else None
        date_range = shown if isinstance(shown, DateRange) else DateRange.LAST_90_DAYS
        now = self.wall_clock()
        path = save_report_from_window(self, self.store, self.catalog, date_range, now)
        if path is not None:
            self.show_status(f"Report saved to {path}.", 10000)

    def export_chart(self) -> None:
        page = self.progress_page
        if page is None or self.stack.currentWidget() is not page:
            page = self.show_progress()
        if page is None:
            return
        path, chosen = QFileDialog.getSaveFileName(
            self,
            "Save the chart",
            str(Path.home() / "psoas-timer-progress.png"),
            "PNG image (*.png);;SVG drawing (*.svg)",
        )
        if path:
            self.save_chart(Path(path), "svg" if "svg" in chosen.lower() else "png")

    def save_chart(self, path: Path, default_format: str = "png") -> bool:
        from psoas_timer.ui.progress.charts import ChartExportError

        page = self.progress_page
        if page is None:
            return False
        if not path.suffix:
            path = path.with_suffix(f".{default_format}")
        try:
            page.progress.export_chart(path)
        except ChartExportError as exc:
            QMessageBox.warning(self, "Chart not saved", str(exc))
            return False
        self.show_status(f"Chart saved to {path}.", 10000)
        return True

    def leave_session(self) -> None:
        self.session.stop()
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
            self.session.set_colours(FLOOR, floor=True)
        else:
            if self.isFullScreen():
                self.showNormal()
            self.menuBar().show()
            self.statusBar().show()
            self.session.set_colours(self._colours, floor=False)

    @property
    def floor_mode(self) -> bool:
        return self._floor_active

    # -- dialogs -------------------------------------------------------------

    def show_safety(self, first_run: bool) -> bool:
        dialog = SafetyDialog(self.catalog.safety, first_run, self)
        accepted = dialog.exec() == SafetyDialog.DialogCode.Accepted
        if first_run and accepted:
            self.update_settings(self.settings.with_changes(safety_acknowledged=True))
        return accepted

    def show_keys(self) -> None:
        KeysDialog(self).exec()

    def show_about(self) -> None:
        QMessageBox.about(
            self,
            f"About {APP_NAME}",
            f"<b>{APP_NAME}</b> {__version__}<p>Breath-paced psoas self-release with a "
            "tenderness log. It does not diagnose or treat anything; see Help → Safety.</p>"
            f"<p>Your data: {self.paths.data}</p>",
        )

    def open_settings(self) -> None:
        dialog = SettingsDialog(self.settings, self)
        if dialog.exec() == SettingsDialog.DialogCode.Accepted:
            self.update_settings(dialog.result_settings())

    def update_settings(self, settings: Settings) -> None:
        self.settings = settings
        try:
            save_settings(self.paths.settings, settings)
        except OSError as exc:
            self.show_status(
                f"Settings could not be saved ({exc.strerror}); they apply until you quit.", 10000
            )
        self.apply_settings(settings)

    def apply_settings(self, settings: Settings) -> None:
        from PySide6.QtWidgets import QApplication

        app = QApplication.instance()
        assert isinstance(app, QApplication)
        self._colours = apply_theme(app, settings.theme)
        self.session.set_colours(FLOOR if self._floor_active else self._colours, self._floor_active)
        self.placement.diagram.set_colours(self._colours)
        if self.progress_page is not None:
            self.progress_page.set_colours(self._colours)
        self.cues.set_volume(settings.volume / 100, muted=not settings.sound)
        self.voice.set_enabled(settings.voice)
        self.voice.set_volume(settings.volume / 100)

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

    def _save_problem(self, message: str) -> None:
        self.show_problem(message)
        self.session.notice.setText(message)

    def _saves_recovered(self) -> None:
        self.status_label.setText("")
        self.status_label.setToolTip("")
        self.show_status("Everything pending has now been saved.", 8000)

    # -- lifecycle -------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        if not self._painted:
            self._painted = True
            self.first_paint.emit()

    def _restore_geometry(self) -> None:
        try:
            data = json.loads(self.paths.window_state.read_text("utf-8"))
            geometry = QByteArray.fromBase64(data["geometry"].encode("ascii"))
            if not self.restoreGeometry(geometry):
                raise ValueError("not a window geometry")
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            self.resize(1100, 760)

    def _save_geometry(self) -> None:
        if self._floor_active:
            return
        payload = {"geometry": bytes(self.saveGeometry().toBase64().data()).decode("ascii")}
        try:
            atomic_write(self.paths.window_state, json.dumps(payload).encode("utf-8"))
        except OSError as exc:
            log.warning("window size not saved: %s", exc)

    def closeEvent(self, event: QCloseEvent) -> None:
        engine = self.session.engine
        if engine is not None and engine.running:
            answer = QMessageBox.question(
                self,
                "Quit during a session?",
                "A session is running. Quit anyway? Everything done so far is kept.",
            )
            if answer != QMessageBox.StandardButton.Yes:
                event.ignore()
                return
            engine.end()
        self.shutdown()
        event.accept()

    def shutdown(self) -> None:
        self._save_geometry()
        self.statusBar().clearMessage()
        self.session.stop()
        self.voice.shutdown()
        self.keep_awake.release()
        if self.recorder is not None:
            self.recorder.stop()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        # Keys reach the session page even if focus wandered to the window.
        if self.stack.currentWidget() is self.session:
            self.session.keyPressEvent(event)
            return
        super().keyPressEvent(event)
