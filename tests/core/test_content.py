"""What the user reads and hears: every catalog text and every plan, in both units.

These check the content a physiotherapist would check: one distance floor that
is never rounded down, no tool loaded onto the navel, every distance written out,
stretches that say "switch sides" only when it is time to, and safety text that
is always there.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator, Mapping
from dataclasses import fields, replace
from importlib.abc import Traversable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from psoas_timer.core.catalog import (
    Catalog,
    CatalogError,
    Position,
    Stretch,
    Tool,
    builtin_root,
    load_catalog,
    parse_document,
    parse_tool,
)
from psoas_timer.core.plan import PlanOptions, SessionPlan, StepKind, build_plan
from psoas_timer.core.safety import (
    BUILTIN_SAFETY,
    NAVEL_FLOOR_CM,
    STANDARD_CAUTIONS,
    Safety,
    floor_problem,
)
from psoas_timer.core.units import (
    CM_PER_INCH,
    Units,
    floor_distances,
    format_distance,
    render_distances,
)
from psoas_timer.core.vocab import DEFAULT_BREATHS, Sides, sides_of
from tests.helpers import every_step

UNITS: tuple[Units, ...] = ("cm", "in")
ALL_SIDES: tuple[Sides, ...] = ("left", "right", "both")
# "at least 3 to 5 cm", "at least 1–2 in", "at least 3 cm or 5 cm": one limit, two numbers.
VAGUE_FLOOR = re.compile(
    r"at least (?:about )?\d+(?:\.\d+)?\s*(?:cm|in)?\s*(?:to|or|and|–|-)\s*\d", re.IGNORECASE
)
SHOWN_FLOOR = re.compile(r"at least (\d+(?:\.\d+)?) (cm|in)\b", re.IGNORECASE)
# Weight or a pressing end put on the navel itself.
ON_THE_NAVEL = re.compile(
    r"\b(?:under|on|onto|over|into|at)\s+(?:your\s+|the\s+)?(?:navel|belly button)\b",
    re.IGNORECASE,
)
LOADING = re.compile(r"\b(lower yourself|lower onto|lie face down|lie down|lie on)\b", re.I)


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    loaded = load_catalog()
    assert loaded.errors == [], [str(e) for e in loaded.errors]
    return loaded


def tool_texts(tool: Tool) -> Iterator[tuple[str, str]]:
    yield f"{tool.id}.name", tool.name
    yield f"{tool.id}.summary", tool.summary
    yield f"{tool.id}.release_sign", tool.release_sign
    yield f"{tool.id}.ease_off", tool.ease_off
    yield f"{tool.id}.cue.inhale", tool.cue.inhale
    yield f"{tool.id}.cue.exhale", tool.cue.exhale
    for index, caution in enumerate(tool.cautions):
        yield f"{tool.id}.cautions[{index}]", caution
    for position in tool.positions:
        where = f"{tool.id}.{position.id}"
        yield f"{where}.name", position.name
        yield f"{where}.target", position.target
        yield f"{where}.target_note", position.target_note
        yield f"{where}.diagram_caption", position.diagram_caption
        for index, step in enumerate(position.steps):
            yield f"{where}.steps[{index}]", step
        for index, variant in enumerate(position.variants):
            yield f"{where}.variants[{index}].name", variant.name
            yield f"{where}.variants[{index}].instruction", variant.instruction
            yield f"{where}.variants[{index}].diagram_caption", variant.diagram_caption


def stretch_texts(stretch: Stretch) -> Iterator[tuple[str, str]]:
    yield f"{stretch.id}.name", stretch.name
    yield f"{stretch.id}.caution", stretch.caution
    for index, step in enumerate(stretch.steps):
        yield f"{stretch.id}.steps[{index}]", step


def safety_texts(safety: Safety) -> Iterator[tuple[str, str]]:
    for item in fields(safety):
        value = getattr(safety, item.name)
        if isinstance(value, Mapping):
            for key, text in value.items():
                yield f"safety.{item.name}.{key}", text
            continue
        for index, text in enumerate(value if isinstance(value, tuple) else (value,)):
            yield f"safety.{item.name}[{index}]", text


def every_catalog_text(catalog: Catalog) -> list[tuple[str, str]]:
    texts: list[tuple[str, str]] = []
    for tool in catalog.tools.values():
        texts += tool_texts(tool)
    for stretch in catalog.stretches.values():
        texts += stretch_texts(stretch)
    texts += safety_texts(catalog.safety)
    texts += [(f"standard[{i}]", text) for i, text in enumerate(STANDARD_CAUTIONS)]
    return [(where, text) for where, text in texts if text]


def check_shown(where: str, raw: str, shown: str, units: Units) -> None:
    """What the user sees of ``raw``: no marker left, no vague or shrunken floor."""
    assert "{" not in shown and "}" not in shown, (where, shown)
    assert not VAGUE_FLOOR.search(shown), (where, shown)
    assert "about about" not in shown, (where, shown)
    wanted = [low for low, _ in floor_distances(raw)]
    seen = [float(number) for number, unit in SHOWN_FLOOR.findall(shown) if unit == units]
    assert len(seen) == len(wanted), (where, shown)
    for cm, value in zip(wanted, seen, strict=True):
        assert value * (CM_PER_INCH if units == "in" else 1) >= cm - 1e-9, (where, shown)


def test_every_catalog_text_reads_right_in_both_units(catalog: Catalog) -> None:
    texts = every_catalog_text(catalog)
    assert len(texts) > 150  # the whole catalog, not a corner of it
    for where, raw in texts:
        for units in UNITS:
            check_shown(where, raw, render_distances(raw, units), units)


def test_there_is_one_floor_and_it_is_five_centimetres(catalog: Catalog) -> None:
    floors = {low for _, raw in every_catalog_text(catalog) for low, _ in floor_distances(raw)}
    assert floors == {NAVEL_FLOOR_CM}
    for where, raw in every_catalog_text(catalog):
        assert floor_problem(raw) is None, where
        if floor_distances(raw):
            assert "at least 2 in" in render_distances(raw, "in"), where


def test_every_floor_from_the_navel_is_measured_to_the_nearest_edge(catalog: Catalog) -> None:
    for tool in catalog.tools.values():
        texts = [t for _, t in tool_texts(tool)]
        navel_floors = [t for t in texts if "navel" in t and floor_distances(t)]
        for text in navel_floors:
            assert "nearest" in text or "outside them" in text, (tool.id, text)


def belly_positions(catalog: Catalog) -> Iterator[tuple[Tool, Position]]:
    for tool in catalog.tools.values():
        for position in tool.positions:
            if any("navel" in step for step in position.steps):
                yield tool, position


def test_no_placement_loads_the_tool_onto_the_navel(catalog: Catalog) -> None:
    checked = 0
    for tool in catalog.tools.values():
        for where, text in tool_texts(tool):
            assert not ON_THE_NAVEL.search(text), (where, text)
    for tool, position in belly_positions(catalog):
        checked += 1
        steps = position.steps
        floor_at = next(i for i, step in enumerate(steps) if floor_distances(step))
        loading = [
            i
            for i, step in enumerate(steps)
            if LOADING.search(step.lower().replace("before you lie down", ""))
        ]
        # Face down, the spot is found and its distance checked before any weight goes on.
        if position.pose in ("prone", "sphinx"):
            assert loading, (tool.id, position.id)
            assert floor_at < loading[0], (tool.id, position.id, steps)
    assert checked == 7  # every position that works through the belly


def test_littlemum_sphinx_finds_the_spot_before_lying_down(catalog: Catalog) -> None:
    steps = catalog.tool("littlemum-shoulder").position("sphinx").steps
    text = " ".join(steps).lower()
    assert "before you lie down" in steps[0].lower()
    assert "navel" in steps[0] and "{cm:5}" in steps[1] and "nearest edge" in steps[1]
    assert text.index("lower yourself") > text.index("{cm:5}")


def test_targets_follow_the_position(catalog: Catalog) -> None:
    for tool in catalog.tools.values():
        for position in tool.positions:
            note = position.target_note.lower()
            if "quadratus lumborum" in note and "psoas" in note and "rather than" in note:
                assert "quadratus lumborum" in position.target, (tool.id, position.id)
            if "indirectly" in note:
                assert "indirectly" in position.target, (tool.id, position.id)


def test_release_timing_is_told(catalog: Catalog) -> None:
    for tool in catalog.tools.values():
        assert "15 to 20" in tool.release_sign and "few minutes" in tool.release_sign, tool.id


def test_captions_where_a_picture_needs_one(catalog: Catalog) -> None:
    grinder = catalog.tool("meat-grinder").position("prone")
    assert grinder.diagram_caption == "Schematic: your model may look different"
    top = catalog.tool("ql-claw").position("prone").variants[1]
    assert top.diagram_caption == "Seen from above, head at the top"


POSE_PICTURES = {
    ("ql-claw", "prone"): "pose-ql-claw-prone.svg",
    ("pso-rite", "prone"): "pose-pso-rite-prone.svg",
    ("pso-rite", "supine-bed"): "pose-pso-rite-supine.svg",
    ("meat-grinder", "prone"): "pose-meat-grinder-prone.svg",
    ("massage-ball", "sphinx"): "pose-massage-ball-sphinx.svg",
    ("massage-ball", "supine-low-back"): "pose-massage-ball-supine-low-back.svg",
    ("littlemum-shoulder", "sphinx"): "pose-littlemum-shoulder-sphinx.svg",
    ("littlemum-shoulder", "supine"): "pose-littlemum-shoulder-supine.svg",
    ("littlemum-back", "supine"): "pose-littlemum-back-supine.svg",
    ("hands", "supine"): "pose-hands-supine.svg",
}


def test_every_position_has_its_own_pose_picture(catalog: Catalog) -> None:
    found = {}
    for tool in catalog.tools.values():
        for position in tool.positions:
            picture = position.pose_diagram
            assert picture is not None and picture.is_file(), (tool.id, position.id)
            found[tool.id, position.id] = picture.name
    assert found == POSE_PICTURES
    locate = catalog.tool("massage-ball").position("sphinx").locate_diagram
    assert locate is not None and locate.name == "pose-massage-ball-locate.svg"


def test_every_stretch_has_a_picture_and_the_pigeon_is_held_long(catalog: Catalog) -> None:
    for stretch in catalog.stretches.values():
        assert stretch.diagram is not None and stretch.diagram.is_file(), stretch.id
        assert stretch.diagram.name == f"stretch-{stretch.id}.svg"
        assert "switch sides" not in " ".join(stretch.steps).lower(), stretch.id
    assert 60 <= catalog.stretches["pigeon"].hold_seconds <= 120


# -- plans: every tool x position x sides x units ------------------------------


def every_plan(catalog: Catalog) -> Iterator[tuple[SessionPlan, Units]]:
    for tool in catalog.tools.values():
        for position in tool.positions:
            for sides in ALL_SIDES:
                for units in UNITS:
                    options = PlanOptions(units=units)
                    yield build_plan(tool, position.id, sides, options, catalog.stretches), units


def check_rendered(where: str, shown: str, units: Units) -> None:
    """Text already written out for the user: no marker, no vague or too-close floor."""
    assert "{" not in shown and "}" not in shown, (where, shown)
    assert not VAGUE_FLOOR.search(shown), (where, shown)
    assert "about about" not in shown, (where, shown)
    for number, unit in SHOWN_FLOOR.findall(shown):
        assert unit == units, (where, shown)
        if "navel" in shown:
            cm = float(number) * (CM_PER_INCH if units == "in" else 1)
            assert cm >= NAVEL_FLOOR_CM, (where, shown)


def test_every_plan_shows_and_says_distances_in_the_users_units(catalog: Catalog) -> None:
    count = floors = 0
    for plan, units in every_plan(catalog):
        count += 1
        for step in every_step(plan):
            for text in (step.title, step.instruction, step.words.spoken, step.words.remind):
                check_rendered(f"{plan.tool.id} {step.title}", text, units)
        # What the session shows of the tool (ease-off, cautions, a back-off's set).
        for where, text in tool_texts(plan.tool):
            check_rendered(where, text, units)
            floors += len(SHOWN_FLOOR.findall(text))
    assert count == 2 * 3 * sum(len(t.positions) for t in catalog.tools.values())
    assert floors > 100


def test_book_variant_is_written_out(catalog: Catalog) -> None:
    shown = {}
    for units in UNITS:
        plan = build_plan(catalog.tool("ql-claw"), "prone", "left", PlanOptions(units=units))
        step = plan.level_transition("left", 3)
        assert step.duration is None and step.words.remind  # onto a book: it waits for Enter
        shown[units] = step.instruction
        assert "2.5" in step.words.spoken or "1–3 in" in step.words.spoken
        after_back_off = plan.position.variants[2].instruction
        assert "{" not in after_back_off
    assert "2.5–7.5 cm higher" in shown["cm"]
    assert "1–3 in higher" in shown["in"]


def test_stretches_switch_sides_only_after_the_last_hold_of_a_side(catalog: Catalog) -> None:
    for plan, _ in every_plan(catalog):
        holds = [s for s in plan.steps if s.kind is StepKind.STRETCH]
        for index, step in enumerate(holds):
            assert step.stretch is not None
            stretch = step.stretch
            # A tool centred on the spine worked both sides: each leg is stretched.
            worked = sides_of("both" if plan.centred else plan.sides)
            sides = worked if stretch.per_side else (None,)
            last_rep = step.repetition == stretch.repetitions
            more_sides = step.side is not None and step.side != sides[-1]
            says_switch = "switch sides" in step.instruction.lower()
            assert says_switch == (last_rep and more_sides), (stretch.id, index, step)
            assert step.instruction.startswith(stretch.steps[-1])
            assert "tool" not in step.instruction.lower(), step.instruction


def test_stretch_steps_show_the_stretch_never_the_tool(catalog: Catalog) -> None:
    for plan, _ in every_plan(catalog):
        for step in every_step(plan):
            picture = step.picture
            if step.stretch is not None:
                assert picture.source is step.stretch.diagram
                assert picture.source is not None
                assert picture.source.name.startswith("stretch-")
                assert "tool" not in f"{step.title} {step.instruction}".lower()
            elif step.kind in (StepKind.SET, StepKind.COUNTDOWN, StepKind.SWITCH_SIDE):
                assert picture.source is not None
                assert not picture.source.name.startswith("stretch-")
            elif step.kind in (StepKind.RATING, StepKind.COME_OFF, StepKind.DONE):
                assert picture.source is None  # nothing stale beside a rating or coming off


def test_variant_pictures_carry_their_caption(catalog: Catalog) -> None:
    plan = build_plan(catalog.tool("ql-claw"), "prone", "right", PlanOptions())
    picture = plan.set_step("right", 2).picture
    assert picture.caption == "Seen from above, head at the top"
    assert picture.view == "side" and picture.side == "right"
    base = next(s for s in plan.steps if s.kind is StepKind.SET and s.level == 0)
    assert base.picture.view == "front" and base.picture.source is plan.position.diagram
    # "More pressure?" shows what yes would bring.
    assert plan.question("right", 1, 3).picture == plan.set_step("right", 2).picture
    grinder = build_plan(catalog.tool("meat-grinder"), None, "left", PlanOptions())
    first_set = next(s for s in grinder.steps if s.kind is StepKind.SET)
    assert first_set.picture.caption.startswith("Schematic")


def test_base_sets_use_the_tools_breaths_unless_the_user_chose(catalog: Catalog) -> None:
    tool = replace(catalog.tool("ql-claw"), default_breaths=20)
    untouched = build_plan(tool, None, "left", PlanOptions(breaths=DEFAULT_BREATHS))
    sets = [s for s in untouched.steps if s.kind is StepKind.SET]
    assert sets and all(s.breaths == 20 for s in sets)
    assert untouched.options.breaths == 20  # what a back-off rebuilds its set with
    chosen = build_plan(tool, None, "left", PlanOptions(breaths=8))
    assert all(s.breaths == 8 for s in chosen.steps if s.kind is StepKind.SET)


# -- units ---------------------------------------------------------------------


@settings(deadline=None)
@given(st.floats(min_value=0.5, max_value=60, allow_nan=False))
def test_a_floor_is_never_shown_smaller_in_inches(cm: float) -> None:
    cm = round(cm, 1)
    shown = render_distances(f"keep at least {{cm:{cm:g}}} away", "in")
    number = float(SHOWN_FLOOR.search(shown).group(1))  # type: ignore[union-attr]
    assert number * CM_PER_INCH >= cm
    assert number * CM_PER_INCH - cm < CM_PER_INCH / 2 + 1e-9  # rounded up by at most a step


def test_units_round_floors_up_and_ranges_sensibly() -> None:
    assert render_distances("at least {cm:5}", "in") == "at least 2 in"
    assert render_distances("at least {cm:3}", "in") == "at least 1.5 in"
    assert render_distances("At least {cm:5}", "cm") == "At least 5 cm"
    assert render_distances("about {cm:3}", "in") == "about 1 in"  # not a floor
    assert render_distances("{cm:2.5-7.5} higher", "in") == "1–3 in higher"
    assert render_distances("and {cm:2-3} down", "in") == "and about 1 in down"
    assert render_distances("about {cm:2-3} down", "in") == "about 1 in down"
    assert render_distances("and {cm:2-3} down", "cm") == "and 2–3 cm down"
    assert format_distance(5, None, "in", floor=True) == "2 in"
    assert format_distance(5.1, None, "in", floor=True) == "2.5 in"
    assert floor_distances("at least {cm:5} and {cm:9}") == [(5.0, None)]


# -- floors in any tool's text -------------------------------------------------


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("Keep it at least {cm:2} from your navel.", "too close"),
        ("Keep it at least {cm:3} to {cm:5} out from your navel.", "one number"),
        ("Keep it at least {cm:3-5} out from your navel.", "one number"),
        ("Keep it at least 2 cm from your navel.", "as a marker"),
        ("Keep it at least 3 inches from the belly button.", "as a marker"),
    ],
)
def test_unsafe_or_vague_floors_are_found(text: str, problem: str) -> None:
    found = floor_problem(text)
    assert found is not None and problem in found, found


@pytest.mark.parametrize(
    "text",
    [
        "Keep its nearest edge at least {cm:5} from your navel.",
        "Keep it at least {cm:7} from your navel.",
        "Raise it {cm:2.5-7.5} on a book.",
        "Lie down. Keep your feet at least {cm:2} apart.",  # a floor, but not near the navel
    ],
)
def test_safe_floors_pass(text: str) -> None:
    assert floor_problem(text) is None


CUSTOM = """
id = "my-roller"
name = "My roller"
summary = "A small roller."
targets = ["psoas"]
default_breaths = 12
release_sign = "It gives."
ease_off = "Lift a little."
cautions = ["Move away from a pulse."]

