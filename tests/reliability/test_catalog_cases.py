"""1,000 broken tool files, generated from a seed: each is one line naming the file.

Every case starts from a valid tool and breaks it one way: TOML syntax, wrong
types, missing or empty fields, values out of range, bad choices and ids, bad
references (stretches, diagrams), unknown fields, bad distance markers,
duplicate ids, bad bytes, an oversized file. All the files go into one user
tools folder and the catalog is loaded once, so the run takes about a second.
For each file there must be exactly one error, on one line, that starts with
the file's path (and names the broken field where there is one); every
built-in tool still loads, and no file is changed.
"""

from __future__ import annotations

import copy
import json
import math
import random
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from psoas_timer.core.catalog import CatalogError, load_catalog, parse_tool
from tests.helpers import BUILTIN_TOOL_IDS

SEED = 20240501
CASES = 1000

BASE: dict[str, Any] = {
    "id": "my-tool",
    "name": "My tool",
    "summary": "A tool.",
    "targets": ["psoas", "iliacus"],
    "default_breaths": 15,
    "release_sign": "It gives.",
    "ease_off": "Lift a little.",
    "cautions": ["Move away from a pulse."],
    "stretches": ["glute-bridge"],
    "general_guidance": False,
    "cue": {"inhale": "In", "exhale": "Out"},
    "positions": [
        {
            "id": "prone",
            "name": "Face down",
            "pose": "prone",
            "diagram": "pic.svg",
            "steps": ["Lie down {cm:5} from the navel.", "Breathe."],
            "target_note": "Deep.",
            "variants": [
                {"name": "Harder", "instruction": "Press more.", "diagram": "pic.svg"},
            ],
        },
    ],
}

Path_ = tuple[str | int, ...]
# What each field holds, for choosing a wrong type.
KINDS: dict[Path_, str] = {
    ("id",): "ident",
    ("name",): "text",
    ("summary",): "text",
    ("targets",): "list",
    ("default_breaths",): "int",
    ("release_sign",): "text",
    ("ease_off",): "text",
    ("cautions",): "list",
    ("stretches",): "list",
    ("general_guidance",): "bool",
    ("cue",): "table",
    ("cue", "inhale"): "text",
    ("cue", "exhale"): "text",
    ("positions",): "tables",
    ("positions", 0, "id"): "ident",
    ("positions", 0, "name"): "text",
    ("positions", 0, "pose"): "text",
    ("positions", 0, "diagram"): "text",
    ("positions", 0, "steps"): "list",
    ("positions", 0, "target_note"): "text",
    ("positions", 0, "variants"): "tables",
    ("positions", 0, "variants", 0, "name"): "text",
    ("positions", 0, "variants", 0, "instruction"): "text",
    ("positions", 0, "variants", 0, "diagram"): "text",
}
OPTIONAL = {
    ("stretches",),
    ("general_guidance",),
    ("positions", 0, "target_note"),
    ("positions", 0, "variants"),
    ("positions", 0, "variants", 0, "diagram"),
}
WRONG: dict[str, list[Any]] = {
    "text": [1, 2.5, True, ["a"], {"a": 1}],
    "ident": [7, False, ["my-tool"], {"id": "x"}],
    "int": ["15", 15.5, True, [15], {"n": 15}],
    "list": ["psoas", 3, {"a": "b"}, [1], [""], ["ok", 2], [["nested"]]],
    "table": ["x", 3, [1, 2], True],
    "tables": ["x", {"id": "a"}, [1, 2], ["a"], 5],
    "bool": ["yes", 1, [True], 0.0],
}
BAD_IDS = ["My Tool", "a--b", "-x", "x-", "UPPER", "with space", "ünïcode", "a_b", "a.b"]
BAD_DIAGRAMS = ["missing.svg", "../pic.svg", "sub/pic.svg", "pic.png", "pic", "C:\\pic.svg"]
BAD_MARKERS = ["{cm:abc}", "{cm:5-2}", "{in:3}", "{cm:}", "{5cm}", "{cm:1-}"]


def field_name(path: Path_) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out


