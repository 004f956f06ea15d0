"""The offer made on start when the last session never finished (a crash or power loss).

:func:`offer_recovery` asks about each such session in turn and hands the
answer to the save service, like every other write.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from enum import Enum
from html import escape

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from psoas_timer.core.vocab import NOT_RATED, RATING_MAX
from psoas_timer.services.saving import SaveService
from psoas_timer.store import Moment, Rating, Session, Side, StoreError, local_time
from psoas_timer.store.saving import Outcome

log = logging.getLogger(__name__)


class RecoveryChoice(Enum):
    RATE = "rate"  # save the ratings given in the dialog, then close the session
    KEEP = "keep"  # close the session as it is
    LATER = "later"  # ask again next time


class RecoveryDialog(QDialog):
    """Names the session, says what was kept, and offers to add the missing ratings."""

    def __init__(
        self,
        session: Session,
        tool_name: str,
        set_count: int,
        ratings: list[Rating],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("A session did not finish")
        self.choice = RecoveryChoice.LATER
        self.session = session
        when = local_time(session.started_at).strftime("%A %d %B at %H:%M")
        sets = f"{set_count} set{'s' if set_count != 1 else ''}"
        rated = f"{len(ratings)} rating{'s' if len(ratings) != 1 else ''}"
        intro = QLabel(
            f"<p>Your <b>{escape(tool_name)}</b> session of {when} stopped before it finished — "
            "the app or the computer closed during it.</p>"
            f"<p>Everything up to then is kept: {sets} and {rated}.</p>"
            "<p>You can add the ratings you did not get to give, or keep the session as it is.</p>"
        )
        intro.setWordWrap(True)

        existing = {(r.side, r.moment): r.value for r in ratings}
        self.spins: dict[tuple[Side, Moment], QSpinBox] = {}
        form = QFormLayout()
        for side in session.side_list:
            for moment in ("before", "after"):
                spin = QSpinBox()
                spin.setRange(NOT_RATED, RATING_MAX)
                spin.setSpecialValueText("not rated")
                spin.setValue(existing.get((side, moment), NOT_RATED))
                label = f"{side.capitalize()} side, {moment}"
                spin.setAccessibleName(f"{label}: tenderness 0 to 10")
                form.addRow(f"{label}:", spin)
                self.spins[(side, moment)] = spin
        self._existing = existing

        buttons = QDialogButtonBox()
        self.rate_button = QPushButton("Save these ratings")
        self.keep_button = QPushButton("Keep it as it is")
        self.later_button = QPushButton("Ask me later")
        buttons.addButton(self.rate_button, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(self.keep_button, QDialogButtonBox.ButtonRole.DestructiveRole)
        buttons.addButton(self.later_button, QDialogButtonBox.ButtonRole.RejectRole)
        self.rate_button.clicked.connect(lambda: self._choose(RecoveryChoice.RATE))
        self.keep_button.clicked.connect(lambda: self._choose(RecoveryChoice.KEEP))
        self.later_button.clicked.connect(self.reject)
        self.rate_button.setDefault(True)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(buttons)

    def _choose(self, choice: RecoveryChoice) -> None:
        self.choice = choice
        self.accept()

    def changed_ratings(self) -> dict[tuple[Side, Moment], int | None]:
        """The ratings that differ from what is logged (``None`` clears one)."""
        out: dict[tuple[Side, Moment], int | None] = {}
        for key, spin in self.spins.items():
            value = None if spin.value() == NOT_RATED else spin.value()
            if self._existing.get(key) != value:
                out[key] = value
        return out


def recovery_candidates(saving: SaveService, running_id: int | None) -> list[Session]:
    """Sessions the log still shows as running, except the one running here now."""
    try:
        found = saving.interrupted_sessions()
    except StoreError as exc:
        log.warning("interrupted sessions not read: %s", exc)
        return []
    return [s for s in found if s.id != running_id]


def offer_recovery(
    parent: QWidget,
    saving: SaveService,
    candidates: list[Session],
    tool_names: Mapping[str, str],
    show_status: Callable[[str], None],
) -> None:
    """Ask about each unfinished session and save what the user chooses."""
    for session in candidates:
        try:
            sets, ratings = saving.session_parts(session.id)
        except StoreError as exc:
            show_status(f"An unfinished session could not be read: {exc}")
            continue
        name = tool_names.get(session.tool_id, session.tool_id)
        dialog = RecoveryDialog(session, name, len(sets), ratings, parent)
        dialog.exec()
        message = apply_recovery(saving, session, dialog.choice, dialog.changed_ratings())
        if message:
            show_status(message)


def apply_recovery(
    saving: SaveService,
    session: Session,
    choice: RecoveryChoice,
    ratings: Mapping[tuple[Side, Moment], int | None],
) -> str:
    """Save the choice; return what to tell the user (nothing for "ask me later")."""
    if choice is RecoveryChoice.LATER:
        return ""
    given = ratings if choice is RecoveryChoice.RATE else {}
    submitted = saving.close_unfinished(session.id, given)
    if submitted.outcome is Outcome.REFUSED:
        return f"The unfinished session could not be closed: {submitted.refusal}"
    return "The unfinished session is kept in your history."
