"""What every benchmark shares: result lines, a private X server, and /proc readings."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")
SCREEN = (1280, 800)


# -- result lines --------------------------------------------------------------


@dataclass(frozen=True)
class Figure:
    """One measured figure, its baseline and its target.

    With ``relative`` the target bounds ``value / baseline``; otherwise it bounds
    ``value`` itself, in the figure's unit, and the baseline is shown for scale.
    """

    name: str
    value: float
    unit: str
    target: float
    baseline: float | None = None
    relative: bool = False
    digits: int = 2

    @property
    def ratio(self) -> float | None:
        if self.baseline is None or self.baseline <= 0:
            return None
        return self.value / self.baseline

    @property
    def passed(self) -> bool:
        if self.relative:
            ratio = self.ratio
            return ratio is not None and ratio <= self.target
        return self.value <= self.target

    def _amount(self, value: float) -> str:
        return f"{value:.{self.digits}f} {self.unit}".rstrip()

    def line(self) -> str:
        baseline = "—" if self.baseline is None else self._amount(self.baseline)
        ratio = "—" if self.ratio is None else f"{self.ratio:.2f}"
        target = f"≤ {self.target:g}" if self.relative else f"≤ {self._amount(self.target)}"
        verdict = "PASS" if self.passed else "FAIL"
        return (
            f"{self.name}: {self._amount(self.value)} | baseline: {baseline} | "
            f"ratio: {ratio} | target: {target} | {verdict}"
        )


@dataclass(frozen=True)
class Note:
    """A line that reports something without passing or failing."""

    text: str
    passed: bool = True

    def line(self) -> str:
        return self.text


Line = Figure | Note


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


def percentile(values: Sequence[float], share: float) -> float:
    """The ``share`` quantile (0..1) by linear interpolation; the max for 1."""
    ordered = sorted(values)
    if not ordered:
        raise ValueError("no values")
    position = share * (len(ordered) - 1)
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


# -- /proc -----------------------------------------------------------------------


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time of one process so far."""
    fields = Path(f"/proc/{pid}/stat").read_text("ascii").rpartition(")")[2].split()
    # After the command name: state is field 3, utime 14 and stime 15 (1-based).
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def rss_mib(pid: int) -> float:
    """Resident set size of one process, in MiB."""
    resident = int(Path(f"/proc/{pid}/statm").read_text("ascii").split()[1])
    return resident * PAGE_SIZE / (1024 * 1024)


class CpuMeter:
    """CPU share of a core used by some processes between start and stop."""

    def __init__(self, pids: Sequence[int]) -> None:
        self.pids = list(pids)
        self._start = time.monotonic()
        self._cpu = [cpu_seconds(pid) for pid in self.pids]

    def percent(self) -> list[float]:
        """Each process's use so far, in percent of one core."""
        wall = time.monotonic() - self._start
        return [
            100.0 * (cpu_seconds(pid) - before) / wall
            for pid, before in zip(self.pids, self._cpu, strict=True)
        ]


# -- child processes -------------------------------------------------------------


def child_env(display: str | None) -> dict[str, str]:
    """The environment for an app or baseline process: a real X display, no speech."""
    env = dict(os.environ)
    # An installed app has compiled byte code; let a checkout build its own once.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.pop("WAYLAND_DISPLAY", None)
    env["PYTHONPATH"] = str(ROOT)
    env["SPEECHD_ADDRESS"] = "unix_socket:/nonexistent/psoas-timer-bench"
    if display is None:
        env["QT_QPA_PLATFORM"] = "offscreen"
        env.pop("DISPLAY", None)
    else:
        env["QT_QPA_PLATFORM"] = "xcb"
        env["DISPLAY"] = display
    return env


def python_command(*args: str) -> list[str]:
    return [sys.executable, *args]


def stop(process: subprocess.Popen[str]) -> None:
    """Terminate a child and collect it; kill it if it does not go."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def read_line(process: subprocess.Popen[str], prefix: str, timeout: float) -> str:
    """Wait for the child's first stdout line that starts with ``prefix``."""
    assert process.stdout is not None
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            if process.poll() is not None:
                break
            continue
        if line.startswith(prefix):
            return line.strip()
    stop(process)
    error = process.stderr.read() if process.stderr is not None else ""
    raise RuntimeError(f"no '{prefix}' line from {process.args!r}: {error.strip()[-2000:]}")


def read_json(process: subprocess.Popen[str], timeout: float) -> dict[str, object]:
    """The child's last stdout line, as JSON, once it has exited."""
    try:
        out, err = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        stop(process)
        raise RuntimeError(f"{process.args!r} did not finish in {timeout:g} s") from None
    lines = [line for line in out.splitlines() if line.startswith("{")]
    if process.returncode != 0 or not lines:
        raise RuntimeError(
            f"{process.args!r} exited with {process.returncode}: {err.strip()[-2000:]}"
        )
    result = json.loads(lines[-1])
    assert isinstance(result, dict)
    return result


def spawn(args: Sequence[str], env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        list(args),
        cwd=ROOT,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@contextlib.contextmanager
def busy_cores(count: int) -> Iterator[list[int]]:
    """``count`` processes that each keep one core busy, for as long as the block runs."""
    loops = [
        subprocess.Popen(
            python_command("-c", "while True: pass"),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(count)
    ]
    try:
        yield [loop.pid for loop in loops]
    finally:
        for loop in loops:
            loop.kill()
            loop.wait()


# -- data folders ----------------------------------------------------------------


@contextlib.contextmanager
def scratch() -> Iterator[Path]:
    """A private temporary folder, removed afterwards."""
    folder = Path(tempfile.mkdtemp(prefix="psoas-timer-bench-"))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def fresh_data_dir(parent: Path, name: str, pictures_from: Path | None = None) -> Path:
    """A new ``--data-dir`` whose settings skip the first-run safety notice.

    With ``pictures_from`` (a data folder the app has started in before), its
    cache of drawn card pictures is copied in, as every start but the first has it.
    """
    root = parent / name
    config = root / "config"
    config.mkdir(parents=True)
    settings = {"version": 1, "safety_acknowledged": True}
    (config / "settings.json").write_text(json.dumps(settings), "utf-8")
    if pictures_from is not None:
        shutil.copytree(pictures_from / "cache", root / "cache")
    return root


# -- the X server ----------------------------------------------------------------


@dataclass(frozen=True)
class XServer:
    display: str
    pid: int


@contextlib.contextmanager
def xvfb(size: tuple[int, int] = SCREEN) -> Iterator[XServer]:
    """A private Xvfb on a display it picks itself, stopped afterwards."""
    if shutil.which("Xvfb") is None:
        raise RuntimeError("Xvfb is not installed (Debian: apt-get install xvfb)")
    read_end, write_end = os.pipe()
    process = subprocess.Popen(
        [
            "Xvfb",
            "-displayfd",
            str(write_end),
            "-screen",
            "0",
            f"{size[0]}x{size[1]}x24",
            "-nolisten",
            "tcp",
            "-noreset",
        ],
        pass_fds=(write_end,),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    os.close(write_end)
    try:
        with os.fdopen(read_end, "r") as pipe:
            number = pipe.readline().strip()
        if not number.isdigit():
            raise RuntimeError("Xvfb did not start")
        yield XServer(f":{number}", process.pid)
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
