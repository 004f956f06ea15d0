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
from psoas_timer.core.i18n import N_, _, ngettext
from psoas_timer.core.pacing import Phase
from psoas_timer.core.vocab import (
    HANDS_FREE_SECONDS,
    Moment,
    Side,
    StopReason,
)

#: The language every word below is written in (British English); translations
#: come through :mod:`psoas_timer.core.i18n`, which tells the voice the language in use.
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

#: What each number key says after Stop, in the order of the keys 1-5 (translated
#: where shown, through :func:`stop_reason_text`).
STOP_REASON_TEXT: Final[dict[StopReason, str]] = {
    "pulse": N_("A pulse under the tool"),
    "tingling": N_("Tingling or numbness"),
    "sharp_pain": N_("Sharp or shooting pain"),
    "dizzy": N_("Dizzy or sick"),
    "other": N_("Something else"),
    "not_given": N_("Not said"),
}


def stop_reason_text(reason: StopReason) -> str:
    return _(STOP_REASON_TEXT[reason])


def stop_reason_phrase(reason: StopReason) -> str:
    """A reason as it reads inside a sentence or a list."""
    return {
        "pulse": _("a pulse under the tool"),
        "tingling": _("tingling or numbness"),
        "sharp_pain": _("sharp or shooting pain"),
        "dizzy": _("dizzy or sick"),
        "other": _("something else"),
        "not_given": _("not said"),
    }[reason]


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
    if breaths_left == 1:
        return _("Last breath")
    return ngettext("{n} breath left", "{n} breaths left", breaths_left).format(n=breaths_left)


def where(side: Side | None, centred: bool = False) -> str:
    """The side a step works, as a heading says it."""
    if side is None:
        return ""
    return _("Centre") if centred else {"left": _("Left side"), "right": _("Right side")}[side]


def _on_your(side: Side) -> str:
    return {"left": _("on your left side"), "right": _("on your right side")}[side]


def _same_spot(side: Side) -> str:
    return {
        "left": _("the same spot on your left side"),
        "right": _("the same spot on your right side"),
    }[side]


def _side_in_brackets(side: Side | None) -> str:
    if side is None:
        return ""
    return {"left": _(" (left side)"), "right": _(" (right side)")}[side]


def _ease_off(contact: Contact) -> str:
    return {
        "lie-on": _("ease off the tool slowly"),
        "press-in": _("lift the tool away slowly"),
        "fingertips": _("lift your fingertips away slowly"),
    }[contact]


# -- getting on and switching sides ---------------------------------------------


def get_into_position(position: Position, side: Side, stop_line: str) -> Words:
    here = _on_your(side)
    if position.centred:
        shown = _(
            "Lie back with your knees bent and lower yourself slowly onto the tool, centred "
            "under your spine so that it works both sides at once."
        )
    elif position.contact == "press-in":
        shown = _(
            "Lie back with your legs supported, place the tool on the spot you found {here}, "
            "and press it in gently with both hands."
        ).format(here=here)
    elif position.contact == "fingertips":
        shown = _(
            "Lie back with your knees bent and rest your fingertips on the spot you found "
            "{here}, ready to sink in gently."
        ).format(here=here)
    else:
        shown = _(
            "Set the tool on the spot you found {here}, then lower yourself onto it slowly."
        ).format(here=here)
    heading = where(side, position.centred)
    return Words(_("Get into position"), shown, f"{heading}. {shown} {stop_line}")


def switch_sides(position: Position, side: Side, stop_line: str) -> Words:
    here = _same_spot(side)
    shown = {
        "lie-on": _("Ease off the tool, move it to {here} and settle onto it slowly."),
        "press-in": _("Lift the tool away, move it to {here} and press it in gently again."),
        "fingertips": _("Lift your fingertips, move them to {here} and let them sink in gently."),
    }[position.contact].format(here=here)
    said = {
        "left": _("Switch sides: left side next."),
        "right": _("Switch sides: right side next."),
    }
    return Words(_("Switch sides"), shown, f"{said[side]} {shown} {stop_line}")


