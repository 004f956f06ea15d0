"""What the pacing ring says on the steps that have no breaths: a word and a count."""

from __future__ import annotations

from typing import Final

from psoas_timer.core.engine import SessionEngine
from psoas_timer.core.i18n import N_, _
from psoas_timer.core.plan import StepKind
from psoas_timer.ui.session.speaker import seconds_text

#: The steps the ring counts down, with the word it shows for each.
RING_WORDS: Final = {
    StepKind.COUNTDOWN: N_("Get ready"),
    StepKind.SWITCH_SIDE: N_("Switch"),
    StepKind.TRANSITION: N_("Next"),
    StepKind.COME_OFF: N_("Come off"),
    StepKind.STRETCH: N_("Hold"),
}


def ring_state(engine: SessionEngine, paused: bool, will_speak: bool) -> tuple[str, str, float]:
    """(word, count, fraction) for the current step, one of :data:`RING_WORDS`'s."""
    remaining = engine.remaining()
    if remaining is None:  # a change of set-up takes as long as it takes
        return (_("Paused") if paused else _("Ready?")), _("Enter"), 1.0
    if engine.waiting_for_words:
        words = _("Listen") if will_speak else _("Read")
        return (_("Paused") if paused else words), "", 1.0
    duration = engine.step_duration() or 1.0
    word = _("Paused") if paused else _(RING_WORDS[engine.step.kind])
    return word, seconds_text(remaining), remaining / duration
