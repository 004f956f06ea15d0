"""Chart scale: the progress page on 1, 3 and 10 years of daily sessions.

For each size a log is written through the Store API (:mod:`bench.chart_data`)
and :mod:`bench.chart_driver` times the page against bare pyqtgraph drawing the
same arrays, in one process on the X server, with pyqtgraph already imported
and warm on every side. The target is against the same charts made bare (the
page opens four charts, and a chart costs what it costs whoever makes it); the
ratio against all the arrays in one plot is printed beside it.
"""

from __future__ import annotations

from pathlib import Path

from bench.chart_data import write_log
from bench.common import (
    Figure,
    Line,
    Note,
    XServer,
    child_env,
    median,
    python_command,
    read_json,
    spawn,
)

OPEN_TARGET_RATIO = 1.5
REDRAW_TARGET_MS = 16.0
QUERY_TARGET_MS = 50.0
YEARS = (1, 3, 10)
SPANS = ("whole log", "1 year", "90 days")  # the order bench.chart_driver steps through


def _floats(result: dict[str, object], key: str) -> list[float]:
    values = result[key]
    assert isinstance(values, list)
    return [float(v) for v in values]


def run(server: XServer, work: Path, quick: bool) -> list[Line]:
    rounds = 3 if quick else 5
    lines: list[Line] = []
    for years in YEARS:
        database = work / f"charts-{years}y" / "psoas-timer.sqlite3"
        write_log(database, 365 * years)
        process = spawn(
            python_command(
                "-m", "bench.chart_driver", "--database", str(database), "--rounds", str(rounds)
            ),
            child_env(server.display),
        )
        result = read_json(process, timeout=600)
        page_pan = _floats(result, "page_pan_ms")
        bare_pan = _floats(result, "bare_pan_ms")
        what = f"{years} y, {result['sessions']} sessions, {result['points']} points"
        page_open = median(_floats(result, "page_open_ms"))
        one_plot = median(_floats(result, "bare_open_ms"))
        lines += [
            Figure(
                f"progress page open, All time ({what}; median of {rounds})",
                page_open,
                "ms",
                OPEN_TARGET_RATIO,
                baseline=median(_floats(result, "charts_open_ms")),
                relative=True,
                digits=0,
            ),
            Note(
                f"progress page open against every array in one bare plot ({years} y): "
                f"{page_open:.0f} ms vs {one_plot:.0f} ms = {page_open / one_plot:.2f}x"
            ),
            Figure(
                f"progress chart pan/zoom redraw ({years} y; median of {len(page_pan)})",
                median(page_pan),
                "ms",
                REDRAW_TARGET_MS,
                baseline=median(bare_pan),
                digits=1,
            ),
            Figure(
                f"progress query ({years} y; median of {len(_floats(result, 'query_ms'))})",
                median(_floats(result, "query_ms")),
                "ms",
                QUERY_TARGET_MS,
                digits=1,
            ),
        ]
        by_span = []
        for index, span in enumerate(SPANS):
            page = median(page_pan[index :: len(SPANS)])
            bare = median(bare_pan[index :: len(SPANS)])
            by_span.append(f"{span} {page:.1f} ms (bare {bare:.1f} ms)")
        lines.append(
            Note(f"progress chart redraw by span shown ({years} y): " + ", ".join(by_span))
        )
    return lines
