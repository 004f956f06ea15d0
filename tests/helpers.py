"""Small builders shared by the tests."""

from __future__ import annotations

from pathlib import Path

from psoas_timer.core.catalog import Cue, Position, Stretch, Tool, Variant

_ANY_FILE = Path(__file__)

STRETCHES = {
    "lunge": Stretch("lunge", "Half-kneeling lunge", ("Kneel.", "Tuck the pelvis."), 30, 2),
    "bridge": Stretch("bridge", "Glute bridge", ("Lie down.", "Lift."), 20, 1, per_side=False),
}


def make_tool(variants: int = 3, stretches: tuple[str, ...] = ("lunge", "bridge")) -> Tool:
    names = ["Glute squeeze, leg locked", "Opposite knee out", "Tool on a book"]
    position = Position(
        id="prone",
        name="Face down",
        pose="prone",
        diagram=_ANY_FILE,
        steps=("Put the tool down.", "Lie on it."),
        variants=tuple(
            Variant(names[i % 3], f"Instruction {i + 1}.", None) for i in range(variants)
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
