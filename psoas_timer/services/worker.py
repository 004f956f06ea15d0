"""A thread with its own Qt event loop, for objects whose calls can block for good.

Some of Qt's platform services wait inside C++ on another process: the speech
engine waits for speech-dispatcher to answer, and the first use of the audio
back end waits for the sound server. Such a wait must never happen on the GUI
thread, and moving it to a thread is not enough on its own: PySide keeps
Python's interpreter lock through a C++ call made from Python, so a Python slot
blocked in one freezes every Python thread, the GUI's included. Objects handed
to :class:`Worker` are therefore driven only with :meth:`Worker.call`, a queued
invocation of their own Qt slot, which the worker's event loop runs in C++
without the interpreter lock.

The thread is a daemon Python thread rather than a :class:`QThread`: a call that
never returns cannot be ended, and a QThread still running when it is destroyed
aborts the whole process. A daemon thread stuck in C++ is simply left behind when
the app quits; its frame keeps the objects it hosts alive, so Python never
destroys them from another thread.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

import shiboken6
from PySide6.QtCore import Q_ARG, QEventLoop, QMetaObject, QObject, Qt, QThread

log = logging.getLogger(__name__)

#: Starting a thread and its event loop takes well under a millisecond; this
#: only guards the GUI against a machine out of threads.
START_TIMEOUT_S = 2.0


class WorkerError(RuntimeError):
    """The worker thread could not be started."""


class Worker:
    """One daemon thread running a Qt event loop; objects are moved onto it with :meth:`adopt`."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._thread: threading.Thread | None = None
        self._loop: QEventLoop | None = None
        self._qthread: QThread | None = None
        self._hosted: list[QObject] = []

    def start(self) -> None:
        started = threading.Event()
        hosted = self._hosted

        def run() -> None:
            loop = QEventLoop()
            self._loop = loop
            self._qthread = QThread.currentThread()
            started.set()
            loop.exec()
            # Destroyed here, on the thread they belong to, and only once the
            # loop has ended: never while one of their calls is still running.
            while hosted:
                shiboken6.delete(hosted.pop())
            shiboken6.delete(loop)

        thread = threading.Thread(target=run, name=self.name, daemon=True)
        try:
            thread.start()
        except RuntimeError as exc:
            raise WorkerError(f"could not start a thread ({exc})") from exc
        if not started.wait(START_TIMEOUT_S):
            raise WorkerError("the thread did not start")
        self._thread = thread

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def adopt(self, obj: QObject) -> None:
        """Move ``obj`` (made on the GUI thread, without a parent) onto this thread.

        From now on only :meth:`call` may touch it; it is destroyed with the thread.
        """
        if self._qthread is None:
            raise WorkerError("the worker has not been started")
        obj.moveToThread(self._qthread)
        self._hosted.append(obj)

    def call(self, obj: QObject, slot: str, *args: Any) -> None:
        """Queue ``obj.slot(*args)`` on this thread and return at once."""
        arguments = [Q_ARG(type(arg), arg) for arg in args]
        if not QMetaObject.invokeMethod(obj, slot, Qt.ConnectionType.QueuedConnection, *arguments):
            log.warning("%s: %s has no slot %s", self.name, type(obj).__name__, slot)

    def stop(self, wait_s: float) -> bool:
        """Ask the thread to end, wait at most ``wait_s``; True if it has ended.

        A thread that does not end in time is stuck in a call that may never
        return: it is left behind, and so are the objects it hosts.
        """
        thread, loop = self._thread, self._loop
        self._thread = self._loop = self._qthread = None
        if thread is None or loop is None:
            return True
        QMetaObject.invokeMethod(loop, "quit", Qt.ConnectionType.QueuedConnection)
        if wait_s <= 0:
            return not thread.is_alive()  # it ends on its own once its call returns
        thread.join(wait_s)
        if thread.is_alive():
            log.warning("%s: a call has not returned; the thread is left behind", self.name)
            return False
        return True
