"""The query index's machinery against plain, obvious implementations.

``Index`` finds free text in texts it builds for all events at once (``evaluate._texts``,
``tui.core.query.textindex.prepare_texts``) plus the distinct values of repeated fields; the
reference is ``haystack(event)`` searched with ``in`` (tests/plain_search.py). Facets and time
columns are built without a Python step per event; the references are loops over the events.
"""

from __future__ import annotations

import gc
import sys
from collections import Counter
from datetime import date
from itertools import chain
from typing import Any

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from plain_search import ScanIndex, ScanText, haystack, text_index
from pydantic import ValidationError

from tui.core import tuning
from tui.core.query import textindex as ix
from tui.core.query.evaluate import Index, _Values
from tui.core.query.language import FACETS, normalize, parse
from tui.core.query.textindex import (
    FS,
    RS,
    TextIndex,
    WordIndex,
    indices_to_bits,
    letter_words,
    prepare_texts,
)
from tui.core.timeline.dates import PartialDate
from tui.core.timeline.event import Action, Event, Status
from tui.core.timeline.model import validate_event

TODAY = date(2025, 6, 30)


# The span rule (docs/format.md, "Span"), written again here as the reference the time columns
# are checked against: the last day of the span (date.max when open) and the last day in force
# (None for a point, never in force).
def span_end(event: Event) -> date:
    if event.end_date is not None:
        return event.end_date.end
    return date.max if event.status.value in ("ongoing", "unknown") else event.date.end


def in_force_until(event: Event) -> date | None:
    if event.end_date is None and event.status.value == "ended":
        return None
    return span_end(event)


# --- text normalisation ---------------------------------------------------------------------


def test_the_whitespace_list_is_what_str_split_splits_on() -> None:
    spaces = {c for c in map(chr, range(sys.maxunicode + 1)) if c.isspace()}
    assert set(ix._ASCII_SPACES + ix._OTHER_SPACES) == spaces - {" ", FS, RS}
    assert ix._ASCII_SPACES.isascii() and not any(c.isascii() for c in ix._OTHER_SPACES)


def test_casefolding_neither_makes_nor_unmakes_whitespace() -> None:
    # prepare_texts casefolds before it normalises whitespace; haystack() does it the other way
    # round. The two agree because of this.
    for char in map(chr, range(sys.maxunicode + 1)):
        folded = char.casefold()
        if folded == char:
            continue  # both checks hold for a character casefolding keeps (all but ~1,500)
        assert any(c.isspace() for c in folded) == char.isspace(), hex(ord(char))
        assert not char.isspace() or folded == char


WORDS = ["a", "b", "ab", "Ab", "ß", "SS", "ss", "İ", "i̇", "ﬁ", "fi", "Σ", "ς", "é", "e\u0301", "x"]
# Whitespace as fields may hold it: what the model lets through (in summaries also line
# breaks), and, for raw texts, every kind str.split() knows.
ONE_LINE_GAPS = [" ", "  ", "\t", "\xa0", "\u3000", " \u2009 "]
TEXT_GAPS = [*ONE_LINE_GAPS, "\n", " \n "]
ANY_GAPS = [*TEXT_GAPS, "\r\n", "\x0b", "\x85", "\x1c", "\u2028"]


# Strategies are built once, not on every draw: hypothesis validates each new strategy object,
# which cost more than drawing from it (same draws, same distribution).
_WORD_LISTS = st.lists(st.sampled_from(WORDS), min_size=1, max_size=6)
_ENDS = st.sampled_from(["", " ", "\t", "\xa0 "])
_GAPS = {tuple(gaps): st.sampled_from(gaps) for gaps in (ONE_LINE_GAPS, TEXT_GAPS, ANY_GAPS)}


@st.composite
def field(draw: st.DrawFn, gaps: list[str] = ANY_GAPS) -> str:
    words = draw(_WORD_LISTS)
    text = words[0]
    gap = _GAPS[tuple(gaps)]
    for word in words[1:]:
        text += draw(gap) + word
    return draw(_ENDS) + text + draw(_ENDS)


def reference(fields: list[str]) -> str:
    return FS.join(" ".join(f.split()).casefold() for f in fields)


def needles_from(texts: list[str]) -> st.SearchStrategy[str]:
    """Normalised needles: pieces of the reference texts, and some that match nothing."""
    pieces = [t[i:j] for t in texts for i in range(len(t)) for j in (i + 1, i + 2, i + 4, i + 7)]
    cleaned = [" ".join(p.split()) for p in pieces]
    return st.sampled_from([p for p in cleaned if p] + ["zz", "a b", "ss", "fi ab"])


