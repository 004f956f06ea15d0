"""The timing baseline: a bare chain of precise single-shot QTimers.

    python -m bench.timer_chain --breaths N --pattern I,H,E,H

Fires once at every boundary of a set (the same ideal times the app's cues
aim at, from :func:`psoas_timer.core.pacing.boundaries`), each timer armed when
the previous one fires, and prints one JSON line with the ideal and actual
times in seconds from the start. Only QtCore runs: no window, no painting, no engine.
"""

from __future__ import annotations

import argparse
import json
import sys
import time

from PySide6.QtCore import QCoreApplication, Qt, QTimer

from psoas_timer.core.pacing import BreathPattern, boundaries

LEAD_S = 1.0


def parse_pattern(text: str) -> BreathPattern:
    inhale, hold_in, exhale, hold_out = (float(part) for part in text.split(","))
    return BreathPattern(inhale, hold_in, exhale, hold_out)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.timer_chain")
    parser.add_argument("--breaths", type=int, default=20)
    parser.add_argument("--pattern", type=parse_pattern, default=BreathPattern())
    args = parser.parse_args(argv)
    app = QCoreApplication(sys.argv[:1])
    origin = time.monotonic() + LEAD_S
    ideal = [origin + b.at for b in boundaries(args.pattern, args.breaths)]
    fired: list[float] = []
    timer = QTimer()
    timer.setSingleShot(True)
    timer.setTimerType(Qt.TimerType.PreciseTimer)

    def arm() -> None:
        wait = ideal[len(fired)] - time.monotonic()
        timer.start(max(0, round(wait * 1000)))

    def fire() -> None:
        fired.append(time.monotonic() - origin)
        if len(fired) < len(ideal):
            arm()
        else:
            app.quit()

    timer.timeout.connect(fire)
    arm()
    app.exec()
    names = [b.phase.value for b in boundaries(args.pattern, args.breaths)]
    print(
        json.dumps(
            {
                "ideal": [(name, at - origin) for name, at in zip(names, ideal, strict=True)],
                "played": list(zip(names, fired, strict=True)),
            }
        ),
        flush=True,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
