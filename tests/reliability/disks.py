"""Small disks for the reliability tests: a tmpfs that can fill up or go read-only."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path


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
