"""Every word a session can show or say, for every tool, position, side choice and unit."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from psoas_timer.core.catalog import Catalog, load_catalog
from psoas_timer.core.narration import (
    CUE_OF_PHASE,
    breath_callout,
    level_title,
    speech_seconds,
)
from psoas_timer.core.pacing import Phase
from psoas_timer.core.plan import PlanOptions, SessionPlan, StepKind, build_plan
from psoas_timer.core.units import Units
from psoas_timer.core.vocab import Sides, sides_of
from tests.helpers import every_step

UNITS: tuple[Units, ...] = ("cm", "in")
ALL_SIDES: tuple[Sides, ...] = ("left", "right", "both")


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    loaded = load_catalog()
    assert loaded.errors == [], [str(e) for e in loaded.errors]
    return loaded


def every_plan(catalog: Catalog) -> Iterator[SessionPlan]:
    for tool in catalog.tools.values():
        for position in tool.positions:
            for sides in ALL_SIDES:
                for units in UNITS:
                    for hands_free in (False, True):
                        options = PlanOptions(units=units, hands_free=hands_free)
                        yield build_plan(tool, position.id, sides, options, catalog.stretches)


def test_every_step_of_every_plan_has_words_and_no_raw_markers(catalog: Catalog) -> None:
    plans = steps = 0
    for plan in every_plan(catalog):
        plans += 1
        for step in every_step(plan):
            steps += 1
            where = f"{plan.tool.id}/{plan.position.id} {step.kind.value} {step.title}"
            words = step.words
            for text in (words.title, words.shown, words.spoken, words.name):
                assert text.strip(), where  # nothing a step shows or says is empty
                assert "{" not in text and "}" not in text, (where, text)
                assert text == text.strip() and "\n\n\n" not in text, (where, text)
                assert "  " not in text and ". ." not in text and ".." not in text, (where, text)
            if words.remind:
                assert step.duration is None and "Enter" in words.remind
    assert plans == 2 * 3 * 2 * sum(len(t.positions) for t in catalog.tools.values())
    assert steps > 5_000


def test_every_set_names_its_level_from_its_own_position(catalog: Catalog) -> None:
    for plan in every_plan(catalog):
        for step in every_step(plan):
            if step.kind is not StepKind.SET:
                continue
            title = level_title(plan.position, step.level)
            assert step.words.name == title
            if step.level:
                variant = plan.position.variants[step.level - 1]
                assert variant.name in step.title and variant.instruction in step.instruction
                said = f"extra pressure {step.level}."
            else:
                said = "base set."
            assert said in step.words.spoken.lower()
            assert step.words.spoken.endswith("Breathe in.")


@pytest.mark.parametrize(
    ("tool", "position", "says", "never"),
    [
        ("ql-claw", "prone", "lower yourself onto it", "press it in"),
        ("pso-rite", "prone", "lower yourself onto it", "press it in"),
        ("pso-rite", "supine-bed", "press it in gently with both hands", "lower yourself onto"),
        ("hands", "supine", "fingertips", "the tool"),
        ("littlemum-back", "supine", "centred under your spine", "left side"),
    ],
)
def test_getting_on_says_how_this_position_presses(
    catalog: Catalog, tool: str, position: str, says: str, never: str
) -> None:
    plan = build_plan(catalog.tool(tool), position, "both", PlanOptions(), catalog.stretches)
    first = plan.steps[0]
    assert first.kind is StepKind.COUNTDOWN
    assert says in first.instruction and says in first.words.spoken
    assert never not in first.instruction.lower()
    # The stop line is said at the start of each side.
    assert plan.safety.during_set in first.words.spoken
    for step in plan.steps:
        if step.kind is StepKind.SWITCH_SIDE:
            assert plan.safety.during_set in step.words.spoken
            assert never not in step.instruction.lower()


def test_a_tool_centred_on_the_spine_runs_one_centred_side(catalog: Catalog) -> None:
    for sides in ALL_SIDES:
        plan = build_plan(catalog.tool("littlemum-back"), None, sides, PlanOptions())
        assert plan.centred and plan.sides == "left"
        pressure = [s for s in every_step(plan) if s.side is not None and s.stretch is None]
        assert {s.side for s in pressure} == {"left"}
        ratings = [s for s in plan.steps if s.kind is StepKind.RATING]
        assert [s.moment for s in ratings] == ["before", "after"]
        assert not [s for s in plan.steps if s.kind is StepKind.SWITCH_SIDE]
        for step in pressure:
            for text in (step.instruction, step.words.spoken):
                assert "left side" not in text.lower(), text
        assert plan.where("left") == "Centre"
        assert ratings[0].words.spoken.startswith("Centre. Rate the tenderness")


def test_the_stop_line_comes_before_every_extra_pressure_level(catalog: Catalog) -> None:
    for plan in every_plan(catalog):
        for side in sides_of(plan.sides):
            for level in range(1, plan.levels + 1):
                spoken = plan.level_transition(side, level).words.spoken
                assert plan.safety.during_set in spoken


def test_callouts_cues_and_estimates() -> None:
    assert [breath_callout(n) for n in (3, 2, 1)] == [
        "3 breaths left",
        "2 breaths left",
        "Last breath",
    ]
    assert CUE_OF_PHASE[Phase.INHALE] == "inhale" and CUE_OF_PHASE[Phase.HOLD_OUT] == "hold"
    assert Phase.DONE not in CUE_OF_PHASE
    assert speech_seconds("") == 0
    # About 2.6 words a second: "Extra pressure 1" took 12.5 s for its 35 words.
    assert 12.5 <= speech_seconds(" ".join(["word"] * 35)) <= 15
