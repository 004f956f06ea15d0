"""Kill test: SIGKILL the real app at random moments and lose nothing it showed as saved.

Each run starts the app (``harness drive``: the real entry point, offscreen,
``--time-scale 50``, a fresh ``--data-dir``) driving sessions with ratings by
keys, kills it with SIGKILL at a random moment, then checks:

1. ``PRAGMA integrity_check`` says ``ok``;
2. every item the app had reported as saved (the journal) is in the log, with
   the same values;
3. a fresh launch (``harness check``) opens the log without complaint and offers
   exactly the sessions the log holds as still running; the session the kill
   interrupted is among them. A kill before the session's row was written (at
   start-up, or between two sessions) leaves nothing to offer, and is counted
   as such.

Seeded and reproducible in what it does (the kill moments and key presses);
where a kill lands depends on the machine's speed.

    python -m tests.reliability.kill_test --runs 200 --seed 1
"""

from __future__ import annotations

import argparse
import json
import os
import random
import select
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
TIME_SCALE = 50
START_TIMEOUT_S = 60.0


@dataclass
class RunResult:
    run: int
    ok: bool
    outcome: str  # "offered", "nothing-to-offer", or the failure
    journaled: int = 0
    killed_after_s: float = 0.0
    candidates: list[int] = field(default_factory=list)
    api: str = ""
    problems: list[str] = field(default_factory=list)


def _child_env() -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    return env


def _wait_for_ready(child: subprocess.Popen[bytes], timeout: float) -> bool:
    assert child.stdout is not None
    end = time.monotonic() + timeout
    buffer = b""
    while time.monotonic() < end:
        ready, _, _ = select.select([child.stdout], [], [], 0.05)
        if ready:
            chunk = os.read(child.stdout.fileno(), 4096)
            if not chunk:
                return False
            buffer += chunk
            if b"ready\n" in buffer:
                return True
        elif child.poll() is not None:
            return False
    return False


def read_journal(path: Path) -> list[dict[str, Any]]:
    """Every whole line; a line cut short by the kill was never fully reported."""
    if not path.exists():
        return []
    items = []
    for line in path.read_text("utf-8").splitlines(keepends=True):
        if line.endswith("\n"):
            items.append(json.loads(line))
    return items


def verify(database: Path, journal: list[dict[str, Any]]) -> tuple[list[str], set[int], set[int]]:
    """Problems found, the sessions still running in the log, and those closed."""
    problems: list[str] = []
    if not database.exists():
        if journal:
            problems.append(f"no log file, but {len(journal)} item(s) were shown as saved")
        return problems, set(), set()
    conn = sqlite3.connect(database, isolation_level=None)
    try:
        check = conn.execute("PRAGMA integrity_check").fetchall()
        if check != [("ok",)]:
            problems.append(f"integrity_check: {check[:3]}")
            return problems, set(), set()
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
        if "sessions" not in tables:
            if journal:
                problems.append("the log has no tables but items were shown as saved")
            return problems, set(), set()
        status = dict(conn.execute("SELECT id, status FROM sessions").fetchall())
        ratings: dict[tuple[int, str, str], int] = {}
        for item in journal:
            sid = item["session_id"]
            kind = item["kind"]
            if kind == "edit":
                continue  # not a session event; the driver makes none
            if sid not in status:
                problems.append(f"session {sid} shown as saved ({kind}) but not in the log")
                continue
            if kind == "set":
                row = conn.execute(
                    "SELECT session_id, side, level, outcome FROM sets WHERE id = ?",
                    (item["set_id"],),
                ).fetchone()
                if row != (sid, item["side"], item["level"], item["outcome"]):
                    problems.append(f"set {item['set_id']} shown as saved, log has {row}")
            elif kind == "rating":
                ratings[(sid, item["side"], item["moment"])] = item["value"]
            elif kind == "end" and status[sid] != item["status"]:
                problems.append(f"session {sid} shown {item['status']}, log has {status[sid]}")
        for (sid, side, moment), value in ratings.items():
            row = conn.execute(
                "SELECT value FROM ratings WHERE session_id = ? AND side = ? AND moment = ?",
                (sid, side, moment),
            ).fetchone()
            if row != (value,):
                problems.append(f"rating {sid}/{side}/{moment}={value} shown, log has {row}")
    finally:
        conn.close()
    running = {sid for sid, s in status.items() if s == "running"}
    closed = set(status) - running
    return problems, running, closed


