"""A second start while the first copy does not answer: say so, and let the user choose.

Started from a desktop launcher, a message on stderr is silence; so the user is
shown what is going on and may start anyway, which takes over only from a copy
that has ended. Two copies never write to one log.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QMessageBox, QPushButton, QWidget

from psoas_timer import APP_NAME
from psoas_timer.core.i18n import N_, _
from psoas_timer.services.single_instance import Holder, SingleInstance, TakeOver

START_ANYWAY = N_("Start anyway")
QUIT = N_("Quit")


def not_answering_text(data: Path) -> str:
    return _("{app} is already running for {folder} but is not answering.").format(
        app=APP_NAME, folder=data
    )


def still_running_text(data: Path, holder: Holder) -> str:
    return _(
        "{app} is still running for {folder} (process {pid}), so this copy will "
        "not start: two copies must never write to the same log. Close the other copy, or "
        "end process {pid} if it does not respond, then start {app} again."
    ).format(app=APP_NAME, folder=data, pid=holder.pid)


def unsure_text(data: Path, holder: Holder | None) -> str:
    where = (
        _("process {pid} on {host}").format(pid=holder.pid, host=holder.host)
        if holder
        else _("another program")
    )
    return _(
        "The log in {folder} is held by {holder}, which this computer cannot check. Start "
        "anyway only if {app} is not open there: two copies writing to one log can "
        "lose entries."
    ).format(folder=data, holder=where, app=APP_NAME)


def _ask(text: str, detail: str, choices: tuple[str, ...], parent: QWidget | None) -> str:
    box = QMessageBox(
        QMessageBox.Icon.Warning, APP_NAME, text, QMessageBox.StandardButton.NoButton, parent
    )
    box.setInformativeText(detail)
    buttons: dict[QPushButton, str] = {}
    for label in choices:
        roles = QMessageBox.ButtonRole
        button = box.addButton(_(label), roles.RejectRole if label == QUIT else roles.AcceptRole)
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
        _(
            "It may be busy, or stuck. Starting anyway takes over only if that copy has ended; "
            "a copy that still runs keeps its log."
        ),
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
        _("The log in {folder} is still locked and could not be taken over.").format(folder=data),
        _("Close every other copy of {app}, then start it again.").format(app=APP_NAME),
        (QUIT,),
        parent,
    )
    return False
