"""The progress charts, tested by the data they plot rather than by pixels."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import numpy as np
import pyqtgraph as pg
import pytest
from PySide6.QtCore import QPoint, Qt
from pytestqt.qtbot import QtBot

from psoas_timer.core.clock import Clocks, FakeClock
from psoas_timer.core.progress import DateRange, is_meaningful_change
from psoas_timer.services.saving import SaveService
from psoas_timer.store import SetRecord, Store
from psoas_timer.store.saving import UnavailableStore
from psoas_timer.ui.progress.charts import ChartExportError, ProgressCharts, day_x
from tests.helpers import TEN_YEARS_FROM, fill_ten_years

TODAY = date(2024, 6, 30)
NOON = datetime(2024, 6, 1, 12, 0, tzinfo=UTC)


def make_page(qtbot: QtBot, store: Store | UnavailableStore, today: date = TODAY) -> ProgressCharts:
    # Local noon of that day, so "today" is that day in any time zone.
    noon = datetime(today.year, today.month, today.day, 12).astimezone()
    clocks = Clocks.following(FakeClock(), noon)
    page = ProgressCharts(SaveService(store, clocks.wall), clocks, tool_names={"ball": "Ball"})
    qtbot.addWidget(page)
    page.resize(1000, 700)
    page.reload()
    return page


def log_session(
    store: Store,
    when: datetime,
    ratings: dict[str, tuple[int | None, int | None]],
    released: int | None = None,
    tool: str = "ball",
) -> int:
    sides = "both" if len(ratings) == 2 else next(iter(ratings))
    sid = store.start_session(tool, "prone", sides, when)  # type: ignore[arg-type]
    for side, (before, after) in ratings.items():
        if before is not None:
            store.record_rating(sid, side, "before", before, when)  # type: ignore[arg-type]
        if released is not None:
            record = SetRecord(side, 0, "Base", 15, 15, 90.0, "completed", 0.0, released, 40.0)  # type: ignore[arg-type]
            store.record_set(sid, record, when)
        if after is not None:
            store.record_rating(sid, side, "after", after, when)  # type: ignore[arg-type]
    store.finish_session(sid, "completed", when + timedelta(minutes=20))
    return sid


def xy(item: pg.GraphicsObject) -> tuple[list[float], list[float]]:
    x, y = item.getData()
    return ([] if x is None else list(x)), ([] if y is None else list(y))


def test_no_sessions_shows_a_friendly_empty_state(qtbot: QtBot, store: Store) -> None:
    page = make_page(qtbot, store)
    assert page.body.currentWidget() is page.empty
    assert "No sessions yet" in page.empty.text()
    # The chart items are made once and kept; here they hold nothing.
    assert all(len(xy(item)[0]) == 0 for p in page.plots.values() for item in p.listDataItems())
    assert not page.headline.isVisible()


def test_without_a_log_the_page_says_why(qtbot: QtBot) -> None:
    page = make_page(qtbot, UnavailableStore("The log is from a newer version of the app."))
    assert page.body.currentWidget() is page.empty
    assert page.empty.text() == (
        "The log could not be read: The log is from a newer version of the app."
    )
    page.side_box.setCurrentIndex(page.side_box.findData("left"))  # replotting keeps saying so
    assert "newer version" in page.empty.text()


def test_one_session_is_one_point_per_series(qtbot: QtBot, store: Store) -> None:
    sid = log_session(store, NOON, {"left": (7, 4), "right": (5, 5)}, released=9)
    page = make_page(qtbot, store)
    assert page.body.currentIndex() == 0
    x_day = float(day_x([NOON.astimezone().date()])[0])
    (before,) = page.series("left", "before")
    (after,) = page.series("left", "after")
    assert xy(before) == ([x_day], [7.0]) and xy(after) == ([x_day], [4.0])
    assert [p.data() for p in after.points()] == [sid]
    # 7 → 4 is a meaningful drop on the left; 5 → 5 on the right is not.
    assert xy(page.series("left", "meaningful")[0]) == ([x_day], [4.0])
    assert xy(page.series("right", "meaningful")[0]) == ([], [])
    page.show_tab("dose")
    (left_release,) = [
        i for i in page.series("release", "left") if isinstance(i, pg.ScatterPlotItem)
    ]
    assert xy(left_release)[1] == [9.0]
    (bars,) = [i for i in page.plots["weeks"].items if isinstance(i, pg.BarGraphItem)]
    assert list(bars.opts["height"]) == [1.0]
    assert "meaningful drop in 1 of 1 sessions" in page.summaries["left"].text()
    assert "not enough sessions yet" in page.headline.answers["left"].text()


def test_the_tooltip_names_the_session(qtbot: QtBot, store: Store) -> None:
    sid = log_session(store, NOON, {"left": (6, 2)}, released=5)
    page = make_page(qtbot, store)
    tip = page._tip(0.0, 0.0, sid)
    assert "Ball" in tip and "Left: 6 → 2" in tip and "breath 5" in tip
    assert NOON.astimezone().strftime("%d %b %Y") in tip


def test_clicking_a_point_chooses_its_session(qtbot: QtBot, store: Store) -> None:
    log_session(store, NOON - timedelta(days=3), {"left": (8, 8)})
    sid = log_session(store, NOON, {"left": (6, 3)})
    page = make_page(qtbot, store)
    page.show()
    qtbot.waitExposed(page)
    (after,) = page.series("left", "after")
    spot = next(p for p in after.points() if p.data() == sid)
    view = page.plots["left"].getViewBox()
    scene_pos = view.mapViewToScene(spot.pos())
    where = page.graphics.mapFromScene(scene_pos)
    with qtbot.waitSignal(page.session_chosen, timeout=2000) as chosen:
        qtbot.mouseClick(page.graphics.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(where))
    assert chosen.args == [sid]


def test_meaningful_changes_are_marked_and_filters_apply(qtbot: QtBot, store: Store) -> None:
    pairs = [(8, 5), (6, 5), (3, 2), (10, 7), (4, 4), (5, 3)]
    for n, (before, after) in enumerate(pairs):
        tool = "ball" if n % 2 == 0 else "peanut"
        log_session(store, NOON - timedelta(days=10 * n), {"right": (before, after)}, tool=tool)
    page = make_page(qtbot, store)
    page.range_box.setCurrentIndex(page.range_box.findData(DateRange.ALL))
    marked = xy(page.series("right", "meaningful")[0])[1]
    expected = [float(a) for b, a in reversed(pairs) if is_meaningful_change(b, a)]
    assert marked == expected
    assert "meaningful drop in 4 of 6" in page.summaries["right"].text()

    page.tool_box.setCurrentIndex(page.tool_box.findData("peanut"))
    assert len(xy(page.series("right", "before")[0])[0]) == 3
    page.side_box.setCurrentIndex(page.side_box.findData("left"))
    assert page.body.currentWidget() is page.empty  # no left-side sessions
    page.side_box.setCurrentIndex(page.side_box.findData(None))
    page.tool_box.setCurrentIndex(0)
    page.range_box.setCurrentIndex(page.range_box.findData(DateRange.LAST_30_DAYS))
    assert len(xy(page.series("right", "before")[0])[0]) == 1  # only the one 29 days back


def test_a_long_break_opens_on_all_time(qtbot: QtBot, store: Store) -> None:
    log_session(store, NOON - timedelta(days=400), {"left": (5, 3)})
    page = make_page(qtbot, store)
    assert page.range_box.currentData() is DateRange.ALL
    assert page.body.currentIndex() == 0


def test_ten_years_plot_every_session(qtbot: QtBot, tmp_path: Path) -> None:
    path = tmp_path / "ten.sqlite3"
    Store.open(path).close()
    fill_ten_years(path)
    today = (TEN_YEARS_FROM + timedelta(days=3649)).date()
    first, last = day_x([TEN_YEARS_FROM.date(), today])
    with Store.open(path) as store:
        page = make_page(qtbot, store, today)
        page.range_box.setCurrentIndex(page.range_box.findData(DateRange.ALL))
        x_low, x_high = page.plots["left"].viewRange()[0]
        assert x_low <= first and x_high >= last
        # The 0-10 scale, with room above it for the next-day marks.
        assert page.plots["left"].viewRange()[1] == pytest.approx([-1.0, 12.2], abs=0.01)
        # Ten years in view: one mean a week, not a point a session.
        for side in ("left", "right"):
            (weekly,) = page.series(side, "before-weekly")
            (daily,) = page.series(side, "before")
            assert weekly.isVisible() and not daily.isVisible()
            x, y = xy(weekly)
            assert len(x) == 522 and np.all(np.diff(x) > 0)
        # A year or less in view: every session, and the weekly means hidden.
        plot = page.tenderness_plot
        plot.setXRange(last - 300 * 86_400, last, padding=0)
        for side in ("left", "right"):
            (daily,) = page.series(side, "before")
            assert daily.isVisible() and not page.series(side, "before-weekly")[0].isVisible()
            x, y = xy(daily)
            assert len(x) == 3650 and min(y) == 3 and max(y) == 9
            assert np.all(np.diff(x) > 0)
        page.tool_box.setCurrentIndex(page.tool_box.findData("ball"))  # back to all time
        plot.setXRange(last - 300 * 86_400, last, padding=0)
        assert len(xy(page.series("left", "after")[0])[0]) == 1825
        page.range_box.setCurrentIndex(page.range_box.findData(DateRange.LAST_365_DAYS))
        assert len(xy(page.series("left", "after")[0])[0]) in (182, 183)
        page.show_tab("dose")
        page.range_box.setCurrentIndex(page.range_box.findData(DateRange.ALL))
        page.tool_box.setCurrentIndex(0)
        (bars,) = [i for i in page.plots["weeks"].items if isinstance(i, pg.BarGraphItem)]
        assert len(bars.opts["height"]) == 522 and sum(bars.opts["height"]) == 3650


@pytest.mark.parametrize("suffix", [".png", ".svg"])
def test_the_chart_exports(qtbot: QtBot, store: Store, tmp_path: Path, suffix: str) -> None:
    log_session(store, NOON, {"left": (7, 4)})
    page = make_page(qtbot, store)
    page.show()
    target = tmp_path / f"chart{suffix}"
    page.export_chart(target)
    data = target.read_bytes()
    if suffix == ".png":
        assert data.startswith(b"\x89PNG")
    else:
        assert b"<svg" in data[:400]


def test_a_chart_export_that_cannot_be_written_says_so(
    qtbot: QtBot, store: Store, tmp_path: Path
) -> None:
    page = make_page(qtbot, store)
    with pytest.raises(ChartExportError, match=r"\.png or \.svg"):
        page.export_chart(tmp_path / "chart.pdf")
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    with pytest.raises(ChartExportError, match="Choose another folder"):
        page.export_chart(blocker / "chart.png")
