"""The safety notice, the one distance floor, and the checks every tool's text must pass.

The notice is data (``assets/catalog/safety.toml``), but it must never be
missing: if that file cannot be read, :data:`BUILTIN_SAFETY` is used instead.
A test keeps the two copies word for word the same.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from psoas_timer.core.i18n import N_
from psoas_timer.core.units import floor_distances
from psoas_timer.core.vocab import StopReason

# The aorta divides just below the navel and the common iliac arteries fan out
# from there; 5 cm (about three finger-widths) from the navel to the tool's
# nearest edge keeps a tool clear of them in an adult of any size.
NAVEL_FLOOR_CM = 5.0
NAVEL_FLOOR = (
    "at least {cm:5} from your navel to the tool's nearest edge (about three finger-widths)"
)

_NEAR_NAVEL = re.compile(r"\b(navel|belly[ -]?button|midline|umbilic\w*)\b", re.IGNORECASE)
# "at least {cm:3} to {cm:5}": two numbers for one limit; which one holds?
_VAGUE_FLOOR = re.compile(r"at\s+least\s+\{cm:[^}]*\}\s*(?:to|or|and|-|–|—)\s*\{cm:", re.IGNORECASE)
# A floor written with its unit would not follow the user's choice and cannot be checked.
_RAW_FLOOR = re.compile(
    r"at\s+least\s+\d+(?:[.,]\d+)?\s*(?:cm|centimet\w*|mm|in\b|inch\w*|\")", re.IGNORECASE
)
_SENTENCE_END = re.compile(r"(?<=[.!?;:])\s+")


@dataclass(frozen=True)
class Safety:
    intro: str
    do_not_use: tuple[str, ...]
    stop_if: tuple[str, ...]
    urgent: tuple[str, ...]
    disclaimer: str
    during_set: str
    # What to do after Stop, for each reason a person can give.
    stop_advice: Mapping[StopReason, str]

    def advice(self, reason: StopReason) -> str:
        """What to do after a stop for ``reason``; the general advice when none was given."""
        return self.stop_advice.get(reason) or self.stop_advice["other"]


def floor_problem(text: str) -> str | None:
    """Why the distance floors in ``text`` are unsafe or vague, or None if they are fine."""
    vague = _VAGUE_FLOOR.search(text)
    if vague:
        return (
            f"a safety floor needs one number, not a range ('{vague.group(0)}…'); "
            "write 'at least {cm:5}'"
        )
    raw = _RAW_FLOOR.search(text)
    if raw:
        return f"write the distance in '{raw.group(0)}' as a marker like {{cm:5}}"
    for sentence in _SENTENCE_END.split(text):
        for low, high in floor_distances(sentence):
            if high is not None:
                return "a safety floor needs one number, not a range like {cm:3-5}"
            if _NEAR_NAVEL.search(sentence) and low < NAVEL_FLOOR_CM:
                return (
                    f"a tool must stay {NAVEL_FLOOR} — {{cm:{low:g}}} is too close to the "
                    "large blood vessels there"
                )
    return None


# Shown beside a user's own tool, whose text the app did not write.
STANDARD_CAUTIONS = (
    N_("If you feel a pulse under the tool, move it away at once."),
    N_(
        "Keep it at least {cm:5} from your navel to the tool's nearest edge (about three "
        "finger-widths), and above the crease of your groin."
    ),
    N_(
        "Stop at once if you feel sharp, shooting or electric pain, or numbness or tingling "
        "in the groin or thigh."
    ),
    N_("Keep the pressure tolerable, never above about 7 out of 10."),
)


# The fallback copy of assets/catalog/safety.toml; edit both together.
BUILTIN_SAFETY = Safety(
    intro=(
        "Pressing into the belly reaches deep muscles that lie close to large blood vessels, "
        "nerves and organs. Please read this before your first session, and again whenever "
        "your health changes. Some tenderness afterwards is common, but if bruising or "
        "soreness lasts more than a day or two, use less pressure next time or stop."
    ),
    do_not_use=(
        "You are pregnant or have recently given birth.",
        "You have had abdominal, hip or hernia surgery in roughly the last 6 months and have "
        "not been cleared by your surgeon or doctor.",
        "You have a hernia.",
        "You have, or might have, an abdominal aortic aneurysm (a widening of the main artery "
        "in the belly). If you are over 65, smoke or have had heart or artery disease, ask a "
        "doctor before you start.",
        "You have a known tumour or other mass in your belly or pelvis.",
        "You have, or have recently had, a blood clot in a leg or in the pelvis (such as a "
        "deep vein thrombosis).",
        "Your inflammatory bowel disease, such as Crohn's disease or ulcerative colitis, is "
        "flaring.",
        "You have belly pain with no known cause, or a fever.",
        "You take blood thinners or have a bleeding disorder.",
        "You have marked osteoporosis (thin, fragile bones): lying with your weight on a hard "
        "tool could hurt your ribs, spine or pelvis.",
        "You have kidney disease: leave out the positions that press under the low back, "
        "between the ribs and the pelvis, where the kidneys lie.",
        "You have recently injured your belly or your back.",
    ),
    stop_if=(
        "You feel a pulse under the tool. Move it away at once: the main artery divides near "
        "the navel, and the large leg vessels run along the groin crease.",
        "You feel sharp, electric or shooting pain.",
        "You feel numbness, tingling or pins and needles in the groin or thigh. Nerves run "
        "through and beside the psoas.",
        "You feel nauseous (sick to your stomach).",
        "You feel dizzy or light-headed. Come off the tool, pause and breathe normally.",
        "The pressure feels stronger than about 7 out of 10.",
    ),
    urgent=(
        "A lump in your belly that pulses.",
        "Severe belly or back pain, or pain that keeps getting worse.",
        "New changes in how your bowel or bladder work.",
    ),
    disclaimer=(
        "Psoas Timer helps you time and log self-massage. It does not diagnose, treat or cure "
        "any condition, and it does not replace advice from a doctor or physiotherapist. If "
        "you are unsure whether this is safe for you, ask a health professional before you "
        "start."
    ),
    during_set="Feel a pulse, tingling or sharp pain? Stop and move the tool.",
    stop_advice={
        "pulse": (
            "Move the tool away from the pulse now and do not press on that spot again. The "
            "main artery divides near the navel and the large leg vessels run along the groin "
            "crease, so choose a spot further out next time, or leave it for today. A lump in "
            "your belly that pulses needs urgent care."
        ),
        "tingling": (
            "Come off the tool and let the feeling fade. Tingling or numbness in the groin or "
            "thigh means a nerve is being pressed. Next time use less pressure, a little higher "
            "or further out. If it has not faded within a few minutes, or it keeps coming back, "
            "ask a doctor."
        ),
        "sharp_pain": (
            "Come off the tool slowly. Sharp, shooting or electric pain is not the ache of a "
            "tight muscle, so leave that spot alone for today. If the pain stays or gets worse, "
            "ask a doctor."
        ),
        "dizzy": (
            "Come off the tool, lie still and breathe normally until it passes, then sit up "
            "slowly. If you feel faint or sick again, stop for today."
        ),
        "other": (
            "Come off the tool and rest for a moment. Go on only if it feels right, with less "
            "pressure. When in doubt, leave it for today and ask a health professional."
        ),
    },
)
