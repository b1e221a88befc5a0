"""The rules' fast paths decide, return and word their errors exactly as the full checks do.

Each fast path (``tui.core.timeline.rules``, as the models' fields use them) lets the common
case through in a few C calls and hands everything else to the full check; these tests feed
both tricky input (control characters, bidi marks, non-ASCII white space, odd URL schemes, words
alike but for case, values of the wrong type) and compare what comes out: the value, or every
error's type, location and message.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import AfterValidator, TypeAdapter, ValidationError

from tui.core.timeline import model, rules
from tui.core.timeline.dates import PartialDate
from tui.core.timeline.event import Source
from tui.core.timeline.model import EventModel, SourceModel, to_event

# Characters that take a text off the fast paths, or that they must not let through.
TRICKY = [
    "a", "Z", " ", "\t", "\n", "\r", "\x00", "\x1b", "\x1c", "\x7f", "\x85", "\x9f", "\u00a0",
    "\u00e9", "\u00df", "\u2028", "\u2029", "\u200b", "\u200f", "\u202e", "\u2066", "\u3000",
    "\ufeff", "\U0001f600", "-", ".",
]  # fmt: skip


def outcome(check: Any, value: Any) -> Any:
    """What a check gives: its value, or its errors as pydantic reports them."""
    try:
        return ("ok", check(value))
    except ValidationError as exc:
        return ("errors", errors(exc))
    except ValueError as exc:
        return ("error", str(exc))


def errors(exc: ValidationError) -> list[dict[str, Any]]:
    """Every error in full; the exception a value error carries (equal only to itself) as text."""
    return [
        {**e, "ctx": {k: str(v) for k, v in e["ctx"].items()}} if "ctx" in e else e
        for e in exc.errors(include_url=False)
    ]


class Day(date):
    """A date subclass: not a TOML date, so not the fast path's."""


# -- summaries: _not_blank ----------------------------------------------------------------------


def reference_not_blank(text: str) -> str:
    """The check as it was before its fast path."""
    if not text.strip():
        raise ValueError("must not be empty")
    return rules.no_controls(text)


@settings(max_examples=3000, deadline=None)
@given(st.text(st.sampled_from(TRICKY), max_size=12))
def test_the_summary_check_decides_and_words_as_before(text: str) -> None:
    assert outcome(rules.not_blank, text) == outcome(reference_not_blank, text)


@pytest.mark.parametrize(
    "text",
    ["", " ", "\n", "\t\n ", "a", "a\nb", "a\tb", "a\rb", "a\x1bb", "a\x7f", "a\x85", "\u00a0",
     "a\u202eb", "line\n" * 50, "\x0c", "\x1c"],
)  # fmt: skip
def test_the_summary_check_on_known_shapes(text: str) -> None:
    assert outcome(rules.not_blank, text) == outcome(reference_not_blank, text)


# -- platforms, tags, authorities: Words --------------------------------------------------------

FULL_WORDS = TypeAdapter(Annotated[list[model.OneLine], AfterValidator(rules.unique_items)])
WORDS = TypeAdapter(model.Words)


class Text(str):
    """A str subclass: pydantic hands on a plain str."""


WORD = st.one_of(
    st.sampled_from(["WhatsApp", "whatsapp", "WHATSAPP", "Telegram", "Stra\u00dfe", "STRASSE"]),
    st.text(st.sampled_from(TRICKY), max_size=4),
)
ITEM = st.one_of(WORD, WORD.map(Text), st.sampled_from([1, None, True, 2.5, ["x"], {"a": 1}]))
VALUES = st.one_of(st.lists(WORD, max_size=4), st.lists(ITEM, max_size=4), ITEM)


@settings(max_examples=1500, deadline=None)
@given(VALUES)
def test_a_list_of_words_comes_out_as_the_full_check_gives_it(values: Any) -> None:
    expected = outcome(FULL_WORDS.validate_python, values)
    # Cold (the words not yet known) and warm (known from the first pass).
    for _ in range(2):
        got = outcome(WORDS.validate_python, values)
        assert got == expected
        assert got[0] != "ok" or all(type(word) is str for word in got[1])


def test_known_words_are_passed_again_interned() -> None:
    first = WORDS.validate_python(["Signal", "Tor"])
    again = WORDS.validate_python(["".join("Signal"), "".join(["T", "or"])])
    assert again == first and again[0] is first[0] and again[1] is first[1]


