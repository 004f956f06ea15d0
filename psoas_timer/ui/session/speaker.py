"""A session's words, said in their place.

Words never start together with a cue: a step that opens with a tone or the
chime says its words once the sound has rung out, and anything else due just
before a breath tone waits until the tone is over. Each announcement is said
to its end (the voice queues them); only Stop and pause cut in. A step that
speaks holds its countdown until its words are out: until the voice says it
has finished them, or, when no voice can say so, for as long as they take to
say (:func:`psoas_timer.core.narration.speech_seconds`), which leaves time to
read them on screen.
"""

from __future__ import annotations

import math
from typing import Final

from PySide6.QtCore import QObject, Signal

from psoas_timer.core.clock import Clock
from psoas_timer.core.engine import SessionEngine, State
from psoas_timer.core.narration import speech_seconds
from psoas_timer.core.plan import Step
from psoas_timer.core.vocab import REMIND_SECONDS
from psoas_timer.services.voice import Voice

#: Seconds a breath tone lasts (the exhale's, the longer, is 0.55 s).
CUE_CLEAR_S: Final = 0.6
#: Seconds the chime takes to ring out.
CHIME_CLEAR_S: Final = 0.9
#: Words due this long before a breath tone wait until after it.
BEFORE_CUE_S: Final = 0.3


class Speaker(QObject):
    """Says the words of one running session; the page calls :meth:`tick` every frame."""

    #: The words a step's countdown was waiting for are out: its deadline moved.
    words_done = Signal()

    def __init__(self, voice: Voice, clock: Clock, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.voice = voice
        self.clock = clock
        self._engine: SessionEngine | None = None
        self._due: list[tuple[float, int, str]] = []  # clock time, step index, words
        self._awaited: tuple[int, str] | None = None  # the words a step's countdown waits for
        self._remind_at: float | None = None  # step elapsed seconds of the next reminder
        self._quiet_from = -math.inf  # clock time the last cue has rung out
        voice.finished_speaking.connect(self._finished)

    def attach(self, engine: SessionEngine | None) -> None:
        self._engine = engine
        self.clear()

    def clear(self) -> None:
        self._due.clear()
        self._awaited = None
        self._remind_at = None

    def cue_played(self, seconds: float) -> None:
        """A cue has just started and rings for ``seconds``: no words start meanwhile."""
        self._quiet_from = max(self._quiet_from, self.clock.now() + seconds)

    # -- saying ---------------------------------------------------------------

    def step(self, index: int, step: Step, clear_after: float) -> None:
        """Say ``step``'s words ``clear_after`` seconds from now, holding its countdown for them."""
        engine = self._engine
        words = step.words.spoken
        self._remind_at = float(REMIND_SECONDS) if step.words.remind else None
        if engine is None or not words:
            return
        if step.waits_for_speech:
            if self.voice.will_speak:
                self._awaited = (index, words)
                engine.hold_for_speech(None)
            else:
                engine.hold_for_speech(clear_after + speech_seconds(words))
        self.say(words, index, self.clock.now() + clear_after)

    def say(self, text: str, index: int, at: float | None = None) -> None:
        """Say ``text`` at clock time ``at`` (now if None), clear of any breath tone."""
        now = self.clock.now()
        at = self._clear_of_cues(max(now if at is None else at, self._quiet_from))
        if at <= now:
            self.voice.say(text)
        else:
            self._due.append((at, index, text))
            self._due.sort()

    def drop_due(self) -> None:
        """Forget the words still to come for this step (the set now ends sooner)."""
        self._due.clear()

    def urgent(self, text: str) -> None:
        """Say ``text`` at once, cutting short whatever is being said or waits."""
        self._due.clear()
        self._awaited = None
        self.voice.say(text, interrupt=True)

    def tick(self) -> None:
        """Say what has come due; remind a step that waits for Enter every so often."""
        engine = self._engine
        if engine is None:
            return
        if engine.state is State.FINISHED:
            self.flush()
            return
        now = self.clock.now()
        while self._due and self._due[0][0] <= now:
            _, index, text = self._due.pop(0)
            if index == engine.index:  # words of a step already over go unsaid
                self.voice.say(text)
        remind = engine.step.words.remind
        if self._remind_at is not None and remind and engine.step_elapsed() >= self._remind_at:
            self._remind_at += REMIND_SECONDS
            if not self.voice.busy:
                self.voice.say(remind)

    def flush(self, everything: bool = False) -> None:
        """Say what has come due (``everything``: all that waits), whichever step it was
        for: the session is over."""
        now = self.clock.now()
        while self._due and (everything or self._due[0][0] <= now):
            self.voice.say(self._due.pop(0)[2])

    def next_due(self) -> float | None:
        """The clock time the next words are due, for the page's timer."""
        return self._due[0][0] if self._due else None

    # -- internals ----------------------------------------------------------------

    def _clear_of_cues(self, at: float) -> float:
        """``at``, or just after the breath tone it would have started with."""
        engine = self._engine
        current = engine.pace() if engine is not None else None
        if engine is None or current is None or current.done:
            return at
        # The tone of the phase under way may be ringing, or about to: its timer
        # can fire a few milliseconds after the phase has begun.
        began = self.clock.now() - (engine.step_elapsed() - current.phase_start)
        if began - BEFORE_CUE_S <= at < began + CUE_CLEAR_S:
            at = began + CUE_CLEAR_S
        cue = engine.next_cue()
        if cue is not None and cue[0] - BEFORE_CUE_S <= at < cue[0] + CUE_CLEAR_S:
            at = cue[0] + CUE_CLEAR_S
        return at

    def _finished(self, text: str) -> None:
        engine = self._engine
        if engine is None or self._awaited != (engine.index, text):
            return
        self._awaited = None
        engine.speech_done()
        self.words_done.emit()


def seconds_text(value: float) -> str:
    """Seconds left, as the ring counts them down."""
    return str(max(0, math.ceil(value - 1e-6)))
