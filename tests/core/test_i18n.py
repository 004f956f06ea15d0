"""The translation mechanism: .po files read as they are, plurals, numbers and distances."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from psoas_timer.core import i18n
from psoas_timer.core.units import floor_distances, format_distance, render_distances


@pytest.fixture
def german() -> Iterator[None]:
    assert i18n.install("de") == "de"
    yield
    i18n.install(i18n.SOURCE_LANGUAGE)


def test_a_po_file_becomes_translations_with_contexts_and_plurals() -> None:
    po = (
        'msgid ""\nmsgstr "Content-Type: text/plain; charset=UTF-8\\n"\n'
        '"Plural-Forms: nplurals=2; plural=(n != 1);\\n"\n\n'
        'msgid "Hold"\nmsgstr "Halten"\n\n'
        'msgctxt "ring"\nmsgid "Hold"\nmsgstr "Halt"\n\n'
        'msgid "{n} day"\nmsgid_plural "{n} days"\nmsgstr[0] "{n} Tag"\nmsgstr[1] "{n} Tage"\n\n'
        'msgid "Untranslated"\nmsgstr ""\n\n'
        'msgid "Two "\n"lines"\nmsgstr "Zwei "\n"Zeilen"\n'
    )
    import gettext
    import io

    translations = gettext.GNUTranslations(io.BytesIO(i18n.compile_po(po)))
    assert translations.gettext("Hold") == "Halten"
    assert translations.pgettext("ring", "Hold") == "Halt"
    assert translations.ngettext("{n} day", "{n} days", 1) == "{n} Tag"
    assert translations.ngettext("{n} day", "{n} days", 3) == "{n} Tage"
    assert translations.gettext("Untranslated") == "Untranslated"
    assert translations.gettext("Two lines") == "Zwei Zeilen"


def test_a_broken_po_line_is_named() -> None:
    with pytest.raises(ValueError, match="line 2"):
        i18n.parse_po('msgid "a"\nmsgstr oops\n')


def test_an_unknown_language_is_english() -> None:
    assert i18n.install("tlh") == "en"
    assert i18n._("Hold") == "Hold"


def test_german_numbers_distances_and_plurals(german: None) -> None:
    assert i18n.decimal(6.14) == "6,1"
    assert i18n.decimal(0.5, sign=True) == "+0,5"
    assert format_distance(2.5, 7.5, "cm") == "2,5–7,5 cm"
    assert format_distance(5, None, "in") == "2 Zoll"
    assert i18n.ngettext("{n} day", "{n} days", 1).format(n=1) == "1 Tag"
    assert i18n.ngettext("{n} day", "{n} days", 2).format(n=2) == "2 Tage"


def test_a_german_floor_rounds_up_in_inches(german: None) -> None:
    # 4 cm is 1.57 in: a floor says 2 in, never the nearer 1.5 in.
    text = "Halten Sie mindestens {cm:4} Abstand, etwa {cm:4} breit."
    assert floor_distances(text) == [(4.0, None)]
    assert (
        render_distances(text, "in") == "Halten Sie mindestens 2 Zoll Abstand, etwa 1,5 Zoll breit."
    )


def test_a_dose_level_line_writes_its_means_the_language_s_way(german: None) -> None:
    from psoas_timer.core.dose import LevelRow, level_text

    line = level_text(LevelRow(2, 3, 1.5, -0.5, 4.0))
    assert "1,5" in line and "-0,5" in line and "1.5" not in line
    assert level_text(LevelRow(1, 1, None, None, None)).count("–") == 2  # no mean yet
