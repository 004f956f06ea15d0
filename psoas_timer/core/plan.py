"""The session plan: the ordered steps of one session, built from a tool and the settings."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Literal

from psoas_timer.core.catalog import Position, Stretch, Tool
from psoas_timer.core.pacing import BreathPattern, validate_breaths

Side = Literal["left", "right"]
Sides = Literal["left", "right", "both"]
Moment = Literal["before", "after"]

SIDE_ORDER: dict[Sides, tuple[Side, ...]] = {
    "left": ("left",),
    "right": ("right",),
    "both": ("left", "right"),
}


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
    def waits_for_user(self) -> bool:
        return self.kind is StepKind.RATING

    @property
    def is_pressure(self) -> bool:
        return self.kind in (StepKind.SET, StepKind.TRANSITION) and self.side is not None


@dataclass(frozen=True)
class PlanOptions:
    pattern: BreathPattern = field(default_factory=BreathPattern)
    breaths: int = 15
    countdown: float = 20.0
    transition: float = 8.0
    stretches: bool = True
    stretch_rest: float = 5.0

    def __post_init__(self) -> None:
        validate_breaths(self.breaths)
        for name in ("countdown", "transition", "stretch_rest"):
            value = getattr(self, name)
            if not 3.0 <= value <= 120.0:
                raise ValueError(f"{name}: must be between 3 and 120 seconds (got {value:g})")


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

    @property
    def levels(self) -> int:
        """Pressure levels per side: the base set plus each variant."""
        return 1 + len(self.position.variants)


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


def build_plan(
    tool: Tool,
    position_id: str | None,
    sides: Sides,
    options: PlanOptions,
    stretches: dict[str, Stretch] | None = None,
) -> SessionPlan:
    position = tool.position(position_id)
    steps: list[Step] = []
    for index, side in enumerate(SIDE_ORDER[sides]):
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
        stretch_sides: tuple[Side | None, ...] = SIDE_ORDER[sides] if stretch.per_side else (None,)
        first = True
        for side in stretch_sides:
            for repetition in range(1, stretch.repetitions + 1):
                where = f" ({side_word(side).lower()})" if side else ""
                if first:
                    lead = Step(
                        StepKind.TRANSITION,
                        f"Next: {stretch.name}{where}",
                        " ".join(stretch.steps),
                        side=side,
                        duration=options.transition,
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
                first = False
                steps.append(lead)
                steps.append(
                    Step(
                        StepKind.STRETCH,
                        f"{stretch.name}{where} — hold {repetition} of {stretch.repetitions}",
                        stretch.steps[-1],
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
