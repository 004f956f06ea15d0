"""Soak: hours of sessions in minutes, watching memory and timers.

Runs the real app (``harness drive`` in soak mode: every timed step runs its
full time, ratings are given at once) at ``--time-scale 100`` until the
session clock passes ``--hours``, sampling the resident set size every session
minute and the QTimers and animations still running at the end of every
session. Passes when RSS grows by less than ``--max-growth`` per cent between
the end of the warm-up and the end of the run, and no session leaves a timer
or animation running.

    python -m tests.reliability.soak --hours 8
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.reliability.soak")
    parser.add_argument("--hours", type=float, default=8.0, help="session time to cover")
    parser.add_argument("--time-scale", type=float, default=100.0)
    parser.add_argument("--warm-up", type=float, default=0.5, help="hours not counted")
    parser.add_argument("--max-growth", type=float, default=5.0, help="per cent")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--samples", type=Path, help="keep the samples here (JSON lines)")
    args = parser.parse_args(argv)

    work = Path(tempfile.mkdtemp(prefix="psoas-soak-"))
    samples = args.samples or work / "samples.jsonl"
    samples.unlink(missing_ok=True)
    env = dict(os.environ)
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    command = [
        sys.executable,
        "-m",
        "tests.reliability.harness",
        "drive",
        "--data-dir",
        str(work / "app"),
        "--seed",
        str(args.seed),
        "--time-scale",
        str(args.time_scale),
        "--soak-seconds",
        str(args.hours * 3600),
        "--samples",
        str(samples),
    ]
    began = time.monotonic()
    limit = args.hours * 3600 / args.time_scale * 3 + 120
    done = subprocess.run(
        command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, timeout=limit, check=False
    )
    real = time.monotonic() - began
    records = [json.loads(line) for line in samples.read_text("utf-8").splitlines()]
    rss = [(r["t"], r["rss_kib"]) for r in records if "rss_kib" in r]
    ends = [r for r in records if "active_timers" in r]
    leaks = [r for r in ends if r["active_timers"]]
    warm = args.warm_up * 3600
    after = [kib for t, kib in rss if t >= warm]
    if len(after) < 10:
        print(f"too few samples after the warm-up ({len(after)}); exit code {done.returncode}")
        return 1
    window = max(3, len(after) // 20)  # the mean of the first and last 5 %
    start = statistics.mean(after[:window])
    end = statistics.mean(after[-window:])
    growth = (end - start) / start * 100
    hours = rss[-1][0] / 3600
    print(
        f"{hours:.2f} h of session time in {real:.0f} s real ({len(ends)} sessions, "
        f"{len(rss)} RSS samples, exit code {done.returncode}).\n"
        f"RSS after the {args.warm_up:g} h warm-up: {start / 1024:.1f} MiB -> "
        f"{end / 1024:.1f} MiB ({growth:+.2f} %; limit {args.max_growth:g} %); "
        f"min {min(after) / 1024:.1f}, max {max(after) / 1024:.1f} MiB, "
        f"first sample {rss[0][1] / 1024:.1f} MiB.\n"
        f"Sessions ending with a timer or animation still running: {len(leaks)} of {len(ends)}."
    )
    for leak in leaks[:5]:
        print(f"  session {leak['session']}: {leak['active_timers']}")
    print(f"samples: {samples}")
    ok = done.returncode == 0 and growth < args.max_growth and not leaks and hours >= args.hours
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
