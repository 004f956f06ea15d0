"""The weekly plan's parts in the window: the scheduler, the notifier and their wiring."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from psoas_timer import APP_ID, APP_NAME
from psoas_timer.core.engine import SessionEngine
from psoas_timer.core.settings import Settings
from psoas_timer.services.notifications import DesktopNotifier
from psoas_timer.services.reminders import ReminderScheduler
from psoas_timer.services.saving import SavedItem

if TYPE_CHECKING:
    from psoas_timer.ui.main_window import MainWindow

#: Saved changes after which "done today" or the last ratings may read otherwise.
_CHANGES_THAT_MATTER = frozenset({"end", "edit", "delete", "restore", "import"})
STATUS_MS = 60_000


class Reminders:
    """Owned by the window; everything stops with it."""

    def __init__(self, window: MainWindow, busy: Callable[[], bool]) -> None:
        self.notifier = DesktopNotifier(
            APP_NAME, APP_ID, lambda line: window.show_status(line, STATUS_MS), parent=window
        )
        self.scheduler = ReminderScheduler(
            window.clocks,
            window.saving,
            self.notifier.notify,
            busy=busy,
            parent=window,
        )
        self.scheduler.lines_changed.connect(window.picker.set_reminder_lines)
        window.saving.item_saved.connect(self._saved)

    def apply(self, settings: Settings) -> None:
        self.scheduler.set_plan(settings.reminder_plan())

    def session_ended(self, engine: SessionEngine | None) -> None:
        """A reminder held back by the session is due now, unless the session did a set."""
        self.scheduler.session_ended(engine is not None and bool(engine.results))

    def _saved(self, item: SavedItem) -> None:
        if item.kind in _CHANGES_THAT_MATTER:
            self.scheduler.refresh()

    def shutdown(self) -> None:
        self.scheduler.stop()
        self.notifier.wait()
