"""Writing the physiotherapist's report from the command line and from the window.

``psoas-timer report [-o FILE.pdf] [--from DATE] [--to DATE]`` covers the days
from ``--from`` to ``--to`` (both included); ``--to`` is today by default and
``--from`` the start of the last :data:`DEFAULT_DAYS` days up to ``--to``.
"""

from __future__ import annotations

import os
import sys
from datetime import date, datetime, timedelta
from pathlib import Path

from PySide6.QtWidgets import QWidget

from psoas_timer.core.catalog import Catalog, load_catalog
from psoas_timer.core.clock import WallClock, system_wall
from psoas_timer.core.i18n import N_, _, ngettext
from psoas_timer.core.progress import DateRange
from psoas_timer.paths import Paths
from psoas_timer.services.saving import SaveService
from psoas_timer.store import Store, StoreError
from psoas_timer.ui import prompts
from psoas_timer.ui.progress.names import catalog_names
from psoas_timer.ui.progress.report import (
    DEFAULT_DAYS,
    ReportContent,
    ReportError,
    report_content,
    write_report,
)

PDF_FILTER = N_("PDF document (*.pdf)")


def report_days(first: date | None, last: date | None, today: date) -> tuple[date, date]:
    """The days a report covers, with the defaults filled in."""
    end = last or today
    return first or end - timedelta(days=DEFAULT_DAYS - 1), end


def default_report_path(folder: Path, last: date) -> Path:
    return folder / f"psoas-timer-report-{last.isoformat()}.pdf"


def content_from_store(
    store: Store, catalog: Catalog, first: date, last: date, written: datetime
) -> ReportContent:
    tools, positions = catalog_names(catalog)
    return report_content(
        store.progress_sessions(),
        first,
        last,
        written=written,
        disclaimer=catalog.safety.disclaimer,
        tool_names=tools,
        position_names=positions,
    )


def run_report(
    where: Paths,
    output: Path | None,
    first: date | None,
    last: date | None,
    wall: WallClock = system_wall,
) -> int:
    """The ``report`` command: 0 when written, 1 when it could not be, 2 for bad input."""
    now = wall().astimezone()
    first, last = report_days(first, last, now.date())
    if first > last:
        print(
            "psoas-timer: "
            + _("--from {first} is after --to {last}.").format(first=first, last=last),
            file=sys.stderr,
        )
        return 2
    path = output if output is not None else default_report_path(Path.cwd(), last)
    if not path.suffix:
        path = path.with_suffix(".pdf")
    # Drawing a PDF needs Qt's fonts and painter but no window.
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtGui import QGuiApplication

    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    del app
    catalog = load_catalog(user_tools=where.user_tools)
    try:
        with Store.open(where.database) as store:
            content = content_from_store(store, catalog, first, last, now)
        write_report(path, content)
    except (StoreError, ReportError) as exc:
        print(f"psoas-timer: {exc}", file=sys.stderr)
        return 1
    count = len(content.chosen)
    print(
        ngettext(
            "Report of {n} session from {first} to {last} written to {file}",
            "Report of {n} sessions from {first} to {last} written to {file}",
            count,
        ).format(n=count, first=first, last=last, file=path),
        file=sys.stderr,
    )
    return 0


def save_report_from_window(
    parent: QWidget,
    saving: SaveService,
    catalog: Catalog,
    date_range: DateRange,
    now: datetime,
) -> Path | None:
    """File → Report…: ask where, then write the report over ``date_range``.

    Returns where it was written, or ``None`` when nothing was (cancelled, or
    a problem that was shown).
    """
    today = now.astimezone().date()
    try:
        sessions = saving.progress_sessions()
    except StoreError as exc:
        prompts.warn(
            parent, _("No report"), _("The log could not be read: {error}").format(error=exc)
        )
        return None
    first = date_range.first_day(today) or (sessions[0].day if sessions else today)
    suggested = default_report_path(Path.home(), today)
    chosen, _filter = prompts.choose_save_file(
        parent, _("Save the report for your physiotherapist"), str(suggested), _(PDF_FILTER)
    )
    if not chosen:
        return None
    path = Path(chosen)
    if not path.suffix:
        path = path.with_suffix(".pdf")
    tools, positions = catalog_names(catalog)
    try:
        content = report_content(
            sessions,
            first,
            today,
            written=now,
            disclaimer=catalog.safety.disclaimer,
            tool_names=tools,
            position_names=positions,
        )
        write_report(path, content)
    except ReportError as exc:
        prompts.warn(parent, _("Report not saved"), str(exc))
        return None
    return path
