"""Writing a whole file so that a crash never leaves half of it."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path


def atomic_write(
    path: Path, payload: bytes, mode: int = 0o600, *, make_folder: bool = True
) -> None:
    """Replace ``path`` with ``payload``: afterwards it holds the old content or the new.

    The bytes go to a temporary file beside ``path``, reach the disk, and only
    then is the file renamed over ``path``. ``mode`` is set before anything is
    written, so private content is never readable by others, not even for a
    moment. ``make_folder`` creates the missing folders first; without it a
    missing folder is an error. ``OSError`` is raised as it comes, after the
    temporary file has been removed.
    """
    if make_folder:
        path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            Path(temp).chmod(mode)
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        Path(temp).replace(path)
    except BaseException:
        with contextlib.suppress(OSError):
            Path(temp).unlink()
        raise
    _fsync_folder(path.parent)


def _fsync_folder(folder: Path) -> None:
    # Makes the rename itself durable. Not every platform lets a folder be
    # opened or synced, and the new content is safe on disk by now either way.
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        with contextlib.suppress(OSError):
            os.fsync(fd)
    finally:
        os.close(fd)
