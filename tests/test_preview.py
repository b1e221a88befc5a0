"""The preview: a big file's first events, checked without the validation models.

Its records are the load's; a table that is not a valid event is left out, never an error; and
none of it imports pydantic. (``rules.plain_event``, which makes them, is compared with the
models in tests/test_plain_event.py.)
"""

from __future__ import annotations

import textwrap
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
import tomli_w
from builders import run_python
from pydantic import ValidationError

from tui.core.files.load import load_text
from tui.core.files.preview import preview
from tui.core.timeline.event import Timeline, TimelineInfo
from tui.core.timeline.model import validate_event, validate_info

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


@pytest.mark.parametrize(
    "table",
    [
        {"title": "T", "colour": "red"},
        {"title": "T", "description": "a\x1bb"},
        {"title": "a\nb"},
        {"title": " "},
    ],
)
def test_a_timeline_table_the_models_refuse_shows_no_title(table: dict[str, Any]) -> None:
    # As the models decide it: the full load then reports the table, and the header never
    # shows a title from a table that is not valid.
    with pytest.raises(ValidationError):
        validate_info(table)
    text = tomli_w.dumps({"timeline": table, "events": [GOOD, {**GOOD, "id": "two"}]})
    assert _previewed(text, 1).info == TimelineInfo()


def test_a_file_with_crlf_line_ends_shows_its_first_events() -> None:
    shipped = SHIPPED.replace("\n", "\r\n")
    shown = _previewed(shipped, 40)
    assert shown.events == _previewed(SHIPPED, 40).events and len(shown.events) == 40


def test_no_preview_for_a_file_of_fewer_events_or_a_head_that_does_not_parse() -> None:
    assert preview(tomli_w.dumps({"events": [GOOD]}), "t.toml", 1) is None
    cut_in_a_string = '[[events]]\nsummary = """\n[[events]]\n"""\n[[events]]\n'
    assert preview(cut_in_a_string, "t.toml", 1) is None


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
    out = run_python(script)
    assert out.split() == ["100", "False"]
