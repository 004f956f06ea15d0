"""QApplication set-up: the one place that joins paths, settings, catalog, clocks, store
and window."""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QMessageBox

from psoas_timer import APP_ID, APP_NAME, __version__
from psoas_timer.core.catalog import builtin_root, load_catalog
from psoas_timer.core.clock import Clocks, WallClock, system_wall
from psoas_timer.core.i18n import N_, _, choose_language, install
from psoas_timer.core.settings import load_settings
from psoas_timer.paths import Paths

if TYPE_CHECKING:
    from psoas_timer.store import Store
    from psoas_timer.store.saving import UnavailableStore

log = logging.getLogger(__name__)


def app_icon() -> QIcon:
    icon_file = builtin_root() / "icons" / "psoas-timer.svg"
    if not icon_file.is_file():
        return QIcon()
    # The SVG icon engine draws each size when it is first asked for.
    return QIcon(str(icon_file))


def make_application(argv: list[str] | None = None) -> QApplication:
    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        return existing
    app = QApplication(argv if argv is not None else sys.argv[:1])
    app.setApplicationName("psoas-timer")
    app.setApplicationDisplayName(APP_NAME)
    app.setApplicationVersion(__version__)
    app.setDesktopFileName(APP_ID)
    app.setWindowIcon(app_icon())
    return app


#: What happens to a session when the log could not be opened.
NOT_SAVED_THIS_TIME = N_(
    "Nothing will be saved to the log this time: sessions run, what you do is kept in "
    "memory, and when you quit you can save it to a file that File → Import log reads back."
)


def open_store(
    paths: Paths, wall: WallClock = system_wall
) -> tuple[Store | UnavailableStore, str | None]:
    """Open the log; on a problem return a stand-in and a message that says what to do."""
    from psoas_timer.store import (
        GUI_BUSY_TIMEOUT_MS,
        CorruptDatabaseError,
        Store,
        StoreError,
        quarantine,
    )
    from psoas_timer.store.saving import UnavailableStore

    def unavailable(message: str) -> tuple[UnavailableStore, str]:
        return UnavailableStore(message), message

    try:
        store = Store.open(paths.database, clock=wall, busy_timeout_ms=GUI_BUSY_TIMEOUT_MS)
        return store, store.notice
    except CorruptDatabaseError as exc:
        try:
            moved = quarantine(paths.database, now=wall().astimezone())
        except OSError as move_error:
            return unavailable(
                _(
                    "{problem} It could not be moved aside ({error}). {not_saved} Move the file "
                    "away by hand and start again."
                ).format(problem=exc, error=move_error.strerror, not_saved=_(NOT_SAVED_THIS_TIME))
            )
        try:
            store = Store.open(paths.database, clock=wall, busy_timeout_ms=GUI_BUSY_TIMEOUT_MS)
        except StoreError as again:
            return unavailable(f"{again} {_(NOT_SAVED_THIS_TIME)}")
        return store, _(
            "The log file was damaged and has been kept as {file}. A new, empty log was "
            "started; your old file is untouched if you want to recover it."
        ).format(file=moved)
    except StoreError as exc:
        return unavailable(
            _(
                "{problem} {not_saved} Check that {folder} is writable and its disk "
                "has free space, then start the app again."
            ).format(problem=exc, not_saved=_(NOT_SAVED_THIS_TIME), folder=paths.data)
        )


#: How long start-up waits for the first paint before going on without it.
UNPAINTED_GRACE_MS = 3000


