"""An import file read piece by piece: CSV a row at a time, JSON a session at a time.

Nothing here holds more of the file than one row (or one session, for JSON)
and a read-ahead chunk, so a file of any length is read in bounded memory.
Whatever makes the file unreadable from some point on (not UTF-8, binary
data, broken CSV quoting, a JSON syntax error, a line or a session of absurd
length) ends the reading with an :class:`ImportFileError` naming the line.
"""

from __future__ import annotations

import codecs
import csv
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import BinaryIO, Final

from psoas_timer.core.i18n import N_, _
from psoas_timer.core.jsonsafe import parse_int
from psoas_timer.store.exchange.format import Format
from psoas_timer.store.exchange.reader import ImportFileError, stop

#: No line of an export is anywhere near this long (a note holds 10,000 characters).
LINE_MAX: Final = 1 << 20
#: ... nor any session of a JSON export.
SESSION_MAX: Final = 16 << 20
_CHUNK: Final = 1 << 16
_HEAD: Final = 4096
_JSON: Final = json.JSONDecoder(parse_int=parse_int)
_SPACE: Final = " \t\r\n"


def encoding_problem(head: bytes, fmt: Format) -> str | None:
    """Why a file that starts with ``head`` is not UTF-8 text, when its first bytes tell."""
    how = (
        _("save it as UTF-8 (in a spreadsheet: CSV UTF-8)")
        if fmt == "csv"
        else _("save it as UTF-8")
    )
    if head.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        return _("this file is UTF-32; {how}").format(how=how)
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _("this file is UTF-16; {how}").format(how=how)
    if len(head) >= 4 and all(head[i] == 0 and head[i ^ 1] for i in (0, 2)):
        return _("this file looks like UTF-16 (a zero byte before each letter); {how}").format(
            how=how
        )
    if len(head) >= 4 and all(head[i] == 0 and head[i ^ 1] for i in (1, 3)):
        return _("this file looks like UTF-16 (a zero byte after each letter); {how}").format(
            how=how
        )
    return None


def _not_utf8(raw: bytes, exc: UnicodeDecodeError) -> str:
    column = len(raw[: exc.start].decode("utf-8", "replace")) + 1
    bad = raw[exc.start : exc.start + 3]
    if bad[:1] == b"\xed" and len(bad) > 1 and 0xA0 <= bad[1] <= 0xBF:
        return _(
            "column {column} holds half of a UTF-16 character written as UTF-8 (bytes "
            "{bytes}), which is not valid UTF-8; remove it, or save the file again "
            "as UTF-8 from the program that made it"
        ).format(column=column, bytes=bad.hex(" "))
    return _(
        "expected UTF-8 text, found byte {byte} at column {column}; save the "
        "file as UTF-8 (in a spreadsheet: CSV UTF-8)"
    ).format(byte=f"0x{raw[exc.start]:02x}", column=column)


_BINARY: Final = N_(
    "the file holds binary data (a zero byte), not text: choose a CSV or JSON file exported "
    "by Psoas Timer"
)


def _lines(f: BinaryIO) -> Iterator[str]:
    """The file's lines, decoded one at a time; stops at the first that is not UTF-8 text."""
    binary_head = b"\x00" in f.read(_HEAD)
    f.seek(0)
    number = 0
    while raw := f.readline(LINE_MAX + 1):
        number += 1
        if number == 1:
            raw = raw.removeprefix(codecs.BOM_UTF8)
        if len(raw) > LINE_MAX:
            raise stop(number, "row", _("the line is over 1 MB long; no line of an export is"))
        # A zero byte may stand in a note (and round-trips), but never in the
        # header, nor near text that is not UTF-8 either: that is binary data.
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            why = _(_BINARY) if binary_head or b"\x00" in raw else _not_utf8(raw, exc)
            raise stop(number, "encoding", why) from None
        if number == 1 and "\x00" in text:
            raise stop(number, "encoding", _(_BINARY))
        yield text


def csv_rows(f: BinaryIO) -> Iterator[tuple[int, list[str]]]:
    """Each non-blank row with the line it starts on (a quoted cell may span lines)."""
    reader = csv.reader(_lines(f), strict=True)
    start = 1
    try:
        for row in reader:
            if row:
                yield start, row
            start = reader.line_num + 1
    except csv.Error as exc:
        raise stop(start, "row", _("not valid CSV: {error}").format(error=exc)) from None


