"""The session page: pacing ring, step, count, cue, diagram, rating — readable from the floor."""

from __future__ import annotations

import math

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import (
    QAccessible,
    QAccessibleAnnouncementEvent,
    QAccessibleEvent,
    QKeyEvent,
    QMouseEvent,
)
from PySide6.QtWidgets import (
    QWidget,
)

from psoas_timer.core.clock import Clock
from psoas_timer.core.engine import (
    BackedOff,
    Event,
    Paused,
    Released,
    Resumed,
    SessionEngine,
    SessionFinished,
    State,
    StepStarted,
)
from psoas_timer.core.pacing import Pace, Phase, ring_fraction
from psoas_timer.core.plan import SessionPlan, Step, StepKind, side_word, step_picture
from psoas_timer.services.sound import CuePlayer
from psoas_timer.services.voice import Voice
from psoas_timer.ui import prompts
from psoas_timer.ui.actions import RATING_VALUES, SessionCommand, session_command
from psoas_timer.ui.held_keys import KeyRepeats
from psoas_timer.ui.session.layout import SessionLayout
from psoas_timer.ui.session.save_line import saved_summary
from psoas_timer.ui.theme import Colours

FRAME_MS = 33  # 30 frames a second: a breath is slow, more frames only cost battery
SAY_LAST_BREATHS = 3
KEY_PRESS = QEvent.Type.KeyPress


def _seconds(value: float) -> str:
    return str(max(0, math.ceil(value - 1e-6)))


