"""The report's chart, drawn with QPainter: ratings per side above, drop and carry-over below.

Drawn directly rather than by rendering the page's pyqtgraph charts, so it
prints the same whatever the screen and theme, and its words stay text in the
PDF. Over more than about a year it draws weekly means, as the page does.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Final

from PySide6.QtCore import QLineF, QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPainterPath, QPen, QPolygonF

from psoas_timer.core.dates import MONTH_SHORT, month_year
from psoas_timer.core.i18n import _
from psoas_timer.core.narration import where
from psoas_timer.core.progress import (
    WEEKLY_ABOVE_DAYS,
    DayValue,
    Progress,
    ProgressSession,
    rolling_average,
    weekly_means,
)
from psoas_timer.core.vocab import SIDE_VALUES, Side
from psoas_timer.ui.theme import LIGHT

# Printed on white paper whatever the screen's theme: the light palette.
BEFORE: Final = QColor(LIGHT.hold)
AFTER: Final = QColor(LIGHT.inhale)
DROP: Final = QColor(LIGHT.exhale)
CARRY: Final = QColor(LIGHT.warning)
INK: Final = QColor(LIGHT.text)
MUTED: Final = QColor(LIGHT.muted)
GRID: Final = QColor(LIGHT.track).lighter(150)
MARKS: Final = {"better": (DROP, "▼"), "same": (MUTED, "●"), "worse": (CARRY, "▲")}


@dataclass(frozen=True)
class Scale:
    """Maps days and values into a rectangle of the page."""

    rect: QRectF
    first: int  # day ordinals
    last: int
    low: float
    high: float

    def x(self, day: date) -> float:
        span = max(1, self.last - self.first)
        return self.rect.left() + (day.toordinal() - self.first) / span * self.rect.width()

    def y(self, value: float) -> float:
        share = (value - self.low) / (self.high - self.low)
        return self.rect.bottom() - share * self.rect.height()

    def point(self, p: DayValue) -> QPointF:
        return QPointF(self.x(p.day), self.y(p.value))


class ChartPainter:
    """Draws the chart in page units; ``pt`` is the size of one typographic point."""

    def __init__(self, painter: QPainter, pt: float) -> None:
        self.p = painter
        self.pt = pt

    def pen(
        self, colour: QColor, width_pt: float, style: Qt.PenStyle = Qt.PenStyle.SolidLine
    ) -> QPen:
        pen = QPen(colour, width_pt * self.pt)
        pen.setStyle(style)
        return pen

    def font(self, size_pt: float, bold: bool = False) -> QFont:
        font = QFont("DejaVu Sans")
        font.setPointSizeF(size_pt)
        font.setBold(bold)
        return font

    def text(
        self,
        rect: QRectF,
        flags: Qt.AlignmentFlag,
        text: str,
        size: float = 7,
        colour: QColor = INK,
        bold: bool = False,
    ) -> None:
        self.p.setFont(self.font(size, bold))
        self.p.setPen(colour)
        self.p.drawText(rect, int(flags), text)

    def frame(self, scale: Scale, ticks: Sequence[float], label: Callable[[float], str]) -> None:
        p = self.p
        for value in ticks:
            y = scale.y(value)
            p.setPen(self.pen(GRID, 0.4))
            p.drawLine(QLineF(scale.rect.left(), y, scale.rect.right(), y))
            box = QRectF(
                scale.rect.left() - 22 * self.pt, y - 5 * self.pt, 19 * self.pt, 10 * self.pt
            )
            self.text(
                box,
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                label(value),
                6.5,
                MUTED,
            )
        p.setPen(self.pen(MUTED, 0.6))
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.drawRect(scale.rect)

    def line(
        self,
        scale: Scale,
        points: Sequence[DayValue],
        colour: QColor,
        width: float,
        dashed: bool = False,
    ) -> None:
        if len(points) < 2:
            return
        path = QPainterPath(scale.point(points[0]))
        for point in points[1:]:
            path.lineTo(scale.point(point))
        style = Qt.PenStyle.DashLine if dashed else Qt.PenStyle.SolidLine
        self.p.setPen(self.pen(colour, width, style))
        self.p.setBrush(Qt.BrushStyle.NoBrush)
        self.p.drawPath(path)

    def dots(
        self,
        scale: Scale,
        points: Sequence[DayValue],
        colour: QColor,
        *,
        filled: bool,
        radius_pt: float = 1.4,
    ) -> None:
        r = radius_pt * self.pt
        self.p.setPen(self.pen(colour, 0.6))
        self.p.setBrush(colour if filled else QColor(LIGHT.card))
        for point in points:
            self.p.drawEllipse(scale.point(point), r, r)

    def squares(
        self, scale: Scale, points: Sequence[DayValue], colour: QColor, size_pt: float = 2.4
    ) -> None:
        s = size_pt * self.pt
        self.p.setPen(Qt.PenStyle.NoPen)
        self.p.setBrush(colour)
        for point in points:
            c = scale.point(point)
            self.p.drawRect(QRectF(c.x() - s / 2, c.y() - s / 2, s, s))

    def diamonds(
        self, scale: Scale, points: Sequence[DayValue], colour: QColor, size_pt: float = 2.8
    ) -> None:
        s = size_pt * self.pt / 2
        self.p.setPen(Qt.PenStyle.NoPen)
        self.p.setBrush(colour)
        for point in points:
            c = scale.point(point)
            self.p.drawPolygon(
                QPolygonF(
                    [
                        QPointF(c.x(), c.y() - s),
                        QPointF(c.x() + s, c.y()),
                        QPointF(c.x(), c.y() + s),
                        QPointF(c.x() - s, c.y()),
                    ]
                )
            )

    def date_axis(self, scale: Scale, first: date, last: date) -> None:
        """Month labels under the chart (years too when the range spans more than one)."""
        months: list[date] = []
        current = date(first.year, first.month, 1)
        while current <= last:
            if current >= first:
                months.append(current)
            current = date(current.year + current.month // 12, current.month % 12 + 1, 1)
        step = max(1, len(months) // 8)
        many_years = first.year != last.year
        for month in months[::step]:
            x = scale.x(month)
            self.p.setPen(self.pen(MUTED, 0.6))
            self.p.drawLine(QLineF(x, scale.rect.bottom(), x, scale.rect.bottom() + 2 * self.pt))
            text = (
                month_year(month)
                if many_years and month.month in (1, months[0].month)
                else _(MONTH_SHORT[month.month - 1])
            )
            box = QRectF(
                x - 20 * self.pt, scale.rect.bottom() + 2 * self.pt, 40 * self.pt, 9 * self.pt
            )
            self.text(
                box, Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop, text, 6.5, MUTED
            )


def draw_chart(
    painter: QPainter,
    rect: QRectF,
    pt: float,
    progress: Progress,
    sessions: Sequence[ProgressSession],
    first: date,
    last: date,
) -> None:
    """Both sides side by side: ratings with 7-day averages, then drop and carry-over."""
    draw = ChartPainter(painter, pt)
    weekly = (last - first).days > WEEKLY_ABOVE_DAYS
    gap = 30 * pt
    width = (rect.width() - gap) / 2 - 24 * pt
    title_h = 12 * pt
    ratings_h = rect.height() * 0.5
    carry_h = rect.height() * 0.28
    for index, side in enumerate(SIDE_VALUES):
        left = rect.left() + 24 * pt + index * (width + gap + 24 * pt)
        top = rect.top()
        draw.text(
            QRectF(left, top, width, title_h),
            Qt.AlignmentFlag.AlignLeft,
            _("{side}: tenderness (0–10)").format(side=where(side)),
            8,
            INK,
            bold=True,
        )
        ratings = Scale(
            QRectF(left, top + title_h, width, ratings_h),
            first.toordinal(),
            last.toordinal(),
            -0.5,
            11.5,
        )
        draw.frame(ratings, [0, 2, 4, 6, 8, 10], lambda v: f"{v:.0f}")
        _ratings(draw, ratings, progress, side, weekly)
        _next_day_marks(draw, ratings, sessions, side)
        carry_top = top + title_h + ratings_h + 16 * pt
        draw.text(
            QRectF(left, carry_top - 12 * pt, width, title_h),
            Qt.AlignmentFlag.AlignLeft,
            _("{side}: drop and carry-over (points)").format(side=where(side)),
            8,
            INK,
            bold=True,
        )
        part = progress.side(side)
        drops = [DayValue(c.day, float(c.drop)) for c in part.changes]
        carries = [DayValue(c.day, float(c.value)) for c in part.carry_over]
        extent = min(10.0, max([3.0, *(abs(p.value) for p in (*drops, *carries))])) + 0.5
        carry = Scale(
            QRectF(left, carry_top, width, carry_h),
            first.toordinal(),
            last.toordinal(),
            -extent,
            extent,
        )
        step = 2 if extent <= 6 else 4
        reach = int(extent) // step * step
        ticks = [float(v) for v in range(-reach, reach + 1, step)]
        draw.frame(carry, ticks, lambda v: f"{v:+.0f}" if v else "0")
        painter.setPen(draw.pen(MUTED, 0.8))
        painter.drawLine(QLineF(carry.rect.left(), carry.y(0), carry.rect.right(), carry.y(0)))
        if weekly:
            draw.line(carry, weekly_means(drops), DROP, 1.2)
            draw.line(carry, weekly_means(carries), CARRY, 1.2)
        else:
            draw.diamonds(carry, drops, DROP)
            draw.squares(carry, carries, CARRY)
            draw.line(carry, rolling_average(drops), DROP, 1.0)
            draw.line(carry, rolling_average(carries), CARRY, 1.0)
        draw.date_axis(carry, first, last)
    legend = _(
        "○ before   ● after (lines: 7-day averages)   ▼ ● ▲ next day better, same, worse   "
        "◆ within-session drop   ■ carry-over"
    )
    below = rect.top() + title_h + ratings_h + 16 * pt + carry_h + 14 * pt
    draw.text(
        QRectF(rect.left() + 24 * pt, below, rect.width(), 10 * pt),
        Qt.AlignmentFlag.AlignLeft,
        legend,
        7,
        MUTED,
    )


def _ratings(
    draw: ChartPainter, scale: Scale, progress: Progress, side: Side, weekly: bool
) -> None:
    part = progress.side(side)
    if weekly:
        draw.line(scale, weekly_means(part.before), BEFORE, 1.2, dashed=True)
        draw.line(scale, weekly_means(part.after), AFTER, 1.4)
        return
    draw.dots(scale, part.before, BEFORE, filled=False)
    draw.dots(scale, part.after, AFTER, filled=True)
    draw.line(scale, part.before_average, BEFORE, 1.0, dashed=True)
    draw.line(scale, part.after_average, AFTER, 1.2)


def _next_day_marks(
    draw: ChartPainter, scale: Scale, sessions: Sequence[ProgressSession], side: Side
) -> None:
    for s in sessions:
        if s.next_day is None or s.side(side) is None:
            continue
        colour, glyph = MARKS[s.next_day]
        x = scale.x(s.day)
        box = QRectF(x - 5 * draw.pt, scale.y(11.2) - 4 * draw.pt, 10 * draw.pt, 8 * draw.pt)
        draw.text(box, Qt.AlignmentFlag.AlignCenter, glyph, 6, colour)
