"""Start-up: the first screen pays only for what it shows, and everything else still
comes, when it is first wanted or right after the first paint."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from importlib.abc import Traversable
from pathlib import Path

import pytest
from PySide6.QtCore import QSize, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot

from psoas_timer import paths
from psoas_timer.core.catalog import Catalog, builtin_root
from psoas_timer.core.clock import Clocks, FakeClock
from psoas_timer.services.sound import CuePlayer
from psoas_timer.services.voice import Voice
from psoas_timer.store import Store
from psoas_timer.ui.main_window import MainWindow
from psoas_timer.ui.picker import card_pictures
from psoas_timer.ui.picker.card_pictures import card_picture
from tests.helpers import QUICK_SETTINGS
from tests.qt_helpers import close_after_run

#: Run in a fresh process: the app started as from the desktop, with --smoke, and
#: the modules it has loaded at the moment it reports its first paint.
PROBE = """
import sys
from pathlib import Path


class Probe:
    def __init__(self, out):
        self.out = out
        self.loaded = None

    def write(self, text):
        if self.loaded is None and text.startswith("first paint after"):
            self.loaded = sorted(sys.modules)
        return self.out.write(text)

    def flush(self):
        self.out.flush()


probe = Probe(sys.stdout)
sys.stdout = probe
from psoas_timer.app import main

