"""What the placement and session pages show of the catalog, and that safety is never skipped."""

from __future__ import annotations

from collections.abc import Callable
from importlib.abc import Traversable
from pathlib import Path

import pytest
from PySide6.QtCore import QSize, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QLabel
from pytestqt.qtbot import QtBot

from psoas_timer import paths
from psoas_timer.core.catalog import Catalog, load_catalog
from psoas_timer.core.clock import Clocks, FakeClock
from psoas_timer.core.plan import StepKind
from psoas_timer.core.safety import BUILTIN_SAFETY, STANDARD_CAUTIONS
from psoas_timer.core.units import render_distances
from psoas_timer.store import Store
from psoas_timer.store.saving import UnavailableStore
from psoas_timer.ui.dialogs.safety import SafetyDialog
from psoas_timer.ui.main_window import MainWindow
from psoas_timer.ui.picker.placement_page import PlacementPage
from psoas_timer.ui.widgets.diagram import DiagramView, render_pixmap
from tests.helpers import QUICK_SETTINGS
from tests.qt_helpers import start_session
from tests.ui.test_diagrams import inked_share


def new_pictures() -> list[Traversable]:
    catalog = load_catalog()
    found: dict[str, Traversable] = {}
    for tool in catalog.tools.values():
        for position in tool.positions:
            for item in (position.pose_diagram, position.locate_diagram):
                if item is not None:
                    found[item.name] = item
    for stretch in catalog.stretches.values():
        if stretch.diagram is not None:
            found[stretch.diagram.name] = stretch.diagram
    return [found[name] for name in sorted(found)]


