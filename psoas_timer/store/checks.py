"""What a value must be to enter the log; the store and the importer both ask here.

The ``CHECK`` constraints of the schema say the same for the database itself,
so a value these checks miss is still refused by SQLite.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import Final, TypeGuard

from psoas_timer.core.i18n import _
from psoas_timer.core.vocab import (
    NEXT_DAY_VALUES,
    OUTCOME_VALUES,
    RATING_MAX,
    RATING_MIN,
    SIDE_VALUES,
    STOP_REASON_VALUES,
    Sides,
    sides_of,
)
from psoas_timer.store.records import SetLike, StopLike

#: Length limits keep every export re-importable: Python's csv reader refuses
#: fields over 128 KiB.
NAME_MAX: Final = 200
NOTE_MAX: Final = 10_000
#: The largest count a set may hold (set number, level, breaths): far beyond
#: any real session, and well inside SQLite's 64-bit integers, which refuse
#: a larger Python int with an error instead of a message.
WHOLE_MAX: Final = 1_000_000
#: The longest a set (or a pause) may last, in seconds: about 31 years, so
#: never in the way of a real set, yet any whole number of JSON is refused
#: before it could overflow a float.
SECONDS_MAX: Final = 10**9


def is_whole(value: object) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def is_real(value: object) -> TypeGuard[int | float]:
    return is_whole(value) or (isinstance(value, float) and math.isfinite(value))


def rating_problem(value: object) -> str | None:
    """Why ``value`` is not a tenderness rating, or ``None`` if it is one."""
    if not is_whole(value) or not RATING_MIN <= value <= RATING_MAX:
        return _("expected a whole number from {low} to {high}, got {value}").format(
            low=RATING_MIN, high=RATING_MAX, value=repr(value)
        )
    return None


def next_day_problems(feeling: object, lasting_soreness: object) -> list[tuple[str, str]]:
    """Every ``(field, problem)`` of a next-day check's answers; both ``None`` is a refusal."""
    problems: list[tuple[str, str]] = []
    if feeling is not None and feeling not in NEXT_DAY_VALUES:
        problems.append(
            (
                "feeling",
                _("expected one of {choices}, got {value}").format(
                    choices=choices(NEXT_DAY_VALUES), value=repr(feeling)
                ),
            )
        )
    if lasting_soreness is not None and not isinstance(lasting_soreness, bool):
        problems.append(
            (
                "lasting_soreness",
                _("expected yes or no, got {value}").format(value=repr(lasting_soreness)),
            )
        )
    if not problems and (feeling is None) != (lasting_soreness is None):
        missing = "feeling" if feeling is None else "lasting_soreness"
        problems.append(
            (missing, _("a next-day check gives both answers, or neither when it was declined"))
        )
    return problems


