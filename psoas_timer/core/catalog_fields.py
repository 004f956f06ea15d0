"""Reading one catalog document: typed fields, one-line errors, distance checks.

Every problem becomes a :class:`CatalogError` naming the file, the entry and the
field, so a person can find and fix it.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeVar

from psoas_timer.core.safety import floor_problem
from psoas_timer.core.units import DISTANCE

ID_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
MAX_FILE_BYTES = 256 * 1024

T = TypeVar("T")


class CatalogError(ValueError):
    """One problem in one catalog file, as a single line a person can act on."""

    def __init__(self, file: str, entry: str, field_path: str, expected: str) -> None:
        where = f"{file}: {entry}" if entry else file
        if field_path:
            where += f", field '{field_path}'"
        super().__init__(f"{where}: {expected}")
        self.file = file
        self.entry = entry
        self.field = field_path
        self.expected = expected


class Fields:
    """Reads one table of a document, recording which keys were used."""

    def __init__(self, data: object, file: str, entry: str, prefix: str = "") -> None:
        self.file, self.entry, self.prefix = file, entry, prefix
        if not isinstance(data, Mapping):
            raise self.error("", f"expected a table, got {kind(data)}")
        self.data: Mapping[str, Any] = data
        self.used: set[str] = set()

    def path(self, key: str) -> str:
        return f"{self.prefix}{key}" if not self.prefix else f"{self.prefix}.{key}"

    def error(self, key: str, expected: str) -> CatalogError:
        field_path = self.path(key) if key else self.prefix
        return CatalogError(self.file, self.entry, field_path, expected)

    def _get(self, key: str, required: bool) -> Any:
        self.used.add(key)
        if key not in self.data:
            if required:
                raise self.error(key, "missing required field")
            return None
        value = self.data[key]
        if value is None:
            # TOML has no null, but documents built in code (or JSON) do.
            raise self.error(key, "expected a value, got nothing")
        return value

    def text(self, key: str, required: bool = True, max_len: int = 2000) -> str:
        value = self._get(key, required)
        if value is None:
            return ""
        if not isinstance(value, str):
            raise self.error(key, f"expected text, got {kind(value)}")
        value = value.strip()
        if required and not value:
            raise self.error(key, "expected non-empty text")
        if len(value) > max_len:
            raise self.error(key, f"expected at most {max_len} characters, got {len(value)}")
        check_markers(self, key, value)
        return value

    def ident(self, key: str) -> str:
        value = self.text(key)
        if not ID_PATTERN.fullmatch(value):
            raise self.error(key, f"expected lowercase letters, digits and '-', got {value!r}")
        return value

    def choice(self, key: str, choices: Iterable[str]) -> str:
        options = tuple(choices)
        value = self.text(key)
        if value not in options:
            raise self.error(key, f"expected one of {', '.join(options)}, got {value!r}")
        return value

    def boolean(self, key: str, default: bool) -> bool:
        value = self._get(key, False)
        if value is None:
            return default
        if not isinstance(value, bool):
            raise self.error(key, f"expected true or false, got {kind(value)}")
        return value

    def integer(self, key: str, low: int, high: int, default: int | None = None) -> int:
        value = self._get(key, default is None)
        if value is None:
            assert default is not None
            return default
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.error(key, f"expected a whole number, got {kind(value)}")
        if not low <= value <= high:
            raise self.error(key, f"expected a number from {low} to {high}, got {value}")
        return value

    def texts(self, key: str, required: bool = True, min_items: int = 1) -> tuple[str, ...]:
        value = self._get(key, required)
        if value is None:
            return ()
        if not isinstance(value, list):
            raise self.error(key, f"expected a list of text, got {kind(value)}")
        if len(value) < min_items:
            raise self.error(key, f"expected at least {min_items} item(s), got {len(value)}")
        items: list[str] = []
        for index, item in enumerate(value):
            if not isinstance(item, str) or not item.strip():
                raise self.error(f"{key}[{index}]", f"expected non-empty text, got {kind(item)}")
            check_markers(self, f"{key}[{index}]", item)
            items.append(item.strip())
        return tuple(items)

    def tables(self, key: str, build: Callable[[Fields], T], min_items: int = 0) -> tuple[T, ...]:
        value = self._get(key, min_items > 0)
        if value is None:
            return ()
        if not isinstance(value, list):
            raise self.error(key, f"expected a list of tables ([[{key}]]), got {kind(value)}")
        if len(value) < min_items:
            raise self.error(key, f"expected at least {min_items} entry(ies), got {len(value)}")
        return tuple(
            build(Fields(item, self.file, self.entry, self.path(f"{key}[{index}]")))
            for index, item in enumerate(value)
        )

    def sub(self, key: str) -> Fields:
        return Fields(self._get(key, True), self.file, self.entry, self.path(key))

    def finish(self) -> None:
        unknown = sorted(set(self.data) - self.used)
        if unknown:
            raise self.error(unknown[0], "unknown field (check the spelling against SCHEMA.md)")


def kind(value: object) -> str:
    names = {bool: "true/false", int: "a number", float: "a number", str: "text", list: "a list"}
    if isinstance(value, Mapping):
        return "a table"
    if value is None:
        return "nothing"
    return names.get(type(value), type(value).__name__)


def check_markers(fields: Fields, key: str, value: str) -> None:
    # A distance marker with the wrong shape would be shown to the user raw.
    for marker in re.findall(r"\{[^}]*\}|[{}]", value):
        match = DISTANCE.fullmatch(marker)
        if not match:
            raise fields.error(key, f"expected distance markers like {{cm:5}}, got {marker}")
        high = match.group(2)
        if high is not None and float(high) < float(match.group(1)):
            raise fields.error(key, f"distance range {marker} runs backwards")
    problem = floor_problem(value)
    if problem is not None:
        raise fields.error(key, problem)


def parse_document(raw: bytes, file: str) -> object:
    """Decode one TOML file, or raise a one-line :class:`CatalogError`."""
    if len(raw) > MAX_FILE_BYTES:
        raise CatalogError(file, "", "", f"file is larger than {MAX_FILE_BYTES // 1024} KiB")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise CatalogError(file, "", "", f"expected UTF-8 text (bad byte at {exc.start})") from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise CatalogError(file, "", "", f"not valid TOML: {exc}") from None
    except RecursionError:
        raise CatalogError(file, "", "", "not valid TOML: nested too deeply") from None
