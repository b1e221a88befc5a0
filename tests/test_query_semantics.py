"""What queries select, on the small fixture timeline tests/fixtures/query/timeline.toml.

The fixture is evaluated with today = 2025-06-30: ongoing measures run to that day.
"""

from __future__ import annotations

import random
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from plain_search import ScanIndex, ScanText, haystack, text_index

from tui.core.files.load import load_timeline
from tui.core.query.edit import with_facet
from tui.core.query.evaluate import Index
from tui.core.query.language import parse
from tui.core.query.textindex import (
    bits_to_indices,
    bits_to_mask,
    indices_to_bits,
    mask_to_bits,
)
from tui.core.time.span import Kind, span
from tui.core.timeline.event import Timeline

FIXTURE = Path(__file__).parent / "fixtures" / "query" / "timeline.toml"
TODAY = date(2025, 6, 30)


@pytest.fixture(scope="module")
def timeline() -> Timeline:
    return load_timeline(FIXTURE)


@pytest.fixture(scope="module", params=["texts", "words", "scan"])
def index(request: pytest.FixtureRequest, timeline: Timeline) -> Index:
    # Every text strategy must give the same answers: the events' texts scanned (what a fresh
    # index does), the same with the word index built by warm(), and a plain scan of each
    # event's haystack() (the reference).
    scan = request.param == "scan"
    built = (ScanIndex if scan else Index)(timeline.events, today=TODAY)
    if request.param == "words":
        built.warm()
    return built


def ids(index: Index, text: str) -> list[str]:
    return [index.events[i].id for i in index.filter(parse(text))]