code = main(["--smoke", "--data-dir", sys.argv[1]])
sys.stdout = probe.out
Path(sys.argv[2]).write_text("\\n".join(probe.loaded or []), "utf-8")
raise SystemExit(code)
"""

#: What the first screen (the tool picker) does not show, so does not wait for.
NOT_AT_FIRST_PAINT = (
    "PySide6.QtMultimedia",  # sound, and its FFmpeg back end
    "PySide6.QtTextToSpeech",
    "pyqtgraph",
    "numpy",
    "psoas_timer.ui.session.session_page",
    "psoas_timer.ui.picker.placement_page",
    "psoas_timer.services.sound",
    "psoas_timer.services.voice",
    "psoas_timer.services.keepawake",
    "psoas_timer.services.mpris",
    "PySide6.QtDBus",  # keep-awake and the media controls, from a session's start
    "psoas_timer.services.saving",  # the log and its checks: right after the paint
    "psoas_timer.store",
    "sqlite3",
    "psoas_timer.ui.progress.page",
    "psoas_timer.ui.progress.commands",
    "psoas_timer.ui.dialogs.settings",
    "psoas_timer.ui.dialogs.recovery",
    "psoas_timer.ui.dialogs.next_day",
    "psoas_timer.ui.dialogs.unsaved",
    "psoas_timer.ui.progress.report",
    "psoas_timer.store.journal",  # replayed with the log's opening, after the paint
    "psoas_timer.core.progress",
    "psoas_timer.ui.reminders",  # they read the log, so start once it is open
    "psoas_timer.services.notifications",
    "psoas_timer.core.engine",
    "psoas_timer.core.plan",  # a session's steps and words, built at Start
    "psoas_timer.core.narration",
    "psoas_timer.ui.widgets.rating",
    "logging.handlers",  # set up with the log file's first line
)


def loaded_at_first_paint(data: Path, listing: Path) -> set[str]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run(
        [sys.executable, "-c", PROBE, str(data), str(listing)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env=env,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.startswith("first paint after "), done.stdout
    return set(listing.read_text("utf-8").split())


@pytest.mark.subprocess
def test_the_first_paint_waits_for_nothing_the_first_screen_does_not_show(
    tmp_path: Path,
) -> None:
    data = tmp_path / "app"
    loaded = loaded_at_first_paint(data, tmp_path / "first.txt")
    assert "psoas_timer.ui.picker.picker_page" in loaded  # the probe saw the app
    assert sorted(set(NOT_AT_FIRST_PAINT) & loaded) == []
    # The same start still opened the log, and checked it, once it had painted.
    assert paths.paths_under(data).database.is_file()
    # Drawn once: the next start takes the cards' pictures from the cache folder,
    # and so does not load QtSvg at all.
    assert "PySide6.QtSvg" in loaded
    again = loaded_at_first_paint(data, tmp_path / "second.txt")
    assert "PySide6.QtSvg" not in again
    assert sorted(set(NOT_AT_FIRST_PAINT) & again) == []


@pytest.mark.parametrize("shown", [True, False], ids=["painted", "never-painted"])
def test_start_up_steps_come_after_the_first_paint_in_their_order(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, shown: bool
) -> None:
    """The log is opened and checked, then what went wrong is said, then the safety
    notice, the recovery offer and the next-day question, as before the window was
    painted first. A window that is never painted (started minimised, say) gets them
    all the same, a moment later."""
    from psoas_timer.ui import application

    where = paths.paths_under(tmp_path / "app")
    where.ensure()
    where.settings.write_bytes(b"{not json")  # a message to show
    steps: list[str] = []
    windows: list[MainWindow] = []
    opened = application.open_store

    def open_store(*args: object, **kwargs: object) -> object:
        steps.append("log opened")
        return opened(*args, **kwargs)  # type: ignore[arg-type]

    def warning(parent: object, title: str, text: str, *args: object) -> object:
        steps.append("warning")
        return QMessageBox.StandardButton.Ok

    def painted(window: MainWindow) -> None:
        windows.append(window)
        steps.append("paint")

    real_init = MainWindow.__init__

    def init(window: MainWindow, *args: object, **kwargs: object) -> None:
        real_init(window, *args, **kwargs)  # type: ignore[arg-type]
        window.first_paint.connect(lambda: painted(window))

    def last(window: MainWindow) -> None:
        steps.append("next-day")
        QApplication.quit()

    monkeypatch.setattr(application, "open_store", open_store)
    monkeypatch.setattr(QMessageBox, "warning", warning)
    monkeypatch.setattr(MainWindow, "__init__", init)
    monkeypatch.setattr(MainWindow, "show_safety", lambda w, first_run: steps.append("safety"))
    monkeypatch.setattr(MainWindow, "offer_recovery", lambda w: steps.append("recovery"))
    monkeypatch.setattr(MainWindow, "offer_next_day_check", last)
    if not shown:

        def stay_hidden(window: MainWindow) -> None:
            windows.append(window)

        monkeypatch.setattr(MainWindow, "show", stay_hidden)
        monkeypatch.setattr(application, "UNPAINTED_GRACE_MS", 50)
    try:
        assert application.run(where, None, False, 1.0, lambda: 0.0) == 0
    finally:
        close_after_run(windows)
    painted_first = ["paint"] if shown else []
    assert steps == [*painted_first, "log opened", "warning", "safety", "recovery", "next-day"]


# -- the window: parts made when first wanted ------------------------------------------


@pytest.fixture
def lazy_window(
    qtbot: QtBot, catalog: Catalog, private_paths: paths.Paths
) -> Iterator[tuple[MainWindow, list[Store]]]:
    """A window whose log is opened by the window itself, when it first needs it."""
    private_paths.ensure()
    opened: list[Store] = []

    def open_log() -> Store:
        store = Store.open(private_paths.database)
        opened.append(store)
        return store

    window = MainWindow(
        catalog, QUICK_SETTINGS, private_paths, Clocks.following(FakeClock()), open_log
    )
    qtbot.addWidget(window)
    yield window, opened
    window.shutdown()
    window.close()
    for store in opened:
        store.close()


def test_the_log_is_opened_once_and_before_anything_writes(
    qtbot: QtBot, lazy_window: tuple[MainWindow, list[Store]]
) -> None:
    window, opened = lazy_window
    assert opened == []
    window.show()
    qtbot.waitExposed(window)
    assert opened == []  # the window alone does not need it
    # Starting a session writes at once, so the log is there first.
    from tests.qt_helpers import start_session

    start_session(window, "ql-claw", "left")
    assert len(opened) == 1
    assert window.saving.session_id is not None
    assert [s.status for s in opened[0].sessions()] == ["running"]
    window.open_log()
    assert len(opened) == 1
    assert window.session.engine is not None
    window.session.engine.end()


def test_a_stop_before_the_log_is_open_leaves_it_and_its_journal_for_the_next_start(
    qtbot: QtBot, lazy_window: tuple[MainWindow, list[Store]]
) -> None:
    from psoas_timer.store.journal import journal_path
    from psoas_timer.ui.dialogs.unsaved import keep_and_quit

    window, opened = lazy_window
    keep_and_quit(window)  # SIGTERM: nothing can be waiting, so nothing is opened
    # Its exit() leaves Qt's "quit now" flag behind for the next loop; this clears it.
    QTimer.singleShot(0, QApplication.quit)
    QApplication.exec()
    assert opened == []
    assert not journal_path(window.paths.database).exists()


def test_the_placement_page_readies_the_session_once_it_is_on_screen(
    qtbot: QtBot, lazy_window: tuple[MainWindow, list[Store]]
) -> None:
    from psoas_timer.ui.session.session_page import SessionPage

    window, _ = lazy_window
    window.show()
    qtbot.waitExposed(window)
    made = window.findChildren
    assert made(SessionPage) == [] and made(Voice) == [] and made(CuePlayer) == []
    assert window.show_tool("ql-claw")
    qtbot.waitUntil(lambda: bool(made(SessionPage) and made(CuePlayer) and made(Voice)))
    # Readied, not started: nothing runs until Start.
    assert window.session.engine is None
    assert window.stack.currentWidget() is window.placement


def test_settings_changed_before_a_part_exists_reach_it_when_it_is_made(
    lazy_window: tuple[MainWindow, list[Store]], monkeypatch: pytest.MonkeyPatch
) -> None:
    window, _ = lazy_window
    told: list[tuple[str, object]] = []
    monkeypatch.setattr(Voice, "set_enabled", lambda self, on: told.append(("voice", on)))
    monkeypatch.setattr(Voice, "set_volume", lambda self, volume: told.append(("level", volume)))
    window.update_settings(window.settings.with_changes(voice=False, sound=False, volume=30))
    assert window.findChildren(Voice) == [] and window.findChildren(CuePlayer) == []
    assert told == []
    window.voice  # noqa: B018  (made now)
    assert told == [("voice", False), ("level", pytest.approx(0.3))]
    assert window.cues.muted and window.cues.volume == pytest.approx(0.3)


# -- the cards' pictures ----------------------------------------------------------------


def diagram(name: str = "ql-claw-prone.svg") -> Traversable:
    return builtin_root() / "diagrams" / name


@pytest.fixture(autouse=True)
def forget_drawn(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test starts with nothing drawn in this process."""
    monkeypatch.setattr(card_pictures, "_drawn", {})


