"""Start-up: process start to the main window's first paint, against a bare Qt window
and against the floor: the same bare window loading the Qt modules the app has loaded
by its first paint (QtNetwork for the single-instance check, QtSvg for drawings)."""

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
#: Where the bare window target cannot be met: how close to the floor start-up must be.
FLOOR_TARGET_RATIO = 1.1
PREFIX = "first paint after "
MODULES_PREFIX = "qt modules: "
#: What the bare window loads itself; the floor adds the app's others.
BARE_MODULES = frozenset({"QtCore", "QtGui", "QtWidgets"})


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


def floor_command(modules: list[str], *extra: str) -> list[str]:
    return bare_command(*extra, "--with", ",".join(modules))


def extra_modules(data_dir: Path, server: XServer, *when: str) -> list[str]:
    """The Qt modules the app loads beyond the bare window's, at its first paint
    (``--smoke``) or some seconds after start (``--after``, S)."""
    args = python_command("-m", "bench.app_modules", "--data-dir", str(data_dir), *when)
    process = spawn(args, child_env(server.display))
    try:
        line = read_line(process, MODULES_PREFIX, timeout=60)
    finally:
        stop(process)
    return sorted(set(line.removeprefix(MODULES_PREFIX).split()) - BARE_MODULES)


def run(server: XServer, work: Path, quick: bool) -> list[Line]:
    rounds = 5 if quick else 9
    # One untimed start of each first: byte code compiled, fonts cached, files warm.
    # The app's is also asked which Qt modules it has loaded by its first paint; it
    # starts as every timed start does, with a new data folder.
    modules = extra_modules(fresh_data_dir(work, "startup-warm"), server, "--smoke")
    _first_paint(bare_command("--smoke"), server)
    _first_paint(floor_command(modules, "--smoke"), server)
    times: dict[str, list[float]] = {"app": [], "bare": [], "floor": []}
    for index in range(rounds):
        data_dir = fresh_data_dir(work, f"startup-{index}")
        commands = {
            "app": app_command(data_dir, "--smoke"),
            "bare": bare_command("--smoke"),
            "floor": floor_command(modules, "--smoke"),
        }
        # Interleaved, and the order turned every round, so drift hits all alike.
        order = list(commands)
        order = order[index % 3 :] + order[: index % 3]
        for which in order:
            times[which].append(_first_paint(commands[which], server))
    app = median(times["app"])
    return [
        Figure(
            f"start-up to first paint (median of {rounds})",
            app,
            "s",
            TARGET_RATIO,
            baseline=median(times["bare"]),
            relative=True,
            digits=3,
        ),
        Figure(
            f"start-up against the floor, a bare window with {', '.join(modules) or 'nothing'}",
            app,
            "s",
            FLOOR_TARGET_RATIO,
            baseline=median(times["floor"]),
            relative=True,
            digits=3,
        ),
    ]
