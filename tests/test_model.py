"""The model's rules: derived status, cross-field checks, vocabularies and the documented order."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from tui.core.query.evaluate import Index
from tui.core.query.language import parse
from tui.core.timeline.countries import BLOCS, country_name, suggest_code
from tui.core.timeline.dates import PartialDate
from tui.core.timeline.event import (
    LASTING_ACTIONS,
    Action,
    Event,
    Status,
    Timeline,
    in_date_order,
    span_order,
)
from tui.core.timeline.model import EventModel, SourceModel, TimelineFile, validate_event


def event(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": "ru-2018-telegram-block",
        "date": date(2018, 4, 16),
        "title": "Roskomnadzor starts blocking Telegram",
        "country": "RU",
        "action": "block",
        "summary": "Text.",
        "sources": [{"publisher": "TASS", "url": "https://tass.com/x"}],
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def errors(data: dict[str, Any]) -> dict[tuple[Any, ...], str]:
    with pytest.raises(ValidationError) as caught:
        validate_event(data)
    return {tuple(e["loc"]): e["msg"] for e in caught.value.errors()}


@pytest.mark.parametrize("action", list(Action))
def test_status_is_derived_from_the_action_when_left_out(action: Action) -> None:
    loaded = validate_event(event(action=action.value))
    expected = Status.ONGOING if action in LASTING_ACTIONS else Status.ENDED
    assert loaded.status is expected
    assert action.lasting is (action in LASTING_ACTIONS)
    assert action.label


def test_an_end_date_makes_a_measure_ended() -> None:
    assert validate_event(event(end_date="2020-06")).status is Status.ENDED


@pytest.mark.parametrize("status", ["ongoing", "ended", "unknown"])
def test_an_explicit_status_wins(status: str) -> None:
    assert validate_event(event(action="fine", status=status)).status == status


def test_ongoing_with_an_end_date_is_a_contradiction() -> None:
    problems = errors(event(status="ongoing", end_date=date(2019, 1, 1)))
    assert "'ongoing' contradicts the end_date" in problems[("status",)]


def test_end_before_start_is_an_error() -> None:
    problems = errors(event(end_date=date(2017, 1, 1)))
    assert "2017-01-01 is before the event's date 2018-04-16" in problems[("end_date",)]


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (date(2018, 4, 16), "2018-04"),  # the end's period contains the start
        (date(2018, 4, 16), "2018"),
        ("2018", date(2018, 1, 1)),
        ("2018-04", date(2018, 4, 1)),
        (date(2018, 4, 16), date(2018, 4, 16)),
    ],
)
def test_end_is_before_start_only_when_its_whole_period_is(start: object, end: object) -> None:
    validate_event(event(date=start, end_date=end))


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JavaScript://%0aalert(1)",
        "file:///etc/passwd",
        "ftp://example.org/x",
        "data:text/html,<b>x</b>",
        "https:///no-host",
        "https://",
        "https:example.org",
        "//example.org/x",
        "example.org",
        "https://exa mple.org",
        "https://example.org/\x1b]8;;x",
        "https://[::1",
        "https://example.org:port/",
    ],
)
def test_only_http_urls_with_a_host_are_sources(url: str) -> None:
    with pytest.raises(ValidationError) as caught:
        SourceModel.model_validate({"publisher": "P", "url": url})
    message = caught.value.errors()[0]["msg"]
    assert "URL" in message
    assert "\x1b" not in message


@pytest.mark.parametrize(
    "url", ["https://example.org", "http://example.org/a?b=c#d", "HTTPS://EXAMPLE.ORG:8443/x"]
)
def test_http_urls_are_accepted(url: str) -> None:
    assert SourceModel.model_validate({"publisher": "P", "url": url}).url == url


@pytest.mark.parametrize(
    ("code", "hint"),
    [("ru", "did you mean 'RU'"), ("RUS", "did you mean 'RU'"), ("UK", "did you mean 'GB'")],
)
def test_country_near_misses_get_a_hint(code: str, hint: str) -> None:
    assert hint in errors(event(country=code))[("country",)]


def test_unknown_country_is_an_error_and_blocs_are_accepted() -> None:
    assert "'XX' is not an ISO 3166-1 alpha-2" in errors(event(country="XX"))[("country",)]
    assert validate_event(event(country="EU")).country_name == "European Union"
    assert validate_event(event(country="BR")).country_name == "Brazil"
    assert country_name("EU") == BLOCS["EU"]
    assert country_name("eu") is None and country_name("") is None
    assert suggest_code("RU") is None  # already right: nothing to suggest


def test_list_fields_reject_empties_and_case_insensitive_duplicates() -> None:
    assert "must not be empty" in errors(event(tags=["a", " "]))[("tags", 1)]
    assert "lists 'x' twice" in errors(event(tags=["x", "x"]))[("tags",)]
    message = errors(event(platforms=["Telegram", "telegram"]))[("platforms",)]
    assert "'Telegram' and 'telegram'" in message


def test_related_rules() -> None:
    assert (
        "lists the event itself" in errors(event(related=["ru-2018-telegram-block"]))[("related",)]
    )
    assert "lists 'a-b' twice" in errors(event(related=["a-b", "a-b"]))[("related",)]
    assert "is not a valid id" in errors(event(related=["A"]))[("related", 0)]


def test_title_is_one_line_and_not_blank() -> None:
    assert "must be one line" in errors(event(title="a\nb"))[("title",)]
    assert "must not be empty" in errors(event(title="  "))[("title",)]


def test_events_are_immutable() -> None:
    loaded = validate_event(event(platforms=["WhatsApp"]))
    with pytest.raises(AttributeError):
        loaded.title = "changed"  # type: ignore[misc]
    with pytest.raises(AttributeError):  # lists are tuples: shared safely by the UI and caches
        loaded.platforms.append("Telegram")  # type: ignore[attr-defined]


def test_platforms_are_matched_ignoring_case() -> None:
    loaded = validate_event(event(platforms=["WhatsApp"]))
    index = Index([loaded], today=date(2025, 6, 30))
    assert index.filter(parse("platform:whatsapp")) == [0]
    assert index.filter(parse("platform:Telegram")) == []


def make(ident: str, start: object, end: object = None) -> Event:
    return validate_event(event(id=ident, date=start, end_date=end))


def test_sort_key_follows_the_documented_rule() -> None:
    """First day of `date`; less precise first; then the earlier end; then the id."""
    events = [
        make("d-day-b", date(2018, 1, 1)),
        make("c-day-a", date(2018, 1, 1)),
        make("b-month", "2018-01"),
        make("a-year-long", "2018", "2020"),
        make("e-year-short", "2018", "2018-06"),
        make("f-year-plain", "2018"),
        make("g-earlier", date(2017, 12, 31)),
        make("h-day-ended", date(2018, 1, 1), date(2018, 1, 5)),
    ]
    ordered = [e.id for e in sorted(events, key=lambda e: e.sort_key)]
    assert ordered == [
        "g-earlier",  # an earlier first day
        "e-year-short",  # year precision: ends June 2018
        "f-year-plain",  # ... ends with its year
        "a-year-long",  # ... ends 2020
        "b-month",
        "c-day-a",  # same day, no end: by id
        "d-day-b",
        "h-day-ended",  # same day, later end
    ]


def test_sort_key_at_the_extremes() -> None:
    first = make("a", date.min, date.max)
    last = make("b", "9999", "9999-12")
    assert first.sort_key < last.sort_key
    assert first.sort_key[2] == date.max.toordinal()


@given(
    st.lists(
        st.tuples(
            st.sampled_from(["a", "b", "c", "d"]),
            st.dates(),
            st.sampled_from([None, "month", "year"]),
            st.one_of(st.none(), st.timedeltas(min_value=timedelta(0), max_value=timedelta(800))),
        ),
        max_size=30,
    )
)
def test_a_timelines_order_is_the_sort_keys(drawn: list[Any]) -> None:
    """``in_date_order`` (two sorts: by id, then by ``span_order``) gives ``sort_key``'s order,
    ties of dates, precisions and ends included, down to 0001-01-01 and up to 9999-12-31."""
    events = []
    for number, (name, day, cut, length) in enumerate(drawn):
        start: object = {None: day, "month": day.isoformat()[:7], "year": f"{day.year:04d}"}[cut]
        end = None if length is None or date.max - day < length else day + length
        events.append(make(f"{name}-{number % 5}", start, end))
    by_key = sorted(events, key=lambda e: e.sort_key)
    assert Timeline(events=events).events == by_key
    spans = [span_order(e.date, e.end_date) for e in events]
    assert in_date_order(events, spans) == by_key == in_date_order(events)


def test_timeline_sorts_and_looks_up() -> None:
    late, early = make("late", date(2020, 1, 1)), make("early", "2019")
    timeline = Timeline(events=[late, early], lines={"late": 1, "early": 9}, path="x.toml")
    assert [e.id for e in timeline.events] == ["early", "late"]
    assert timeline.get("late") is late and timeline.get("nope") is None
    assert len(timeline) == 2
    assert timeline.lines["early"] == 9 and timeline.path == "x.toml"
    assert timeline.info.title == "Untitled timeline" and timeline.views == {}


def test_dates_serialise_as_written() -> None:
    dumped = EventModel.model_validate(event(date="2018-04", end_date=date(2019, 1, 2))).model_dump(
        mode="json"
    )
    assert dumped["date"] == "2018-04" and dumped["end_date"] == "2019-01-02"
    assert isinstance(make("a", "2018").date, PartialDate)


def test_json_schema_is_generated() -> None:
    schema = TimelineFile.model_json_schema()
    assert schema["title"] == "policy-tui timeline"
    assert "events" in schema["required"]