@pytest.mark.parametrize("source", new_pictures(), ids=lambda s: s.name)
def test_pose_and_stretch_pictures_render(qapp: QApplication, source: Traversable) -> None:
    for width in (200, 800):
        image = render_pixmap(source, QSize(width, width // 2)).toImage()
        assert 0.02 < inked_share(image) < 0.95


def page_text(page: PlacementPage) -> str:
    return " ".join(label.text() for label in page.findChildren(QLabel))


@pytest.mark.parametrize("units", ["cm", "in"])
def test_placement_page_shows_everything_the_position_needs(
    qtbot: QtBot, catalog: Catalog, units: str
) -> None:
    page = PlacementPage()
    qtbot.addWidget(page)
    for tool in catalog.tools.values():
        page.show_tool(tool, "both", units, catalog.stretches)  # type: ignore[arg-type]
        for index, position in enumerate(tool.positions):
            page.position_box.setCurrentIndex(index)
            assert page.position is position
            text = page_text(page)
            assert "{" not in text and "}" not in text, (tool.id, position.id)
            assert page.pose.source is position.pose_diagram
            assert page.locate.source is position.locate_diagram
            assert page.locate.isVisibleTo(page) == (position.locate_diagram is not None)
            for variant in position.variants:
                shown = render_distances(variant.instruction, units)  # type: ignore[arg-type]
                assert shown.replace("'", "&#x27;") in page.steps.text(), variant.name
            if position.target:
                assert f"<b>Target:</b> {position.target}" in page.steps.text()
            else:
                assert "<b>Target:</b> psoas" in page.steps.text()
            assert "15 to 20" in page.steps.text()
            caption = position.diagram_caption
            assert page.caption.isVisibleTo(page) == bool(caption)
            if caption:
                assert page.caption.text() == caption
        rows = [w for w in page.findChildren(QLabel) if w.text().startswith("<b>")]
        for stretch_id in tool.stretches:
            stretch = catalog.stretches[stretch_id]
            row = next(r for r in rows if r.text().startswith(f"<b>{stretch.name}</b>"))
            assert stretch.caution.replace("'", "&#x27;") in row.text()
        assert page.stretch_heading.isVisibleTo(page) == bool(tool.stretches)
    massage = catalog.tool("massage-ball")
    page.show_tool(massage, "both", "cm", catalog.stretches)
    assert page.locate.source is massage.positions[0].locate_diagram
    assert page.locate.isVisibleTo(page)


def test_placement_page_lists_each_stretch_once_with_its_picture(
    qtbot: QtBot, catalog: Catalog
) -> None:
    page = PlacementPage()
    qtbot.addWidget(page)
    tool = catalog.tool("littlemum-shoulder")
    page.show_tool(catalog.tool("ql-claw"), "both", "cm", catalog.stretches)
    page.show_tool(tool, "both", "cm", catalog.stretches)
    qtbot.waitUntil(lambda: page.stretch_list.count() == len(tool.stretches))
    pictures = [
        page.stretch_list.itemAt(i).widget().findChild(DiagramView)  # type: ignore[union-attr]
        for i in range(page.stretch_list.count())
    ]
    assert all(p is not None for p in pictures)
    wanted = [catalog.stretches[s].diagram for s in tool.stretches]
    assert [p.source for p in pictures if p is not None] == wanted


def test_a_custom_tool_gets_the_standard_cautions_and_stop_line(
    qtbot: QtBot, tmp_path: Path, catalog: Catalog, private_paths: paths.Paths
) -> None:
    folder = tmp_path / "tools"
    folder.mkdir()
    (folder / "pic.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'/>")
    (folder / "roller.toml").write_text(
        "\n".join(
            [
                'id = "roller"',
                'name = "Roller"',
                'summary = "A roller."',
                'targets = ["psoas"]',
                "default_breaths = 15",
                'release_sign = "It gives."',
                'ease_off = "Lift."',
                'cautions = ["Go slowly."]',
                "[cue]",
                'inhale = "In"',
                'exhale = "Out"',
                "[[positions]]",
                'id = "prone"',
                'name = "Face down"',
                'pose = "prone"',
                'diagram = "pic.svg"',
                'steps = ["Lie on it."]',
            ]
        )
    )
    mine = load_catalog(user_tools=folder)
    assert mine.errors == []
    page = PlacementPage()
    qtbot.addWidget(page)
    page.show_tool(mine.tool("roller"), "left", "in", mine.stretches)
    shown = page.cautions.text()
    for caution in STANDARD_CAUTIONS:
        assert render_distances(caution, "in").replace("'", "&#x27;") in shown
    assert "at least 2 in from your navel" in shown and "Go slowly." in shown
    page.show_tool(catalog.tool("ql-claw"), "left", "in", catalog.stretches)
    assert "For every tool" not in page.cautions.text()

    # Its sessions carry the same stop line as every other tool's.
    private_paths.ensure()
    window = MainWindow(
        mine,
        QUICK_SETTINGS,
        private_paths,
        Clocks.following(FakeClock()),
        UnavailableStore("No log in this test."),
    )
    qtbot.addWidget(window)
    try:
        window.show()
        start_session(window, "roller", "left")
        assert window.session.engine is not None
        assert window.session.safety.text() == f"⚠ {mine.safety.during_set}"
        assert window.session.safety.isVisibleTo(window.session)
    finally:
        if window.session.engine is not None:
            window.session.engine.end()
        window.shutdown()
        window.close()


def test_a_stretch_step_shows_the_stretch_not_the_tool(
    qtbot: QtBot, make_window: Callable[..., MainWindow]
) -> None:
    window = make_window(FakeClock(), QUICK_SETTINGS.with_changes(stretches=True))
    window.show()
    start_session(window, "ql-claw", "left")
    page = window.session
    engine = page.engine
    assert engine is not None
    assert page.safety.isVisibleTo(page)
    seen_lead = False
    while engine.step.kind is not StepKind.STRETCH:
        step = engine.step
        if step.stretch is not None:
            seen_lead = True
            assert page.diagram.source is step.stretch.diagram
        elif step.kind in (StepKind.SET, StepKind.COUNTDOWN):
            assert page.diagram.source is not None
            assert not page.diagram.source.name.startswith("stretch-")
        # Enter goes on; at "More pressure?" the left arrow comes off the tool.
        key = Qt.Key.Key_Left if step.kind is StepKind.QUESTION else Qt.Key.Key_Return
        QTest.keyClick(page, key)
    assert seen_lead
    stretch = engine.step.stretch
    assert stretch is not None and stretch.diagram is not None
    assert page.diagram.source is stretch.diagram and page.diagram.isVisibleTo(page)
    assert not page.diagram.mirrored
    assert stretch.caution in page.instruction.text()
    assert not page.safety.isVisibleTo(page)
    assert "tool" not in page.instruction.text().lower()


def test_the_variant_caption_shows_under_its_picture(
    qtbot: QtBot, make_window: Callable[..., MainWindow]
) -> None:
    window = make_window(FakeClock())
    window.show()
    start_session(window, "ql-claw", "left")
    page = window.session
    engine = page.engine
    assert engine is not None
    while not (engine.step.kind is StepKind.SET and engine.step.level == 2):
        QTest.keyClick(page, Qt.Key.Key_Return)
    assert page.diagram_caption.text() == "Seen from above, head at the top"
    assert page.diagram_caption.isVisibleTo(page)
    QTest.keyClick(page, Qt.Key.Key_Return)
    assert not page.diagram_caption.isVisibleTo(page)


@pytest.fixture
def broken_safety_catalog(tmp_path: Path) -> Catalog:
    import shutil

    from psoas_timer.core.catalog import builtin_root

    root = tmp_path / "assets"
    shutil.copytree(str(builtin_root()), root, ignore=shutil.ignore_patterns("__pycache__"))
    (root / "catalog" / "safety.toml").write_text("not = = toml")
    loaded = load_catalog(root)
    assert loaded.safety == BUILTIN_SAFETY and len(loaded.errors) == 1
    return loaded


@pytest.mark.parametrize("answer", [False, True])
def test_no_session_starts_before_the_notice_is_acknowledged(
    qtbot: QtBot,
    monkeypatch: pytest.MonkeyPatch,
    private_paths: paths.Paths,
    broken_safety_catalog: Catalog,
    answer: bool,
) -> None:
    shown: list[str] = []

    def exec_(dialog: SafetyDialog) -> int:
        shown.append(dialog.windowTitle())
        code = SafetyDialog.DialogCode.Accepted if answer else SafetyDialog.DialogCode.Rejected
        return int(code.value)

    monkeypatch.setattr(SafetyDialog, "exec", exec_)
    private_paths.ensure()
    store = Store.open(private_paths.database)
    settings = QUICK_SETTINGS.with_changes(safety_acknowledged=False)
    window = MainWindow(
        broken_safety_catalog, settings, private_paths, Clocks.following(FakeClock()), store
    )
    qtbot.addWidget(window)
    try:
        window.show()
        assert BUILTIN_SAFETY.during_set in window.session.safety.text()
        start_session(window, "hands", "left")
        assert shown == ["Before you start: safety"]
        started = window.session.engine is not None
        assert started == answer
        assert window.settings.safety_acknowledged == answer
        assert (window.stack.currentWidget() is window.session) == answer
    finally:
        if window.session.engine is not None:
            window.session.engine.end()
        window.shutdown()
        window.close()
        store.close()
