"""A weekly plan as an iCalendar file (RFC 5545) that any calendar can import.

The event's start is a *floating* local time (no time zone): "19:00 wherever
I am", which is what a routine at home means, and it needs no VTIMEZONE
block, which calendars handle unevenly and which this app could not fill in
reliably for every computer's zone anyway.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, tzinfo
from typing import Final

from psoas_timer.core.i18n import N_, _
from psoas_timer.core.reminders import (
    WEEKDAY_NAMES,
    WEEKDAYS,
    WeeklyPlan,
    format_time,
    local_day,
)

#: How long the calendar blocks out for a session: sets on both sides,
#: the stretches and the ratings, with time to get down onto the mat.
EVENT_MINUTES: Final = 30
#: RFC 5545 §3.1: lines longer than 75 octets are folded.
LINE_OCTETS: Final = 75
CRLF: Final = "\r\n"
SUMMARY: Final = N_("Psoas release")
DESCRIPTION: Final = N_(
    "Breath-paced psoas release with Psoas Timer.\n"
    "Read the safety notice in the app first; stop at once on a pulse under the tool, "
    "tingling or sharp pain."
)
#: Suggested name in the file chooser.
FILE_NAME: Final = "psoas-release-plan.ics"
_UID_SPACE: Final = uuid.UUID("6f1c6f3e-5a8b-4f7e-9a52-2d0e6c1b7a10")


def escape_text(text: str) -> str:
    """A TEXT value (RFC 5545 §3.3.11): backslash, semicolon, comma and newline escaped."""
    return (
        text.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\n")
        .replace("\n", "\\n")
    )


def fold(line: str) -> str:
    """``line`` folded into pieces of at most 75 octets of UTF-8, never inside a character.

    Each continuation starts with a space, which counts towards its 75.
    """
    pieces: list[str] = []
    current = ""
    size = 0
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > LINE_OCTETS:
            pieces.append(current)
            current, size = " ", 1
        current += char
        size += width
    pieces.append(current)
    return CRLF.join(pieces)


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def calendar_text(plan: WeeklyPlan, now: datetime, product: str, tz: tzinfo | None = None) -> str:
    """The whole ``.ics`` file for ``plan``, starting from its next session after ``now``.

    ``product`` names the app and its version (PRODID). The UID follows from
    the plan, so importing the same plan twice updates one event rather than
    adding a second.
    """
    first = local_day(plan.next_due(now, tz), tz)
    start = datetime.combine(first, plan.at)
    days = ",".join(day[:2].upper() for day in plan.days)
    uid = uuid.uuid5(_UID_SPACE, f"{days}T{plan.at.isoformat()}")
    names = ", ".join(_(WEEKDAY_NAMES[WEEKDAYS.index(day)]) for day in plan.days)
    planned = _("Planned: {days} at {time}.").format(days=names, time=format_time(plan.at))
    description = f"{_(DESCRIPTION)}\n{planned}"
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:-//Psoas Timer//{escape_text(product)}//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "BEGIN:VEVENT",
        f"UID:{uid}@psoas-timer",
        f"DTSTAMP:{_stamp(now)}",
        f"DTSTART:{start.strftime('%Y%m%dT%H%M%S')}",
        f"DURATION:PT{EVENT_MINUTES}M",
        f"RRULE:FREQ=WEEKLY;BYDAY={days}",
        f"SUMMARY:{escape_text(_(SUMMARY))}",
        f"DESCRIPTION:{escape_text(description)}",
        "TRANSP:OPAQUE",
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    return "".join(fold(line) + CRLF for line in lines)
