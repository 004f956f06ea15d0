"""The end of a session in figures and words: per side, before → after, release, time.

Built from what the engine recorded and, for comparison, from the same side of
the previous session with the same tool as the log holds it. Both are read
through the same few facts of a set, so "this time" and "last time" are
counted alike.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Protocol

from psoas_timer.core.i18n import _
from psoas_timer.core.narration import stop_reason_phrase, where
from psoas_timer.core.progress import is_meaningful_change
from psoas_timer.core.vocab import Moment, Side, StopReason


class SetFacts(Protocol):
    """What the summary reads of a set; the engine's results and the log's rows both fit."""

    @property
    def side(self) -> Side: ...
    @property
    def level(self) -> int: ...
    @property
    def released_breath(self) -> int | None: ...
    @property
    def duration_s(self) -> float: ...


@dataclass(frozen=True)
class SideFigures:
    before: int | None
    after: int | None
    released_breath: int | None  # the breath of the set in which release was marked
    released_level: int | None
    set_seconds: float  # time in sets, paused time left out
    top_level: int | None  # the highest level reached; None without a set
    stops: tuple[StopReason, ...] = ()

    @property
    def change(self) -> int | None:
        if self.before is None or self.after is None:
            return None
        return self.after - self.before

    @property
    def meaningful(self) -> bool:
        """A drop that matters (2 points or 30 %), as the progress charts count it."""
        if self.before is None or self.after is None:
            return False
        return is_meaningful_change(self.before, self.after)


@dataclass(frozen=True)
class SideReport:
    side: Side
    now: SideFigures
    last_time: SideFigures | None  # the same side, the last session with this tool


def side_figures(
    side: Side,
    before: int | None,
    after: int | None,
    sets: Iterable[SetFacts],
    stops: Iterable[StopReason] = (),
) -> SideFigures:
    mine = [item for item in sets if item.side == side]
    released = next((item for item in mine if item.released_breath is not None), None)
    return SideFigures(
        before,
        after,
        released.released_breath if released is not None else None,
        released.level if released is not None else None,
        sum(item.duration_s for item in mine),
        max((item.level for item in mine), default=None),
        tuple(stops),
    )


def figures_from_session(
    side: Side,
    ratings: Mapping[tuple[Side, Moment], int],
    sets: Iterable[SetFacts],
    stops: Iterable[tuple[Side, StopReason]] = (),
) -> SideFigures:
    """The figures of one side of a session as the engine holds it."""
    return side_figures(
        side,
        ratings.get((side, "before")),
        ratings.get((side, "after")),
        sets,
        [reason for stop_side, reason in stops if stop_side == side],
    )


def duration_text(seconds: float) -> str:
    whole = round(seconds)
    minutes, rest = divmod(whole, 60)
    if not minutes:
        return _("{seconds} s").format(seconds=rest)
    if rest:
        return _("{minutes} min {seconds:02d} s").format(minutes=minutes, seconds=rest)
    return _("{minutes} min").format(minutes=minutes)


def _tenderness(figures: SideFigures) -> str:
    before = "–" if figures.before is None else str(figures.before)
    after = "–" if figures.after is None else str(figures.after)
    text = f"{before} → {after}"
    change = figures.change
    if change is not None:
        meaningful = _(", a meaningful drop") if figures.meaningful else ""
        text += f" ({change:+d}{meaningful})"
    return text.replace("+0", "±0").replace("-", "−")


def _release(figures: SideFigures, last_time: bool = False) -> str:
    if figures.released_breath is None or figures.released_level is None:
        if figures.top_level is None:
            return _("no sets") if last_time else _("No sets")
        if figures.top_level == 0:
            return (
                _("no release marked; up to the base set")
                if last_time
                else _("No release marked; up to the base set")
            )
        text = (
            _("no release marked; up to extra pressure {level}")
            if last_time
            else _("No release marked; up to extra pressure {level}")
        )
        return text.format(level=figures.top_level)
    if figures.released_level == 0:
        text = (
            _("released at breath {breath} of the base set")
            if last_time
            else _("Released at breath {breath} of the base set")
        )
    else:
        text = (
            _("released at breath {breath} of extra pressure {level}")
            if last_time
            else _("Released at breath {breath} of extra pressure {level}")
        )
    return text.format(breath=figures.released_breath, level=figures.released_level)


def side_lines(report: SideReport, centred: bool) -> list[str]:
    """What the summary shows for one side: heading, then one line per figure."""
    now = report.now
    lines = [
        f"{where(report.side, centred)}",
        _("Tenderness {ratings}").format(ratings=_tenderness(now)),
        _release(now),
        _("Time in sets: {duration}").format(duration=duration_text(now.set_seconds)),
    ]
    if now.stops:
        reasons = ", ".join(stop_reason_phrase(reason) for reason in now.stops)
        lines.append(_("Stopped: {reason}").format(reason=reasons))
    last = report.last_time
    if last is None:
        lines.append(_("Last time: no earlier session with this tool"))
    else:
        lines.append(
            _("Last time: {ratings}, {release}, {duration} in sets").format(
                ratings=_tenderness(last),
                release=_release(last, last_time=True),
                duration=duration_text(last.set_seconds),
            )
        )
    return lines


def spoken_summary(reports: Iterable[SideReport], completed: bool, centred: bool) -> str:
    """A few words for the end: how tenderness changed on each side."""
    parts = [_("Session complete.") if completed else _("Session ended.")]
    for report in reports:
        now = report.now
        if now.before is None or now.after is None:
            continue
        text = (
            _("{side}: tenderness from {before} to {after}, a meaningful drop.")
            if now.meaningful
            else _("{side}: tenderness from {before} to {after}.")
        )
        parts.append(
            text.format(side=where(report.side, centred), before=now.before, after=now.after)
        )
    return " ".join(parts)