def one_run(run: int, rng: random.Random, work: Path, python: str) -> RunResult:
    data = work / f"run-{run:04d}"
    journal_path = data / "journal.jsonl"
    data.mkdir(parents=True)
    seed = rng.randrange(1 << 30)
    early = rng.random() < 0.1  # some kills land during start-up
    delay = rng.uniform(0.05, 1.5) if early else rng.uniform(0.0, 8.0)
    command = [
        python,
        "-m",
        "tests.reliability.harness",
        "drive",
        "--data-dir",
        str(data / "app"),
        "--journal",
        str(journal_path),
        "--seed",
        str(seed),
        "--time-scale",
        str(TIME_SCALE),
    ]
    started = time.monotonic()
    child = subprocess.Popen(
        command,
        cwd=ROOT,
        env=_child_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )
    try:
        if not early and not _wait_for_ready(child, START_TIMEOUT_S):
            return RunResult(run, False, "the app never came up", problems=["no ready line"])
        time.sleep(delay)
        if child.poll() is not None:
            return RunResult(run, False, f"the app exited by itself ({child.returncode})")
        child.send_signal(signal.SIGKILL)
    finally:
        if child.poll() is None:
            child.kill()
        child.wait()
        if child.stdout is not None:
            child.stdout.close()
    killed_after = time.monotonic() - started

    journal = read_journal(journal_path)
    # A fresh launch first: the app, not this script, is the first to open the
    # log after the kill.
    checked = subprocess.run(
        [python, "-m", "tests.reliability.harness", "check", "--data-dir", str(data / "app")],
        cwd=ROOT,
        env=_child_env(),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    result = RunResult(run, True, "", len(journal), round(killed_after, 2))
    try:
        report = json.loads(checked.stdout.strip().splitlines()[-1])
    except (IndexError, json.JSONDecodeError):
        result.problems.append(f"fresh launch failed: {checked.stderr.strip()[-500:]}")
        report = {"candidates": [], "api": "", "store_message": None}
    result.candidates = report["candidates"]
    result.api = report["api"]
    if report.get("store_message"):
        result.problems.append(f"fresh launch complained: {report['store_message']}")

    problems, running, closed = verify(data / "app" / "data" / "psoas-timer.sqlite3", journal)
    result.problems += problems
    started_ids = [i["session_id"] for i in journal if i["kind"] == "session"]
    ended_ids = {i["session_id"] for i in journal if i["kind"] == "end"}
    open_in_journal = [sid for sid in started_ids if sid not in ended_ids]
    if set(result.candidates) != running:
        result.problems.append(
            f"offered {sorted(result.candidates)}, the log holds {sorted(running)} as running"
        )
    for sid in open_in_journal:
        if sid not in result.candidates and sid not in closed:
            result.problems.append(f"the interrupted session {sid} is not offered for recovery")
    result.ok = not result.problems
    if not result.ok:
        result.outcome = "FAILED"
    else:
        result.outcome = "offered" if running else "nothing-to-offer"
        shutil.rmtree(data, ignore_errors=True)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.reliability.kill_test")
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", type=Path, help="work folder (kept); a temporary one otherwise")
    parser.add_argument("--json", type=Path, help="write every run's result here")
    args = parser.parse_args(argv)
    rng = random.Random(args.seed)
    work = args.keep or Path(tempfile.mkdtemp(prefix="psoas-kill-"))
    work.mkdir(parents=True, exist_ok=True)
    results: list[RunResult] = []
    began = time.monotonic()
    try:
        for run in range(1, args.runs + 1):
            result = one_run(run, rng, work, sys.executable)
            results.append(result)
            line = (
                f"run {run:3d}/{args.runs}: {result.outcome:16s} killed after "
                f"{result.killed_after_s:5.2f} s, {result.journaled:3d} item(s) shown saved"
            )
            print(line, flush=True)
            for problem in result.problems:
                print(f"    {problem}", flush=True)
    finally:
        if args.keep is None and all(r.ok for r in results):
            shutil.rmtree(work, ignore_errors=True)
    passed = sum(r.ok for r in results)
    outcomes = Counter(r.outcome for r in results)
    items = sum(r.journaled for r in results if r.ok)
    apis = sorted({r.api for r in results if r.api})
    print(
        f"\n{passed}/{len(results)} runs passed in {time.monotonic() - began:.0f} s: "
        f"{outcomes['offered']} offered the killed session for recovery, "
        f"{outcomes['nothing-to-offer']} were killed before a session row existed "
        f"or between sessions; {items} saved items checked against the log "
        f"(recovery list from {', '.join(apis) or 'nowhere'})."
    )
    if passed != len(results):
        print(f"failed runs kept under {work}")
    if args.json is not None:
        args.json.write_text(json.dumps([r.__dict__ for r in results], indent=1), "utf-8")
    return 0 if passed == len(results) else 1


if __name__ == "__main__":
    sys.exit(main())
