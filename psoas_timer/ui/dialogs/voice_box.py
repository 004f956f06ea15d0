"""The voice that speaks the steps: which one, how fast, and a sample to hear it."""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QComboBox, QFormLayout, QLabel, QPushButton, QSlider

from psoas_timer.core.i18n import N_, _, speech_locale
from psoas_timer.core.settings import Settings
from psoas_timer.core.voices import (
    SAMPLE_SENTENCE,
    VOICE_RATE_LIMITS,
    VOICE_RATE_STEP,
    VoiceOption,
    speech_missing_text,
)
from psoas_timer.services.voice import Voice

PLAIN_VOICE = N_("The plain voice for the language")
AS_WRITTEN = N_("As the steps are written")
LOOKING = N_("Looking for the voices on this computer…")


def _steps(rate: float) -> int:
    return round(rate / VOICE_RATE_STEP)


class VoiceBox(QObject):
    """Voice, its language, speaking rate and a Test button; the lists fill in when the
    engine answers. The language is a variant of the one the steps are written in
    (``en_US`` for English): the engine reads the steps in their own language."""

    def __init__(
        self,
        settings: Settings,
        voice: Voice | None,
        form: QFormLayout,
        parent: QObject | None = None,
        language: str | None = None,
    ) -> None:
        """The rows go into ``form``, lined up with the settings above them."""
        super().__init__(parent)
        self._voice = voice
        self._initial = settings
        # The words are spoken in the language they are shown in.
        language = language or (voice.language if voice is not None else speech_locale())
        self._language = language
        self.choice = QComboBox()
        self.choice.setAccessibleName(_("Voice"))
        self.choice.setToolTip(_("Voices of the language the steps are written in come first"))
        self.choice.setAccessibleDescription(self.choice.toolTip())
        form.addRow(_("Voice:"), self.choice)
        self.language = QComboBox()
        self.language.setAccessibleName(_("Language of the voice"))
        self.language.setToolTip(_("Which variant of the language the voice speaks"))
        self.language.setAccessibleDescription(self.language.toolTip())
        form.addRow(_("Language of the voice:"), self.language)
        self.status = QLabel()
        self.status.setObjectName("voiceStatus")
        self.status.setWordWrap(True)
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.status.setAccessibleName(_("Voices"))
        form.addRow("", self.status)
        self.rate = QSlider(Qt.Orientation.Horizontal)
        self.rate.setRange(_steps(VOICE_RATE_LIMITS[0]), _steps(VOICE_RATE_LIMITS[1]))
        self.rate.setPageStep(2)
        self.rate.setAccessibleName(_("Speaking rate"))
        self.rate.setToolTip(_("Left: slower. Right: faster. The middle is the voice's own pace."))
        self.rate.setAccessibleDescription(self.rate.toolTip())
        form.addRow(_("Speaking rate:"), self.rate)
        self.test = QPushButton(_("Test voice"))
        self.test.setAccessibleName(_("Test the voice"))
        self.test.setToolTip(_("Says a short sentence with the voice and rate chosen"))
        self.test.setEnabled(voice is not None)
        self.test.clicked.connect(self.say_sample)
        form.addRow("", self.test)
        self.show_settings(settings)
        self._asked = False
        self.status.hide()

    def ask_engine(self) -> None:
        """List the engine's voices (once). Asked only when they are to be seen:
        listing starts the speech engine, which nothing else in the settings needs."""
        if self._voice is not None and not self._asked:
            self._asked = True
            self.status.setText(_(LOOKING))
            self.status.show()
            self._voice.voices_listed.connect(self.show_voices)
            self._voice.request_voices()

    def _add_voice(self, name: str, locale: str = "") -> None:
        if self.choice.findData(name) < 0:
            text = _(PLAIN_VOICE) if not name else f"{name} ({locale})" if locale else name
            self.choice.addItem(text, name)

    def _add_locale(self, locale: str) -> None:
        if self.language.findData(locale) < 0:
            text = locale or f"{_(AS_WRITTEN)} ({self._language})"
            self.language.addItem(text, locale)

    def show_settings(self, settings: Settings) -> None:
        # What was chosen stays in the lists even before (or without) the engine's answer.
        self._add_voice("")
        self._add_voice(settings.voice_name)
        self._add_locale("")
        self._add_locale(settings.voice_locale)
        self.choice.setCurrentIndex(self.choice.findData(settings.voice_name))
        self.language.setCurrentIndex(self.language.findData(settings.voice_locale))
        self.rate.setValue(_steps(settings.voice_rate))

    def show_voices(self, voices: list[VoiceOption]) -> None:
        """The engine's voices (the steps' language first); none: say what to install."""
        if not voices:
            why = self._voice.off_text if self._voice is not None else ""
            self.status.setText(why or speech_missing_text())
            self.status.show()
            return
        language = self._language.split("_", 1)[0]
        for option in voices:
            self._add_voice(option.name, option.locale)
            if option.language == language:
                self._add_locale(option.locale)
        self.status.hide()

    def _shown(self) -> tuple[str, str, float]:
        rate = round(self.rate.value() * VOICE_RATE_STEP, 2)
        return self.choice.currentData(), self.language.currentData(), rate

    def changes(self) -> dict[str, object]:
        name, locale, rate = self._shown()
        return {"voice_name": name, "voice_locale": locale, "voice_rate": rate}

    def say_sample(self) -> None:
        """The sample sentence, at once, with the voice and rate shown."""
        if self._voice is not None:
            self._voice.try_voice(_(SAMPLE_SENTENCE), *self._shown())

    def put_back(self) -> None:
        """The voice in use before the dialog was opened, after a Test that was not kept."""
        if self._voice is not None:
            self._voice.set_voice(self._initial.voice_name, self._initial.voice_locale)
            self._voice.set_rate(self._initial.voice_rate)
