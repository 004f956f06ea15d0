"""The baseline: a bare PySide6 window with nothing of the app in it.

    python -m bench.bare_window [--smoke | --circle] [--with QtNetwork,QtSvg,…]

With no option it opens a plain window the size of the app's and waits (for
memory and idle figures). ``--smoke`` prints "first paint after N s", counted
from process start exactly as the app's own ``--smoke`` does, and exits.
``--circle`` fills the screen and repaints an antialiased circle at 60 Hz,
printing "ready" once it is painting (for the pacing cost figure).

Only PySide6 is imported, so this is the least any Qt window can cost.
``--with`` also loads those Qt modules before the window is made: the floor,
what the same window costs with the Qt modules the app has loaded by then.
"""

from __future__ import annotations

import importlib
import math
import os
import sys
import time
from pathlib import Path

from PySide6.QtCore import QPointF, Qt, QTimer
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QApplication, QWidget


def process_age() -> float:
    """Seconds since this process started (the same reading the app's ``--smoke`` uses)."""
    fields = Path("/proc/self/stat").read_text("ascii").rpartition(")")[2].split()
    start_ticks = int(fields[19])
    uptime = float(Path("/proc/uptime").read_text("ascii").split()[0])
    return uptime - start_ticks / os.sysconf("SC_CLK_TCK")


class BareWindow(QWidget):
    def __init__(self, smoke: bool) -> None:
        super().__init__()
        self.setWindowTitle("Bare window")
        self.resize(1100, 760)
        self._smoke = smoke
        self._painted = False

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        if self._smoke and not self._painted:
            self._painted = True
            QTimer.singleShot(0, self._report)

    def _report(self) -> None:
        print(f"first paint after {process_age():.3f} s", flush=True)
        QApplication.quit()


class Circle(QWidget):
    """A circle that breathes at 60 frames a second, repainting the whole widget."""

    def __init__(self) -> None:
        super().__init__()
        self.setWindowTitle("Bare circle")
        self._start = time.monotonic()
        self._painted = False
        self._timer = QTimer(self)
        self._timer.setInterval(16)
        self._timer.timeout.connect(self.update)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), QColor("#101418"))
        outer = min(self.width(), self.height()) / 2.0 - 6.0
        phase = (time.monotonic() - self._start) / 10.0 * 2.0 * math.pi
        radius = outer * (0.32 + 0.68 * (1.0 - math.cos(phase)) / 2.0)
        pen = QPen(QColor("#7fd1ff"))
        pen.setWidthF(outer * 0.045)
        painter.setPen(pen)
        fill = QColor("#7fd1ff")
        fill.setAlphaF(0.28)
        painter.setBrush(fill)
        painter.drawEllipse(QPointF(self.width() / 2.0, self.height() / 2.0), radius, radius)
        painter.end()
        if not self._painted:
            self._painted = True
            self._timer.start()
            print("ready", flush=True)


def main(argv: list[str]) -> int:
    if "--with" in argv:
        for name in argv[argv.index("--with") + 1].split(","):
            if name:
                importlib.import_module(f"PySide6.{name}")
    app = QApplication(argv[:1])
    if "--circle" in argv:
        circle = Circle()
        screen = app.primaryScreen()
        circle.setGeometry(screen.geometry())
        circle.setWindowState(Qt.WindowState.WindowFullScreen)
        circle.show()
        return app.exec()
    window = BareWindow(smoke="--smoke" in argv)
    window.show()
    if "--smoke" not in argv:
        print("ready", flush=True)
    return app.exec()


if __name__ == "__main__":
    sys.exit(main(sys.argv))
