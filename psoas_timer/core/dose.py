"""Dose: how much pressure each side got, and whether more of it helped.

Per session and side: the time under pressure (the active time of its sets,
pauses left out), the highest pressure level reached (0 = the base set) and
the breath at which the muscle let go. :func:`by_level` sets the highest level
beside the drop and carry-over it went with, which is what "did more pressure
help?" asks. :func:`rest_notes` are the gentle warnings: the same side worked
more than once in a day, or its before rating rising :data:`RISING_RUN`
sessions running.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from statistics import fmean
from typing import Final

from psoas_timer.core.compare import number
from psoas_timer.core.dates import short_day_text
from psoas_timer.core.i18n import _, ngettext
from psoas_timer.core.progress import CarryOver, DayValue, ProgressSession
from psoas_timer.core.vocab import Side

#: This many rises of the before rating in a row earn a note.
RISING_RUN: Final = 3
#: Sessions on one day that earn a note, and how recent that day must be.
SAME_DAY_SESSIONS: Final = 2
RECENT_DAYS: Final = 14


@dataclass(frozen=True, slots=True)
class SideDose:
    """One side's dose series over a range, each with the session behind each point."""

    minutes: list[DayValue] = field(default_factory=list)
    minutes_ids: list[int | None] = field(default_factory=list)
    level: list[DayValue] = field(default_factory=list)
    level_ids: list[int | None] = field(default_factory=list)


def side_dose(ordered: Iterable[ProgressSession], side: Side) -> SideDose:
    out = SideDose()
    for s in ordered:
        result = s.side(side)
        if result is None:
            continue
        if result.under_pressure_s is not None:
            out.minutes.append(DayValue(s.day, result.under_pressure_s / 60))
            out.minutes_ids.append(s.session_id)
        if result.max_level is not None:
            out.level.append(DayValue(s.day, float(result.max_level)))
            out.level_ids.append(s.session_id)
    return out


@dataclass(frozen=True, slots=True)
class LevelRow:
    """Sessions that reached one highest level, and what followed them."""

    level: int
    sessions: int
    mean_drop: float | None
    mean_carry_over: float | None
    mean_minutes: float | None


def level_text(row: LevelRow) -> str:
    """One highest level's line, for the Dose tab and the report alike."""
    return ngettext(
        "level {level}: {n} session, drop {drop}, carry-over {carry}",
        "level {level}: {n} sessions, drop {drop}, carry-over {carry}",
        row.sessions,
    ).format(
        level=row.level,
        n=row.sessions,
        drop=number(row.mean_drop),
        carry=number(row.mean_carry_over, signed=True),
    )


def by_level(
    chosen: Sequence[ProgressSession], side: Side, carried: dict[int, CarryOver]
) -> list[LevelRow]:
    """Per highest level reached on ``side``: sessions, mean drop, carry-over and time.

    ``carried`` is :func:`psoas_timer.core.progress.carry_overs` over every session.
    """
    drops: dict[int, list[int]] = {}
    carries: dict[int, list[int]] = {}
    minutes: dict[int, list[float]] = {}
    counts: dict[int, int] = {}
    for s in chosen:
        result = s.side(side)
        if result is None or result.max_level is None:
            continue
        level = result.max_level
        counts[level] = counts.get(level, 0) + 1
        if result.before is not None and result.after is not None:
            drops.setdefault(level, []).append(result.before - result.after)
        kept = carried.get(id(s))
        if kept is not None:
            carries.setdefault(level, []).append(kept.value)
        if result.under_pressure_s is not None:
            minutes.setdefault(level, []).append(result.under_pressure_s / 60)
    return [
        LevelRow(
            level,
            counts[level],
            fmean(drops[level]) if level in drops else None,
            fmean(carries[level]) if level in carries else None,
            fmean(minutes[level]) if level in minutes else None,
        )
        for level in sorted(counts)
    ]


@dataclass(frozen=True, slots=True)
class RestNote:
    side: Side
    text: str


def rest_notes(chosen: Sequence[ProgressSession], side: Side, today: date) -> list[RestNote]:
    """Gentle notes for ``side``: worked twice in a day lately, or a before rating rising.

    ``chosen`` is in time order. A busy day counts when it is within the last
    :data:`RECENT_DAYS` days up to ``today``; a rising run counts when it ends
    at the side's latest rated session, since it is advice for the next one.
    """
    notes: list[RestNote] = []
    heading = _("Left side") if side == "left" else _("Right side")
    per_day: dict[date, int] = {}
    befores: list[tuple[date, int]] = []
    for s in chosen:
        result = s.side(side)
        if result is None:
            continue
        per_day[s.day] = per_day.get(s.day, 0) + 1
        if result.before is not None:
            befores.append((s.day, result.before))
    recent = today - timedelta(days=RECENT_DAYS - 1)
    busy = sorted(d for d, n in per_day.items() if n >= SAME_DAY_SESSIONS and recent <= d <= today)
    if busy:
        last = busy[-1]
        others = len(busy) - 1
        more = (
            ngettext(" (and on {n} other day)", " (and on {n} other days)", others).format(n=others)
            if others
            else ""
        )
        worked = _("{side}: worked {n} times on {day}{more}.").format(
            side=heading, n=per_day[last], day=short_day_text(last), more=more
        )
        rest = _("Tissue needs time to settle between sessions — consider a rest day.")
        notes.append(RestNote(side, f"{worked} {rest}"))
    run = rising_run(befores)
    if run >= RISING_RUN:
        values = " → ".join(str(v) for _, v in befores[-run - 1 :])
        notes.append(
            RestNote(
                side,
                _(
                    "{side}: the before rating rose {run} sessions running ({values}, up to "
                    "{day}) — consider a rest day, or less pressure."
                ).format(side=heading, run=run, values=values, day=short_day_text(befores[-1][0])),
            )
        )
    return notes


def rising_run(befores: Sequence[tuple[date, int]]) -> int:
    """How many times in a row the before rating rose, ending at the latest one."""
    run = 0
    for index in range(len(befores) - 1, 0, -1):
        if befores[index][1] > befores[index - 1][1]:
            run += 1
        else:
            break
    return run
