"""The weekly plan at work: the reminder's timing on a fake clock, and the picker's lines."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from pytestqt.qtbot import QtBot

from psoas_timer.core.clock import Clocks, FakeClock
from psoas_timer.core.reminders import WEEKDAYS, WeeklyPlan
from psoas_timer.services.reminders import RECHECK_MS, SUMMARY, ReminderScheduler
from psoas_timer.services.saving import SaveService
from psoas_timer.store import SetRecord, Store
from psoas_timer.ui.main_window import MainWindow
from tests.helpers import QUICK_SETTINGS

BERLIN = ZoneInfo("Europe/Berlin")
MWF = WeeklyPlan(("mon", "wed", "fri"), time(19, 0))
#: 2026-11-30 is a Monday.
MONDAY = datetime(2026, 11, 30, tzinfo=BERLIN)


class Setup:
    def __init__(self, folder: Path, origin: datetime) -> None:
        folder.mkdir()
        self.clock = FakeClock()
        self.clocks = Clocks.following(self.clock, origin)
        self.store = Store.open(folder / "log.sqlite3")
        self.saving = SaveService(self.store, self.clocks.wall)
        self.shown: list[tuple[str, str]] = []
        self.busy = False
        self.scheduler = ReminderScheduler(
            self.clocks,
            self.saving,
            lambda summary, body: self.shown.append((summary, body)),
            lambda: self.busy,
            tz=BERLIN,
        )

    def to(self, moment: datetime) -> None:
        """Let wall time reach ``moment`` (as after a sleep), then let the timer fire."""
        self.clock.set((moment - self.clocks.wall()).total_seconds() + self.clock.now())
        self.scheduler.timer.timeout.emit()

    def session(self, when: datetime, left: int | None = None, right: int | None = None) -> None:
        sid = self.store.start_session("ql-claw", "prone", "both", when)
        for side, value in (("left", left), ("right", right)):
            if value is not None:
                self.store.record_rating(sid, side, "before", value, when)  # type: ignore[arg-type]
        self.store.record_set(sid, SetRecord("left", 1, "Gentle", 5, 5, 60.0), when)
        self.store.finish_session(sid, "completed", when + timedelta(minutes=20))


Make = Callable[[datetime], Setup]


@pytest.fixture
def make(tmp_path: Path) -> Iterator[Make]:
    made: list[Setup] = []

    def factory(origin: datetime) -> Setup:
        setup = Setup(tmp_path / str(len(made)), origin)
        made.append(setup)
        return setup

    yield factory
    for setup in made:
        setup.scheduler.stop()
        setup.store.close()


def test_the_timer_wakes_exactly_at_the_planned_time_and_the_reminder_shows_once(
    make: Make,
) -> None:
    setup = make(MONDAY.replace(hour=18, minute=59, second=30))
    setup.scheduler.set_plan(MWF)
    assert setup.scheduler.timer.interval() == 30_000
    assert setup.scheduler.lines[0] == "Due today (19:00)"
    setup.to(MONDAY.replace(hour=18, minute=59, second=59))
    assert setup.shown == []
    setup.to(MONDAY.replace(hour=19))
    assert setup.shown == [(SUMMARY, "Your plan has a session today at 19:00.")]
    assert setup.scheduler.armed_for == MONDAY.replace(day=2, month=12, hour=19)
    setup.to(MONDAY.replace(hour=19, minute=5))
    assert len(setup.shown) == 1


def test_hours_ahead_it_looks_at_the_clock_again_every_minute(make: Make) -> None:
    setup = make(MONDAY.replace(hour=8))
    setup.scheduler.set_plan(MWF)
    assert setup.scheduler.timer.interval() == RECHECK_MS
    assert setup.scheduler.timer.isActive()


def test_a_plan_set_after_its_time_today_does_not_remind_late(make: Make) -> None:
    setup = make(MONDAY.replace(hour=20))
    setup.scheduler.set_plan(MWF)
    setup.to(MONDAY.replace(hour=20, minute=1))
    assert setup.shown == []
    assert setup.scheduler.lines[0] == "Due today (19:00)"  # the picker still says so


def test_a_computer_woken_later_that_day_still_reminds(make: Make) -> None:
    setup = make(MONDAY.replace(hour=18))
    setup.scheduler.set_plan(MWF)
    setup.to(MONDAY.replace(hour=21, minute=30))  # asleep through 19:00
    assert len(setup.shown) == 1


def test_a_computer_woken_the_next_day_drops_it_and_arms_the_next(make: Make) -> None:
    setup = make(MONDAY.replace(hour=18))
    setup.scheduler.set_plan(MWF)
    setup.to(MONDAY.replace(day=1, month=12, hour=9))  # Tuesday morning
    assert setup.shown == []
    assert setup.scheduler.armed_for == MONDAY.replace(day=2, month=12, hour=19)
    assert setup.scheduler.lines[0] == "Next: tomorrow 19:00"


def test_a_running_session_holds_the_reminder_until_it_ends(make: Make) -> None:
    setup = make(MONDAY.replace(hour=18, minute=50))
    setup.scheduler.set_plan(MWF)
    setup.busy = True
    setup.to(MONDAY.replace(hour=19, minute=1))
    assert setup.shown == []
    # A session ended without a set (left at the countdown): the reminder is still due.
    setup.busy = False
    setup.scheduler.session_ended(with_sets=False)
    assert len(setup.shown) == 1


def test_a_session_with_sets_counts_even_before_the_log_has_them(make: Make) -> None:
    setup = make(MONDAY.replace(hour=18, minute=50))
    setup.scheduler.set_plan(MWF)
    setup.busy = True
    setup.to(MONDAY.replace(hour=19, minute=1))
    setup.busy = False
    setup.scheduler.session_ended(with_sets=True)  # its sets still wait for a full disk
    assert setup.shown == []
    assert setup.scheduler.lines[0] == "Next: Wednesday 19:00"
    setup.to(MONDAY.replace(day=2, month=12, hour=9))
    assert setup.scheduler.lines[0] == "Due today (19:00)"


def test_a_session_done_today_means_no_reminder_and_the_next_day_is_named(
    make: Make,
) -> None:
    setup = make(MONDAY.replace(hour=18, minute=50))
    setup.scheduler.set_plan(MWF)
    setup.busy = True
    setup.session(MONDAY.replace(hour=18, minute=55))
    setup.to(MONDAY.replace(hour=19, minute=10))
    setup.busy = False
    setup.scheduler.refresh()  # the log shows today's session
    assert setup.shown == []
    assert setup.scheduler.lines[0] == "Next: Wednesday 19:00"


def test_the_lines_change_at_midnight(make: Make, qtbot: QtBot) -> None:
    tuesday_night = MONDAY.replace(day=1, month=12, hour=23, minute=59, second=30)
    setup = make(tuesday_night)
    setup.scheduler.set_plan(MWF)
    assert setup.scheduler.lines[0] == "Next: tomorrow 19:00"
    assert setup.scheduler.timer.interval() == 30_000  # midnight, sooner than a minute
    with qtbot.waitSignal(setup.scheduler.lines_changed) as changed:
        setup.to(tuesday_night + timedelta(seconds=30))
    assert changed.args == ["Due today (19:00)", ""]


def test_the_last_sessions_ratings_say_which_side_was_tighter(make: Make) -> None:
    setup = make(MONDAY.replace(hour=10))
    setup.session(MONDAY - timedelta(days=4), left=3, right=3)
    setup.session(MONDAY - timedelta(days=2), left=6, right=4)
    setup.session(MONDAY - timedelta(days=1))  # not rated: says nothing about the sides
    setup.scheduler.set_plan(MWF)
    assert setup.scheduler.lines == (
        "Due today (19:00)",
        "Last time your left side was tighter (6 vs 4)",
    )


def test_without_a_plan_only_the_sides_show_and_no_timer_runs(make: Make) -> None:
    setup = make(MONDAY.replace(hour=10))
    setup.session(MONDAY - timedelta(days=2), left=5, right=5)
    setup.scheduler.set_plan(None)
    assert setup.scheduler.lines == ("", "Last time both sides were equally tender (5 vs 5)")
    assert not setup.scheduler.timer.isActive()
    setup.scheduler.set_plan(MWF)
    setup.scheduler.set_plan(None)
    assert not setup.scheduler.timer.isActive()
    assert setup.scheduler.armed_for is None


def test_yesterdays_session_no_longer_counts_after_midnight(make: Make) -> None:
    every_day = WeeklyPlan(("mon", "tue", "wed", "thu", "fri", "sat", "sun"), time(19, 0))
    setup = make(MONDAY.replace(hour=23, minute=59))
    setup.session(MONDAY.replace(hour=19))
    setup.scheduler.set_plan(every_day)
    assert setup.scheduler.lines[0] == "Next: tomorrow 19:00"
    setup.to(MONDAY + timedelta(days=1, seconds=1))
    assert setup.scheduler.lines[0] == "Due today (19:00)"


def test_the_picker_shows_the_plan_only_when_one_is_on(
    make_window: Callable[..., MainWindow],
) -> None:
    every_day = replace(
        QUICK_SETTINGS,
        reminders=True,
        reminder_days=("mon", "tue", "wed", "thu", "fri", "sat", "sun"),
        reminder_time="23:59",
    )
    window = make_window(settings=every_day)
    note = window.picker.plan_note
    assert note.isVisibleTo(window.picker)
    assert note.text() == "Due today (23:59)"
    assert note.accessibleName() == "Weekly plan"
    assert note.accessibleDescription() == "Due today (23:59)"
    assert not window.picker.sides_note.isVisibleTo(window.picker)  # nothing rated yet
    window.update_settings(replace(every_day, reminders=False))
    assert not note.isVisibleTo(window.picker)
    assert not window.reminders.scheduler.timer.isActive()


def test_the_window_shows_the_reminder_at_the_planned_time(
    make_window: Callable[..., MainWindow], qtbot: QtBot
) -> None:
    clock = FakeClock()
    window = make_window(clock)
    now = window.clocks.wall().astimezone()
    due = (now + timedelta(minutes=2)).replace(second=0, microsecond=0)
    if due.date() != now.date():
        pytest.skip("the planned time would fall tomorrow")
    weekday = WEEKDAYS[due.weekday()]
    window.update_settings(
        replace(
            window.settings,
            reminders=True,
            reminder_days=(weekday,),
            reminder_time=f"{due.hour:02d}:{due.minute:02d}",
        )
    )
    scheduler = window.reminders.scheduler
    assert scheduler.armed_for == due
    clock.advance((due - window.clocks.wall()).total_seconds())
    with qtbot.waitSignal(window.reminders.notifier.shown, timeout=10000) as how:
        scheduler.timer.timeout.emit()
    # The test bus has no notification service and offscreen has no tray.
    assert how.args == ["status bar"]
    assert window.statusBar().currentMessage().startswith(f"{SUMMARY}: Your plan has a session")
