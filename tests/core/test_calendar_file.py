"""The calendar file, read back by a strict RFC 5545 reader written for the purpose."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

import pytest

from psoas_timer.core.calendar_file import LINE_OCTETS, calendar_text, escape_text, fold
from psoas_timer.core.reminders import WeeklyPlan

NOW = datetime(2026, 12, 2, 3, 4, 5, tzinfo=UTC)  # a Wednesday, before 19:00 in Berlin
BERLIN = ZoneInfo("Europe/Berlin")
_NAME = re.compile(r"[A-Za-z0-9-]+")


@dataclass
class Component:
    name: str
    properties: dict[str, list[tuple[dict[str, str], str]]] = field(default_factory=dict)
    children: list[Component] = field(default_factory=list)

    def value(self, name: str) -> str:
        found = self.properties[name]
        assert len(found) == 1, f"{name} appears {len(found)} times"
        return found[0][1]


def unescape(text: str) -> str:
    out, i = [], 0
    while i < len(text):
        char = text[i]
        if char == "\\":
            following = text[i + 1]
            assert following in "\\;,nN", f"bad escape \\{following}"
            out.append("\n" if following in "nN" else following)
            i += 2
            continue
        assert char not in ";,", f"an unescaped {char!r} in a TEXT value"
        out.append(char)
        i += 1
    return "".join(out)


def parse(content: bytes) -> Component:
    """RFC 5545 §3.1 and §3.4–3.6, strictly: CRLF only, 75 octets, nesting, names."""
    text = content.decode("utf-8")
    assert text.endswith("\r\n")
    physical = text[:-2].split("\r\n")
    for line in physical:
        assert "\r" not in line and "\n" not in line, f"a bare line break in {line!r}"
        assert len(line.encode("utf-8")) <= LINE_OCTETS, f"an unfolded line: {line!r}"
    logical: list[str] = []
    for line in physical:
        if line.startswith((" ", "\t")):
            assert logical, "a continuation with nothing to continue"
            logical[-1] += line[1:]
        else:
            logical.append(line)
    stack: list[Component] = []
    root: Component | None = None
    for line in logical:
        head, sep, value = line.partition(":")
        assert sep, f"no value in {line!r}"
        name, *params = head.split(";")
        assert _NAME.fullmatch(name), f"bad property name {name!r}"
        parameters = dict(p.split("=", 1) for p in params)
        if name == "BEGIN":
            component = Component(value)
            if stack:
                stack[-1].children.append(component)
            else:
                assert root is None, "two calendars in one file"
                root = component
            stack.append(component)
        elif name == "END":
            assert stack and stack.pop().name == value, f"END:{value} does not match"
        else:
            assert stack, f"{name} outside any component"
            stack[-1].properties.setdefault(name, []).append((parameters, value))
    assert not stack and root is not None
    return root


def test_the_file_is_one_calendar_with_one_weekly_event() -> None:
    plan = WeeklyPlan(("mon", "wed", "fri"), time(19, 0))
    content = calendar_text(plan, NOW, "Psoas Timer 1.2.3", BERLIN).encode("utf-8")
    calendar = parse(content)
    assert calendar.name == "VCALENDAR"
    assert calendar.value("VERSION") == "2.0"
    assert calendar.value("PRODID").startswith("-//Psoas Timer//")
    (event,) = calendar.children
    assert event.name == "VEVENT"
    assert event.value("RRULE") == "FREQ=WEEKLY;BYDAY=MO,WE,FR"
    # Floating local time (no Z, no TZID), on the first planned day: today, Wednesday.
    assert event.value("DTSTART") == "20261202T190000"
    assert event.properties["DTSTART"][0][0] == {}
    assert event.value("DURATION") == "PT30M"
    assert event.value("DTSTAMP") == "20261202T030405Z"
    assert re.fullmatch(r"[0-9a-f-]{36}@psoas-timer", event.value("UID"))
    assert unescape(event.value("SUMMARY")) == "Psoas release"
    description = unescape(event.value("DESCRIPTION"))
    assert "safety notice" in description
    assert description.endswith("Planned: Monday, Wednesday, Friday at 19:00.")
    assert "DTEND" not in event.properties  # DURATION and DTEND never both


def test_the_first_event_is_the_next_planned_day_and_the_uid_follows_the_plan() -> None:
    after_time = datetime(2026, 12, 2, 20, tzinfo=BERLIN)  # Wednesday, too late
    plan = WeeklyPlan(("wed",), time(19, 0))
    event = parse(calendar_text(plan, after_time, "x", BERLIN).encode()).children[0]
    assert event.value("DTSTART") == "20261209T190000"
    again = parse(calendar_text(plan, NOW, "x", BERLIN).encode()).children[0]
    other = WeeklyPlan(("thu",), time(19, 0))
    moved = parse(calendar_text(other, NOW, "x", BERLIN).encode()).children[0]
    assert event.value("UID") == again.value("UID") != moved.value("UID")


@pytest.mark.parametrize(
    "text",
    ["a;b,c\\d\ne", "ü" * 80, "x" * 74 + "€" * 3, "🙂" * 40, "plain"],
)
def test_folding_and_escaping_give_the_text_back(text: str) -> None:
    line = "DESCRIPTION:" + escape_text(text)
    folded = fold(line)
    pieces = folded.split("\r\n")
    assert all(len(piece.encode("utf-8")) <= LINE_OCTETS for piece in pieces)
    assert all(piece.startswith(" ") for piece in pieces[1:])
    unfolded = pieces[0] + "".join(piece[1:] for piece in pieces[1:])
    assert unfolded == line
    assert unescape(unfolded.removeprefix("DESCRIPTION:")) == text


def test_a_long_product_name_is_folded_and_escaped() -> None:
    plan = WeeklyPlan(("sun",), time(8, 5))
    product = "Psoas Timer, built; at home " + "x" * 90
    calendar = parse(calendar_text(plan, NOW, product, BERLIN).encode())
    assert calendar.value("PRODID") == f"-//Psoas Timer//{escape_text(product)}//EN"
    assert calendar.children[0].value("RRULE") == "FREQ=WEEKLY;BYDAY=SU"
    assert calendar.children[0].value("DTSTART") == "20261206T080500"