def rating(side: Side, moment: Moment, centred: bool) -> Words:
    heading = where(side, centred)
    if moment == "before":
        return Words(
            _("How tender is it now?"),
            _("{heading}: how tender is it before the sets? (0–10)").format(heading=heading),
            _("{heading}. Rate the tenderness before the sets, zero to ten.").format(
                heading=heading
            ),
            label=_("{heading}: tenderness before").format(heading=heading),
        )
    return Words(
        _("How tender is it after the sets?"),
        _("{heading}: how tender is it after the sets? (0–10)").format(heading=heading),
        _("{heading}. Rate the tenderness after the sets, zero to ten.").format(heading=heading),
        label=_("{heading}: tenderness after").format(heading=heading),
    )


# -- pressure ----------------------------------------------------------------------


def level_title(position: Position, level: int) -> str:
    if level == 0:
        return _("Base set")
    variant = position.variants[level - 1]
    return _("Extra pressure {level} of {levels} — {name}").format(
        level=level, levels=len(position.variants), name=variant.name
    )


def level_name(level: int) -> str:
    """A level as it is said aloud."""
    return _("Base set") if level == 0 else _("Extra pressure {level}").format(level=level)


def set_words(position: Position, level: int, again: bool) -> Words:
    title = level_title(position, level)
    shown = position.variants[level - 1].instruction if level else ""
    release = _("Press R the moment the muscle lets go.")
    if again:
        spoken = (
            _("One more set, base set")
            if level == 0
            else _("One more set, extra pressure {level}").format(level=level)
        )
    else:
        spoken = level_name(level)
    return Words(
        _("{title} (again)").format(title=title) if again else title,
        f"{shown}\n\n{release}" if shown else release,
        _("{said}. Breathe in.").format(said=spoken),
        label=title,
    )


def question(position: Position, level: int, cap: int, hands_free: bool) -> Words:
    """The question after a set: yes (while a level above is offered), one more set at
    this level, or come off. Shown: what yes would bring; the keys are on the buttons."""
    seconds = HANDS_FREE_SECONDS
    levels = len(position.variants)
    if level < cap:
        variant = position.variants[level]
        ahead = _("extra pressure {level}, {name}").format(level=level + 1, name=variant.name)
        title = _("More pressure?")
        shown = _("Yes brings extra pressure {level} of {levels}: {instruction}").format(
            level=level + 1, levels=levels, instruction=variant.instruction
        )
        asked = _(
            "More pressure? Press Enter for {ahead}, Space for one more set at this level, "
            "or the left arrow to come off the tool."
        ).format(ahead=ahead)
        carry = ngettext(
            "Going on to {ahead} in {n} second.", "Going on to {ahead} in {n} seconds.", seconds
        ).format(ahead=ahead, n=seconds)
    else:
        title = _("One more set?")
        if not levels:
            shown = _("This position has no extra-pressure levels.")
        elif level == levels:
            shown = _("That was the last level.")
        else:
            shown = _("After backing off, the harder levels are left out this time.")
        asked = _(
            "{shown} One more set at this level? Press Enter or Space for one more set, or "
            "the left arrow to come off the tool."
        ).format(shown=shown)
        carry = ngettext(
            "{shown} One more set at this level in {n} second.",
            "{shown} One more set at this level in {n} seconds.",
            seconds,
        ).format(shown=shown, n=seconds)
    if hands_free:
        stay = _("Press the left arrow, or click, to stay at this level and be asked.")
        more = f"\n\n{shown}" if level < cap else ""
        return Words(title, f"{carry}{more}", f"{carry} {stay}", label=title)
    return Words(title, shown, asked, label=title)


def level_transition(position: Position, level: int, stop_line: str) -> Words:
    variant = position.variants[level - 1]
    title = level_title(position, level)
    spoken = f"{level_name(level)}: {variant.name}. {variant.instruction} {stop_line}"
    following = _("Next: {title}").format(title=title)
    if not variant.repositions:
        return Words(following, variant.instruction, spoken, label=title)
    ready = _("Press Enter when you are back in position.")
    return Words(
        following,
        f"{variant.instruction}\n\n{ready}",
        f"{spoken} {ready}",
        label=title,
        remind=f"{variant.instruction} {ready}",
    )


def backing_off(position: Position, level: int) -> Words:
    title = level_title(position, level)
    shown = _("Ease off a little and settle back into the previous position.")
    return Words(
        _("Backing off: {title}").format(title=title),
        shown,
        _("Backing off. {shown}").format(shown=shown),
        label=title,
    )


def staying(level: int) -> str:
    """Said when a hands-free countdown is stopped."""
    if level == 0:
        return _("Staying at base set. The question waits for your answer.")
    return _("Staying at extra pressure {level}. The question waits for your answer.").format(
        level=level
    )


