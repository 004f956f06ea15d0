"""The keyboard controls, listed once for the Help menu, the session page and the README."""

from __future__ import annotations

from psoas_timer.ui.widgets.rating import TEN_KEY

SESSION_KEYS: tuple[tuple[str, str], ...] = (
    ("Enter or →", "Start, or go on to the next step"),
    ("Space", "Pause or resume"),
    ("←", "Back off one pressure level (at the base level: pause)"),
    ("R", "Mark the moment the muscle released"),
    ("0–9, " + TEN_KEY, "Rate tenderness when asked (" + TEN_KEY + " = 10)"),
    ("Esc", "End the session (asks first; everything done is kept)"),
    ("F11", "Floor mode: full screen, high contrast"),
    ("Click", "Pause or resume during a set; go on at any other step"),
)

WINDOW_KEYS: tuple[tuple[str, str], ...] = (
    ("Ctrl+,", "Settings"),
    ("Ctrl+P", "Progress"),
    ("Ctrl+H", "History"),
    ("Ctrl+E", "Export"),
    ("Ctrl+Q", "Quit"),
    ("F1", "Keyboard controls"),
)

HINT_LINE = "Space pause · ← back off · R released · Enter next · Esc end"


def keys_html() -> str:
    def table(rows: tuple[tuple[str, str], ...]) -> str:
        cells = "".join(
            f"<tr><td style='padding-right:18px'><b>{key}</b></td><td>{what}</td></tr>"
            for key, what in rows
        )
        return f"<table>{cells}</table>"

    return (
        "<h3>During a session</h3>"
        + table(SESSION_KEYS)
        + "<p>Single keys only: no key combinations are needed on the floor.</p>"
        + "<h3>Anywhere</h3>"
        + table(WINDOW_KEYS)
    )