@dataclass(frozen=True, slots=True)
class JsonEntry:
    """A top-level entry of a JSON export: a session (``index`` ≥ 0) or another key.

    ``text`` is the value as written and ``line`` the line it starts on, so a
    problem deep inside it can be given its own line (:meth:`line_of`).
    """

    key: str
    value: object
    line: int
    text: str
    index: int = -1

    def line_of(self, *path: str | int) -> int:
        """The line of the member at ``path`` inside the value (of the nearest one present)."""
        for end in range(len(path), 0, -1):
            found = locate(self.text, path[:end])
            if found is not None:
                return self.line + self.text.count("\n", 0, found)
        return self.line


def _deep_spot(text: str, pos: int, depth: int = 100) -> int:
    """Where the value at ``pos`` first nests ``depth`` lists or objects deep (or its end)."""
    level = 0
    in_string = escaped = False
    for at in range(pos, len(text)):
        char = text[at]
        if in_string:
            escaped, in_string = (False, True) if escaped else (char == "\\", char != '"')
        elif char == '"':
            in_string = True
        elif char in "[{":
            level += 1
            if level >= depth:
                return at
        elif char in "]}":
            level -= 1
    return len(text)


def _skip_space(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] in _SPACE:
        pos += 1
    return pos


def locate(text: str, path: Sequence[str | int]) -> int | None:
    """Where in ``text``, one whole JSON value, the member at ``path`` is written.

    A name in ``path`` steps into an object (the answer for the last one is
    where its key is written), a number into a list. ``None`` if there is no
    such member. Only used to name the line of a problem, so it may take its
    time: it parses the values it steps over.
    """
    pos = 0
    for step in path:
        pos = _skip_space(text, pos)
        if isinstance(step, int):
            if not text.startswith("[", pos):
                return None
            pos = _skip_space(text, pos + 1)
            for _ in range(step):
                if text.startswith("]", pos):
                    return None
                pos = _skip_space(text, _JSON.raw_decode(text, pos)[1])
                if not text.startswith(",", pos):
                    return None
                pos = _skip_space(text, pos + 1)
            if text.startswith("]", pos):
                return None
            continue
        if not text.startswith("{", pos):
            return None
        pos = _skip_space(text, pos + 1)
        while text.startswith('"', pos):
            key_at = pos
            key, pos = json.decoder.scanstring(text, pos + 1)  # type: ignore[attr-defined]
            pos = _skip_space(text, _skip_space(text, pos) + 1)  # past the colon
            if key == step:
                if step is path[-1]:
                    return key_at
                break
            pos = _skip_space(text, _JSON.raw_decode(text, pos)[1])
            pos = _skip_space(text, pos + 1) if text.startswith(",", pos) else pos
        else:
            return None
    return pos


