"""Which of Qt's Python modules the app has loaded at a moment: for the floor baselines.

    python -m bench.app_modules --smoke --data-dir DIR      # at the first paint
    python -m bench.app_modules --after S --data-dir DIR    # S seconds after start

Runs the app itself, unchanged, in this process. With ``--smoke`` the app's own
"first paint after" line passes through and is followed by a line
``qt modules: QtCore QtGui …`` of the modules loaded when that line was written.
With ``--after`` the app runs normally and the line is printed S seconds after
start (the caller stops the app). Only the app's documented output is relied
on, not its insides.
"""

from __future__ import annotations

import sys
import threading
from typing import TextIO

PREFIX = "qt modules: "
PAINT = "first paint after "


def qt_modules() -> list[str]:
    """The PySide6 modules that wrap a Qt library (QtCore, QtSvg, …) loaded so far."""
    found = {name.split(".")[1] for name in list(sys.modules) if name.startswith("PySide6.Qt")}
    return sorted(found)


def report(out: TextIO) -> None:
    out.write(f"{PREFIX}{' '.join(qt_modules())}\n")
    out.flush()


class _AtPaint:
    """stdout as the app sees it: notes the Qt modules once the first paint is reported."""

    def __init__(self, out: TextIO) -> None:
        self._out = out
        self._state = "waiting"  # then "painted" (its line begun), then "told"

    def write(self, text: str) -> int:
        written = self._out.write(text)
        if self._state == "waiting" and text.startswith(PAINT):
            self._state = "painted"
        if self._state == "painted" and text.endswith("\n"):
            self._state = "told"
            report(self._out)
        return written

    def flush(self) -> None:
        self._out.flush()

    def __getattr__(self, name: str) -> object:
        return getattr(self._out, name)


def main(argv: list[str]) -> int:
    args = list(argv)
    if "--after" in args:
        at = args.index("--after")
        seconds = float(args[at + 1])
        del args[at : at + 2]
        timer = threading.Timer(seconds, report, (sys.stdout,))
        timer.daemon = True
        timer.start()
    else:
        sys.stdout = _AtPaint(sys.stdout)
    from psoas_timer.app import main as app_main

    return app_main(args)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