CASES: list[tuple[str, list[str]]] = [
    # --- fields, OR and negation
    ("country:RU platform:telegram", [
        "ru-2018-telegram-ruling", "ru-2018-telegram-block", "ru-2020-telegram-lift",
        "ru-2025-calls-restrict",
    ]),
    ("country:ru platform:TELEGRAM action:block", ["ru-2018-telegram-block"]),
    ("country:BR,IN", ["br-2015-whatsapp-block", "br-2016-whatsapp-block", "in-2020-tiktok-block"]),
    ("platform:whatsapp,telegram -action:lift", [
        "br-2015-whatsapp-block", "br-2016-whatsapp-block", "cn-2017-whatsapp-block",
        "ru-2018-telegram-ruling", "ru-2018-telegram-block", "ru-2025-calls-restrict",
    ]),
    # Repeating a field means AND: both platforms on the same event.
    ("platform:whatsapp platform:telegram", ["ru-2025-calls-restrict"]),
    ("country:RU -platform:telegram", [
        "ru-2016-linkedin-block", "ru-2021-twitter-throttle", "ru-2022-meta-designation",
    ]),
    ("tag:encryption", [
        "ru-2018-telegram-ruling", "ru-2018-telegram-block", "eu-2022-chat-control-proposal",
        "gb-2023-online-safety-act",
    ]),
    ("tag:ENCRYPTION -country:RU", ["eu-2022-chat-control-proposal", "gb-2023-online-safety-act"]),
    ("status:unknown", ["cn-2017-whatsapp-block"]),
    ("status:ongoing country:RU", [
        "ru-2016-linkedin-block", "ru-2022-meta-designation", "ru-2025-calls-restrict",
    ]),
    ("action:designation,mandate", ["ru-2022-meta-designation"]),
    # authority: a case-insensitive substring
    ("authority:court", [
        "br-2015-whatsapp-block", "br-2016-whatsapp-block", "ru-2018-telegram-ruling",
        "ru-2018-telegram-block", "ru-2022-meta-designation",
    ]),
    ('authority:"tagansky district"', ["ru-2018-telegram-ruling", "ru-2018-telegram-block"]),
    ('authority:roskomnadzor,"european commission" -country:RU', [
        "eu-2022-chat-control-proposal",
    ]),
    # id: exact, or a prefix ending in *
    ("id:ru-2018-telegram-block", ["ru-2018-telegram-block"]),
    ("id:RU-2018-*", ["ru-2018-telegram-ruling", "ru-2018-telegram-block"]),
    ("id:ru-2018", []),
    # --- free text: every word, anywhere, any case; phrases across line breaks
    ("telegram block", [
        "ru-2018-telegram-ruling", "ru-2018-telegram-block", "ru-2020-telegram-lift",
    ]),
    ('"days after the tagansky district court"', ["ru-2018-telegram-block"]),
    ('"IP ADDRESSES"', ["ru-2018-telegram-block"]),
    ("-linkedin country:RU action:block", ["ru-2018-telegram-block"]),
    ("são", ["br-2015-whatsapp-block"]),
    ("Russian Federation lifts", ["ru-2020-telegram-lift"]),  # country names are searched
    # Source URLs are searched, so a pasted URL answers "do I already cite this?"; so are
    # publishers and source titles.
    ("https://example.org/ru-2018-block-2", ["ru-2018-telegram-block"]),
    ("example.org/ru-2018-block", ["ru-2018-telegram-block"]),
    ("HTTPS://Example.org/IR-2019", ["ir-2019-instagram-throttle"]),
    ("https://example.org/us-2023?a=1&b=<2>", ["us-2023-x-fine"]),
    ("https://example.org/nowhere", []),
    ('"example <times>"', ["us-2023-x-fine"]),
    ("regulator begins", ["ru-2018-telegram-block"]),
    ("ru-2016-linkedin", ["ru-2016-linkedin-block"]),
    # --- after/before: the event's date, where it sorts (its first day)
    ("after:2022", [
        "ru-2022-meta-designation", "eu-2022-chat-control-proposal", "us-2023-x-fine",
        "gb-2023-online-safety-act", "ru-2025-calls-restrict",
    ]),
    ("before:2016", ["br-2015-whatsapp-block"]),
    ("after:2016 before:2017", ["br-2016-whatsapp-block", "ru-2016-linkedin-block"]),
    # A month-precision date counts from its first day: "2022-03" is after:2022-03 ...
    ("after:2022-03 before:2022-04", ["ru-2022-meta-designation"]),
    # ... and a year-only date from 1 January: "2023" is before:2023-06, not after it.
    ("before:2023-06 after:2023", ["us-2023-x-fine"]),
    ("after:2023-06 before:2024", ["gb-2023-online-safety-act"]),
    # An event spanning 2018-2020 is not after:2019: after: looks at the date, not the span.
    ("after:2019 -after:2021 platform:telegram", ["ru-2020-telegram-lift"]),
    # --- during: the span overlaps the period
    ("during:2020", [
        "ru-2016-linkedin-block", "cn-2017-whatsapp-block", "ru-2018-telegram-block",
        "ru-2020-telegram-lift", "in-2020-tiktok-block",
    ]),
    ("during:2019 -country:RU", ["cn-2017-whatsapp-block", "ir-2019-instagram-throttle"]),
    ("during:2019-07-01 country:IR", ["ir-2019-instagram-throttle"]),  # "2019" covers July
    ("during:2015-12-18", ["br-2015-whatsapp-block"]),  # end day included
    ("during:2015-12-19", []),
    ("during:2016-05-31", ["br-2016-whatsapp-block"]),  # end "2016-05" covers all of May
    ("during:2016-06-01", []),
    ("during:2018,2023-11 country:GB,RU action:block,law", [
        "ru-2016-linkedin-block", "ru-2018-telegram-block", "gb-2023-online-safety-act",
    ]),
    # An open span has no known last day: it reaches every later day, as asof: says
    # (docs/format.md, "Span"), also after today (2025-06-30).
    ("during:2025-06-30 country:RU", ["ru-2016-linkedin-block", "ru-2022-meta-designation"]),
    ("during:2025-07 country:RU", ["ru-2016-linkedin-block", "ru-2022-meta-designation"]),
    ("during:2025-08", [
        "ru-2016-linkedin-block", "cn-2017-whatsapp-block", "in-2020-tiktok-block",
        "ru-2022-meta-designation", "gb-2023-online-safety-act", "ru-2025-calls-restrict",
    ]),
    # --- asof: measures in force on the day (or at some time in the period)
    ("asof:2021-06-01", [
        "ru-2016-linkedin-block", "cn-2017-whatsapp-block", "in-2020-tiktok-block",
    ]),
    ("asof:2021-06-01 -status:unknown", ["ru-2016-linkedin-block", "in-2020-tiktok-block"]),
    ("asof:2021-05-17", [
        "ru-2016-linkedin-block", "cn-2017-whatsapp-block", "in-2020-tiktok-block",
        "ru-2021-twitter-throttle",
    ]),
    # The ruling of 2018-04-13 is no measure: asof: leaves it out, during: keeps it.
    ("asof:2018-04-13 country:RU", ["ru-2016-linkedin-block"]),
    ("during:2018-04-13 country:RU", ["ru-2016-linkedin-block", "ru-2018-telegram-ruling"]),
    # Ended on an unknown day: no day of it can be claimed, so never in force ...
    ("asof:2019-06-01 country:IR", []),
    # ... though it overlaps its own date's period.
    ("during:2019-06-01 country:IR", ["ir-2019-instagram-throttle"]),
    # Ongoing and unknown measures stay in force on later days, as far as the timeline knows.
    ("asof:2030 country:RU,CN", [
        "ru-2016-linkedin-block", "cn-2017-whatsapp-block", "ru-2022-meta-designation",
        "ru-2025-calls-restrict",
    ]),
    # A partial asof: in force at some time in that month or year.
    ("asof:2022-03-15 country:RU", ["ru-2016-linkedin-block", "ru-2022-meta-designation"]),
    ("asof:2016-05-03", ["br-2016-whatsapp-block"]),
    ("asof:2020-06-18 platform:telegram", ["ru-2018-telegram-block"]),  # the lift is no measure
    ("asof:today", [
        "ru-2016-linkedin-block", "cn-2017-whatsapp-block", "in-2020-tiktok-block",
        "ru-2022-meta-designation", "gb-2023-online-safety-act",
    ]),
    ("-asof:today country:RU action:block", ["ru-2018-telegram-block"]),
    # --- nothing, and everything
    ("", [
        "br-2015-whatsapp-block", "br-2016-whatsapp-block", "ru-2016-linkedin-block",
        "cn-2017-whatsapp-block", "ru-2018-telegram-ruling", "ru-2018-telegram-block",
        "ir-2019-instagram-throttle", "ru-2020-telegram-lift", "in-2020-tiktok-block",
        "ru-2021-twitter-throttle", "ru-2022-meta-designation", "eu-2022-chat-control-proposal",
        "us-2023-x-fine", "gb-2023-online-safety-act", "ru-2025-calls-restrict",
    ]),
    ("platform:signal", []),
    ("country:RU country:BR", []),
]  # fmt: skip


