"""The session plan: the steps a session starts with, and the steps it adds as it goes.

A plan begins as the fixed frame of a session: for each side, getting into
position, the before-rating, the base set and the after-rating; then the
stretches and the summary. What comes between a side's base set and its
after-rating depends on the person (release, "More pressure?", back off, Stop,
the time limit), so the engine asks the plan for those steps as it needs them.
Every step carries its words (:mod:`psoas_timer.core.narration`) and its
picture, so whoever shows it has nothing left to work out.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from enum import Enum
from importlib.abc import Traversable
from typing import Final, Literal

from psoas_timer.core import narration
from psoas_timer.core.catalog import Position, Stretch, Tool, Variant
from psoas_timer.core.narration import ComeOff, Words
from psoas_timer.core.pacing import BreathPattern, validate_breaths
from psoas_timer.core.safety import BUILTIN_SAFETY, Safety
from psoas_timer.core.units import Units, render_distances
from psoas_timer.core.vocab import (
    COUNTDOWN_LIMITS,
    DEFAULT_BREATHS,
    DEFAULT_COUNTDOWN,
    DEFAULT_PRESSURE_MINUTES,
    DEFAULT_TRANSITION,
    HANDS_FREE_SECONDS,
    PRESSURE_MINUTES_LIMITS,
    TRANSITION_LIMITS,
    Moment,
    SetOutcome,
    Side,
    Sides,
    StopReason,
    sides_of,
)

# The plan refuses nonsense rather than checking the settings again: any timed
# step (countdown, pause, rest between stretches) may last from the shortest
# pause to the longest countdown the settings offer.
STEP_SECONDS: Final = (float(TRANSITION_LIMITS.low), float(COUNTDOWN_LIMITS.high))

#: An answer to "More pressure?": the next level, one more set at this level, or come off.
Answer = Literal["more", "again", "off"]


class StepKind(Enum):
    COUNTDOWN = "countdown"
    RATING = "rating"
    SET = "set"
    QUESTION = "question"  # "More pressure?" after a set
    TRANSITION = "transition"  # words, then a short countdown (or Enter) before a set or stretch
    COME_OFF = "come-off"  # the pressure on a side is over
    SWITCH_SIDE = "switch-side"
    STOP_REASON = "stop-reason"  # after Stop: what felt wrong?
    STOP_ADVICE = "stop-advice"  # what to do about it
    STRETCH = "stretch"
    DONE = "done"


#: Steps announced before they run: a chime, then their words; their countdown waits
#: for the words (a hands-free question among them). With spoken steps off, the chime
#: is what tells a person face down that a set is over and a question waits.
ANNOUNCED: Final = frozenset(
    (
        StepKind.COUNTDOWN,
        StepKind.SWITCH_SIDE,
        StepKind.TRANSITION,
        StepKind.COME_OFF,
        StepKind.QUESTION,
    )
)


@dataclass(frozen=True)
class StepPicture:
    """What is drawn beside a step, and how: a front view is mirrored for the right side."""

    source: Traversable | None
    caption: str = ""
    side: Side = "left"
    view: Literal["front", "side"] = "front"


NO_PICTURE: Final = StepPicture(None)


@dataclass(frozen=True)
class Step:
    kind: StepKind
    words: Words
    side: Side | None = None
    duration: float | None = None  # a timed step's countdown, after its words; None: it waits
    level: int = 0  # pressure level of a set, or of the set a step leads to
    breaths: int = 0
    moment: Moment | None = None
    stretch: Stretch | None = None
    repetition: int = 0
    picture: StepPicture = NO_PICTURE
    pressure: bool = False  # time spent on it counts toward the side's limit
    again: bool = False  # a set repeated at the level before it
    reason: StopReason | None = None  # of a stop's advice
    come_off: ComeOff | None = None
    ahead: int | None = None  # the level "More pressure?" offers; None when it offers none

    @property
    def title(self) -> str:
        return self.words.title

    @property
    def instruction(self) -> str:
        return self.words.shown

    @property
    def waits_for_speech(self) -> bool:
        """A timed step whose countdown starts only once its words have been said."""
        return self.duration is not None and self.kind in ANNOUNCED

    @property
    def on_tool(self) -> bool:
        """The person is on the tool (or getting onto it): Stop applies."""
        if self.side is None or self.stretch is not None:
            return False
        if self.kind is StepKind.RATING:
            return self.moment == "before"
        return self.kind in (
            StepKind.COUNTDOWN,
            StepKind.SWITCH_SIDE,
            StepKind.SET,
            StepKind.QUESTION,
            StepKind.TRANSITION,
        )


@dataclass(frozen=True)
class PlanOptions:
    pattern: BreathPattern = field(default_factory=BreathPattern)
    breaths: int = DEFAULT_BREATHS
    countdown: float = float(DEFAULT_COUNTDOWN)
    transition: float = float(DEFAULT_TRANSITION)
    stretches: bool = True
    stretch_rest: float = 5.0
    units: Units = "cm"  # step texts are written out in these
    hands_free: bool = False  # "More pressure?" goes on by itself after a countdown
    pressure_minutes: int = DEFAULT_PRESSURE_MINUTES  # per side

    def __post_init__(self) -> None:
        validate_breaths(self.breaths)
        low, high = STEP_SECONDS
        for name in ("countdown", "transition", "stretch_rest"):
            value = getattr(self, name)
            if not low <= value <= high:
                raise ValueError(
                    f"{name}: must be between {low:g} and {high:g} seconds (got {value:g})"
                )
        minutes = self.pressure_minutes
        if isinstance(minutes, bool) or not isinstance(minutes, int):
            raise ValueError(f"pressure_minutes: expected whole minutes, got {minutes!r}")
        if not PRESSURE_MINUTES_LIMITS.low <= minutes <= PRESSURE_MINUTES_LIMITS.high:
            raise ValueError(
                f"pressure_minutes: must be between {PRESSURE_MINUTES_LIMITS.low} and "
                f"{PRESSURE_MINUTES_LIMITS.high} minutes (got {minutes})"
            )


@dataclass(frozen=True)
class SessionPlan:
    tool: Tool
    position: Position
    sides: Sides  # as logged: a centred position logs its one side as "left"
    options: PlanOptions
    steps: tuple[Step, ...]
    safety: Safety = BUILTIN_SAFETY

    @property
    def pattern(self) -> BreathPattern:
        return self.options.pattern

    @property
    def centred(self) -> bool:
        return self.position.centred

    @property
    def levels(self) -> int:
        """The extra-pressure levels this position offers."""
        return len(self.position.variants)

    @property
    def limit_seconds(self) -> float:
        """Time under pressure on one side after which the session says to come off."""
        return self.options.pressure_minutes * 60.0

    def where(self, side: Side | None) -> str:
        return narration.where(side, self.centred)

    def step_duration(self, step: Step) -> float | None:
        if step.kind is StepKind.SET:
            return step.breaths * self.options.pattern.cycle
        return step.duration

    # -- the steps the engine adds -----------------------------------------------

    def picture(self, side: Side, level: int) -> StepPicture:
        """The placement diagram, or the picture of a pressure level's changed position."""
        if level:
            variant = self.position.variants[level - 1]
            if variant.diagram is not None:
                # A level's picture shows the body from the side or above: no left or right.
                return StepPicture(variant.diagram, variant.diagram_caption, side, "side")
        return StepPicture(self.position.diagram, self.position.diagram_caption, side, "front")

    def set_step(self, side: Side, level: int, again: bool = False) -> Step:
        return Step(
            StepKind.SET,
            narration.set_words(self.position, level, again),
            side=side,
            level=level,
            breaths=self.options.breaths,
            picture=self.picture(side, level),
            pressure=True,
            again=again,
        )

    def question(self, side: Side, level: int, cap: int) -> Step:
        """The question after a set at ``level``; no level above ``cap`` is offered."""
        hands_free = self.options.hands_free
        ahead = level + 1 if level < cap else level
        return Step(
            StepKind.QUESTION,
            narration.question(self.position, level, cap, hands_free),
            side=side,
            duration=float(HANDS_FREE_SECONDS) if hands_free else None,
            level=level,
            picture=self.picture(side, ahead),
            pressure=True,
            ahead=level + 1 if level < cap else None,
        )

    def waiting_question(self, question: Step, cap: int) -> Step:
        """The same question with its hands-free countdown stopped: it waits for an answer."""
        assert question.side is not None
        return replace(
            question,
            words=narration.question(self.position, question.level, cap, hands_free=False),
            duration=None,
        )

    def level_transition(self, side: Side, level: int) -> Step:
        """The words before the set at ``level``; a level that changes the set-up waits."""
        variant: Variant = self.position.variants[level - 1]
        return Step(
            StepKind.TRANSITION,
            narration.level_transition(self.position, level, self.safety.during_set),
            side=side,
            duration=None if variant.repositions else self.options.transition,
            level=level,
            picture=self.picture(side, level),
            # Setting up again happens off the tool.
            pressure=not variant.repositions,
        )

    def backing_off(self, side: Side, level: int) -> Step:
        return Step(
            StepKind.TRANSITION,
            narration.backing_off(self.position, level),
            side=side,
            duration=self.options.transition,
            level=level,
            picture=self.picture(side, level),
            pressure=True,
        )

    def come_off(self, side: Side, why: ComeOff) -> Step:
        return Step(
            StepKind.COME_OFF,
            narration.come_off(self.position, why, self.options.pressure_minutes),
            side=side,
            duration=self.options.transition,
            come_off=why,
        )

    def after_set(self, step: Step, outcome: SetOutcome, cap: int) -> list[Step]:
        """What follows a set: after a release, coming off; else "More pressure?"."""
        assert step.side is not None
        if outcome == "released":
            return [self.come_off(step.side, "released")]
        return [self.question(step.side, step.level, cap)]

    def after_answer(self, question: Step, choice: Answer, cap: int) -> list[Step]:
        """What an answer to ``question`` leads to; above ``cap`` only one more set is offered."""
        side, level = question.side, question.level
        assert side is not None
        if choice == "off":
            return [self.come_off(side, "chosen")]
        if choice == "more" and level < cap:
            return [self.level_transition(side, level + 1), self.set_step(side, level + 1)]
        return [self.set_step(side, level, again=True)]

    def stop_question(self, side: Side, level: int) -> Step:
        return Step(StepKind.STOP_REASON, narration.stop_question(), side=side, level=level)

    def stop_advice(self, side: Side, level: int, reason: StopReason) -> Step:
        words = narration.stop_advice(reason, self.safety.advice(reason))
        return Step(StepKind.STOP_ADVICE, words, side=side, level=level, reason=reason)


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
    safety: Safety = BUILTIN_SAFETY,
) -> SessionPlan:
    """The frame of a session; a position centred on the spine has one side, logged as left."""
    tool = tool_in_units(tool, options.units)
    options = replace(options, breaths=set_breaths(tool, options))
    if stretches:
        stretches = {key: stretch_in_units(item, options.units) for key, item in stretches.items()}
    position = tool.position(position_id)
    worked: Sides = "left" if position.centred else sides
    plan = SessionPlan(tool, position, worked, options, (), safety)
    stop_line = safety.during_set
    steps: list[Step] = []
    for index, side in enumerate(sides_of(worked)):
        placement = plan.picture(side, 0)
        if index == 0:
            words = narration.get_into_position(position, side, stop_line)
            kind = StepKind.COUNTDOWN
        else:
            words = narration.switch_sides(position, side, stop_line)
            kind = StepKind.SWITCH_SIDE
        steps.append(Step(kind, words, side=side, duration=options.countdown, picture=placement))
        for moment in ("before", "after"):
            rating = narration.rating(side, moment, position.centred)
            steps.append(Step(StepKind.RATING, rating, side=side, moment=moment))
            if moment == "before":
                steps.append(plan.set_step(side, 0))
    if options.stretches and stretches:
        # The stretches work each leg whatever the tool did.
        steps += _stretch_steps(tool, "both" if position.centred else sides, options, stretches)
    steps.append(Step(StepKind.DONE, narration.session_over(True)))
    return replace(plan, steps=tuple(steps))