@given(st.data(), st.lists(st.lists(field(), min_size=1, max_size=4), min_size=1, max_size=12))
@settings(max_examples=150, deadline=None)
def test_prepared_texts_match_what_the_reference_matches(
    data: st.DataObject, events: list[list[str]]
) -> None:
    raw = [FS.join(fields) for fields in events]
    prepared = prepare_texts(raw)
    assert len(prepared) == len(raw)
    references = [reference(fields) for fields in events]
    for needle in data.draw(st.lists(needles_from(references), max_size=12)):
        assert [needle in t for t in prepared] == [needle in t for t in references], needle


def test_a_stray_record_separator_shifts_no_other_text() -> None:
    texts = prepare_texts(["a\x1eb", "c  d", "E"])
    assert len(texts) == 3 and texts[1:] == ["c d", "e"]


# --- the text index -------------------------------------------------------------------------

TOKENS = ["alpha", "beta", "block", "blocked", "court", "x", "zz", "blo", "ck", "ab."]
MARK = FS + FS


@given(
    st.lists(
        st.tuples(
            st.lists(st.sampled_from(TOKENS), min_size=1, max_size=6).map(" ".join),
            st.sampled_from(["", MARK, MARK + "zz", MARK + "x" + MARK + "ck", " " + MARK + " a"]),
        ).map("".join),
        min_size=1,
        max_size=80,
    ),
    st.lists(
        st.tuples(
            st.sampled_from(
                ["b", "bl", "blo", "bloc", "block", "blocked", "lock", "ck c", "a", "zz", "x"]
            ),
            st.none() | st.integers(0, 2**80),
        ),
        max_size=20,
    ),
    st.integers(1, 9),
    st.sampled_from([None, 0, 3, 99]),
)
@settings(max_examples=200, deadline=None)
def test_text_index_agrees_with_a_scan_whatever_was_asked_before(
    hays: list[str],
    asks: list[tuple[str, int | None]],
    chunk: int,
    words_after: int | None,
) -> None:
    # Small chunks, needles that narrow each other (``lock`` inside ``block``), texts with and
    # without a tail, and the word index arriving part way through: whatever was asked before,
    # answers stay exact (inside ``within`` when one is given).
    n = len(hays)
    index = text_index(hays, chunk_size=chunk)
    index._SLICE = chunk
    plain = ScanText(hays)
    for number, (needle, within_seed) in enumerate(asks):
        if number == words_after:
            index.build_words()
            assert index._words is not None
        within = None if within_seed is None else within_seed & ((1 << n) - 1)
        want = indices_to_bits([i for i, h in enumerate(hays) if needle in h], n)
        assert plain.search(needle) == want
        got = index.search(needle, within)
        if within is None:
            assert got == want, needle
        else:
            assert got & within == want & within, needle


@given(st.lists(st.lists(st.sampled_from(TOKENS), max_size=8).map(" ".join), max_size=300))
@settings(max_examples=60, deadline=None)
def test_word_index_parts_hold_the_events_of_every_word_with_the_needle(
    heads: list[str],
) -> None:
    words = WordIndex(len(heads), heads)
    for needle in ["a", "b", "bl", "block", "ck", "zz", "ab.", "q", "lph"]:
        bits, rare = words.parts(needle)
        found = bits | indices_to_bits(chain.from_iterable(rare), len(heads))
        assert found == indices_to_bits([i for i, h in enumerate(heads) if needle in h], len(heads))


# Tails are URLs and ids: letters between digits and punctuation, ASCII or not.
TAIL_TEXT = st.text(alphabet="abzé-/.:9²ßÄ ", max_size=14)
LETTER_NEEDLE = st.text(alphabet="abzéßä", min_size=1, max_size=3).map(str.casefold)


@given(st.lists(TAIL_TEXT, min_size=1, max_size=30), st.lists(LETTER_NEEDLE, max_size=12))
@settings(max_examples=150, deadline=None)
def test_letter_runs_hold_every_letter_needle_a_text_holds(
    texts: list[str], needles: list[str]
) -> None:
    runs = letter_words(texts)
    assert len(runs) == len(texts)
    for text, words in zip(texts, runs, strict=True):
        for needle in needles:
            assert (needle in text) == any(needle in w for w in words.split()), (text, needle)