@pytest.mark.parametrize(("text", "expected"), CASES, ids=[c[0] or "(empty)" for c in CASES])
def test_semantics(index: Index, text: str, expected: list[str]) -> None:
    assert ids(index, text) == expected


def test_results_are_ascending_indices_in_date_order(index: Index) -> None:
    rows = index.filter(parse("tag:encryption"))
    assert rows == sorted(rows)
    assert index.bits(parse("tag:encryption")).bit_count() == len(rows)


def test_today_is_the_index_s(timeline: Timeline) -> None:
    later = Index(timeline.events, today=date(2030, 1, 1))
    assert "ru-2025-calls-restrict" in ids(later, "asof:today")
    assert "ru-2025-calls-restrict" in ids(later, "during:2029")
    assert Index(timeline.events).today == date.today()


def test_asof_is_the_as_of_board_s_in_force_rule(timeline: Timeline) -> None:
    index = Index(timeline.events, today=TODAY)
    rng = random.Random(7)
    days = [date(2015, 12, 16), date(2016, 5, 31), date(2019, 7, 1), TODAY, date(2031, 1, 1)]
    days += [date.fromordinal(rng.randint(735000, 740000)) for _ in range(200)]
    for day in days:
        want = [e.id for e in timeline.events if span(e).in_force(day)]
        assert ids(index, f"asof:{day.isoformat()}") == want, day


