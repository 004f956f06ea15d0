"""The tool catalog: tools, positions, pressure variants, stretches and safety text.

The catalog is data (TOML files, one per tool; see ``assets/catalog/SCHEMA.md``).
A bad file is reported in one line naming the file, the entry, the field and
what was expected, and every other file still loads.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from importlib.abc import Traversable
from pathlib import Path
from typing import Any, TypeVar

from psoas_timer.core.pacing import BREATHS_LIMITS
from psoas_timer.core.units import DISTANCE

POSES = ("prone", "sphinx", "supine-bolster", "supine-knees-bent", "kneeling")
TARGETS = ("psoas", "iliacus")
ID_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
MAX_VARIANT_NAME = 40
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


@dataclass(frozen=True)
class Variant:
    name: str
    instruction: str
    diagram: Traversable | None = None


@dataclass(frozen=True)
class Position:
    id: str
    name: str
    pose: str
    diagram: Traversable
    steps: tuple[str, ...]
    variants: tuple[Variant, ...] = ()
    target_note: str = ""


@dataclass(frozen=True)
class Cue:
    inhale: str
    exhale: str


@dataclass(frozen=True)
class Tool:
    id: str
    name: str
    summary: str
    targets: tuple[str, ...]
    default_breaths: int
    cue: Cue
    release_sign: str
    ease_off: str
    cautions: tuple[str, ...]
    positions: tuple[Position, ...]
    stretches: tuple[str, ...] = ()
    general_guidance: bool = False
    custom: bool = False
    source: str = ""

    def position(self, position_id: str | None) -> Position:
        for position in self.positions:
            if position.id == position_id:
                return position
        return self.positions[0]


@dataclass(frozen=True)
class Stretch:
    id: str
    name: str
    steps: tuple[str, ...]
    hold_seconds: int
    repetitions: int
    per_side: bool = True
    caution: str = ""


@dataclass(frozen=True)
class Safety:
    intro: str
    do_not_use: tuple[str, ...]
    stop_if: tuple[str, ...]
    urgent: tuple[str, ...]
    disclaimer: str
    during_set: str


@dataclass
class Catalog:
    tools: dict[str, Tool] = field(default_factory=dict)
    stretches: dict[str, Stretch] = field(default_factory=dict)
    safety: Safety | None = None
    errors: list[CatalogError] = field(default_factory=list)

    def tool(self, tool_id: str) -> Tool:
        try:
            return self.tools[tool_id]
        except KeyError:
            known = ", ".join(sorted(self.tools)) or "none"
            raise KeyError(f"no tool with id '{tool_id}' (known: {known})") from None


class _Fields:
    """Reads one table of a document, recording which keys were used."""

    def __init__(self, data: object, file: str, entry: str, prefix: str = "") -> None:
        self.file, self.entry, self.prefix = file, entry, prefix
        if not isinstance(data, Mapping):
            raise self.error("", f"expected a table, got {_kind(data)}")
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
            raise self.error(key, f"expected text, got {_kind(value)}")
        value = value.strip()
        if required and not value:
            raise self.error(key, "expected non-empty text")
        if len(value) > max_len:
            raise self.error(key, f"expected at most {max_len} characters, got {len(value)}")
        _check_markers(self, key, value)
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
            raise self.error(key, f"expected true or false, got {_kind(value)}")
        return value

    def integer(self, key: str, low: int, high: int, default: int | None = None) -> int:
        value = self._get(key, default is None)
        if value is None:
            assert default is not None
            return default
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.error(key, f"expected a whole number, got {_kind(value)}")
        if not low <= value <= high:
            raise self.error(key, f"expected a number from {low} to {high}, got {value}")
        return value

    def texts(self, key: str, required: bool = True, min_items: int = 1) -> tuple[str, ...]:
        value = self._get(key, required)
        if value is None:
            return ()
        if not isinstance(value, list):
            raise self.error(key, f"expected a list of text, got {_kind(value)}")
        if len(value) < min_items:
            raise self.error(key, f"expected at least {min_items} item(s), got {len(value)}")
        items: list[str] = []
        for index, item in enumerate(value):
            if not isinstance(item, str) or not item.strip():
                raise self.error(f"{key}[{index}]", f"expected non-empty text, got {_kind(item)}")
            _check_markers(self, f"{key}[{index}]", item)
            items.append(item.strip())
        return tuple(items)

    def tables(self, key: str, build: Callable[[_Fields], T], min_items: int = 0) -> tuple[T, ...]:
        value = self._get(key, min_items > 0)
        if value is None:
            return ()
        if not isinstance(value, list):
            raise self.error(key, f"expected a list of tables ([[{key}]]), got {_kind(value)}")
        if len(value) < min_items:
            raise self.error(key, f"expected at least {min_items} entry(ies), got {len(value)}")
        return tuple(
            build(_Fields(item, self.file, self.entry, self.path(f"{key}[{index}]")))
            for index, item in enumerate(value)
        )

    def sub(self, key: str) -> _Fields:
        return _Fields(self._get(key, True), self.file, self.entry, self.path(key))

    def finish(self) -> None:
        unknown = sorted(set(self.data) - self.used)
        if unknown:
            raise self.error(unknown[0], "unknown field (check the spelling against SCHEMA.md)")


def _kind(value: object) -> str:
    names = {bool: "true/false", int: "a number", float: "a number", str: "text", list: "a list"}
    if isinstance(value, Mapping):
        return "a table"
    if value is None:
        return "nothing"
    return names.get(type(value), type(value).__name__)


def _check_markers(fields: _Fields, key: str, value: str) -> None:
    # A distance marker with the wrong shape would be shown to the user raw.
    for marker in re.findall(r"\{[^}]*\}", value):
        match = DISTANCE.fullmatch(marker)
        if not match:
            raise fields.error(key, f"expected distance markers like {{cm:5}}, got {marker}")
        high = match.group(2)
        if high is not None and float(high) < float(match.group(1)):
            raise fields.error(key, f"distance range {marker} runs backwards")


class _DiagramFinder:
    """Resolves diagram names against a tool's own folder, then the built-ins."""

    def __init__(self, *folders: Traversable) -> None:
        self.folders = folders

    def find(self, fields: _Fields, key: str, required: bool) -> Traversable | None:
        name = fields.text(key, required)
        if not name:
            return None
        if "/" in name or "\\" in name or not name.endswith(".svg"):
            raise fields.error(key, f"expected a plain .svg file name, got {name!r}")
        for folder in self.folders:
            candidate = folder / name
            if candidate.is_file():
                return candidate
        raise fields.error(key, f"diagram '{name}' not found")


