"""What the session shows and says at each step, as plain data.

Every sentence of a session is written here, once, for the way the position
applies pressure (lying on the tool, pressing it in with the hands, the
fingertips alone, or a tool centred on the spine). The plan puts the words on
its steps and the session page shows and speaks them as they are: it never
composes or takes apart a sentence of its own. The catalog's text arrives here
with its distances already written in the user's units.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Final, Literal

from psoas_timer.core.catalog import Contact, Position, Stretch
from psoas_timer.core.pacing import Phase
from psoas_timer.core.vocab import (
    HANDS_FREE_SECONDS,
    Moment,
    Side,
    StopReason,
)

#: The language every word below is written in (British English); the voice speaks it.
LANGUAGE: Final = "en_GB"
#: The breaths at the end of a set that are counted down aloud.
SAY_LAST_BREATHS: Final = 3
#: How fast a speech engine says these sentences, a little slow on purpose: the
#: estimate stands in for a voice that cannot report when it has finished.
WORDS_PER_SECOND: Final = 2.6
#: The sound each phase of a breath plays.
CUE_OF_PHASE: Final[dict[Phase, str]] = {
    Phase.INHALE: "inhale",
    Phase.EXHALE: "exhale",
    Phase.HOLD_IN: "hold",
    Phase.HOLD_OUT: "hold",
}

#: What each number key says after Stop, in the order of the keys 1-5.
STOP_REASON_TEXT: Final[dict[StopReason, str]] = {
    "pulse": "A pulse under the tool",
    "tingling": "Tingling or numbness",
    "sharp_pain": "Sharp or shooting pain",
    "dizzy": "Dizzy or sick",
    "other": "Something else",
    "not_given": "Not said",
}

ComeOff = Literal["released", "time_limit", "chosen"]


@dataclass(frozen=True)
class Words:
    """A step's words: its heading, what is shown, what is said as it starts."""

    title: str
    shown: str = ""
    spoken: str = ""
    label: str = ""  # what "Then:" calls the step; the title when empty
    remind: str = ""  # said again every so often while the step waits for Enter

    @property
    def name(self) -> str:
        return self.label or self.title


def speech_seconds(text: str) -> float:
    """About how long ``text`` takes to say: how long a step waits when no voice reports."""
    words = len(text.split())
    return 0.0 if not words else math.ceil(words / WORDS_PER_SECOND * 10) / 10 + 0.5


def breath_callout(breaths_left: int) -> str:
    return "Last breath" if breaths_left == 1 else f"{breaths_left} breaths left"


def where(side: Side | None, centred: bool = False) -> str:
    """The side a step works, as a heading says it."""
    if side is None:
        return ""
    return "Centre" if centred else {"left": "Left side", "right": "Right side"}[side]


def _ease_off(contact: Contact) -> str:
    return {
        "lie-on": "ease off the tool slowly",
        "press-in": "lift the tool away slowly",
        "fingertips": "lift your fingertips away slowly",
    }[contact]


# -- getting on and switching sides ---------------------------------------------


def get_into_position(position: Position, side: Side, stop_line: str) -> Words:
    here = f"on your {side} side"
    if position.centred:
        shown = (
            "Lie back with your knees bent and lower yourself slowly onto the tool, centred "
            "under your spine so that it works both sides at once."
        )
    elif position.contact == "press-in":
        shown = (
            f"Lie back with your legs supported, place the tool on the spot you found {here}, "
            "and press it in gently with both hands."
        )
    elif position.contact == "fingertips":
        shown = (
            f"Lie back with your knees bent and rest your fingertips on the spot you found "
            f"{here}, ready to sink in gently."
        )
    else:
        shown = f"Set the tool on the spot you found {here}, then lower yourself onto it slowly."
    heading = where(side, position.centred)
    return Words("Get into position", shown, f"{heading}. {shown} {stop_line}")


def switch_sides(position: Position, side: Side, stop_line: str) -> Words:
    here = f"the same spot on your {side} side"
    shown = {
        "lie-on": f"Ease off the tool, move it to {here} and settle onto it slowly.",
        "press-in": f"Lift the tool away, move it to {here} and press it in gently again.",
        "fingertips": f"Lift your fingertips, move them to {here} and let them sink in gently.",
    }[position.contact]
    return Words("Switch sides", shown, f"Switch sides: {side} side next. {shown} {stop_line}")


def rating(side: Side, moment: Moment, centred: bool) -> Words:
    heading = where(side, centred)
    title = "How tender is it now?" if moment == "before" else "How tender is it after the sets?"
    return Words(
        title,
        f"{heading}: how tender is it {moment} the sets? (0–10)",
        f"{heading}. Rate the tenderness {moment} the sets, zero to ten.",
        label=f"{heading}: tenderness {moment}",
    )


# -- pressure ----------------------------------------------------------------------


def level_title(position: Position, level: int) -> str:
    if level == 0:
        return "Base set"
    variant = position.variants[level - 1]
    return f"Extra pressure {level} of {len(position.variants)} — {variant.name}"


def level_name(level: int) -> str:
    """A level as it is said aloud."""
    return "Base set" if level == 0 else f"Extra pressure {level}"


def set_words(position: Position, level: int, again: bool) -> Words:
    title = level_title(position, level)
    shown = position.variants[level - 1].instruction if level else ""
    release = "Press R the moment the muscle lets go."
    spoken = f"One more set, {level_name(level).lower()}" if again else level_name(level)
    return Words(
        f"{title} (again)" if again else title,
        f"{shown}\n\n{release}" if shown else release,
        f"{spoken}. Breathe in.",
        label=title,
    )


