"""Private D-Bus daemons for the tests, and ``dbus-send`` run while Qt keeps answering.

The test run points ``DBUS_SESSION_BUS_ADDRESS`` and ``DBUS_SYSTEM_BUS_ADDRESS``
at a daemon of its own (see tests/conftest.py), so a session started by a test
never inhibits the desktop's screensaver or shows up in its media controls.
Tests that need a bus to themselves start another with :func:`start_bus`.
"""

from __future__ import annotations

import select
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

CONFIG = """<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:dir={folder}</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
"""
#: Where a bus goes when the daemon is missing: nowhere, never the desktop's.
NO_BUS = "unix:path=/nonexistent/psoas-timer-tests-bus"
START_TIMEOUT_S = 10.0


def dying_with_this_process(command: list[str]) -> list[str]:
    """``command``, ended by the kernel when this process ends, even when it is aborted
    and its exit handlers never run (with util-linux's setpriv, as on every Debian).

    Done by a program rather than a ``preexec_fn``: running Python between fork and
    exec is unsafe in a process with threads, as Qt's are.
    """
    setpriv = shutil.which("setpriv") if sys.platform.startswith("linux") else None
    return [setpriv, "--pdeathsig", "TERM", "--", *command] if setpriv else command


@dataclass
class PrivateBus:
    address: str
    process: subprocess.Popen[bytes]
    folder: Path

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        if self.process.stdout is not None:
            self.process.stdout.close()
        shutil.rmtree(self.folder, ignore_errors=True)


def daemon() -> str | None:
    return shutil.which("dbus-daemon")


def start_bus() -> PrivateBus:
    """A fresh ``dbus-daemon`` listening in a folder of its own; stop it when done."""
    program = daemon()
    if program is None:
        raise RuntimeError("dbus-daemon is not installed (packaging/test-libs.txt lists it)")
    # Short, so the socket path stays within the 108 bytes a Unix socket allows.
    folder = Path(tempfile.mkdtemp(prefix="pt-bus-"))
    config = folder / "bus.conf"
    config.write_text(CONFIG.format(folder=folder), "utf-8")
    process = subprocess.Popen(
        dying_with_this_process(
            [program, f"--config-file={config}", "--print-address=1", "--nofork"]
        ),
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        stdin=subprocess.DEVNULL,
    )
    assert process.stdout is not None
    ready, _, _ = select.select([process.stdout], [], [], START_TIMEOUT_S)
    line = process.stdout.readline().decode().strip() if ready else ""
    if not line:
        process.kill()
        process.wait()
        shutil.rmtree(folder, ignore_errors=True)
        raise RuntimeError("dbus-daemon did not say where it listens")
    return PrivateBus(line, process, folder)


def send(address: str, *args: str, wait_s: float = 10.0) -> str:
    """Run ``dbus-send --bus=address --print-reply args`` and return what it printed.

    The Qt event loop keeps running meanwhile: the app being called is this
    process, and it can only answer from there.
    """
    from PySide6.QtCore import QCoreApplication, QEventLoop

    process = subprocess.Popen(
        ["dbus-send", f"--bus={address}", "--print-reply", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + wait_s
    while process.poll() is None and time.monotonic() < deadline:
        QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 10)
        time.sleep(0.002)
    if process.poll() is None:
        process.kill()
    out, _ = process.communicate()
    text = out.decode()
    if process.returncode != 0:
        raise AssertionError(f"dbus-send {' '.join(args)} failed: {text}")
    return text
