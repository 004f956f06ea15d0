"""Runs a real set in the real main window, on the real monotonic clock.

    python -m bench.session_driver pacing --data-dir DIR
    python -m bench.session_driver timing --data-dir DIR --breaths N --pattern I,H,E,H

Both build the main window in this process (as the app does), start a one-sided
QL Claw session in floor mode with sound and voice off, skip the countdown,
give the "before" rating and so reach the base set without a keyboard.

``pacing`` prints "running" once the set has started and keeps it running
until it is terminated. ``timing`` records the moment every cue of the set is
played, and the chime that ends it, with the ideal times from
:func:`psoas_timer.core.pacing.boundaries`, then prints them as one JSON line
(seconds from the set's ideal start on the monotonic clock) and exits.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from PySide6.QtCore import QTimer

from psoas_timer import paths as app_paths
from psoas_timer.core.catalog import load_catalog
from psoas_timer.core.clock import Clocks, MonotonicClock, system_wall
from psoas_timer.core.engine import SessionEngine
from psoas_timer.core.events import Event, StepStarted
from psoas_timer.core.pacing import BreathPattern, Phase, boundaries
from psoas_timer.core.plan import StepKind
from psoas_timer.core.settings import Settings
from psoas_timer.store import Store
from psoas_timer.ui.application import make_application
from psoas_timer.ui.main_window import MainWindow
from tests.qt_helpers import start_session

TOOL = "ql-claw"
CUE_OF_PHASE = {
    Phase.INHALE: "inhale",
    Phase.HOLD_IN: "hold",
    Phase.EXHALE: "exhale",
    Phase.HOLD_OUT: "hold",
    Phase.DONE: "chime",  # the transition that follows the set is announced with a chime
}


def parse_pattern(text: str) -> BreathPattern:
    inhale, hold_in, exhale, hold_out = (float(part) for part in text.split(","))
    return BreathPattern(inhale, hold_in, exhale, hold_out)


def _kind(engine: SessionEngine) -> StepKind:
    return engine.step.kind


class Driver:
    def __init__(self, mode: str, data_dir: Path, pattern: BreathPattern, breaths: int) -> None:
        self.mode = mode
        self.pattern = pattern
        self.breaths = breaths
        self.app = make_application()
        where = app_paths.paths_for(data_dir)
        where.ensure()
        settings = Settings(
            inhale=pattern.inhale,
            hold_in=pattern.hold_in,
            exhale=pattern.exhale,
            hold_out=pattern.hold_out,
            breaths=breaths,
            countdown=5,
            stretches=False,
            sound=False,
            voice=False,
            floor_mode=True,
            theme="dark",
            safety_acknowledged=True,
        )
        self.store = Store.open(where.database)
        self.clock = MonotonicClock()
        clocks = Clocks(self.clock, system_wall)
        self.window = MainWindow(load_catalog(), settings, where, clocks, self.store)
        self.played: list[tuple[str, float]] = []
        self.set_start: float | None = None
        self.engine: SessionEngine | None = None
        self.window.session.engine_started.connect(self._attach)
        play = self.window.cues.play

        def record(name: str) -> None:
            self.played.append((name, time.monotonic()))
            play(name)

        self.window.cues.play = record  # type: ignore[method-assign]

    def _attach(self, engine: SessionEngine) -> None:
        self.engine = engine
        engine.subscribe(self._on_event)

    def _on_event(self, event: Event) -> None:
        engine = self.engine
        if engine is None or not isinstance(event, StepStarted):
            return
        if event.step.kind is StepKind.SET and self.set_start is None:
            deadline, duration = engine.next_deadline(), engine.step_duration()
            assert deadline is not None and duration is not None
            self.set_start = deadline - duration
            if self.mode == "pacing":
                QTimer.singleShot(1000, self._report_running)
        elif self.set_start is not None and self.mode == "timing":
            # The set is over and the next step has been announced.
            QTimer.singleShot(0, self._finish)

    def start(self) -> None:
        window = self.window
        window.show()
        start_session(window, TOOL, "left")  # as the tests and the reliability harness do
        page = window.session
        page.next_step()  # skip the countdown
        engine = page.engine
        assert engine is not None
        if _kind(engine) is not StepKind.RATING:
            raise RuntimeError(f"expected the 'before' rating, got {engine.step}")
        page.rate(5)
        if _kind(engine) is not StepKind.SET:
            raise RuntimeError(f"expected the base set, got {engine.step}")

    def _report_running(self) -> None:
        size = self.window.session.ring.size()
        print(f"running (ring {size.width()}x{size.height()})", flush=True)

    def _finish(self) -> None:
        assert self.set_start is not None
        origin = self.clock.to_monotonic(self.set_start)
        ideal = [
            (CUE_OF_PHASE[b.phase], self.clock.to_monotonic(self.set_start + b.at) - origin)
            for b in boundaries(self.pattern, self.breaths)
        ]
        # Seconds from the set's ideal start. The set opens with its first inhale,
        # played once the set has begun; the countdown's chime came before it.
        played = [(name, at - origin) for name, at in self.played if at - origin > -0.01]
        print(json.dumps({"ideal": ideal, "played": played}), flush=True)
        self.stop()

    def stop(self) -> None:
        engine = self.window.session.engine
        if engine is not None and engine.running:
            engine.end()
        self.window.shutdown()
        self.window.close()
        self.store.close()
        self.app.quit()


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.session_driver")
    parser.add_argument("mode", choices=("pacing", "timing"))
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--breaths", type=int, default=30)
    parser.add_argument("--pattern", type=parse_pattern, default=BreathPattern())
    args = parser.parse_args(argv)
    driver = Driver(args.mode, args.data_dir, args.pattern, args.breaths)
    QTimer.singleShot(0, driver.start)
    return driver.app.exec()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
