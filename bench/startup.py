"""Start-up: process start to the main window's first paint, against a bare Qt window."""

from __future__ import annotations

from pathlib import Path

from bench.common import (
    Figure,
    Line,
    XServer,
    child_env,
    fresh_data_dir,
    median,
    python_command,
    read_line,
    spawn,
    stop,
)

TARGET_RATIO = 1.3
PREFIX = "first paint after "


def _first_paint(args: list[str], server: XServer) -> float:
    process = spawn(args, child_env(server.display))
    try:
        line = read_line(process, PREFIX, timeout=60)
        process.wait(timeout=30)
    finally:
        stop(process)
    return float(line.removeprefix(PREFIX).split()[0])


def app_command(data_dir: Path, *extra: str) -> list[str]:
    return python_command("-m", "psoas_timer", "--data-dir", str(data_dir), *extra)


def bare_command(*extra: str) -> list[str]:
    return python_command("-m", "bench.bare_window", *extra)


def run(server: XServer, work: Path, quick: bool) -> list[Line]:
    rounds = 5 if quick else 9
    # One untimed start of each first: byte code compiled, fonts cached, files warm.
    _first_paint(app_command(fresh_data_dir(work, "startup-warm"), "--smoke"), server)
    _first_paint(bare_command("--smoke"), server)
    app: list[float] = []
    bare: list[float] = []
    for index in range(rounds):
        data_dir = fresh_data_dir(work, f"startup-{index}")
        # Interleaved, and the order swapped every round, so drift hits both alike.
        order = ("app", "bare") if index % 2 == 0 else ("bare", "app")
        for which in order:
            if which == "app":
                app.append(_first_paint(app_command(data_dir, "--smoke"), server))
            else:
                bare.append(_first_paint(bare_command("--smoke"), server))
    return [
        Figure(
            f"start-up to first paint (median of {rounds})",
            median(app),
            "s",
            TARGET_RATIO,
            baseline=median(bare),
            relative=True,
            digits=3,
        )
    ]
