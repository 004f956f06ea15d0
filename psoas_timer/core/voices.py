"""Which voice speaks the steps, and how fast: the choices, without the engine."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from psoas_timer.core.i18n import N_, _

#: The speaking rate, as the speech engine counts it (0 is its normal pace, ±1 its
#: extremes); the extremes are hard to follow, so the choice stops short of them.
VOICE_RATE_LIMITS: Final = (-0.6, 0.6)
DEFAULT_VOICE_RATE: Final = 0.0
#: The rate moves in tenths: finer steps cannot be heard apart.
VOICE_RATE_STEP: Final = 0.1
#: Longer than any voice name an engine gives; a longer one is no voice name.
VOICE_NAME_MAX: Final = 120
#: A locale as the engine names it: ``en`` or ``en_GB``.
LOCALE_PATTERN: Final = re.compile(r"[a-z]{2,3}(_[A-Z]{2})?")

SAMPLE_SENTENCE: Final = N_("Breathe in slowly. Let the tool sink in as you breathe out.")
#: What to install for speech, named for the systems that package it.
INSTALL_DEBIAN: Final = "sudo apt install speech-dispatcher speech-dispatcher-espeak-ng"
INSTALL_OTHER: Final = N_(
    "install speech-dispatcher and a voice for it (such as espeak-ng) from your system's packages"
)
OS_RELEASE: Final = Path("/etc/os-release")


@dataclass(frozen=True, order=True)
class VoiceOption:
    """One voice the engine offers: its name and the locale it speaks."""

    locale: str
    name: str

    @property
    def language(self) -> str:
        return self.locale.split("_", 1)[0]


def order_voices(voices: Iterable[VoiceOption], language: str) -> list[VoiceOption]:
    """The voices that can read text in ``language`` (``en_GB``), its own locale first.

    Voices of other languages are left out, since the steps are read in their own
    language; so are espeak-ng's "+Name" variants, the same voice with another
    timbre (a hundred of them for each voice). Each voice appears once.
    """
    wanted = language.split("_", 1)[0]
    chosen = {v for v in voices if v.language == wanted and "+" not in v.name}
    return sorted(chosen, key=lambda v: (v.locale != language, v.locale, v.name.casefold()))


def rate_problem(value: object) -> str | None:
    """Why ``value`` is no speaking rate, or ``None``."""
    low, high = VOICE_RATE_LIMITS
    if isinstance(value, bool) or not isinstance(value, int | float):
        return f"expected a number from {low:g} to {high:g}, got {value!r}"
    if not math.isfinite(value) or not low <= value <= high:
        return f"expected a number from {low:g} to {high:g}, got {value!r}"
    return None


def locale_problem(value: object) -> str | None:
    """Why ``value`` is no locale name (empty: the language of the text), or ``None``."""
    if value == "":
        return None
    if not isinstance(value, str) or LOCALE_PATTERN.fullmatch(value) is None:
        return f"expected a locale such as en_GB, or nothing, got {value!r}"
    return None


def name_problem(value: object) -> str | None:
    """Why ``value`` is no voice name (empty: the plain voice for the language), or ``None``."""
    if not isinstance(value, str) or len(value) > VOICE_NAME_MAX or not value.isprintable():
        return f"expected a voice name of at most {VOICE_NAME_MAX} characters"
    return None


def is_debian_like(os_release: str) -> bool:
    """Whether an ``/etc/os-release`` text names Debian, Ubuntu or a system built on them."""
    for line in os_release.splitlines():
        key, _sep, value = line.partition("=")
        if key.strip() in ("ID", "ID_LIKE"):
            words = value.strip().strip("\"'").split()
            if {"debian", "ubuntu"} & set(words):
                return True
    return False


NO_ENGINE: Final = N_("No speech engine is installed, so steps are shown but not spoken.")


def speech_missing_text(
    why: str = NO_ENGINE,
    os_release: Path = OS_RELEASE,
) -> str:
    """One line: why the steps are not spoken, and what to install for speech here."""
    try:
        debian = is_debian_like(os_release.read_text(encoding="utf-8", errors="replace"))
    except OSError:
        debian = False
    if debian:
        how = _("To hear them, run: {command}").format(command=INSTALL_DEBIAN)
    else:
        how = _("To hear them, {how}").format(how=_(INSTALL_OTHER))
    return f"{_(why)} {how}."
