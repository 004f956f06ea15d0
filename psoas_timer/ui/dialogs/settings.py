"""Every setting, on tabs, with a live preview of the breath pattern beside the breathing."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSlider,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from psoas_timer.core.clock import Clock, MonotonicClock, WallClock, system_wall
from psoas_timer.core.cue_sounds import cue_theme_labels
from psoas_timer.core.i18n import N_, _, decimal
from psoas_timer.core.pacing import (
    CYCLE_LIMITS,
    LIMITS,
    BreathPattern,
    PatternError,
    Phase,
    pace,
    ring_fraction,
)
from psoas_timer.core.settings import VOLUME_LIMITS, Settings
from psoas_timer.core.vocab import (
    BREATHS_LIMITS,
    COUNTDOWN_LIMITS,
    HANDS_FREE_SECONDS,
    PRESSURE_MINUTES_LIMITS,
    TRANSITION_LIMITS,
)
from psoas_timer.services.sound import CuePlayer
from psoas_timer.services.voice import Voice
from psoas_timer.ui.dialogs.language_box import language_box
from psoas_timer.ui.dialogs.plan_box import PlanBox
from psoas_timer.ui.dialogs.voice_box import VoiceBox
from psoas_timer.ui.theme import Colours, colours_for
from psoas_timer.ui.widgets.ring import PacingRing

PATTERN_LABELS = {
    "inhale": N_("Breathe in"),
    "hold_in": N_("Hold after breathing in"),
    "exhale": N_("Breathe out"),
    "hold_out": N_("Hold after breathing out"),
}


class SettingsDialog(QDialog):
    """Every setting, with a live preview of the breath pattern."""

    def __init__(
        self,
        settings: Settings,
        parent: QWidget | None = None,
        clock: Clock | None = None,
        wall: WallClock = system_wall,
        cues: CuePlayer | None = None,
        voice: Voice | None = None,
    ) -> None:
        super().__init__(parent)
        self._cues = cues
        self.setWindowTitle(_("Settings"))
        self._initial = settings
        self._colours: Colours = colours_for(settings.theme)
        outer = QVBoxLayout(self)
        # Tabs keep the dialog short enough for a laptop screen; Ctrl+Tab moves between them.
        self.tabs = QTabWidget()
        self.tabs.setAccessibleName(_("Settings"))
        outer.addWidget(self.tabs)

        def page(title: str) -> QFormLayout:
            widget = QWidget()
            form = QFormLayout(widget)
            self.tabs.addTab(widget, title)
            return form

        breathing = QWidget()
        layout = QHBoxLayout(breathing)
        form = QFormLayout()
        layout.addLayout(form, 3)
        self.tabs.addTab(breathing, _("Breathing"))

        def seconds(name: str, value: float) -> QDoubleSpinBox:
            low, high = LIMITS[name]
            box = QDoubleSpinBox()
            box.setRange(low, high)
            box.setSingleStep(0.5)
            box.setDecimals(1)
            box.setSuffix(" s")
            # A typed value outside the limits snaps to the nearest one allowed.
            box.setCorrectionMode(QDoubleSpinBox.CorrectionMode.CorrectToNearestValue)
            box.setValue(value)
            box.setToolTip(_("{low} to {high} seconds").format(low=f"{low:g}", high=f"{high:g}"))
            box.setAccessibleDescription(box.toolTip())
            box.valueChanged.connect(self._pattern_changed)
            box.editingFinished.connect(self._pattern_changed)
            line = box.lineEdit()
            if line is not None:
                line.textEdited.connect(self._pattern_changed)
            return box

        self.inhale = seconds("inhale", settings.inhale)
        self.hold_in = seconds("hold_in", settings.hold_in)
        self.exhale = seconds("exhale", settings.exhale)
        self.hold_out = seconds("hold_out", settings.hold_out)
        self.pattern_boxes = {
            "inhale": self.inhale,
            "hold_in": self.hold_in,
            "exhale": self.exhale,
            "hold_out": self.hold_out,
        }
        for name, box in self.pattern_boxes.items():
            box.setAccessibleName(_(PATTERN_LABELS[name]))
            form.addRow(_("{label}:").format(label=_(PATTERN_LABELS[name])), box)
        self.pattern_note = QLabel()
        self.pattern_note.setObjectName("patternNote")
        self.pattern_note.setWordWrap(True)
        self.pattern_note.setAccessibleName(_("Breath pattern"))
        form.addRow("", self.pattern_note)
        self.breaths = QSpinBox()
        self.breaths.setRange(*BREATHS_LIMITS)
        self.breaths.setCorrectionMode(QSpinBox.CorrectionMode.CorrectToNearestValue)
        self.breaths.setValue(settings.breaths)
        self.breaths.setAccessibleName(_("Breaths per set"))
        self.breaths.setToolTip(
            _("{low} to {high} breaths").format(low=BREATHS_LIMITS[0], high=BREATHS_LIMITS[1])
        )
        self.breaths.setAccessibleDescription(self.breaths.toolTip())
        form.addRow(_("Breaths per set:"), self.breaths)
        form = page(_("Session"))
        self.countdown = QSpinBox()
        self.countdown.setRange(*COUNTDOWN_LIMITS)
        self.countdown.setSuffix(" s")
        self.countdown.setValue(settings.countdown)
        self.countdown.setAccessibleName(_("Get-into-position countdown"))
        form.addRow(_("Get-into-position countdown:"), self.countdown)
        self.transition = QSpinBox()
        self.transition.setRange(*TRANSITION_LIMITS)
        self.transition.setSuffix(" s")
        self.transition.setValue(settings.transition)
        self.transition.setAccessibleName(_("Pause between steps"))
        form.addRow(_("Pause between steps:"), self.transition)
        self.pressure_minutes = QSpinBox()
        self.pressure_minutes.setRange(*PRESSURE_MINUTES_LIMITS)
        self.pressure_minutes.setSuffix(_(" min"))
        self.pressure_minutes.setValue(settings.pressure_minutes)
        self.pressure_minutes.setAccessibleName(_("Most time under pressure on one side"))
        self.pressure_minutes.setToolTip(
            _("After this long on the tool the session says to come off and rate that side.")
        )
        self.pressure_minutes.setAccessibleDescription(self.pressure_minutes.toolTip())
        form.addRow(_("Most time under pressure per side:"), self.pressure_minutes)
        self.hands_free = QCheckBox(_("Carry me on hands-free"))
        self.hands_free.setChecked(settings.hands_free)
        self.hands_free.setToolTip(
            _(
                '"More pressure?" goes on to the next level after {seconds} seconds '
                "unless you press ← or click. Off: it waits for your answer."
            ).format(seconds=HANDS_FREE_SECONDS)
        )
        self.hands_free.setAccessibleDescription(self.hands_free.toolTip())
        form.addRow("", self.hands_free)
        self.sides = QComboBox()
        for value, text in (
            ("both", _("Both, left first")),
            ("left", _("Left")),
            ("right", _("Right")),
        ):
            self.sides.addItem(text, value)
        self.sides.setCurrentIndex(self.sides.findData(settings.sides))
        self.sides.setAccessibleName(_("Default sides"))
        form.addRow(_("Default sides:"), self.sides)
        self.stretches = QCheckBox(_("Guide the stretches after the sets"))
        self.stretches.setChecked(settings.stretches)
        form.addRow("", self.stretches)
        form = page(_("Sound and voice"))
        self.sound = QCheckBox(_("Breath sounds"))
        self.sound.setChecked(settings.sound)
        form.addRow("", self.sound)
        self.voice = QCheckBox(_("Spoken steps"))
        self.voice.setChecked(settings.voice)
        form.addRow("", self.voice)
        self.volume = QSlider(Qt.Orientation.Horizontal)
        self.volume.setRange(*VOLUME_LIMITS)
        self.volume.setValue(settings.volume)
        self.volume.setAccessibleName(_("Volume"))
        self.volume.setAccessibleDescription(
            _("{low} to {high} percent, for breath sounds and voice").format(
                low=VOLUME_LIMITS.low, high=VOLUME_LIMITS.high
            )
        )
        form.addRow(_("Volume:"), self.volume)
        self.cue_theme = QComboBox()
        for value, text in cue_theme_labels().items():
            self.cue_theme.addItem(text, value)
        self.cue_theme.setCurrentIndex(self.cue_theme.findData(settings.cue_theme))
        self.cue_theme.setAccessibleName(_("Sound set for the breath cues"))
        self.test_sound = QPushButton(_("Test"))
        self.test_sound.setAccessibleName(_("Test the breath sounds"))
        self.test_sound.setToolTip(_("Plays a breath in, then a breath out, at the volume above"))
        self.test_sound.setEnabled(cues is not None)
        self.test_sound.clicked.connect(self.play_test_pair)
        sound_row = QHBoxLayout()
        sound_row.addWidget(self.cue_theme, 1)
        sound_row.addWidget(self.test_sound)
        form.addRow(_("Sound set:"), sound_row)
        self.voice_box = VoiceBox(settings, voice, form, self)
        voice_page = self.tabs.widget(self.tabs.count() - 1)
        self.tabs.currentChanged.connect(
            lambda index: (
                self.voice_box.ask_engine() if self.tabs.widget(index) is voice_page else None
            )
        )
        form = page(_("Display"))
        self.floor_mode = QCheckBox(_("Floor mode when a set starts (full screen, high contrast)"))
        self.floor_mode.setChecked(settings.floor_mode)
        form.addRow("", self.floor_mode)
        self.theme = QComboBox()
        for value, text in (
            ("system", _("Follow the system")),
            ("light", _("Light")),
            ("dark", _("Dark")),
        ):
            self.theme.addItem(text, value)
        self.theme.setCurrentIndex(self.theme.findData(settings.theme))
        self.theme.setAccessibleName(_("Theme"))
        form.addRow(_("Theme:"), self.theme)
        self.units = QComboBox()
        self.units.addItem(_("Centimetres"), "cm")
        self.units.addItem(_("Inches"), "in")
        self.units.setCurrentIndex(self.units.findData(settings.units))
        self.units.setAccessibleName(_("Units"))
        form.addRow(_("Distances in:"), self.units)
        self.language = language_box(settings.language)
        form.addRow(_("Language:"), self.language)
        self.plan = PlanBox(settings, wall)
        self.plan.changed.connect(self._pattern_changed)
        self.tabs.insertTab(self.tabs.count() - 1, self.plan, _("Reminders"))
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok
            | QDialogButtonBox.StandardButton.Cancel
            | QDialogButtonBox.StandardButton.RestoreDefaults
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        restore = self.buttons.button(QDialogButtonBox.StandardButton.RestoreDefaults)
        restore.clicked.connect(self._restore)
        outer.addWidget(self.buttons)

        preview = QVBoxLayout()
        self.ring = PacingRing()
        self.ring.setMinimumSize(220, 220)
        self.ring.setAccessibleName(_("Preview of the breath pattern"))
        self.ring.set_colours(self._colours)
        preview.addWidget(self.ring, 1)
        caption = QLabel(_("Live preview"))
        caption.setBuddy(self.ring)
        preview.addWidget(caption, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addLayout(preview, 2)
        self._clock: Clock = clock or MonotonicClock()
        self._timer = QTimer(self)
        self._timer.setInterval(33)
        self._timer.timeout.connect(self._tick)
        self._pattern_changed()
        self.finished.connect(self._closed)

    def _closed(self, result: int) -> None:
        self._timer.stop()
        if result != QDialog.DialogCode.Accepted:
            self.voice_box.put_back()  # a voice tried with Test and not kept

    def showEvent(self, event: QShowEvent) -> None:
        self._timer.start()
        super().showEvent(event)

    def _restore(self) -> None:
        """Every setting back to its default (the safety notice stays acknowledged)."""
        self.show_settings(Settings.defaults())

    def show_settings(self, settings: Settings) -> None:
        for name, box in self.pattern_boxes.items():
            box.setValue(getattr(settings, name))
        self.breaths.setValue(settings.breaths)
        self.countdown.setValue(settings.countdown)
        self.transition.setValue(settings.transition)
        self.pressure_minutes.setValue(settings.pressure_minutes)
        self.hands_free.setChecked(settings.hands_free)
        self.sides.setCurrentIndex(self.sides.findData(settings.sides))
        self.stretches.setChecked(settings.stretches)
        self.sound.setChecked(settings.sound)
        self.voice.setChecked(settings.voice)
        self.volume.setValue(settings.volume)
        self.floor_mode.setChecked(settings.floor_mode)
        self.theme.setCurrentIndex(self.theme.findData(settings.theme))
        self.units.setCurrentIndex(self.units.findData(settings.units))
        self.plan.show_settings(settings)
        self.cue_theme.setCurrentIndex(self.cue_theme.findData(settings.cue_theme))
        self.language.setCurrentIndex(max(0, self.language.findData(settings.language)))
        self.voice_box.show_settings(settings)

    def play_test_pair(self) -> None:
        """A breath in and a breath out of the sounds chosen, as a set will play them."""
        if self._cues is not None:
            self._cues.play_pair(self.cue_theme.currentData(), self.volume.value() / 100)

    def problem(self) -> str | None:
        """Why the breath pattern cannot be saved as shown, or ``None``."""
        for name, box in self.pattern_boxes.items():
            if not box.hasAcceptableInput():
                low, high = LIMITS[name]
                return _("{label} must be between {low} and {high} s.").format(
                    label=_(PATTERN_LABELS[name]), low=f"{low:g}", high=f"{high:g}"
                )
        try:
            self._pattern()
        except PatternError as exc:
            low, high = CYCLE_LIMITS
            if exc.field == "cycle":
                return _("A whole breath must take {low}–{high} s (now {now} s).").format(
                    low=f"{low:g}", high=f"{high:g}", now=f"{self._cycle():g}"
                )
            return str(exc)
        return None

    def _cycle(self) -> float:
        return sum(box.value() for box in self.pattern_boxes.values())

    def _pattern_changed(self) -> None:
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        problem = self.problem()
        if ok is not None:
            ok.setEnabled(problem is None and self.plan.problem() is None)
        if problem is not None:
            self.pattern_note.setText(
                f"<span style='color:{self._colours.warning}'><b>{escape(_('Not saved:'))}</b> "
                f"{escape(problem)}</span>"
            )
            self.pattern_note.setAccessibleDescription(problem)
            return
        pattern = self._pattern()
        text = _("{rate} breaths a minute ({seconds} s each).").format(
            rate=decimal(pattern.breaths_per_minute), seconds=decimal(pattern.cycle, 1, trim=True)
        )
        self.pattern_note.setText(text)
        self.pattern_note.setAccessibleDescription(text)

    def _pattern(self) -> BreathPattern:
        return self.result_settings().pattern

    def _tick(self) -> None:
        try:
            pattern = self.result_settings().pattern
        except PatternError:
            return
        now = self._clock.now() % pattern.cycle
        current = pace(pattern, 1, now)
        colours = self._colours
        colour = {Phase.INHALE: colours.inhale, Phase.EXHALE: colours.exhale}.get(
            current.phase, colours.hold
        )
        self.ring.set_state(ring_fraction(current), current.phase.word, "", colour)

    def result_settings(self) -> Settings:
        """The settings as the dialog shows them; raises PatternError when out of range."""
        return self._initial.with_changes(
            inhale=self.inhale.value(),
            hold_in=self.hold_in.value(),
            exhale=self.exhale.value(),
            hold_out=self.hold_out.value(),
            breaths=self.breaths.value(),
            countdown=self.countdown.value(),
            transition=self.transition.value(),
            pressure_minutes=self.pressure_minutes.value(),
            hands_free=self.hands_free.isChecked(),
            sides=self.sides.currentData(),
            stretches=self.stretches.isChecked(),
            sound=self.sound.isChecked(),
            voice=self.voice.isChecked(),
            volume=self.volume.value(),
            floor_mode=self.floor_mode.isChecked(),
            theme=self.theme.currentData(),
            units=self.units.currentData(),
            **self.plan.changes(),
            cue_theme=self.cue_theme.currentData(),
            language=self.language.currentData(),
            **self.voice_box.changes(),
        )
