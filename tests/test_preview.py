"""The preview: a big file's first events, made without the validation models.

For every valid event its record is exactly the one the load makes; a table that is not an event
of the fields' types is left out, never an error; and none of it imports pydantic.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
import tomli_w
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from tui.core.files import preview as preview_module
from tui.core.files.load import load_text
from tui.core.files.preview import preview
from tui.core.timeline.event import EVENT_FIELDS, Timeline
from tui.core.timeline.model import validate_event

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = (ROOT / "timeline.toml").read_text("utf-8")


def _previewed(text: str, first: int) -> Timeline:
    shown = preview(text, "t.toml", first)
    assert shown is not None
    return shown


@pytest.mark.parametrize("first", [1, 40, 111])
def test_the_shipped_timelines_events_are_the_loads(first: int) -> None:
    # Real events: string and TOML dates, end dates, statuses given and derived, sources with
    # titles and dates, related ids, Persian and Russian text.
    loaded = load_text(SHIPPED, "t.toml")
    shown = _previewed(SHIPPED, first)
    assert len(shown.events) == first
    for event in shown.events:
        assert event == loaded.get(event.id)
    assert shown.info == loaded.info


GOOD = {
    "id": "ru-2018-telegram-block",
    "date": date(2018, 4, 16),
    "title": "Roskomnadzor blocks Telegram",
    "country": "RU",
    "action": "block",
    "summary": "A court ordered the block.",
    "sources": [{"publisher": "Meduza", "url": "https://meduza.io/a"}],
}

NOT_EVENTS: dict[str, dict[str, Any]] = {
    "an unknown key": {**GOOD, "colour": "red"},
    "no title": {k: v for k, v in GOOD.items() if k != "title"},
    "a date-time": {**GOOD, "date": datetime(2018, 4, 16, 12, 0)},
    "a year as a number": {**GOOD, "date": 2018},
    "a date that is not one": {**GOOD, "date": "2018-02-30"},
    "platforms as one string": {**GOOD, "platforms": "Telegram"},
    "a platform that is a number": {**GOOD, "platforms": ["Telegram", 7]},
    "no sources": {**GOOD, "sources": []},
    "a source with an unknown key": {**GOOD, "sources": [{**GOOD["sources"][0], "x": 1}]},
    "a source without a url": {**GOOD, "sources": [{"publisher": "Meduza"}]},
    "an unknown action": {**GOOD, "action": "ban"},
    "an unknown status": {**GOOD, "status": "paused"},
    "a title that is a number": {**GOOD, "title": 7},
    "a list for a status": {**GOOD, "status": ["ongoing"]},
}


@pytest.mark.parametrize("name", NOT_EVENTS)
def test_a_table_that_is_not_an_event_is_left_out_and_the_rest_shown(name: str) -> None:
    tables = [
        {**GOOD, "id": "before"},
        {**NOT_EVENTS[name], "id": "odd"},
        {**GOOD, "id": "after"},
        {**GOOD, "id": "past-the-cut"},
    ]
    text = tomli_w.dumps({"timeline": {"title": "T"}, "events": tables})
    shown = _previewed(text, 3)
    assert sorted(event.id for event in shown.events) == ["after", "before"]
    with pytest.raises(ValidationError):
        validate_event(NOT_EVENTS[name])


def test_the_timeline_table_gives_the_title_and_description() -> None:
    events = [GOOD, {**GOOD, "id": "two"}]
    text = tomli_w.dumps({"timeline": {"title": "T", "description": "D"}, "events": events})
    assert _previewed(text, 1).info == (("T", "D"))
    odd = tomli_w.dumps({"timeline": {"title": 7}, "events": events})
    assert _previewed(odd, 1).info.title == "Untitled timeline"


def test_no_preview_for_a_file_of_fewer_events_or_a_head_that_does_not_parse() -> None:
    assert preview(tomli_w.dumps({"events": [GOOD]}), "t.toml", 1) is None
    cut_in_a_string = '[[events]]\nsummary = """\n[[events]]\n"""\n[[events]]\n'
    assert preview(cut_in_a_string, "t.toml", 1) is None


# Valid events of every shape, some with one field made wrong (another type, an unknown word or
# date, a key too many): the property below is about the valid ones, and half are.
_TEXT = st.sampled_from(["Telegram", "Роскомнадзор", "فیلترینگ", "a\u202eb", "Pa\u00a0ris", "x"])
_DAY = st.one_of(
    st.dates(date(1990, 1, 1), date(2030, 12, 31)),
    st.sampled_from(["2018", "2018-04", " 2018-04-16 ", "2019-02"]),
)
_WORDS = st.lists(st.sampled_from(["Telegram", "WhatsApp", "VPN", "Роскомнадзор"]), unique=True)
_SOURCE = st.fixed_dictionaries(
    {"publisher": _TEXT, "url": st.sampled_from(["https://a.org/x", "http://b.ru/?q=1#f"])},
    optional={"title": _TEXT, "date": _DAY},
)
_VALID = st.fixed_dictionaries(
    {
        "id": st.sampled_from(["ru-1", "ir-2018-telegram", "a"]),
        "date": _DAY,
        "title": _TEXT,
        "country": st.sampled_from(["RU", "IR", "IN", "EU"]),
        "action": st.sampled_from(["block", "lift", "fine", "law"]),
        "summary": st.sampled_from(["What happened.", "Line one.\nLine two.", "Что случилось"]),
        "sources": st.lists(_SOURCE, min_size=1, max_size=2),
    },
    optional={
        "end_date": st.sampled_from([date(2031, 1, 1), "2031-05", "2031"]),
        "status": st.sampled_from(["ended", "unknown"]),
        "authority": _WORDS,
        "platforms": _WORDS,
        "tags": _WORDS,
        "related": st.lists(st.sampled_from(["ru-2", "ir-3"]), unique=True),
    },
)
_WRONG = st.one_of(
    st.integers(0, 3000),
    st.none(),
    st.datetimes(),
    st.text(max_size=4),
    st.sampled_from(["", " ", "a\nb", "a\x1bb", "XX", "ban", "paused", "2018-13", "ftp://a"]),
    st.lists(st.sampled_from(["Telegram", "telegram", 3]), max_size=3),
    st.just([{"publisher": "P"}]),
)


@st.composite
def _tables(draw: st.DrawFn) -> dict[str, Any]:
    table = draw(_VALID)
    if draw(st.booleans()):
        field = draw(st.sampled_from([*EVENT_FIELDS, "colour"]))
        table[field] = draw(_WRONG)
    return table


@settings(max_examples=int(os.environ.get("CORE_EXAMPLES", "300")), deadline=None)
@given(_tables())
def test_a_valid_table_is_previewed_as_the_load_makes_it(table: dict[str, Any]) -> None:
    try:
        expected = validate_event(table)
    except ValidationError:
        return  # the preview may show it or leave it out: the load says what is wrong
    assert preview_module._event(table) == expected


def test_the_preview_imports_no_pydantic() -> None:
    script = textwrap.dedent(
        """
        import sys
        from pathlib import Path
        from tui.core.files.preview import preview
        shown = preview(Path("timeline.toml").read_text("utf-8"), "t.toml", 100)
        print(len(shown.events), "pydantic" in sys.modules)
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["100", "False"]
