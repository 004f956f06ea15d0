"""Which of the catalog's texts are shown, and so translated.

The catalog's TOML is written in English and stays the one source of truth;
each shown text is a gettext message in its own right. The extraction script
(``packaging/i18n.py``) walks the catalog with this same function, so a text
shown is a text offered for translation, and the other way round.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from psoas_timer.core.catalog import Catalog, Cue, Position, Stretch, Tool, Variant
from psoas_timer.core.safety import Safety

Translate = Callable[[str], str]


def _texts(values: tuple[str, ...], tr: Translate) -> tuple[str, ...]:
    return tuple(tr(value) for value in values)


def _optional(value: str, tr: Translate) -> str:
    # An empty optional field is not a message: gettext's "" is the file's header.
    return tr(value) if value else value


def _variant(variant: Variant, tr: Translate) -> Variant:
    return replace(
        variant,
        name=tr(variant.name),
        instruction=tr(variant.instruction),
        diagram_caption=_optional(variant.diagram_caption, tr),
    )


def _position(position: Position, tr: Translate) -> Position:
    return replace(
        position,
        name=tr(position.name),
        steps=_texts(position.steps, tr),
        variants=tuple(_variant(variant, tr) for variant in position.variants),
        target_note=_optional(position.target_note, tr),
        target=_optional(position.target, tr),
        diagram_caption=_optional(position.diagram_caption, tr),
    )


def translate_tool(tool: Tool, tr: Translate) -> Tool:
    return replace(
        tool,
        name=tr(tool.name),
        summary=tr(tool.summary),
        cue=Cue(tr(tool.cue.inhale), tr(tool.cue.exhale)),
        release_sign=tr(tool.release_sign),
        ease_off=tr(tool.ease_off),
        cautions=_texts(tool.cautions, tr),
        positions=tuple(_position(position, tr) for position in tool.positions),
    )


def translate_stretch(stretch: Stretch, tr: Translate) -> Stretch:
    return replace(
        stretch,
        name=tr(stretch.name),
        steps=_texts(stretch.steps, tr),
        caution=_optional(stretch.caution, tr),
    )


def translate_safety(safety: Safety, tr: Translate) -> Safety:
    return replace(
        safety,
        intro=tr(safety.intro),
        do_not_use=_texts(safety.do_not_use, tr),
        stop_if=_texts(safety.stop_if, tr),
        urgent=_texts(safety.urgent, tr),
        disclaimer=tr(safety.disclaimer),
        during_set=tr(safety.during_set),
        stop_advice={reason: tr(text) for reason, text in safety.stop_advice.items()},
    )


def translate_catalog(catalog: Catalog, tr: Translate) -> Catalog:
    """``catalog`` with every shown built-in text passed through ``tr``.

    A person's own tools are their words, in their language, and stay as written.
    """
    return Catalog(
        tools={
            key: tool if tool.custom else translate_tool(tool, tr)
            for key, tool in catalog.tools.items()
        },
        stretches={key: translate_stretch(item, tr) for key, item in catalog.stretches.items()},
        safety=translate_safety(catalog.safety, tr),
        errors=list(catalog.errors),
    )
