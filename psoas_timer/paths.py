"""Every location the app reads or writes, in one place.

``--data-dir`` (:func:`paths_for`) moves all of them under one folder, which
is also how the tests keep their hands off the real user folders. A
:class:`Paths` is passed to whatever needs it; there is no global one.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from pathlib import Path

APP_DIR_NAME = "psoas-timer"


@dataclass(frozen=True)
class Paths:
    data: Path
    config: Path
    cache: Path
    logs: Path

    @property
    def database(self) -> Path:
        return self.data / "psoas-timer.sqlite3"

    @property
    def settings(self) -> Path:
        return self.config / "settings.json"

    @property
    def window_state(self) -> Path:
        return self.config / "window.json"

    @property
    def user_tools(self) -> Path:
        return self.config / "tools"

    @property
    def log_file(self) -> Path:
        return self.logs / "psoas-timer.log"

    @property
    def lock_name(self) -> str:
        # One running writer per data folder, not per machine.
        # A stable digest (str hashes differ between processes). Two checksums
        # rather than hashlib, which would load OpenSSL at start-up for this alone.
        key = str(self.data.resolve()).encode()
        return f"psoas-timer-{zlib.crc32(key):08x}{zlib.adler32(key):08x}"

    @property
    def lock_file(self) -> Path:
        """The lock the running app holds (``services.single_instance``) for this data folder."""
        return self.data / f".{self.lock_name}.lock"

    def ensure(self) -> None:
        for folder in (self.data, self.config, self.cache, self.logs):
            folder.mkdir(parents=True, exist_ok=True, mode=0o700)


def default_paths() -> Paths:
    # Only here: with --data-dir (every test, every benchmark) it is never needed.
    import platformdirs

    return Paths(
        data=Path(platformdirs.user_data_dir(APP_DIR_NAME, appauthor=False)),
        config=Path(platformdirs.user_config_dir(APP_DIR_NAME, appauthor=False)),
        cache=Path(platformdirs.user_cache_dir(APP_DIR_NAME, appauthor=False)),
        logs=Path(platformdirs.user_log_dir(APP_DIR_NAME, appauthor=False)),
    )


def paths_under(root: Path) -> Paths:
    root = root.expanduser().absolute()
    return Paths(root / "data", root / "config", root / "cache", root / "logs")


def paths_for(data_dir: Path | None) -> Paths:
    """Everything under ``data_dir`` when one is given, else the user's usual folders."""
    return paths_under(data_dir) if data_dir is not None else default_paths()
