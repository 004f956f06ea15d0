"""Which works for me: tools and positions side by side, and left against right.

:func:`compare_methods` makes one row per tool and position over the sessions
chosen: how many sessions, the mean within-session drop, the mean carry-over
(see :mod:`psoas_timer.core.progress` for both), the median breath at which
the muscle let go and how many next-day checks said "worse". A session's
carry-over counts for the tool and position of that session, since it is that
session's relief it measures.

:func:`asymmetry` compares the sides' before ratings in sessions that rated
both: which side is tighter, and whether the gap is closing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from statistics import fmean, median
from typing import Final

from psoas_timer.core.headline import MIN_SESSIONS, window_size
from psoas_timer.core.i18n import N_, _, decimal, ngettext
from psoas_timer.core.progress import CarryOver, DayValue, ProgressSession
from psoas_timer.core.vocab import SIDE_VALUES, Side

#: A mean gap between the sides smaller than this is "about equal".
EVEN_POINTS: Final = 0.5


METHOD_HEADERS: Final = (
    N_("Tool"),
    N_("Position"),
    N_("Sessions"),
    N_("Mean drop"),
    N_("Mean carry-over"),
    N_("Median breaths to release"),
    N_("Next day worse"),
)
METHOD_TIPS: Final = (
    "",
    "",
    N_("Sessions with this tool and position in the range"),
    N_("Before minus after in the same session, averaged over both sides"),
    N_(
        "After minus the next session's before: 0 means the relief held, negative that it came back"
    ),
    N_("The breath at which the muscle let go, middle value"),
    N_("Next-day checks that said worse, of those answered"),
)


def number(value: float | None, *, signed: bool = False) -> str:
    """A mean in points, one decimal the language's way ("6,1" in German); "–" for none."""
    if value is None:
        return "–"
    return decimal(value, sign=signed)


@dataclass(frozen=True, slots=True)
class MethodRow:
    tool_id: str
    position_id: str
    sessions: int
    mean_drop: float | None
    mean_carry_over: float | None
    median_release: float | None
    worse_next_day: int
    #: How many next-day checks were answered, of which ``worse_next_day`` said worse.
    next_day_checks: int


def compare_methods(
    chosen: Sequence[ProgressSession],
    carried: Mapping[Side, Mapping[int, CarryOver]],
    side: Side | None = None,
) -> list[MethodRow]:
    """One row per tool and position in ``chosen``, most-used first.

    ``carried`` holds each side's carry-overs over every session
    (:func:`psoas_timer.core.progress.carry_overs`); ``side`` limits the
    ratings and releases to one side.
    """
    sides = SIDE_VALUES if side is None else (side,)
    groups: dict[tuple[str, str], list[ProgressSession]] = {}
    for s in chosen:
        groups.setdefault((s.tool_id, s.position_id), []).append(s)
    rows: list[MethodRow] = []
    for (tool_id, position_id), sessions in groups.items():
        drops: list[int] = []
        carries: list[int] = []
        releases: list[int] = []
        for s in sessions:
            for name in sides:
                result = s.side(name)
                if result is None:
                    continue
                if result.before is not None and result.after is not None:
                    drops.append(result.before - result.after)
                kept = carried[name].get(id(s))
                if kept is not None:
                    carries.append(kept.value)
                if result.released_breath is not None:
                    releases.append(result.released_breath)
        checks = [s for s in sessions if s.next_day is not None]
        rows.append(
            MethodRow(
                tool_id,
                position_id,
                len(sessions),
                fmean(drops) if drops else None,
                fmean(carries) if carries else None,
                float(median(releases)) if releases else None,
                sum(s.next_day == "worse" for s in checks),
                len(checks),
            )
        )
    rows.sort(key=lambda r: (-r.sessions, r.tool_id, r.position_id))
    return rows


@dataclass(frozen=True, slots=True)
class Asymmetry:
    """Right minus left before rating, per session that rated both sides before."""

    points: list[DayValue] = field(default_factory=list)
    ids: list[int | None] = field(default_factory=list)

    @property
    def mean(self) -> float | None:
        return fmean(p.value for p in self.points) if self.points else None

    def ends(self) -> tuple[float, float] | None:
        """The mean gap of the first and the last windows (as the headline takes them)."""
        if len(self.points) < MIN_SESSIONS:
            return None
        k = window_size(len(self.points))
        return fmean(p.value for p in self.points[:k]), fmean(p.value for p in self.points[-k:])


def asymmetry(chosen: Sequence[ProgressSession]) -> Asymmetry:
    """The gap between the sides' before ratings over ``chosen`` (in time order)."""
    out = Asymmetry()
    for s in chosen:
        if s.left is None or s.right is None:
            continue
        left, right = s.left.before, s.right.before
        if left is None or right is None:
            continue
        out.points.append(DayValue(s.day, float(right - left)))
        out.ids.append(s.session_id)
    return out


def _tighter(gap: float) -> str:
    if abs(gap) < EVEN_POINTS:
        return _("about even")
    text = _("right {points} higher") if gap > 0 else _("left {points} higher")
    return text.format(points=decimal(abs(gap)))


def asymmetry_text(gap: Asymmetry) -> str:
    """Which side is tighter, by how much, and whether the gap is closing, in a sentence."""
    mean = gap.mean
    if mean is None:
        return _("Left against right: no session in this range rated both sides before.")
    count = len(gap.points)
    sessions = ngettext(
        "{n} session rating both sides", "{n} sessions rating both sides", count
    ).format(n=count)
    if abs(mean) < EVEN_POINTS:
        text = _("Both sides start about equally tender ({sessions}).").format(sessions=sessions)
    else:
        text = (
            _(
                "Right side is tighter: its before rating is {points} points higher on "
                "average ({sessions})."
            )
            if mean > 0
            else _(
                "Left side is tighter: its before rating is {points} points higher on "
                "average ({sessions})."
            )
        ).format(points=decimal(abs(mean)), sessions=sessions)
    ends = gap.ends()
    if ends is None:
        return text
    first, last = ends
    if abs(last) < abs(first) - EVEN_POINTS:
        trend = _("the gap has narrowed")
    elif abs(last) > abs(first) + EVEN_POINTS:
        trend = _("the gap has widened")
    else:
        trend = _("the gap has stayed about the same")
    over = _("Over the range {trend}: {first} at first, {last} lately.").format(
        trend=trend, first=_tighter(first), last=_tighter(last)
    )
    return f"{text} {over}"
