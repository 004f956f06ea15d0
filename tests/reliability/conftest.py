"""Fixtures for the reliability tests: real windows on real folders, and small disks."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest


class SmallDisk:
    """A tmpfs of a few hundred KiB, mounted for one test, that can fill up or go read-only."""

    def __init__(self, mount_point: Path) -> None:
        self.path = mount_point
        self._fillers: list[Path] = []

    def _run(self, *args: str) -> None:
        subprocess.run(args, check=True, capture_output=True, timeout=30)

    def fill(self) -> int:
        """Fill every free byte; return how many bytes that took."""
        total = 0
        filler = self.path / f"filler-{len(self._fillers)}"
        self._fillers.append(filler)
        with filler.open("wb", buffering=0) as f:
            for chunk in (65536, 4096, 512, 64, 1):
                block = b"\0" * chunk
                while True:
                    try:
                        written = f.write(block)
                    except OSError:
                        break
                    total += written or 0
                    if not written:
                        break
        assert shutil.disk_usage(self.path).free < 4096
        return total

    def make_room(self) -> None:
        for filler in self._fillers:
            filler.unlink(missing_ok=True)
        self._fillers.clear()

    def read_only(self) -> None:
        self._run("mount", "-o", "remount,ro", str(self.path))

    def writable(self) -> None:
        self._run("mount", "-o", "remount,rw", str(self.path))


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
