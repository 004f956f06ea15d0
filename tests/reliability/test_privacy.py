"""Nothing leaves the computer, and what stays on it is readable by its owner only."""

from __future__ import annotations

import logging
import logging.handlers
import os
import socket
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from psoas_timer import paths as app_paths
from psoas_timer.core.catalog import load_catalog
from psoas_timer.core.clock import Clocks, FakeClock
from psoas_timer.core.engine import State
from psoas_timer.store import Store, export_to_path, import_file
from psoas_timer.ui.main_window import MainWindow
from tests.helpers import QUICK_SETTINGS
from tests.qt_helpers import start_session

NETWORK = (socket.AF_INET, socket.AF_INET6)


class NetworkAttemptError(AssertionError):
    pass


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Every Python-level way to an IP network fails loudly and is recorded."""
    attempts: list[str] = []
    real_socket = socket.socket

    class GuardedSocket(real_socket):  # type: ignore[misc,valid-type]
        def __init__(self, family: Any = -1, *args: Any, **kwargs: Any) -> None:
            if family in NETWORK or (family == -1 and not args and not kwargs):
                attempts.append(f"socket({family!r})")
                raise NetworkAttemptError(f"network socket opened: family {family!r}")
            super().__init__(family, *args, **kwargs)

    def refuse(name: str) -> Any:
        def refused(*args: Any, **kwargs: Any) -> Any:
            attempts.append(f"{name}{args!r}")
            raise NetworkAttemptError(f"{name} called with {args!r}")

        return refused

    monkeypatch.setattr(socket, "socket", GuardedSocket)
    for name in ("create_connection", "getaddrinfo", "gethostbyname", "gethostbyname_ex"):
        monkeypatch.setattr(socket, name, refuse(name))
    yield attempts


def _run_session(window: MainWindow, qtbot: QtBot) -> None:
    start_session(window, "pso-rite", "both")
    engine = window.session.engine
    assert engine is not None
    clock = engine.clock
    assert isinstance(clock, FakeClock)
    ratings = iter("73T2")
    while engine.state is not State.FINISHED:
        if engine.step.kind.name == "RATING":
            qtbot.keyClicks(window.session, next(ratings))
        elif engine.step.kind.name == "QUESTION":
            qtbot.keyClick(window.session, Qt.Key.Key_Left)  # come off the tool
        elif engine.step.kind.name != "SET":
            qtbot.keyClick(window.session, Qt.Key.Key_Return)
        else:
            clock.advance(1.0)
            window.session.refresh()
    qtbot.keyClick(window.session, Qt.Key.Key_Return)


def test_a_whole_session_export_and_import_never_touch_the_network(
    qtbot: QtBot, tmp_path: Path, no_network: list[str]
) -> None:
    where = app_paths.paths_under(tmp_path / "app")
    where.ensure()
    store = Store.open(where.database)
    window = MainWindow(load_catalog(), QUICK_SETTINGS, where, Clocks.following(FakeClock()), store)
    qtbot.addWidget(window)
    try:
        window.show()
        qtbot.waitExposed(window)
        _run_session(window, qtbot)
        window.update_settings(window.settings.with_changes(volume=40))
        export = tmp_path / "export.csv"
        export_to_path(store, export)
        with Store.open(tmp_path / "other.sqlite3") as other:
            assert import_file(other, export).sessions_added == 1
        assert len(store.sessions()) == 1
        assert store.sessions()[0].status == "completed"
    finally:
        window.shutdown()
        window.close()
        store.close()
    assert no_network == []


def test_the_guard_itself_catches_a_network_socket(no_network: list[str]) -> None:
    with pytest.raises(NetworkAttemptError):
        socket.create_connection(("192.0.2.1", 80), timeout=0.01)
    with pytest.raises(NetworkAttemptError):
        socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    local = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)  # D-Bus, sound, speech: fine
    local.close()
    assert len(no_network) == 2


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_the_log_exports_and_settings_are_owner_only(qtbot: QtBot, tmp_path: Path) -> None:
    old_umask = os.umask(0o022)  # the usual default: files readable by everyone
    try:
        where = app_paths.paths_under(tmp_path / "app")
        from psoas_timer.ui.application import open_store

        where.ensure()
        store, message = open_store(where)
        assert isinstance(store, Store), message
        window = MainWindow(
            load_catalog(), QUICK_SETTINGS, where, Clocks.following(FakeClock()), store
        )
        qtbot.addWidget(window)
        try:
            _run_session(window, qtbot)
            window.update_settings(window.settings.with_changes(volume=55))
            for fmt in ("csv", "json"):
                export_to_path(store, tmp_path / f"log.{fmt}")
        finally:
            window.shutdown()
            window.close()
        files = [
            where.database,
            where.database.with_name(where.database.name + "-wal"),
            where.database.with_name(where.database.name + "-shm"),
            where.settings,
            where.window_state,
            tmp_path / "log.csv",
            tmp_path / "log.json",
        ]
        for path in files:
            assert path.exists(), path
            assert _mode(path) == 0o600, f"{path.name}: {oct(_mode(path))}"
        store.close()
        assert _mode(where.database) == 0o600
        for folder in (where.data, where.config, where.cache, where.logs):
            assert _mode(folder) == 0o700, f"{folder}: {oct(_mode(folder))}"
    finally:
        os.umask(old_umask)


@pytest.mark.subprocess
@pytest.mark.slow
def test_the_running_app_opens_no_network_socket_at_the_system_call_level(
    tmp_path: Path,
) -> None:
    import shutil

    from tests.reliability.network_check import run

    if shutil.which("strace") is None:
        pytest.skip("strace is not installed; python -m tests.reliability.network_check needs it")
    network, families, saved = run(6.0, unshare=False, work=tmp_path)
    assert network == [], network[:5]
    assert saved > 0
    assert set(families) <= {"AF_UNIX", "PF_UNIX", "AF_NETLINK", "PF_NETLINK"}, families


def test_the_app_log_file_is_private_even_after_rotation(tmp_path: Path) -> None:
    from psoas_timer.app import _PrivateLogHandler, setup_logging

    old_umask = os.umask(0o022)
    log_file = tmp_path / "logs" / "psoas-timer.log"
    root = logging.getLogger("psoas_timer")
    before = list(root.handlers)
    try:
        setup_logging(log_file)
        # There from the start, before a line is written.
        assert _mode(log_file) == 0o600
        (handler,) = [h for h in root.handlers if h not in before]
        root.info("status: rating 7/10 saved")
        assert _mode(log_file) == 0o600
        assert "rating 7/10" in log_file.read_text("utf-8")
        assert isinstance(handler, _PrivateLogHandler)
        rotating = handler.rotating
        assert isinstance(rotating, logging.handlers.RotatingFileHandler)
        rotating.doRollover()
        root.info("status: after rotation")
        assert _mode(log_file) == 0o600
        assert _mode(log_file.with_name("psoas-timer.log.1")) == 0o600
    finally:
        for handler in [h for h in root.handlers if h not in before]:
            root.removeHandler(handler)
            handler.close()
        os.umask(old_umask)


def _new_handlers(before: list[logging.Handler]) -> list[logging.Handler]:
    return [h for h in logging.getLogger("psoas_timer").handlers if h not in before]


@pytest.fixture
def logging_restored() -> Iterator[list[logging.Handler]]:
    root = logging.getLogger("psoas_timer")
    before = list(root.handlers)
    yield before
    for handler in _new_handlers(before):
        root.removeHandler(handler)
        handler.close()


def test_the_logs_folder_is_made_private_and_an_old_open_one_tightened(
    tmp_path: Path, logging_restored: list[logging.Handler]
) -> None:
    from psoas_timer.app import setup_logging

    old_umask = os.umask(0o022)
    try:
        setup_logging(tmp_path / "new" / "logs" / "psoas-timer.log")
        assert _mode(tmp_path / "new" / "logs") == 0o700
        old = tmp_path / "old" / "logs"
        old.mkdir(parents=True, mode=0o755)
        old.chmod(0o755)
        (old / "psoas-timer.log").write_text("from before\n")
        (old / "psoas-timer.log").chmod(0o644)
        setup_logging(old / "psoas-timer.log")
        assert _mode(old) == 0o700
        assert _mode(old / "psoas-timer.log") == 0o600
        assert (old / "psoas-timer.log").read_text().startswith("from before\n")
    finally:
        os.umask(old_umask)


@pytest.mark.parametrize("kind", ["link to a file", "link to a device", "fifo", "folder"])
def test_a_log_file_that_is_not_a_regular_file_is_refused_never_followed(
    tmp_path: Path,
    kind: str,
    logging_restored: list[logging.Handler],
    capsys: pytest.CaptureFixture[str],
) -> None:
    from psoas_timer.app import setup_logging

    logs = tmp_path / "logs"
    logs.mkdir(mode=0o700)
    log_file = logs / "psoas-timer.log"
    victim = tmp_path / "someone-elses-file"
    victim.write_text("keep\n")
    victim.chmod(0o644)
    device = Path("/dev/null")
    device_mode = device.stat().st_mode
    if kind == "link to a file":
        log_file.symlink_to(victim)
    elif kind == "link to a device":
        log_file.symlink_to(device)
    elif kind == "fifo":
        os.mkfifo(log_file)  # opening it for writing would block the start
    else:
        log_file.mkdir()
    setup_logging(log_file)
    (handler,) = _new_handlers(logging_restored)
    assert not isinstance(handler, logging.FileHandler)  # status lines go to stderr instead
    assert f"cannot write the app's log {log_file}" in capsys.readouterr().err
    logging.getLogger("psoas_timer").info("a status line")
    assert victim.read_text() == "keep\n" and _mode(victim) == 0o644
    assert device.stat().st_mode == device_mode
    assert log_file.is_symlink() or log_file.exists()


def test_a_link_put_in_the_log_files_place_after_start_is_not_followed_either(
    tmp_path: Path, logging_restored: list[logging.Handler], capsys: pytest.CaptureFixture[str]
) -> None:
    """The file is checked at start, and again when the first line opens it to write."""
    from psoas_timer.app import setup_logging

    log_file = tmp_path / "logs" / "psoas-timer.log"
    setup_logging(log_file)
    victim = tmp_path / "someone-elses-file"
    victim.write_text("keep\n")
    log_file.unlink()
    log_file.symlink_to(victim)
    logging.getLogger("psoas_timer").info("status: rating 7/10 saved")
    assert victim.read_text() == "keep\n"
    assert f"cannot write the app's log {log_file}" in capsys.readouterr().err
