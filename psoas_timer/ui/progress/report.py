"""A report for the physiotherapist: one or two A4 pages of PDF, written by Qt itself.

Page one: the dates, the headline per side with its two measures, and the
tenderness and carry-over chart. Page two: which tool and position works,
left against right, the dose and whether more pressure helped, the next-day
checks, what the two measures mean and the app's disclaimer. Text stays text
in the PDF, so it can be searched and copied.

Needs a QGuiApplication (no widgets, no pyqtgraph): the command line makes
one on the offscreen platform.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from html import escape
from pathlib import Path
from statistics import fmean
from typing import Final

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QMarginsF, QRectF, QSizeF
from PySide6.QtGui import QPageLayout, QPageSize, QPainter, QPdfWriter, QTextDocument

from psoas_timer.core.compare import (
    METHOD_HEADERS,
    asymmetry,
    asymmetry_text,
    compare_methods,
    number,
)
from psoas_timer.core.dates import day_text, month_year
from psoas_timer.core.dose import LevelRow, RestNote, by_level, level_text, rest_notes
from psoas_timer.core.fileio import atomic_write
from psoas_timer.core.headline import headline, headline_text, rule_text, side_summary
from psoas_timer.core.i18n import _, decimal, ngettext
from psoas_timer.core.narration import stop_reason_phrase, where
from psoas_timer.core.next_day import check_text
from psoas_timer.core.progress import (
    Progress,
    ProgressSession,
    build_progress,
    carry_overs,
    carry_text,
    drop_text,
)
from psoas_timer.core.vocab import SIDE_VALUES, Side
from psoas_timer.ui.progress.report_chart import draw_chart
from psoas_timer.ui.theme import LIGHT

#: What the report covers when no start is given: the page's "Last 90 days".
DEFAULT_DAYS: Final = 90
RESOLUTION: Final = 300  # dots per inch of the PDF's drawing coordinates
#: Next-day checks listed one by one; the rest are counted.
LISTED_CHECKS: Final = 8


class ReportError(Exception):
    """The report could not be written; ``str()`` says why and what to do."""


@dataclass(frozen=True)
class ReportContent:
    """Everything the report says, worked out from the log; drawn by :func:`render`."""

    first: date
    last: date
    written: datetime
    chosen: list[ProgressSession]
    progress: Progress
    headlines: dict[Side, str]
    summaries: dict[Side, str]
    methods_html: str
    asymmetry: str
    levels: dict[Side, list[LevelRow]]
    minutes: dict[Side, str]
    notes: list[RestNote]
    checks: list[str]
    checks_summary: str
    disclaimer: str
    tool_names: dict[str, str] = field(default_factory=dict)
    #: Each session in which Stop was pressed: its day, tool, and on which side why.
    stops: list[str] = field(default_factory=list)


def report_content(
    sessions: Sequence[ProgressSession],
    first: date,
    last: date,
    *,
    written: datetime,
    disclaimer: str,
    tool_names: Mapping[str, str] | None = None,
    position_names: Mapping[tuple[str, str], str] | None = None,
) -> ReportContent:
    """What to report on the sessions from ``first`` to ``last`` (both included)."""
    if first > last:
        raise ReportError(
            _("The report cannot start ({first}) after it ends ({last}).").format(
                first=first, last=last
            )
        )
    names = dict(tool_names or {})
    positions = dict(position_names or {})
    everything = sorted(sessions, key=lambda s: (s.day, s.started_at))
    carried = {side: carry_overs(everything, side) for side in SIDE_VALUES}
    chosen = [s for s in everything if first <= s.day <= last]
    progress = build_progress(chosen, today=last, carried=carried)
    rows = compare_methods(chosen, carried)
    methods = "".join(
        "<tr>"
        + "".join(
            f"<td{' align=center' if i >= 2 else ''}>{escape(cell)}</td>"
            for i, cell in enumerate(
                (
                    names.get(r.tool_id, r.tool_id),
                    positions.get((r.tool_id, r.position_id), r.position_id),
                    str(r.sessions),
                    number(r.mean_drop),
                    number(r.mean_carry_over, signed=True),
                    number(r.median_release),
                    _("{n} of {total}").format(n=r.worse_next_day, total=r.next_day_checks)
                    if r.next_day_checks
                    else "–",
                )
            )
        )
        + "</tr>"
        for r in rows
    )
    minutes: dict[Side, str] = {}
    for side in SIDE_VALUES:
        times = [
            result.under_pressure_s / 60
            for s in chosen
            if (result := s.side(side)) is not None and result.under_pressure_s is not None
        ]
        minutes[side] = (
            _("{mean} min under pressure per session on average (from {low} to {high})").format(
                mean=decimal(fmean(times)), low=decimal(min(times)), high=decimal(max(times))
            )
            if times
            else _("no sets")
        )
    answered = [s for s in chosen if s.next_day is not None]
    counts = {f: sum(s.next_day == f for s in answered) for f in ("better", "same", "worse")}
    sore = sum(bool(s.lasting_soreness) for s in answered)
    checks_summary = (
        _(
            "{n} answered: {better} better, {same} the same, {worse} worse; bruising or "
            "soreness lasting more than a day after {sore}."
        ).format(n=len(answered), sore=sore, **counts)
        if answered
        else _("No next-day checks were answered in this period.")
    )
    checks = [
        _("{day}, {tool}: {answer}").format(
            day=day_text(s.day),
            tool=names.get(s.tool_id, s.tool_id),
            answer=check_text(s.next_day, s.lasting_soreness),
        )
        for s in answered[-LISTED_CHECKS:]
    ]
    return ReportContent(
        first=first,
        last=last,
        written=written,
        chosen=chosen,
        progress=progress,
        headlines={
            side: headline_text(side, headline(progress.side(side).before)) for side in SIDE_VALUES
        },
        summaries={side: side_summary(progress.side(side)) for side in SIDE_VALUES},
        methods_html=methods,
        asymmetry=asymmetry_text(asymmetry(chosen)),
        levels={side: by_level(chosen, side, carried[side]) for side in SIDE_VALUES},
        minutes=minutes,
        notes=[n for side in SIDE_VALUES for n in rest_notes(chosen, side, last)],
        checks=checks,
        checks_summary=checks_summary,
        disclaimer=disclaimer,
        tool_names=names,
        stops=[
            _("{day}, {tool}: {answer}").format(
                day=day_text(s.day),
                tool=names.get(s.tool_id, s.tool_id),
                answer="; ".join(
                    _("{side}, {reason}").format(
                        side=_("left side") if side == "left" else _("right side"),
                        reason=stop_reason_phrase(why),
                    )
                    for side, why in s.stops
                ),
            )
            for s in chosen
            if s.stops
        ],
    )


# Printed on white paper whatever the screen's theme: the light palette.
_STYLE: Final = (
    f"<style>body {{ font-family: 'DejaVu Sans'; font-size: 9pt; color: {LIGHT.text}; }}"
    "h1 { font-size: 15pt; } h2 { font-size: 11pt; margin-top: 10pt; }"
    f"td, th {{ padding: 2pt 4pt; }} th {{ background: {LIGHT.window}; }}"
    f".small {{ font-size: 7.5pt; color: {LIGHT.muted}; }}</style>"
)


def _day(d: date) -> str:
    return _("{day} {month_year}").format(day=d.day, month_year=month_year(d))


def first_page_html(content: ReportContent) -> str:
    c = content
    sessions = len(c.chosen)
    lines = [
        _STYLE,
        "<h1>{}</h1>".format(escape(_("Psoas Timer — progress report"))),
        "<p>{}</p>".format(
            ngettext(
                "Sessions from <b>{first}</b> to <b>{last}</b>: {n} session. Written {written}.",
                "Sessions from <b>{first}</b> to <b>{last}</b>: {n} sessions. Written {written}.",
                sessions,
            ).format(
                first=_day(c.first), last=_day(c.last), n=sessions, written=_day(c.written.date())
            )
        ),
        "<h2>{}</h2>".format(escape(_("Is it working?"))),
    ]
    for side in SIDE_VALUES:
        lines.append(f"<p><b>{escape(c.headlines[side])}</b><br>")
        lines.append(
            escape(_("{side} — {summary}").format(side=where(side), summary=c.summaries[side]))
            + "</p>"
        )
    lines.append(f"<p class=small>{escape(rule_text())}</p>")
    return "".join(lines)


def second_page_html(content: ReportContent) -> str:
    c = content
    head = "".join(f"<th>{escape(_(h))}</th>" for h in METHOD_HEADERS)
    lines = [
        _STYLE,
        _heading(_("Which tool and position works")),
        f"<table border=1 cellspacing=0 width=100%><tr>{head}</tr>{c.methods_html}</table>",
        _small(
            _(
                "Drop and carry-over are in points on the 0–10 scale, averaged over "
                "both sides. A session's carry-over counts for that session's tool and position."
            )
        ),
        _heading(_("Left against right")),
        f"<p>{escape(c.asymmetry)}</p>",
        _heading(_("Dose")),
    ]
    for side in SIDE_VALUES:
        levels = "; ".join(level_text(r) for r in c.levels[side])
        by_level = (
            "<br>"
            + escape(_("By highest pressure level reached — {levels}.").format(levels=levels))
            if levels
            else ""
        )
        lines.append(
            f"<p><b>{escape(_('{side}:').format(side=where(side)))}</b> "
            f"{escape(c.minutes[side])}.{by_level}</p>"
        )
    for note in c.notes:
        lines.append(f"<p>• {escape(note.text)}</p>")
    lines.append(_heading(_("Next-day checks")))
    lines.append(f"<p>{escape(c.checks_summary)}</p>")
    if c.checks:
        latest = "<br>".join(escape(t) for t in c.checks)
        lines.append(f"<p class=small>{escape(_('Latest:'))} {latest}</p>")
    lines.append(_heading(_("Sets stopped because something felt wrong")))
    if c.stops:
        lines.append("<p>" + "<br>".join(escape(t) for t in c.stops) + "</p>")
    else:
        lines.append("<p>{}</p>".format(escape(_("None in this period."))))
    lines += [
        _heading(_("What the measures mean")),
        f"<p class=small>{escape(drop_text())}<br>{escape(carry_text())}</p>",
        f"<p class=small><b>{escape(c.disclaimer)}</b></p>",
    ]
    return "".join(lines)


def _heading(text: str) -> str:
    return f"<h2>{escape(text)}</h2>"


def _small(text: str) -> str:
    return f"<p class=small>{escape(text)}</p>"


def render(writer: QPdfWriter, content: ReportContent) -> None:
    """Draw the report onto ``writer``, page by page."""
    painter = QPainter(writer)
    try:
        area = QRectF(writer.pageLayout().paintRectPixels(writer.resolution()))
        area.moveTo(0, 0)
        pt = writer.resolution() / 72
        top = _document(first_page_html(content), writer, area.width())
        painter.save()
        top.drawContents(painter)
        painter.restore()
        chart_top = top.size().height() + 6 * pt
        chart = QRectF(area.left(), chart_top, area.width(), area.height() - chart_top)
        draw_chart(
            painter, chart, pt, content.progress, content.chosen, content.first, content.last
        )
        rest = _document(second_page_html(content), writer, area.width())
        rest.setPageSize(QSizeF(area.width(), area.height()))
        for page in range(rest.pageCount()):
            writer.newPage()
            painter.save()
            painter.translate(0, -page * area.height())
            rest.drawContents(painter, QRectF(0, page * area.height(), area.width(), area.height()))
            painter.restore()
    finally:
        painter.end()


def _document(html: str, writer: QPdfWriter, width: float) -> QTextDocument:
    document = QTextDocument()
    # Point sizes are then measured on the PDF's own resolution, not the screen's.
    document.documentLayout().setPaintDevice(writer)
    document.setHtml(html)
    document.setTextWidth(width)
    return document


def pdf_bytes(content: ReportContent) -> bytes:
    buffer = QByteArray()
    device = QBuffer(buffer)
    device.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = QPdfWriter(device)
    writer.setResolution(RESOLUTION)
    writer.setTitle(_("Psoas Timer progress report"))
    writer.setCreator("Psoas Timer")
    writer.setPageLayout(
        QPageLayout(
            QPageSize(QPageSize.PageSizeId.A4),
            QPageLayout.Orientation.Portrait,
            QMarginsF(15, 15, 15, 15),
            QPageLayout.Unit.Millimeter,
        )
    )
    render(writer, content)
    device.close()
    return bytes(buffer.data())


def write_report(path: Path, content: ReportContent) -> None:
    """Write the report to ``path`` whole, or leave what was there."""
    data = pdf_bytes(content)
    try:
        atomic_write(path, data, mode=0o600, make_folder=False)
    except OSError as exc:
        raise ReportError(
            _(
                "The report could not be saved to {file} ({error}). "
                "Choose another folder or free some space."
            ).format(file=path, error=exc.strerror or exc)
        ) from exc
