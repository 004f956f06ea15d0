"""Memory 5 s after start and idle CPU with the main window open, against a bare Qt window
and, for memory, against the floor: the bare window loading the Qt modules the app has
loaded 5 s after its start.

The app and the baselines run side by side on the same X server, so all see the
same machine at the same moment.
"""

from __future__ import annotations

import time
from pathlib import Path

from bench.common import (
    CpuMeter,
    Figure,
    Line,
    XServer,
    child_env,
    fresh_data_dir,
    median,
    rss_mib,
    spawn,
    stop,
)
from bench.startup import (
    FLOOR_TARGET_RATIO,
    app_command,
    bare_command,
    extra_modules,
    floor_command,
    warmed_data_dir,
)

MEMORY_TARGET_RATIO = 1.2
IDLE_TARGET_PERCENT = 0.1
SETTLE_S = 5.0


def run(server: XServer, work: Path, quick: bool, memory: bool, idle: bool) -> list[Line]:
    rounds = 1 if quick or not memory else 3
    idle_s = 10.0 if quick else 30.0
    app_rss: list[float] = []
    bare_rss: list[float] = []
    floor_rss: list[float] = []
    idle_pair: tuple[float, float] | None = None
    env = child_env(server.display)
    modules: list[str] = []
    # As for start-up: a data folder whose card pictures an earlier start drew.
    warm = warmed_data_dir(work, "footprint-warm", server)
    if memory:
        modules = extra_modules(warm, server, "--after", f"{SETTLE_S:g}")
    for index in range(rounds):
        app = spawn(
            app_command(fresh_data_dir(work, f"footprint-{index}", pictures_from=warm)), env
        )
        bare = spawn(bare_command(), env)
        floor = spawn(floor_command(modules), env) if memory else None
        started = time.monotonic()
        try:
            time.sleep(max(0.0, started + SETTLE_S - time.monotonic()))
            for process in (app, bare, floor):
                if process is not None and process.poll() is not None:
                    error = process.stderr.read() if process.stderr is not None else ""
                    raise RuntimeError(f"{process.args!r} exited early: {error.strip()[-2000:]}")
            app_rss.append(rss_mib(app.pid))
            bare_rss.append(rss_mib(bare.pid))
            if floor is not None:
                floor_rss.append(rss_mib(floor.pid))
                stop(floor)  # not needed for the idle figure
            if idle and idle_pair is None:
                meter = CpuMeter([app.pid, bare.pid])
                time.sleep(idle_s)
                app_cpu, bare_cpu = meter.percent()
                idle_pair = (app_cpu, bare_cpu)
        finally:
            for process in (app, bare, floor):
                if process is not None:
                    stop(process)
    lines: list[Line] = []
    if memory:
        lines.append(
            Figure(
                f"memory (RSS {SETTLE_S:g} s after start{', median of 3' if rounds == 3 else ''})",
                median(app_rss),
                "MiB",
                MEMORY_TARGET_RATIO,
                baseline=median(bare_rss),
                relative=True,
                digits=1,
            )
        )
        lines.append(
            Figure(
                f"memory against the floor, a bare window with {', '.join(modules) or 'nothing'}",
                median(app_rss),
                "MiB",
                FLOOR_TARGET_RATIO,
                baseline=median(floor_rss),
                relative=True,
                digits=1,
            )
        )
    if idle_pair is not None:
        lines.append(
            Figure(
                f"idle CPU, main window open ({idle_s:g} s)",
                idle_pair[0],
                "% of a core",
                IDLE_TARGET_PERCENT,
                baseline=idle_pair[1],
                digits=3,
            )
        )
    return lines
