"""The session page: pacing ring, step, count, cue, diagram, rating — readable from the floor.

Everything it shows and says comes ready-made on the step (see
:mod:`psoas_timer.core.narration`); the page lays it out, plays the cues and
turns keys and clicks into engine actions.
"""

from __future__ import annotations

import math

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QMouseEvent, QResizeEvent
from PySide6.QtWidgets import QWidget

from psoas_timer.core.clock import Clock
from psoas_timer.core.cue_timing import next_wake
from psoas_timer.core.engine import SessionEngine, State
from psoas_timer.core.events import (
    BackedOff,
    Event,
    Paused,
    Released,
    Resumed,
    SessionFinished,
    StepChanged,
    StepStarted,
)
from psoas_timer.core.i18n import _
from psoas_timer.core.narration import (
    CUE_OF_PHASE,
    SAY_LAST_BREATHS,
    breath_callout,
    released_now,
    session_over,
)
from psoas_timer.core.pacing import Pace, Phase, ring_fraction
from psoas_timer.core.plan import ANNOUNCED, SessionPlan, Step, StepKind
from psoas_timer.core.summary import spoken_summary
from psoas_timer.core.vocab import STOP_REASON_CHOICES
from psoas_timer.services.saving import SaveService
from psoas_timer.services.sound import CuePlayer
from psoas_timer.services.voice import Voice
from psoas_timer.ui import prompts
from psoas_timer.ui.actions import RATING_VALUES, SessionCommand, session_command
from psoas_timer.ui.held_keys import KeyRepeats
from psoas_timer.ui.session.layout import SessionLayout
from psoas_timer.ui.session.ring_words import RING_WORDS, ring_state
from psoas_timer.ui.session.save_line import saved_summary
from psoas_timer.ui.session.speaker import CHIME_CLEAR_S, CUE_CLEAR_S, Speaker, seconds_text
from psoas_timer.ui.session.summary import session_reports
from psoas_timer.ui.theme import Colours

FRAME_MS = 33  # 30 frames a second: a breath is slow, more frames only cost battery
KEY_PRESS = QEvent.Type.KeyPress


