"""The tool catalog: tools, positions, pressure variants, stretches and safety text.

The catalog is data (TOML files, one per tool; see ``assets/catalog/SCHEMA.md``).
A bad file is reported in one line naming the file, the entry, the field and
what was expected, and every other file still loads.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from importlib.abc import Traversable
from pathlib import Path
from typing import Literal, TypeVar, get_args

from psoas_timer.core.catalog_fields import CatalogError, Fields, parse_document
from psoas_timer.core.safety import BUILTIN_SAFETY, Safety
from psoas_timer.core.vocab import BREATHS_LIMITS, STOP_REASON_CHOICES, StopReason

__all__ = [
    "CONTACTS",
    "POSES",
    "POSITION_SIDES",
    "TARGETS",
    "Catalog",
    "CatalogError",
    "Contact",
    "Cue",
    "Position",
    "PositionSides",
    "Safety",
    "Stretch",
    "Tool",
    "Variant",
    "builtin_root",
    "load_catalog",
    "parse_document",
    "parse_tool",
]

POSES = ("prone", "sphinx", "supine-bolster", "supine-knees-bent", "kneeling")
TARGETS = ("psoas", "iliacus")
#: How the pressure is made: by lying on the tool, by pressing it in with the
#: hands, or with the fingertips alone. The spoken steps follow it.
Contact = Literal["lie-on", "press-in", "fingertips"]
CONTACTS: tuple[Contact, ...] = get_args(Contact)
#: "each": one side, then the other; "centre": centred on the spine, working
#: both sides at once, so a session has one centred side.
PositionSides = Literal["each", "centre"]
POSITION_SIDES: tuple[PositionSides, ...] = get_args(PositionSides)
MAX_VARIANT_NAME = 40
STRETCH_HOLD_MAX = 120  # seconds: the pigeon stretch is held for one to two minutes
#: The largest diagram a tool may name: the built-in ones are under 10 KiB.
MAX_SVG_BYTES = 1024 * 1024

T = TypeVar("T")


@dataclass(frozen=True)
class Variant:
    name: str
    instruction: str
    diagram: Traversable | None = None
    diagram_caption: str = ""
    # True when the level changes the set-up (onto a book, say): the session
    # waits for the person to say they are back in position.
    repositions: bool = False


@dataclass(frozen=True)
class Position:
    id: str
    name: str
    pose: str
    diagram: Traversable
    steps: tuple[str, ...]
    variants: tuple[Variant, ...] = ()
    target_note: str = ""
    target: str = ""  # what this position works, where it is not the tool's targets
    diagram_caption: str = ""
    pose_diagram: Traversable | None = None
    locate_diagram: Traversable | None = None
    contact: Contact = "lie-on"
    sides: PositionSides = "each"

    @property
    def centred(self) -> bool:
        return self.sides == "centre"


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
    diagram: Traversable | None = None  # required in stretches.toml


@dataclass
class Catalog:
    tools: dict[str, Tool] = field(default_factory=dict)
    stretches: dict[str, Stretch] = field(default_factory=dict)
    # Never missing: the built-in copy stands in when safety.toml cannot be used.
    safety: Safety = BUILTIN_SAFETY
    errors: list[CatalogError] = field(default_factory=list)

    def tool(self, tool_id: str) -> Tool:
        try:
            return self.tools[tool_id]
        except KeyError:
            known = ", ".join(sorted(self.tools)) or "none"
            raise KeyError(f"no tool with id '{tool_id}' (known: {known})") from None


class _DiagramFinder:
    """Resolves diagram names against a tool's own folder, then the built-ins.

    A diagram over :data:`MAX_SVG_BYTES` is refused by name: the window reads
    each diagram whole to draw it, and a tool's folder may hold anything.
    """

    def __init__(self, *folders: Traversable) -> None:
        self.folders = folders

    def find(self, fields: Fields, key: str, required: bool) -> Traversable | None:
        name = fields.text(key, required)
        if not name:
            return None
        if "/" in name or "\\" in name or not name.endswith(".svg"):
            raise fields.error(key, f"expected a plain .svg file name, got {name!r}")
        found = self.look_up(name, fields, key)
        if found is None:
            raise fields.error(key, f"diagram '{name}' not found")
        return found

    def look_up(self, name: str, fields: Fields, key: str) -> Traversable | None:
        for folder in self.folders:
            candidate = folder / name
            if candidate.is_file():
                size = _size(candidate)
                if size is not None and size > MAX_SVG_BYTES:
                    raise fields.error(
                        key,
                        f"diagram {str(candidate)!r} is {size / 1024 / 1024:.1f} MiB, larger "
                        f"than {MAX_SVG_BYTES // 1024} KiB",
                    )
                return candidate
        return None


def _size(item: Traversable) -> int | None:
    """The size of a diagram file, where it is a file that can tell (not inside an archive)."""
    stat = getattr(item, "stat", None)
    try:
        return int(stat().st_size) if callable(stat) else None
    except OSError:
        return None


def _parse_tool(
    data: object, file: str, finder: _DiagramFinder, stretch_ids: set[str], custom: bool
) -> Tool:
    entry_id = data.get("id") if isinstance(data, Mapping) else None
    # repr keeps an id with a line break in it on the message's one line.
    entry = f"tool {entry_id!r}" if isinstance(entry_id, str) else "tool"
    top = Fields(data, file, entry)

    def variant(fields: Fields) -> Variant:
        result = Variant(
            name=fields.text("name", max_len=MAX_VARIANT_NAME),
            instruction=fields.text("instruction"),
            diagram=finder.find(fields, "diagram", required=False),
            diagram_caption=fields.text("diagram_caption", required=False, max_len=80),
            repositions=fields.boolean("repositions", False),
        )
        fields.finish()
        return result

    def position(fields: Fields) -> Position:
        pose = fields.choice("pose", POSES)
        result = Position(
            id=fields.ident("id"),
            name=fields.text("name", max_len=80),
            pose=pose,
            diagram=_required(finder.find(fields, "diagram", required=True)),
            steps=fields.texts("steps"),
            variants=fields.tables("variants", variant),
            target_note=fields.text("target_note", required=False),
            target=fields.text("target", required=False, max_len=80),
            diagram_caption=fields.text("diagram_caption", required=False, max_len=80),
            # Without a picture of its own, the generic silhouette for the pose, if any.
            pose_diagram=finder.find(fields, "pose_diagram", required=False)
            or finder.look_up(f"pose-{pose}.svg", fields, "pose_diagram"),
            locate_diagram=finder.find(fields, "locate_diagram", required=False),
            contact=_choice(fields, "contact", CONTACTS, "lie-on"),
            sides=_choice(fields, "sides", POSITION_SIDES, "each"),
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


C = TypeVar("C", bound=str)


def _choice(fields: Fields, key: str, choices: tuple[C, ...], default: C) -> C:
    if key not in fields.data:
        fields.used.add(key)
        return default
    value = fields.choice(key, choices)
    return next(choice for choice in choices if choice == value)


def _required(value: T | None) -> T:
    assert value is not None
    return value


def _parse_stretches(data: object, file: str, finder: _DiagramFinder) -> dict[str, Stretch]:
    top = Fields(data, file, "")

    def stretch(fields: Fields) -> Stretch:
        result = Stretch(
            id=fields.ident("id"),
            name=fields.text("name", max_len=80),
            steps=fields.texts("steps"),
            hold_seconds=fields.integer("hold_seconds", 10, STRETCH_HOLD_MAX),
            repetitions=fields.integer("repetitions", 1, 6),
            per_side=fields.boolean("per_side", True),
            caution=fields.text("caution", required=False),
            diagram=finder.find(fields, "diagram", required=True),
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
    top = Fields(data, file, "")
    safety = Safety(
        intro=top.text("intro"),
        do_not_use=top.texts("do_not_use"),
        stop_if=top.texts("stop_if"),
        urgent=top.texts("urgent"),
        disclaimer=top.text("disclaimer"),
        during_set=top.text("during_set", max_len=120),
        stop_advice=_stop_advice(top.sub("stop_advice")),
    )
    top.finish()
    return safety


def _stop_advice(fields: Fields) -> dict[StopReason, str]:
    advice = {reason: fields.text(reason) for reason in STOP_REASON_CHOICES}
    fields.finish()
    return advice


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
            _DiagramFinder(diagrams),
        )
    except (CatalogError, OSError) as exc:
        catalog.errors.append(_as_error(exc, "stretches.toml"))
    try:
        catalog.safety = _parse_safety(
            parse_document((folder / "safety.toml").read_bytes(), "safety.toml"), "safety.toml"
        )
    except (CatalogError, OSError) as exc:
        # Safety is never skipped: the built-in copy (the default) stays in use.
        error = _as_error(exc, "safety.toml")
        catalog.errors.append(
            CatalogError(
                error.file,
                error.entry,
                error.field,
                f"{error.expected} (the built-in safety text is shown instead)",
            )
        )

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
    # Checked in English, where the safety floors are defined, then shown translated.
    from psoas_timer.core.catalog_text import translate_catalog  # builds on the types above
    from psoas_timer.core.i18n import _

    return translate_catalog(catalog, _)


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
