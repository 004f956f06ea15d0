"""Timing accuracy of the cues with both cores loaded by busy processes.

The app runs a real set (``bench.session_driver timing``) while a bare chain
of precise QTimers (``bench.timer_chain``) aims at the same boundaries in a
second process, at the same time, under the same load: two processes that
each spin a core for the whole run.

Each boundary is paired with the nearest cue of its kind played within half
the shortest phase of it. A boundary with no cue is a missed cue, and a cue
left over (a repeat, say) is a stray: either fails the run, whatever the
times.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from bench.common import (
    Figure,
    Line,
    Note,
    XServer,
    busy_cores,
    child_env,
    fresh_data_dir,
    percentile,
    python_command,
    read_json,
    spawn,
    stop,
)
from psoas_timer.core.pacing import BreathPattern

TARGET_MS = 20.0
PATTERN = BreathPattern(inhale=3.0, hold_in=1.0, exhale=4.0, hold_out=1.0)


Timed = list[tuple[str, float]]


@dataclass(frozen=True)
class Matched:
    errors_ms: list[float | None]  # per ideal boundary, None where nothing was played
    ideal: Timed
    extra: Timed  # played, but at no boundary: a repeat or a stray cue

    @property
    def found(self) -> list[float]:
        return [abs(e) for e in self.errors_ms if e is not None]

    @property
    def missed(self) -> Timed:
        return [cue for cue, e in zip(self.ideal, self.errors_ms, strict=True) if e is None]


def _timed(result: dict[str, object], key: str) -> Timed:
    values = result[key]
    assert isinstance(values, list)
    return [(str(name), float(at)) for name, at in values]


def match(ideal: Timed, played: Timed, window: float) -> Matched:
    """Pair each boundary with the nearest unused cue of its name within ``window`` s."""
    used = [False] * len(played)
    errors: list[float | None] = []
    for name, want in ideal:
        best: int | None = None
        for index, (got, at) in enumerate(played):
            if used[index] or got != name or abs(at - want) > window:
                continue
            if best is None or abs(at - want) < abs(played[best][1] - want):
                best = index
        if best is None:
            errors.append(None)
        else:
            used[best] = True
            errors.append((played[best][1] - want) * 1000)
    extra = [cue for cue, taken in zip(played, used, strict=True) if not taken]
    return Matched(errors, ideal, extra)


def _listed(cues: Timed) -> str:
    return ", ".join(f"{name} at {at:.3f} s" for name, at in cues[:6]) + (
        " …" if len(cues) > 6 else ""
    )


def run(server: XServer, work: Path, quick: bool) -> list[Line]:
    breaths = 5 if quick else 20
    pattern = f"{PATTERN.inhale:g},{PATTERN.hold_in:g},{PATTERN.exhale:g},{PATTERN.hold_out:g}"
    timeout = PATTERN.cycle * breaths + 90
    env = child_env(server.display)
    with busy_cores(2):
        app = spawn(
            python_command(
                "-m",
                "bench.session_driver",
                "timing",
                "--data-dir",
                str(fresh_data_dir(work, "timing")),
                "--breaths",
                str(breaths),
                "--pattern",
                pattern,
            ),
            env,
        )
        chain = spawn(
            python_command(
                "-m", "bench.timer_chain", "--breaths", str(breaths), "--pattern", pattern
            ),
            env,
        )
        try:
            app_result = read_json(app, timeout)
            chain_result = read_json(chain, timeout)
        finally:
            stop(app)
            stop(chain)
    window = min(seconds for _, seconds in PATTERN.phases()) / 2
    app_match = match(_timed(app_result, "ideal"), _timed(app_result, "played"), window)
    chain_match = match(_timed(chain_result, "ideal"), _timed(chain_result, "played"), window)
    app_abs, chain_abs = app_match.found, chain_match.found
    what = f"{breaths} breaths of {pattern} s, {len(app_match.ideal)} boundaries, 2 cores busy"
    lines: list[Line] = []
    if app_match.missed or app_match.extra:
        lines.append(
            Note(
                f"cue timing: {len(app_match.missed)} of {len(app_match.ideal)} cues never "
                f"played ({_listed(app_match.missed) or 'none'}); {len(app_match.extra)} "
                f"played at no boundary ({_listed(app_match.extra) or 'none'}) | FAIL",
                passed=False,
            )
        )
    end_app, end_chain = app_match.errors_ms[-1], chain_match.errors_ms[-1]
    lines += [
        Figure(
            f"cue timing, max error ({what})",
            max(app_abs),
            "ms",
            TARGET_MS,
            baseline=max(chain_abs),
            digits=1,
        ),
        Figure(
            "cue timing, p99 error",
            percentile(app_abs, 0.99),
            "ms",
            TARGET_MS,
            baseline=percentile(chain_abs, 0.99),
            digits=1,
        ),
        Figure(
            "cue timing, drift at the end of the set",
            abs(end_app) if end_app is not None else float("inf"),
            "ms",
            TARGET_MS,
            baseline=abs(end_chain) if end_chain is not None else None,
            digits=1,
        ),
    ]
    late: list[str] = [
        name
        for (name, _), error in zip(app_match.ideal, app_match.errors_ms, strict=True)
        if error is not None and abs(error) > TARGET_MS
    ]
    kinds = ", ".join(f"{late.count(k)} {k}" for k in dict.fromkeys(late)) or "none"
    lines.append(
        Note(
            f"cue timing detail: median error {percentile(app_abs, 0.5):.1f} ms "
            f"(bare {percentile(chain_abs, 0.5):.1f} ms); over {TARGET_MS:g} ms: "
            f"{len(late)} of {len(app_abs)} ({kinds}), "
            f"bare {sum(e > TARGET_MS for e in chain_abs)} of {len(chain_abs)}"
        )
    )
    return lines