def released_now() -> str:
    return _("Released. Finish this breath.")


def come_off(position: Position, why: ComeOff, limit_minutes: int) -> Words:
    ease = _ease_off(position.contact)
    if why == "released":
        title = _("Released — come off the tool")
        shown = _("This side is done: {ease} and rest for a moment.").format(ease=ease)
        spoken = _("Released. {shown}").format(shown=shown)
    elif why == "time_limit":
        title = _("Time to come off the tool")
        shown = ngettext(
            "That is {n} minute of pressure on this side, the most for one session: {ease} and "
            "rest for a moment.",
            "That is {n} minutes of pressure on this side, the most for one session: {ease} "
            "and rest for a moment.",
            limit_minutes,
        ).format(n=limit_minutes, ease=ease)
        spoken = shown
    else:
        title = _("Come off the tool")
        shown = {
            "lie-on": _("Ease off the tool slowly and rest for a moment."),
            "press-in": _("Lift the tool away slowly and rest for a moment."),
            "fingertips": _("Lift your fingertips away slowly and rest for a moment."),
        }[position.contact]
        spoken = shown
    return Words(title, shown, spoken, label=_("Come off the tool"))


# -- stop ------------------------------------------------------------------------------


def stop_question() -> Words:
    return Words(
        _("Stopped. What felt wrong?"),
        _("Come off the tool. Then press the number of what you felt, or click it."),
        _(
            "Stopped. Come off the tool. What felt wrong? Press 1 for a pulse under the tool, "
            "2 for tingling or numbness, 3 for sharp or shooting pain, 4 if you feel dizzy or "
            "sick, or 5 for something else."
        ),
        label=_("What felt wrong?"),
    )


def _stopped_title(reason: StopReason) -> str:
    return _("Stopped: {reason}").format(reason=stop_reason_phrase(reason))


def stop_advice(reason: StopReason, advice: str) -> Words:
    return Words(
        _stopped_title(reason),
        advice,
        _("{advice} Press Enter to rate this side and go on, or Escape to end the session.").format(
            advice=advice
        ),
        label=_("What to do now"),
    )


# -- stretches ---------------------------------------------------------------------------


def stretch_lead(stretch: Stretch, side: Side | None, first: bool, rest: bool) -> Words:
    """The words before a stretch hold: the whole stretch, the other side, or a rest."""
    there = _side_in_brackets(side)
    named = f"{stretch.name}{there}"
    if first:
        shown = " ".join(stretch.steps)
        title = _("Next: {stretch}").format(stretch=named)
    elif rest:
        shown = _("Relax for a moment, then go into the stretch again.")
        title = _("Rest, then: {stretch}").format(stretch=named)
    else:
        shown = {
            "left": _("Go into the same stretch on your left side."),
            "right": _("Go into the same stretch on your right side."),
        }[side or "left"]
        title = _("Other side: {stretch}").format(stretch=named)
    said = named if first else title
    return Words(title, shown, f"{said}. {shown}", label=named)


def stretch_hold(stretch: Stretch, side: Side | None, repetition: int, more_sides: bool) -> Words:
    named = f"{stretch.name}{_side_in_brackets(side)}"
    if repetition < stretch.repetitions:
        after = _("Then ease out of it and rest for a moment.")
    elif more_sides:
        after = _("Then ease out of it and switch sides.")
    else:
        after = _("Then ease out of it slowly.")
    shown = f"{stretch.steps[-1]} {after}"
    if stretch.caution:
        shown = f"{shown}\n\n⚠ {stretch.caution}"
    hold = stretch.steps[-1]
    # The catalog's last step usually says "Hold …" itself; only otherwise is it said here.
    said = (
        hold
        if hold.lower().startswith(_("hold").lower())
        else _("Hold the stretch. {hold}").format(hold=hold)
    )
    return Words(
        _("{stretch} — hold {repetition} of {repetitions}").format(
            stretch=named, repetition=repetition, repetitions=stretch.repetitions
        ),
        shown,
        f"{said} {after}",
        label=named,
    )


def session_over(completed: bool) -> Words:
    if completed:
        return Words(_("Session complete"), _("Well done."), _("Session complete. Well done."))
    return Words(_("Session ended"), _("Everything you did is kept."), _("Session ended."))