def run(
    paths: Paths,
    tool_id: str | None,
    smoke: bool,
    time_scale: float,
    process_age: Callable[[], float],
) -> int:
    from psoas_timer.ui.main_window import MainWindow

    app = make_application()
    paths.ensure()
    settings, settings_message = load_settings(paths.settings)
    # Before the first word shown (a second start's question included), the
    # catalog and the first widget: all are made in the chosen language.
    language = install(choose_language(settings.language))
    _install_qt_words(app, language)
    use_numbers_of(language)
    # One running copy per data folder: a second start only brings it forward.
    from psoas_timer.services.single_instance import Claim, SingleInstance, bring_forward

    instance = SingleInstance(paths.lock_name, paths.data, app)
    claim = instance.claim()
    if claim is Claim.BUSY and not smoke:
        # From a desktop launcher stderr is silence: ask, and maybe take over.
        from psoas_timer.ui.dialogs.second_start import start_anyway

        if start_anyway(instance, paths.data):
            claim = Claim.FIRST
    if claim is not Claim.FIRST:
        state = (
            _("its window was brought to the front")
            if claim is Claim.RAISED
            else _("not answering")
        )
        print(
            "psoas-timer: "
            + _("already running for {folder} ({state}).").format(folder=paths.data, state=state),
            file=sys.stderr,
        )
        return 0 if claim is Claim.RAISED else 1
    catalog = load_catalog(user_tools=paths.user_tools)
    for error in catalog.errors:
        log.warning("catalog: %s", error)
    # The app's only clocks: every "now", for pacing and for stamps, comes from here.
    clocks = Clocks.real(time_scale)
    messages = [settings_message]

    def open_log() -> Store | UnavailableStore:
        store, store_message = open_store(paths, clocks.wall)
        messages.append(store_message)
        return store

    # The log is opened, checked and its journal replayed once the window is on
    # screen, or sooner if something needs it first (window_parts.open_log):
    # nothing writes to it before then.
    window = MainWindow(catalog, settings, paths, clocks, open_log)
    from psoas_timer.services.stop_signals import StopSignals

    def keep_and_quit() -> None:
        from psoas_timer.ui.dialogs.unsaved import keep_and_quit

        keep_and_quit(window)

    stops = StopSignals(parent=app)
    stops.received.connect(lambda number: keep_and_quit())
    instance.activation_requested.connect(lambda: bring_forward(window))
    if tool_id is not None and not window.show_tool(tool_id):
        known = ", ".join(catalog.tools)
        print(
            "psoas-timer: "
            + _("no tool '{tool}'. Known tools: {known}").format(tool=tool_id, known=known),
            file=sys.stderr,
        )

    def report() -> None:
        print(f"first paint after {process_age():.3f} s", flush=True)
        window.open_log()  # still opened and checked, as in every start
        window.shutdown()
        app.quit()

    # A window that starts hidden (minimised by the desktop, say) is never
    # painted: the log, its messages and the questions below still come.
    unpainted = QTimer(window)
    unpainted.setSingleShot(True)
    begun = False

    def settle() -> None:
        """What every start does once the window is on screen, in this order."""
        nonlocal begun
        if begun:
            return
        begun = True
        unpainted.stop()
        # Changes a stop kept last time are saved first; what waits at a stop is kept.
        window.open_log()
        for message in messages:
            if message:
                QMessageBox.warning(window, APP_NAME, message)
        kept = window.journal_notice
        if kept is not None:
            (QMessageBox.warning if kept.problem else QMessageBox.information)(
                window, APP_NAME, kept.text
            )
        if not window.settings.safety_acknowledged and catalog.safety is not None:
            QTimer.singleShot(0, lambda: window.show_safety(first_run=True))
        # After the safety notice: a session cut short by a crash is offered back,
        # then the next-day check about the last session, when it is due.
        QTimer.singleShot(0, window.offer_recovery)
        QTimer.singleShot(0, window.offer_next_day_check)

    if smoke:

        def give_up() -> None:
            print("the main window never painted", file=sys.stderr, flush=True)
            app.exit(1)

        QTimer.singleShot(30_000, give_up)
    else:
        unpainted.timeout.connect(settle)
        unpainted.start(UNPAINTED_GRACE_MS)
    window.first_paint.connect(lambda: QTimer.singleShot(0, report if smoke else settle))
    window.show()
    try:
        # Stopped during the start-up's own questions: that stop is handled already.
        return 0 if stops.fired else app.exec()
    finally:
        unpainted.stop()
        stops.close()
        # The log in use now, which a restore may have replaced; none if never opened.
        saving = MainWindow.saving.made(window)
        if saving is not None:
            saving.close()
        instance.release()


def _install_qt_words(app: QApplication, language: str) -> None:
    """Qt's own words (Ctrl, Close, Cancel) in ``language``, from the translations Qt ships."""
    from PySide6.QtCore import QLibraryInfo, QTranslator

    translator = QTranslator(app)
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    if translator.load(f"qtbase_{language}", folder):
        app.installTranslator(translator)


def use_numbers_of(language: str) -> None:
    """Qt's widgets write numbers the language's way ("4,5 s" in German). A system that
    already speaks the language keeps its own variant (de_AT, de_CH) and its formats."""
    from PySide6.QtCore import QLocale

    from psoas_timer.core.i18n import PSEUDO

    if language == PSEUDO or QLocale.system().language() == QLocale(language).language():
        return
    QLocale.setDefault(QLocale(language))