class SessionPage(SessionLayout):
    """Shows one running session and turns keys and clicks into engine actions."""

    finished = Signal(bool)  # completed?
    engine_started = Signal(object)  # SessionEngine, for the save service
    status = Signal(str)
    leave_requested = Signal()  # Enter or Esc once the session is over

    def __init__(
        self, clock: Clock, cues: CuePlayer, voice: Voice, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.clock = clock
        self.cues = cues
        self.voice = voice
        self.engine: SessionEngine | None = None
        self.history: SaveService | None = None  # the log, for "last time" in the summary
        self.speaker = Speaker(voice, clock, self)
        self.speaker.words_done.connect(self._words_done)
        self._repeats = KeyRepeats()
        self._announced_breath: tuple[int, int] = (-1, 0)  # (step index, breath)
        self._live_phase: tuple[int, int, Phase] | None = None
        self._pause_said = False
        self._frame = QTimer(self)
        self._frame.setInterval(FRAME_MS)
        self._frame.timeout.connect(self.refresh)
        self._cue_timer = QTimer(self)
        self._cue_timer.setSingleShot(True)
        self._cue_timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._cue_timer.timeout.connect(self._on_cue_timer)
        self._pending_cue: Phase | None = None
        self._pending_at = 0.0
        self._pending_boundary = 0.0  # a breath cue plays ahead of it (core/cue_timing.py)
        self._cued_until = -math.inf  # clock times only grow: never reset
        # The summary's words, once a tone still ringing at the end has rung out.
        self._last_words = QTimer(self)
        self._last_words.setSingleShot(True)
        self._last_words.setTimerType(Qt.TimerType.PreciseTimer)
        self._last_words.timeout.connect(lambda: self.speaker.flush(everything=True))
        self.rating.rated.connect(self.rate)
        self.rating.skipped.connect(self.next_step)
        self.stop_button.clicked.connect(self.stop_set)
        self.voice.spoken.connect(self._caption)

    def set_log(self, history: SaveService) -> None:
        """Where the summary finds the last session with the same tool."""
        self.history = history

    def set_colours(self, colours: Colours, floor: bool) -> None:
        self.apply_colours(colours, floor)
        # Redraw in the new colours now, not at the next frame (there is none while paused).
        engine = self.engine
        if engine is not None and engine.state is not State.FINISHED:
            self.refresh()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.rescale()

    # -- running -------------------------------------------------------------

    def start(self, plan: SessionPlan) -> SessionEngine:
        self.stop()
        self.cues.preload()
        self.cues.hold_open()  # a cue after a long breath out must not wake a sleeping output
        self.voice.preload()
        engine = SessionEngine(plan, self.clock)
        self.engine = engine
        self.speaker.attach(engine)
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
        self._last_words.stop()
        self.speaker.clear()
        self.voice.stop()

    @property
    def timers_active(self) -> bool:
        return self._frame.isActive() or self._cue_timer.isActive()

    def _schedule(self) -> None:
        """Arm one precise timer for the next boundary: a cue, words due, or a step's end."""
        self._cue_timer.stop()
        self._pending_cue = None
        engine = self.engine
        if engine is None or engine.state is not State.RUNNING:
            return
        now = self.clock.now()
        ahead = self.cues.output_latency_s / self.clock.real_seconds(1.0)
        wake = next_wake(engine, self.speaker.next_due(), now, self._cued_until, ahead)
        if wake is None:
            return
        self._pending_cue, self._pending_at = wake.phase, wake.at
        self._pending_boundary = wake.boundary
        wait = self.clock.real_seconds(max(0.0, wake.at - now))
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
            self._cued_until = self._pending_boundary
            self._play_phase(phase)
        self.refresh()
        self._schedule()

    def _play_phase(self, phase: Phase) -> None:
        name = CUE_OF_PHASE.get(phase)
        if name is not None:
            self._play(name)

    def _play(self, cue: str) -> None:
        self.cues.play(cue)
        if self.cues.available:
            self.speaker.cue_played(CHIME_CLEAR_S if cue == "chime" else CUE_CLEAR_S)

    def _words_done(self) -> None:
        self.refresh()
        self._schedule()

    def refresh(self) -> None:
        engine = self.engine
        if engine is None:
            return
        engine.update()
        self.speaker.tick()
        step = engine.step
        colours = self.colours
        paused = engine.state is State.PAUSED
        if step.kind is StepKind.SET:
            current = engine.pace()
            assert current is not None
            colour = {
                Phase.INHALE: colours.inhale,
                Phase.EXHALE: colours.exhale,
            }.get(current.phase, colours.hold)
            word = _("Paused") if paused else current.phase.word
            self.ring.set_state(
                ring_fraction(current), word, f"{current.breath} / {step.breaths}", colour
            )
            self._follow_breath(engine.index, step.breaths, current)
            cue = engine.plan.tool.cue
            self.cue.setText(cue.inhale if current.phase is Phase.INHALE else cue.exhale)
        elif step.kind is StepKind.QUESTION:
            remaining = engine.remaining()
            if paused:
                self.choices.set_status(_("Paused"))
            elif remaining is None:
                self.choices.set_status(_("Waiting for your answer"))
            else:
                self.choices.set_status(
                    _("Going on in {seconds} s").format(seconds=seconds_text(remaining))
                )
        elif step.kind in RING_WORDS:
            word, count, fraction = ring_state(engine, paused, self.voice.will_speak)
            self.ring.set_state(fraction, word, count, colours.accent)

    def _follow_breath(self, index: int, breaths: int, current: Pace) -> None:
        """Tell the screen reader each new phase, and say the last breaths of a set.

        Called on every frame; acts only when the phase or the breath changes.
        """
        if current.done:
            return
        key = (index, current.breath, current.phase)
        if key != self._live_phase:
            self._live_phase = key
            self.announce(
                _("{phase}, breath {breath} of {breaths}").format(
                    phase=current.phase.word, breath=current.breath, breaths=breaths
                )
            )
        engine = self.engine
        assert engine is not None
        # A release ends the set with its breath: the count is of the breaths still to come.
        last = round((engine.step_duration() or 0.0) / engine.plan.pattern.cycle)
        left = last - current.breath + 1
        if 1 <= left <= SAY_LAST_BREATHS and (index, current.breath) != self._announced_breath:
            self._announced_breath = (index, current.breath)
            # After the breath's tone, never over it.
            began = self.clock.now() - (engine.step_elapsed() - current.phase_start)
            text = breath_callout(left)
            self.speaker.say(text, index, began + CUE_CLEAR_S)
            self.announce(text)

    # -- voice -------------------------------------------------------------------

    def _urgent(self, text: str) -> None:
        self.speaker.urgent(text)
        self.announce(text, assertive=True)

    # -- events from the engine ---------------------------------------------

    def _on_event(self, event: Event) -> None:
        engine = self.engine
        assert engine is not None
        if isinstance(event, StepStarted):
            self._begin_step(event.index, event.step)
        elif isinstance(event, StepChanged):
            self.show_step(engine, event.step)
            self._offer_choices(event.step)
            self.speaker.say(event.said, event.index)
            self.announce(event.said, assertive=True)
            self._schedule()
        elif isinstance(event, Released):
            self.speaker.drop_due()  # "3 breaths left" no longer holds
            self._announced_breath = (engine.index, event.breath)  # "finish this breath" says it
            self.speaker.say(released_now(), engine.index)
            self.notice.setText(_("Release marked at breath {breath}.").format(breath=event.breath))
        elif isinstance(event, BackedOff) and event.to_level < 0:
            self._urgent(_("Paused. Ease off."))
            self._pause_said = True
            ease_off = engine.plan.tool.ease_off
            self.notice.setText(
                _("Paused. {ease_off} Press Space to go on.").format(ease_off=ease_off)
            )
        elif isinstance(event, Paused):
            self._frame.stop()
            self._cue_timer.stop()
            self.refresh()
            if not self._pause_said:
                self._urgent(_("Paused"))
            self._pause_said = False
        elif isinstance(event, Resumed):
            self._frame.start()
            self._schedule()
            self.notice.setText("")
        elif isinstance(event, SessionFinished):
            # Timers only: the voice may still be saying the last words.
            self._frame.stop()
            self._cue_timer.stop()
            self.cues.let_close()
            self._show_finished(engine, event.completed)
            self.finished.emit(event.completed)

    def _begin_step(self, index: int, step: Step) -> None:
        engine = self.engine
        assert engine is not None
        # Announced first, so a screen reader hears the step before its first phase;
        # the end is announced with what the log says about it.
        if step.kind is not StepKind.DONE:
            self.announce(step.words.spoken, assertive=step.kind is not StepKind.SET)
        if step.kind is StepKind.STOP_REASON:
            self._urgent(step.words.spoken)
        elif step.kind is not StepKind.DONE:
            # Captioned at once; said once the step's sound has rung out.
            self.notice.setText(step.words.spoken)
            clear = 0.0
            if step.kind in ANNOUNCED:
                self._play("chime")
                clear = CHIME_CLEAR_S
            elif step.kind is StepKind.SET:
                # The first breath starts with the step, so no timer fires for it.
                self._play("inhale")
                clear = CUE_CLEAR_S
            self.speaker.step(index, step, clear)
        self.show_step(engine, step)
        self._offer_choices(step)
        self.refresh()
        self._schedule()

    def _offer_choices(self, step: Step) -> None:
        engine = self.engine
        assert engine is not None
        if step.kind is StepKind.QUESTION:
            self.show_question(engine.plan, step, engine.answer, self.back_off)
        elif step.kind is StepKind.STOP_REASON:
            self.show_stop_reasons(step, self.give_reason, self.next_step)
        elif step.kind is StepKind.STOP_ADVICE:
            self.show_stop_advice(step, self.next_step, lambda: self.end_session(confirm=False))

    def _show_finished(self, engine: SessionEngine, completed: bool) -> None:
        self._finished = completed
        reports = session_reports(engine, self.history)
        self.show_summary(engine.plan, reports, session_over(completed).title)
        said = spoken_summary(reports, completed, engine.plan.centred)
        self.speaker.drop_due()  # the words of a step cut short by the end go unsaid
        self.speaker.say(said, engine.index)  # after a tone still ringing, if any
        due = self.speaker.next_due()
        if due is not None:
            wait = self.clock.real_seconds(max(0.0, due - self.clock.now()))
            self._last_words.start(max(1, math.ceil(wait * 1000)))
        # The log hears of the end after this page does: this is what is known
        # now, and set_save_state or show_saved follows once it has been tried.
        self.cue.setText(saved_summary(self.save_state.waiting))
        self._end_said = said

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

    def give_reason(self, number: int) -> None:
        """After Stop: what felt wrong, by its number (1-5)."""
        engine = self.engine
        if engine is not None and 1 <= number <= len(STOP_REASON_CHOICES):
            engine.give_reason(STOP_REASON_CHOICES[number - 1])
            self._schedule()

    def toggle_pause(self) -> None:
        engine = self.engine
        if engine is None:
            return
        if engine.step.kind is StepKind.QUESTION:
            engine.answer("again")  # Space at "More pressure?": one more set at this level
        else:
            engine.toggle_pause()
        self._schedule()

    def back_off(self) -> None:
        if self.engine is not None:
            self.engine.back_off()
            self._schedule()

    def release(self) -> None:
        if self.engine is not None and not self.engine.release():
            self.notice.setText(_("Release can be marked once per set, during a set."))

    def stop_set(self) -> None:
        """Stop (S, or the Stop button): something felt wrong."""
        engine = self.engine
        if engine is not None and not engine.stop():
            self.notice.setText(_("Stop works while you are on the tool."))
        self._schedule()

    def leave(self) -> None:
        self.leave_requested.emit()

    def end_session(self, confirm: bool = True) -> None:
        engine = self.engine
        if engine is None or not engine.running:
            return
        # Ending is one of the two answers the Stop advice offers: no second question.
        if confirm and engine.step.kind is not StepKind.STOP_ADVICE:
            was_running = engine.state is State.RUNNING
            if was_running:
                engine.pause()
            # On the window: as a child of this page the question would take on
            # its floor-mode style sheet, white text on a light dialog.
            if not prompts.confirm(
                self.window(),
                _("End the session?"),
                _("End the session now? Everything you have done so far is kept."),
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
            elif command is SessionCommand.REASON:
                self.give_reason(RATING_VALUES[event.key()])
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
        kind = engine.step.kind
        if kind is StepKind.SET or engine.state is State.PAUSED:
            self.toggle_pause()
        elif kind is StepKind.QUESTION:
            engine.keep_level()  # a click stops a hands-free countdown, never says yes
        elif kind not in (StepKind.RATING, StepKind.STOP_REASON, StepKind.STOP_ADVICE):
            self.next_step()
        event.accept()