def set_problems(record: SetLike, sides: Sides | None = None) -> list[tuple[str, str]]:
    """Every ``(field, problem)`` of a set, empty when it can be stored.

    ``sides`` is the session's sides, to refuse a set on a side it does not include.
    """
    problems: list[tuple[str, str]] = []

    def whole(name: str, value: object, low: int) -> bool:
        if not is_whole(value) or not low <= value <= WHOLE_MAX:
            problems.append(
                (
                    name,
                    _("expected a whole number from {low} to {high}, got {value}").format(
                        low=low, high=f"{WHOLE_MAX:,}", value=repr(value)
                    ),
                )
            )
            return False
        return True

    def seconds(name: str, value: object) -> None:
        if not is_real(value) or not 0 <= value <= SECONDS_MAX:
            problems.append(
                (
                    name,
                    _("expected a number of seconds from 0 to {high}, got {value}").format(
                        high=f"{SECONDS_MAX:,}", value=repr(value)
                    ),
                )
            )

    if record.side not in SIDE_VALUES:
        problems.append(
            (
                "side",
                _("expected one of {choices}, got {value}").format(
                    choices=choices(SIDE_VALUES), value=repr(record.side)
                ),
            )
        )
    elif sides is not None and record.side not in sides_of(sides):
        problems.append(
            (
                "side",
                _("the session covers the {sides} side only, got {side}").format(
                    sides=sides, side=repr(record.side)
                ),
            )
        )
    whole("level", record.level, 0)
    if not isinstance(record.variant_name, str) or len(record.variant_name) > NAME_MAX:
        problems.append(
            (
                "variant_name",
                _("expected text of at most {limit} characters, got {value}").format(
                    limit=NAME_MAX, value=repr(record.variant_name)
                ),
            )
        )
    planned_ok = whole("breaths_planned", record.breaths_planned, 1)
    done_ok = whole("breaths_done", record.breaths_done, 0)
    seconds("duration_s", record.duration_s)
    seconds("paused_s", record.paused_s)
    if record.outcome not in OUTCOME_VALUES:
        problems.append(
            (
                "outcome",
                _("expected one of {choices}, got {value}").format(
                    choices=choices(OUTCOME_VALUES), value=repr(record.outcome)
                ),
            )
        )
    breath, at = record.released_breath, record.released_at_s
    if (breath is None) != (at is None):
        missing = "released_at_s" if at is None else "released_breath"
        problems.append((missing, _("released_breath and released_at_s go together: give both")))
    if breath is not None and whole("released_breath", breath, 1) and done_ok and planned_ok:
        # The release may fall in the breath that was under way when the set
        # stopped, one past the finished ones, but never in one not yet begun.
        reached = min(record.breaths_done + 1, record.breaths_planned)
        if breath > reached:
            problems.append(
                (
                    "released_breath",
                    _(
                        "breath {breath} was never reached: the set got to breath {reached} "
                        "(breaths_done {done})"
                    ).format(breath=breath, reached=reached, done=record.breaths_done),
                )
            )
    if at is not None:
        seconds("released_at_s", at)
    return problems


def stop_problems(stop: StopLike, sides: Sides | None = None) -> list[tuple[str, str]]:
    """Every ``(field, problem)`` of a stop, empty when it can be stored."""
    problems: list[tuple[str, str]] = []
    if stop.side not in SIDE_VALUES:
        problems.append(
            (
                "side",
                _("expected one of {choices}, got {value}").format(
                    choices=choices(SIDE_VALUES), value=repr(stop.side)
                ),
            )
        )
    elif sides is not None and stop.side not in sides_of(sides):
        problems.append(
            (
                "side",
                _("the session covers the {sides} side only, got {side}").format(
                    sides=sides, side=repr(stop.side)
                ),
            )
        )
    if not is_whole(stop.level) or stop.level < 0:
        problems.append(
            ("level", _("expected a whole number ≥ 0, got {value}").format(value=repr(stop.level)))
        )
    if stop.breath is not None and (not is_whole(stop.breath) or stop.breath < 1):
        problems.append(
            (
                "breath",
                _("expected nothing or a whole number ≥ 1, got {value}").format(
                    value=repr(stop.breath)
                ),
            )
        )
    if stop.reason not in STOP_REASON_VALUES:
        problems.append(
            (
                "reason",
                _("expected one of {choices}, got {value}").format(
                    choices=choices(STOP_REASON_VALUES), value=repr(stop.reason)
                ),
            )
        )
    return problems


def choices(values: Iterable[str]) -> str:
    return ", ".join(repr(v) for v in values)


def check_choice(name: str, value: object, allowed: Sequence[str]) -> None:
    if value not in allowed:
        raise ValueError(f"{name}: expected one of {choices(allowed)}, got {value!r}")


def check_text(name: str, value: object, *, required: bool, limit: int = NAME_MAX) -> None:
    if not isinstance(value, str) or (required and not value):
        what = "non-empty text" if required else "text"
        raise ValueError(f"{name}: expected {what}, got {value!r}")
    if len(value) > limit:
        raise ValueError(f"{name}: expected at most {limit} characters, got {len(value)}")
