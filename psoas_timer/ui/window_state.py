"""The main window's size and place, kept from one run to the next."""

from __future__ import annotations

import json
import logging
from pathlib import Path

from PySide6.QtCore import QByteArray
from PySide6.QtWidgets import QWidget

from psoas_timer.core.fileio import atomic_write

log = logging.getLogger(__name__)

DEFAULT_SIZE = (1100, 760)


def restore_geometry(window: QWidget, path: Path) -> None:
    """Put ``window`` where it was; a missing or unreadable file gives the default size."""
    try:
        data = json.loads(path.read_text("utf-8"))
        geometry = QByteArray.fromBase64(data["geometry"].encode("ascii"))
        if not window.restoreGeometry(geometry):
            raise ValueError("not a window geometry")
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        window.resize(*DEFAULT_SIZE)


def save_geometry(window: QWidget, path: Path) -> None:
    """Remember where ``window`` is; a failure only costs the size next time."""
    payload = {"geometry": bytes(window.saveGeometry().toBase64().data()).decode("ascii")}
    try:
        atomic_write(path, json.dumps(payload).encode("utf-8"))
    except OSError as exc:
        log.warning("window size not saved: %s", exc)
