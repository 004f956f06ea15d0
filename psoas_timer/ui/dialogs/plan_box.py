"""The settings dialog's weekly plan: days, a time, and "Add to my calendar…".

The calendar button sits here, beside the days and time it writes, rather than
in the File menu: the file is made from the plan as shown, so a person can
set a plan and put it in their calendar in one visit, before pressing OK.
"""

from __future__ import annotations

import errno
from pathlib import Path
from typing import Any

from PySide6.QtCore import QTime, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from psoas_timer import APP_NAME, __version__
from psoas_timer.core.calendar_file import FILE_NAME, calendar_text
from psoas_timer.core.clock import WallClock, system_wall
from psoas_timer.core.fileio import atomic_write
from psoas_timer.core.i18n import N_, _
from psoas_timer.core.reminders import (
    WEEKDAY_NAMES,
    WEEKDAY_SHORT,
    WEEKDAYS,
    Weekday,
    WeeklyPlan,
    parse_time,
)
from psoas_timer.core.settings import Settings
from psoas_timer.ui import prompts

NO_DAY = N_("Choose at least one day for the plan, or turn it off.")


def write_problem(path: Path, exc: OSError) -> str:
    """What to tell someone whose calendar file could not be written."""
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        advice = _("The disk is full: free some space, or choose another drive.")
    elif exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        advice = _("That folder cannot be written to: choose another, such as your home folder.")
    else:
        advice = _("Choose another folder and try again.")
    why = exc.strerror or str(exc)
    return _("The calendar file could not be saved as {path} ({why}). {advice}").format(
        path=path, why=why, advice=advice
    )


class PlanBox(QGroupBox):
    """A checkable group: ticked, the plan is on."""

    changed = Signal()

    def __init__(
        self, settings: Settings, wall: WallClock = system_wall, parent: QWidget | None = None
    ) -> None:
        super().__init__(_("Remind me on a weekly plan"), parent)
        self.setCheckable(True)
        self.setAccessibleName(_("Weekly plan"))
        self._wall = wall
        layout = QVBoxLayout(self)
        days = QHBoxLayout()
        self.days: dict[Weekday, QCheckBox] = {}
        for day, name, short in zip(WEEKDAYS, WEEKDAY_NAMES, WEEKDAY_SHORT, strict=True):
            box = QCheckBox(_(short))
            box.setAccessibleName(_(name))
            box.toggled.connect(self._changed)
            days.addWidget(box)
            self.days[day] = box
        days.addStretch(1)
        layout.addLayout(days)
        row = QHBoxLayout()
        at = QLabel(_("At:"))
        self.time = QTimeEdit()
        self.time.setDisplayFormat("HH:mm")
        self.time.setAccessibleName(_("Time of day"))
        self.time.timeChanged.connect(self._changed)
        at.setBuddy(self.time)
        self.calendar = QPushButton(_("Add to my calendar…"))
        self.calendar.setToolTip(
            _(
                "Save the plan as a calendar file (.ics) for any calendar, "
                "so it reminds you when {app} is closed too"
            ).format(app=APP_NAME)
        )
        self.calendar.setAccessibleDescription(self.calendar.toolTip())
        self.calendar.clicked.connect(self.save_calendar)
        row.addWidget(at)
        row.addWidget(self.time)
        row.addStretch(1)
        row.addWidget(self.calendar)
        layout.addLayout(row)
        self.note = QLabel()
        self.note.setObjectName("planBoxNote")
        self.note.setWordWrap(True)
        self.note.setAccessibleName(_("About the weekly plan"))
        # Room for two lines: a wrapped label in a form is otherwise given one and cut off.
        self.note.setMinimumHeight(self.note.fontMetrics().lineSpacing() * 2)
        layout.addWidget(self.note)
        self.toggled.connect(self._changed)
        self.show_settings(settings)

    def show_settings(self, settings: Settings) -> None:
        self.setChecked(settings.reminders)
        for day, box in self.days.items():
            box.setChecked(day in settings.reminder_days)
        at = parse_time(settings.reminder_time)
        self.time.setTime(QTime(at.hour, at.minute))
        self._changed()

    def chosen_days(self) -> tuple[Weekday, ...]:
        return tuple(day for day, box in self.days.items() if box.isChecked())

    def chosen_time(self) -> str:
        shown = self.time.time()
        return f"{shown.hour():02d}:{shown.minute():02d}"

    def changes(self) -> dict[str, Any]:
        """The plan's settings as shown."""
        return {
            "reminders": self.isChecked(),
            "reminder_days": self.chosen_days(),
            "reminder_time": self.chosen_time(),
        }

    def plan(self) -> WeeklyPlan | None:
        days = self.chosen_days()
        return WeeklyPlan(days, parse_time(self.chosen_time())) if days else None

    def problem(self) -> str | None:
        """Why the plan cannot be saved as shown, or ``None``."""
        return _(NO_DAY) if self.isChecked() and not self.chosen_days() else None

    def _changed(self) -> None:
        plan = self.plan()
        problem = self.problem()
        if problem is not None:
            text = problem
        elif self.isChecked() and plan is not None:
            text = _("{plan}: a reminder shows then while {app} is open.").format(
                plan=plan.describe(), app=APP_NAME
            )
        else:
            text = _("Off. The picker still says which side was tighter last time.")
        self.note.setText(text)
        self.note.setAccessibleDescription(text)
        self.calendar.setEnabled(plan is not None)
        self.changed.emit()

    def save_calendar(self) -> Path | None:
        plan = self.plan()
        if plan is None:
            return None
        chosen, _filter = prompts.choose_save_file(
            self,
            _("Add to my calendar"),
            str(Path.home() / FILE_NAME),
            _("Calendar files (*.ics)"),
        )
        if not chosen:
            return None
        path = Path(chosen)
        if not path.suffix:
            path = path.with_suffix(".ics")
        text = calendar_text(plan, self._wall(), f"{APP_NAME} {__version__}")
        try:
            atomic_write(path, text.encode("utf-8"), 0o644, make_folder=False)
        except OSError as exc:
            prompts.warn(self, _("Calendar file not saved"), write_problem(path, exc))
            return None
        saved = _("Saved {file}: open it with your calendar to add the plan.").format(
            file=path.name
        )
        self.note.setText(saved)
        self.note.setAccessibleDescription(saved)
        return path
