"""psoas-timer: breath-paced psoas self-release with a tenderness log."""

APP_ID = "io.github.psoas_timer.PsoasTimer"
APP_NAME = "Psoas Timer"
# The one place the version is written: pyproject.toml reads it from here, and
# a constant costs nothing at start-up where importlib.metadata costs ~30 ms.
__version__ = "0.1.0"
