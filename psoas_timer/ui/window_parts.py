"""The main window's parts that its first screen does not show, each made when first wanted.

The window opens on the tool picker, and that is all it builds before its first
paint. The log is opened right after it (or sooner, the moment something needs
it: nothing can write before it is open). The placement page is made when a
tool is chosen; once it is on screen, :func:`ready_for_session` makes the
session page and starts loading the cue sounds and the voice while the person
reads it, so that Start, and the first cue of a session, never wait for them.
The modules behind each part are imported here, when it is made.

Each function makes one part of ``window`` and wires it to the window; the
window keeps what it returns and passes on its current settings.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer

from psoas_timer import APP_NAME
from psoas_timer.ui.theme import FLOOR

if TYPE_CHECKING:
    from psoas_timer.services.keepawake import KeepAwake
    from psoas_timer.services.saving import SaveService
    from psoas_timer.services.sound import CuePlayer
    from psoas_timer.services.voice import Voice
    from psoas_timer.store import Store
    from psoas_timer.store.saving import UnavailableStore
    from psoas_timer.ui.main_window import MainWindow
    from psoas_timer.ui.picker.placement_page import PlacementPage
    from psoas_timer.ui.progress.commands import LogCommands
    from psoas_timer.ui.session.session_page import SessionPage


def open_log(
    window: MainWindow, source: Store | UnavailableStore | Callable[[], Store | UnavailableStore]
) -> SaveService:
    """The save queue in front of the log, opening the log first if it is not open."""
    from psoas_timer.services.saving import SaveService

    store = source() if callable(source) else source
    saving = SaveService(store, window.clocks.wall, window)
    saving.item_saved.connect(window._item_saved)
    saving.problem.connect(window._save_problem)
    saving.pending_changed.connect(window._save_state_changed)
    saving.recovered.connect(window._saves_recovered)
    saving.refused.connect(lambda text: window.show_status(text, 15000))
    return saving


def log_commands(window: MainWindow) -> LogCommands:
    from psoas_timer.ui.progress.commands import LogCommands

    return LogCommands(window, window.saving, window.show_status)


def cue_player(window: MainWindow) -> CuePlayer:
    from psoas_timer.services.sound import CuePlayer

    cues = CuePlayer(window.paths.cache, window)
    cues.set_volume(window.settings.volume / 100, muted=not window.settings.sound)
    cues.problem.connect(window.show_problem)
    return cues


def voice(window: MainWindow, engine: str | None) -> Voice:
    from psoas_timer.services.voice import Voice

    made = Voice(engine, window)
    made.set_enabled(window.settings.voice)
    made.set_volume(window.settings.volume / 100)
    made.problem.connect(window.show_problem)
    return made


def keep_awake() -> KeepAwake:
    from psoas_timer.services.keepawake import KeepAwake

    return KeepAwake(APP_NAME)


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
    if window.catalog.safety is not None:
        page.set_safety_line(window.catalog.safety.during_set)
    floor = window.floor_mode
    page.set_colours(FLOOR if floor else window._colours, floor)
    window.stack.addWidget(page)
    # Keys that reach the window while a session shows go to the session.
    window.installEventFilter(page)
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
        window.voice.preload()

    steps: list[Callable[[], None]] = [make_session_page, warm_sound, warm_voice]

    def next_step() -> None:
        if steps and window.stack.currentWidget() is window.placement:
            steps.pop(0)()
            QTimer.singleShot(0, next_step)

    next_step()
