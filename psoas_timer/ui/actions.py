"""Every command of the main window and every key of a session, each written down once.

The menus, the shortcuts, Help → Keyboard controls, the session's hint line and
the session's key handling are all built from the two tables below, and the
tests check the README's keyboard section against them. To add a command, add
one row here and, if it names a method, that method on the main window.

Window commands are ``QAction``s on the main window, so they work from any page,
and with the menu bar hidden in floor mode. Session keys are bare single keys
(no combinations on the floor) that the session page handles itself.

A held key does what one press does, once: no action repeats while its key is
held, and the session page drops repeated key events (ui/held_keys.py says how
repeats are told apart, X11's unmarked ones included).
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeyEvent, QKeySequence

from psoas_timer import APP_NAME
from psoas_timer.core.i18n import N_, _
from psoas_timer.core.vocab import STOP_REASON_CHOICES, TEN_KEY
from psoas_timer.ui.held_keys import HeldShortcuts

if TYPE_CHECKING:
    from psoas_timer.core.engine import SessionEngine
    from psoas_timer.ui.main_window import MainWindow

# A method name on the main window, looked up each time the command runs (so a
# test, or a subclass, sees its own version), or a function of the window.
Handler = str | Callable[["MainWindow"], object]

MENUS: tuple[tuple[str, str], ...] = (
    ("file", N_("&File")),
    ("edit", N_("&Edit")),
    ("view", N_("&View")),
    ("settings", N_("&Settings")),
    ("help", N_("&Help")),
)


@dataclass(frozen=True)
class ActionSpec:
    """One command of the main window: where it sits in the menus and what keys run it."""

    id: str
    menu: str  # a key of MENUS
    text: str  # the menu entry; "&" marks its mnemonic
    handler: Handler
    help: str = ""  # what its keys do, as Help → Keyboard controls and the README say it
    # Bound on every platform, written as the README writes them ("Ctrl" is ⌘ on macOS).
    keys: tuple[str, ...] = ()
    # The platform's own keys for the same command, bound as well where it has any.
    standard: QKeySequence.StandardKey | None = None
    # Added on Windows when the platform has no standard keys for the command.
    windows_habit: tuple[str, ...] = ()
    checkable: bool = False
    separator_before: bool = False
    during_session: bool = False  # listed with the session keys too: it is meant for the floor


ACTIONS: tuple[ActionSpec, ...] = (
    ActionSpec(
        "export_log", "file", N_("&Export log…"), "export_log", N_("export the log"), ("Ctrl+E",)
    ),
    ActionSpec(
        "import_log", "file", N_("&Import log…"), "import_log", N_("import a log"), ("Ctrl+I",)
    ),
    ActionSpec("restore_backup", "file", N_("&Restore from backup…"), "restore_from_backup"),
    ActionSpec(
        "save_chart",
        "file",
        N_("Save &chart…"),
        "export_chart",
        N_("save the chart"),
        ("Ctrl+Shift+S",),
    ),
    ActionSpec("report", "file", N_("Re&port for your physiotherapist…"), "export_report"),
    ActionSpec(
        "quit",
        "file",
        N_("&Quit"),
        "close",
        N_("quit"),
        ("Ctrl+Q",),
        QKeySequence.StandardKey.Quit,
        separator_before=True,
    ),
    ActionSpec(
        "undo",
        "edit",
        N_("&Undo"),
        lambda window: window.undo_stack.undo(),
        N_("undo a deletion"),
        ("Ctrl+Z",),
        QKeySequence.StandardKey.Undo,
    ),
    ActionSpec(
        "redo",
        "edit",
        N_("&Redo"),
        lambda window: window.undo_stack.redo(),
        N_("redo"),
        ("Ctrl+Shift+Z",),
        QKeySequence.StandardKey.Redo,
        windows_habit=("Ctrl+Y",),
    ),
    ActionSpec("tools", "view", N_("&Tools"), "show_picker", N_("tools"), ("Ctrl+T",)),
    ActionSpec(
        "progress",
        "view",
        N_("&Progress and history"),
        "show_progress",
        N_("progress and history"),
        ("Ctrl+H",),
    ),
    ActionSpec(
        "floor_mode",
        "view",
        N_("&Floor mode"),
        "toggle_floor_mode",
        N_("floor mode: full screen, high contrast"),
        ("F11",),
        # macOS keeps F11 for itself; its full-screen keys (⌃⌘F) reach the app.
        QKeySequence.StandardKey.FullScreen,
        checkable=True,
        during_session=True,
    ),
    ActionSpec(
        "preferences",
        "settings",
        N_("&Preferences…"),
        "open_settings",
        N_("settings"),
        ("Ctrl+,",),
        QKeySequence.StandardKey.Preferences,
    ),
    ActionSpec("safety", "help", N_("&Safety"), lambda window: window.show_safety(first_run=False)),
    ActionSpec(
        "keys", "help", N_("&Keyboard controls"), "show_keys", N_("keyboard controls"), ("F1",)
    ),
    ActionSpec("about", "help", N_("&About {app}"), "show_about"),
)


def key_sequences(
    spec: ActionSpec,
    bindings: Callable[[QKeySequence.StandardKey], Sequence[QKeySequence]] | None = None,
    platform: str = sys.platform,
) -> list[QKeySequence]:
    """The keys ``spec`` is bound to on the running platform, its main key first.

    Its own keys are bound everywhere, so what the README promises holds on
    every desktop. The platform's standard keys for the same command are added
    (Ctrl+Y for redo on Windows, ⌃⌘F for full screen on macOS). Some are empty
    on some platforms (Preferences everywhere but macOS, Quit on Windows): then
    the command's own keys, and its Windows habit on Windows, are all it gets.

    Keys that only some keyboards have (Undo, Exit, Sun's F14) are left out,
    so that Help lists no key a person cannot find on their keyboard.
    """
    found = [QKeySequence(text) for text in spec.keys]
    if spec.standard is not None:
        standard = [s for s in (bindings or QKeySequence.keyBindings)(spec.standard) if _typable(s)]
        if not standard and platform == "win32":
            found += [QKeySequence(text) for text in spec.windows_habit]
        found += standard
    unique: list[QKeySequence] = []
    for sequence in found:
        if not sequence.isEmpty() and sequence not in unique:
            unique.append(sequence)
    return unique


def _typable(sequence: QKeySequence) -> bool:
    """Every key of ``sequence`` is on a common keyboard: a character, or Esc to F12."""
    return all(
        sequence[i].key() < Qt.Key.Key_F13  # type: ignore[index]  # the stubs lack [i]
        for i in range(sequence.count())
    )


def install(window: MainWindow) -> dict[str, QAction]:
    """Build the menu bar of ``window`` from ACTIONS; the actions by id."""
    menus = {key: window.menuBar().addMenu(_(title)) for key, title in MENUS}
    bound: dict[str, QAction] = {}
    for spec in ACTIONS:
        action = QAction(_(spec.text).format(app=APP_NAME), window)
        action.setObjectName(spec.id)
        action.setShortcuts(key_sequences(spec))
        # A held key runs a command once: a held F11 must not flicker floor mode
        # (X11's unmarked repeats are caught by HeldShortcuts).
        action.setAutoRepeat(False)
        action.setCheckable(spec.checkable)
        action.triggered.connect(lambda _checked=False, spec=spec: run(window, spec))
        if spec.separator_before:
            menus[spec.menu].addSeparator()
        menus[spec.menu].addAction(action)
        # Shortcuts must work with the menu bar hidden (floor mode) too.
        window.addAction(action)
        bound[spec.id] = action
    window.installEventFilter(HeldShortcuts(window))
    return bound


def run(window: MainWindow, spec: ActionSpec) -> None:
    handler = spec.handler
    if isinstance(handler, str):
        getattr(window, handler)()
    else:
        handler(window)


# -- the session's keys --------------------------------------------------------


class SessionCommand(Enum):
    """What a session key does: the name of the session page's method that does it."""

    NEXT = "next_step"
    PAUSE = "toggle_pause"
    BACK_OFF = "back_off"
    RELEASE = "release"
    STOP = "stop_set"
    RATE = "rate"  # with the value of the key pressed
    REASON = "give_reason"  # a number key after Stop: what felt wrong
    END = "end_session"
    LEAVE = "leave"  # Enter or Esc once the session is over: back to the tools


@dataclass(frozen=True)
class SessionKey:
    label: str  # how Help, the README and the hint line name the key(s)
    help: str
    keys: tuple[Qt.Key, ...]
    command: SessionCommand
    hint: str = ""  # its word in the session's hint line; not shown there if empty


_DIGITS = tuple(Qt.Key(Qt.Key.Key_0 + n) for n in range(10))
# A keyboard's or a headset's media keys, when they reach the window (desktops
# that keep them for themselves send them on over MPRIS: services/mpris.py).
# X11 and Wayland deliver the one play/pause key most keyboards have as
# MediaPlay, so that toggles; a key that only pauses never resumes.
_MEDIA_PLAY_PAUSE = (Qt.Key.Key_MediaTogglePlayPause, Qt.Key.Key_MediaPlay, Qt.Key.Key_MediaPause)
_MEDIA = frozenset({*_MEDIA_PLAY_PAUSE, Qt.Key.Key_MediaNext, Qt.Key.Key_MediaPrevious})
# A presenter clicker is a keyboard with three or four keys: forward and back
# send PageDown and PageUp, and its "blank screen" button sends B or ".".
_CLICKER_PAUSE = (Qt.Key.Key_B, Qt.Key.Key_Period)
_CLICKER = frozenset({Qt.Key.Key_PageDown, Qt.Key.Key_PageUp, *_CLICKER_PAUSE})
_TEN = Qt.Key(ord(TEN_KEY))
RATING_VALUES: Mapping[int, int] = {**{key: n for n, key in enumerate(_DIGITS)}, _TEN: 10}
STOP_REASONS = len(STOP_REASON_CHOICES)  # answered with the keys 1 to 5

SESSION_KEYS: tuple[SessionKey, ...] = (
    SessionKey(
        N_("Enter or →"),
        N_('start, or go on to the next step; at "More pressure?": yes'),
        (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Right),
        SessionCommand.NEXT,
        N_("next"),
    ),
    SessionKey(
        N_("Space"),
        N_('pause or resume; at "More pressure?": one more set at this level'),
        (Qt.Key.Key_Space,),
        SessionCommand.PAUSE,
        N_("pause"),
    ),
    SessionKey(
        N_("←"),
        N_(
            "back off one pressure level (at the base level: pause); "
            'at "More pressure?": come off the tool and rate'
        ),
        (Qt.Key.Key_Left,),
        SessionCommand.BACK_OFF,
        N_("back off"),
    ),
    SessionKey(
        "R",
        N_(
            "mark the moment the muscle released (the breath number is logged; "
            "that side's pressure ends with the breath)"
        ),
        (Qt.Key.Key_R,),
        SessionCommand.RELEASE,
        N_("released"),
    ),
    SessionKey(
        "S",
        N_("stop: something felt wrong (ends the set at once and asks what)"),
        (Qt.Key.Key_S,),
        SessionCommand.STOP,
        N_("stop"),
    ),
    SessionKey(
        f"0–9, {TEN_KEY}",
        N_("rate tenderness when asked ({key} = 10); after Stop, 1–5 say what felt wrong"),
        (*_DIGITS, _TEN),
        SessionCommand.RATE,
    ),
    SessionKey(
        N_("Esc"),
        N_("end the session (asks first; everything done is kept)"),
        (Qt.Key.Key_Escape,),
        SessionCommand.END,
        N_("end"),
    ),
    SessionKey(
        N_("Play/pause media key"),
        N_("pause or resume (a key that only pauses never resumes)"),
        _MEDIA_PLAY_PAUSE,
        SessionCommand.PAUSE,
    ),
    SessionKey(
        N_("Next-track media key"),
        N_("go on to the next step"),
        (Qt.Key.Key_MediaNext,),
        SessionCommand.NEXT,
    ),
    SessionKey(
        N_("Previous-track media key"),
        N_("back off one pressure level (at the base level: pause)"),
        (Qt.Key.Key_MediaPrevious,),
        SessionCommand.BACK_OFF,
    ),
    SessionKey(
        N_("Page Down"),
        N_("go on to the next step (a presenter clicker's forward button)"),
        (Qt.Key.Key_PageDown,),
        SessionCommand.NEXT,
    ),
    SessionKey(
        N_("Page Up"),
        N_(
            "back off one pressure level (a presenter clicker's back button; "
            "at the base level: pause)"
        ),
        (Qt.Key.Key_PageUp,),
        SessionCommand.BACK_OFF,
    ),
    SessionKey(
        N_("B or ."),
        N_("pause or resume (a presenter clicker's blank-screen button)"),
        _CLICKER_PAUSE,
        SessionCommand.PAUSE,
    ),
)

CLICK = (
    N_("Click"),
    N_(
        'pause or resume during a set; at "More pressure?": stop a hands-free countdown; '
        "go on at other steps"
    ),
)


def _keymap(rows: Iterable[SessionKey]) -> dict[int, SessionKey]:
    keymap: dict[int, SessionKey] = {}
    for row in rows:
        for key in row.keys:
            if key in keymap:
                raise ValueError(f"{key!r} is both {keymap[key].label} and {row.label}")
            keymap[key] = row
    return keymap


SESSION_KEYMAP: Mapping[int, SessionKey] = _keymap(SESSION_KEYS)


def session_command(event: QKeyEvent, engine: SessionEngine | None) -> SessionCommand | None:
    """What the key of ``event`` does in the session now; None if nothing."""
    binding = SESSION_KEYMAP.get(event.key())
    if binding is None or event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier:
        return None  # combinations are never session keys
    command = binding.command
    # Only ever asked during a session, so the engine is loaded by then; the
    # window's menus are built from this module long before.
    from psoas_timer.core.engine import State
    from psoas_timer.core.plan import StepKind

    if engine is None or engine.state is State.FINISHED:
        if event.key() in _MEDIA or event.key() in _CLICKER:
            # A headset's or a clicker's button, pressed once too often,
            # must not take the summary away.
            return None
        ends = (SessionCommand.NEXT, SessionCommand.END)
        return SessionCommand.LEAVE if command in ends else None
    if event.key() == Qt.Key.Key_MediaPause and engine.state is State.PAUSED:
        return None
    if command is SessionCommand.RATE:
        kind = engine.step.kind
        if kind is StepKind.STOP_REASON and 1 <= RATING_VALUES[event.key()] <= STOP_REASONS:
            return SessionCommand.REASON
        if kind is not StepKind.RATING:
            return None
    return command


def hint_line() -> str:
    """The session's one line of keys, in the language in use."""
    return " · ".join(f"{_(row.label)} {_(row.hint)}" for row in SESSION_KEYS if row.hint)


# -- what Help and the README list ----------------------------------------------


def portable_keys(spec: ActionSpec) -> str:
    """The keys every platform has, as the README writes them."""
    return " or ".join(spec.keys)


def bound_keys(actions: Mapping[str, QAction]) -> Callable[[ActionSpec], str]:
    """The keys really bound here, as this platform writes them (⌘ on macOS)."""

    def keys_of(spec: ActionSpec) -> str:
        return _(" or ").join(
            sequence.toString(QKeySequence.SequenceFormat.NativeText)
            for sequence in actions[spec.id].shortcuts()
        )

    return keys_of


def session_rows(
    keys_of: Callable[[ActionSpec], str] = portable_keys,
) -> list[tuple[str, str]]:
    """(keys, what they do) for the session: its own keys, window keys meant for it, a click."""
    rows = [(_(row.label), _(row.help).format(key=TEN_KEY)) for row in SESSION_KEYS]
    rows += [(keys_of(spec), _(spec.help)) for spec in ACTIONS if spec.during_session]
    rows.append((_(CLICK[0]), _(CLICK[1])))
    return rows


def window_rows(keys_of: Callable[[ActionSpec], str] = portable_keys) -> list[tuple[str, str]]:
    """(keys, what they do) for every window command that has keys."""
    rows = [(keys_of(spec), _(spec.help)) for spec in ACTIONS if spec.keys or spec.standard]
    return [(keys, what) for keys, what in rows if keys]