def _parse_tool(
    data: object, file: str, finder: _DiagramFinder, stretch_ids: set[str], custom: bool
) -> Tool:
    entry_id = data.get("id") if isinstance(data, Mapping) else None
    # repr keeps an id with a line break in it on the message's one line.
    entry = f"tool {entry_id!r}" if isinstance(entry_id, str) else "tool"
    top = _Fields(data, file, entry)

    def variant(fields: _Fields) -> Variant:
        result = Variant(
            name=fields.text("name", max_len=MAX_VARIANT_NAME),
            instruction=fields.text("instruction"),
            diagram=finder.find(fields, "diagram", required=False),
        )
        fields.finish()
        return result

    def position(fields: _Fields) -> Position:
        result = Position(
            id=fields.ident("id"),
            name=fields.text("name", max_len=80),
            pose=fields.choice("pose", POSES),
            diagram=_required(finder.find(fields, "diagram", required=True)),
            steps=fields.texts("steps"),
            variants=fields.tables("variants", variant),
            target_note=fields.text("target_note", required=False),
        )
        fields.finish()
        return result

    tool_id = top.ident("id")
    targets = top.texts("targets")
    for index, target in enumerate(targets):
        if target not in TARGETS:
            raise top.error(f"targets[{index}]", f"expected psoas or iliacus, got {target!r}")
    cue_fields = top.sub("cue")
    cue = Cue(cue_fields.text("inhale", max_len=80), cue_fields.text("exhale", max_len=80))
    cue_fields.finish()
    stretches = top.texts("stretches", required=False, min_items=0)
    for index, stretch in enumerate(stretches):
        if stretch not in stretch_ids:
            raise top.error(f"stretches[{index}]", f"unknown stretch id {stretch!r}")
    low, high = BREATHS_LIMITS
    tool = Tool(
        id=tool_id,
        name=top.text("name", max_len=80),
        summary=top.text("summary"),
        targets=targets,
        default_breaths=top.integer("default_breaths", low, high),
        cue=cue,
        release_sign=top.text("release_sign"),
        ease_off=top.text("ease_off"),
        cautions=top.texts("cautions"),
        positions=top.tables("positions", position, min_items=1),
        stretches=stretches,
        general_guidance=top.boolean("general_guidance", False),
        custom=custom,
        source=file,
    )
    seen: set[str] = set()
    for index, pos in enumerate(tool.positions):
        if pos.id in seen:
            raise top.error(f"positions[{index}].id", f"duplicate position id '{pos.id}'")
        seen.add(pos.id)
    top.finish()
    return tool


