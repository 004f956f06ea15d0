"""Runs the benchmarks and prints one line per figure.

    python -m bench [--quick] [NAME ...]

Each figure line reads
``name: value unit | baseline: value unit | ratio: R | target: ≤ T | PASS``
(or ``FAIL``). The exit status is 1 when any figure fails, else 0.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import platform
import sys
import time
import traceback
from collections.abc import Callable, Iterator
from pathlib import Path

from bench import charts, footprint, pacing, package, startup, timing
from bench.common import Line, Note, XServer, scratch, xvfb

NAMES = ("startup", "memory", "idle", "pacing", "timing", "charts", "package")


def _versions() -> str:
    from importlib.metadata import PackageNotFoundError, version

    found: list[str] = []
    for name in ("psoas-timer", "PySide6-Essentials", "pyqtgraph", "numpy"):
        try:
            found.append(f"{name} {version(name)}")
        except PackageNotFoundError:
            found.append(f"{name} missing")
    return ", ".join(found)


def _header(quick: bool) -> str:
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    mode = "quick" if quick else "full"
    return (
        f"# psoas-timer benchmarks ({mode}): {os.cpu_count()} cores, load {load}; "
        f"Python {platform.python_version()}; {_versions()}"
    )


@contextlib.contextmanager
def _lazy_xvfb() -> Iterator[Callable[[], XServer]]:
    """An X server started the first time a benchmark asks for one."""
    stack = contextlib.ExitStack()
    server: list[XServer] = []

    def get() -> XServer:
        if not server:
            server.append(stack.enter_context(xvfb()))
        return server[0]

    with stack:
        yield get


def _plan(
    names: list[str], quick: bool, x: Callable[[], XServer], work: Path
) -> list[tuple[str, Callable[[], list[Line]]]]:
    steps: list[tuple[str, Callable[[], list[Line]]]] = []
    if "startup" in names:
        steps.append(("startup", lambda: startup.run(x(), work, quick)))
    if "memory" in names or "idle" in names:
        steps.append(
            (
                "memory/idle",
                lambda: footprint.run(
                    x(), work, quick, memory="memory" in names, idle="idle" in names
                ),
            )
        )
    if "pacing" in names:
        steps.append(("pacing", lambda: pacing.run(x(), work, quick)))
    if "timing" in names:
        steps.append(("timing", lambda: timing.run(x(), work, quick)))
    if "charts" in names:
        steps.append(("charts", lambda: charts.run(x(), work, quick)))
    if "package" in names:
        steps.append(("package", package.run))
    return steps


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="bench/run", description="Measure psoas-timer against bare Qt baselines."
    )
    parser.add_argument(
        "names",
        nargs="*",
        metavar="NAME",
        help=f"run only these: {', '.join(NAMES)} (default: all)",
    )
    parser.add_argument(
        "--quick", action="store_true", help="fewer rounds and shorter runs, for a first look"
    )
    args = parser.parse_args(argv)
    unknown = [name for name in args.names if name not in NAMES]
    if unknown:
        parser.error(f"unknown benchmark {', '.join(unknown)}; choose from {', '.join(NAMES)}")
    names = list(args.names) or list(NAMES)
    print(_header(args.quick), flush=True)
    failed = False
    started = time.monotonic()
    with scratch() as work, _lazy_xvfb() as x:
        for label, step in _plan(names, args.quick, x, work):
            try:
                lines = step()
            except Exception as exc:
                traceback.print_exc(file=sys.stderr)
                lines = [Note(f"{label}: could not be measured: {exc} | FAIL", passed=False)]
            for line in lines:
                print(line.line(), flush=True)
                failed = failed or not line.passed
    print(f"# done in {time.monotonic() - started:.0f} s", flush=True)
    return 1 if failed else 0
