"""File → Export log, Import log and Save chart: the flows behind those menu items.

Kept apart from the window so it only wires them up. Importing this module
does not import pyqtgraph; the charts are reached only once they exist.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QWidget

from psoas_timer.core.i18n import _, ngettext
from psoas_timer.services.saving import SaveService
from psoas_timer.store import StoreError
from psoas_timer.store.saving import Outcome
from psoas_timer.ui import prompts

if TYPE_CHECKING:
    from psoas_timer.ui.progress.charts import ProgressCharts

#: Shows a message in the status bar for ``timeout`` milliseconds (0: until replaced).
ShowStatus = Callable[[str, int], None]


class LogCommands:
    def __init__(self, parent: QWidget, saving: SaveService, show_status: ShowStatus) -> None:
        self.parent = parent
        self.saving = saving
        self.show_status = show_status

    def export_log(self) -> None:
        path, chosen = prompts.choose_save_file(
            self.parent,
            _("Export the log"),
            str(Path.home() / "psoas-timer-log.csv"),
            _("CSV, for spreadsheets (*.csv);;JSON (*.json)"),
        )
        if not path:
            return
        target = Path(path)
        if not target.suffix:
            target = target.with_suffix(".json" if "json" in chosen.lower() else ".csv")
        self.export_to(target)

    def export_to(self, target: Path) -> bool:
        try:
            count = self.saving.export_to(target)
        except StoreError as exc:
            prompts.warn(self.parent, _("Export failed"), str(exc))
            return False
        self.show_status(
            ngettext(
                "Exported {n} session to {file}.", "Exported {n} sessions to {file}.", count
            ).format(n=count, file=target),
            10000,
        )
        return True

    def import_log(self) -> None:
        path, _filter = prompts.choose_open_file(
            self.parent,
            _("Import a log"),
            str(Path.home()),
            _("Logs (*.csv *.json);;All files (*)"),
        )
        if path:
            self.import_from(Path(path))

    def import_from(self, path: Path) -> bool:
        submitted = self.saving.import_file(path)
        if submitted.outcome is not Outcome.SAVED or submitted.saved is None:
            prompts.warn(self.parent, _("Nothing was imported"), str(submitted.refusal))
            return False
        self.show_status(_("Saved: {what}.").format(what=submitted.saved.what), 10000)
        return True

    def choose_chart_file(self) -> tuple[Path, str] | None:
        path, chosen = prompts.choose_save_file(
            self.parent,
            _("Save the chart"),
            str(Path.home() / "psoas-timer-progress.png"),
            _("PNG image (*.png);;SVG drawing (*.svg)"),
        )
        if not path:
            return None
        return Path(path), "svg" if "svg" in chosen.lower() else "png"

    def save_chart(self, charts: ProgressCharts, path: Path, default_format: str = "png") -> bool:
        from psoas_timer.ui.progress.charts import ChartExportError

        if not path.suffix:
            path = path.with_suffix(f".{default_format}")
        try:
            charts.export_chart(path)
        except ChartExportError as exc:
            prompts.warn(self.parent, _("Chart not saved"), str(exc))
            return False
        self.show_status(_("Chart saved to {file}.").format(file=path), 10000)
        return True
