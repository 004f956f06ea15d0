"""Fixtures for the reliability tests: real windows on real folders, and small disks."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.reliability.disks import SmallDisk


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[SmallDisk]:
    """A 1 MiB tmpfs; skipped where this process may not mount one."""
    if os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs needs root; run as root to test a full disk")
    if shutil.which("mount") is None:
        pytest.skip("no mount command here")
    point = tmp_path / "small-disk"
    point.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=1m,mode=0700", "tmpfs", str(point)],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    if done.returncode != 0:
        pytest.skip(f"mounting a tmpfs is not permitted here: {done.stderr.strip()}")
    try:
        yield SmallDisk(point)
    finally:
        subprocess.run(["umount", "-l", str(point)], capture_output=True, timeout=30, check=False)


RunFor = Callable[[float], None]
