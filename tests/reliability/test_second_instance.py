"""A second start brings the first window forward, says so when the first does not
answer, and never makes two writers of one log; two writers anyway stay safe."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtNetwork import QLocalSocket
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot

from psoas_timer import paths as app_paths
from psoas_timer.services import single_instance
from psoas_timer.store import Store
from psoas_timer.ui.dialogs import second_start
from psoas_timer.ui.dialogs.second_start import start_anyway

pytestmark = pytest.mark.subprocess

ROOT = Path(__file__).resolve().parents[2]


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["QT_QPA_PLATFORM"] = "offscreen"
    env["PYTHONPATH"] = str(ROOT)
    return env


def _start_app(data_dir: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "psoas_timer", "--data-dir", str(data_dir)],
        cwd=ROOT,
        env=_env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _wait_until_listening(where: app_paths.Paths, child: subprocess.Popen[bytes]) -> None:
    log_file = where.log_file
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert child.poll() is None, "the first copy exited"
        # The window is up once the log has been opened (the store is opened
        # after the lock is taken and the server listens).
        if where.database.exists() and log_file.exists():
            time.sleep(0.5)
            return
        time.sleep(0.05)
    raise AssertionError("the first copy never came up")


def _second(data_dir: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "psoas_timer", "--data-dir", str(data_dir)],
        cwd=ROOT,
        env=_env(),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def _stop(child: subprocess.Popen[bytes]) -> None:
    if child.poll() is None:
        child.kill()
    child.wait(timeout=30)


def test_a_second_start_raises_the_first_window_and_exits(tmp_path: Path) -> None:
    where = app_paths.paths_under(tmp_path / "app")
    first = _start_app(tmp_path / "app")
    try:
        _wait_until_listening(where, first)
        second = _second(tmp_path / "app")
        assert second.returncode == 0, second.stderr
        lines = [line for line in second.stderr.splitlines() if line.startswith("psoas-timer:")]
        assert lines == [
            f"psoas-timer: already running for {where.data} (its window was brought to the front)."
        ]
        deadline = time.monotonic() + 10
        while "bringing it forward" not in where.log_file.read_text("utf-8"):
            assert time.monotonic() < deadline, "the first copy never heard the second"
            time.sleep(0.05)
        assert first.poll() is None
    finally:
        _stop(first)


def test_separate_data_folders_run_side_by_side(tmp_path: Path) -> None:
    one = app_paths.paths_under(tmp_path / "one")
    two = app_paths.paths_under(tmp_path / "two")
    assert one.lock_name != two.lock_name
    first = _start_app(tmp_path / "one")
    other = None
    try:
        _wait_until_listening(one, first)
        other = _start_app(tmp_path / "two")
        _wait_until_listening(two, other)
        assert first.poll() is None and other.poll() is None
    finally:
        _stop(first)
        if other is not None:
            _stop(other)


def test_a_killed_copy_does_not_block_the_next_start(tmp_path: Path) -> None:
    where = app_paths.paths_under(tmp_path / "app")
    first = _start_app(tmp_path / "app")
    try:
        _wait_until_listening(where, first)
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=30)
        assert list(where.data.glob(".*.lock")), "the crash left its lock behind"
        where.log_file.unlink()
        again = _start_app(tmp_path / "app")
        try:
            _wait_until_listening(where, again)
            time.sleep(1.0)
            assert again.poll() is None, "the next start gave up on a stale lock"
            # And it is the one running copy now.
            third = _second(tmp_path / "app")
            assert third.returncode == 0 and "already running" in third.stderr
        finally:
            _stop(again)
    finally:
        _stop(first)


WRITER = """
import sys
from pathlib import Path
from psoas_timer.store import Store
path, tag, count = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
with Store.open(path) as store:
    for n in range(count):
        sid = store.start_session("ql-claw", "prone", "both")
        store.record_rating(sid, "left", "before", n % 11)
        store.record_rating(sid, "right", "before", (n + 1) % 11)
        store.set_note(sid, f"{tag}-{n}")
        store.finish_session(sid, "completed")
print("done", flush=True)
"""


def test_two_processes_writing_at_once_lose_nothing(tmp_path: Path) -> None:
    """If the lock were bypassed, SQLite's busy timeout still serialises the writers."""
    database = tmp_path / "log.sqlite3"
    Store.open(database).close()
    count = 150
    writers = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, str(database), tag, str(count)],
            cwd=ROOT,
            env=_env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for tag in ("a", "b")
    ]
    for writer in writers:
        out, err = writer.communicate(timeout=120)
        assert writer.returncode == 0, err
        assert out.strip() == "done"
    conn = sqlite3.connect(database)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        notes = sorted(r[0] for r in conn.execute("SELECT note FROM sessions"))
        assert notes == sorted(f"{t}-{n}" for t in "ab" for n in range(count))
        (ratings,) = conn.execute("SELECT count(*) FROM ratings").fetchone()
        assert ratings == 4 * count
        (running,) = conn.execute(
            "SELECT count(*) FROM sessions WHERE status != 'completed'"
        ).fetchone()
        assert running == 0
    finally:
        conn.close()


# -- a second start while the first copy does not answer --------------------------------


