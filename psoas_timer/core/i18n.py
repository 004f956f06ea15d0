"""The words of the app in the person's language, through gettext.

Every user-visible sentence is written in British English inside ``_()`` or
``ngettext()`` and looked up here. Translations are plain ``.po`` files in
``assets/locale/``, read when the app starts and turned into gettext's binary
form in memory: a volunteer's edited file takes effect on the next start with
no build step, and the ``.po`` stays the one source of truth. A pseudo-locale,
``xx``, wraps every message as ``⟦…⟧`` so a test can see what escaped.

The language follows the system (``LANGUAGE``, ``LC_ALL``, ``LC_MESSAGES``,
``LANG``, in gettext's own order) unless the ``language`` setting names one.
"""

from __future__ import annotations

import ast
import gettext
import io
import os
import re
import struct
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib.resources import files
from importlib.resources.abc import Traversable
from typing import Final

#: The language the source is written in.
SOURCE_LANGUAGE: Final = "en"
#: The pseudo-locale: every message wrapped, for finding text that escaped.
PSEUDO: Final = "xx"
PSEUDO_OPEN: Final = "⟦"
PSEUDO_CLOSE: Final = "⟧"
#: Each language named in itself, so that someone who cannot read the rest finds it.
ENDONYMS: Final = {"en": "English", "de": "Deutsch"}
#: The environment variables gettext reads, in its order.
ENVIRONMENT: Final = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")
_CODE = re.compile(r"^[a-z]{2,3}(?:_[A-Z]{2})?$")
# Numbers are written the way the language writes them; the decimal comma
# is the only difference that matters for a rating or a distance.
_DECIMAL_COMMA: Final = frozenset(
    {"de", "fr", "es", "it", "nl", "pt", "pl", "ru", "sv", "da", "xx"}
)


def locale_folder() -> Traversable:
    return files("psoas_timer.assets") / "locale"


def available_languages() -> tuple[str, ...]:
    """The languages with a translation, the source language first (the pseudo-locale aside)."""
    found = sorted(
        item.name.removesuffix(".po")
        for item in locale_folder().iterdir()
        if item.name.endswith(".po") and _CODE.match(item.name.removesuffix(".po"))
    )
    return (SOURCE_LANGUAGE, *found)


def clean_language(value: object) -> str:
    """A ``language`` setting that can be used: a known code, or "" (follow the system)."""
    if not isinstance(value, str):
        return ""
    return value if value in available_languages() or value == PSEUDO else ""


def system_language(environ: Mapping[str, str] | None = None) -> str:
    """The first language the environment asks for that the app has, else English."""
    environ = os.environ if environ is None else environ
    for variable in ENVIRONMENT:
        value = environ.get(variable, "")
        if not value:
            continue
        for wanted in value.split(":"):
            code = wanted.split(".")[0].split("@")[0]
            if code in ("C", "POSIX"):
                return SOURCE_LANGUAGE
            for candidate in (code, code.split("_")[0]):
                if candidate == PSEUDO or candidate in available_languages():
                    return candidate
        # gettext stops at the first variable that is set, and so do we.
        return SOURCE_LANGUAGE
    return SOURCE_LANGUAGE


def choose_language(setting: str, environ: Mapping[str, str] | None = None) -> str:
    """The ``language`` setting if it names a language the app has, else the system's."""
    return clean_language(setting) or system_language(environ)


_PLACEHOLDER = re.compile(r"(\{(?!cm:)[^{}]*\})")  # {cm:5} is a distance, not a placeholder


class _Pseudo(gettext.NullTranslations):
    def gettext(self, message: str) -> str:
        # Each piece of the message's own text is wrapped, never what fills its
        # placeholders: a value filled in that escaped translation stays in sight.
        pieces = _PLACEHOLDER.split(message)
        return "".join(
            piece if index % 2 or not piece else f"{PSEUDO_OPEN}{piece}{PSEUDO_CLOSE}"
            for index, piece in enumerate(pieces)
        )

    def ngettext(self, msgid1: str, msgid2: str, n: int) -> str:
        return self.gettext(msgid1 if n == 1 else msgid2)

    def pgettext(self, context: str, message: str) -> str:
        return self.gettext(message)

    def npgettext(self, context: str, msgid1: str, msgid2: str, n: int) -> str:
        return self.ngettext(msgid1, msgid2, n)


@dataclass
class _State:
    language: str = SOURCE_LANGUAGE
    translations: gettext.NullTranslations = field(default_factory=gettext.NullTranslations)


_state = _State()


