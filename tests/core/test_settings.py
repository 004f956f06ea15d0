"""Settings: each bad value is named by the right error, and every default is in range."""

from __future__ import annotations

import codecs
import json
import os
import tempfile
from dataclasses import asdict, fields, replace
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from psoas_timer.core.pacing import BreathPattern, PatternError
from psoas_timer.core.plan import PlanOptions
from psoas_timer.core.settings import (
    Settings,
    SettingsError,
    load_settings,
    read_settings,
    save_settings,
    settings_from_dict,
)
from psoas_timer.core.vocab import (
    BREATHS_LIMITS,
    COUNTDOWN_LIMITS,
    DEFAULT_BREATHS,
    DEFAULT_COUNTDOWN,
    DEFAULT_TRANSITION,
    TRANSITION_LIMITS,
)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"theme": "neon"}, "theme"),
        ({"sides": "middle"}, "sides"),
        ({"units": "furlongs"}, "units"),
        ({"sound": "yes"}, "sound"),
        ({"floor_mode": 1}, "floor_mode"),
        ({"safety_acknowledged": None}, "safety_acknowledged"),
        ({"volume": 101}, "volume"),
        ({"volume": -1}, "volume"),
        ({"volume": 50.0}, "volume"),
        ({"countdown": COUNTDOWN_LIMITS.high + 1}, "countdown"),
        ({"transition": TRANSITION_LIMITS.low - 1}, "transition"),
        ({"breaths": BREATHS_LIMITS.high + 1}, "breaths"),
        ({"breaths": True}, "breaths"),
        ({"cue_theme": "gong"}, "cue_theme"),
        ({"cue_theme": ["bowl"]}, "cue_theme"),
        ({"cue_theme": None}, "cue_theme"),
    ],
)
def test_a_bad_setting_raises_settings_error_naming_it(changes: dict[str, Any], field: str) -> None:
    with pytest.raises(SettingsError) as caught:
        Settings(**changes)
    assert not isinstance(caught.value, PatternError)
    assert caught.value.field == field
    assert str(caught.value).startswith(f"{field}: ")


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"inhale": 1.0}, "inhale"),
        ({"hold_out": 9.0}, "hold_out"),
        ({"inhale": 8.0, "exhale": 10.0}, "cycle"),
    ],
)
def test_a_bad_breath_timing_is_still_a_pattern_error(changes: dict[str, Any], field: str) -> None:
    with pytest.raises(PatternError) as caught:
        Settings(**changes)
    assert caught.value.field == field


def test_the_limits_at_their_edges_are_accepted() -> None:
    for bounds, name in (
        (BREATHS_LIMITS, "breaths"),
        (COUNTDOWN_LIMITS, "countdown"),
        (TRANSITION_LIMITS, "transition"),
    ):
        for value in bounds:
            assert getattr(Settings().with_changes(**{name: value}), name) == value


def test_defaults_agree_with_the_plan_and_the_pattern() -> None:
    settings = Settings()
    assert (settings.breaths, settings.countdown, settings.transition) == (
        DEFAULT_BREATHS,
        DEFAULT_COUNTDOWN,
        DEFAULT_TRANSITION,
    )
    assert settings.pattern == BreathPattern()
    assert settings.plan_options() == PlanOptions()


def test_a_settings_file_with_a_bad_value_is_one_settings_error() -> None:
    with pytest.raises(SettingsError, match="a setting is out of range: theme: expected one of"):
        settings_from_dict({"theme": "neon"})
    with pytest.raises(SettingsError, match="out of range: inhale: must be between"):
        settings_from_dict({"inhale": 1})
    with pytest.raises(SettingsError, match="does not hold a settings object") as caught:
        settings_from_dict([])
    assert caught.value.field is None


def test_every_saved_field_reads_back() -> None:
    changed = Settings(
        theme="dark", sides="right", volume=0, breaths=BREATHS_LIMITS.low, cue_theme="bowl"
    )
    data = {f.name: getattr(changed, f.name) for f in fields(Settings)}
    assert settings_from_dict(data) == changed


# -- reading a settings file that someone (or something) got at --------------------

