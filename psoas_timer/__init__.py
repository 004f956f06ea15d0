"""psoas-timer: breath-paced psoas self-release with a tenderness log."""

from importlib.metadata import PackageNotFoundError, version

APP_ID = "io.github.psoas_timer.PsoasTimer"
APP_NAME = "Psoas Timer"

try:
    __version__ = version("psoas-timer")
except PackageNotFoundError:  # running from a checkout that was never installed
    __version__ = "0.1.0"