class SessionPage(SessionLayout):
    """Shows one running session and turns keys and clicks into engine actions."""

    finished = Signal(bool)  # completed?
    engine_started = Signal(object)  # SessionEngine, for the save service
    status = Signal(str)
    leave_requested = Signal()  # Enter or Esc once the session is over

    def __init__(
        self,
        clock: Clock,
        cues: CuePlayer,
        voice: Voice,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("sessionPage")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAccessibleName("Session")
        self.clock = clock
        self.cues = cues
        self.voice = voice
        self.engine: SessionEngine | None = None
        self._repeats = KeyRepeats()
        self._announced_breath: tuple[int, int] = (-1, 0)  # (step index, breath)
        self._live_phase: tuple[int, int, Phase] | None = None
        self._live_text = ""

        self._frame = QTimer(self)
        self._frame.setInterval(FRAME_MS)
        self._frame.timeout.connect(self.refresh)
        self._cue_timer = QTimer(self)
        self._cue_timer.setSingleShot(True)
        self._cue_timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._cue_timer.timeout.connect(self._on_cue_timer)
        self._pending_cue: Phase | None = None
        self._pending_at = 0.0

        self.rating.rated.connect(self.rate)
        self.rating.skipped.connect(self.next_step)
        self._finished: bool | None = None  # how the session ended, once it has
        # "Session ended." waits for the log's answer, to be said together with it.
        self._end_said: str | None = None
        self.voice.spoken.connect(self._caption)

    # -- set-up --------------------------------------------------------------

    def set_colours(self, colours: Colours, floor: bool) -> None:
        super().set_colours(colours, floor)
        # Redraw in the new colours now, not at the next frame (there is none while paused).
        engine = self.engine
        if engine is not None and engine.state is not State.FINISHED:
            self.refresh()

    # -- running -------------------------------------------------------------

    def start(self, plan: SessionPlan) -> SessionEngine:
        self.stop()
        self.cues.preload()
        self.cues.hold_open()  # a cue after a long breath out must not wake a sleeping output
        self.voice.preload()
        engine = SessionEngine(plan, self.clock)
        self.engine = engine
        self._announced_breath = (-1, 0)
        self._live_phase = None
        self._finished = None
        self._end_said = None
        self.save_state.new_session()
        engine.subscribe(self._on_event)
        self.engine_started.emit(engine)
        engine.start()
        self._frame.start()
        self._schedule()
        self.setFocus()
        return engine

    def stop(self) -> None:
        """Stop every timer; the page holds no running state afterwards."""
        self._frame.stop()
        self._cue_timer.stop()
        self.cues.let_close()
        self.voice.stop()

    @property
    def timers_active(self) -> bool:
        return self._frame.isActive() or self._cue_timer.isActive()

    def _schedule(self) -> None:
        """Arm one precise timer for the next boundary: a cue or the end of a step."""
        self._cue_timer.stop()
        self._pending_cue = None
        engine = self.engine
        if engine is None or engine.state is not State.RUNNING:
            return
        now = self.clock.now()
        candidates: list[tuple[float, Phase | None]] = []
        cue = engine.next_cue()
        if cue is not None:
            candidates.append((cue[0], cue[1].phase))
        deadline = engine.next_deadline()
        if deadline is not None:
            candidates.append((deadline, None))
        if not candidates:
            return
        at, phase = min(candidates, key=lambda item: item[0])
        self._pending_cue = phase
        self._pending_at = at
        wait = self.clock.real_seconds(max(0.0, at - now))
        self._cue_timer.start(max(0, round(wait * 1000)))

    def _on_cue_timer(self) -> None:
        engine = self.engine
        if engine is None:
            return
        # A precise timer may wake a hair early. Acting before the boundary would
        # let the next scheduling find the same boundary again and play its cue
        # twice, so wait out the remainder (at most a millisecond late).
        early = self._pending_at - self.clock.now()
        if early > 0:
            self._cue_timer.start(max(1, math.ceil(self.clock.real_seconds(early) * 1000)))
            return
        phase = self._pending_cue
        before = engine.index
        engine.update()
        if phase is not None and engine.index == before:
            self._play_phase(phase)
        self.refresh()
        self._schedule()

    def _play_phase(self, phase: Phase) -> None:
        engine = self.engine
        if engine is None:
            return
        if phase is Phase.INHALE:
            self.cues.play("inhale")
        elif phase is Phase.EXHALE:
            self.cues.play("exhale")
        elif phase in (Phase.HOLD_IN, Phase.HOLD_OUT):
            self.cues.play("hold")

    def refresh(self) -> None:
        engine = self.engine
        if engine is None:
            return
        engine.update()
        step = engine.step
        colours = self._colours
        if step.kind is StepKind.SET:
            current = engine.pace()
            assert current is not None
            colour = {
                Phase.INHALE: colours.inhale,
                Phase.EXHALE: colours.exhale,
            }.get(current.phase, colours.hold)
            word = "Paused" if engine.state is State.PAUSED else current.phase.word
            self.ring.set_state(
                ring_fraction(current), word, f"{current.breath} / {step.breaths}", colour
            )
            self._follow_breath(engine.index, step.breaths, current)
            cue = engine.plan.tool.cue
            self.cue.setText(cue.inhale if current.phase is Phase.INHALE else cue.exhale)
        elif step.kind not in (StepKind.RATING, StepKind.DONE):
            remaining = engine.remaining() or 0.0
            duration = engine.step_duration() or 1.0
            word = (
                "Paused"
                if engine.state is State.PAUSED
                else {
                    StepKind.COUNTDOWN: "Get ready",
                    StepKind.SWITCH_SIDE: "Switch",
                    StepKind.TRANSITION: "Next",
                    StepKind.STRETCH: "Hold",
                }.get(step.kind, "")
            )
            self.ring.set_state(remaining / duration, word, _seconds(remaining), colours.accent)

    def _follow_breath(self, index: int, breaths: int, current: Pace) -> None:
        """Tell the screen reader each new phase, and say the last breaths of a set.

        Called on every frame; acts only when the phase or the breath changes.
        """
        if current.done:
            return
        key = (index, current.breath, current.phase)
        if key != self._live_phase:
            self._live_phase = key
            self.announce(f"{current.phase.word}, breath {current.breath} of {breaths}")
        left = breaths - current.breath + 1
        if 1 <= left <= SAY_LAST_BREATHS and (index, current.breath) != self._announced_breath:
            self._announced_breath = (index, current.breath)
            self._say("Last breath" if left == 1 else f"{left} breaths left")

    # -- screen readers and voice ---------------------------------------------

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

    def _say(self, text: str, assertive: bool = False) -> None:
        """Speak ``text`` (or show it when there is no voice) and give it to screen readers."""
        self.voice.say(text)
        self.announce(text, assertive)

    # -- events from the engine ---------------------------------------------

    def _on_event(self, event: Event) -> None:
        if isinstance(event, StepStarted):
            # Announced first, so a screen reader hears the step before its first phase.
            self._announce(event.step)
            self._show_step(event.step)
        elif isinstance(event, Released):
            self._say("Released")
            self.notice.setText(f"Release marked at breath {event.breath}.")
        elif isinstance(event, BackedOff):
            if event.to_level < 0 and self.engine is not None:
                text = f"Paused. {self.engine.plan.tool.ease_off} Press Space to go on."
                self._say("Paused. Ease off.", assertive=True)
                self.notice.setText(text)
            else:
                self._say("Backing off")
        elif isinstance(event, Paused):
            self._frame.stop()
            self._cue_timer.stop()
            self.refresh()
            self._say("Paused")
        elif isinstance(event, Resumed):
            self._frame.start()
            self._schedule()
            self.notice.setText("")
        elif isinstance(event, SessionFinished):
            # Timers only: the voice may still be saying "Session complete".
            self._frame.stop()
            self._cue_timer.stop()
            self.cues.let_close()
            self._show_finished(event.completed)
            self.finished.emit(event.completed)

    def _show_step(self, step: Step) -> None:
        engine = self.engine
        assert engine is not None
        plan = engine.plan
        self.title.setText(step.title)
        self.side.setText(side_word(step.side))
        self.instruction.setText(step.instruction)
        self.cue.setText("")
        if step.stretch is not None and step.stretch.caution:
            self.instruction.setText(f"{step.instruction}\n\n⚠ {step.stretch.caution}")
        picture = step_picture(plan, step)
        self.diagram.set_diagram(picture.source, picture.side, picture.view)
        # A rating needs no diagram: the scale gets the whole width.
        shown = picture.source is not None and step.kind is not StepKind.RATING
        self.diagram.setVisible(shown)
        self.diagram_caption.setText(picture.caption)
        self.diagram_caption.setVisible(shown and bool(picture.caption))
        # "Stop and move the tool" means nothing while stretching off the tool.
        self.safety.setVisible(step.stretch is None)
        self.instruction.setVisible(step.kind is not StepKind.RATING)
        self._middle.setStretch(1, 0 if step.kind is StepKind.RATING else 2)
        if step.kind is StepKind.RATING:
            self.rating.set_question(
                f"{side_word(step.side)}: how tender is it {step.moment} the sets? (0–10)"
            )
            self.centre.setCurrentWidget(self.rating)
        else:
            self.centre.setCurrentWidget(self.ring)
        upcoming = engine.upcoming()
        then = upcoming.title.removeprefix("Next: ") if upcoming is not None else ""
        self.upcoming.setText(f"Then: {then}" if then else "")
        self.setAccessibleDescription(f"{step.title}. {side_word(step.side)}")
        self.refresh()
        self._schedule()

    def _announce(self, step: Step) -> None:
        if step.kind in (StepKind.COUNTDOWN, StepKind.SWITCH_SIDE, StepKind.DONE):
            self.cues.play("chime")
        if step.kind is StepKind.COUNTDOWN:
            self._say(f"{side_word(step.side)}. {step.instruction}")
        elif step.kind is StepKind.SWITCH_SIDE:
            self._say(
                f"Switch sides: {side_word(step.side).lower()} next. {step.instruction}",
                assertive=True,
            )
        elif step.kind is StepKind.RATING:
            self._say(
                f"{side_word(step.side)}. Rate the tenderness {step.moment} the sets, zero to ten.",
                assertive=True,
            )
        elif step.kind is StepKind.TRANSITION:
            self.cues.play("chime")
            self._say(f"{step.title}. {step.instruction}")
        elif step.kind is StepKind.SET:
            # The first breath starts with the step, so no timer fires for it.
            self.cues.play("inhale")
            self._say(f"{step.title.split(' — ')[0]}. Breathe in.")
        elif step.kind is StepKind.STRETCH:
            self._say(f"Hold the stretch. {step.instruction}")
        elif step.kind is StepKind.DONE:
            self._say("Session complete. Well done.")

    def _show_finished(self, completed: bool) -> None:
        self._finished = completed
        self.centre.setCurrentWidget(self.ring)
        self.ring.set_state(1.0, "Done" if completed else "Ended", "", self._colours.exhale)
        self.title.setText("Session complete" if completed else "Session ended")
        # The log hears of the end after this page does: this is what is known
        # now, and set_save_state or show_saved follows once it has been tried.
        self.cue.setText(saved_summary(self.save_state.waiting))
        self.upcoming.setText("Press Enter to go back to the tools.")
        if not completed:
            self._end_said = "Session ended."

    def set_save_state(self, message: str, waiting: tuple[str, ...]) -> None:
        """Show what is not saved yet (``message`` says what to do), or that all is."""
        was_waiting = bool(self.save_state.waiting)
        self.save_state.set_waiting(message, waiting)
        self._rescale()
        if waiting and not was_waiting:
            self.announce(message, assertive=True)
        if self._finished is not None:
            self.cue.setText(saved_summary(waiting))
            if self._end_said is not None:
                self._say_end()
            elif was_waiting and not waiting:
                self.announce("Everything you did is saved now.")

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

    def _caption(self, text: str) -> None:
        self.notice.setText(text)

    # -- control -------------------------------------------------------------

    def next_step(self) -> None:
        if self.engine is not None:
            self.engine.next()
            self._schedule()

    def rate(self, value: int) -> None:
        engine = self.engine
        if engine is not None and engine.step.kind is StepKind.RATING:
            engine.rate(value)
            self._schedule()

    def toggle_pause(self) -> None:
        if self.engine is not None:
            self.engine.toggle_pause()

    def back_off(self) -> None:
        if self.engine is not None:
            self.engine.back_off()
            self._schedule()

    def release(self) -> None:
        if self.engine is not None and not self.engine.release():
            self.notice.setText("Release can be marked once per set, during a set.")

    def leave(self) -> None:
        self.leave_requested.emit()

    def end_session(self, confirm: bool = True) -> None:
        engine = self.engine
        if engine is None or not engine.running:
            return
        if confirm:
            was_running = engine.state is State.RUNNING
            if was_running:
                engine.pause()
            # On the window: as a child of this page the question would take on
            # its floor-mode style sheet, white text on a light dialog.
            if not prompts.confirm(
                self.window(),
                "End the session?",
                "End the session now? Everything you have done so far is kept.",
            ):
                if was_running:
                    engine.resume()
                return
        engine.end()

    def handle_key(self, event: QKeyEvent) -> bool:
        """Do what the session key map (ui/actions.py) says ``event`` does now; False if nothing.

        A held key acts once: its repeats are taken and dropped, or holding
        Enter would skip every set and rating in two seconds.
        """
        command = session_command(event, self.engine)
        if command is None:
            return False
        if not self._repeats.is_repeat(event):
            if command is SessionCommand.RATE:
                self.rate(RATING_VALUES[event.key()])
            else:
                getattr(self, command.value)()
        event.accept()
        return True

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if not self.handle_key(event):
            super().keyPressEvent(event)

    def keyReleaseEvent(self, event: QKeyEvent) -> None:
        self._repeats.note_release(event)
        super().keyReleaseEvent(event)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # Installed on the window: keys that reach it unhandled while this page
        # shows are the session's, even if focus wandered off the page.
        if not isinstance(event, QKeyEvent) or not self.isVisible():
            return False
        if event.type() == KEY_PRESS:
            return self.handle_key(event)
        self._repeats.note_release(event)
        return False

    def mousePressEvent(self, event: QMouseEvent) -> None:
        engine = self.engine
        if engine is None or not engine.running or event.button() != Qt.MouseButton.LeftButton:
            super().mousePressEvent(event)
            return
        if engine.step.kind is StepKind.SET or engine.state is State.PAUSED:
            self.toggle_pause()
        elif engine.step.kind is not StepKind.RATING:
            self.next_step()
        event.accept()
