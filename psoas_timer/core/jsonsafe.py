"""Reading JSON that anyone may have written, without letting its numbers stop the reading.

Python refuses to turn a string of more than 4,300 digits into an int (and a
long one takes time to convert), so :func:`parse_int` reads any whole number
longer than :data:`MAX_DIGITS` as a :class:`LongNumber`, which every check
then refuses by name ("got a number 5,000 digits long").
"""

from __future__ import annotations

from typing import Final

#: Far longer than any value the app stores (SQLite's integers have 19 digits).
MAX_DIGITS: Final = 30


class LongNumber:
    """A whole number too long to be any value the app keeps; only its length is known."""

    __slots__ = ("digits",)

    def __init__(self, digits: int) -> None:
        self.digits = digits

    def __repr__(self) -> str:
        return f"a number {self.digits:,} digits long"


def parse_int(text: str) -> int | LongNumber:
    """``json.loads(..., parse_int=parse_int)``: an int, or a :class:`LongNumber`."""
    digits = len(text) - text.startswith("-")
    return LongNumber(digits) if digits > MAX_DIGITS else int(text)
