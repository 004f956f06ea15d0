"""Gather every translatable message into the template, and bring translations up to date.

    python -m psoas_timer.i18n_extract extract      # writes assets/locale/psoas-timer.pot
    python -m psoas_timer.i18n_extract update de    # adds new messages to de.po, drops gone ones
    python -m psoas_timer.i18n_extract check de     # lists what de.po still lacks

Messages are the string literals inside ``_()``, ``N_()`` and ``ngettext()`` in
the source, and every shown text of the built-in catalog (the same walk that
translates it, :mod:`psoas_timer.core.catalog_text`). Only the standard library
is used, so a volunteer needs nothing but Python and a text editor.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from psoas_timer.core.catalog import load_catalog
from psoas_timer.core.catalog_text import translate_catalog
from psoas_timer.core.i18n import parse_po

PACKAGE = Path(__file__).resolve().parent
ROOT = PACKAGE.parent
LOCALE = ROOT / "assets" / "locale"
TEMPLATE = LOCALE / "psoas-timer.pot"
HEADER = (
    'msgid ""\n'
    'msgstr ""\n'
    '"Project-Id-Version: psoas-timer\\n"\n'
    '"Language: {language}\\n"\n'
    '"MIME-Version: 1.0\\n"\n'
    '"Content-Type: text/plain; charset=UTF-8\\n"\n'
    '"Content-Transfer-Encoding: 8bit\\n"\n'
    '"Plural-Forms: {plural}\\n"\n'
)
#: Plural rules for languages a volunteer is likely to start; others edit the header.
PLURALS = {
    "de": "nplurals=2; plural=(n != 1);",
    "fr": "nplurals=2; plural=(n > 1);",
    "": "nplurals=2; plural=(n != 1);",
}


@dataclass
class Message:
    msgid: str
    plural: str | None = None
    where: list[str] = field(default_factory=list)


def _source_messages(messages: dict[str, Message]) -> None:
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text("utf-8"), str(path))
        where = path.relative_to(ROOT).as_posix()
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Name):
                continue
            name = node.func.id
            if name not in ("_", "N_", "ngettext") or not node.args:
                continue
            literals = [arg.value for arg in node.args if isinstance(arg, ast.Constant)]
            texts = [value for value in literals if isinstance(value, str)]
            if not texts:
                continue
            plural = texts[1] if name == "ngettext" and len(texts) > 1 else None
            entry = messages.setdefault(texts[0], Message(texts[0], plural))
            entry.where.append(f"{where}:{node.lineno}")


def _catalog_messages(messages: dict[str, Message]) -> None:
    def collect(text: str) -> str:
        messages.setdefault(text, Message(text)).where.append("assets/catalog")
        return text

    translate_catalog(load_catalog(), collect)


def gather() -> dict[str, Message]:
    """Every message, in the order first met: the source, then the catalog."""
    messages: dict[str, Message] = {}
    _source_messages(messages)
    _catalog_messages(messages)
    return messages


def _quote(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{escaped}"'


def _entry(message: Message, strings: Sequence[str]) -> str:
    lines = [f"#: {' '.join(sorted(set(message.where)))}"]
    if "{cm:" in message.msgid:
        lines.append("#. Keep every {cm:N} marker as it is; write it after your words for")
        lines.append('#. "at least" where the English has one: that makes it a safety floor.')
    lines.append(f"msgid {_quote(message.msgid)}")
    if message.plural is None:
        lines.append(f"msgstr {_quote(strings[0] if strings else '')}")
    else:
        lines.append(f"msgid_plural {_quote(message.plural)}")
        for index in range(max(2, len(strings))):
            value = strings[index] if index < len(strings) else ""
            lines.append(f"msgstr[{index}] {_quote(value)}")
    return "\n".join(lines) + "\n"


def render(messages: dict[str, Message], language: str, known: dict[str, list[str]]) -> str:
    plural = PLURALS.get(language, PLURALS[""])
    parts = [HEADER.format(language=language, plural=plural)]
    parts += [_entry(message, known.get(message.msgid, [])) for message in messages.values()]
    return "\n".join(parts)


def _known(path: Path) -> dict[str, list[str]]:
    return {
        msgid: strings
        for context, msgid, _plural, strings in parse_po(path.read_text("utf-8"))
        if msgid and context is None
    }


def missing(language: str) -> list[str]:
    """The messages ``language`` has no translation for."""
    known = _known(LOCALE / f"{language}.po")
    return [msgid for msgid in gather() if not all(known.get(msgid, [""]))]


def main(argv: Sequence[str]) -> int:
    if not argv or argv[0] not in ("extract", "update", "check"):
        print(__doc__, file=sys.stderr)
        return 2
    command, languages = argv[0], list(argv[1:])
    if command == "extract":
        TEMPLATE.write_text(render(gather(), "", {}), "utf-8")
        print(f"wrote {TEMPLATE}")
        return 0
    status = 0
    for language in languages:
        po = LOCALE / f"{language}.po"
        if command == "update":
            known = _known(po) if po.exists() else {}
            po.write_text(render(gather(), language, known), "utf-8")
            print(f"wrote {po}")
        else:
            lacking = missing(language)
            for msgid in lacking:
                print(f"{language}: untranslated: {msgid[:70]!r}")
            print(f"{language}: {len(lacking)} untranslated")
            status = status or int(bool(lacking))
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