@given(
    st.lists(st.tuples(TAIL_TEXT, TAIL_TEXT), min_size=1, max_size=60),
    st.lists(LETTER_NEEDLE | st.sampled_from(["9", "a/", "b.z", "é a", "ss"]), max_size=12),
)
@settings(max_examples=150, deadline=None)
def test_text_index_with_tail_letter_runs_agrees_with_a_scan(
    fields: list[tuple[str, str]], needles: list[str]
) -> None:
    hays = [head + MARK + tail for head, tail in fields]
    index = text_index(hays, chunk_size=7)
    index.build_words()
    searchable = prepare_texts(hays)
    for needle in needles:
        needle = " ".join(needle.split())
        if not needle:
            continue
        want = indices_to_bits([i for i, t in enumerate(searchable) if needle in t], len(hays))
        assert index.search(needle) == want, needle


def test_text_index_builds_once_and_on_demand() -> None:
    calls: list[tuple[int, int]] = []

    def chunk(lo: int, hi: int) -> list[str]:
        calls.append((lo, hi))
        return [f"text {i}" for i in range(lo, hi)]

    index = TextIndex(10, chunk)
    index.CHUNK = 4
    assert index._heads is None and not calls
    assert index.search("text 9") == 1 << 9
    index.build()
    assert index._heads is not None and calls == [(0, 4), (4, 8), (8, 10)]
    assert index.search("") == (1 << 10) - 1


def test_gc_pauses_nest_and_restore_the_collector() -> None:
    assert gc.isenabled()
    with tuning.gc_paused():
        with tuning.gc_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()
    gc.disable()
    try:
        with tuning.gc_paused():
            pass
        assert not gc.isenabled()  # it was off before: it stays off
    finally:
        gc.enable()


# --- events ---------------------------------------------------------------------------------

URLS = ["a", "B", "ab", "Ab/x"]
COUNTRIES = ["RU", "BR", "TR", "DE", "EU", "CI", "AX"]
PLATFORMS = ["Telegram", "WhatsApp", "X", "VPN services", "Apple  App\tStore"]
TAGS = ["encryption", "fsb-keys", "ß-test", "Straße", "vpn"]
DATES = ["2018", "2018-04", "2018-04-16", "2019-12-31", "2020-02", "2021"]


_DATE = st.sampled_from(DATES)
_ID_WORD = st.sampled_from(["block", "ab", "x"])
_TITLE = field(ONE_LINE_GAPS)
_COUNTRY = st.sampled_from(COUNTRIES)
_ACTION = st.sampled_from([a.value for a in Action])
_SUMMARY = field(TEXT_GAPS)
_TAGS = st.lists(st.sampled_from(TAGS), unique_by=str.casefold, max_size=3)
_PLATFORMS = st.lists(st.sampled_from(PLATFORMS), unique_by=str.casefold, max_size=3)
_AUTHORITY = st.lists(
    st.sampled_from(["Tagansky  Court", "Roskomnadzor", "Court"]),
    unique_by=str.casefold,
    max_size=2,
)
_SOURCE_COUNT = st.integers(1, 2)
_PUBLISHER = st.sampled_from(["Reuters", "Top10VPN", "Straße Daily"])
_HOST = st.integers(0, 3)
_URL = st.sampled_from(URLS)
_END_DATE = st.sampled_from(["2022", "2022-06", "2023-01-15"])
_STATUS = st.sampled_from([s.value for s in Status])


@st.composite
def events(draw: st.DrawFn, size: int = 12) -> list[Event]:
    out: list[Event] = []
    for number in range(draw(st.integers(1, size))):
        start = draw(_DATE)
        data: dict[str, Any] = {
            "id": f"e-{number}-{draw(_ID_WORD)}",
            "date": start,
            "title": draw(_TITLE),
            "country": draw(_COUNTRY),
            "action": draw(_ACTION),
            "summary": draw(_SUMMARY),
            "tags": draw(_TAGS),
            "platforms": draw(_PLATFORMS),
            "authority": draw(_AUTHORITY),
            "sources": [
                {
                    "publisher": draw(_PUBLISHER),
                    "url": f"https://Ex{draw(_HOST)}.org/{draw(_URL)}",
                    **({"title": draw(_TITLE)} if draw(st.booleans()) else {}),
                }
                for _ in range(draw(_SOURCE_COUNT))
            ],
        }
        if draw(st.booleans()):
            data["end_date"] = draw(_END_DATE)
        elif draw(st.booleans()):
            data["status"] = draw(_STATUS)
        try:
            out.append(validate_event(data))
        except ValidationError:
            assume(False)
    return out


