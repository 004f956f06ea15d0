"""When to ask how the area feels the day after a session.

Deep pressure can bruise or flare symptoms, and the reaction a day later is
how a load is judged to have been tolerated. So the first time the app opens
between :data:`ASK_FROM` and :data:`ASK_UNTIL` after a session ended, it asks
once about that session: better, the same or worse since, and whether any
bruising or soreness lasted more than a day.

Only the latest session is asked about: after another session, a reaction can
no longer be told apart from the one before. A session with no sets pressed
nothing, so it is never asked about. An answer or a refusal is stored with the
session and ends the asking; "ask me later" stores nothing, so the question
comes back at the next start while the session is still inside the window.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Final

from psoas_timer.core.i18n import N_, _
from psoas_timer.core.vocab import NextDay

ASK_FROM: Final = timedelta(hours=12)
ASK_UNTIL: Final = timedelta(hours=72)

FEELING_TEXT: Final[dict[NextDay, str]] = {
    "better": N_("Better"),
    "same": N_("The same"),
    "worse": N_("Worse"),
}


@dataclass(frozen=True, slots=True)
class LastSession:
    """The latest finished session, as the check needs it."""

    session_id: int
    tool_id: str
    started_at: datetime
    ended_at: datetime
    has_sets: bool
    #: An answer or a refusal is already stored.
    checked: bool


def is_due(last: LastSession | None, now: datetime) -> bool:
    """Whether to ask about ``last`` now: 12 to 72 hours after it ended, not asked yet."""
    if last is None or last.checked or not last.has_sets:
        return False
    age = now - last.ended_at
    return ASK_FROM <= age <= ASK_UNTIL


def check_text(feeling: NextDay | None, lasting_soreness: bool | None) -> str:
    """A stored check in a few words, for the history and the report."""
    if feeling is None:
        return _("not answered")
    text = _(FEELING_TEXT[feeling])
    if lasting_soreness is None:
        return text
    soreness = _("lasting soreness") if lasting_soreness else _("no lasting soreness")
    return f"{text}, {soreness}"
