"""Start-up: process start to the main window's first paint, against a bare Qt window
and against the floor: the same bare window loading the Qt modules the app has loaded
by its first paint (QtNetwork for the single-instance check).

Timed starts are every start but the first: a new data folder each time, holding
the card pictures an earlier start drew. The first start in a data folder, which
draws them (with QtSvg), is timed too and printed as a note beside the figures."""

from __future__ import annotations

from pathlib import Path

from bench.common import (
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


def warmed_data_dir(work: Path, name: str, server: XServer) -> Path:
    """A new data folder the app has started in once: its card pictures are drawn and
    cached, as every start but the first finds them."""
    folder = fresh_data_dir(work, name)
    extra_modules(folder, server, "--smoke")
    return folder


def run(server: XServer, work: Path, quick: bool) -> list[Line]:
    rounds = 5 if quick else 9
    # One untimed start of each first: byte code compiled, fonts cached, files warm.
    # The app's first start draws the card pictures that the timed starts find
    # cached; its second tells which Qt modules it has loaded by its first paint.
    warm = warmed_data_dir(work, "startup-warm", server)
    modules = extra_modules(warm, server, "--smoke")
    _first_paint(bare_command("--smoke"), server)
    _first_paint(floor_command(modules, "--smoke"), server)
    times: dict[str, list[float]] = {"app": [], "bare": [], "floor": [], "first": []}
    for index in range(rounds):
        commands = {
            "app": app_command(
                fresh_data_dir(work, f"startup-{index}", pictures_from=warm), "--smoke"
            ),
            "bare": bare_command("--smoke"),
            "floor": floor_command(modules, "--smoke"),
            "first": app_command(fresh_data_dir(work, f"startup-first-{index}"), "--smoke"),
        }
        # Interleaved, and the order turned every round, so drift hits all alike.
        order = list(commands)
        order = order[index % len(order) :] + order[: index % len(order)]
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
        Note(
            f"the first start in a new data folder, drawing the card pictures: "
            f"{median(times['first']):.3f} s vs the bare window's {median(times['bare']):.3f} s "
            f"= {median(times['first']) / median(times['bare']):.2f}x"
        ),
    ]
