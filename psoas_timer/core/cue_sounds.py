"""The cue sounds, as sample data: every theme and every cue, defined once.

Synthesized here rather than shipped as recordings: nothing to license, nothing
to lose, and each theme is a few lines. Every theme keeps the one rule that
lets a person face down tell the cues apart: the breath in rises, the breath
out falls, a hold is short and quiet, and a new step sounds unlike a breath.
Pure Python (no Qt, no numpy): the files are written once and played by
``services/sound.py``.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Final, Literal

from psoas_timer.core.i18n import N_, _

RATE: Final = 44100
CueTheme = Literal["glide", "bowl", "wood"]
DEFAULT_CUE_THEME: Final[CueTheme] = "glide"
#: inhale and exhale for the breath, hold for a hold, chime for a new step.
CUE_NAMES: Final = ("inhale", "exhale", "hold", "chime")
#: Bumped whenever a sound changes, so an old cached file is never played for a new one.
SOUND_VERSION: Final = 2

Samples = list[float]


# -- soft sine glides ------------------------------------------------------------


def _glide(start_hz: float, end_hz: float, seconds: float, volume: float = 0.6) -> Samples:
    samples: Samples = []
    phase = 0.0
    count = int(RATE * seconds)
    attack = int(RATE * 0.012)
    for i in range(count):
        progress = i / count
        # A glide on a logarithmic scale sounds even to the ear.
        freq = start_hz * (end_hz / start_hz) ** progress
        phase += 2 * math.pi * freq / RATE
        envelope = min(1.0, i / attack) * (1.0 - progress) ** 1.5
        samples.append(volume * envelope * (math.sin(phase) + 0.18 * math.sin(2 * phase)))
    return samples


def _glide_chime() -> Samples:
    count = int(RATE * 0.9)
    out: Samples = []
    for i in range(count):
        t = i / RATE
        decay = math.exp(-4.5 * t)
        attack = min(1.0, i / (RATE * 0.005))
        value = math.sin(2 * math.pi * 784 * t) + 0.6 * math.sin(2 * math.pi * 1176 * t)
        out.append(0.45 * attack * decay * value)
    return out


# -- a low bowl ------------------------------------------------------------------

# A struck bowl's partials are not whole multiples of its lowest note; these
# ratios and weights are close to a small singing bowl's, and the higher
# partials die away sooner than the low one, as on a real bowl.
_BOWL_PARTIALS: Final = ((1.0, 1.0, 1.0), (2.76, 0.45, 1.8), (5.40, 0.2, 3.2))


def _bowl(
    hz: float, seconds: float, bend: float = 0.0, volume: float = 0.5, decay: float = 1.6
) -> Samples:
    """A bowl struck once; ``bend`` slides its pitch by that fraction, up or down."""
    count = int(RATE * seconds)
    attack = RATE * 0.004
    total = sum(weight for _, weight, _ in _BOWL_PARTIALS)
    steps = [2 * math.pi * hz * ratio / RATE for ratio, _, _ in _BOWL_PARTIALS]
    # Each partial's level, multiplied down by a constant every sample: an exponential decay.
    levels = [weight for _, weight, _ in _BOWL_PARTIALS]
    fades = [math.exp(-decay * faster / RATE) for _, _, faster in _BOWL_PARTIALS]
    phases = [0.0] * len(_BOWL_PARTIALS)
    sin = math.sin
    out: Samples = []
    for i in range(count):
        shift = 1.0 + bend * min(1.0, i / (RATE * 0.5))
        value = 0.0
        for k in range(len(steps)):
            phases[k] += steps[k] * shift
            value += levels[k] * sin(phases[k])
            levels[k] *= fades[k]
        # A short fade at the very end, so the file stops without a click.
        tail = min(1.0, (count - i) / (RATE * 0.05))
        out.append(volume * min(1.0, i / attack) * tail * value / total)
    return out


def _bowl_chime() -> Samples:
    # Two bowls, the second a fourth above: a step, not a breath.
    first = _bowl(262.0, 1.3, volume=0.45)
    second = _bowl(349.0, 1.1, volume=0.4)
    return _mix(first, second, at=0.25)


# -- a soft wooden knock ---------------------------------------------------------


def _knock(hz: float, volume: float = 0.7, seed: int = 1) -> Samples:
    """A short knock: a tap of noise into a quickly damped wooden resonance."""
    noise = random.Random(seed)  # the same knock every time the file is made
    count = int(RATE * 0.09)
    out: Samples = []
    low = 0.0
    for i in range(count):
        t = i / RATE
        # Softened noise for the tap itself, then the body of the wood ringing.
        low += 0.35 * (noise.uniform(-1.0, 1.0) - low)
        tap = low * math.exp(-t / 0.004)
        body = math.sin(2 * math.pi * hz * t) + 0.5 * math.sin(2 * math.pi * hz * 2.3 * t)
        # A millisecond's fade-in: a knock, not the digital click of a jump from silence.
        attack = min(1.0, i / (RATE * 0.001))
        out.append(volume * attack * (0.5 * tap + 0.6 * body * math.exp(-t / 0.018)))
    return out


def _knocks(pitches: Sequence[float], gap: float, volume: float = 0.7) -> Samples:
    out: Samples = []
    for n, hz in enumerate(pitches):
        out = _mix(out, _knock(hz, volume, seed=n + 1), at=n * gap)
    return out


# -- building blocks -------------------------------------------------------------


def _mix(first: Samples, second: Samples, at: float) -> Samples:
    """``second`` laid over ``first`` starting ``at`` seconds in."""
    start = int(at * RATE)
    out = first + [0.0] * max(0, start + len(second) - len(first))
    for i, value in enumerate(second):
        out[start + i] += value
    return out


@dataclass(frozen=True)
class CueSet:
    label: str  # as the settings dialog names it
    shapes: dict[str, Callable[[], Samples]]


CUE_THEMES: Final[dict[CueTheme, CueSet]] = {
    "glide": CueSet(
        N_("Soft glides"),
        {
            # Rising for the breath in, falling for the breath out.
            "inhale": lambda: _glide(330.0, 523.0, 0.45),
            "exhale": lambda: _glide(523.0, 262.0, 0.55),
            "hold": lambda: _glide(440.0, 440.0, 0.18, 0.35),
            "chime": _glide_chime,
        },
    ),
    "bowl": CueSet(
        N_("Low bowl"),
        {
            # The bowl's note bends up a tone for in and down a tone for out, and the
            # breath in is struck a fifth above the breath out.
            "inhale": lambda: _bowl(196.0, 1.4, bend=0.12),
            "exhale": lambda: _bowl(131.0, 1.5, bend=-0.12),
            "hold": lambda: _bowl(262.0, 0.5, volume=0.3, decay=4.0),
            "chime": _bowl_chime,
        },
    ),
    "wood": CueSet(
        N_("Wooden knock"),
        {
            # Two knocks, low then high for in, high then low for out.
            "inhale": lambda: _knocks((520.0, 780.0), 0.16),
            "exhale": lambda: _knocks((780.0, 520.0), 0.16),
            "hold": lambda: _knocks((650.0,), 0.0, volume=0.45),
            "chime": lambda: _knocks((520.0, 650.0, 780.0), 0.13),
        },
    ),
}


def cue_theme_labels() -> dict[CueTheme, str]:
    return {name: _(cue_set.label) for name, cue_set in CUE_THEMES.items()}


def cue_samples(theme: CueTheme, name: str) -> Samples:
    """The samples of one cue, from -1 to 1 at ``RATE``; KeyError for an unknown one."""
    return CUE_THEMES[theme].shapes[name]()


def cue_file_name(theme: CueTheme, name: str) -> str:
    return f"cue-{theme}-{name}-v{SOUND_VERSION}.wav"