@pytest.mark.parametrize("separator", [FS, RS])
@pytest.mark.parametrize(
    "field",
    ["id", "title", "summary", "tags", "platforms", "authority", "publisher", "url", "source"],
)
def test_the_model_keeps_the_separators_out_of_every_searched_field(
    field: str, separator: str
) -> None:
    # prepare_texts relies on it: an FS or RS inside a field would split it in two.
    data: dict[str, Any] = {
        "id": "e-1",
        "date": "2020",
        "title": "T",
        "country": "RU",
        "action": "block",
        "summary": "S",
        "sources": [{"publisher": "P", "url": "https://example.org/x", "title": "S"}],
    }
    bad = f"a{separator}b"
    if field in ("tags", "platforms", "authority"):
        data[field] = [bad]
    elif field in ("publisher", "url"):
        data["sources"][0][field] = bad if field == "publisher" else f"https://example.org/{bad}"
    elif field == "source":
        data["sources"][0]["title"] = bad
    else:
        data[field] = bad
    with pytest.raises(ValidationError):
        validate_event(data)


def phrase(needle: str) -> str:
    return '"' + needle.replace("\\", "\\\\").replace('"', '\\"') + '"'


@given(st.data(), events())
@settings(max_examples=120, deadline=None)
def test_free_text_finds_what_the_haystack_holds(
    data: st.DataObject, timeline: list[Event]
) -> None:
    fast = Index(timeline, today=TODAY)
    warmed = Index(timeline, today=TODAY)
    warmed.warm()  # with the word index
    plain = ScanIndex(timeline, today=TODAY)
    hays = [haystack(e) for e in timeline]
    needles = data.draw(st.lists(needles_from(hays), min_size=1, max_size=10))
    for needle in needles:
        want = [i for i, h in enumerate(hays) if normalize(None, needle) in h]
        for text in (phrase(needle), f"-{phrase(needle)}", f"country:RU,TR {phrase(needle)}"):
            query = parse(text)
            assert fast.filter(query) == plain.filter(query) == warmed.filter(query), text
        assert fast.filter(parse(phrase(needle))) == want, needle


@given(events(size=30))
@settings(max_examples=60, deadline=None)
def test_facets_match_a_count_over_the_events(timeline: list[Event]) -> None:
    index = Index(timeline, today=TODAY)
    attrs = {"country": "country", "platform": "platforms", "action": "action", "tag": "tags"}
    for facet in FACETS:
        first: dict[str, str] = {}
        counts: Counter[str] = Counter()
        for event in timeline:
            raw = getattr(event, attrs[facet]) if facet != "status" else event.status
            values = raw if isinstance(raw, (list, tuple)) else [raw]
            for value in values:
                value = getattr(value, "value", value)
                key = normalize(facet, value)
                first.setdefault(key, value)
                counts[key] += 1
        want = sorted(
            ((first[k], c) for k, c in counts.items()),
            key=lambda kv: (-kv[1], kv[0].casefold(), kv[0]),
        )
        assert index.facet_counts(parse(""), facet) == want, facet
        for key, value in first.items():
            hits = index.filter(parse(f'{facet}:"{value}"'))
            assert len(hits) == counts[key], (facet, value)


@given(events(size=30))
@settings(max_examples=60, deadline=None)
def test_time_columns_follow_the_span_rule(timeline: list[Event]) -> None:
    times = Index(timeline, today=TODAY)._times()
    assert list(times.starts) == [e.date.start.toordinal() for e in timeline]
    assert list(times.span_ends) == [span_end(e).toordinal() for e in timeline]
    force = [(d.toordinal() if (d := in_force_until(e)) else -1) for e in timeline]
    assert list(times.force_ends) == force
    assert times.sorted == (list(times.starts) == sorted(times.starts))


@given(events(size=30), st.sampled_from(["2018", "2018-04-16", "2019-12", "2022-06-01", "today"]))
@settings(max_examples=60, deadline=None)
def test_time_terms_in_any_event_order(timeline: list[Event], when: str) -> None:
    for events_in in (timeline, sorted(timeline, key=lambda e: e.sort_key)):
        index = Index(events_in, today=TODAY)
        period = PartialDate.parse(when) if when != "today" else None
        first = period.start if period else TODAY
        last = period.end if period else TODAY
        starts = [e.date.start for e in events_in]
        want = {
            "after": [i for i, s in enumerate(starts) if s >= first],
            "before": [i for i, s in enumerate(starts) if s < first],
            "during": [
                i for i, e in enumerate(events_in) if e.date.start <= last and span_end(e) >= first
            ],
            "asof": [
                i
                for i, e in enumerate(events_in)
                if e.date.start <= last and (in_force_until(e) or date.min) >= first
            ],
        }
        for field, indices in want.items():
            assert index.filter(parse(f"{field}:{when}")) == indices, (field, when)


