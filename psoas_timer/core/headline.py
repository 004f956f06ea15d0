"""The headline answer per side: is the starting tenderness falling?

The rule, written down once:

* Take the side's **before** ratings in the chosen range, in time order.
* With fewer than :data:`MIN_SESSIONS` of them, or when they span less than
  :data:`MIN_DAYS` days, there is not enough to say.
* Otherwise compare the mean of the first ``k`` with the mean of the last
  ``k``, where ``k`` is a quarter of the ratings but at least
  :data:`MIN_WINDOW` (so with ``n`` ratings, ``k = max(3, n // 4)``; the two
  windows never overlap because ``n >= 2 * MIN_WINDOW``).
* A fall of at least 2 points, or of at least 30 % of the first mean, is a
  meaningful improvement (the same threshold as a meaningful drop within one
  session, :func:`psoas_timer.core.progress.is_meaningful_change`); a rise by
  as much (2 points, or 30 % of the first mean) is a meaningful worsening;
  anything in between is no clear change.

The comparison is done on the windows' integer sums, so a change of exactly
2 points or exactly 30 % counts, whatever floating point would say.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from enum import Enum
from statistics import fmean
from typing import Final

from psoas_timer.core.i18n import _, decimal, ngettext
from psoas_timer.core.progress import (
    MEANINGFUL_DROP_POINTS,
    MEANINGFUL_DROP_TENTHS,
    DayValue,
    SideProgress,
)

#: At least this many before ratings in range before anything is said.
MIN_SESSIONS: Final = 6
#: ... spread over at least this many days (first to last).
MIN_DAYS: Final = 14
#: Each end of the comparison averages at least this many ratings.
MIN_WINDOW: Final = 3


def threshold_text() -> str:
    """What counts as a meaningful change, in the person's language."""
    return _("≥{points} points or ≥{percent} %").format(
        points=MEANINGFUL_DROP_POINTS, percent=MEANINGFUL_DROP_TENTHS * 10
    )


def rule_text() -> str:
    """How the headline is judged, in one paragraph."""
    return _(
        "How this is judged: the average of the first and the last quarter of your before "
        "ratings in the range (at least {window} each) are compared; a change of {threshold} "
        "counts. It needs at least {sessions} rated sessions over {days} days or more."
    ).format(window=MIN_WINDOW, threshold=threshold_text(), sessions=MIN_SESSIONS, days=MIN_DAYS)


def side_summary(progress: SideProgress) -> str:
    """The two measures of one side over the range, in one line."""
    parts: list[str] = []
    if progress.changes:
        hits = sum(c.meaningful for c in progress.changes)
        mean = fmean(c.drop for c in progress.changes)
        parts.append(
            ngettext(
                # "1 of 1 sessions": the count is of sessions, whatever their number.
                "within-session drop {mean} on average; meaningful drop in {hits} of {n} sessions",
                "within-session drop {mean} on average; meaningful drop in {hits} of {n} sessions",
                len(progress.changes),
            ).format(mean=decimal(mean), hits=hits, n=len(progress.changes))
        )
    if progress.carry_over:
        mean = fmean(c.value for c in progress.carry_over)
        parts.append(
            _("carry-over {mean} on average ({n} measured)").format(
                mean=decimal(mean, sign=True),
                n=len(progress.carry_over),
            )
        )
    if not parts and progress.before:
        parts.append(
            _("latest before rating {value}").format(value=decimal(progress.before[-1].value, 0))
        )
    return " · ".join(parts) if parts else _("No ratings in this range.")


class Verdict(Enum):
    NOT_ENOUGH = "not enough"
    IMPROVED = "improved"
    NO_CLEAR_CHANGE = "no clear change"
    WORSE = "worse"


@dataclass(frozen=True, slots=True)
class Headline:
    verdict: Verdict
    sessions: int
    #: Mean before rating of the first and last windows (``None`` when NOT_ENOUGH).
    first_mean: float | None = None
    last_mean: float | None = None
    window: int = 0
    first_day: date | None = None
    last_day: date | None = None

    @property
    def days(self) -> int:
        if self.first_day is None or self.last_day is None:
            return 0
        return (self.last_day - self.first_day).days