def count_drawing(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    drawn: list[str] = []
    real: Callable[..., object] = card_pictures._draw

    def draw(source: Traversable, size: QSize, ratio: float) -> object:
        drawn.append(str(source))
        return real(source, size, ratio)

    monkeypatch.setattr(card_pictures, "_draw", draw)
    return drawn


def test_a_picture_is_drawn_once_and_then_read_from_the_cache(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    drawn = count_drawing(monkeypatch)
    first = card_picture(diagram(), QSize(100, 120), 1.0, tmp_path)
    again = card_picture(diagram(), QSize(100, 120), 1.0, tmp_path)
    assert len(drawn) == 1
    assert first.toImage() == again.toImage()
    assert len(list((tmp_path / card_pictures.FOLDER_NAME).glob("*.png"))) == 1
    # The next process (nothing in memory) reads the file instead of drawing.
    monkeypatch.setattr(card_pictures, "_drawn", {})
    from_file = card_picture(diagram(), QSize(100, 120), 1.0, tmp_path)
    assert len(drawn) == 1
    assert from_file.toImage() == first.toImage()
    assert not from_file.toImage().isNull()


def test_another_drawing_size_or_screen_gets_its_own_picture(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    drawn = count_drawing(monkeypatch)
    base = card_picture(diagram(), QSize(100, 120), 1.0, tmp_path)
    card_picture(diagram("pso-rite-prone.svg"), QSize(100, 120), 1.0, tmp_path)
    card_picture(diagram(), QSize(50, 60), 1.0, tmp_path)
    sharp = card_picture(diagram(), QSize(100, 120), 2.0, tmp_path)
    assert len(drawn) == 4
    assert len(list((tmp_path / card_pictures.FOLDER_NAME).glob("*.png"))) == 4
    # Drawn for the screen: twice the pixels at ratio 2, the same size on screen.
    assert sharp.size() == base.size() * 2
    assert sharp.deviceIndependentSize() == base.deviceIndependentSize()


def test_an_edited_drawing_is_drawn_again(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    drawn = count_drawing(monkeypatch)
    svg = tmp_path / "tool.svg"
    original = diagram().read_text("utf-8")
    svg.write_text(original, "utf-8")
    card_picture(svg, QSize(100, 120), 1.0, tmp_path / "cache")
    svg.write_text(original.replace("</svg>", "<circle cx='5' cy='5' r='4'/></svg>"), "utf-8")
    card_picture(svg, QSize(100, 120), 1.0, tmp_path / "cache")
    assert len(drawn) == 2


def test_a_damaged_cached_picture_is_drawn_again(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    good = card_picture(diagram(), QSize(100, 120), 1.0, tmp_path)
    (cached,) = (tmp_path / card_pictures.FOLDER_NAME).glob("*.png")
    cached.write_bytes(b"not a picture")
    monkeypatch.setattr(card_pictures, "_drawn", {})
    drawn = count_drawing(monkeypatch)
    again = card_picture(diagram(), QSize(100, 120), 1.0, tmp_path)
    assert len(drawn) == 1
    assert again.toImage() == good.toImage()
    assert cached.read_bytes().startswith(b"\x89PNG")  # and cached again, whole


def test_a_cache_folder_that_cannot_be_written_only_costs_a_drawing(
    qtbot: QtBot, tmp_path: Path
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder would be")
    picture = card_picture(diagram(), QSize(100, 120), 1.0, blocker)
    assert not picture.isNull()
    assert picture.size() == QSize(100, 120)


def test_a_missing_drawing_gives_an_empty_picture_not_an_error(
    qtbot: QtBot, tmp_path: Path
) -> None:
    picture = card_picture(tmp_path / "gone.svg", QSize(100, 120), 1.0, tmp_path)
    assert picture.isNull()
