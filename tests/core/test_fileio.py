"""Atomic file writes: the old content or the new, never half, never a temporary file left."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from psoas_timer.core.fileio import atomic_write


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def test_the_file_is_replaced_whole_with_its_mode(tmp_path: Path) -> None:
    path = tmp_path / "a" / "b" / "state.json"
    atomic_write(path, b"first")
    assert path.read_bytes() == b"first"
    atomic_write(path, b"second", mode=0o644)
    assert path.read_bytes() == b"second"
    if sys.platform != "win32":
        assert path.stat().st_mode & 0o777 == 0o644
        atomic_write(path, b"third")
        assert path.stat().st_mode & 0o777 == 0o600
    assert leftovers(path.parent) == []


def test_a_failed_write_leaves_the_old_file_and_no_temporary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "settings.json"
    path.write_bytes(b"old")

    def full(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(OSError, match="No space"):
        atomic_write(path, b"new")
    assert path.read_bytes() == b"old"
    assert leftovers(tmp_path) == []


def test_a_missing_folder_is_an_error_when_asked_not_to_make_it(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        atomic_write(tmp_path / "nope" / "export.csv", b"x", make_folder=False)
    assert not (tmp_path / "nope").exists()
