"""The words shown when a session's point on a chart is hovered."""

from __future__ import annotations

from collections.abc import Mapping

from psoas_timer.core.dates import day_text, short_day_text
from psoas_timer.core.i18n import _
from psoas_timer.core.next_day import check_text
from psoas_timer.core.progress import CarryOver, ProgressSession
from psoas_timer.core.vocab import SIDE_VALUES, Side


def session_tip(
    session: ProgressSession, tool_name: str, carried: Mapping[Side, Mapping[int, CarryOver]]
) -> str:
    """The day, the tool, each side's ratings, release and carry-over, and the next day."""
    lines = [day_text(session.day), tool_name]
    for side in SIDE_VALUES:
        result = session.side(side)
        if result is None:
            continue
        before = "–" if result.before is None else str(result.before)
        after = "–" if result.after is None else str(result.after)
        line = f"{_('Left') if side == 'left' else _('Right')}: {before} → {after}"
        if result.released_breath is not None:
            line += _(", let go at breath {breath}").format(breath=result.released_breath)
        kept = carried[side].get(id(session))
        if kept is not None:
            line += _("; carry-over {value} (before {before} on {day})").format(
                value=f"{kept.value:+d}", before=kept.next_before, day=short_day_text(kept.next_day)
            )
        lines.append(line)
    if session.next_day is not None:
        answer = check_text(session.next_day, session.lasting_soreness)
        lines.append(_("Next day: {answer}").format(answer=answer))
    return "\n".join(lines)
