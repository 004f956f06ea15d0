from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from psoas_timer import paths
from psoas_timer.core.catalog import Catalog, load_catalog
from psoas_timer.core.clock import Clock, Clocks, FakeClock
from psoas_timer.core.settings import Settings
from psoas_timer.store import Store
from psoas_timer.store.saving import UnavailableStore
from psoas_timer.ui.dialogs import unsaved
from psoas_timer.ui.main_window import MainWindow
from tests.dbus_bus import PrivateBus
from tests.helpers import QUICK_SETTINGS
from tests.qt_helpers import active_timers
from tests.ui.dbus_services import Connection, private_bus


@pytest.fixture(autouse=True)
def no_dangling_timers(qapp: QApplication) -> Iterator[None]:
    """Fail any test that leaves a timer or animation running behind it."""
    yield
    leftovers = active_timers(qapp.topLevelWidgets())
    assert not leftovers, f"left running after the test: {leftovers}"


@pytest.fixture(autouse=True)
def quit_questions_say_yes(monkeypatch: pytest.MonkeyPatch) -> None:
    """pytest-qt closes windows before fixtures tear down; a test that fails mid-session
    would otherwise hang on "Quit during a session?". Tests that need another answer
    patch it again."""
    monkeypatch.setattr("psoas_timer.ui.prompts.confirm", lambda *args, **kwargs: True)


@pytest.fixture(autouse=True)
def unsaved_changes_are_dropped_on_close(monkeypatch: pytest.MonkeyPatch) -> None:
    """Closing a window with changes still waiting asks what to do; a test that ends
    that way would hang on the question. Tests of that question patch it again."""
    monkeypatch.setattr(unsaved, "ask_about_unsaved", lambda *args: unsaved.UnsavedChoice.DISCARD)


@pytest.fixture(scope="session")
def catalog() -> Catalog:
    loaded = load_catalog()
    assert not loaded.errors, [str(e) for e in loaded.errors]
    return loaded


@pytest.fixture
def make_window(
    qtbot: QtBot, catalog: Catalog, private_paths: paths.Paths
) -> Iterator[Callable[..., MainWindow]]:
    made: list[tuple[MainWindow, Store | UnavailableStore]] = []

    def factory(
        clock: Clock | None = None,
        settings: Settings = QUICK_SETTINGS,
        store: Store | UnavailableStore | None = None,
    ) -> MainWindow:
        """A window on a fresh log (or ``store``); wall time follows ``clock`` from now."""
        private_paths.ensure()
        opened = store if store is not None else Store.open(private_paths.database)
        clocks = Clocks.following(clock or FakeClock())
        window = MainWindow(catalog, settings, private_paths, clocks, opened)
        qtbot.addWidget(window)
        made.append((window, opened))
        return window

    yield factory
    for window, opened in made:
        # A running session would make close() ask "quit anyway?" and wait forever.
        if window.session.engine is not None:
            window.session.engine.end()
        window.shutdown()
        window.close()
        opened.close()


@pytest.fixture
def bus() -> Iterator[PrivateBus]:
    """A D-Bus daemon of the test's own, never the desktop's."""
    with private_bus() as started:
        yield started


@pytest.fixture
def connection(bus: PrivateBus) -> Iterator[Connection]:
    """The test's own connection to ``bus``, closed afterwards."""
    made = Connection(bus.address)
    yield made
    made.close()