def naive_values(
    column: list[Any], single: bool, field: str
) -> tuple[dict[str, list[int]], dict[str, str]]:
    """Each value's events (ascending, once each) and first spelling, the obvious way."""
    found: dict[str, list[int]] = {}
    first: dict[str, str] = {}
    for index, values in enumerate(column):
        for value in [values] if single else values:
            key = normalize(field, value)
            first.setdefault(key, value)
            items = found.setdefault(key, [])
            if not items or items[-1] != index:
                items.append(index)
    return found, first


@pytest.mark.parametrize("distinct", [3, 255, 256, 600])
def test_single_values_agree_with_a_loop(distinct: int) -> None:
    # Few and many distinct values; floor 32 makes both dense and rare values; "V1" and "v1"
    # are one value, first spelt as in the column.
    column = [f"V{(i * 7919) % distinct}" if i % 3 else f"v{i % distinct}" for i in range(4000)]
    values = _Values(len(column), "tag", column, single=True)
    want, first = naive_values(column, True, "tag")
    assert values.display == first
    for key, items in want.items():
        assert values.union((key,)) == indices_to_bits(items, len(column)), key
    base = indices_to_bits(range(0, len(column), 3), len(column))
    counts = values.counts(base)
    assert counts == {k: sum(1 for i in v if i % 3 == 0) for k, v in want.items()}


def test_list_values_agree_with_a_loop_even_with_repeats() -> None:
    # Validated events never list a value twice; an unvalidated one counts once all the same.
    column = [["a", "B"], ["b", "A", "a"], [], ["c"] * 3] * 20
    values = _Values(len(column), "tag", column, single=False)
    want, first = naive_values(column, False, "tag")
    assert values.display == first == {"a": "a", "b": "B", "c": "c"}
    for key, items in want.items():
        assert values.union((key,)) == indices_to_bits(items, len(column))
    everyone = (1 << len(column)) - 1
    counts = values.counts(everyone)
    assert counts == {k: len(v) for k, v in want.items()}


# --- laziness -------------------------------------------------------------------------------


def some_events(count: int) -> list[Event]:
    base = {
        "title": "Roskomnadzor  blocks\tTelegram",
        "action": "block",
        "summary": "A court\norder.",
        "tags": ["encryption"],
        "platforms": ["Telegram"],
        "sources": [{"publisher": "TASS", "url": "https://tass.com/x", "title": "Blocked"}],
    }
    return [
        validate_event(
            {**base, "id": f"e-{i}", "date": f"20{10 + i % 10}", "country": COUNTRIES[i % 7]}
        )
        for i in range(count)
    ]


def test_the_index_builds_each_part_on_first_use_and_all_on_warm() -> None:
    timeline = sorted(some_events(50), key=lambda e: e.sort_key)
    index = Index(timeline, today=TODAY)
    assert index._parts == {} and index._text._heads is None
    assert len(index.filter(parse("country:RU"))) == len([e for e in timeline if e.country == "RU"])
    assert set(index._parts) == {"country"} and index._text._heads is None
    assert len(index.filter(parse('"court order" after:2015'))) == 25
    assert set(index._parts) == {"country", "time", "tag", "authority", "platform"}
    assert index._text._heads is not None
    assert index._text._words is None
    index.warm()
    assert index._text._words is not None
    assert set(index._parts) == {*FACETS, "authority", "id", "time"}
    assert index.filter(parse("id:e-1*")) == sorted(
        i for i, e in enumerate(timeline) if e.id.startswith("e-1")
    )


def test_an_empty_timeline() -> None:
    index = Index([], today=TODAY)
    index.warm()
    assert index.filter(parse("telegram country:RU during:2020")) == []
    assert index.facet_counts(parse(""), "tag") == []


def test_an_index_is_freed_without_the_cyclic_collector() -> None:
    """No reference cycle: an index alive when the app freezes its objects (gc.freeze) must
    still be freed once a reload replaces it."""
    import weakref
    from datetime import date
    from pathlib import Path

    from tui.core.files.load import load_timeline
    from tui.core.query import evaluate
    from tui.core.query import language as q

    fixture = Path(__file__).resolve().parent / "fixtures" / "app" / "timeline.toml"
    events = load_timeline(fixture).events
    gc.disable()
    try:
        index = evaluate.Index(events, today=date(2026, 6, 1))
        index.warm()
        index.filter(q.parse("telegram"))
        for facet in q.FACETS:
            index.facet_counts(q.parse(""), facet)
        gone = weakref.ref(index)
        del index
        assert gone() is None
    finally:
        gc.enable()
