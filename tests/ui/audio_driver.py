"""Plays one short paced set through the real session page and prints its schedule.

Run by ``test_audio.py`` in a separate process whose sound goes to a null sink
that the test records. Prints one JSON object: the monotonic time of every
phase boundary the set scheduled, and when each cue was actually played.
"""

from __future__ import annotations

import json
import sys
import time

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from psoas_timer.core.catalog import load_catalog
from psoas_timer.core.clock import MonotonicClock
from psoas_timer.core.events import Event, SessionFinished, SetFinished, StepStarted
from psoas_timer.core.pacing import BreathPattern, Phase, boundaries
from psoas_timer.core.plan import PlanOptions, StepKind, build_plan
from psoas_timer.services.voice import Voice
from psoas_timer.ui.session.session_page import SessionPage
from tests.ui.audio_output import ready_cue_player


def main() -> int:
    app = QApplication(sys.argv[:1])
    clock = MonotonicClock()
    cues = ready_cue_player(app)
    if cues is None:
        return 3
    played: list[tuple[str, float]] = []
    original = cues.play

    def play(name: str) -> None:
        played.append((name, time.monotonic()))
        original(name)

    cues.play = play  # type: ignore[method-assign]
    voice = Voice("no-such-engine")
    page = SessionPage(clock, cues, voice)
    catalog = load_catalog()
    pattern = BreathPattern(3, 0, 3, 0)
    options = PlanOptions(pattern=pattern, breaths=5, countdown=3, transition=3, stretches=False)
    plan = build_plan(catalog.tool("ql-claw"), None, "left", options)
    schedule: list[tuple[str, float]] = []

    def on_event(event: Event) -> None:
        engine = page.engine
        assert engine is not None
        if isinstance(event, StepStarted) and event.step.kind is StepKind.RATING:
            QTimer.singleShot(0, lambda: page.rate(4))
        elif isinstance(event, StepStarted) and event.step.kind is StepKind.SET:
            # The step began at its ideal time, which this event may follow by a moment.
            start = clock.now() - engine.step_elapsed()
            for boundary in boundaries(pattern, event.step.breaths):
                if boundary.phase is not Phase.DONE:
                    schedule.append((boundary.phase.value, clock.to_monotonic(start + boundary.at)))
        elif isinstance(event, SetFinished):
            QTimer.singleShot(0, engine.end)
        elif isinstance(event, SessionFinished):
            QTimer.singleShot(700, app.quit)

    engine = page.start(plan)
    engine.subscribe(on_event)
    QTimer.singleShot(60_000, app.quit)
    app.exec()
    page.stop()
    print(json.dumps({"schedule": schedule, "played": played}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