def install(language: str) -> str:
    """Use ``language`` from now on (an unknown one means English); return the one in use."""
    translations: gettext.NullTranslations
    if language == PSEUDO:
        translations = _Pseudo()
    elif language in available_languages() and language != SOURCE_LANGUAGE:
        po = (locale_folder() / f"{language}.po").read_text("utf-8")
        translations = gettext.GNUTranslations(io.BytesIO(compile_po(po)))
    else:
        language = SOURCE_LANGUAGE
        translations = gettext.NullTranslations()
    _state.language = language
    _state.translations = translations
    _translate_argparse()
    return language


def language() -> str:
    """The language in use: ``en``, ``de``, … or the pseudo-locale."""
    return _state.language


def speech_locale() -> str:
    """The locale a speech engine should read the app's words in."""
    language = _state.language
    if language in (SOURCE_LANGUAGE, PSEUDO):
        return "en_GB"
    return language if "_" in language else f"{language}_{language.upper()}"


def _(message: str) -> str:
    """``message`` in the language in use."""
    return _state.translations.gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The form of a message that suits ``n`` in the language in use."""
    return _state.translations.ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Marks ``message`` for translation where it is defined; ``_()`` translates it where shown."""
    return message


def decimal(value: float, places: int = 1, *, trim: bool = False, sign: bool = False) -> str:
    """``value`` to ``places`` decimals the way the language writes it ("6.1"; "6,1" in German).

    ``trim`` drops trailing zeros ("2.5", "5"); ``sign`` always shows one ("+0.5").
    """
    text = f"{value:+.{places}f}" if sign else f"{value:.{places}f}"
    if trim and "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace(".", ",") if _state.language in _DECIMAL_COMMA else text


def _translate_argparse() -> None:
    # argparse looks its own words ("usage:", "options") up in gettext's global
    # domain, which the app does not own; point it at the app's translations.
    import argparse

    argparse._ = _  # type: ignore[attr-defined]
    argparse.ngettext = ngettext  # type: ignore[attr-defined]


# --- .po files -------------------------------------------------------------

PoEntry = tuple[str | None, str, str | None, list[str]]  # context, msgid, plural, msgstrs


def parse_po(text: str) -> list[PoEntry]:
    """The entries of a ``.po`` file: (context, msgid, plural msgid, translations)."""
    entries: list[PoEntry] = []
    fields: dict[str, str] = {}
    plurals: dict[int, str] = {}
    current: str | None = None

    def flush() -> None:
        if "msgid" in fields:
            strings = (
                [plurals[i] for i in sorted(plurals)] if plurals else [fields.get("msgstr", "")]
            )
            entries.append(
                (fields.get("msgctxt"), fields["msgid"], fields.get("msgid_plural"), strings)
            )
        fields.clear()
        plurals.clear()

    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        keyword, _space, rest = line.partition(" ")
        if line.startswith('"'):
            keyword, rest = "", line
        elif keyword == "msgctxt" or (keyword == "msgid" and current != "msgctxt"):
            flush()
        try:
            value = ast.literal_eval(rest)
        except (SyntaxError, ValueError):
            raise ValueError(f"line {number}: expected a quoted string") from None
        if not isinstance(value, str):
            raise ValueError(f"line {number}: expected a quoted string")
        if keyword == "":
            if current is None:
                raise ValueError(f"line {number}: a continued string with nothing before it")
            if current.startswith("msgstr["):
                plurals[int(current[7:-1])] += value
            else:
                fields[current] += value
            continue
        if keyword.startswith("msgstr["):
            plurals[int(keyword[7:-1])] = value
        elif keyword in ("msgctxt", "msgid", "msgid_plural", "msgstr"):
            fields[keyword] = value
        else:
            raise ValueError(f"line {number}: unknown keyword {keyword!r}")
        current = keyword
    flush()
    return entries


def compile_po(text: str) -> bytes:
    """A ``.po`` file in gettext's binary ``.mo`` form; untranslated entries are left out."""
    catalog: dict[bytes, bytes] = {}
    for context, msgid, plural, strings in parse_po(text):
        if msgid and not all(strings):
            continue
        key = msgid if plural is None else f"{msgid}\0{plural}"
        if context is not None:
            key = f"{context}\x04{key}"
        catalog[key.encode()] = "\0".join(strings).encode()
    keys = sorted(catalog)
    ids = b"".join(key + b"\0" for key in keys)
    strs = b"".join(catalog[key] + b"\0" for key in keys)
    header = 7 * 4
    table = len(keys) * 8
    id_start = header + 2 * table
    str_start = id_start + len(ids)
    offsets = b""
    position = 0
    for name in keys:
        offsets += struct.pack("<2I", len(name), id_start + position)
        position += len(name) + 1
    position = 0
    for name in keys:
        value = catalog[name]
        offsets += struct.pack("<2I", len(value), str_start + position)
        position += len(value) + 1
    head = struct.pack("<7I", 0x950412DE, 0, len(keys), header, header + table, 0, 0)
    return head + offsets + ids + strs