def test_during_spans_are_the_timeline_view_s(timeline: Timeline) -> None:
    from tui.core.time import spans

    for event in timeline.events:
        drawn = spans.span(event, TODAY)
        rule = span(event)
        assert rule.first == drawn.start, event.id
        if rule.last is None:  # open: drawn to today, or to the end of its own date's period
            assert drawn.end == max(TODAY, event.date.end), event.id
        else:
            assert rule.last == drawn.end, event.id


def test_event_span(timeline: Timeline) -> None:
    by_id = {e.id: e for e in timeline.events}
    whatsapp = span(by_id["br-2016-whatsapp-block"])
    assert whatsapp[:3] == (Kind.CLOSED, date(2016, 5, 2), date(2016, 5, 31))
    assert span(by_id["ru-2016-linkedin-block"])[:3] == (Kind.OPEN, date(2016, 11, 17), None)
    # A throttle that ended on a day nobody recorded covers its date's own period only.
    assert span(by_id["ir-2019-instagram-throttle"])[:3] == (
        Kind.POINT,
        date(2019, 1, 1),
        date(2019, 12, 31),
    )
    assert span(by_id["ru-2025-calls-restrict"])[:3] == (Kind.OPEN, date(2025, 8, 1), None)


def test_events_out_of_date_order_still_filter_correctly(timeline: Timeline) -> None:
    shuffled = list(timeline.events)
    random.Random(4).shuffle(shuffled)
    ordered = Index(timeline.events, today=TODAY)
    mixed = Index(shuffled, today=TODAY)
    for text, _ in CASES:
        want = sorted(ids(ordered, text))
        assert sorted(ids(mixed, text)) == want, text


# --- facet counts -----------------------------------------------------------------------------


def test_facet_counts_ignore_the_facet_s_own_terms(index: Index) -> None:
    query = parse("country:RU platform:telegram")
    assert index.facet_counts(query, "platform") == [
        ("Telegram", 4),
        ("Facebook", 1),
        ("Instagram", 1),
        ("LinkedIn", 1),
        ("Twitter", 1),
        ("WhatsApp", 1),
    ]
    # Country counts see the platform filter but not the country filter.
    assert index.facet_counts(query, "country") == [("RU", 4)]
    assert index.facet_counts(query, "action") == [
        ("block", 1),
        ("lift", 1),
        ("restrict", 1),
        ("ruling", 1),
    ]
    assert index.facet_counts(query, "status") == [("ended", 3), ("ongoing", 1)]


def test_facet_counts_list_selected_values_even_at_zero(index: Index) -> None:
    rows = index.facet_counts(parse("platform:signal,Telegram country:BR"), "platform")
    assert rows == [("WhatsApp", 2), ("signal", 0), ("Telegram", 0)]


def test_facet_counts_use_the_first_spelling_and_keep_negations(index: Index) -> None:
    rows = dict(index.facet_counts(parse("-platform:whatsapp"), "platform"))
    assert "WhatsApp" not in rows  # negated terms stay: they are exclusions, not ticks
    assert rows["Telegram"] == 3
    assert dict(index.facet_counts(parse(""), "tag"))["encryption"] == 4


