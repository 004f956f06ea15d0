"""Guard against the PySide6 6.12.0 / CPython 3.11 reference leak on None.

That combination drops a reference to None on most calls that return nothing and
aborts with "Fatal Python error: none_dealloc" after a few thousand of them. The
package's version markers keep it out; this test proves that what is installed
survives far more calls than a session makes in minutes.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

CALLS = 20_000

SCRIPT = f"""
import sys
from PySide6.QtCore import QRectF
from PySide6.QtGui import QImage, QPainter
from PySide6.QtWidgets import QApplication, QWidget

app = QApplication([])
widget = QWidget()
image = QImage(64, 64, QImage.Format.Format_ARGB32)
painter = QPainter(image)
before = sys.getrefcount(None)
for i in range({CALLS}):
    painter.drawArc(QRectF(1, 1, 60, 60), 0, 16 * 90)
    widget.update()
    widget.setWindowTitle("x")
painter.end()
print("calls done", {CALLS} * 3, "none refs", before, sys.getrefcount(None))
"""


@pytest.mark.subprocess
def test_many_void_qt_calls_exit_cleanly() -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, (result.returncode, result.stderr[-2000:])
    assert "none_dealloc" not in result.stderr
    assert f"calls done {CALLS * 3}" in result.stdout


def test_installed_pyside_is_not_the_crashing_combination() -> None:
    import PySide6

    version = tuple(int(part) for part in PySide6.__version__.split(".")[:2])
    assert not (sys.version_info[:2] == (3, 11) and version >= (6, 12)), PySide6.__version__