def test_a_known_word_twice_or_in_another_case_is_still_an_error() -> None:
    WORDS.validate_python(["Signal", "signal-x"])
    for values in (["Signal", "Signal"], ["Signal", "SIGNAL"]):
        assert outcome(WORDS.validate_python, values) == outcome(FULL_WORDS.validate_python, values)
        assert outcome(WORDS.validate_python, values)[0] == "errors"


# -- sources: Sources --------------------------------------------------------------------------

FULL_SOURCES = TypeAdapter(list[SourceModel])
SOURCES = TypeAdapter(model.Sources)


def _records(values: Any) -> tuple[Source, ...]:
    # The date as pydantic's full check gives it: a PartialDate, not its dumped text.
    return tuple(
        Source(s.publisher, s.url, s.title, s.date) for s in FULL_SOURCES.validate_python(values)
    )


def reference_sources(values: Any) -> tuple[Source, ...]:
    records = _records(values)
    if not records:  # the field's own rule: at least one source
        raise ValueError("at least one")
    return records


URL = st.one_of(
    st.sampled_from(
        ["https://example.org/a", "http://ex-ample.org", "HTTPS://EXAMPLE.ORG/x?y#z",
         "https://a..b/", "https://./", "https://-/", "https://.x", "https://", "https:///p",
         "https://ex.org:8080/", "https://ex.org:x/", "https://u@ex.org/", "https://[::1]/",
         "https://[::1/", "ftp://ex.org/", "javascript:alert(1)", "file:///etc/passwd",
         "https://ex.org/a b", "https://ex.org/\x7f", "https://ex\u00e4.org/", "https:/x.org"]
    ),
    st.lists(st.sampled_from(["https", "://", "ex", ".", "org", "/", ":", "@", "[", "\u00e9",
                              " ", "\t", "-"]), max_size=6).map("".join),
)  # fmt: skip
DAY = st.one_of(
    st.none(),
    st.just(date(2020, 1, 2)),
    st.just(datetime(2020, 1, 2, 3, 4)),
    st.sampled_from(["2020", "2020-02", "2020-02-30", "x", ""]),
    st.just(2020),
)
LINE = st.one_of(WORD, st.sampled_from(["Reuters", "Le Monde", "  ", ""]), st.just(7))
# Plain sources (the fast path's) with at most one value changed, added or taken away.
PLAIN_SOURCE = st.fixed_dictionaries(
    {
        "publisher": st.sampled_from(["Reuters", "Le Monde", "Access Now"]),
        "url": st.sampled_from(["https://example.org/a", "http://ex-ample.org", "https://a..b/"]),
    },
    optional={"title": st.sampled_from(["A title", None]), "date": st.just(date(2020, 1, 2))},
)
CHANGE = st.tuples(
    st.sampled_from(["publisher", "url", "title", "date", "extra"]),
    st.one_of(LINE, URL, DAY, LINE.map(Text)),
)


def _changed(source: dict[str, Any], change: tuple[str, Any], drop: bool) -> dict[str, Any]:
    key, value = change
    if drop:
        return {k: v for k, v in source.items() if k != key}
    return {**source, key: value}


SOURCE = st.one_of(
    PLAIN_SOURCE,
    st.builds(_changed, PLAIN_SOURCE, CHANGE, st.booleans()),
    st.fixed_dictionaries(
        {"publisher": LINE, "url": URL},
        optional={"title": st.one_of(st.none(), LINE), "date": DAY, "extra": st.just(1)},
    ),
    st.sampled_from([None, "x", 3, ["publisher"]]),
)


@settings(max_examples=2000, deadline=None)
@given(st.one_of(st.lists(SOURCE, max_size=3), SOURCE))
def test_sources_come_out_as_the_full_check_gives_them(values: Any) -> None:
    got, expected = outcome(SOURCES.validate_python, values), outcome(_records, values)
    if expected == ("ok", ()):
        return  # the field's min_length says no; test_an_event_with_tricky_sources covers it
    assert got == expected