def _required(value: T | None) -> T:
    assert value is not None
    return value


def _parse_stretches(data: object, file: str) -> dict[str, Stretch]:
    top = _Fields(data, file, "")

    def stretch(fields: _Fields) -> Stretch:
        result = Stretch(
            id=fields.ident("id"),
            name=fields.text("name", max_len=80),
            steps=fields.texts("steps"),
            hold_seconds=fields.integer("hold_seconds", 10, 120),
            repetitions=fields.integer("repetitions", 1, 6),
            per_side=fields.boolean("per_side", True),
            caution=fields.text("caution", required=False),
        )
        fields.finish()
        return result

    items = top.tables("stretches", stretch, min_items=1)
    top.finish()
    result: dict[str, Stretch] = {}
    for item in items:
        if item.id in result:
            raise CatalogError(file, f"stretch '{item.id}'", "id", "duplicate stretch id")
        result[item.id] = item
    return result


def _parse_safety(data: object, file: str) -> Safety:
    top = _Fields(data, file, "")
    safety = Safety(
        intro=top.text("intro"),
        do_not_use=top.texts("do_not_use"),
        stop_if=top.texts("stop_if"),
        urgent=top.texts("urgent"),
        disclaimer=top.text("disclaimer"),
        during_set=top.text("during_set", max_len=120),
    )
    top.finish()
    return safety


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


def parse_tool(
    raw: bytes,
    file: str,
    diagram_folders: Iterable[Traversable],
    stretch_ids: Iterable[str] = (),
    custom: bool = False,
) -> Tool:
    """Parse and validate one tool file; raise :class:`CatalogError` on any problem."""
    data = parse_document(raw, file)
    return _parse_tool(data, file, _DiagramFinder(*diagram_folders), set(stretch_ids), custom)


def builtin_root() -> Traversable:
    from importlib.resources import files

    return files("psoas_timer.assets")


def load_catalog(root: Traversable | None = None, user_tools: Path | None = None) -> Catalog:
    """Load the built-in catalog and the user's own tools; collect errors, never raise."""
    root = root if root is not None else builtin_root()
    catalog = Catalog()
    folder = root / "catalog"
    diagrams = root / "diagrams"
    try:
        catalog.stretches = _parse_stretches(
            parse_document((folder / "stretches.toml").read_bytes(), "stretches.toml"),
            "stretches.toml",
        )
    except (CatalogError, OSError) as exc:
        catalog.errors.append(_as_error(exc, "stretches.toml"))
    try:
        catalog.safety = _parse_safety(
            parse_document((folder / "safety.toml").read_bytes(), "safety.toml"), "safety.toml"
        )
    except (CatalogError, OSError) as exc:
        catalog.errors.append(_as_error(exc, "safety.toml"))

    sources: list[tuple[Traversable, bool, tuple[Traversable, ...]]] = []
    tool_folder = folder / "tools"
    if tool_folder.is_dir():
        sources += [(item, False, (diagrams,)) for item in _toml_files(tool_folder)]
    if user_tools is not None and user_tools.is_dir():
        sources += [(item, True, (user_tools, diagrams)) for item in _toml_files(user_tools)]
    for item, custom, folders in sources:
        name = item.name if not custom else str(item)
        try:
            tool = parse_tool(item.read_bytes(), name, folders, catalog.stretches, custom)
        except CatalogError as exc:
            catalog.errors.append(exc)
            continue
        except OSError as exc:
            catalog.errors.append(CatalogError(name, "", "", f"cannot be read: {exc.strerror}"))
            continue
        if tool.id in catalog.tools:
            other = catalog.tools[tool.id].source
            catalog.errors.append(
                CatalogError(name, f"tool '{tool.id}'", "id", f"duplicate id (already in {other})")
            )
            continue
        catalog.tools[tool.id] = tool
    return catalog


def _toml_files(folder: Traversable) -> list[Traversable]:
    return sorted(
        (item for item in folder.iterdir() if item.name.endswith(".toml") and item.is_file()),
        key=lambda item: item.name,
    )


def _as_error(exc: Exception, file: str) -> CatalogError:
    if isinstance(exc, CatalogError):
        return exc
    reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
    return CatalogError(file, "", "", f"cannot be read: {reason}")
