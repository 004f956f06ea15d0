"""A half-year log, three sessions a week with two tools: the page answers by its data.

The expected values are worked out here from what the log builder wrote, not
by calling the code under test.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from itertools import pairwise
from pathlib import Path
from statistics import fmean, median

import numpy as np
import pyqtgraph as pg
import pytest
from PySide6.QtWidgets import QGraphicsView
from pytestqt.qtbot import QtBot

from psoas_timer.core.clock import Clocks, FakeClock
from psoas_timer.core.progress import DatedEvent, DateRange
from psoas_timer.core.vocab import SIDE_VALUES, Side
from psoas_timer.services.saving import SaveService
from psoas_timer.store import Store
from psoas_timer.store.records import StopRow
from psoas_timer.ui.progress.charts import ProgressCharts
from psoas_timer.ui.progress.compare_view import VALUE_ROLE
from psoas_timer.ui.progress.plots import PlainAxis, PlainDateAxis, WholeNumberAxis, day_x
from tests.helpers import SampleSession, write_sample_log

TODAY = date(2024, 6, 30)
NAMES = {"ql-claw": "QL Claw (ramp end)", "massage-ball": "Massage ball"}
POSITIONS = {
    ("ql-claw", "prone"): "Face down on the floor",
    ("massage-ball", "sphinx"): "Sphinx, propped on forearms",
}


@pytest.fixture
def logged(tmp_path: Path) -> Iterator[tuple[Store, list[SampleSession]]]:
    store = Store.open(tmp_path / "log.sqlite3")
    made = write_sample_log(store, TODAY - timedelta(days=1))
    yield store, made
    store.close()


@pytest.fixture
def page(qtbot: QtBot, logged: tuple[Store, list[SampleSession]]) -> ProgressCharts:
    store, _ = logged
    clocks = at_noon(TODAY)
    charts = ProgressCharts(
        SaveService(store, clocks.wall), clocks, tool_names=NAMES, position_names=POSITIONS
    )
    qtbot.addWidget(charts)
    charts.resize(1200, 700)
    charts.reload()
    charts.range_box.setCurrentIndex(charts.range_box.findData(DateRange.LAST_365_DAYS))
    return charts


def at_noon(day: date) -> Clocks:
    """Clocks standing at local noon of ``day``: "today" is that day in any time zone."""
    return Clocks.following(FakeClock(), datetime(day.year, day.month, day.day, 12).astimezone())


def xy(item: pg.GraphicsObject) -> tuple[list[float], list[float]]:
    x, y = item.getData()
    return ([] if x is None else list(x)), ([] if y is None else list(y))


def test_the_sample_log_is_what_it_says(logged: tuple[Store, list[SampleSession]]) -> None:
    _, made = logged
    assert TODAY.weekday() == 6 and len(made) == 26 * 3  # 26 whole weeks up to yesterday
    assert {m.tool_id for m in made} == {"ql-claw", "massage-ball"}
    assert (made[-1].day - made[0].day).days > 170


def test_the_headline_names_each_side_in_plain_words(
    page: ProgressCharts, logged: tuple[Store, list[SampleSession]]
) -> None:
    _, made = logged
    verdicts: dict[Side, str] = {"left": "a meaningful improvement", "right": "no clear change"}
    for side, verdict in verdicts.items():
        befores = [m.before[side] for m in made]
        k = max(3, len(befores) // 4)
        first, last = fmean(befores[:k]), fmean(befores[-k:])
        weeks = round((made[-1].day - made[0].day).days / 7)
        text = page.headline.answers[side].text()
        assert f"{side.capitalize()}: starting tenderness {first:.1f} → {last:.1f}" in text
        assert f"over {weeks} weeks — {verdict}" in text


def test_drop_and_carry_over_are_charted_apart(
    page: ProgressCharts, logged: tuple[Store, list[SampleSession]]
) -> None:
    _, made = logged
    for side in SIDE_VALUES:
        (drop,) = page.series(f"carry-{side}", "drop")
        (carry,) = page.series(f"carry-{side}", "carry-over")
        assert xy(drop) == (
            list(day_x([m.day for m in made])),
            [float(m.before[side] - m.after[side]) for m in made],
        )
        # A session's carry-over sits on its own day and compares its after
        # rating with the next session's before rating.
        pairs = list(pairwise(made))
        assert xy(carry) == (
            list(day_x([m.day for m, _ in pairs])),
            [float(m.after[side] - n.before[side]) for m, n in pairs],
        )
        ids = [p.data() for p in carry.points()]
        assert ids == [m.session_id for m, _ in pairs]


def test_the_table_compares_the_tools(
    page: ProgressCharts, logged: tuple[Store, list[SampleSession]]
) -> None:
    _, made = logged
    page.show_tab("compare")
    model = page.compare.model
    rows = {
        model.data(model.index(r, 0)): [model.data(model.index(r, c)) for c in range(7)]
        for r in range(model.rowCount())
    }
    assert set(rows) == {"QL Claw (ramp end)", "Massage ball"}
    following = {id(m): n for m, n in pairwise(made)}
    for tool_id, name in NAMES.items():
        mine = [m for m in made if m.tool_id == tool_id]
        drops = [m.before[s] - m.after[s] for m in mine for s in SIDE_VALUES]
        carries = [
            m.after[s] - following[id(m)].before[s]
            for m in mine
            if id(m) in following
            for s in SIDE_VALUES
        ]
        checks = [m for m in mine if m.next_day is not None]
        worse = sum(m.next_day == "worse" for m in checks)
        row = rows[name]
        assert row[1] == POSITIONS[(tool_id, mine[0].position_id)]
        assert row[2] == str(len(mine))
        assert row[3] == f"{fmean(drops):.1f}"
        assert row[4] == f"{fmean(carries):+.1f}"
        assert row[6] == f"{worse} of {len(checks)}"
    # The ball eases more within a session, but its relief does not last.
    by_tool = {model.data(model.index(r, 0)): r for r in range(model.rowCount())}
    ball, claw = by_tool["Massage ball"], by_tool["QL Claw (ramp end)"]
    assert model.data(model.index(ball, 3), VALUE_ROLE) > model.data(
        model.index(claw, 3), VALUE_ROLE
    )
    assert model.data(model.index(ball, 4), VALUE_ROLE) < model.data(
        model.index(claw, 4), VALUE_ROLE
    )
    # The earliest release of each side, as the log builder marks them.
    releases: list[int] = []
    for n, m in enumerate(made):
        if m.tool_id != "ql-claw":
            continue
        levels = 2 if n >= len(made) // 2 else 1
        marked = [6 + (n + level) % 5 for level in range(levels) if (n + level) % 3]
        releases += [min(marked)] * 2 if marked else []
    assert rows["QL Claw (ramp end)"][5] == f"{median(releases):.1f}"
    assert page.compare.gap_text.text().startswith(("Left side", "Right side", "Both sides"))


def test_next_day_checks_are_marks_on_the_tenderness_chart(
    page: ProgressCharts, logged: tuple[Store, list[SampleSession]]
) -> None:
    _, made = logged
    checked = [m for m in made if m.next_day is not None]
    assert checked
    for side in SIDE_VALUES:
        layer = page.tenderness.sides[side].next_day
        assert layer.item is not None
        x, _ = layer.item.getData()
        assert list(x) == list(day_x([m.day for m in checked]))
        assert [e.kind for e in layer.events] == [m.next_day for m in checked]
        symbols = [spot.symbol() for spot in layer.item.points()]
        assert symbols == ["t" if m.next_day == "better" else "t1" for m in checked]
        assert "Worse, lasting soreness" in next(e.label for e in layer.events if e.kind == "worse")


def test_other_dated_events_get_their_own_marks(page: ProgressCharts) -> None:
    day = TODAY - timedelta(days=3)
    page.set_events([DatedEvent(day, "stop", "Set stopped: tingling", None, "left")])
    left, right = (page.tenderness.sides[s].events for s in SIDE_VALUES)
    assert left.item is not None and list(left.item.getData()[0]) == list(day_x([day]))
    assert right.item is None or len(right.item.getData()[0]) == 0


def test_the_dose_charts_and_the_levels(
    page: ProgressCharts, logged: tuple[Store, list[SampleSession]]
) -> None:
    _, made = logged
    page.show_tab("dose")
    (minutes,) = [i for i in page.series("minutes", "left") if isinstance(i, pg.ScatterPlotItem)]
    claw_late = len(made) // 2
    expected = [
        (5.0 if m.tool_id == "ql-claw" and n >= claw_late else 2.5) for n, m in enumerate(made)
    ]
    assert xy(minutes)[1] == expected
    (level,) = [i for i in page.series("level", "right") if isinstance(i, pg.ScatterPlotItem)]
    assert xy(level)[1] == [e / 2.5 - 1 for e in expected]
    text = page.dose.levels.text()
    assert "level 0:" in text and "level 1:" in text and "carry-over" in text
    for key in ("level", "release", "weeks"):
        assert isinstance(page.plots[key].getAxis("left"), WholeNumberAxis)


def test_stops_are_marked_on_their_side_with_why(
    qtbot: QtBot, logged: tuple[Store, list[SampleSession]]
) -> None:
    store, made = logged
    stopped = made[-2]
    at = datetime.combine(stopped.day, datetime.min.time(), UTC) + timedelta(hours=12)
    store.record_stop(stopped.session_id, StopRow(0, 0, 0, "left", 1, 6, "tingling", at))
    store.record_stop(stopped.session_id, StopRow(0, 0, 0, "left", 0, None, "pulse", at))
    clocks = at_noon(TODAY)
    charts = ProgressCharts(SaveService(store, clocks.wall), clocks, tool_names=NAMES)
    qtbot.addWidget(charts)
    charts.reload()
    left = charts.tenderness.sides["left"].events.events
    assert [(e.day, e.kind, e.session_id) for e in left] == [
        (stopped.day, "stop", stopped.session_id)
    ]
    assert left[0].label.endswith(": tingling or numbness; a pulse under the tool")
    assert charts.tenderness.sides["right"].events.events == []
    charts.side_box.setCurrentIndex(charts.side_box.findData("right"))
    assert charts.tenderness.sides["right"].events.events == []


def test_count_axes_tick_only_whole_numbers() -> None:
    axis = WholeNumberAxis("left")
    for low, high, size in ((0, 1.5, 300), (0, 3.5, 200), (0, 40, 300), (-0.5, 2.5, 600)):
        for spacing, _offset in axis.tickSpacing(low, high, size):
            assert spacing >= 1 and spacing == int(spacing)
        assert axis.tickStrings([0.0, 1.0, 2.0], 1, 1) == ["0", "1", "2"]


@pytest.mark.parametrize("date_axis", [False, True])
def test_axis_labels_follow_their_text_and_never_take_a_unit_prefix(
    qtbot: QtBot, date_axis: bool
) -> None:
    del qtbot  # a QApplication for the graphics items
    axis = PlainDateAxis() if date_axis else PlainAxis("left")
    plain = pg.AxisItem("left")
    for each in (axis, plain):
        each.setLabel("Load", units="g")
        each.setRange(0, 5_000_000)
    assert "Mg" in plain.label.toPlainText()  # pyqtgraph's own axis would rescale
    assert axis.label.toPlainText().strip() == "Load (g)"
    axis.setLabel("Points")
    assert axis.label.toPlainText().strip() == "Points"


def test_every_chart_axis_is_a_plain_one(page: ProgressCharts) -> None:
    for key, plot in page.tenderness.plots().items():
        for name in ("left", "bottom", "top", "right"):
            assert isinstance(plot.getAxis(name), PlainAxis | PlainDateAxis), name
        assert not plot.getAxis("top").isVisible() and not plot.getAxis("right").isVisible()
        assert plot.getAxis("left").isVisible()
        # Only the bottom chart of a column carries the dates.
        assert plot.getAxis("bottom").isVisible() == key.startswith("carry"), key


def test_more_than_a_year_in_view_shows_weekly_means(
    page: ProgressCharts, logged: tuple[Store, list[SampleSession]]
) -> None:
    _, made = logged
    plot = page.tenderness_plot
    first = float(day_x([made[0].day])[0])
    plot.setXRange(first - 500 * 86_400, first + 100 * 86_400, padding=0)
    (weekly,) = page.series("left", "before-weekly")
    (daily,) = page.series("left", "before")
    assert weekly.isVisible() and not daily.isVisible()
    x, _ = xy(weekly)
    assert len(x) == len({(m.day.isocalendar()[:2]) for m in made})
    plot.setXRange(first, first + 90 * 86_400, padding=0)
    assert daily.isVisible() and not weekly.isVisible()


def test_a_rising_before_rating_earns_a_gentle_note(qtbot: QtBot, tmp_path: Path) -> None:
    from psoas_timer.store import SetRecord

    with Store.open(tmp_path / "log.sqlite3") as store:
        for n, value in enumerate((3, 4, 5, 6)):
            day = TODAY - timedelta(days=8 - 2 * n)
            when = datetime(day.year, day.month, day.day, 8, tzinfo=UTC)
            sid = store.start_session("ql-claw", "prone", "left", when)
            store.record_rating(sid, "left", "before", value, when)
            store.record_set(sid, SetRecord("left", 0, "Base set", 15, 15, 90.0), when)
            store.finish_session(sid, "completed", when + timedelta(minutes=10))
        clocks = at_noon(TODAY)
        charts = ProgressCharts(SaveService(store, clocks.wall), clocks)
        qtbot.addWidget(charts)
        charts.reload()
        notes = charts.headline.notes.text()
        assert "rose 3 sessions running (3 → 4 → 5 → 6" in notes
        assert "consider a rest day" in notes
        assert np.isfinite(day_x([TODAY])[0])


def test_the_charts_draw_the_same_without_the_painter_saved_for_each_item(
    qtbot: QtBot, page: ProgressCharts, tmp_path: Path
) -> None:
    """The tenderness view leaves each item's painter state unsaved: every pixel,
    on screen and saved, is the same as with Qt saving it around each item."""
    page.set_events([DatedEvent(TODAY - timedelta(days=9), "stop", "Set stopped", None, "left")])
    page.show()
    qtbot.waitExposed(page)
    view = page.graphics
    unsaved = QGraphicsView.OptimizationFlag.DontSavePainterState
    assert view.optimizationFlags() & unsaved
    last = float(day_x([TODAY])[0])
    for days in (900, 365, 120, 20):  # weekly means, then a point a session
        page.tenderness_plot.setXRange(last - days * 86_400, last, padding=0)
        drawn = view.grab().toImage()
        page.export_chart(tmp_path / "unsaved.png")
        view.setOptimizationFlag(unsaved, False)
        assert view.grab().toImage() == drawn, days
        page.export_chart(tmp_path / "saved.png")
        view.setOptimizationFlag(unsaved, True)
        assert (tmp_path / "unsaved.png").read_bytes() == (tmp_path / "saved.png").read_bytes()