def question(position: Position, level: int, cap: int, hands_free: bool) -> Words:
    """The question after a set: yes (while a level above is offered), one more set at
    this level, or come off. Shown: what yes would bring; the keys are on the buttons."""
    seconds = HANDS_FREE_SECONDS
    levels = len(position.variants)
    if level < cap:
        variant = position.variants[level]
        ahead = f"extra pressure {level + 1}, {variant.name.lower()}"
        title = "More pressure?"
        shown = f"Yes brings extra pressure {level + 1} of {levels}: {variant.instruction}"
        asked = (
            f"More pressure? Press Enter for {ahead}, Space for one more set at this level, "
            "or the left arrow to come off the tool."
        )
        carry = f"Going on to {ahead} in {seconds} seconds."
    else:
        title = "One more set?"
        if not levels:
            shown = "This position has no extra-pressure levels."
        elif level == levels:
            shown = "That was the last level."
        else:
            shown = "After backing off, the harder levels are left out this time."
        asked = (
            f"{shown} One more set at this level? Press Enter or Space for one more set, or "
            "the left arrow to come off the tool."
        )
        carry = f"{shown} One more set at this level in {seconds} seconds."
    if hands_free:
        stay = "Press the left arrow, or click, to stay at this level and be asked."
        more = f"\n\n{shown}" if level < cap else ""
        return Words(title, f"{carry}{more}", f"{carry} {stay}", label=title)
    return Words(title, shown, asked, label=title)


def level_transition(position: Position, level: int, stop_line: str) -> Words:
    variant = position.variants[level - 1]
    title = level_title(position, level)
    spoken = f"{level_name(level)}: {variant.name}. {variant.instruction} {stop_line}"
    if not variant.repositions:
        return Words(f"Next: {title}", variant.instruction, spoken, label=title)
    ready = "Press Enter when you are back in position."
    return Words(
        f"Next: {title}",
        f"{variant.instruction}\n\n{ready}",
        f"{spoken} {ready}",
        label=title,
        remind=f"{variant.instruction} {ready}",
    )


def backing_off(position: Position, level: int) -> Words:
    title = level_title(position, level)
    shown = "Ease off a little and settle back into the previous position."
    return Words(f"Backing off: {title}", shown, f"Backing off. {shown}", label=title)


def staying(level: int) -> str:
    """Said when a hands-free countdown is stopped."""
    return f"Staying at {level_name(level).lower()}. The question waits for your answer."


def released_now() -> str:
    return "Released. Finish this breath."


def come_off(position: Position, why: ComeOff, limit_minutes: int) -> Words:
    ease = _ease_off(position.contact)
    if why == "released":
        title = "Released — come off the tool"
        shown = f"This side is done: {ease} and rest for a moment."
        spoken = f"Released. {shown}"
    elif why == "time_limit":
        title = "Time to come off the tool"
        shown = (
            f"That is {limit_minutes} minutes of pressure on this side, the most for one "
            f"session: {ease} and rest for a moment."
        )
        spoken = shown
    else:
        title = "Come off the tool"
        shown = f"{ease.capitalize()} and rest for a moment."
        spoken = shown
    return Words(title, shown, spoken, label="Come off the tool")


# -- stop ------------------------------------------------------------------------------


def stop_question() -> Words:
    return Words(
        "Stopped. What felt wrong?",
        "Come off the tool. Then press the number of what you felt, or click it.",
        "Stopped. Come off the tool. What felt wrong? Press 1 for a pulse under the tool, 2 for "
        "tingling or numbness, 3 for sharp or shooting pain, 4 if you feel dizzy or sick, or 5 "
        "for something else.",
        label="What felt wrong?",
    )


def stop_advice(reason: StopReason, advice: str) -> Words:
    return Words(
        f"Stopped: {STOP_REASON_TEXT[reason].lower()}",
        advice,
        f"{advice} Press Enter to rate this side and go on, or Escape to end the session.",
        label="What to do now",
    )


# -- stretches ---------------------------------------------------------------------------


def stretch_lead(stretch: Stretch, side: Side | None, first: bool, rest: bool) -> Words:
    """The words before a stretch hold: the whole stretch, the other side, or a rest."""
    there = f" ({side} side)" if side else ""
    if first:
        shown = " ".join(stretch.steps)
        title = f"Next: {stretch.name}{there}"
    elif rest:
        shown = "Relax for a moment, then go into the stretch again."
        title = f"Rest, then {stretch.name.lower()}{there}"
    else:
        shown = f"Go into the same stretch on your {side} side."
        title = f"Other side: {stretch.name.lower()}{there}"
    said = f"{stretch.name}{there}" if first else title
    return Words(title, shown, f"{said}. {shown}", label=f"{stretch.name}{there}")


def stretch_hold(stretch: Stretch, side: Side | None, repetition: int, more_sides: bool) -> Words:
    there = f" ({side} side)" if side else ""
    if repetition < stretch.repetitions:
        after = "Then ease out of it and rest for a moment."
    elif more_sides:
        after = "Then ease out of it and switch sides."
    else:
        after = "Then ease out of it slowly."
    shown = f"{stretch.steps[-1]} {after}"
    if stretch.caution:
        shown = f"{shown}\n\n⚠ {stretch.caution}"
    hold = stretch.steps[-1]
    said = hold if hold.lower().startswith("hold") else f"Hold the stretch. {hold}"
    return Words(
        f"{stretch.name}{there} — hold {repetition} of {stretch.repetitions}",
        shown,
        f"{said} {after}",
        label=f"{stretch.name}{there}",
    )


def session_over(completed: bool) -> Words:
    if completed:
        return Words("Session complete", "Well done.", "Session complete. Well done.")
    return Words("Session ended", "Everything you did is kept.", "Session ended.")
