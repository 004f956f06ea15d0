"""Small builders shared by the tests."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from psoas_timer.core.catalog import Cue, Position, Stretch, Tool, Variant
from psoas_timer.core.plan import SessionPlan, Step
from psoas_timer.core.settings import Settings
from psoas_timer.core.vocab import SIDE_VALUES, STOP_REASON_VALUES, NextDay, Side, sides_of
from psoas_timer.store import SetRecord, Store

_ANY_FILE = Path(__file__)

STRETCHES = {
    "lunge": Stretch("lunge", "Half-kneeling lunge", ("Kneel.", "Tuck the pelvis."), 30, 2),
    "bridge": Stretch("bridge", "Glute bridge", ("Lie down.", "Lift."), 20, 1, per_side=False),
}


def make_tool(
    variants: int = 3,
    stretches: tuple[str, ...] = ("lunge", "bridge"),
    repositions: tuple[int, ...] = (),
) -> Tool:
    """A tool of ``variants`` levels; the levels in ``repositions`` change the set-up."""
    names = ["Glute squeeze, leg locked", "Opposite knee out", "Tool on a book"]
    position = Position(
        id="prone",
        name="Face down",
        pose="prone",
        diagram=_ANY_FILE,
        steps=("Put the tool down.", "Lie on it."),
        variants=tuple(
            Variant(names[i % 3], f"Instruction {i + 1}.", None, repositions=i + 1 in repositions)
            for i in range(variants)
        ),
    )
    return Tool(
        id="test-tool",
        name="Test tool",
        summary="A tool for tests.",
        targets=("psoas",),
        default_breaths=15,
        cue=Cue("Belly pushes out", "Sink in"),
        release_sign="It gives.",
        ease_off="Lift a little.",
        cautions=("Move away from a pulse.",),
        positions=(position,),
        stretches=stretches,
    )


TEN_YEARS_FROM = datetime(2024, 3, 1, 8, 0, tzinfo=UTC)


def fill_ten_years(path: Path, first: datetime = TEN_YEARS_FROM) -> int:
    """3,650 daily two-sided sessions, written in bulk straight into the file."""
    sessions, sets, ratings = [], [], []
    set_id = 0
    for n in range(3650):
        sid = n + 1
        start = first + timedelta(days=n, minutes=n % 97)
        stamp = start.strftime("%Y-%m-%dT%H:%M:%SZ")
        sessions.append(
            (sid, f"00000000-0000-4000-8000-{sid:012d}", stamp, stamp, ["ball", "peanut"][n % 2])
        )
        for side in ("left", "right"):
            for level in range(3):
                set_id += 1
                sets.append((set_id, sid, set_id, side, level, 4 + (n + level) % 9, stamp))
            for moment, value in (("before", 3 + n % 7), ("after", n % 5)):
                ratings.append((sid, side, moment, value, stamp))
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("BEGIN")
    conn.executemany(
        "INSERT INTO sessions (id, uuid, started_at, ended_at, tool_id, position_id, sides, "
        "status) VALUES (?, ?, ?, ?, ?, 'prone', 'both', 'completed')",
        sessions,
    )
    conn.executemany(
        "INSERT INTO sets (id, session_id, seq, side, level, variant_name, breaths_planned, "
        "breaths_done, released_breath, released_at_s, duration_s, paused_s, outcome, "
        "recorded_at) VALUES (?, ?, ?, ?, ?, 'v', 15, 15, ?, 30.0, 90.0, 0.0, 'completed', ?)",
        sets,
    )
    conn.executemany(
        "INSERT INTO ratings (session_id, side, moment, value, recorded_at) VALUES (?, ?, ?, ?, ?)",
        ratings,
    )
    conn.execute("COMMIT")
    conn.close()
    return len(sessions)


#: Short sets, silent, no first-run notice: what the window tests and scripts run with.
QUICK_SETTINGS = Settings(
    breaths=5,
    countdown=5,
    transition=3,
    voice=False,
    sound=False,
    floor_mode=False,
    safety_acknowledged=True,
    units="cm",
)


#: The tools the app ships with.
BUILTIN_TOOL_IDS = frozenset(
    {
        "ql-claw",
        "pso-rite",
        "meat-grinder",
        "massage-ball",
        "littlemum-shoulder",
        "littlemum-back",
        "hands",
    }
)


#: When the shared ``store`` fixture's log begins.
LOG_START = datetime(2024, 3, 1, 8, 0, tzinfo=UTC)


def ticking_clock(
    start: datetime = LOG_START, step: timedelta = timedelta(seconds=1)
) -> Callable[[], datetime]:
    """A wall clock that moves on by ``step`` each time it is read, so stamps differ."""
    now = [start]

    def clock() -> datetime:
        now[0] += step
        return now[0]

    return clock


# -- a half-year log, written through the store ---------------------------------

#: The tools and positions of the half-year log: QL Claw face down on Mondays
#: and Fridays, a massage ball in sphinx on Wednesdays.
SAMPLE_METHODS = {0: ("ql-claw", "prone"), 2: ("massage-ball", "sphinx"), 4: ("ql-claw", "prone")}


@dataclass(frozen=True)
class SampleSession:
    session_id: int
    day: date
    tool_id: str
    position_id: str
    before: dict[Side, int]
    after: dict[Side, int]
    next_day: NextDay | None


#: How much of a session's relief is gone by the next session (after minus the
#: next before), cycling: the claw's mostly holds, the ball's mostly does not.
SAMPLE_CARRY = {"ql-claw": (0, -1), "massage-ball": (-1, -2)}


def write_sample_log(store: Store, last_day: date, weeks: int = 26) -> list[SampleSession]:
    """Three two-sided sessions a week for ``weeks`` weeks, the last on or before ``last_day``.

    The left side's before rating eases from about 6 to 3 over the log; the
    right side's stays around 4. The after ratings are set by the carry-over
    each tool earns (:data:`SAMPLE_CARRY`): the ball takes more off within a
    session than the claw, but its relief is gone by next time, which only the
    carry-over shows. The claw's later sessions add a second, harder level.
    Every fourth session gets a next-day check: worse with lasting soreness
    after the ball, better after the claw.
    """
    monday = last_day - timedelta(days=last_day.weekday()) - timedelta(weeks=weeks - 1)
    wobble = (1, 0, -1, 0)
    plan: list[tuple[date, str, str, dict[Side, int]]] = []
    for week in range(weeks):
        for weekday, (tool_id, position_id) in SAMPLE_METHODS.items():
            day = monday + timedelta(weeks=week, days=weekday)
            if day > last_day:
                break
            n = len(plan)
            left = round(6 - 3 * week / max(1, weeks - 1)) + wobble[n % 4]
            plan.append(
                (day, tool_id, position_id, {"left": left, "right": 4 + wobble[(n + 1) % 4]})
            )
    made: list[SampleSession] = []
    for n, (day, tool_id, position_id, before) in enumerate(plan):
        claw = tool_id == "ql-claw"
        carry = SAMPLE_CARRY[tool_id][n % 2]
        # The last session has no next one: give it the drop its tool usually gives.
        following = plan[n + 1][3] if n + 1 < len(plan) else before
        after: dict[Side, int] = {
            side: max(0, min(before[side], following[side] + carry)) for side in SIDE_VALUES
        }
        started = datetime(day.year, day.month, day.day, 7, 30, tzinfo=UTC)
        sid = store.start_session(tool_id, position_id, "both", started)
        for number, side in enumerate(SIDE_VALUES):
            at = started + timedelta(minutes=1 + 8 * number)
            store.record_rating(sid, side, "before", before[side], at)
            for level in range(2 if claw and n >= len(plan) // 2 else 1):
                released = 6 + (n + level) % 5 if (n + level) % 3 else None
                store.record_set(
                    sid,
                    SetRecord(
                        side,
                        level,
                        "Base set" if level == 0 else "Opposite knee out",
                        15,
                        15,
                        150.0,
                        released_breath=released,
                        released_at_s=None if released is None else released * 10.0 - 5,
                    ),
                    at + timedelta(minutes=3 + 3 * level),
                )
            store.record_rating(sid, side, "after", after[side], at + timedelta(minutes=7))
        store.finish_session(sid, "completed", started + timedelta(minutes=20))
        next_day: NextDay | None = None
        if n % 4 == 3:
            next_day = "better" if claw else "worse"
            store.record_next_day(sid, next_day, not claw, started + timedelta(hours=26))
        made.append(SampleSession(sid, day, tool_id, position_id, before, after, next_day))
    return made


def every_step(plan: SessionPlan) -> list[Step]:
    """Every step a session on ``plan`` can show: its frame, and each step the engine may
    add on each side (every question, level, repeat, back-off, way off the tool, stop)."""
    steps = list(plan.steps)
    levels = plan.levels
    for side in sides_of(plan.sides):
        for level in range(levels + 1):
            steps.append(plan.set_step(side, level))
            steps.append(plan.set_step(side, level, again=True))
            steps.append(plan.backing_off(side, level))
            if level:
                steps.append(plan.level_transition(side, level))
            for cap in range(level, levels + 1):
                question = plan.question(side, level, cap)
                steps += [question, plan.waiting_question(question, cap)]
        steps += [plan.come_off(side, why) for why in ("released", "time_limit", "chosen")]
        steps.append(plan.stop_question(side, 0))
        steps += [plan.stop_advice(side, 0, reason) for reason in STOP_REASON_VALUES]
    return steps


#: The checkout's root, where ``python -m tests.…`` finds the test drivers.
ROOT = Path(__file__).resolve().parents[1]


def run_driver(module: str, env: Mapping[str, str], timeout: float) -> dict[str, Any]:
    """Run a test driver (``python -m module``) in a process of its own and return
    the JSON report it prints last."""
    done = subprocess.run(
        [sys.executable, "-m", module],
        cwd=ROOT,
        env={**env, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    report: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return report