class _JsonText:
    """The text of a JSON file, decoded a chunk at a time, with the line of any position."""

    def __init__(self, f: BinaryIO) -> None:
        self._f = f
        self._decoder = codecs.getincrementaldecoder("utf-8")("strict")
        self._first = True
        self.eof = False
        self.buf = ""
        self.pos = 0
        self._line = 1  # the line buf[0] is on

    def line_at(self, pos: int) -> int:
        return self._line + self.buf.count("\n", 0, pos)

    def fill(self) -> bool:
        """Read the next chunk, dropping what was read already; ``False`` at the end."""
        if self.eof:
            return False
        raw = self._f.read(_CHUNK)
        if self._first:
            raw = raw.removeprefix(codecs.BOM_UTF8)
            self._first = False
        try:
            text = self._decoder.decode(raw, final=not raw)
        except UnicodeDecodeError as exc:
            line = self.line_at(len(self.buf)) + raw[: exc.start].count(b"\n")
            why = _(_BINARY) if b"\x00" in raw else _not_utf8(raw, exc)
            raise stop(line, "encoding", why) from None
        if "\x00" in text:
            line = self.line_at(len(self.buf)) + text[: text.index("\x00")].count("\n")
            raise stop(line, "encoding", _(_BINARY))
        self.eof = not raw
        self._line += self.buf.count("\n", 0, self.pos)
        self.buf = self.buf[self.pos :] + text
        self.pos = 0
        return not self.eof

    def peek(self) -> str:
        """The next character after any white space, or ``""`` at the end."""
        while True:
            while self.pos < len(self.buf) and self.buf[self.pos] in _SPACE:
                self.pos += 1
            if self.pos < len(self.buf) or not self.fill():
                return self.buf[self.pos] if self.pos < len(self.buf) else ""

    def syntax(self, message: str) -> ImportFileError:
        return stop(
            self.line_at(self.pos), "json", _("not valid JSON: {error}").format(error=message)
        )

    def take(self, char: str, expecting: str) -> None:
        if self.peek() != char:
            raise self.syntax(expecting)
        self.pos += 1

    def value(self) -> tuple[object, int, str]:
        """The next JSON value, the line it starts on, and its text."""
        self.peek()
        line = self.line_at(self.pos)
        while True:
            try:
                value, end = _JSON.raw_decode(self.buf, self.pos)
            except json.JSONDecodeError as exc:
                # Most likely the value goes on past what was read so far.
                # (Reading more moves the buffer, so the line is taken first.)
                error_line = self.line_at(exc.pos)
                if self._read_more():
                    continue
                raise stop(
                    error_line, "json", _("not valid JSON: {error}").format(error=exc.msg)
                ) from None
            except RecursionError:
                deep = self.line_at(_deep_spot(self.buf, self.pos))
                raise stop(
                    deep, "json", _("not valid JSON for an export: it is nested far too deeply")
                ) from None
            # A number at the very end of what was read may go on in the next chunk.
            if end == len(self.buf) and self._read_more():
                continue
            start, self.pos = self.pos, end
            return value, line, self.buf[start:end]

    def _read_more(self) -> bool:
        """Read until the unread text is twice as long or the file ends; ``False`` if none came.

        Doubling keeps re-reading a long value from the start linear overall;
        a value longer than any session is not read further.
        """
        if self.eof or len(self.buf) - self.pos > SESSION_MAX:
            return False
        want = max(2 * (len(self.buf) - self.pos), _CHUNK)
        read = False
        while len(self.buf) - self.pos < want and self.fill():
            read = True
        return read


def json_entries(f: BinaryIO) -> Iterator[JsonEntry]:
    """The top-level entries of a JSON export, each session of ``sessions`` on its own."""
    text = _JsonText(f)
    first = text.peek()
    if first == "":
        raise stop(1, "json", _("the file is empty; expected a JSON export of Psoas Timer"))
    if first != "{":
        raise stop(
            text.line_at(text.pos),
            "format",
            _(
                "expected a Psoas Timer JSON export, an object starting with {brace}, found {found}"
            ).format(brace="{", found=repr(first)),
            where=_("line {n}, document").format(n=text.line_at(text.pos)),
        )
    text.take("{", "expecting '{'")
    if text.peek() == "}":
        text.pos += 1
    else:
        while True:
            key, line, _raw = text.value()
            if not isinstance(key, str):
                raise text.syntax("Expecting property name enclosed in double quotes")
            text.take(":", "Expecting ':' delimiter")
            if key == "sessions" and text.peek() == "[":
                yield from _sessions(text)
            else:
                value, line, written = text.value()
                yield JsonEntry(key, value, line, written)
            if text.peek() == ",":
                text.pos += 1
                continue
            text.take("}", "Expecting ',' delimiter")
            break
    if text.peek() != "":
        raise text.syntax("Extra data after the end of the export")


def _sessions(text: _JsonText) -> Iterator[JsonEntry]:
    text.take("[", "expecting '['")
    if text.peek() == "]":
        text.pos += 1
        yield JsonEntry("sessions", [], text.line_at(text.pos), "[]")
        return
    index = 0
    while True:
        value, line, written = text.value()
        yield JsonEntry("sessions", value, line, written, index)
        index += 1
        if text.peek() == ",":
            text.pos += 1
            continue
        text.take("]", "Expecting ',' delimiter")
        return
