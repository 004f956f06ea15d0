"""The core must stay free of Qt so that it can be tested and reused headless."""

from __future__ import annotations

import subprocess
import sys


def test_importing_core_loads_no_qt_or_pyqtgraph() -> None:
    code = (
        "import sys\n"
        "import psoas_timer.core, psoas_timer.core.engine, psoas_timer.core.catalog\n"
        "import psoas_timer.core.settings, psoas_timer.core.plan, psoas_timer.core.units\n"
        "import psoas_timer.core.progress, psoas_timer.core.clock, psoas_timer.store\n"
        "import psoas_timer.store.saving, psoas_timer.store.pending_file\n"
        "qt = ('PySide6', 'shiboken6', 'pyqtgraph')\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in qt)\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
