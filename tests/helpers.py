"""Small builders shared by the tests."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

from psoas_timer.core.catalog import Cue, Position, Stretch, Tool, Variant
from psoas_timer.core.plan import SessionPlan, Step
from psoas_timer.core.settings import Settings
from psoas_timer.core.vocab import STOP_REASON_VALUES, sides_of

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
