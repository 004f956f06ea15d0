"""The session plan: the ordered steps of one session, built from a tool and the settings."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from enum import Enum
from importlib.abc import Traversable
from typing import Final, Literal

from psoas_timer.core.catalog import Position, Stretch, Tool, Variant
from psoas_timer.core.pacing import BreathPattern, validate_breaths
from psoas_timer.core.units import Units, render_distances
from psoas_timer.core.vocab import (
    COUNTDOWN_LIMITS,
    DEFAULT_BREATHS,
    DEFAULT_COUNTDOWN,
    DEFAULT_TRANSITION,
    TRANSITION_LIMITS,
    Moment,
    Side,
    Sides,
    sides_of,
)

# The plan refuses nonsense rather than checking the settings again: any timed
# step (countdown, pause, rest between stretches) may last from the shortest
# pause to the longest countdown the settings offer.
STEP_SECONDS: Final = (float(TRANSITION_LIMITS.low), float(COUNTDOWN_LIMITS.high))


class StepKind(Enum):
    COUNTDOWN = "countdown"
    RATING = "rating"
    SET = "set"
    TRANSITION = "transition"
    SWITCH_SIDE = "switch-side"
    STRETCH = "stretch"
    DONE = "done"


@dataclass(frozen=True)
class Step:
    kind: StepKind
    title: str
    instruction: str = ""
    side: Side | None = None
    duration: float | None = None  # seconds for timed steps; sets derive theirs
    level: int = 0  # pressure level of a set, or of the set a transition leads to
    breaths: int = 0
    moment: Moment | None = None
    stretch: Stretch | None = None
    repetition: int = 0

    @property
    def is_pressure(self) -> bool:
        return self.kind in (StepKind.SET, StepKind.TRANSITION) and self.side is not None


@dataclass(frozen=True)
class PlanOptions:
    pattern: BreathPattern = field(default_factory=BreathPattern)
    breaths: int = DEFAULT_BREATHS
    countdown: float = float(DEFAULT_COUNTDOWN)
    transition: float = float(DEFAULT_TRANSITION)
    stretches: bool = True
    stretch_rest: float = 5.0
    units: Units = "cm"  # step texts are written out in these

    def __post_init__(self) -> None:
        validate_breaths(self.breaths)
        low, high = STEP_SECONDS
        for name in ("countdown", "transition", "stretch_rest"):
            value = getattr(self, name)
            if not low <= value <= high:
                raise ValueError(
                    f"{name}: must be between {low:g} and {high:g} seconds (got {value:g})"
                )


@dataclass(frozen=True)
class SessionPlan:
    tool: Tool
    position: Position
    sides: Sides
    options: PlanOptions
    steps: tuple[Step, ...]

    @property
    def pattern(self) -> BreathPattern:
        return self.options.pattern

    def step_duration(self, step: Step) -> float | None:
        if step.kind is StepKind.SET:
            return step.breaths * self.options.pattern.cycle
        return step.duration


def side_word(side: Side | None) -> str:
    return {"left": "Left side", "right": "Right side", None: ""}[side]


def level_title(position: Position, level: int) -> str:
    if level == 0:
        return "Base set"
    variant = position.variants[level - 1]
    return f"Extra pressure {level} of {len(position.variants)} — {variant.name}"


def set_step(plan_position: Position, side: Side, level: int, breaths: int) -> Step:
    instruction = plan_position.variants[level - 1].instruction if level else ""
    return Step(
        StepKind.SET,
        level_title(plan_position, level),
        instruction,
        side=side,
        level=level,
        breaths=breaths,
    )


def transition_step(position: Position, side: Side, level: int, seconds: float) -> Step:
    variant = position.variants[level - 1]
    return Step(
        StepKind.TRANSITION,
        f"Next: {level_title(position, level)}",
        variant.instruction,
        side=side,
        duration=seconds,
        level=level,
    )


def set_breaths(tool: Tool, options: PlanOptions) -> int:
    """Breaths per set: the user's own setting once changed, else the tool's default.

    Settings hold one number for every tool, so a value left at the app's
    default is taken as "no preference" and the tool's protocol decides.
    """
    return tool.default_breaths if options.breaths == DEFAULT_BREATHS else options.breaths


def tool_in_units(tool: Tool, units: Units) -> Tool:
    """``tool`` with every distance marker in its text written out in ``units``."""

    def text(value: str) -> str:
        return render_distances(value, units)

    def variant(item: Variant) -> Variant:
        return replace(item, name=text(item.name), instruction=text(item.instruction))

    def position(item: Position) -> Position:
        return replace(
            item,
            name=text(item.name),
            steps=tuple(map(text, item.steps)),
            variants=tuple(map(variant, item.variants)),
            target_note=text(item.target_note),
            target=text(item.target),
        )

    return replace(
        tool,
        summary=text(tool.summary),
        release_sign=text(tool.release_sign),
        ease_off=text(tool.ease_off),
        cautions=tuple(map(text, tool.cautions)),
        positions=tuple(map(position, tool.positions)),
    )


def stretch_in_units(stretch: Stretch, units: Units) -> Stretch:
    return replace(
        stretch,
        steps=tuple(render_distances(step, units) for step in stretch.steps),
        caution=render_distances(stretch.caution, units),
    )


def build_plan(
    tool: Tool,
    position_id: str | None,
    sides: Sides,
    options: PlanOptions,
    stretches: dict[str, Stretch] | None = None,
) -> SessionPlan:
    tool = tool_in_units(tool, options.units)
    options = replace(options, breaths=set_breaths(tool, options))
    if stretches:
        stretches = {key: stretch_in_units(item, options.units) for key, item in stretches.items()}
    position = tool.position(position_id)
    steps: list[Step] = []
    for index, side in enumerate(sides_of(sides)):
        where = side_word(side).lower()
        if index == 0:
            steps.append(
                Step(
                    StepKind.COUNTDOWN,
                    "Get into position",
                    f"Place the tool on your {where} and lie down on it.",
                    side=side,
                    duration=options.countdown,
                )
            )
        else:
            steps.append(
                Step(
                    StepKind.SWITCH_SIDE,
                    "Switch sides",
                    f"Ease off, move the tool to your {where} and settle onto it.",
                    side=side,
                    duration=options.countdown,
                )
            )
        steps.append(Step(StepKind.RATING, "How tender is it now?", side=side, moment="before"))
        steps.append(set_step(position, side, 0, options.breaths))
        for level in range(1, len(position.variants) + 1):
            steps.append(transition_step(position, side, level, options.transition))
            steps.append(set_step(position, side, level, options.breaths))
        steps.append(
            Step(StepKind.RATING, "How tender is it after the sets?", side=side, moment="after")
        )
    if options.stretches and stretches:
        steps += _stretch_steps(tool, sides, options, stretches)
    steps.append(Step(StepKind.DONE, "Session complete", "Well done. Your ratings are saved."))
    return SessionPlan(tool, position, sides, options, tuple(steps))


def _stretch_steps(
    tool: Tool, sides: Sides, options: PlanOptions, stretches: dict[str, Stretch]
) -> list[Step]:
    steps: list[Step] = []
    for stretch_id in tool.stretches:
        stretch = stretches.get(stretch_id)
        if stretch is None:
            continue
        stretch_sides: tuple[Side | None, ...] = sides_of(sides) if stretch.per_side else (None,)
        for side_index, side in enumerate(stretch_sides):
            more_sides = side_index < len(stretch_sides) - 1
            for repetition in range(1, stretch.repetitions + 1):
                where = f" ({side_word(side).lower()})" if side else ""
                if side_index == 0 and repetition == 1:
                    lead = Step(
                        StepKind.TRANSITION,
                        f"Next: {stretch.name}{where}",
                        " ".join(stretch.steps),
                        side=side,
                        duration=options.transition,
                        stretch=stretch,
                    )
                elif repetition == 1:
                    lead = Step(
                        StepKind.TRANSITION,
                        f"Other side: {stretch.name.lower()}{where}",
                        f"Go into the same stretch on your {side_word(side).lower()}.",
                        side=side,
                        duration=options.stretch_rest,
                        stretch=stretch,
                    )
                else:
                    lead = Step(
                        StepKind.TRANSITION,
                        f"Rest, then {stretch.name.lower()}{where}",
                        "Relax for a moment, then go into the stretch again.",
                        side=side,
                        duration=options.stretch_rest,
                        stretch=stretch,
                    )
                steps.append(lead)
                if repetition < stretch.repetitions:
                    after = "Then ease out of it and rest for a moment."
                elif more_sides:
                    after = "Then ease out of it and switch sides."
                else:
                    after = "Then ease out of it slowly."
                steps.append(
                    Step(
                        StepKind.STRETCH,
                        f"{stretch.name}{where} — hold {repetition} of {stretch.repetitions}",
                        f"{stretch.steps[-1]} {after}",
                        side=side,
                        duration=float(stretch.hold_seconds),
                        stretch=stretch,
                        repetition=repetition,
                    )
                )
    return steps


def backed_off_steps(
    position: Position, current: Step, breaths: int, transition: float
) -> list[Step]:
    """The steps that replace the rest of a side's escalation after a back-off."""
    level = current.level - 1
    assert current.side is not None and level >= 0
    lead = Step(
        StepKind.TRANSITION,
        f"Backing off: {level_title(position, level)}",
        "Ease off a little and settle back into the previous position.",
        side=current.side,
        duration=transition,
        level=level,
    )
    return [lead, set_step(position, current.side, level, breaths)]


@dataclass(frozen=True)
class StepPicture:
    source: Traversable | None
    caption: str = ""
    side: Side = "left"
    view: Literal["front", "side"] = "front"


def step_picture(plan: SessionPlan, step: Step) -> StepPicture:
    """The picture beside a step: a stretch's own, a variant's, or the placement diagram."""
    if step.stretch is not None:
        # Never the tool's placement during a stretch; one drawing serves both sides.
        return StepPicture(step.stretch.diagram, view="side")
    source, caption = plan.position.diagram, plan.position.diagram_caption
    if step.kind in (StepKind.SET, StepKind.TRANSITION) and step.level:
        variant = plan.position.variants[step.level - 1]
        if variant.diagram is not None:
            source, caption = variant.diagram, variant.diagram_caption
    # Poses and pressure variants are side or top views with no left/right labels.
    stem = source.name.removesuffix(".svg")
    flat = stem.startswith("pose-") or re.search(r"-v\d+$", stem) is not None
    return StepPicture(source, caption, step.side or "left", "side" if flat else "front")