def window_size(count: int) -> int:
    """How many ratings each end of the comparison averages."""
    return max(MIN_WINDOW, count // 4)


def _meaningful(change_sum: int, first_sum: int, k: int) -> bool:
    """Whether a change of the means by ``change_sum / k`` (> 0) matters from ``first_sum / k``."""
    return change_sum >= MEANINGFUL_DROP_POINTS * k or (
        first_sum > 0 and change_sum * 10 >= first_sum * MEANINGFUL_DROP_TENTHS
    )


def headline(before: Sequence[DayValue]) -> Headline:
    """The verdict on one side's before ratings (in time order) over a range."""
    count = len(before)
    if count == 0:
        return Headline(Verdict.NOT_ENOUGH, 0)
    first_day, last_day = before[0].day, before[-1].day
    if count < MIN_SESSIONS or (last_day - first_day).days < MIN_DAYS:
        return Headline(Verdict.NOT_ENOUGH, count, first_day=first_day, last_day=last_day)
    k = window_size(count)
    # Ratings are whole numbers; the sums keep the comparison exact.
    first_sum = sum(round(p.value) for p in before[:k])
    last_sum = sum(round(p.value) for p in before[-k:])
    # Both ways the 30 % is of the first mean: where the range started.
    if first_sum > last_sum and _meaningful(first_sum - last_sum, first_sum, k):
        verdict = Verdict.IMPROVED
    elif last_sum > first_sum and _meaningful(last_sum - first_sum, first_sum, k):
        verdict = Verdict.WORSE
    else:
        verdict = Verdict.NO_CLEAR_CHANGE
    return Headline(verdict, count, first_sum / k, last_sum / k, k, first_day, last_day)


def span_text(days: int) -> str:
    """'5 days', '8 weeks', '14 months': the span of a range in the unit people use for it."""
    if days < 14:
        return ngettext("{n} day", "{n} days", days).format(n=days)
    if days < 7 * 26:
        weeks = round(days / 7)
        return ngettext("{n} week", "{n} weeks", weeks).format(n=weeks)
    months = round(days / 30.44)
    return ngettext("{n} month", "{n} months", months).format(n=months)


def headline_text(side: str, result: Headline) -> str:
    """The headline in plain words, e.g. 'Left: starting tenderness 6.1 → 3.4 over 8 weeks — …'.

    ``side`` is ``"left"`` or ``"right"``.
    """
    side_name = {"left": _("Left"), "right": _("Right")}.get(side, side)
    if result.verdict is Verdict.NOT_ENOUGH:
        if result.sessions >= MIN_SESSIONS:
            return _(
                "{side}: not enough time yet — {sessions} rated sessions over {span}; the trend "
                "needs at least {days} days."
            ).format(
                side=side_name, sessions=result.sessions, span=span_text(result.days), days=MIN_DAYS
            )
        return ngettext(
            "{side}: not enough sessions yet — {sessions} with a before rating; the trend needs "
            "at least {minimum} over {days} days or more.",
            "{side}: not enough sessions yet — {sessions} with a before rating; the trend needs "
            "at least {minimum} over {days} days or more.",
            result.sessions,
        ).format(side=side_name, sessions=result.sessions, minimum=MIN_SESSIONS, days=MIN_DAYS)
    assert result.first_mean is not None and result.last_mean is not None
    trend = _("{side}: starting tenderness {first} → {last} over {span}").format(
        side=side_name,
        first=decimal(result.first_mean),
        last=decimal(result.last_mean),
        span=span_text(result.days),
    )
    threshold = threshold_text()
    if result.verdict is Verdict.IMPROVED:
        return _("{trend} — a meaningful improvement ({threshold}).").format(
            trend=trend, threshold=threshold
        )
    if result.verdict is Verdict.WORSE:
        return _("{trend} — it has risen by a meaningful amount ({threshold}).").format(
            trend=trend, threshold=threshold
        )
    return _("{trend} — no clear change (a meaningful change is {threshold}).").format(
        trend=trend, threshold=threshold
    )
