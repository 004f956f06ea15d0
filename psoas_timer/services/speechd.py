"""Is speech-dispatcher answering? Asked before Qt connects to it.

Qt's speech-dispatcher engine connects through libspeechd, which waits for the
daemon's first answer for as long as that takes. Worse, if that connection
breaks while Qt is still setting the engine up (the hung daemon is killed, say),
libspeechd 0.11 reads the missing reply to its next request as a string and
crashes the process. So the app asks first, itself and with a deadline, at the
address libspeechd will use, after the autospawn libspeechd would do, with the
request libspeechd sends first. Only a daemon that answered is handed to Qt.

Plain sockets and a subprocess: safe to run on any thread, and they never hold
Python's interpreter lock while they wait.
"""

from __future__ import annotations

import contextlib
import enum
import getpass
import os
import shutil
import socket
import subprocess
import time
from pathlib import Path

#: speech-dispatcher's own default port (libspeechd.h, SPEECHD_DEFAULT_PORT).
DEFAULT_PORT = 6560

UnixAddress = str
InetAddress = tuple[str, int]


class Answer(enum.Enum):
    YES = "yes"  # it answered: Qt may connect
    NO_DAEMON = "no daemon"  # nothing listens and none could be started; Qt will say so
    SILENT = "silent"  # it took the connection but gave no proper answer in time


def _runtime_dir() -> Path:
    # GLib's g_get_user_runtime_dir(), which libspeechd asks: XDG_RUNTIME_DIR,
    # else the user's cache folder.
    runtime = os.environ.get("XDG_RUNTIME_DIR")
    if runtime:
        return Path(runtime)
    cache = os.environ.get("XDG_CACHE_HOME")
    if cache:
        return Path(cache)
    return Path.home() / ".cache"


def address() -> UnixAddress | InetAddress | None:
    """Where libspeechd will connect: SPEECHD_ADDRESS, else the user's socket.

    None for a method libspeechd does not support (Qt reports that itself).
    """
    setting = os.environ.get("SPEECHD_ADDRESS")
    default = str(_runtime_dir() / "speech-dispatcher" / "speechd.sock")
    if setting is None:
        return default
    parts = setting.split(":")
    if parts[0] in ("", "unix_socket"):
        return parts[1] if len(parts) > 1 else default
    if parts[0] == "inet_socket":
        host = parts[1] if len(parts) > 1 else "127.0.0.1"
        try:
            port = int(parts[2]) if len(parts) > 2 else DEFAULT_PORT
        except ValueError:
            port = 0  # as atoi() reads it
        return (host, port)
    return None


def _connect(where: UnixAddress | InetAddress, timeout_s: float) -> socket.socket | None:
    if isinstance(where, str):
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        target: str | InetAddress = where
    else:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        target = where
    sock.settimeout(max(timeout_s, 0.001))
    try:
        sock.connect(target)
    except OSError:
        sock.close()
        return None
    return sock


def _spawn(where: UnixAddress | InetAddress, timeout_s: float) -> None:
    """Start the daemon the way libspeechd's autospawn does (it waits for it too)."""
    binary = shutil.which("speech-dispatcher")
    if binary is None:
        return
    if isinstance(where, str):
        method = ["unix_socket", "--socket-path", where]
    elif where[0] in ("127.0.0.1", "localhost"):
        method = ["inet_socket", "--port", str(where[1])]
    else:
        return  # libspeechd starts no daemon on another machine either
    with contextlib.suppress(OSError, subprocess.TimeoutExpired):
        subprocess.run(
            [binary, "--spawn", "--communication-method", *method],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            timeout=max(timeout_s, 0.001),
            check=False,
        )


def probe(timeout_s: float) -> Answer:
    """Connect (starting the daemon if needed) and wait at most ``timeout_s`` for its answer."""
    deadline = time.monotonic() + timeout_s
    where = address()
    if where is None:
        return Answer.NO_DAEMON
    sock = _connect(where, timeout_s)
    if sock is None:
        _spawn(where, deadline - time.monotonic())
        sock = _connect(where, deadline - time.monotonic())
        if sock is None:
            return Answer.SILENT if time.monotonic() >= deadline else Answer.NO_DAEMON
    try:
        sock.settimeout(max(deadline - time.monotonic(), 0.001))
        sock.sendall(f'SET SELF CLIENT_NAME "{_user()}:psoas-timer:probe"\r\n'.encode())
        reply = b""
        while b"\n" not in reply:
            sock.settimeout(max(deadline - time.monotonic(), 0.001))
            chunk = sock.recv(256)
            if not chunk:
                return Answer.SILENT  # hung up on us
            reply += chunk
        with contextlib.suppress(OSError):
            sock.sendall(b"QUIT\r\n")
        # Any status line, even a refusal, shows a daemon that answers. Anything
        # else would make libspeechd exit the process.
        return Answer.YES if reply[:3].isdigit() else Answer.SILENT
    except OSError:  # TimeoutError included
        return Answer.SILENT
    finally:
        sock.close()


def _user() -> str:
    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return "user"
