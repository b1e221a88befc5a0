"""The TimelineJS export as TimelineJS itself reads it (issue #13).

TimelineJS3 (NUKnightLab/TimelineJS3, checked against @knight-lab/timelinejs 3.9.11) does not
show our JSON's strings as they are. ``src/js/core/TimelineConfig.js`` ``_tidyFields`` passes

- ``text.headline``, ``text.text``, ``media.caption`` and ``media.credit`` through
  ``_tl_sanitize`` (DOMPurify: parse as HTML, drop what is unsafe, serialise again), and
- ``display_date`` (of the slide and of its dates) and ``group`` through ``stripMarkup``
  (``src/js/core/Util.js``: ``new DOMParser().parseFromString(txt, 'text/html')`` and then
  ``doc.body.textContent``): the string is *decoded once*, its tags dropped;

and then writes every one of them with ``innerHTML`` (``media/types/Text.js`` for the headline,
text and date; ``timenav/TimeGroup.js`` ``_initLayout`` for the group label;
``timenav/TimeMarker.js`` and ``slider/SlideNav.js`` through ``unlinkify``, which only removes an
``<a>`` tag). So a group label is parsed as HTML twice, a headline once.

The helpers below reimplement those rules with the standard library's HTML parser (the same
HTML5 character-reference table and rules as a browser's tokenizer for text; it does not build
a tree, which the tests do not need: they assert that no tag is created at all).
"""

from __future__ import annotations

import html
import json
from html.parser import HTMLParser
from typing import Any

import pytest

from tui.core.export import timelinejs
from tui.core.files.load import load_text

HOSTILE_NAMES = [
    "&lt;img src=x onerror=alert(1)&gt;",
    "<img src=x onerror=alert(1)>",
    "<b>Bold</b> & Co",
    "AT&amp;T",
    "&copy &amp &lt",
    'Tom\'s "messenger"',
    "<script>alert(1)</script>",
    "a &#60;b&#x3e; c",
]


