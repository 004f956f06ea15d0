"""Pacing cost: CPU of the app and the X server during a set in floor mode.

The baseline is a bare full-screen QWidget repainting a breathing circle at
60 Hz on the same X server. Each side is measured alone (the other not
running), in alternating order, and the app's figure is its own CPU plus the X
server's over the same seconds.
"""

from __future__ import annotations

import time
from pathlib import Path

from bench.common import (
    CpuMeter,
    Figure,
    Line,
    Note,
    XServer,
    child_env,
    fresh_data_dir,
    median,
    python_command,
    read_line,
    spawn,
    stop,
)

TARGET_RATIO = 1.0


def _measure(args: list[str], server: XServer, seconds: float) -> tuple[float, float]:
    """CPU percent of the child and of the X server while the child runs."""
    process = spawn(args, child_env(server.display))
    try:
        read_line(process, "running" if "pacing" in args else "ready", timeout=60)
        time.sleep(1.0)  # past the first full-screen paints
        meter = CpuMeter([process.pid, server.pid])
        time.sleep(seconds)
        if process.poll() is not None:
            raise RuntimeError(f"{args!r} stopped while being measured")
        own, x_server = meter.percent()
    finally:
        stop(process)
    return own, x_server


def run(server: XServer, work: Path, quick: bool) -> list[Line]:
    seconds = 10.0 if quick else 20.0
    rounds = 1 if quick else 2
    app_total: list[float] = []
    app_own: list[float] = []
    bare_total: list[float] = []
    bare_own: list[float] = []
    for index in range(rounds):
        app_args = python_command(
            "-m",
            "bench.session_driver",
            "pacing",
            "--data-dir",
            str(fresh_data_dir(work, f"pacing-{index}")),
        )
        bare_args = python_command("-m", "bench.bare_window", "--circle")
        order = (app_args, bare_args) if index % 2 == 0 else (bare_args, app_args)
        for args in order:
            own, x_server = _measure(args, server, seconds)
            if args is app_args:
                app_own.append(own)
                app_total.append(own + x_server)
            else:
                bare_own.append(own)
                bare_total.append(own + x_server)
    label = f"{seconds:g} s" + (f", median of {rounds}" if rounds > 1 else "")
    return [
        Figure(
            f"pacing cost, app + X server, floor mode 1280x800 ({label})",
            median(app_total),
            "% of a core",
            TARGET_RATIO,
            baseline=median(bare_total),
            relative=True,
            digits=1,
        ),
        Note(
            f"pacing cost breakdown: app {median(app_own):.1f} % + X server "
            f"{median(app_total) - median(app_own):.1f} % | baseline: circle "
            f"{median(bare_own):.1f} % + X server {median(bare_total) - median(bare_own):.1f} %"
        ),
    ]
