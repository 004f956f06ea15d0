"""The kill test, five kills: the long run is ``python -m tests.reliability.kill_test``."""

from __future__ import annotations

import random
import sys
from pathlib import Path

import pytest

from tests.reliability.kill_test import one_run

pytestmark = [pytest.mark.subprocess, pytest.mark.slow]


def test_five_kills_lose_nothing_shown_as_saved(tmp_path: Path) -> None:
    rng = random.Random(5)
    results = [one_run(run, rng, tmp_path, sys.executable) for run in range(1, 6)]
    failed = [(r.run, r.outcome, r.problems) for r in results if not r.ok]
    assert not failed
    assert all(r.api == "recovery_candidates" for r in results if r.api)
    assert sum(r.journaled for r in results) > 0