GOOD = Settings(
    theme="dark",
    sides="right",
    volume=35,
    breaths=BREATHS_LIMITS.low,
    sound=False,
    cue_theme="wood",
)


def good_dict() -> dict[str, Any]:
    return {"version": 1, **asdict(GOOD)}


def write(path: Path, content: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    return path


def aside_of(path: Path) -> list[Path]:
    return sorted(path.parent.glob(f"{path.name}.corrupt-*"))


@pytest.mark.parametrize(
    ("content", "said"),
    [
        (b"[" * 100_000 + b"]" * 100_000, "it is over 64 KB long"),
        (b"[" * 20_000 + b"]" * 20_000, "nested far too deeply"),
        (b'{"breaths": ' + b"[" * 20_000 + b"]" * 20_000 + b"}", "nested far too deeply"),
        (b"\xff\xfe\x00garbage", "not valid JSON"),
        (b'{"theme": "dark", "volume": 35, "x": "\xc3\x28"}', "not UTF-8 text (byte 0xc3"),
        (b'{"note": "' + b"x" * 3_000_000 + b'"}', "it is over 64 KB long"),
        (b"", "not valid JSON (line 1: Expecting value)"),
        (b"null", "does not hold a settings object"),
    ],
    ids=[
        "nested 100,000",
        "nested 20,000",
        "nested value",
        "binary",
        "invalid UTF-8",
        "megabytes",
        "empty",
        "null",
    ],
)
def test_an_unusable_file_gives_defaults_a_message_and_is_set_aside(
    tmp_path: Path, content: bytes, said: str
) -> None:
    path = write(tmp_path / "settings.json", content)
    settings, message = load_settings(path)
    assert settings == Settings.defaults()
    assert message is not None
    assert said in message, message
    (aside,) = aside_of(path)
    assert aside.read_bytes() == content and str(aside) in message
    assert "the defaults are in use" in message
    assert not path.exists()  # nothing kept, so nothing written back
    assert len(message) < 400


@pytest.mark.parametrize(
    ("bad", "named"),
    [
        ({"breaths": "__LONG__"}, ["breaths (expected a whole number from 5 to 30, got a number "
                                   "5,000 digits long)"]),
        ({"inhale": "__-LONG__"}, ["inhale (expected a number of seconds, got a number "
                                   "5,000 digits long)"]),
        ({"volume": 1e400}, ["volume (expected a whole number from 0 to 100, got inf)"]),
        ({"inhale": float("nan")}, ["inhale (expected a finite number of seconds, got nan)"]),
        ({"sound": "yes", "theme": ["dark"], "volume": {"a": 1}, "sides": None},
         ["sound (expected true or false)", "theme (expected one of system, light, dark, "
          "got ['dark'])", "volume (expected a whole number", "sides (expected one of"]),
        ({"inhale": "4"}, ["inhale (expected a number of seconds, got '4')"]),
        ({"breaths": "x" * 50_000}, ["breaths (expected a whole number from 5 to 30, got "
                                     "'xxxxxxxx"]),
        ({"inhale": 8.0, "hold_in": 4.0, "exhale": 10.0},
         ["inhale (together the breath timings fail: a whole breath must last between 6 and "
          "15 s (got 22 s))", "hold_in (together", "exhale (together"]),
        ({"cue_theme": "x" * 50_000}, ["cue_theme (expected one of glide, bowl, wood, got "
                                       "'xxxxxxx"]),
        ({"cue_theme": {"glide": 1}}, ["cue_theme (expected one of glide, bowl, wood"]),
        ({"exhale": 30, "inhale": 1}, ["inhale (must be between 2 and 8 s (got 1 s))",
                                       "exhale (must be between 2 and 10 s (got 30 s))"]),
    ],
    ids=["5000 digits", "5000 digits timing", "1e400", "NaN", "wrong types", "text number",
         "50,000 characters", "breath too long", "long cue theme", "cue theme object",
         "two timings"],
)  # fmt: skip
def test_each_bad_setting_is_reset_alone_and_named(
    tmp_path: Path, bad: dict[str, Any], named: list[str]
) -> None:
    data = good_dict() | bad
    text = json.dumps(data, allow_nan=True)
    text = text.replace('"__LONG__"', "1" * 5000).replace('"__-LONG__"', "-" + "1" * 5000)
    path = write(tmp_path / "settings.json", text.encode())
    settings, message = load_settings(path)
    expected = replace(GOOD, **{k: getattr(Settings.defaults(), k) for k in bad})
    assert settings == expected
    assert message is not None
    assert message.startswith("Some settings could not be used and are back at their defaults: ")
    for part in named:
        assert part in message, message
    assert "every other setting was kept" in message
    (aside,) = aside_of(path)
    assert aside.read_bytes() == text.encode() and str(aside) in message
    # What was good is written back, so the next start has it without a word.
    assert load_settings(path) == (expected, None)
    assert len(message) < 1000


def test_a_file_with_a_utf8_byte_order_mark_keeps_every_setting(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    save_settings(path, GOOD)
    content = codecs.BOM_UTF8 + path.read_bytes()
    path.write_bytes(content)
    assert load_settings(path) == (GOOD, None)
    assert path.read_bytes() == content and aside_of(path) == []


def test_a_utf16_file_with_its_mark_keeps_every_setting(tmp_path: Path) -> None:
    path = write(tmp_path / "settings.json", json.dumps(good_dict()).encode("utf-16"))
    assert load_settings(path) == (GOOD, None)


def test_unknown_keys_are_ignored(tmp_path: Path) -> None:
    path = write(tmp_path / "settings.json", json.dumps(good_dict() | {"colour": 3}).encode())
    assert load_settings(path) == (GOOD, None)


@pytest.mark.parametrize("kind", ["folder", "fifo"])
def test_a_settings_path_that_is_no_file_gives_defaults_and_a_message(
    tmp_path: Path, kind: str
) -> None:
    path = tmp_path / "settings.json"
    if kind == "folder":
        path.mkdir()
    else:
        os.mkfifo(path)  # opening it would wait for a writer forever
    settings, message = load_settings(path)
    assert settings == Settings.defaults()
    assert message is not None and "Could not read the settings file" in message
    assert "not a regular file" in message
    assert path.exists()


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=20,
)


@settings(max_examples=150)
@given(
    st.dictionaries(
        st.sampled_from([f.name for f in fields(Settings)] + ["version", "other"]), json_values
    )
)
def test_any_json_object_reads_without_an_exception(data: dict[str, Any]) -> None:
    result, reset = read_settings(data)
    assert isinstance(result, Settings)
    for name, value in data.items():
        if name in reset:
            assert getattr(result, name) == getattr(Settings.defaults(), name)
        elif name in {f.name for f in fields(Settings)}:
            # Kept as given, in its one form (a list of weekdays comes back a tuple).
            kept = getattr(replace(Settings.defaults(), **{name: value}), name)
            assert getattr(result, name) == kept


@settings(max_examples=150)
@given(st.binary(max_size=300))
def test_any_bytes_load_without_an_exception(content: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = write(Path(folder) / "settings.json", content)
        result, message = load_settings(path)
        assert isinstance(result, Settings)
        assert message is None or "settings" in message.lower()


def test_the_language_follows_the_system_unless_chosen_and_a_hostile_one_resets() -> None:
    from psoas_timer.core.i18n import choose_language, system_language

    assert Settings().language == ""
    settings, reset = read_settings({"language": "de"})
    assert settings.language == "de" and not reset
    for hostile in ("klingon", "../../etc", 7, None, "de_DE.UTF-8", "xx\n"):
        settings, reset = read_settings({"language": hostile})
        assert settings.language == "" and "language" in reset, hostile
    assert system_language({"LANGUAGE": "fr:de", "LANG": "en_US.UTF-8"}) == "de"
    assert system_language({"LC_ALL": "de_AT.UTF-8"}) == "de"
    assert system_language({"LANG": "C.UTF-8"}) == "en"
    assert system_language({"LANG": "ja_JP.UTF-8"}) == "en"
    assert system_language({}) == "en"
    assert choose_language("", {"LANG": "de_DE.UTF-8"}) == "de"
    assert choose_language("en", {"LANG": "de_DE.UTF-8"}) == "en"
    assert choose_language("klingon", {"LANG": "de_DE.UTF-8"}) == "de"