[cue]
inhale = "In"
exhale = "Out"

[[positions]]
id = "prone"
name = "Face down"
pose = "prone"
diagram = "roller.svg"
steps = ["Put it at least {cm:5} from your navel, then lie on it."]
"""


def custom_folder(tmp_path: Path, text: str) -> Path:
    folder = tmp_path / "tools"
    folder.mkdir()
    (folder / "roller.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'/>")
    (folder / "my-roller.toml").write_text(text)
    return folder


def test_a_custom_tool_too_close_to_the_navel_is_reported(tmp_path: Path) -> None:
    bad = CUSTOM.replace("at least {cm:5}", "at least {cm:2}")
    catalog = load_catalog(user_tools=custom_folder(tmp_path, bad))
    assert "my-roller" not in catalog.tools
    (error,) = catalog.errors
    assert "my-roller.toml" in str(error) and "positions[0].steps[0]" in str(error)
    assert "too close" in str(error)


def test_a_custom_tool_with_a_raw_brace_is_reported(tmp_path: Path) -> None:
    folder = custom_folder(tmp_path, CUSTOM.replace("then lie", "{then lie"))
    with pytest.raises(CatalogError, match="expected distance markers"):
        parse_tool((folder / "my-roller.toml").read_bytes(), "my-roller.toml", [folder])


def test_a_good_custom_tool_gets_the_generic_pose_and_its_own_pictures(tmp_path: Path) -> None:
    folder = custom_folder(tmp_path, CUSTOM)
    catalog = load_catalog(user_tools=folder)
    tool = catalog.tool("my-roller")
    assert tool.custom
    pose = tool.positions[0].pose_diagram
    assert pose is not None and pose.name == "pose-prone.svg"
    (folder / "lying.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'/>")
    own = CUSTOM.replace('pose = "prone"', 'pose = "prone"\npose_diagram = "lying.svg"')
    tool = parse_tool(own.encode(), "my-roller.toml", [folder, builtin_root() / "diagrams"])
    assert tool.positions[0].pose_diagram == folder / "lying.svg"
    missing = CUSTOM.replace('pose = "prone"', 'pose = "prone"\npose_diagram = "nope.svg"')
    with pytest.raises(CatalogError, match=re.escape("pose_diagram': diagram 'nope.svg' not")):
        parse_tool(missing.encode(), "my-roller.toml", [folder])


def test_standard_cautions_hold_the_same_floor() -> None:
    text = " ".join(STANDARD_CAUTIONS)
    assert floor_distances(text) == [(NAVEL_FLOOR_CM, None)]
    assert "pulse" in text and "nearest edge" in text and "7 out of 10" in text


# -- safety ----------------------------------------------------------------------


def test_the_builtin_safety_copy_matches_the_file(catalog: Catalog) -> None:
    assert catalog.safety == BUILTIN_SAFETY


def test_a_broken_safety_file_falls_back_to_the_builtin_copy(tmp_path: Path) -> None:
    root = tmp_path / "assets"
    shutil.copytree(str(builtin_root()), root, ignore=shutil.ignore_patterns("__pycache__"))
    (root / "catalog" / "safety.toml").write_text("intro = = broken")
    catalog = load_catalog(root)
    assert catalog.safety == BUILTIN_SAFETY
    (error,) = catalog.errors
    assert "safety.toml" in str(error) and "built-in safety text" in str(error)
    (root / "catalog" / "safety.toml").unlink()
    catalog = load_catalog(root)
    assert catalog.safety == BUILTIN_SAFETY
    assert any("safety.toml" in str(e) for e in catalog.errors)


def test_the_notice_covers_what_a_physiotherapist_would_ask() -> None:
    text = " ".join(t for _, t in safety_texts(BUILTIN_SAFETY)).lower()
    for needed in (
        "tumour",
        "blood clot",
        "kidney disease",
        "osteoporosis",
        "bruising or soreness lasts more than a day or two",
        "use less pressure",
        "nauseous",
        "aneurysm",
        "blood thinners",
        "pregnant",
    ):
        assert needed in text, needed
    assert "you feel sick." not in text


def test_safety_file_parses_alone() -> None:
    raw = (builtin_root() / "catalog" / "safety.toml").read_bytes()
    document = parse_document(raw, "safety.toml")
    assert isinstance(document, dict) and set(document) == {f.name for f in fields(Safety)}


def test_every_diagram_the_catalog_names_exists(catalog: Catalog) -> None:
    named: list[Traversable] = []
    for tool in catalog.tools.values():
        for position in tool.positions:
            named += [position.diagram]
            named += [d for d in (position.pose_diagram, position.locate_diagram) if d]
            named += [v.diagram for v in position.variants if v.diagram]
    named += [s.diagram for s in catalog.stretches.values() if s.diagram]
    assert all(item.is_file() for item in named)
    assert len({item.name for item in named}) >= 11 + 1 + 4 + 8
