"""Lists the speech engine's voices, chooses one of another English and a slower rate,
and says the sample sentence with it; prints one JSON object with what happened.

Run by ``test_voice_choice.py`` in a process of its own, against a private
speech-dispatcher (a speech thread still inside libspeechd when the daemon is
stopped would take the test run down with it).
"""

from __future__ import annotations

import json
import sys
import time

from PySide6.QtCore import QCoreApplication, QTimer

from psoas_timer.core.voices import SAMPLE_SENTENCE, VoiceOption
from psoas_timer.services.voice import Voice


def main() -> int:
    app = QCoreApplication(sys.argv[:1])
    voice = Voice(create_ms=8000, watchdog_ms=8000)
    problems: list[str] = []
    report: dict[str, object] = {"problems": problems}
    voice.problem.connect(problems.append)
    began = time.monotonic()

    def listed(voices: list[VoiceOption]) -> None:
        report["listed_s"] = round(time.monotonic() - began, 3)
        report["voices"] = [(v.locale, v.name) for v in voices]
        report["before"] = voice.speaking_as
        other = [v for v in voices if v.locale != "en_GB"]
        if not other:
            app.quit()
            return
        report["chosen"] = (other[0].locale, other[0].name)
        voice.try_voice(SAMPLE_SENTENCE, other[0].name, other[0].locale, -0.3)

    def finished(text: str) -> None:
        report["finished"] = text
        report["after"] = voice.speaking_as
        app.quit()

    voice.voices_listed.connect(listed)
    voice.finished_speaking.connect(finished)
    voice.request_voices()
    QTimer.singleShot(30_000, app.quit)
    app.exec()
    voice.shutdown()
    print(json.dumps(report))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
