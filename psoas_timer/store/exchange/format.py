"""The CSV and JSON files the log is exported to and imported from.

CSV format
==========

UTF-8 without a byte order mark (one is accepted on import), comma separated,
``\\r\\n`` line ends, RFC 4180 quoting. The first row is this header, always
all 27 columns (on import they may come in any order)::

    record,session_uuid,started_at,ended_at,tool_id,position_id,sides,status,note,
    seq,side,level,variant_name,breaths_planned,breaths_done,released_breath,
    released_at_s,duration_s,paused_s,outcome,moment,value,breath,reason,
    recorded_at,feeling,lasting_soreness

Files exported before stops were logged lack ``breath`` and ``reason``, and
those exported before next-day checks existed lack ``feeling`` and
``lasting_soreness``; they import as they are.

Then one row per record. ``record`` says which kind; a row fills only the
columns of its kind and leaves every other column empty:

``session``
    ``session_uuid`` (the session's identity, used to skip sessions already in
    the log), ``started_at``, ``ended_at`` (empty while ``status`` is
    ``running``, required otherwise), ``tool_id``, ``position_id``, ``sides``
    (``left`` | ``right`` | ``both``), ``status`` (``running`` | ``completed`` |
    ``ended_early`` | ``interrupted``), ``note`` (any text, may be empty).
``set``
    ``session_uuid``, ``seq`` (1-based order in the session, unique in it),
    ``side`` (``left`` | ``right``), ``level`` (0 = base set), ``variant_name``,
    ``breaths_planned`` (≥ 1), ``breaths_done`` (≥ 0), ``released_breath`` and
    ``released_at_s`` (both empty, or the breath the muscle let go in and the
    seconds into the set; that breath is at most one past ``breaths_done``
    and at most ``breaths_planned``), ``duration_s``, ``paused_s``,
    ``outcome`` (``completed`` | ``backed_off`` | ``ended_early`` |
    ``skipped`` | ``released``: the muscle let go and the set ended with that
    breath | ``time_limit``: the side's limit on time under pressure was
    reached | ``stopped``: Stop was pressed), ``recorded_at``.
``rating``
    ``session_uuid``, ``side``, ``moment`` (``before`` | ``after``), ``value``
    (whole number 0-10), ``recorded_at``. One per session, side and moment.
``next_day``
    The check a day or so after the session: ``session_uuid``, ``feeling``
    (``better`` | ``same`` | ``worse``: how the area felt compared with before
    the session), ``lasting_soreness`` (``yes`` | ``no``: bruising or soreness
    that lasted more than a day), ``recorded_at``. Both answers empty records
    that the person chose not to be asked about that session. At most one per
    session.
``stop``
    Stop was pressed (something felt wrong): ``session_uuid``, ``seq``
    (1-based order among the session's stops, unique in it), ``side``,
    ``level`` (the pressure level at the time), ``breath`` (the breath under
    way when a set was stopped; empty outside a set), ``reason`` (``pulse`` |
    ``tingling`` (or numbness) | ``sharp_pain`` (sharp or shooting) | ``dizzy``
    (dizzy or sick) | ``other`` | ``not_given``), ``recorded_at``.

``tool_id``, ``position_id`` and ``variant_name`` hold at most 200
characters, ``note`` at most 10,000. Times are ISO 8601 with a UTC offset;
the export writes UTC to the second (``2024-05-01T07:30:00Z``). Seconds are
decimal numbers written in Python's shortest exact form, so they read back
to the same value. Sets, ratings, next-day checks and stops may come anywhere
in the file, but their session row must be in it, and their side must be one
the session covers. Exports list each session row followed by its sets (by
``seq``), its ratings (left before, left after, right before, right after),
its next-day check and its stops (by ``seq``), sessions oldest first.

Spreadsheet safety: a text cell (``tool_id``, ``position_id``, ``variant_name``,
``note``) whose first character other than spaces, tabs, carriage returns and
line feeds is ``=``, ``+``, ``-``, ``@`` or ``|``, or their full-width forms
``＝``, ``＋``, ``－``, ``＠`` (some spreadsheets read those as formulas too),
or that begins with a tab, a carriage return or a single quote ``'``, is
written with one extra ``'`` in front, so a spreadsheet shows it as text and
never runs it as a formula. Import removes exactly one leading ``'`` from
those cells, so the round trip is exact.

JSON format
===========

``{"format": "psoas-timer-log", "version": 3, "sessions": [...]}``, each session
an object with the session columns above (``uuid`` for ``session_uuid``) plus
``sets``, ``ratings`` and ``stops`` lists of objects with the set, rating and
stop columns, and ``next_day``: ``null`` or an object with ``feeling``,
``lasting_soreness`` (``true`` | ``false``) and ``recorded_at``. ``null`` for
an empty optional value. No formula escaping. Version 1 files (before
next-day checks and stops) and version 2 files (next-day checks, no stops)
import as they are.

Import
======

:func:`import_file` checks every row (or object) first and imports nothing if
any is wrong: :class:`ImportFileError` lists each problem as
``line N: field X: expected …``. A good file is imported in one transaction.
Sessions whose uuid is already in the log are skipped whole, so importing a
file twice adds nothing the second time. Importing an export into an empty log
and exporting again gives the same bytes.
"""

