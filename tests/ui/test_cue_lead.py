"""Breath cues are played ahead of their boundaries by the output's latency, steps are not."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from psoas_timer.core.clock import FakeClock
from psoas_timer.core.events import Event, StepStarted
from psoas_timer.core.pacing import Phase, boundaries
from psoas_timer.core.plan import StepKind
from psoas_timer.services.sound import CuePlayer
from psoas_timer.ui.main_window import MainWindow
from tests.qt_helpers import run_until, start_session

LATENCY_S = 0.014


@pytest.mark.parametrize("latency", [0.0, LATENCY_S])
def test_each_breath_cue_is_played_its_latency_early_and_once_and_the_set_ends_on_time(
    latency: float,
    qtbot: QtBot,
    make_window: Callable[..., MainWindow],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(CuePlayer, "output_latency_s", property(lambda self: latency))
    clock = FakeClock()
    window = make_window(clock)
    start_session(window, "ql-claw", "left")
    page = window.session
    run_until(window, clock, StepKind.RATING)
    engine = page.engine
    assert engine is not None
    started: list[tuple[float, StepKind]] = []

    def on_event(event: Event) -> None:
        if isinstance(event, StepStarted):
            started.append((clock.now(), event.step.kind))

    engine.subscribe(on_event)
    qtbot.keyClick(page, Qt.Key.Key_0)  # the before-rating; the set starts
    assert engine.step.kind is StepKind.SET
    set_start = clock.now() - engine.step_elapsed()
    pattern, breaths = engine.plan.pattern, engine.step.breaths
    ideal = [
        (set_start + b.at, b.phase)
        for b in boundaries(pattern, breaths)
        if b.at > 0 and b.phase is not Phase.DONE
    ]
    set_end = set_start + pattern.cycle * breaths
    played: list[tuple[float, Phase]] = []
    monkeypatch.setattr(page, "_play_phase", lambda phase: played.append((clock.now(), phase)))
    # Every timer fires exactly when it was set for, until the set is over.
    while engine.step.kind is StepKind.SET:
        assert page._cue_timer.isActive()
        clock.set(max(clock.now(), page._pending_at))
        page._on_cue_timer()
    assert [phase for _, phase in played] == [phase for _, phase in ideal]
    for (at, _), (boundary, _) in zip(played, ideal, strict=True):
        assert at == pytest.approx(boundary - latency, abs=1e-9)
    # The cue moves; the step does not: the set still ends on its last boundary.
    assert started[-1][0] == pytest.approx(set_end, abs=1e-9)
    engine.end()