def _stretch_steps(
    tool: Tool, sides: Sides, options: PlanOptions, stretches: dict[str, Stretch]
) -> list[Step]:
    steps: list[Step] = []
    for stretch_id in tool.stretches:
        stretch = stretches.get(stretch_id)
        if stretch is None:
            continue
        stretch_sides: tuple[Side | None, ...] = sides_of(sides) if stretch.per_side else (None,)
        # Never the tool's placement during a stretch; one drawing serves both sides.
        picture = StepPicture(stretch.diagram, view="side")
        for side_index, side in enumerate(stretch_sides):
            more_sides = side_index < len(stretch_sides) - 1
            for repetition in range(1, stretch.repetitions + 1):
                first = side_index == 0 and repetition == 1
                steps.append(
                    Step(
                        StepKind.TRANSITION,
                        narration.stretch_lead(stretch, side, first, rest=repetition > 1),
                        side=side,
                        duration=options.transition if first else options.stretch_rest,
                        stretch=stretch,
                        picture=picture,
                    )
                )
                steps.append(
                    Step(
                        StepKind.STRETCH,
                        narration.stretch_hold(stretch, side, repetition, more_sides),
                        side=side,
                        duration=float(stretch.hold_seconds),
                        stretch=stretch,
                        repetition=repetition,
                        picture=picture,
                    )
                )
    return steps
