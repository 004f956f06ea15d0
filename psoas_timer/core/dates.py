"""Days written the way the person's language writes them: "Mon 03 Jun 2024" in English."""

from __future__ import annotations

from datetime import date, datetime
from typing import Final

from psoas_timer.core.i18n import N_, _
from psoas_timer.core.reminders import WEEKDAY_SHORT

MONTH_SHORT: Final = (
    N_("Jan"),
    N_("Feb"),
    N_("Mar"),
    N_("Apr"),
    N_("May"),
    N_("Jun"),
    N_("Jul"),
    N_("Aug"),
    N_("Sep"),
    N_("Oct"),
    N_("Nov"),
    N_("Dec"),
)


def _parts(day: date) -> dict[str, object]:
    return {
        "weekday": _(WEEKDAY_SHORT[day.weekday()]),
        "day": day.day,
        "month": _(MONTH_SHORT[day.month - 1]),
        "year": day.year,
    }


def day_text(day: date) -> str:
    """'Mon 03 Jun 2024': a day with its weekday."""
    return _("{weekday} {day:02d} {month} {year}").format(**_parts(day))


def short_day_text(day: date) -> str:
    """'Mon 3 Jun': a day of this year or near it."""
    return _("{weekday} {day} {month}").format(**_parts(day))


def day_month_year(day: date) -> str:
    """'03 Jun 2024'."""
    return _("{day:02d} {month} {year}").format(**_parts(day))


def moment_text(moment: datetime) -> str:
    """'Mon 03 Jun 2024, 19:05'."""
    return _("{date}, {time}").format(date=day_text(moment.date()), time=f"{moment:%H:%M}")


def month_year(day: date) -> str:
    """'Jun 2024': a chart's month mark."""
    return _("{month} {year}").format(**_parts(day))
