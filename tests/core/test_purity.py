"""The core must stay free of Qt so that it can be tested and reused headless."""

from __future__ import annotations

import subprocess
import sys


def test_importing_core_loads_no_qt_or_pyqtgraph() -> None:
    # Every module of both packages, so a new one is covered without a mention here.
    code = (
        "import importlib, pkgutil, sys\n"
        "import psoas_timer.core, psoas_timer.store\n"
        "for package in (psoas_timer.core, psoas_timer.store):\n"
        "    prefix = package.__name__ + '.'\n"
        "    for module in pkgutil.walk_packages(package.__path__, prefix):\n"
        "        importlib.import_module(module.name)\n"
        "qt = ('PySide6', 'shiboken6', 'pyqtgraph')\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in qt)\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
