"""The weekly plan at work while the app runs: the picker's lines and the reminder itself.

Nothing runs once the app has quit: no background process, no autostart.
Timing follows the clock seam's wall clock. Rather than trust one timer set
hours ahead (a computer that sleeps, or whose clock is set, would make it
fire late or never), the scheduler wakes at least every
:data:`RECHECK_MS` and works out again what is due; it wakes exactly at the
planned time or at midnight when either comes sooner.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date, datetime, timedelta, tzinfo
from typing import Final

from PySide6.QtCore import QObject, QTimer, Signal

from psoas_timer.core.clock import Clocks
from psoas_timer.core.i18n import N_, _
from psoas_timer.core.reminders import (
    BeforeRatings,
    WeeklyPlan,
    format_time,
    last_rated,
    local_day,
    next_midnight,
    plan_line,
    reminder_due,
    tighter_side_line,
)
from psoas_timer.services.saving import SaveService
from psoas_timer.store import SessionSummary, StoreError

log = logging.getLogger(__name__)

#: The longest the scheduler trusts a timer before looking at the clock again.
RECHECK_MS: Final = 60_000
#: How far back "last time" looks; a rating older than this says little about today.
LOOK_BACK: Final = timedelta(days=90)
SUMMARY: Final = N_("Time for your psoas release")


def before_ratings(summary: SessionSummary) -> BeforeRatings:
    sides = ("left", "right") if summary.sides == "both" else (summary.sides,)
    return BeforeRatings(summary.started_at, summary.left.before, summary.right.before, sides)


class ReminderScheduler(QObject):
    """Works out the picker's lines and shows the reminder at the planned time.

    ``busy`` says whether a session is running: the reminder then waits for
    :meth:`refresh` after it ends. ``notify`` shows it (summary, body).
    """

    #: The lines may have changed: (the plan's line, the sides' line), "" when none.
    lines_changed = Signal(str, str)

    def __init__(
        self,
        clocks: Clocks,
        saving: SaveService,
        notify: Callable[[str, str], None],
        busy: Callable[[], bool],
        tz: tzinfo | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._clocks = clocks
        self._saving = saving
        self._notify = notify
        self._busy = busy
        self._tz = tz
        self._plan: WeeklyPlan | None = None
        self._armed_for: datetime | None = None
        self._day: date | None = None
        self._done_today = False
        # The day a session with sets ended here: done, even while its sets
        # wait to be written (a full disk) and the log cannot show them yet.
        self._ran_on: date | None = None
        self._last: BeforeRatings | None = None
        self.lines = ("", "")
        self.timer = QTimer(self)
        self.timer.setObjectName("reminderTimer")
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(self.check)

    @property
    def armed_for(self) -> datetime | None:
        """The planned time the next reminder is for, or ``None`` without a plan."""
        return self._armed_for

    def set_plan(self, plan: WeeklyPlan | None) -> None:
        if plan == self._plan and self._day is not None:
            return
        self._plan = plan
        # Armed from now on: a time that passed before the plan was set (or
        # before the app started) is not announced late; the picker says it.
        self._armed_for = plan.next_due(self._clocks.wall(), self._tz) if plan else None
        self.refresh()

    def session_ended(self, with_sets: bool) -> None:
        """A session ended here; one with a set counts as today's."""
        if with_sets:
            self._ran_on = local_day(self._clocks.wall(), self._tz)
        self.refresh()

    def refresh(self) -> None:
        """Read today's sessions and the last ratings again, then look at the clock."""
        now = self._clocks.wall()
        self._day = local_day(now, self._tz)
        done, self._last = self._read(now)
        self._done_today = done or self._ran_on == self._day
        self.check()

    def _read(self, now: datetime) -> tuple[bool, BeforeRatings | None]:
        today = local_day(now, self._tz)
        try:
            summaries = self._saving.sessions_since(now - LOOK_BACK)
        except StoreError as exc:
            log.info("the weekly plan cannot read the log: %s", exc)
            return False, None
        finished = [s for s in summaries if s.status != "running"]
        done = any(
            s.set_count > 0 and local_day(s.started_at, self._tz) == today for s in summaries
        )
        return done, last_rated(before_ratings(s) for s in finished)

    def check(self) -> None:
        now = self._clocks.wall()
        if local_day(now, self._tz) != self._day:
            self.refresh()  # midnight passed: a new day, and maybe sessions done meanwhile
            return
        plan, armed = self._plan, self._armed_for
        if plan is not None and armed is not None and now >= armed and not self._busy():
            if reminder_due(armed, now, self._done_today, self._tz):
                self._notify(
                    _(SUMMARY),
                    _("Your plan has a session today at {time}.").format(time=format_time(plan.at)),
                )
            # Shown, done already, or its day gone by: on to the next planned time.
            self._armed_for = plan.next_due(max(now, armed + timedelta(seconds=1)), self._tz)
        self._show_lines(now)
        self._rearm(now)

    def _show_lines(self, now: datetime) -> None:
        plan = self._plan
        first = plan_line(plan, now, self._done_today, self._tz) if plan else ""
        lines = (first, tighter_side_line(self._last) or "")
        if lines != self.lines:
            self.lines = lines
            self.lines_changed.emit(*lines)

    def _rearm(self, now: datetime) -> None:
        if self._plan is None:  # without a plan nothing changes with the time of day
            self.timer.stop()
            return
        wake = next_midnight(now, self._tz)
        if self._armed_for is not None and not self._busy():
            wake = min(wake, self._armed_for)
        wait_ms = (wake - now).total_seconds() * 1000
        self.timer.start(int(max(0, min(wait_ms, RECHECK_MS))))

    def stop(self) -> None:
        self.timer.stop()
