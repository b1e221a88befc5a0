"""``rules.plain_event`` makes exactly the models' record of a valid table, and nothing else.

The loader and the preview check events with it, without the models; the models check only
what it leaves (None). So it must never let through a table the models reject, and for one they
accept it must give the very record ``to_event`` makes. Tables of every shape, valid and made
wrong in one field, are checked by both.
"""

from __future__ import annotations

import copy
import os
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from builders import run_python
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from tui.core.files import load as load_module
from tui.core.files.load import load_text
from tui.core.files.problems import Checker
from tui.core.timeline.event import EVENT_FIELDS, TimelineInfo
from tui.core.timeline.model import EventModel, to_event, validate_info
from tui.core.timeline.rules import plain_event, plain_info, plain_views

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = (ROOT / "timeline.toml").read_text("utf-8")


# Valid events of every shape, some with one field made wrong (another type, an unknown word or
# date, a key too many): the property below is about the valid ones, and half are.
_TEXT = st.sampled_from(
    ["Telegram", "Роскомнадзор", "فیلترینگ", "a\u202eb", "Pa\u00a0ris", "x", "a\u2028b", "\u00a0"]
)
_DAY = st.one_of(
    st.dates(date(1990, 1, 1), date(2030, 12, 31)),
    st.sampled_from(["2018", "2018-04", " 2018-04-16 ", "2019-02", "2016-02-29", "2018-02-29"]),
)
# Words equal only ignoring case, by Unicode's full case folding too ("ß" and "SS").
_WORDS = st.lists(
    st.sampled_from(["Telegram", "WhatsApp", "VPN", "Роскомнадзор", "Straße", "STRASSE", "İ", "i̇"]),
    unique=True,
)
_SOURCE = st.fixed_dictionaries(
    {
        "publisher": _TEXT,
        "url": st.sampled_from(
            [
                "https://a.org/x",
                "http://b.ru/?q=1#f",
                "HTTPS://a.org",
                "https://[::1]:8080/x",
                "https://u:p@a.org/",
                "https://a.org:99999/",
                "https://[zz]/",
            ]
        ),
    },
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
        "end_date": st.sampled_from(
            [date(2031, 1, 1), "2031-05", "2031", "1989", None, date(2018, 4, 16), "2018-04"]
        ),
        "status": st.sampled_from(["ended", "unknown", "ongoing", None]),
        "authority": _WORDS,
        "platforms": _WORDS,
        "tags": _WORDS,
        "related": st.lists(st.sampled_from(["ru-2", "ir-3", "ru-1", "RU-4"]), max_size=3),
    },
)
_WRONG = st.one_of(
    st.integers(0, 3000),
    st.none(),
    st.datetimes(),
    st.times(),
    st.booleans(),
    st.floats(allow_nan=False),
    st.just({"a": 1}),
    st.just([[]]),
    st.just([{"publisher": "P", "url": "https://a.org", "date": date(2018, 1, 1), "title": ""}]),
    st.text(max_size=4),
    st.sampled_from(["", " ", "a\nb", "a\x1bb", "XX", "ban", "paused", "2018-13", "ftp://a"]),
    st.lists(st.sampled_from(["Telegram", "telegram", 3]), max_size=3),
    st.just([{"publisher": "P"}]),
    st.just([{"publisher": "P", "url": "ftp://a.org"}]),
    st.just([{"publisher": "P", "url": "https://a.org", "note": "x"}]),
    st.just([{"publisher": "P\n", "url": "https://a.org"}]),
    st.just([]),
    st.just({"publisher": "P", "url": "https://a.org"}),
)


@st.composite
def _tables(draw: st.DrawFn) -> dict[str, Any]:
    table = draw(_VALID)
    if draw(st.booleans()):
        field = draw(st.sampled_from([*EVENT_FIELDS, "colour"]))
        table[field] = draw(_WRONG)
    return table


@settings(max_examples=int(os.environ.get("CORE_EXAMPLES", "400")), deadline=None)
@given(_tables())
def test_a_table_is_the_models_record_or_none(table: dict[str, Any]) -> None:
    plain = plain_event(copy.deepcopy(table))
    try:
        expected = to_event(EventModel.model_validate(table))
    except ValidationError:
        assert plain is None
        return
    # Every value here is of the type TOML gives: a valid table is never left to the models.
    assert plain == expected


def test_the_shipped_timeline_needs_no_models(monkeypatch: pytest.MonkeyPatch) -> None:
    asked: list[Any] = []
    validate = EventModel.model_validate
    monkeypatch.setattr(
        EventModel, "model_validate", lambda data: asked.append(data) or validate(data)
    )
    assert len(load_text(SHIPPED, "t.toml").events) > 100
    assert asked == []


INFOS: list[Any] = [
    None,
    {},
    {"title": "Russia and the messengers"},
    {"title": "Т", "description": "Line one.\nLine two."},
    {"title": ""},
    {"title": "a\nb"},
    {"title": 7},
    {"description": "a\x1bb"},
    {"title": "T", "colour": "red"},
    [],
    "title",
]


@pytest.mark.parametrize("table", INFOS)
def test_the_timeline_table_is_the_models_or_none(table: Any) -> None:
    try:
        expected = TimelineInfo() if table is None else validate_info(table)
    except ValidationError:
        assert plain_info(table) is None
        return
    assert plain_info(table) == expected


VIEWS = {"russia": "country:RU platform:telegram,whatsapp -action:lift", "all": ""}


@pytest.mark.parametrize(
    ("table", "expected"),
    [
        (None, {}),
        (VIEWS, VIEWS),
        ({"bad": "country:"}, None),
        ({"number": 5}, None),
        ([], None),
    ],
)
def test_views_are_kept_when_every_query_parses(table: Any, expected: Any) -> None:
    assert plain_views(table) == expected
    if expected is None and isinstance(table, dict):
        checker = Checker("", "t.toml")
        checker.views(table)
        assert checker.problems  # the checker says what is wrong


def test_a_valid_file_of_plain_events_loads_without_pydantic() -> None:
    script = (
        "import sys\n"
        "from tui.core.files.load import load_timeline\n"
        "timeline = load_timeline('timeline.toml')\n"
        "print(len(timeline.events), 'pydantic' in sys.modules)\n"
    )
    out = run_python(script)
    count, imported = out.split()
    assert int(count) > 100 and imported == "False"


def test_events_plain_event_leaves_are_checked_by_the_models(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    expected = load_text(SHIPPED, "t.toml")
    every_other = iter(range(10**6))
    monkeypatch.setattr(
        load_module,
        "plain_event",
        lambda table: None if next(every_other) % 2 else plain_event(table),
    )
    assert load_text(SHIPPED, "t.toml") == expected
