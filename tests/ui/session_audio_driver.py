"""Plays a QL Claw session through the real session page, voice and cues, and prints what
was said and played and when.

Run by ``test_audio.py`` in a separate process whose sound goes to a null sink
that the test records, with a speech-dispatcher of its own that speaks into the
same sink. The person is played by this driver: it answers each question once
the question has been said, as someone listening would.

    python -m tests.ui.session_audio_driver [--whole]

Without ``--whole``: the left side up to the start of extra pressure 1 (its
long instruction and the stop line are the words that used to be cut off),
then the session is ended. With ``--whole``: both sides (yes, then come off on
the left; release in the base set on the right) and every stretch, with holds
shortened to 10 s. Prints one JSON object.
"""

from __future__ import annotations

import json
import sys
import time
from dataclasses import replace
from typing import Any

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from psoas_timer.core import i18n
from psoas_timer.core.catalog import load_catalog
from psoas_timer.core.clock import MonotonicClock
from psoas_timer.core.engine import SessionEngine, State
from psoas_timer.core.pacing import BreathPattern
from psoas_timer.core.plan import PlanOptions, StepKind, build_plan
from psoas_timer.services.voice import Voice
from psoas_timer.ui.session.session_page import SessionPage
from tests.ui.audio_output import ready_cue_player

#: How long the driver waits after the words of a question before it answers.
THINK_S = 1.0


class Listener:
    """Plays the person on the floor: answers once the words are out."""

    def __init__(self, page: SessionPage, voice: Voice, whole: bool) -> None:
        self.page = page
        self.voice = voice
        self.whole = whole
        self.quiet_since: float | None = None
        self.handled: set[int] = set()
        self.released: set[str] = set()

    def tick(self) -> None:
        engine = self.page.engine
        if engine is None or engine.state is State.FINISHED:
            return
        now = time.monotonic()
        if self.voice.busy:
            self.quiet_since = None
            return
        if self.quiet_since is None:
            self.quiet_since = now
        step = engine.step
        if step.kind is StepKind.SET and step.side == "right" and step.side not in self.released:
            current = engine.pace()
            if current is not None and current.breath == 3:
                self.released.add(step.side)
                self.page.release()
            return
        if now - self.quiet_since < THINK_S or engine.index in self.handled:
            return
        self.handled.add(engine.index)
        self.answer(engine)

    def answer(self, engine: SessionEngine) -> None:
        step = engine.step
        if step.kind is StepKind.RATING:
            self.page.rate(5)
        elif step.kind is StepKind.QUESTION:
            first_answer = step.level == 0 and step.side == "left"
            engine.answer("more" if first_answer else "off")
        elif step.kind is StepKind.SET and step.level == 1 and not self.whole:
            engine.end()  # as its first words end
        elif step.kind is StepKind.STRETCH:
            self.handled.discard(engine.index)  # the hold runs its time


def main() -> int:
    whole = "--whole" in sys.argv
    language = next((a.split("=", 1)[1] for a in sys.argv if a.startswith("--language=")), "en")
    # As the app does at start: the words, the catalog and the voice in that language.
    i18n.install(language)
    app = QApplication(sys.argv[:1])
    clock = MonotonicClock()
    cues = ready_cue_player(app)
    if cues is None:
        return 3
    report: dict[str, Any] = {"cues": [], "handed": [], "finished": [], "stops": []}
    play = cues.play

    def played(name: str) -> None:
        report["cues"].append((name, time.monotonic()))
        play(name)

    cues.play = played  # type: ignore[method-assign]
    voice = Voice(create_ms=8000, language=i18n.speech_locale())
    call = voice._call

    def handed(slot: str, *args: Any) -> None:
        # What the speech engine is asked to do, and when: say (a sentence) or stop (a cut).
        if slot == "say":
            report["handed"].append((args[0], time.monotonic()))
        elif slot == "stop":
            report["stops"].append(time.monotonic())
        call(slot, *args)

    voice._call = handed  # type: ignore[method-assign]
    voice.finished_speaking.connect(
        lambda text: report["finished"].append((text, time.monotonic()))
    )
    page = SessionPage(clock, cues, voice)
    catalog = load_catalog()
    stretches = {
        key: replace(item, hold_seconds=10, repetitions=1)
        for key, item in catalog.stretches.items()
    }
    options = PlanOptions(
        pattern=BreathPattern(3, 0, 3, 0),
        breaths=5,
        countdown=5,
        transition=3,
        stretch_rest=3,
        stretches=whole,
    )
    plan = build_plan(catalog.tool("ql-claw"), None, "both", options, stretches, catalog.safety)
    report["stop_line"] = plan.safety.during_set
    listener = Listener(page, voice, whole)
    ticks = QTimer()
    ticks.setInterval(50)
    ticks.timeout.connect(listener.tick)
    ticks.start()
    engine = page.start(plan)

    quiet_since: list[float] = []

    def over() -> None:
        # Over once the session has ended and nothing is said or due for 1.5 s.
        if engine.state is not State.FINISHED or voice.busy or page.speaker.next_due():
            quiet_since.clear()
        elif not quiet_since:
            quiet_since.append(time.monotonic())
        elif time.monotonic() - quiet_since[0] > 1.5:
            watch.stop()
            app.quit()

    watch = QTimer()
    watch.setInterval(200)
    watch.timeout.connect(over)
    watch.start()
    QTimer.singleShot((1200 if whole else 240) * 1000, app.quit)
    app.exec()
    ticks.stop()
    report["speaking_as"] = voice.speaking_as
    report["finished_session"] = engine.state is State.FINISHED
    page.stop()
    voice.shutdown()
    print(json.dumps(report))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