class DialogAnswers:
    """Answers each message box as it opens with the next button label, and keeps
    what each box said."""

    def __init__(self, *answers: str) -> None:
        self.answers = list(answers)
        self.seen: list[str] = []
        self._timer = QTimer()
        self._timer.setInterval(20)
        self._timer.timeout.connect(self._answer)
        self._timer.start()

    def _answer(self) -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox) or not box.isVisible() or not self.answers:
            return
        self.seen.append(box.text())
        label = self.answers.pop(0)
        buttons = [b for b in box.buttons() if b.text().replace("&", "") == label]
        assert buttons, f"no button {label!r} in {box.text()!r}"
        buttons[0].click()

    def stop(self) -> None:
        self._timer.stop()


def _frozen_first(data_dir: Path) -> subprocess.Popen[bytes]:
    """A first copy that has taken the lock and listens, then stops answering (SIGSTOP:
    the system still takes connections for it, as for a copy stuck in a call)."""
    where = app_paths.paths_under(data_dir)
    first = _start_app(data_dir)
    _wait_until_listening(where, first)
    first.send_signal(signal.SIGSTOP)
    return first


def _second_run(where: app_paths.Paths) -> int:
    from psoas_timer.ui.application import run

    return run(paths=where, tool_id=None, smoke=False, time_scale=1.0, process_age=lambda: 0.0)


@pytest.fixture
def quick_answer(monkeypatch: pytest.MonkeyPatch) -> None:
    """A second start gives up on the first after 1.5 s instead of 8 s."""
    monkeypatch.setattr(single_instance, "ANSWER_TIMEOUT_MS", 1500)


def test_a_second_start_while_the_first_does_not_answer_says_so_and_can_quit(
    qtbot: QtBot, tmp_path: Path, quick_answer: None
) -> None:
    where = app_paths.paths_under(tmp_path / "app")
    first = _frozen_first(tmp_path / "app")
    answers = DialogAnswers("Quit")
    try:
        assert _second_run(where) == 1
        assert answers.seen == [
            f"Psoas Timer is already running for {where.data} but is not answering."
        ]
        holder = single_instance.SingleInstance(where.lock_name, where.data).holder()
        assert holder is not None and holder.pid == first.pid, "the lock changed hands"
        first.send_signal(signal.SIGCONT)
        assert single_instance.ask_running(where.lock_name) is single_instance.Claim.RAISED
        assert first.poll() is None
    finally:
        answers.stop()
        _stop(first)


def test_starting_anyway_never_takes_the_log_from_a_copy_that_still_runs(
    qtbot: QtBot, tmp_path: Path, quick_answer: None
) -> None:
    where = app_paths.paths_under(tmp_path / "app")
    first = _frozen_first(tmp_path / "app")
    answers = DialogAnswers("Start anyway", "Quit")
    try:
        assert _second_run(where) == 1
        assert len(answers.seen) == 2 and answers.seen[1].startswith(
            f"Psoas Timer is still running for {where.data} (process {first.pid})"
        ), answers.seen
        # Not even on the user's word: the running copy holds its lock file open.
        other = single_instance.SingleInstance(where.lock_name, where.data)
        assert not other.force_take_over()
        holder = other.holder()
        assert holder is not None and holder.pid == first.pid
    finally:
        answers.stop()
        _stop(first)


def test_starting_anyway_after_the_stuck_copy_has_ended_takes_over(
    qtbot: QtBot, tmp_path: Path, quick_answer: None
) -> None:
    where = app_paths.paths_under(tmp_path / "app")
    first = _frozen_first(tmp_path / "app")
    instance = single_instance.SingleInstance(where.lock_name, where.data)
    answers: DialogAnswers | None = None
    try:
        assert instance.claim() is single_instance.Claim.BUSY
        # While the box is up, the user ends the stuck copy from the system monitor.
        first.kill()
        first.wait(timeout=30)
        answers = DialogAnswers("Start anyway")
        assert start_anyway(instance, where.data)
        assert answers.seen == [second_start.not_answering_text(where.data)]
        holder = instance.holder()
        assert holder is not None and holder.pid == os.getpid()
        probe = QLocalSocket()
        probe.connectToServer(where.lock_name)
        assert probe.waitForConnected(1000), "the new copy does not listen for later starts"
        probe.abort()
    finally:
        if answers is not None:
            answers.stop()
        instance.release()
        _stop(first)


def _foreign_lock(where: app_paths.Paths) -> Path:
    """A lock written by a copy on another computer that shares the data folder."""
    where.ensure()
    lock = where.data / f".{where.lock_name}.lock"
    lock.write_text("4242\npsoas-timer\nanother-computer\n", encoding="utf-8")
    return lock


def test_a_lock_this_computer_cannot_check_is_taken_only_on_the_users_word(
    qtbot: QtBot, tmp_path: Path
) -> None:
    where = app_paths.paths_under(tmp_path / "app")
    lock = _foreign_lock(where)
    instance = single_instance.SingleInstance(where.lock_name, where.data)
    answers = DialogAnswers("Start anyway", "Quit")
    try:
        assert not start_anyway(instance, where.data)
        assert answers.seen[1] == second_start.unsure_text(
            where.data, single_instance.Holder(4242, "another-computer", "psoas-timer")
        )
        assert "4242" in lock.read_text("utf-8"), "the lock was touched without consent"
        answers.stop()
        answers = DialogAnswers("Start anyway", "Start anyway")
        assert start_anyway(instance, where.data)
        holder = instance.holder()
        assert holder is not None and holder.pid == os.getpid()
    finally:
        answers.stop()
        instance.release()
