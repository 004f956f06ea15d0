"""A private speech-dispatcher for the voice tests, started and ended by the test."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

import pytest

CONFIG = Path("/etc/speech-dispatcher")


@contextmanager
def private_speech_dispatcher(
    env: Mapping[str, str], pulse_server: str | None = None, *, needs_espeak: bool = False
) -> Iterator[Path]:
    """A speech-dispatcher of its own whose audio goes to ``pulse_server`` (``None``:
    a sound server that does not exist). Yields its socket; skips the test where it
    is not installed or does not start; ends it, with its modules, afterwards."""
    binary = shutil.which("speech-dispatcher")
    missing_espeak = needs_espeak and shutil.which("espeak-ng") is None
    if binary is None or not (CONFIG / "speechd.conf").is_file() or missing_espeak:
        pytest.skip(
            "speech-dispatcher is not installed "
            "(apt install speech-dispatcher speech-dispatcher-espeak-ng)"
        )
    runtime = Path(tempfile.mkdtemp(prefix="pt-speechd-"))
    conf = runtime / "conf"
    shutil.copytree(CONFIG, conf)
    with (conf / "speechd.conf").open("a", encoding="utf-8") as handle:
        handle.write('\nAudioOutputMethod "pulse"\n')
    socket = runtime / "speechd.sock"
    daemon = subprocess.Popen(
        [
            binary,
            *("--run-single", "--timeout", "0", "-c", "unix_socket", "-S", str(socket)),
            *("-C", str(conf), "-L", str(runtime), "-P", str(runtime / "pid")),
        ],
        env={
            **env,
            "XDG_RUNTIME_DIR": str(runtime),
            "HOME": str(runtime),
            "PULSE_SERVER": pulse_server or f"unix:{runtime}/no-sound-server",
        },
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # its output modules share its process group
    )
    try:
        deadline = time.monotonic() + 10
        while not socket.exists():
            if daemon.poll() is not None or time.monotonic() > deadline:
                pytest.skip("speech-dispatcher did not start within 10 s")
            time.sleep(0.05)
        yield socket
    finally:
        # A voice given up while its engine was still starting leaves its thread in
        # that call; it ends once the call returns. Killing the daemon under it
        # first would crash libspeechd, and the whole test run with it.
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline and any(
            thread.name == "speech" for thread in threading.enumerate()
        ):
            time.sleep(0.05)
        for sig, wait in ((signal.SIGTERM, 3), (signal.SIGKILL, 5)):
            try:
                os.killpg(daemon.pid, sig)
                daemon.wait(timeout=wait)
                break
            except ProcessLookupError:
                break
            except subprocess.TimeoutExpired:
                continue
        shutil.rmtree(runtime, ignore_errors=True)