def toml_value(value: Any) -> str:
    """TOML for ``value``, inline throughout (one line per top-level key)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return "nan" if math.isnan(value) else repr(value)
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{json.dumps(k)} = {toml_value(v)}" for k, v in value.items()) + "}"
    raise TypeError(type(value))


def toml_document(doc: dict[str, Any]) -> str:
    return "".join(f"{json.dumps(k)} = {toml_value(v)}\n" for k, v in doc.items())


def _parent(doc: dict[str, Any], path: Path_) -> tuple[Any, str | int]:
    node: Any = doc
    for part in path[:-1]:
        node = node[part]
    return node, path[-1]


@dataclass(frozen=True)
class Case:
    kind: str
    content: bytes
    expect: str  # must appear in the error line


Mutation = Callable[[random.Random, dict[str, Any]], tuple[str, "dict[str, Any] | bytes", str]]


def missing(rng: random.Random, doc: dict[str, Any]) -> tuple[str, dict[str, Any] | bytes, str]:
    path = rng.choice([p for p in KINDS if p not in OPTIONAL])
    node, key = _parent(doc, path)
    del node[key]
    return "missing field", doc, f"field '{field_name(path)}': missing required field"


def wrong_type(rng: random.Random, doc: dict[str, Any]) -> tuple[str, dict[str, Any] | bytes, str]:
    path = rng.choice(list(KINDS))
    node, key = _parent(doc, path)
    node[key] = copy.deepcopy(rng.choice(WRONG[KINDS[path]]))
    return "wrong type", doc, f"field '{field_name(path)}"


def empty(rng: random.Random, doc: dict[str, Any]) -> tuple[str, dict[str, Any] | bytes, str]:
    # A line break in an id is its own test below (a known problem).
    choices: list[tuple[Path_, Any]] = [
        (p, rng.choice(["", "   ", "\t"] if kind == "ident" else ["", "   ", "\n\t"]))
        for p, kind in KINDS.items()
        if kind in ("text", "ident") and p not in OPTIONAL
    ]
    choices += [(("targets",), []), (("cautions",), []), (("positions",), [])]
    choices += [(("positions", 0, "steps"), []), (("cautions",), ["ok", "  "])]
    path, value = rng.choice(choices)
    node, key = _parent(doc, path)
    node[key] = value
    return "empty", doc, f"field '{field_name(path)}"


def out_of_range(
    rng: random.Random, doc: dict[str, Any]
) -> tuple[str, dict[str, Any] | bytes, str]:
    pick = rng.randrange(5)
    if pick == 0:
        doc["default_breaths"] = rng.choice([rng.randint(-1000, 4), rng.randint(31, 10**6)])
        return "out of range", doc, "field 'default_breaths': expected a number from 5 to 30"
    if pick == 1:
        doc["name"] = "n" * rng.randint(81, 400)
        return "too long", doc, "field 'name': expected at most 80 characters"
    if pick == 2:
        doc["positions"][0]["variants"][0]["name"] = "v" * rng.randint(41, 200)
        return "too long", doc, "field 'positions[0].variants[0].name': expected at most 40"
    if pick == 3:
        doc["summary"] = "s" * rng.randint(2001, 5000)
        return "too long", doc, "field 'summary': expected at most 2000"
    doc["cue"]["inhale"] = "i" * rng.randint(81, 300)
    return "too long", doc, "field 'cue.inhale': expected at most 80"


def bad_choice(rng: random.Random, doc: dict[str, Any]) -> tuple[str, dict[str, Any] | bytes, str]:
    if rng.random() < 0.5:
        doc["positions"][0]["pose"] = rng.choice(["upside-down", "Prone", "", "standing", "x"])
        pose = doc["positions"][0]["pose"]
        return "bad choice", doc, "field 'positions[0].pose'" if pose else "positions[0].pose"
    index = rng.randrange(len(doc["targets"]) + 1)
    doc["targets"].insert(index, rng.choice(["quads", "Psoas", "psoas-major", "glutes"]))
    return "bad choice", doc, f"field 'targets[{index}]': expected psoas or iliacus"


def bad_id(rng: random.Random, doc: dict[str, Any]) -> tuple[str, dict[str, Any] | bytes, str]:
    if rng.random() < 0.5:
        doc["id"] = rng.choice(BAD_IDS)
        return "bad id", doc, "field 'id': expected lowercase letters"
    doc["positions"][0]["id"] = rng.choice(BAD_IDS)
    return "bad id", doc, "field 'positions[0].id': expected lowercase letters"


def bad_reference(
    rng: random.Random, doc: dict[str, Any]
) -> tuple[str, dict[str, Any] | bytes, str]:
    pick = rng.randrange(3)
    if pick == 0:
        doc["stretches"] = ["glute-bridge", rng.choice(["cartwheel", "no-such-stretch", "lunge"])]
        return "bad reference", doc, "field 'stretches[1]': unknown stretch id"
    path: Path_ = (
        ("positions", 0, "diagram") if pick == 1 else ("positions", 0, "variants", 0, "diagram")
    )
    node, key = _parent(doc, path)
    node[key] = rng.choice(BAD_DIAGRAMS)
    return "bad reference", doc, f"field '{field_name(path)}'"


def unknown_field(
    rng: random.Random, doc: dict[str, Any]
) -> tuple[str, dict[str, Any] | bytes, str]:
    name = rng.choice(["colour", "Name", "breaths", "default-breaths", "notes", "positon"])
    where = rng.randrange(4)
    tables: list[tuple[dict[str, Any], str]] = [
        (doc, ""),
        (doc["cue"], "cue."),
        (doc["positions"][0], "positions[0]."),
        (doc["positions"][0]["variants"][0], "positions[0].variants[0]."),
    ]
    table, prefix = tables[where]
    table[name] = rng.choice([1, "x", True, [1]])
    return "unknown field", doc, f"field '{prefix}{name}': unknown field"


def bad_marker(rng: random.Random, doc: dict[str, Any]) -> tuple[str, dict[str, Any] | bytes, str]:
    marker = rng.choice(BAD_MARKERS)
    if rng.random() < 0.5:
        doc["positions"][0]["steps"][1] = f"Move it {marker} along."
        return "bad marker", doc, "field 'positions[0].steps[1]'"
    doc["ease_off"] = f"Lift {marker}."
    return "bad marker", doc, "field 'ease_off'"


def duplicate(rng: random.Random, doc: dict[str, Any]) -> tuple[str, dict[str, Any] | bytes, str]:
    if rng.random() < 0.5:
        doc["positions"].append(copy.deepcopy(doc["positions"][0]))
        return "duplicate position", doc, "field 'positions[1].id': duplicate position id"
    doc["id"] = rng.choice(sorted(BUILTIN_TOOL_IDS))
    return "duplicate of a built-in", doc, "field 'id': duplicate id (already in"


def syntax(rng: random.Random, doc: dict[str, Any]) -> tuple[str, dict[str, Any] | bytes, str]:
    text = toml_document(doc)
    pick = rng.randrange(8)
    if pick == 0:  # cut off inside a string
        quotes = [i for i, c in enumerate(text) if c == '"']
        at = rng.choice(quotes[::2]) + 1
        broken = text[: at + rng.randrange(0, 3)]
        broken = broken.rstrip('"')
        return "truncated", broken.encode(), "not valid TOML"
    if pick == 1:
        return "duplicate key", (text + '"name" = "again"\n').encode(), "not valid TOML"
    if pick == 2:
        line = rng.choice(["= = =", "key =", "[", "[[positions]", "x = [1, 2", "a = 'b", "ü"])
        lines = text.splitlines(keepends=True)
        lines.insert(rng.randrange(len(lines) + 1), line + "\n")
        return "garbage line", "".join(lines).encode(), "not valid TOML"
    if pick == 3:
        raw = text.encode()
        at = rng.randrange(len(raw))
        return "bad bytes", raw[:at] + b"\xff\xfe" + raw[at:], "expected UTF-8 text"
    if pick == 4:
        raw = text.encode()
        at = rng.randrange(len(raw))
        return "nul byte", raw[:at] + b"\x00" + raw[at:], "not valid TOML"
    if pick == 5:
        return "huge file", (text + "#" * (300 * 1024) + "\n").encode(), "larger than 256 KiB"
    if pick == 6:
        return "unclosed table", text.replace("{", "{ ", 1).replace("}", "", 1).encode(), "TOML"
    content, expect = rng.choice(
        [
            (b"<svg/>", "not valid TOML"),
            (b"{}", "not valid TOML"),
            (b"[x]\n", "field 'id': missing required field"),  # valid TOML, no tool in it
            (b"", "field 'id': missing required field"),
        ]
    )
    return "not a tool file", content, expect


MUTATIONS: list[Mutation] = [
    missing,
    wrong_type,
    empty,
    out_of_range,
    bad_choice,
    bad_id,
    bad_reference,
    unknown_field,
    bad_marker,
    duplicate,
    syntax,
]


def generate(seed: int = SEED, count: int = CASES) -> list[Case]:
    rng = random.Random(seed)
    cases = []
    for n in range(count):
        doc = copy.deepcopy(BASE)
        doc["id"] = f"case-{n:04d}"
        kind, result, expect = rng.choice(MUTATIONS)(rng, doc)
        content = result if isinstance(result, bytes) else toml_document(result).encode()
        cases.append(Case(kind, content, expect))
    return cases


@pytest.fixture(scope="module")
def cases() -> list[Case]:
    return generate()


def _folder_with_diagram(path: Path) -> Path:
    path.mkdir()
    (path / "pic.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'/>", "utf-8")
    return path


def test_the_base_tool_is_valid_and_its_round_trip_is_exact(tmp_path: Path) -> None:
    folder = _folder_with_diagram(tmp_path / "tools")
    text = toml_document(BASE)
    assert tomllib.loads(text) == BASE
    tool = parse_tool(text.encode(), "base.toml", [folder], {"glute-bridge"}, custom=True)
    assert tool.id == "my-tool"


def test_the_generator_is_seeded_and_covers_every_kind(cases: list[Case]) -> None:
    assert len(cases) >= 1000
    assert [c.content for c in generate()[:50]] == [c.content for c in cases[:50]]
    kinds = {c.kind for c in cases}
    assert len(kinds) >= 20, kinds


def test_each_broken_tool_file_is_one_line_naming_it(tmp_path: Path, cases: list[Case]) -> None:
    folder = _folder_with_diagram(tmp_path / "tools")
    files = []
    for n, case in enumerate(cases):
        path = folder / f"case-{n:04d}.toml"
        path.write_bytes(case.content)
        files.append(path)
    stamps = {p: p.stat().st_mtime_ns for p in files}
    listing = sorted(p.name for p in folder.iterdir())

    catalog = load_catalog(user_tools=folder)

    assert set(catalog.tools) == BUILTIN_TOOL_IDS, "a broken file must never load as a tool"
    assert catalog.safety is not None and catalog.stretches
    by_file: dict[str, list[CatalogError]] = {}
    for error in catalog.errors:
        by_file.setdefault(error.file, []).append(error)
    failures = []
    for path, case in zip(files, cases, strict=True):
        errors = by_file.pop(str(path), [])
        line = str(errors[0]) if len(errors) == 1 else ""
        if len(errors) != 1:
            failures.append(f"{path.name} ({case.kind}): {len(errors)} errors")
        elif "\n" in line or not line.startswith(f"{path}: ") or case.expect not in line:
            failures.append(f"{path.name} ({case.kind}): {line!r}, wanted {case.expect!r}")
    assert not by_file, f"errors for files never written: {list(by_file)[:3]}"
    assert not failures, f"{len(failures)} of {len(cases)}:\n" + "\n".join(failures[:20])
    # Nothing was changed, added or removed.
    assert sorted(p.name for p in folder.iterdir()) == listing
    for path, case in zip(files, cases, strict=True):
        assert path.read_bytes() == case.content
        assert path.stat().st_mtime_ns == stamps[path]


def test_an_id_with_a_line_break_still_gives_one_line(tmp_path: Path) -> None:
    folder = _folder_with_diagram(tmp_path / "tools")
    doc = copy.deepcopy(BASE)
    doc["id"] = "my\ntool"
    with pytest.raises(CatalogError) as caught:
        parse_tool(toml_document(doc).encode(), "x.toml", [folder], {"glute-bridge"}, True)
    assert "\n" not in str(caught.value)