def test_facet_counts_agree_with_filter(index: Index) -> None:
    for text in ("", "country:RU", "tag:encryption -status:ended", "during:2020 block"):
        query = parse(text)
        for facet in ("country", "platform", "action", "tag", "status"):
            for value, count in index.facet_counts(query, facet):
                narrowed = parse(with_facet(text, facet, [value]))
                assert count == len(index.filter(narrowed)), (text, facet, value)


def test_values_and_hints(index: Index) -> None:
    def values(facet: str) -> list[str]:  # every value, in its first spelling
        return sorted((v for v, _ in index.facet_counts(parse(""), facet)), key=str.casefold)

    assert values("country") == ["BR", "CN", "EU", "GB", "IN", "IR", "RU", "US"]
    assert "Messaging services" in values("platform")
    notes = index.hints(parse("platform:telegarm tag:encrypton id:ru-2018-telegram-blok"))
    assert notes == [
        "no event has platform 'telegarm'; did you mean 'Telegram'?",
        "no event has tag 'encrypton'; did you mean 'encryption'?",
        "no event has the id 'ru-2018-telegram-blok'; did you mean 'ru-2018-telegram-block'?",
    ]
    assert index.hints(parse("platform:telegram country:RU")) == []


# --- the machinery ----------------------------------------------------------------------------


@given(st.sets(st.integers(0, 999)), st.integers(1000, 1100))
@settings(max_examples=100, deadline=None)
def test_bitset_conversions_round_trip(members: set[int], n: int) -> None:
    bits = indices_to_bits(members, n)
    assert bits == sum(1 << i for i in members)
    assert bits_to_indices(bits, n) == sorted(members)
    mask = bits_to_mask(bits, n)
    assert len(mask) == n and mask_to_bits(mask) == bits
    assert indices_to_bits(range(3, 17), n) == indices_to_bits(list(range(3, 17)), n)


WORDS = ["alpha", "beta", "gamma", "delta", "block", "blocked", "court", "ruling", "x", "zz"]


@given(
    st.lists(
        st.lists(st.sampled_from(WORDS), min_size=1, max_size=8).map(" ".join),
        min_size=1,
        max_size=60,
    ),
    st.lists(st.sampled_from(["a", "bl", "block", "ed c", "ta", "zz", "q", "ock", "a b"])),
    st.integers(1, 8),
)
@settings(max_examples=150, deadline=None)
def test_text_index_agrees_with_a_plain_scan(
    hays: list[str], needles: list[str], chunk: int
) -> None:
    indexed = text_index(hays, chunk_size=chunk)
    plain = ScanText(hays)
    everything = (1 << len(hays)) - 1
    for needle in needles:
        want = indices_to_bits([i for i, h in enumerate(hays) if needle in h], len(hays))
        assert indexed.search(needle) == want
        assert plain.search(needle) == want
        # Narrowed answers are exact inside the narrowing set.
        within = indices_to_bits(range(0, len(hays), 2), len(hays))
        assert indexed.search(needle + "x", within) & within == (
            indices_to_bits([i for i, h in enumerate(hays) if needle + "x" in h], len(hays))
            & within
        )
    assert indexed.search("") == everything


def test_haystack_keeps_fields_apart(timeline: Timeline) -> None:
    hay = haystack(timeline.events[0])
    assert "\x1f" in hay and hay == hay.casefold()
    # The title ends and the summary begins: no phrase spans the two.
    index = Index(timeline.events, today=TODAY)
    assert ids(index, '"48 hours a criminal"') == []


def test_concurrent_callers_get_the_same_answers(timeline: Timeline) -> None:
    from concurrent.futures import ThreadPoolExecutor

    index = Index(timeline.events, today=TODAY)
    index._CACHE_SIZE = 2  # evict constantly, to race the cache
    texts = [text for text, _ in CASES] * 4
    expected = {text: want for text, want in CASES}
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(lambda t: (t, ids(index, t)), texts))
    for text, got in results:
        assert got == expected[text], text
