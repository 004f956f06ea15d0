"""One running copy per data folder: a second start brings the first one forward.

The first process takes a :class:`QLockFile` in the data folder and listens on
a :class:`QLocalServer` named after the folder (``Paths.lock_name``), so two
``--data-dir`` folders never collide. A later start finds the lock taken,
connects, asks the running copy to raise its window, and exits without ever
opening the log: there is only ever one writer.

A copy that crashed leaves its lock file and, on Unix, its socket file behind.
QLockFile sees that the process named in the lock is gone and lets the next
start take it; holding the lock proves any leftover server is dead, so its
socket file is removed before listening again.

A copy that takes the connection and never answers (frozen) is ``BUSY``: the
user may then ask to start anyway, and :meth:`SingleInstance.take_over` takes
the lock only if its holder has ended. A holder still running on this computer
is never displaced; one this computer cannot check (another host sharing the
folder) is displaced only on the user's word (:meth:`SingleInstance.force_take_over`).
"""

from __future__ import annotations

import enum
import logging
import time
from pathlib import Path
from typing import NamedTuple

from PySide6.QtCore import QLockFile, QObject, QSysInfo, Qt, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket
from PySide6.QtWidgets import QWidget

log = logging.getLogger(__name__)

REQUEST = b"raise\n"
REPLY = b"ok\n"
#: How long a second start waits for the first to answer. The first may still
#: be starting up (its event loop not yet running), so this is generous.
ANSWER_TIMEOUT_MS = 8000
#: How long a lock may be held with no server behind it before it is taken
#: as stale (a crashed copy whose process id now belongs to another program).
ORPHAN_LOCK_S = 3.0


class Claim(enum.Enum):
    FIRST = "first"  # this process is the one copy; it now listens
    RAISED = "raised"  # another copy runs and brought its window forward
    BUSY = "busy"  # another copy runs but did not answer in time


class TakeOver(enum.Enum):
    TAKEN = "taken"  # the holder had ended: this process is the one copy now
    ALIVE = "alive"  # the holder still runs on this computer: it keeps the log
    UNSURE = "unsure"  # the holder cannot be checked from here (another computer)


class Holder(NamedTuple):
    """Who holds the lock, as QLockFile recorded it."""

    pid: int
    host: str
    program: str


class SingleInstance(QObject):
    """The lock and the server of the one running copy."""

    activation_requested = Signal()

    def __init__(self, name: str, lock_dir: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.name = name
        self.lock_path = lock_dir / f".{name}.lock"
        self._lock = QLockFile(str(self.lock_path))
        self._lock.setStaleLockTime(0)  # held for as long as the app runs
        self._server: QLocalServer | None = None

    def claim(self) -> Claim:
        """Become the one running copy, or ask the running one to come forward."""
        orphan_since: float | None = None
        while True:
            if self._lock.tryLock(100):
                self._listen()
                return Claim.FIRST
            if self._lock.error() != QLockFile.LockError.LockFailedError:
                # The folder cannot hold a lock file (read-only, say): fall back
                # on the server alone.
                log.warning("no lock file at %s (%s)", self.lock_path, self._lock.error())
                answer = ask_running(self.name, ANSWER_TIMEOUT_MS)
                if answer is not None:
                    return answer
                self._listen()
                return Claim.FIRST
            answer = ask_running(self.name, ANSWER_TIMEOUT_MS)
            if answer is not None:
                return answer
            # Locked, yet nobody listens: the holder is between its lock and
            # its listen (a moment), or the lock outlived a crashed copy whose
            # process id was reused.
            now = time.monotonic()
            orphan_since = orphan_since if orphan_since is not None else now
            if now - orphan_since > ORPHAN_LOCK_S:
                log.warning("taking over the orphaned lock %s", self.lock_path)
                self.lock_path.unlink(missing_ok=True)
                orphan_since = None
            time.sleep(0.05)

    def holder(self) -> Holder | None:
        """The lock's holder, or None if there is no readable lock file."""
        pid, host, program = self._lock.getLockInfo()
        return Holder(pid, host, program) if pid > 0 else None

    def take_over(self) -> tuple[TakeOver, Holder | None]:
        """After the running copy did not answer: become the one copy if it has ended."""
        # QLockFile takes a lock whose process has ended (or whose process id now
        # belongs to another program), and never one whose process still runs.
        if self._lock.tryLock(100):
            log.warning("the copy that did not answer has ended: taking over %s", self.lock_path)
            self._listen()
            return TakeOver.TAKEN, None
        holder = self.holder()
        if holder is not None and holder.host in ("", QSysInfo.machineHostName()):
            return TakeOver.ALIVE, holder
        return TakeOver.UNSURE, holder

    def force_take_over(self) -> bool:
        """On the user's word that the holder has ended: remove its lock and take it.

        Still refused while a process on this computer holds the lock file open.
        """
        if not self._lock.removeStaleLockFile() or not self._lock.tryLock(100):
            log.warning("could not take over %s (%s)", self.lock_path, self._lock.error())
            return False
        log.warning("took over %s on the user's word", self.lock_path)
        self._listen()
        return True

    def _listen(self) -> None:
        server = QLocalServer(self)
        server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        # Only the lock holder gets here, so a server of this name is a leftover.
        QLocalServer.removeServer(self.name)
        if not server.listen(self.name):
            log.warning("cannot listen as %s: %s", self.name, server.errorString())
            return
        server.newConnection.connect(self._accept)
        self._server = server

    def _accept(self) -> None:
        assert self._server is not None
        while self._server.hasPendingConnections():
            socket = self._server.nextPendingConnection()
            socket.readyRead.connect(lambda s=socket: self._read(s))
            socket.disconnected.connect(socket.deleteLater)
            if socket.bytesAvailable():
                self._read(socket)

    def _read(self, socket: QLocalSocket) -> None:
        if not socket.canReadLine():
            return
        request = bytes(socket.readLine().data())
        if request == REQUEST:
            log.info("another start asked for the window: bringing it forward")
            self.activation_requested.emit()
            socket.write(REPLY)
            socket.flush()
        socket.disconnectFromServer()

    def release(self) -> None:
        if self._server is not None:
            self._server.close()
            self._server = None
        if self._lock.isLocked():
            self._lock.unlock()


def ask_running(name: str, timeout_ms: int = ANSWER_TIMEOUT_MS) -> Claim | None:
    """Ask the copy listening as ``name`` to come forward; ``None`` if none listens."""
    socket = QLocalSocket()
    socket.connectToServer(name)
    if not socket.waitForConnected(500):
        return None
    socket.write(REQUEST)
    socket.flush()
    deadline = time.monotonic() + timeout_ms / 1000
    reply = b""
    while REPLY not in reply and time.monotonic() < deadline:
        if socket.waitForReadyRead(100):
            reply += bytes(socket.readAll().data())
        elif socket.state() != QLocalSocket.LocalSocketState.ConnectedState:
            break
    socket.abort()
    return Claim.RAISED if REPLY in reply else Claim.BUSY


def bring_forward(window: QWidget) -> None:
    """Show, un-minimise, raise and activate ``window``."""
    if window.isMinimized():
        window.setWindowState(window.windowState() & ~Qt.WindowState.WindowMinimized)
    window.show()
    window.raise_()
    window.activateWindow()