class _Parsed(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parse_html(markup: str) -> tuple[str, list[str]]:
    """The text content of ``markup`` parsed as HTML, and the tags it would create."""
    parser = _Parsed()
    parser.feed(markup)
    parser.close()
    return "".join(parser.text), parser.tags


def strip_markup(txt: str) -> str:
    """``stripMarkup`` of TimelineJS3 ``src/js/core/Util.js``: body.textContent of the parse."""
    return parse_html(txt)[0]


def shown(markup: str, allowed: frozenset[str] = frozenset()) -> str:
    """What an element shows after ``element.innerHTML = markup``; fails if it would create a
    tag other than the ``allowed`` ones (those the export writes itself)."""
    text, tags = parse_html(markup)
    assert set(tags) <= allowed, f"innerHTML would create {tags} from {markup!r}"
    return text


def timeline_with(name: str, title: str = "Hostile names", **fields: str) -> Any:
    extra = "".join(f"{key} = {json.dumps(value)}\n" for key, value in fields.items())
    text = (
        f"[timeline]\ntitle = {json.dumps(title)}\ndescription = {json.dumps(name)}\n\n"
        "[[events]]\n"
        'id = "ru-2018-telegram-block"\n'
        "date = 2018-04-16\n"
        f"title = {json.dumps(name)}\n"
        'country = "RU"\n'
        f"platforms = [{json.dumps(name)}]\n"
        'action = "block"\n'
        f"summary = {json.dumps(name)}\n"
        f'sources = [{{ publisher = {json.dumps(name)}, url = "https://example.org/a",'
        f" title = {json.dumps(name)} }}]\n" + extra
    )
    return load_text(text)


def export(timeline: Any, group: str = "platform") -> dict[str, Any]:
    return json.loads(timelinejs.render(timeline, timeline.events, group=group))


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_a_group_label_shows_exactly_as_written(name: str) -> None:
    slide = export(timeline_with(name))["events"][0]
    decoded = strip_markup(slide["group"])
    # What TimeGroup then gives innerHTML is the escaped name: it shows the name, runs nothing.
    assert decoded == html.escape(name, quote=True)
    assert shown(decoded) == name


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_a_country_group_and_the_display_date_are_escaped_twice_too(name: str) -> None:
    slide = export(timeline_with(name), group="country")["events"][0]
    assert shown(strip_markup(slide["group"])) == "Russian Federation"
    assert shown(strip_markup(slide["display_date"])) == "16 April 2018"


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_sanitised_fields_show_exactly_as_written(name: str) -> None:
    data = export(timeline_with(name, title=name))
    slide = data["events"][0]
    # DOMPurify parses and serialises: the text nodes it keeps are the parse's text content.
    assert shown(slide["text"]["headline"]) == name
    assert shown(data["title"]["text"]["headline"]) == name
    assert shown(data["title"]["text"]["text"], frozenset({"p"})) == name
    body, tags = parse_html(slide["text"]["text"])
    assert set(tags) <= {"p", "small", "ul", "li", "a"}
    assert body.startswith(name) and f"{name}: {name}" in body
    # No media: no caption or credit to check.
    assert "media" not in slide and "media" not in data["title"]


def test_the_title_slide_has_an_id_no_event_can_have() -> None:
    # TimelineJS gives a title slide without unique_id the slug of its headline
    # (TimelineConfig.js _assignID -> Util.js slugify), ahead of the events: a timeline titled
    # "Telegram block" would take #event-telegram-block, and the event would be renamed.
    data = export(timeline_with("x", title="Ru 2018 Telegram block"))
    title_id = data["title"]["unique_id"]
    assert title_id.strip() == title_id and title_id
    from tui.core.timeline.rules import ID_PATTERN

    assert not ID_PATTERN.fullmatch(title_id)
    assert [s["unique_id"] for s in data["events"]] == ["ru-2018-telegram-block"]


@pytest.mark.parametrize(
    ("start", "end", "expected_start", "expected_end", "display"),
    [
        ('"2018"', '"2019"', {"year": 2018}, {"year": 2019, "month": 12, "day": 31}, "2018 – 2019"),
        (
            "2020-01-15",
            '"2020-06"',
            {"year": 2020, "month": 1, "day": 15},
            {"year": 2020, "month": 6, "day": 30},
            "15 January 2020 – June 2020",
        ),
        (
            "2016-05-02",
            '"2016-05"',
            {"year": 2016, "month": 5, "day": 2},
            {"year": 2016, "month": 5, "day": 31},
            "2 May 2016 – May 2016",
        ),
        (
            '"2024-02"',
            '"2024-02"',
            {"year": 2024, "month": 2, "day": 1},
            {"year": 2024, "month": 2, "day": 29},
            "February 2024",
        ),
        (
            '"2019"',
            '"2019-06"',
            {"year": 2019, "month": 1, "day": 1},
            {"year": 2019, "month": 6, "day": 30},
            "2019 – June 2019",
        ),
        (
            "2018-04-16",
            "2020-06-18",
            {"year": 2018, "month": 4, "day": 16},
            {"year": 2020, "month": 6, "day": 18},
            "16 April 2018 – 18 June 2020",
        ),
    ],
)
def test_a_span_ends_on_the_last_day_of_its_end_date(
    start: str, end: str, expected_start: dict, expected_end: dict, display: str
) -> None:
    text = (
        "[[events]]\n"
        'id = "x"\n'
        f"date = {start}\n"
        f"end_date = {end}\n"
        'title = "t"\ncountry = "RU"\naction = "block"\nsummary = "s"\n'
        'sources = [{ publisher = "p", url = "https://example.org/" }]\n'
    )
    timeline = load_text(text)
    slide = export(timeline)["events"][0]
    assert slide["start_date"] == expected_start
    assert slide["end_date"] == expected_end
    assert slide["display_date"] == display
    # TimelineJS (TimelineConfig.js _processDates) drops an end_date whose parts equal every
    # part the start_date has: the start must never be a prefix of the end.
    assert any(slide["end_date"].get(k) != v for k, v in slide["start_date"].items())


# --- Rows: how many groups an embed can show ---------------------------------------------------


def test_slides_height_follows_timelinejs_layout() -> None:
    # Up to 4 rows fit the navigation's minimum of 175 px: the slides keep 600 - 165 px.
    assert [timelinejs.slides_height(n) for n in (1, 4)] == [435, 435]
    assert timelinejs.slides_height(8) == 326  # more than half of the embed
    assert timelinejs.slides_height(9) == 296  # less than half
    assert timelinejs.slides_height(18) == 26  # the curated timeline's 18 platforms


def many_platforms(count: int) -> Any:
    events = "".join(
        "[[events]]\n"
        f'id = "e{i}"\ndate = 2020-01-{i + 1:02d}\ntitle = "t"\ncountry = "RU"\n'
        f'platforms = ["P{i}"]\naction = "block"\nsummary = "s"\n'
        'sources = [{ publisher = "p", url = "https://example.org/" }]\n\n'
        for i in range(count)
    )
    return load_text(events)


def test_more_rows_than_a_readable_embed_holds_are_warned_about() -> None:
    eight = many_platforms(timelinejs.MAX_READABLE_ROWS)
    assert timelinejs.rows_warning(eight.events, "platform") is None
    nine = many_platforms(timelinejs.MAX_READABLE_ROWS + 1)
    warning = timelinejs.rows_warning(nine.events, "platform")
    assert warning is not None
    assert warning.startswith("9 rows (one per platform) leave the slides 296 px of a 600 px")
    assert "--group country (1 row)" in warning and "--group none" in warning
    assert timelinejs.rows_warning(nine.events, "country") is None
    assert timelinejs.rows_warning(nine.events, "none") is None
