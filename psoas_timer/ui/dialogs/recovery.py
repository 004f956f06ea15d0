"""The offer made on start when the last session never finished (a crash or power loss).

:func:`offer_recovery` asks about one such session with :class:`RecoveryDialog`.
When there are more (an import of old sessions can bring dozens), it asks
once, listing them all (:class:`ManyRecoveryDialog`): keep them all as they
are, add ratings one by one, or ask again next time. Every answer goes to the
save service, like every other write.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import Enum
from html import escape
from typing import Final

from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from psoas_timer.core.dates import moment_text
from psoas_timer.core.i18n import N_, _, ngettext
from psoas_timer.core.vocab import NOT_RATED, RATING_MAX
from psoas_timer.services.saving import SaveService
from psoas_timer.store import Moment, Rating, Session, Side, StoreError, local_time
from psoas_timer.store.saving import Outcome
from psoas_timer.ui import prompts

log = logging.getLogger(__name__)


#: Each rating the dialog asks for, as it is labelled.
_RATING_LABEL: Final[dict[tuple[Side, Moment], str]] = {
    ("left", "before"): N_("Left side, before"),
    ("left", "after"): N_("Left side, after"),
    ("right", "before"): N_("Right side, before"),
    ("right", "after"): N_("Right side, after"),
}


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
        place: tuple[int, int] | None = None,
    ) -> None:
        super().__init__(parent)
        title = _("A session did not finish")
        if place:
            title = _("{title} ({n} of {total})").format(title=title, n=place[0], total=place[1])
        self.setWindowTitle(title)
        self.choice = RecoveryChoice.LATER
        #: Set by "Ask about the rest later", offered while more sessions follow.
        self.stop_asking = False
        self.session = session
        when = moment_text(local_time(session.started_at))
        sets = ngettext("{n} set", "{n} sets", set_count).format(n=set_count)
        rated = ngettext("{n} rating", "{n} ratings", len(ratings)).format(n=len(ratings))
        intro = QLabel(
            _(
                "<p>Your <b>{tool}</b> session of {when} stopped before it finished — "
                "the app or the computer closed during it.</p>"
                "<p>Everything up to then is kept: {sets} and {ratings}.</p>"
                "<p>You can add the ratings you did not get to give, or keep the session as it "
                "is.</p>"
            ).format(tool=escape(tool_name), when=when, sets=sets, ratings=rated)
        )
        intro.setWordWrap(True)

        existing = {(r.side, r.moment): r.value for r in ratings}
        self.spins: dict[tuple[Side, Moment], QSpinBox] = {}
        form = QFormLayout()
        for side in session.side_list:
            for moment in ("before", "after"):
                spin = QSpinBox()
                spin.setRange(NOT_RATED, RATING_MAX)
                spin.setSpecialValueText(_("not rated"))
                spin.setValue(existing.get((side, moment), NOT_RATED))
                label = _RATING_LABEL[side, moment]
                spin.setAccessibleName(_("{rating}: tenderness 0 to 10").format(rating=_(label)))
                form.addRow(_("{rating}:").format(rating=_(label)), spin)
                self.spins[(side, moment)] = spin
        self._existing = existing

        buttons = QDialogButtonBox()
        self.rate_button = QPushButton(_("Save these ratings"))
        self.keep_button = QPushButton(_("Keep it as it is"))
        self.later_button = QPushButton(_("Ask me later"))
        buttons.addButton(self.rate_button, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(self.keep_button, QDialogButtonBox.ButtonRole.DestructiveRole)
        buttons.addButton(self.later_button, QDialogButtonBox.ButtonRole.RejectRole)
        self.rate_button.clicked.connect(lambda: self._choose(RecoveryChoice.RATE))
        self.keep_button.clicked.connect(lambda: self._choose(RecoveryChoice.KEEP))
        self.later_button.clicked.connect(self.reject)
        self.rate_button.setDefault(True)
        self.rest_later_button: QPushButton | None = None
        if place is not None and place[0] < place[1]:
            self.rest_later_button = QPushButton(_("Ask about the rest later"))
            buttons.addButton(self.rest_later_button, QDialogButtonBox.ButtonRole.RejectRole)
            self.rest_later_button.clicked.connect(self._stop_asking)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(buttons)

    def _stop_asking(self) -> None:
        self.stop_asking = True
        self.reject()

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


class ManyChoice(Enum):
    KEEP_ALL = "keep"  # close every one as it is
    ONE_BY_ONE = "one by one"  # ask about each, with its ratings
    LATER = "later"  # ask again next time


@dataclass(frozen=True, slots=True)
class Unfinished:
    """An unfinished session with what the log holds of it."""

    session: Session
    tool_name: str
    sets: int
    ratings: list[Rating]


class ManyRecoveryDialog(QDialog):
    """One question for several unfinished sessions, listing them all."""

    def __init__(self, found: list[Unfinished], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(
            ngettext(
                "{n} session did not finish", "{n} sessions did not finish", len(found)
            ).format(n=len(found))
        )
        self.choice = ManyChoice.LATER
        intro = QLabel(
            _(
                "<p>These {n} sessions stopped before they finished — the app or the "
                "computer closed during them, or they were imported that way. Everything logged "
                "for them is kept.</p><p>You can keep them all as they are, or go through them "
                "one by one to add the ratings you did not get to give.</p>"
            ).format(n=len(found))
        )
        intro.setWordWrap(True)
        self.table = QTableWidget(len(found), 4)
        self.table.setHorizontalHeaderLabels([_("Started"), _("Tool"), _("Sets"), _("Ratings")])
        self.table.setAccessibleName(_("Unfinished sessions, oldest first"))
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        for row, each in enumerate(found):
            # With the year: imported sessions may be from any year.
            started = moment_text(local_time(each.session.started_at))
            cells = (started, each.tool_name, each.sets, len(each.ratings))
            for column, value in enumerate(cells):
                self.table.setItem(row, column, QTableWidgetItem(str(value)))
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in (1, 2, 3):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)

        buttons = QDialogButtonBox()
        self.keep_all_button = QPushButton(_("Keep them all as they are"))
        self.one_by_one_button = QPushButton(_("Add ratings one by one"))
        self.later_button = QPushButton(_("Ask me later"))
        buttons.addButton(self.keep_all_button, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(self.one_by_one_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.later_button, QDialogButtonBox.ButtonRole.RejectRole)
        self.keep_all_button.clicked.connect(lambda: self._choose(ManyChoice.KEEP_ALL))
        self.one_by_one_button.clicked.connect(lambda: self._choose(ManyChoice.ONE_BY_ONE))
        self.later_button.clicked.connect(self.reject)
        self.keep_all_button.setDefault(True)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.table, 1)
        layout.addWidget(buttons)
        self.resize(600, 420)

    def _choose(self, choice: ManyChoice) -> None:
        self.choice = choice
        self.accept()


def offer_recovery(
    parent: QWidget,
    saving: SaveService,
    candidates: list[Session],
    tool_names: Mapping[str, str],
    show_status: Callable[[str], None],
) -> None:
    """Ask about the unfinished sessions (once for all, when there are several) and save it."""
    found: list[Unfinished] = []
    for session in candidates:
        try:
            sets, ratings = saving.session_parts(session.id)
        except StoreError as exc:
            show_status(_("An unfinished session could not be read: {error}").format(error=exc))
            continue
        name = tool_names.get(session.tool_id, session.tool_id)
        found.append(Unfinished(session, name, len(sets), ratings))
    if len(found) > 1:
        many = ManyRecoveryDialog(found, parent)
        prompts.run_modal(many)
        if many.choice is ManyChoice.LATER:
            return
        if many.choice is ManyChoice.KEEP_ALL:
            show_status(keep_all(saving, [each.session for each in found]))
            return
    for n, each in enumerate(found, 1):
        place = (n, len(found)) if len(found) > 1 else None
        dialog = RecoveryDialog(
            each.session, each.tool_name, each.sets, each.ratings, parent, place
        )
        dialog.exec()
        message = apply_recovery(saving, each.session, dialog.choice, dialog.changed_ratings())
        if message:
            show_status(message)
        if dialog.stop_asking:
            return


def keep_all(saving: SaveService, sessions: list[Session]) -> str:
    """Close every one of ``sessions`` as it is; return what to tell the user."""
    refused: list[str] = []
    for session in sessions:
        submitted = saving.close_unfinished(session.id, {})
        if submitted.outcome is Outcome.REFUSED:
            refused.append(str(submitted.refusal))
    kept = len(sessions) - len(refused)
    text = ngettext(
        "{n} unfinished session kept in your history.",
        "{n} unfinished sessions kept in your history.",
        kept,
    ).format(n=kept)
    if refused:
        text += " " + ngettext(
            "{n} session could not be closed: {why}",
            "{n} sessions could not be closed: {why}",
            len(refused),
        ).format(n=len(refused), why=refused[0])
    return text


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
        return _("The unfinished session could not be closed: {why}").format(why=submitted.refusal)
    return _("The unfinished session is kept in your history.")
