"""The next-day check: how does the area feel since the last session?

Asked once per session, the first time the app opens 12 to 72 hours after it
(the rule is :func:`psoas_timer.core.next_day.is_due`). One key per answer:
1, 2 or 3 for better, the same or worse, then Y or N for bruising or soreness
that lasted more than a day; the second answer saves and closes. Esc is "ask
me later" (nothing is stored, so the next start within the window asks
again); D stores "don't ask for this session".
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import datetime
from enum import Enum
from html import escape

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from psoas_timer.core.dates import moment_text
from psoas_timer.core.i18n import _
from psoas_timer.core.next_day import FEELING_TEXT, LastSession, is_due
from psoas_timer.core.vocab import NEXT_DAY_VALUES, NextDay
from psoas_timer.services.saving import SaveService
from psoas_timer.store import StoreError
from psoas_timer.ui import prompts

log = logging.getLogger(__name__)

FEELING_KEYS: dict[Qt.Key, NextDay] = {
    Qt.Key.Key_1: "better",
    Qt.Key.Key_2: "same",
    Qt.Key.Key_3: "worse",
}
SORENESS_KEYS: dict[Qt.Key, bool] = {Qt.Key.Key_Y: True, Qt.Key.Key_N: False}


class NextDayChoice(Enum):
    ANSWERED = "answered"  # both answers given: stored
    DECLINED = "declined"  # "don't ask for this session": stored as no answers
    LATER = "later"  # "ask me later": nothing stored


class NextDayDialog(QDialog):
    """Two one-key questions about the last session, and two ways not to answer."""

    def __init__(self, session: LastSession, tool_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Since your last session"))
        self.choice = NextDayChoice.LATER
        self.feeling: NextDay | None = None
        self.lasting_soreness: bool | None = None
        when = moment_text(session.started_at.astimezone())
        intro = QLabel(
            _("<p>Your last session was with the <b>{tool}</b> on {when}.</p>").format(
                tool=escape(tool_name), when=escape(when)
            )
            + _("<p><b>Since then, the area feels:</b></p>")
        )
        intro.setWordWrap(True)

        self.feeling_buttons: dict[NextDay, QPushButton] = {}
        feelings = QButtonGroup(self)
        feeling_row = QHBoxLayout()
        for number, feeling in enumerate(NEXT_DAY_VALUES, start=1):
            button = QPushButton(f"{number}  {_(FEELING_TEXT[feeling])}")
            button.setCheckable(True)
            button.setAccessibleName(
                _("{choice} (key {key})").format(choice=_(FEELING_TEXT[feeling]), key=number)
            )
            button.clicked.connect(lambda _=False, f=feeling: self.choose_feeling(f))
            feelings.addButton(button)
            feeling_row.addWidget(button)
            self.feeling_buttons[feeling] = button

        sore_text = QLabel(_("<b>Any bruising or soreness that lasted more than a day?</b>"))
        sore_text.setWordWrap(True)
        self.soreness_buttons: dict[bool, QPushButton] = {}
        soreness = QButtonGroup(self)
        sore_row = QHBoxLayout()
        for answer, key, word in ((True, "Y", _("Yes")), (False, "N", _("No"))):
            button = QPushButton(f"{key}  {word}")
            button.setCheckable(True)
            button.setAccessibleName(_("{choice} (key {key})").format(choice=word, key=key))
            button.clicked.connect(lambda _=False, a=answer: self.choose_soreness(a))
            soreness.addButton(button)
            sore_row.addWidget(button)
            self.soreness_buttons[answer] = button

        self.advice = QLabel(
            _(
                "If bruising or soreness lasts more than a day or two, use less pressure next time "
                "or stop, as the safety notice says."
            )
        )
        self.advice.setWordWrap(True)
        self.advice.setVisible(False)

        later = QPushButton(_("Ask me later (Esc)"))
        later.setAccessibleName(_("Ask me later: the question comes back at the next start"))
        later.clicked.connect(self.reject)
        never = QPushButton(_("&Don't ask for this session (D)"))
        never.setAccessibleName(_("Don't ask about this session again (key D)"))
        never.clicked.connect(self.decline)
        # Enter must never decline by accident: it means "ask me later", which stores nothing.
        for button in (*self.feeling_buttons.values(), *self.soreness_buttons.values(), never):
            button.setAutoDefault(False)
        later.setDefault(True)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(never)
        buttons.addWidget(later)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(feeling_row)
        layout.addSpacing(8)
        layout.addWidget(sore_text)
        layout.addLayout(sore_row)
        layout.addWidget(self.advice)
        layout.addSpacing(8)
        layout.addLayout(buttons)
        for button in (*self.feeling_buttons.values(), *self.soreness_buttons.values()):
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        later.setFocus()

    def choose_feeling(self, feeling: NextDay) -> None:
        self.feeling = feeling
        self.feeling_buttons[feeling].setChecked(True)
        self._maybe_done()

    def choose_soreness(self, lasting: bool) -> None:
        self.lasting_soreness = lasting
        self.soreness_buttons[lasting].setChecked(True)
        self.advice.setVisible(lasting)
        self._maybe_done()

    def decline(self) -> None:
        self.choice = NextDayChoice.DECLINED
        self.feeling = self.lasting_soreness = None
        self.accept()

    def _maybe_done(self) -> None:
        if self.feeling is not None and self.lasting_soreness is not None:
            self.choice = NextDayChoice.ANSWERED
            self.accept()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = Qt.Key(event.key())
        if event.isAutoRepeat():
            event.accept()
            return
        if key in FEELING_KEYS:
            self.choose_feeling(FEELING_KEYS[key])
        elif key in SORENESS_KEYS:
            self.choose_soreness(SORENESS_KEYS[key])
        elif key == Qt.Key.Key_D:
            self.decline()
        else:
            # Esc rejects: ask me later.
            super().keyPressEvent(event)


def offer_next_day_check(
    parent: QWidget | None,
    saving: SaveService,
    now: datetime,
    tool_names: Mapping[str, str],
) -> NextDayChoice | None:
    """Ask about the last session if it is due; save the answer or the refusal.

    Returns what was chosen, or ``None`` when nothing was asked. What the log
    refuses is said through the save service, like any other write.
    """
    try:
        last = saving.last_finished_session()
    except StoreError as exc:
        log.warning("next-day check not offered: %s", exc)
        return None
    if not is_due(last, now):
        return None
    assert last is not None
    dialog = NextDayDialog(last, tool_names.get(last.tool_id, last.tool_id), parent)
    # A key held from before the question must not answer it.
    prompts.run_modal(dialog)
    if dialog.choice is not NextDayChoice.LATER:
        saving.record_next_day(last.session_id, dialog.feeling, dialog.lasting_soreness)
    return dialog.choice
