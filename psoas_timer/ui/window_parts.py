"""The main window's parts that its first screen does not show, each made when first wanted.

The window opens on the tool picker, and that is all it builds before its first
paint. The log is opened right after it (or sooner, the moment something needs
it: nothing can write before it is open). The placement page is made when a
tool is chosen; once it is on screen, :func:`ready_for_session` makes the
session page and starts loading the cue sounds and the voice while the person
reads it, so that Start, and the first cue of a session, never wait for them.
The modules behind each part are imported here, when it is made.

Each function makes one part of ``window`` and wires it to the window; the
window keeps what it returns (see :class:`Part`) and passes on its current
settings.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Generic, TypeVar, cast, overload

from PySide6.QtCore import QTimer

from psoas_timer import APP_NAME
from psoas_timer.core.i18n import speech_locale
from psoas_timer.ui.theme import FLOOR

if TYPE_CHECKING:
    from psoas_timer.services.keepawake import KeepAwake
    from psoas_timer.services.mpris import MprisPlayer
    from psoas_timer.services.saving import SaveService
    from psoas_timer.services.sound import CuePlayer
    from psoas_timer.services.voice import Voice
    from psoas_timer.ui.main_window import MainWindow
    from psoas_timer.ui.picker.placement_page import PlacementPage
    from psoas_timer.ui.progress.commands import LogCommands
    from psoas_timer.ui.progress.page import ProgressHistoryPage
    from psoas_timer.ui.reminders import Reminders
    from psoas_timer.ui.session.session_page import SessionPage

P = TypeVar("P")


class Part(Generic[P]):
    """A part of the main window, made by ``make`` the first time it is read, then kept.

    :meth:`made` gives the part only if it exists already: for what merely passes
    something on to it (settings, a saved item, shutting down), which a part made
    later takes from the window itself. ``then`` runs once the part is in place, for
    first steps that may reach the part again through the window.
    """

    def __init__(
        self,
        make: Callable[[MainWindow], P],
        then: Callable[[MainWindow, P], None] | None = None,
    ) -> None:
        self._make = make
        self._then = then
        self._slot = ""

    def __set_name__(self, owner: type, name: str) -> None:
        self._slot = f"_part_{name}"

    @overload
    def __get__(self, window: None, owner: type) -> Part[P]: ...

    @overload
    def __get__(self, window: MainWindow, owner: type) -> P: ...

    def __get__(self, window: MainWindow | None, owner: type) -> Part[P] | P:
        if window is None:
            return self
        part = self.made(window)
        if part is None:
            part = self._make(window)
            setattr(window, self._slot, part)
            if self._then is not None:
                self._then(window, part)
        return part

    def made(self, window: MainWindow) -> P | None:
        return cast("P | None", getattr(window, self._slot, None))


def open_log(window: MainWindow) -> SaveService:
    """The save queue every write goes through, in front of the log, which is opened
    first if the window was given what opens it rather than the log itself."""
    from psoas_timer.services.saving import SaveService

    source = window.log_source
    store = source() if callable(source) else source
    saving = SaveService(store, window.clocks.wall, window)
    saving.item_saved.connect(window._item_saved)
    saving.problem.connect(window._save_problem)
    saving.pending_changed.connect(window._save_state_changed)
    saving.recovered.connect(window._saves_recovered)
    saving.refused.connect(lambda text: window.show_status(text, 15000))
    return saving


def log_opened(window: MainWindow, saving: SaveService) -> None:
    """A window that opens its log itself also replays the journal a stop kept beside
    it, before anything else can write; :attr:`MainWindow.journal_notice` says what it
    found. (Given an open log, the journal is its opener's to handle.) Then the weekly
    plan's reminders start, which read the log."""
    from psoas_timer.store.journal import journal_path

    if callable(window.log_source):
        window.journal_notice = saving.open_journal(journal_path(window.paths.database))
    window.reminders  # noqa: B018  (made on first use)


def reminders(window: MainWindow) -> Reminders:
    from psoas_timer.ui.reminders import Reminders

    made = Reminders(window, busy=window._session_running)
    made.apply(window.settings)
    return made


def log_commands(window: MainWindow) -> LogCommands:
    from psoas_timer.ui.progress.commands import LogCommands

    return LogCommands(window, window.saving, window.show_status)


def cue_player(window: MainWindow) -> CuePlayer:
    from psoas_timer.services.sound import CuePlayer

    cues = CuePlayer(window.paths.cache, window)
    cues.set_volume(window.settings.volume / 100, muted=not window.settings.sound)
    cues.set_theme(window.settings.cue_theme)
    cues.problem.connect(window.show_problem)
    return cues


def voice(window: MainWindow) -> Voice:
    from psoas_timer.services.voice import Voice

    # The engine reads the app's words in the language they are shown in.
    made = Voice(window.voice_engine, window, language=speech_locale())
    made.apply(window.settings)
    made.problem.connect(window.show_problem)
    made.problem.connect(lambda _message: window._show_speech_state())
    return made


def keep_awake(window: MainWindow) -> KeepAwake:
    from psoas_timer.services.keepawake import KeepAwake

    del window  # held for the app, not for a window
    return KeepAwake(APP_NAME)


def media_controls(window: MainWindow) -> MprisPlayer:
    """A headset's buttons and the desktop's media controls, while a session runs."""
    from psoas_timer.services.mpris import MprisPlayer, SessionControls
    from psoas_timer.services.single_instance import bring_forward

    return MprisPlayer(
        SessionControls(window.session, lambda: bring_forward(window)), parent=window
    )


def placement_page(window: MainWindow) -> PlacementPage:
    from psoas_timer.ui.picker.placement_page import PlacementPage

    page = PlacementPage()
    page.back_requested.connect(window.show_picker)
    page.safety_requested.connect(lambda: window.show_safety(first_run=False))
    page.start_requested.connect(window.start_session)
    page.diagram.set_colours(window._colours)
    window.stack.addWidget(page)
    return page


def session_page(window: MainWindow) -> SessionPage:
    from psoas_timer.ui.session.session_page import SessionPage

    page = SessionPage(window.clocks.session, window.cues, window.voice)
    page.finished.connect(window._session_finished)
    page.leave_requested.connect(window.leave_session)
    page.status.connect(window.show_status)
    page.engine_started.connect(window.saving.attach)
    page.set_log(window.saving)
    if window.catalog.safety is not None:
        page.set_safety_line(window.catalog.safety.during_set)
    floor = window.floor_mode
    page.set_colours(FLOOR if floor else window._colours, floor)
    window.stack.addWidget(page)
    # Keys that reach the window while a session shows go to the session.
    window.installEventFilter(page)
    window.show_save_state(page)  # what already waits to be saved, if anything
    return page


def progress_page(window: MainWindow) -> ProgressHistoryPage:
    # pyqtgraph is imported here, the first time the page is wanted.
    from psoas_timer.ui.progress.names import catalog_names
    from psoas_timer.ui.progress.page import ProgressHistoryPage

    names, positions = catalog_names(window.catalog)
    page = ProgressHistoryPage(
        window.saving,
        window.clocks,
        names,
        window._colours,
        window.undo_stack,
        position_names=positions,
    )
    page.back_requested.connect(window.show_picker)
    page.export_chart_requested.connect(window.export_chart)
    page.report_requested.connect(window.export_report)
    page.history.message.connect(lambda text: window.show_status(text, 10000))
    window.stack.addWidget(page)
    return page


def ready_for_session(window: MainWindow) -> None:
    """Ready what Start needs while the placement page is read: the session page, the
    cue sounds and the voice. One part a turn of the event loop, so the page stays
    responsive meanwhile; none once the page is left."""

    def make_session_page() -> None:
        window.session  # noqa: B018  (made on first use)

    def warm_sound() -> None:
        window.cues.warm()

    def warm_voice() -> None:
        if window.settings.voice:  # so that a missing engine is known before Start
            window.voice.preload()

    steps: list[Callable[[], None]] = [make_session_page, warm_sound, warm_voice]

    def next_step() -> None:
        if steps and window.stack.currentWidget() is window.placement:
            steps.pop(0)()
            QTimer.singleShot(0, next_step)

    next_step()
