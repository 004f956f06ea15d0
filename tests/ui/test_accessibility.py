"""Screen readers and low vision: accessible names, live announcements, colour contrast."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAccessible, QAccessibleAnnouncementEvent, QAccessibleEvent
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractScrollArea,
    QAbstractSlider,
    QAbstractSpinBox,
    QComboBox,
    QMenuBar,
    QScrollBar,
    QWidget,
)
from pytestqt.qtbot import QtBot

from psoas_timer.core.catalog import Catalog
from psoas_timer.core.clock import FakeClock
from psoas_timer.core.plan import StepKind
from psoas_timer.ui.dialogs.keys import KeysDialog
from psoas_timer.ui.dialogs.safety import SafetyDialog
from psoas_timer.ui.dialogs.settings import SettingsDialog
from psoas_timer.ui.main_window import MainWindow
from psoas_timer.ui.session.session_page import SessionPage
from psoas_timer.ui.theme import (
    DARK,
    DIAGRAM_INK,
    DIAGRAM_PAPER,
    FLOOR,
    LIGHT,
    MARKS,
    RING_FILL_ALPHA,
    Colours,
    blend,
    contrast_ratio,
)
from psoas_timer.ui.widgets.diagram import DiagramView
from psoas_timer.ui.widgets.rating import RatingPanel
from psoas_timer.ui.widgets.ring import PacingRing
from tests.helpers import QUICK_SETTINGS
from tests.qt_helpers import run_until, start_session

# -- accessible names ----------------------------------------------------------

# Widgets a person can see and act on even though they take no keyboard focus.
INTERACTIVE = (QAbstractButton, QAbstractSpinBox, QAbstractSlider, QComboBox)
# Custom widgets that carry information only in pixels: each needs a name.
PICTURES = (PacingRing, DiagramView, RatingPanel)


def accessible_name(widget: QWidget) -> str:
    """The name a screen reader is given (for a button, its text unless named)."""
    interface = QAccessible.queryAccessibleInterface(widget)
    assert interface is not None, f"{type(widget).__name__} has no accessible interface"
    return str(interface.text(QAccessible.Text.Name)).strip()


def is_part_of_another(widget: QWidget, root: QWidget) -> bool:
    """Qt's own pieces of a composite control: the editor inside a spin box, a combo
    box's popup list, a scroll area's bars, the menu bar's overflow button. A
    screen reader announces the composite, which is checked in their place."""
    parent = widget.parentWidget()
    while parent is not None:
        if isinstance(parent, QAbstractSpinBox | QComboBox | QMenuBar):
            return True
        if parent is root:
            break
        parent = parent.parentWidget()
    if isinstance(widget, QScrollBar):
        holder = widget.parentWidget()
        area = holder.parentWidget() if holder is not None else None
        return isinstance(area, QAbstractScrollArea)
    return False


def needs_a_name(widget: QWidget) -> bool:
    return widget.focusPolicy() != Qt.FocusPolicy.NoFocus or isinstance(
        widget, (*INTERACTIVE, *PICTURES)
    )


def unnamed(root: QWidget) -> list[str]:
    missing = []
    for widget in [root, *root.findChildren(QWidget)]:
        if is_part_of_another(widget, root) or not needs_a_name(widget):
            continue
        if not accessible_name(widget):
            label = widget.objectName() or getattr(widget, "text", lambda: "")()
            missing.append(f"{type(widget).__name__} {label!r}")
    return missing


@pytest.fixture
def window_in_a_session(
    qtbot: QtBot, make_window: Callable[..., MainWindow]
) -> Iterator[MainWindow]:
    window = make_window(FakeClock())
    window.show()
    assert window.show_tool("ql-claw")
    yield window


def test_every_control_of_the_pages_has_an_accessible_name(
    qtbot: QtBot, window_in_a_session: MainWindow
) -> None:
    window = window_in_a_session
    checked = {type(w) for w in window.findChildren(QWidget) if needs_a_name(w)}
    assert unnamed(window) == []
    # The session page with its ring (made when first wanted), and again with the
    # rating panel up.
    qtbot.mouseClick(window.placement.start, Qt.MouseButton.LeftButton)
    page = window.session
    assert page.engine is not None
    checked |= {type(w) for w in window.findChildren(QWidget) if needs_a_name(w)}
    assert unnamed(window) == []
    page.next_step()
    assert page.engine.step.kind is StepKind.RATING
    assert page.centre.currentWidget() is page.rating
    assert unnamed(window) == []
    # Make sure the walk really met the kinds of control it is meant to check.
    from psoas_timer.ui.picker.picker_page import ToolCard

    for kind in (ToolCard, PacingRing, DiagramView, RatingPanel, QComboBox, SessionPage):
        assert any(issubclass(found, kind) for found in checked), kind
    page.engine.end()


def test_pictures_and_rating_buttons_say_what_they_show(
    window_in_a_session: MainWindow,
) -> None:
    window = window_in_a_session
    page = window.session
    assert accessible_name(page.ring) == "Breath pacing ring"
    assert accessible_name(page.diagram) == "Placement diagram"
    assert accessible_name(window.placement.pose) == "Body position"
    names = [accessible_name(button) for button in page.rating.buttons]
    assert names[0] == "Rate 0, none (key 0)"
    assert names[10] == "Rate 10, severe (key T)"
    assert len(set(names)) == 11
    for card in window.picker.cards.values():
        assert card.tool.name in accessible_name(card)


def test_every_control_of_the_dialogs_has_an_accessible_name(
    qtbot: QtBot, catalog: Catalog, make_window: Callable[..., MainWindow]
) -> None:
    assert catalog.safety is not None
    dialogs: list[QWidget] = [
        SettingsDialog(QUICK_SETTINGS),
        SafetyDialog(catalog.safety, first_run=True),
        SafetyDialog(catalog.safety, first_run=False),
        KeysDialog(make_window().commands),
        RatingPanel(),
    ]
    for dialog in dialogs:
        qtbot.addWidget(dialog)
        assert unnamed(dialog) == [], type(dialog).__name__
    settings = dialogs[0]
    assert isinstance(settings, SettingsDialog)
    assert accessible_name(settings.inhale) == "Breathe in"
    assert accessible_name(settings.volume) == "Volume"
    assert accessible_name(settings.ring) == "Preview of the breath pattern"
    assert accessible_name(settings.stretches) == "Guide the stretches after the sets"


def test_a_label_names_the_combo_box_beside_it(window_in_a_session: MainWindow) -> None:
    # On Linux a combo box's accessible name is its current item; the label that
    # says what it is for reaches the screen reader as a "labelled by" relation.
    box = window_in_a_session.placement.position_box
    interface = QAccessible.queryAccessibleInterface(box)
    labels = [
        related.text(QAccessible.Text.Name)
        for related, _relation in interface.relations(QAccessible.RelationFlag.Label)
    ]
    assert any("Position" in label for label in labels), labels


# -- live announcements --------------------------------------------------------


class Announcements:
    """Records what the session page posts to assistive technology."""

    def __init__(self, page: SessionPage, monkeypatch: pytest.MonkeyPatch) -> None:
        self.page = page
        self.events: list[tuple[QAccessible.Event, str, bool]] = []
        original = page.post_accessibility_event

        def record(event: QAccessibleEvent) -> None:
            text = event.message() if isinstance(event, QAccessibleAnnouncementEvent) else ""
            assertive = (
                isinstance(event, QAccessibleAnnouncementEvent)
                and event.politeness() == QAccessible.AnnouncementPoliteness.Assertive
            )
            assert event.object() is page.live
            self.events.append((event.type(), text, assertive))
            original(event)

        monkeypatch.setattr(page, "post_accessibility_event", record)

    def texts(self) -> list[str]:
        return [text for _type, text, _assertive in self.events]

    def take(self) -> list[str]:
        texts = self.texts()
        self.events.clear()
        return texts


def live_name(page: SessionPage) -> str:
    return accessible_name(page.live)


@pytest.fixture(autouse=True)
def quit_without_asking(monkeypatch: pytest.MonkeyPatch) -> None:
    """A test that fails mid-session leaves the session running; pytest-qt closes the
    window before any fixture can end it, and "quit anyway?" would wait forever."""
    monkeypatch.setattr("psoas_timer.ui.prompts.confirm", lambda *args, **kwargs: True)


def test_phase_step_side_and_rating_changes_reach_a_screen_reader(
    qtbot: QtBot, make_window: Callable[..., MainWindow], monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = FakeClock()
    window = make_window(clock)
    window.show()
    page = window.session
    heard = Announcements(page, monkeypatch)
    start_session(window, "ql-claw", "both")
    engine = page.engine
    assert engine is not None

    first = heard.take()
    assert first == [engine.plan.steps[0].words.spoken]
    assert first[0].startswith("Left side. Set the tool on the spot you found on your left side")
    assert live_name(page) == first[0]
    assert all(kind == QAccessible.Event.Announcement for kind, _, _ in heard.events)

    run_until(window, clock, StepKind.RATING)
    assert heard.events[-1][2], "a rating question interrupts: it is assertive"
    assert heard.take() == ["Left side. Rate the tenderness before the sets, zero to ten."]

    page.rate(6)
    set_start = clock.now()
    assert heard.take() == ["Base set. Breathe in.", "Inhale, breath 1 of 5"]
    # Frames between phase changes post nothing (4 s in, 6 s out).
    for frame in range(1, 120):
        clock.set(set_start + frame / 30)
        page.refresh()
    assert heard.take() == []
    clock.set(set_start + 4.0)  # the exhale begins
    page.refresh()
    page.refresh()
    assert heard.take() == ["Exhale, breath 1 of 5"]
    assert live_name(page) == "Exhale, breath 1 of 5"
    assert page.ring.accessibleDescription() == "Exhale, breath 1 of 5"
    clock.set(set_start + 10.0)
    page.refresh()
    assert heard.take() == ["Inhale, breath 2 of 5"]

    # Skip ahead to the second side: the switch is announced and names the side.
    while engine.step.kind is not StepKind.SWITCH_SIDE:
        if engine.step.kind is StepKind.QUESTION:
            page.back_off()  # come off the tool
        else:
            page.next_step()
    said = heard.take()
    assert said[-1].startswith("Switch sides: right side next.")
    assert heard.events == []
    assert live_name(page) == said[-1]
    engine.end()
    assert heard.take() == ["Session ended. Everything you did is saved."]


def test_pausing_does_not_repeat_the_phase(
    qtbot: QtBot, make_window: Callable[..., MainWindow], monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = FakeClock()
    window = make_window(clock)
    page = window.session
    heard = Announcements(page, monkeypatch)
    start_session(window, "ql-claw", "left")
    page.next_step()
    page.rate(2)
    clock.advance(1)
    page.refresh()
    heard.take()
    page.toggle_pause()
    clock.advance(30)
    page.refresh()
    page.toggle_pause()
    page.refresh()
    assert heard.take() == ["Paused"]
    assert page.engine is not None
    page.engine.end()


# -- colour contrast -----------------------------------------------------------

THEMES = {"light": LIGHT, "dark": DARK, "floor": FLOOR}
TEXT = 4.5  # WCAG 2.x AA, normal text
LARGE = 3.0  # large text (24 px, or 18.7 px bold) and graphical objects


def text_pairs(c: Colours) -> list[tuple[str, str, str, float]]:
    """Every foreground the app draws with its background and the ratio it needs."""
    pairs = [
        ("text on window", c.text, c.window, TEXT),
        ("text on card", c.text, c.card, TEXT),
        # Hints, the "Then:" line, placeholders: small, so held to 4.5:1 as well.
        ("muted on window", c.muted, c.window, TEXT),
        ("muted on card", c.muted, c.card, TEXT),
        ("warning on window", c.warning, c.window, TEXT),
        ("warning on card", c.warning, c.card, TEXT),
        ("link on window", c.accent, c.window, TEXT),
        ("link on card", c.accent, c.card, TEXT),
        ("selected text", c.window, c.accent, TEXT),
        # Button outlines on the session page identify the controls.
        ("button border on window", c.muted, c.window, LARGE),
    ]
    for name in ("inhale", "exhale", "hold", "accent"):
        colour = getattr(c, name)
        pairs.append((f"{name} ring on window", colour, c.window, LARGE))
        # The phase word and count are drawn over the tinted disc.
        tinted = blend(colour, c.window, RING_FILL_ALPHA)
        pairs.append((f"text on the {name} disc", c.text, tinted, TEXT))
    pairs.append(("ring track on window", c.track, c.window, LARGE))
    return pairs


@pytest.mark.parametrize("theme", THEMES)
def test_every_colour_pair_meets_wcag_aa(theme: str) -> None:
    failures = [
        f"{name}: {contrast_ratio(fore, back):.2f} < {needed}"
        for name, fore, back, needed in text_pairs(THEMES[theme])
        if contrast_ratio(fore, back) < needed
    ]
    assert failures == []


def test_the_diagram_key_reads_on_its_paper() -> None:
    assert contrast_ratio(DIAGRAM_INK, DIAGRAM_PAPER) >= TEXT
    # Each glyph in the key is a graphical object naming a mark in the picture.
    for name, mark in MARKS.items():
        assert contrast_ratio(mark.colour, DIAGRAM_PAPER) >= LARGE, name


def test_contrast_ratio_matches_the_wcag_formula() -> None:
    assert contrast_ratio("#000000", "#FFFFFF") == pytest.approx(21.0)
    assert contrast_ratio("#FFFFFF", "#FFFFFF") == pytest.approx(1.0)
    assert contrast_ratio("#777777", "#FFFFFF") == pytest.approx(4.48, abs=0.01)
    assert blend("#000000", "#FFFFFF", 0.5).lower() in ("#7f7f7f", "#808080")


def test_no_hard_coded_colour_ignores_the_theme() -> None:
    # Colours written into rich text bypass the palette: the only ones allowed are
    # the diagram key's, which sits on the diagrams' own light paper.
    import re
    from pathlib import Path

    from psoas_timer import ui

    allowed = {
        DIAGRAM_PAPER.lower(),
        DIAGRAM_INK.lower(),
        *(m.colour.lower() for m in MARKS.values()),
    }
    for source in Path(ui.__file__).parent.rglob("*.py"):
        if source.name == "theme.py":
            continue
        for found in re.findall(r"color:\s*(#[0-9A-Fa-f]{6})", source.read_text("utf-8")):
            assert found.lower() in allowed, f"{source.name}: {found}"


@pytest.mark.parametrize("size", [(800, 560), (1200, 760), (1920, 1080)])
def test_every_rating_number_fits_its_button(
    qtbot: QtBot, window_in_a_session: MainWindow, size: tuple[int, int]
) -> None:
    from PySide6.QtGui import QFontMetrics

    window = window_in_a_session
    window.resize(*size)
    qtbot.mouseClick(window.placement.start, Qt.MouseButton.LeftButton)
    page = window.session
    page.next_step()
    assert page.centre.currentWidget() is page.rating
    qtbot.waitUntil(lambda: page.rating.buttons[10].width() > 0)
    for button in page.rating.buttons:
        text = QFontMetrics(button.font()).horizontalAdvance(button.text())
        assert text <= button.contentsRect().width() - 12, (button.text(), size)
    assert page.engine is not None
    page.engine.end()
