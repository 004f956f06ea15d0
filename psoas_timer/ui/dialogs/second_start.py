"""A second start while the first copy does not answer: say so, and let the user choose.

Started from a desktop launcher, a message on stderr is silence; so the user is
shown what is going on and may start anyway, which takes over only from a copy
that has ended. Two copies never write to one log.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QMessageBox, QPushButton, QWidget

from psoas_timer import APP_NAME
from psoas_timer.services.single_instance import Holder, SingleInstance, TakeOver

START_ANYWAY = "Start anyway"
QUIT = "Quit"


def not_answering_text(data: Path) -> str:
    return f"{APP_NAME} is already running for {data} but is not answering."


def still_running_text(data: Path, holder: Holder) -> str:
    return (
        f"{APP_NAME} is still running for {data} (process {holder.pid}), so this copy will "
        "not start: two copies must never write to the same log. Close the other copy, or "
        f"end process {holder.pid} if it does not respond, then start {APP_NAME} again."
    )


def unsure_text(data: Path, holder: Holder | None) -> str:
    where = f"process {holder.pid} on {holder.host}" if holder else "another program"
    return (
        f"The log in {data} is held by {where}, which this computer cannot check. Start "
        f"anyway only if {APP_NAME} is not open there: two copies writing to one log can "
        "lose entries."
    )


def _ask(text: str, detail: str, choices: tuple[str, ...], parent: QWidget | None) -> str:
    box = QMessageBox(
        QMessageBox.Icon.Warning, APP_NAME, text, QMessageBox.StandardButton.NoButton, parent
    )
    box.setInformativeText(detail)
    buttons: dict[QPushButton, str] = {}
    for label in choices:
        roles = QMessageBox.ButtonRole
        button = box.addButton(label, roles.RejectRole if label == QUIT else roles.AcceptRole)
        buttons[button] = label
        if label == QUIT:
            # The safe answer: Enter and Esc (and closing the box) both give it.
            box.setDefaultButton(button)
            box.setEscapeButton(button)
    box.exec()
    clicked = box.clickedButton()
    return next((label for button, label in buttons.items() if button is clicked), QUIT)


def start_anyway(instance: SingleInstance, data: Path, parent: QWidget | None = None) -> bool:
    """Ask what to do about a copy that does not answer; True once this copy may start."""
    choice = _ask(
        not_answering_text(data),
        "It may be busy, or stuck. Starting anyway takes over only if that copy has ended; "
        "a copy that still runs keeps its log.",
        (START_ANYWAY, QUIT),
        parent,
    )
    if choice != START_ANYWAY:
        return False
    outcome, holder = instance.take_over()
    if outcome is TakeOver.TAKEN:
        return True
    if outcome is TakeOver.ALIVE:
        assert holder is not None
        _ask(still_running_text(data, holder), "", (QUIT,), parent)
        return False
    choice = _ask(unsure_text(data, holder), "", (START_ANYWAY, QUIT), parent)
    if choice != START_ANYWAY:
        return False
    if instance.force_take_over():
        return True
    _ask(
        f"The log in {data} is still locked and could not be taken over.",
        f"Close every other copy of {APP_NAME}, then start it again.",
        (QUIT,),
        parent,
    )
    return False