@settings(max_examples=500, deadline=None)
@given(st.one_of(st.lists(SOURCE, max_size=2), SOURCE))
def test_an_event_with_tricky_sources_fails_or_loads_as_before(values: Any) -> None:
    data = {
        "id": "e",
        "date": date(2020, 1, 1),
        "title": "T",
        "country": "RU",
        "action": "block",
        "summary": "S",
        "sources": values,
    }
    got = outcome(lambda d: to_event(EventModel.model_validate(d)), data)
    try:
        records = reference_sources(values)
    except ValidationError as exc:
        expected = [{**e, "loc": ("sources", *e["loc"])} for e in errors(exc)]
        assert got == ("errors", expected)
    except ValueError:
        assert got[0] == "errors" and [e["type"] for e in got[1]] == ["too_short"]
    else:
        assert got[0] == "ok" and got[1].sources == records


@pytest.mark.parametrize(
    "values",
    [
        [{"publisher": "P", "url": "https://x.org", "extra": 1}],
        [{"publisher": "P", "url": "https://x.org", "title": "a\x1bb"}],
        [{"publisher": "P", "url": "https://x.org", "title": "a\u202eb"}],
        [{"publisher": "P\u00a0Q", "url": "https://x.org"}],
        [{"publisher": Text("P"), "url": "https://x.org"}],
        [{"publisher": "P", "url": "https://x.org", "date": datetime(2020, 1, 2)}],
        [{"publisher": "P", "url": "https://x.org", "date": Day(2020, 1, 2)}],
        [{"publisher": "P", "url": "https://x.org", "date": "2020-02"}],
        [{"publisher": "P", "url": "ftp://x.org"}],
        [{"publisher": "P", "url": "https://x.org:80/"}],
        [{"publisher": "P", "url": "https://x.org"}, {"url": "https://x.org"}],
        ({"publisher": "P", "url": "https://x.org"},),
        [SourceModel(publisher="P", url="https://x.org")],
        [],
        {},
    ],
)
def test_sources_of_known_shapes_come_out_as_the_full_check_gives_them(values: Any) -> None:
    assert outcome(SOURCES.validate_python, values) == outcome(_records, values)


def test_an_event_without_sources_is_still_refused_as_before() -> None:
    data = {"id": "e", "date": "2020", "title": "T", "country": "RU", "action": "block"}
    got = outcome(EventModel.model_validate, {**data, "summary": "S", "sources": []})
    assert got[0] == "errors" and [(e["type"], e["loc"]) for e in got[1]] == [
        ("too_short", ("sources",))
    ]


def test_a_source_record_is_interned_and_shares_its_day() -> None:
    first = SOURCES.validate_python(
        [{"publisher": "Reuters", "url": "https://a.org", "date": date(2021, 5, 1)}]
    )
    again = SOURCES.validate_python(
        [{"publisher": "".join("Reuters"), "url": "https://b.org", "date": date(2021, 5, 1)}]
    )
    assert again[0].publisher is first[0].publisher and again[0].date is first[0].date
    assert type(first[0]) is Source and first[0].date == PartialDate(2021, 5, 1)


def test_an_event_dumps_its_sources_as_source_models_do() -> None:
    source = {"publisher": "P", "url": "https://x.org", "title": "T", "date": "2020-02"}
    event = EventModel.model_validate(
        {"id": "e", "date": "2020", "title": "T", "country": "RU", "action": "block",
         "summary": "S", "sources": [source, {"publisher": "Q", "url": "https://y.org"}]}
    )  # fmt: skip
    for mode in ("python", "json"):
        assert event.model_dump(mode=mode)["sources"] == [
            SourceModel.model_validate(source).model_dump(mode=mode),
            SourceModel.model_validate({"publisher": "Q", "url": "https://y.org"}).model_dump(
                mode=mode
            ),
        ]
    assert event.model_dump(exclude_unset=True)["sources"][1] == {
        "publisher": "Q",
        "url": "https://y.org",
    }


# -- dates: _parse_date -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [date(2020, 1, 2), date(1, 1, 1), date(9999, 12, 31), datetime(2020, 1, 2), Day(2020, 1, 2),
     "2020-01-02", "2020", " 2020-02 ", "2019-02-29", "x", 2020, None, True, 1.5],
)  # fmt: skip
def test_a_date_is_read_as_partial_date_parse_reads_it(value: Any) -> None:
    assert outcome(rules.parse_date, value) == outcome(PartialDate.parse, value)
