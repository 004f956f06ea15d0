"""What the session page shows: its widgets, their sizes and colours, and one step laid out.

A step is shown only with what it needs: the ring for timed steps, the rating
scale, a choice ("More pressure?", what felt wrong, what next) or the summary,
beside the step's own picture and words. Nothing of the step before stays on
screen: a stretch shows the stretch, coming off the tool shows no tool, and
the stop line and Stop button show only while the person is on the tool.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial

from PySide6.QtCore import Qt
from PySide6.QtGui import QAccessible, QAccessibleAnnouncementEvent, QAccessibleEvent, QFont
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from psoas_timer.core.engine import SessionEngine
from psoas_timer.core.i18n import _
from psoas_timer.core.narration import level_title, stop_reason_text
from psoas_timer.core.plan import Answer, SessionPlan, Step, StepKind
from psoas_timer.core.summary import SideReport
from psoas_timer.core.vocab import STOP_REASON_CHOICES
from psoas_timer.ui.actions import hint_line
from psoas_timer.ui.session.choices import Choice, ChoicePanel
from psoas_timer.ui.session.save_line import SaveLine, saved_summary
from psoas_timer.ui.session.summary import SummaryPanel
from psoas_timer.ui.theme import LIGHT, Colours
from psoas_timer.ui.widgets.diagram import DiagramView
from psoas_timer.ui.widgets.fitted_label import FittedLabel
from psoas_timer.ui.widgets.rating import RatingPanel
from psoas_timer.ui.widgets.ring import PacingRing

#: Steps whose centre is a choice or the rating, with their words in it, not beside it.
_CHOICES = (StepKind.QUESTION, StepKind.STOP_REASON, StepKind.STOP_ADVICE)


class SessionLayout(QWidget):
    """The session page's widgets; :class:`SessionPage` drives them.

    Every label shows text as text (tool files may hold markup).
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("sessionPage")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAccessibleName(_("Session"))
        self.colours: Colours = LIGHT
        self._floor = False

        root = QVBoxLayout(self)
        root.setContentsMargins(24, 16, 24, 16)
        root.setSpacing(8)
        top = QHBoxLayout()
        self.title = QLabel()
        self.title.setObjectName("stepTitle")
        self.title.setWordWrap(True)
        self.side = QLabel()
        self.side.setObjectName("sideLabel")
        self.side.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.stop_button = QPushButton(_("■ Stop (S)"))
        self.stop_button.setObjectName("stopButton")
        self.stop_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # keys go to the session
        self.stop_button.setAccessibleName(_("Stop: something felt wrong (key S)"))
        self.stop_button.setToolTip(_("Something felt wrong: end the set now (S)"))
        top.addWidget(self.title, 1)
        top.addWidget(self.side)
        top.addSpacing(24)
        top.addWidget(self.stop_button)
        root.addLayout(top)
        self.safety = QLabel()
        self.safety.setObjectName("safetyLine")
        self.safety.setWordWrap(True)
        root.addWidget(self.safety)

        middle = QHBoxLayout()
        self._middle = middle
        self.centre = QStackedWidget()
        self.ring = PacingRing()
        self.rating = RatingPanel()
        self.choices = ChoicePanel()
        self.summary = SummaryPanel()
        for widget in (self.ring, self.rating, self.choices, self.summary):
            self.centre.addWidget(widget)
        middle.addWidget(self.centre, 3)
        side_panel = QVBoxLayout()
        self.diagram = DiagramView(labels=True)
        self.diagram.setAccessibleName(_("Placement diagram"))
        self.diagram.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Expanding)
        side_panel.addWidget(self.diagram, 1)
        self.diagram_caption = QLabel(wordWrap=True)  # e.g. "Schematic: your model may …"
        side_panel.addWidget(self.diagram_caption)
        self.instruction = FittedLabel()
        self.instruction.setObjectName("instruction")
        side_panel.addWidget(self.instruction)
        middle.addLayout(side_panel, 2)
        root.addLayout(middle, 1)

        self.cue = QLabel()
        self.cue.setObjectName("cueLine")
        self.cue.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.cue.setWordWrap(True)
        root.addWidget(self.cue)
        bottom = QHBoxLayout()
        self.upcoming = QLabel()
        self.upcoming.setObjectName("upcoming")
        self.upcoming.setWordWrap(True)
        self.hints = QLabel(hint_line())
        self.hints.setObjectName("hint")
        self.hints.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        bottom.addWidget(self.upcoming, 1)
        bottom.addWidget(self.hints)
        root.addLayout(bottom)
        self.notice = QLabel()
        self.notice.setObjectName("notice")
        self.notice.setAccessibleName(_("Announcement"))
        self.notice.setWordWrap(True)
        root.addWidget(self.notice)
        self.save_state = SaveLine()
        root.addWidget(self.save_state)
        # What a screen reader is told as the session moves on: phase changes,
        # steps, the side and rating questions. Out of the layout and one pixel
        # small: the same words are already on screen in large type.
        self.live = QLabel(self)
        self.live.setObjectName("liveStatus")
        self.live.setAccessibleName(_("Session status"))
        self.live.setGeometry(0, 0, 1, 1)
        # Every label shows text as text: a tool file's cue or step may hold markup.
        for label in self.findChildren(QLabel):
            label.setTextFormat(Qt.TextFormat.PlainText)
        self._live_text = ""
        self._finished: bool | None = None  # how the session ended, once it has
        # "Session ended." waits for the log's answer, to be said together with it.
        self._end_said: str | None = None

    # -- looks -----------------------------------------------------------------

    def apply_colours(self, colours: Colours, floor: bool) -> None:
        self.colours = colours
        self.ring.set_colours(colours)
        self.diagram.set_colours(colours)
        self.setStyleSheet(
            f"""
            #sessionPage {{ background: {colours.window}; }}
            #sessionPage QLabel {{ color: {colours.text}; }}
            #sessionPage QLabel#safetyLine {{ color: {colours.warning}; font-weight: bold; }}
            #sessionPage QLabel#hint, #sessionPage QLabel#upcoming {{ color: {colours.muted}; }}
            #sessionPage QLabel#saveState {{ color: {colours.muted}; }}
            #sessionPage QLabel#saveState[waiting="true"] {{
                color: {colours.warning}; font-weight: bold;
            }}
            #sessionPage QLabel#choiceStatus {{ color: {colours.accent}; }}
            #sessionPage QPushButton {{
                background: {colours.card}; color: {colours.text};
                border: 2px solid {colours.muted}; border-radius: 8px; padding: 6px;
            }}
            #sessionPage QPushButton#stopButton {{
                color: {colours.warning}; border: 3px solid {colours.warning};
                font-weight: bold; padding: 2px 18px;
            }}
            """
        )
        self.setAutoFillBackground(True)
        self._floor = floor
        self.rescale()

    def rescale(self) -> None:
        # Sized from the screen, never from this page's own height: text that
        # grows with the page would make the page grow, and so on without end.
        screen = self.screen()
        screen_height = screen.geometry().height() if screen is not None else 800
        height = max(400, min(self.height(), screen_height))
        floor = self._floor
        # Floor mode: phase word and count at least a tenth of the screen's height.
        self.ring.set_min_text_px(int(height * 0.105) if floor else 0)
        big = max(18, int(height * (0.045 if floor else 0.035)))
        medium = max(14, int(height * (0.032 if floor else 0.024)))
        small = max(12, int(height * 0.02))
        waiting = bool(self.save_state.waiting)
        for label, pixels, bold in (
            (self.title, big, True),
            (self.side, big, True),
            (self.cue, big, True),
            (self.safety, medium, True),
            (self.stop_button, big, True),
            (self.upcoming, medium, False),
            (self.notice, small, False),
            (self.diagram_caption, small, False),
            # Large on the floor only while something waits: a plain "Saved" needs no room.
            (self.save_state, medium if floor and waiting else small, waiting),
            (self.hints, small, False),
        ):
            font = QFont(label.font())
            font.setPixelSize(pixels)
            font.setBold(bold)
            label.setFont(font)
        # A stretch's long instructions give up size, not their last lines, and leave
        # the picture above them room to be seen.
        self.instruction.set_fit(small, medium, int(height * 0.42), bold=False)
        self.rating.set_scale(max(22, int(height * 0.07)))
        self.choices.set_scale(big)
        self.summary.set_scale(big)

    def set_safety_line(self, text: str) -> None:
        self.safety.setText(f"⚠ {text}")  # the catalog's text, translated there

    # -- screen readers and saving -------------------------------------------------

    def announce(self, text: str, assertive: bool = False) -> None:
        """Put ``text`` in the live status and have a screen reader read it out."""
        if not text or text == self._live_text:
            return
        self._live_text = text
        self.live.setText(text)
        self.live.setAccessibleName(text)  # Qt posts the NameChanged event itself
        event = QAccessibleAnnouncementEvent(self.live, text)
        event.setPoliteness(
            QAccessible.AnnouncementPoliteness.Assertive
            if assertive
            else QAccessible.AnnouncementPoliteness.Polite
        )
        self.post_accessibility_event(event)

    def post_accessibility_event(self, event: QAccessibleEvent) -> None:
        """The one place the page talks to assistive technology (a seam for the tests)."""
        QAccessible.updateAccessibility(event)

    def set_save_state(self, message: str, waiting: tuple[str, ...]) -> None:
        """Show what is not saved yet (``message`` says what to do), or that all is."""
        was_waiting = bool(self.save_state.waiting)
        self.save_state.set_waiting(message, waiting)
        self.rescale()
        if waiting and not was_waiting:
            self.announce(message, assertive=True)
        if self._finished is not None:
            self.cue.setText(saved_summary(waiting))
            if self._end_said is not None:
                self._say_end()
            elif was_waiting and not waiting:
                self.announce(_("Everything you did is saved now."))

    def show_saved(self, what: str, ends_session: bool = False) -> None:
        """One change has been committed to the log; ``ends_session``: the session's end."""
        self.save_state.show_saved(what)
        if ends_session and self._finished is not None and not self.save_state.waiting:
            self.cue.setText(saved_summary(()))
            self._say_end()

    def _say_end(self) -> None:
        if self._end_said is not None:
            self.announce(f"{self._end_said} {saved_summary(self.save_state.waiting)}")
            self._end_said = None

    # -- one step ----------------------------------------------------------------

    def show_step(self, engine: SessionEngine, step: Step) -> None:
        plan = engine.plan
        choice = step.kind in _CHOICES
        rating = step.kind is StepKind.RATING
        self.title.setText(step.title)
        self.side.setText(plan.where(step.side))
        self.instruction.setText(step.instruction)
        # A choice and the rating scale carry their own words.
        self.instruction.setVisible(not (choice or rating) and bool(step.instruction))
        self.cue.setText("")
        # A rating needs no picture: the scale gets the whole width. "More pressure?"
        # shows what yes would bring.
        picture = step.picture
        self.diagram.set_diagram(picture.source, picture.side, picture.view)
        shown = picture.source is not None and not rating
        self.diagram.setVisible(shown)
        self.diagram_caption.setText(picture.caption)
        self.diagram_caption.setVisible(shown and bool(picture.caption))
        # "Stop and move the tool" means nothing off the tool.
        self.safety.setVisible(step.on_tool)
        self.stop_button.setVisible(step.on_tool)
        self._middle.setStretch(1, 2 if shown else 0)
        if rating:
            self.rating.set_question(step.instruction)
            self.centre.setCurrentWidget(self.rating)
        elif choice:
            self.centre.setCurrentWidget(self.choices)
        else:
            self.centre.setCurrentWidget(self.ring)
        self.upcoming.setText(_upcoming(engine, step))
        # A choice names its own keys on its buttons, where the general line
        # would say otherwise (Space is "one more set" there, not pause).
        self.hints.setVisible(not choice)
        self.setAccessibleDescription(f"{step.title}. {plan.where(step.side)}")

    def show_question(
        self,
        plan: SessionPlan,
        step: Step,
        answer: Callable[[Answer], object],
        stay: Callable[[], object],
    ) -> None:
        """The question after a set: yes, one more set at this level, or come off."""
        choices: list[Choice] = []
        if step.duration is not None:  # hands-free: going on by itself unless stopped
            choices.append(Choice(_("Stay at this level and be asked"), "←", stay))
        if step.ahead is not None:
            ahead = level_title(plan.position, step.ahead)
            choices.append(
                Choice(_("Yes: {ahead}").format(ahead=ahead), _("Enter"), lambda: answer("more"))
            )
            again_keys = _("Space")
        else:
            again_keys = _("Enter or Space")
        choices.append(Choice(_("One more set at this level"), again_keys, lambda: answer("again")))
        if step.duration is None:
            choices.append(Choice(_("Come off the tool and rate"), "←", lambda: answer("off")))
        self.choices.show_choices(step.title, step.instruction, choices)

    def show_stop_reasons(
        self, step: Step, reason: Callable[[int], object], skip: Callable[[], object]
    ) -> None:
        choices = [
            Choice(stop_reason_text(name), str(number), partial(reason, number))
            for number, name in enumerate(STOP_REASON_CHOICES, start=1)
        ]
        choices.append(Choice(_("Go on without saying"), _("Enter"), skip))
        self.choices.show_choices(step.title, step.instruction, choices)
        self.choices.set_status("")

    def show_stop_advice(
        self, step: Step, go_on: Callable[[], object], end: Callable[[], object]
    ) -> None:
        choices = [
            Choice(_("Rate this side and go on"), _("Enter"), go_on),
            Choice(_("End the session"), _("Esc"), end),
        ]
        self.choices.show_choices(step.title, step.instruction, choices)
        self.choices.set_status("")

    def show_summary(self, plan: SessionPlan, reports: Sequence[SideReport], title: str) -> None:
        self.title.setText(title)
        self.side.setText("")
        self.summary.show_reports(reports, plan.centred)
        self.centre.setCurrentWidget(self.summary)
        for widget in (self.diagram, self.diagram_caption, self.instruction):
            widget.setVisible(False)
        self.safety.setVisible(False)
        self.stop_button.setVisible(False)
        self.hints.setVisible(False)  # the session's keys no longer apply
        self._middle.setStretch(1, 0)
        self.upcoming.setText(_("Press Enter to go back to the tools."))


def _upcoming(engine: SessionEngine, step: Step) -> str:
    """What follows, where it is known; after a set the person is asked."""
    if step.kind is StepKind.SET:
        return _("Then: More pressure?")
    if step.kind in (StepKind.QUESTION, StepKind.STOP_REASON, StepKind.STOP_ADVICE):
        return ""
    following = engine.upcoming()
    if following is None or following.words.name == step.words.name:
        return ""  # the words before a set already name it
    return _("Then: {step}").format(step=following.words.name)
