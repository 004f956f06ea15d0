"""The package's shape: every subpackage ships in the wheel; no module grows past a page-turn."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "psoas_timer"
MAX_MODULE_LINES = 500


def test_every_subpackage_is_listed_for_the_wheel() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))
    listed = set(config["tool"]["setuptools"]["packages"])
    found = {".".join(init.parent.relative_to(ROOT).parts) for init in PACKAGE.rglob("__init__.py")}
    assert found - listed == set(), "add these to [tool.setuptools] packages"


def test_no_module_is_over_the_line_limit() -> None:
    long = {
        str(module.relative_to(ROOT)): lines
        for module in PACKAGE.rglob("*.py")
        if (lines := len(module.read_text("utf-8").splitlines())) > MAX_MODULE_LINES
    }
    assert long == {}
