"""When the session's one precise timer next wakes: a breath cue, words due, or a step's end."""

from __future__ import annotations

from dataclasses import dataclass

from psoas_timer.core.engine import SessionEngine
from psoas_timer.core.narration import CUE_OF_PHASE
from psoas_timer.core.pacing import Phase


@dataclass(frozen=True)
class Wake:
    at: float  # the clock time to wake at
    phase: Phase | None  # the breath cue to play then, if any
    boundary: float  # the clock time that cue marks (``at`` for anything else)


def next_wake(
    engine: SessionEngine, words_due: float | None, now: float, cued_until: float, ahead: float
) -> Wake | None:
    """The earliest of: the next breath cue after ``cued_until`` (the last boundary cued),
    ``ahead`` clock seconds before its boundary so that it is heard on it, since the
    sound output takes that long; the step's next deadline; and ``words_due``."""
    wakes: list[Wake] = []
    cue = engine.next_cue(after=max(now, cued_until))
    if cue is not None and CUE_OF_PHASE.get(cue[1].phase) is not None:
        wakes.append(Wake(cue[0] - ahead, cue[1].phase, cue[0]))
    for at in (engine.next_deadline(), words_due):
        if at is not None:
            wakes.append(Wake(at, None, at))
    return min(wakes, key=lambda wake: wake.at, default=None)