from __future__ import annotations

from typing import Final, Literal

Format = Literal["csv", "json"]
RecordKind = Literal["session", "set", "rating", "next_day", "stop"]

JSON_FORMAT_NAME: Final = "psoas-timer-log"
JSON_VERSION: Final = 3
#: Every version the importer reads: 1 has no next-day checks, 1 and 2 no stops.
JSON_VERSIONS_READ: Final = (1, 2, 3)

CSV_COLUMNS: Final[tuple[str, ...]] = (
    "record",
    "session_uuid",
    "started_at",
    "ended_at",
    "tool_id",
    "position_id",
    "sides",
    "status",
    "note",
    "seq",
    "side",
    "level",
    "variant_name",
    "breaths_planned",
    "breaths_done",
    "released_breath",
    "released_at_s",
    "duration_s",
    "paused_s",
    "outcome",
    "moment",
    "value",
    "breath",
    "reason",
    "recorded_at",
    "feeling",
    "lasting_soreness",
)
#: Columns an export from before next-day checks or stops lacks; an import does
#: without them.
OPTIONAL_COLUMNS: Final = frozenset(("breath", "reason", "feeling", "lasting_soreness"))

SESSION_FIELDS: Final = (
    "started_at",
    "ended_at",
    "tool_id",
    "position_id",
    "sides",
    "status",
    "note",
)
SET_FIELDS: Final = (
    "seq",
    "side",
    "level",
    "variant_name",
    "breaths_planned",
    "breaths_done",
    "released_breath",
    "released_at_s",
    "duration_s",
    "paused_s",
    "outcome",
    "recorded_at",
)
RATING_FIELDS: Final = ("side", "moment", "value", "recorded_at")
NEXT_DAY_FIELDS: Final = ("feeling", "lasting_soreness", "recorded_at")
STOP_FIELDS: Final = ("seq", "side", "level", "breath", "reason", "recorded_at")
#: The columns each kind of CSV row may fill; every other column stays empty.
CSV_RECORDS: Final[dict[RecordKind, frozenset[str]]] = {
    "session": frozenset(("record", "session_uuid", *SESSION_FIELDS)),
    "set": frozenset(("record", "session_uuid", *SET_FIELDS)),
    "rating": frozenset(("record", "session_uuid", *RATING_FIELDS)),
    "next_day": frozenset(("record", "session_uuid", *NEXT_DAY_FIELDS)),
    "stop": frozenset(("record", "session_uuid", *STOP_FIELDS)),
}
JSON_SESSION_KEYS: Final = frozenset(
    ("uuid", *SESSION_FIELDS, "sets", "ratings", "next_day", "stops")
)
JSON_SET_KEYS: Final = frozenset(SET_FIELDS)
JSON_RATING_KEYS: Final = frozenset(RATING_FIELDS)
JSON_NEXT_DAY_KEYS: Final = frozenset(NEXT_DAY_FIELDS)
JSON_STOP_KEYS: Final = frozenset(STOP_FIELDS)
#: How ``lasting_soreness`` is written in CSV.
YES_NO: Final = ("yes", "no")

#: What a spreadsheet runs as a formula when a cell starts with it, once any
#: blank space before it is skipped (see "Spreadsheet safety" above).
_FORMULA_SIGNS: Final = ("=", "+", "-", "@", "|", "\uff1d", "\uff0b", "\uff0d", "\uff20")
_BLANK: Final = " \t\r\n"
#: Escaped whatever follows: a leading quote, so that import can strip exactly
#: one, and the tab and carriage return of the first version of the format.
_ALWAYS: Final = ("'", "\t", "\r")


def escape_cell(text: str) -> str:
    """A text cell as written to CSV: a ``'`` in front of anything a spreadsheet would run."""
    risky = text.startswith(_ALWAYS) or text.lstrip(_BLANK).startswith(_FORMULA_SIGNS)
    return "'" + text if risky else text


def unescape_cell(text: str) -> str:
    """A text cell as read from CSV: exactly one leading ``'`` removed."""
    return text[1:] if text.startswith("'") else text
