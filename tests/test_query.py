"""The query language's parser and text helpers (tui.core.query: language, edit, printing)."""

from __future__ import annotations

import contextlib
import shlex

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tui.core.query.edit import (
    range_values,
    selected,
    split_unfinished,
    with_facet,
    with_field,
    with_range,
    without_fields,
)
from tui.core.query.language import (
    EXAMPLES,
    FACETS,
    FIELDS,
    SYNTAX,
    TIME_FIELDS,
    Query,
    QueryError,
    parse,
)
from tui.core.query.printing import command_line, describe
from tui.core.timeline.dates import PartialDate


def terms(text: str) -> list[tuple[str | None, tuple[str, ...], bool]]:
    return [(t.field, t.values, t.negated) for t in parse(text).terms]


# --- what parses ------------------------------------------------------------------------------


def test_fields_and_facets_are_the_contract() -> None:
    assert FIELDS == (
        "country", "platform", "action", "tag", "authority", "status", "id",
        "after", "before", "during", "asof",
    )  # fmt: skip
    assert FACETS == ("country", "platform", "action", "tag", "status")


def test_the_help_syntax_table_is_queries_the_parser_takes_and_names_every_field() -> None:
    terms = []
    for row in SYNTAX:
        assert row.examples and row.meaning
        for example in row.examples:
            parsed = parse(example).terms  # raises QueryError if the table drifted
            assert len(parsed) == 1, example  # one example, one term: the help spaces them
            terms.append(parsed[0])
    assert {t.field for t in terms if not t.is_text} == set(FIELDS)
    assert any(t.is_text for t in terms) and any(t.negated for t in terms)


def test_every_field_has_an_example_of_itself() -> None:
    assert list(EXAMPLES) == list(FIELDS)
    for field, example in EXAMPLES.items():
        assert [t.field for t in parse(example).terms] == [field]


@pytest.mark.parametrize("text", ["", "   ", "\t\n"])
def test_empty_query(text: str) -> None:
    query = parse(text)
    assert query.is_empty and query.terms == () and query.text == text


def test_a_full_query() -> None:
    text = 'country:RU platform:telegram,WhatsApp -action:lift "fsb  keys" block asof:2021-06-01'
    assert terms(text) == [
        ("country", ("RU",), False),
        ("platform", ("telegram", "WhatsApp"), False),
        ("action", ("lift",), True),
        (None, ("fsb keys",), False),
        (None, ("block",), False),
        ("asof", ("2021-06-01",), False),
    ]


def test_positions_cover_each_term_including_its_minus() -> None:
    text = "  -platform:linkedin  word"
    first, second = parse(text).terms
    assert text[first.start : first.end] == "-platform:linkedin"
    assert text[second.start : second.end] == "word"


def test_quoted_values_and_escapes() -> None:
    assert terms('authority:"Tagansky District Court"') == [
        ("authority", ("Tagansky District Court",), False)
    ]
    assert terms(r'tag:"a \"b\" c",plain') == [("tag", ('a "b" c', "plain"), False)]
    assert terms(r'"back\\slash"') == [(None, ("back\\slash",), False)]
    assert terms(r'"keep \n as is"') == [(None, ("keep \\n as is",), False)]


def test_field_names_are_case_insensitive_values_kept_as_written() -> None:
    assert terms("Country:ru PLATFORM:TeleGram") == [
        ("country", ("ru",), False),
        ("platform", ("TeleGram",), False),
    ]


def test_negated_free_text_and_phrases() -> None:
    assert terms('-linkedin -"data localisation"') == [
        (None, ("linkedin",), True),
        (None, ("data localisation",), True),
    ]


def test_text_that_only_looks_like_a_field() -> None:
    # A URL is text (its "field" would be https); so is anything not starting with a letter.
    assert terms("https://tass.com/x 10:30 платформа:x") == [
        (None, ("https://tass.com/x",), False),
        (None, ("10:30",), False),
        (None, ("платформа:x",), False),
    ]
    assert terms('"platform:telegram"') == [(None, ("platform:telegram",), False)]


def test_time_values() -> None:
    query = parse("after:2018 before:2022-03 during:2020-02-29 asof:today asof:TODAY")
    dates = [t.dates for t in query.terms]
    assert dates == [
        (PartialDate(2018),),
        (PartialDate(2022, 3),),
        (PartialDate(2020, 2, 29),),
        (None,),
        (None,),
    ]
    assert parse("during:2018,2020").terms[0].dates == (PartialDate(2018), PartialDate(2020))


def test_a_hyphen_inside_a_word_is_not_negation() -> None:
    assert terms("e-mail id:ru-2018-telegram-block") == [
        (None, ("e-mail",), False),
        ("id", ("ru-2018-telegram-block",), False),
    ]


def test_keys_ignore_spelling_and_position() -> None:
    a, b = parse("platform:Telegram  x").terms[0], parse("y platform:telegram").terms[1]
    assert a.key == b.key
    assert parse("country:ru").terms[0].key == ("country", ("RU",))
    assert parse('"A  b"').terms[0].key == (None, ("a b",))


# --- what does not parse ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "message", "position", "term", "hint"),
    [
        (
            "platfrom:telegram",
            "unknown field 'platfrom'",
            0,
            "platfrom",
            "did you mean 'platform'?",
        ),
        ("x -tags:a", "unknown field 'tags'", 3, "tags", "did you mean 'tag'?"),
        ("after:2018-13", "'2018-13' is not a date", 6, "2018-13", None),
        ("after:2018-02-30", "'2018-02-30' is not a date", 6, "2018-02-30", None),
        ("before:April", "'April' is not a date", 7, "April", None),
        ("status:ongoign", "'ongoign' is not a status", 7, "ongoign", None),
        ("action:throttling", "'throttling' is not an action", 7, "throttling", None),
        ("country:russia", "'russia' is not a country code", 8, "russia", None),
        ("country:XX", "'XX' is not a country code", 8, "XX", None),
        ('a "unterminated', "unterminated quote", 2, '"unterminated', 'close it with "'),
        ('tag:"open', "unterminated quote", 4, '"open', None),
        ("country:", "empty value for country:", 0, "country:", "e.g. country:RU"),
        ('tag:""', "empty value for tag:", 0, 'tag:""', None),
        ('""', "empty phrase", 0, '""', None),
        ("platform:a,", "empty value after ','", 10, ",", None),
        ("platform:a,,b", "empty value after ','", 10, ",", None),
        ("-", "'-' must be followed by a term", 0, "-", None),
        ("a - b", "'-' must be followed by a term", 2, "-", None),
        ('ab"c', "unexpected '\"' inside a word", 2, '"', None),
        ('tag:a"b', "unexpected '\"' inside a value", 5, '"', None),
        ('"phrase"x', "expected a space after the quote", 8, "x", None),
    ],
)
def test_errors_name_the_term_its_position_and_a_hint(
    text: str, message: str, position: int, term: str, hint: str | None
) -> None:
    with pytest.raises(QueryError) as caught:
        parse(text)
    error = caught.value
    assert error.message.startswith(message), error.message
    assert error.position == position
    assert error.term == term
    if hint is not None:
        assert error.hint is not None and error.hint.startswith(hint), error.hint
    assert isinstance(error, ValueError)


def test_error_text_is_one_line_with_hint_and_column() -> None:
    with pytest.raises(QueryError) as caught:
        parse("platfrom:telegram")
    assert str(caught.value) == (
        "unknown field 'platfrom' — did you mean 'platform'? (at column 1)"
    )


@pytest.mark.parametrize(
    ("text", "hint"),
    [
        ("status:ongoign", "did you mean 'ongoing'?"),
        ("action:throttling", "did you mean 'throttle'?"),
        ("country:russia", "did you mean 'RU'"),
        ("country:RUS", "did you mean 'RU'"),
        ("country:brazil", "did you mean 'BR' (Brazil)?"),
        ("country:XX", "use a two-letter ISO 3166-1 code"),
        ("country:europe", "did you mean 'EU' (European Union)?"),
        ("nonsense:1", "fields are country, platform"),
    ],
)
def test_hints(text: str, hint: str) -> None:
    with pytest.raises(QueryError) as caught:
        parse(text)
    assert caught.value.hint is not None and hint in caught.value.hint


def test_pointer_puts_carets_under_the_term_even_after_escapes_and_wide_text() -> None:
    text = "中文 \x1b platfrom:x"
    with pytest.raises(QueryError) as caught:
        parse(text)
    shown, carets = caught.value.pointer(text, indent="").split("\n")
    assert "\x1b" not in shown and "\\x1b" in shown
    # "中文" takes four columns, "\x1b" is shown as four characters.
    assert carets == " " * len("中文 \\x1b ") + " " * 2 + "^" * len("platfrom")


# Pieces that exercise every branch of the lexer, joined at random.
PIECES = [*'abcZ:-,"\\ \t\n2019', "country:", "after:", "today", "-tag:", '"x y"', "RU", "ü", "中"]


@settings(max_examples=600, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=12).map("".join))
def test_any_string_parses_or_raises_query_error(text: str) -> None:
    try:
        query = parse(text)
    except QueryError as exc:
        assert 0 <= exc.position <= len(text)
        assert str(exc)
        return
    for term in query.terms:
        assert 0 <= term.start < term.end <= len(text)
        assert term.values and all(v.strip() for v in term.values)


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_any_unicode_parses_or_raises_query_error(text: str) -> None:
    with contextlib.suppress(QueryError):
        parse(text)


# --- facets <-> text --------------------------------------------------------------------------


def test_selected_returns_positive_values_as_written() -> None:
    query = parse("platform:telegram,WhatsApp -platform:linkedin platform:Telegram country:ru")
    assert selected(query, "platform") == {"telegram", "WhatsApp"}
    assert selected(query, "country") == {"ru"}
    assert selected(query, "tag") == set()
    with pytest.raises(ValueError):
        selected(query, "authority")


@pytest.mark.parametrize(
    ("text", "facet", "values", "expected"),
    [
        ("", "platform", ["Telegram"], "platform:Telegram"),
        ("block", "country", ["RU"], "block country:RU"),
        ("block  ", "country", ["RU"], "block country:RU"),
        (
            "platform:telegram block",
            "platform",
            ["telegram", "WhatsApp"],
            "platform:telegram,WhatsApp block",
        ),
        ("platform:telegram block", "platform", ["WhatsApp"], "platform:WhatsApp block"),
        ("x platform:telegram block", "platform", [], "x block"),
        ("block platform:telegram", "platform", [], "block"),
        ("platform:a x platform:b y", "platform", ["b", "c"], "platform:b,c x y"),
        (
            "-platform:linkedin,x block",
            "platform",
            ["LinkedIn"],
            "-platform:x block platform:LinkedIn",
        ),
        ("-platform:linkedin block", "platform", ["LinkedIn"], "block platform:LinkedIn"),
        (
            '"a phrase" tag:x',
            "tag",
            ["fsb keys", 'say "hi"'],
            '"a phrase" tag:"fsb keys","say \\"hi\\""',
        ),
        ("country:RU", "country", {"RU", "BR"}, "country:RU,BR"),
        ("", "country", {"RU", "BR", "IN"}, "country:BR,IN,RU"),
    ],
)
def test_with_facet(text: str, facet: str, values: list[str], expected: str) -> None:
    assert with_facet(text, facet, values) == expected


@given(
    st.lists(st.sampled_from(["Telegram", "whatsapp", "Messaging services", 'a"b', "x,y", "-z"])),
    st.sampled_from(["", "block", 'platform:x "a b" -platform:Telegram', "after:2018 platform:q"]),
)
@settings(max_examples=200, deadline=None)
def test_with_facet_round_trips(values: list[str], text: str) -> None:
    rewritten = with_facet(text, "platform", values)
    got = selected(parse(rewritten), "platform")
    assert {v.casefold() for v in got} == {v.casefold() for v in values}
    # Other terms survive untouched.
    others = [t for t in parse(text).terms if t.field != "platform"]
    kept = [t for t in parse(rewritten).terms if t.field != "platform"]
    assert [(t.field, t.values, t.negated) for t in others] == [
        (t.field, t.values, t.negated) for t in kept
    ]


def test_with_facet_rejects_what_is_not_a_facet_and_invalid_text() -> None:
    with pytest.raises(ValueError):
        with_facet("", "authority", ["x"])
    with pytest.raises(QueryError):
        with_facet('"open', "platform", ["x"])


@pytest.mark.parametrize(
    ("text", "after", "before", "expected"),
    [
        ("", "2018", None, "after:2018"),
        ("block", "2018", "2022-03", "block after:2018 before:2022-03"),
        ("after:2016 block before:2020", "2018", "2022-03", "after:2018 block before:2022-03"),
        ("after:2016 block before:2020", None, None, "block"),
        ("after:2016 block", None, "today", "block before:today"),
        ("-after:2016 block", "2019", None, "-after:2016 block after:2019"),
    ],
)
def test_with_range(text: str, after: str | None, before: str | None, expected: str) -> None:
    result = with_range(text, after, before)
    assert result == expected
    parse(result)


def test_with_range_keeps_the_fields_it_is_told_to() -> None:
    text = "telegram after:2018 after:2020"
    assert with_range(text, "2018", "2023", keep={"after"}) == f"{text} before:2023"
    assert with_range(text, "1999", None, keep={"before"}) == "telegram after:1999"


def test_with_range_rejects_bad_dates() -> None:
    with pytest.raises(QueryError):
        with_range("", "2018-13", None)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", (None, None)),
        ("telegram", (None, None)),
        ("after:2018", ("2018", None)),
        ("before:2022-03 after:today", ("today", "2022-03")),
        ("-after:2018 before:2020", (None, "2020")),  # a negated term is not the range
        ("after:2018 after:2019", ("2018", None)),  # the first one, as the boxes show one
    ],
)
def test_range_values_are_what_the_date_boxes_show(
    text: str, expected: tuple[str | None, str | None]
) -> None:
    assert range_values(parse(text)) == expected
    after, before = expected
    assert range_values(parse(with_range(text, after, before))) == expected


@pytest.mark.parametrize(
    ("text", "field", "value", "expected"),
    [
        ("", "asof", "2022-03-01", "asof:2022-03-01"),
        (
            "telegram asof:2020 country:RU",
            "asof",
            "2022-03-01",
            "telegram asof:2022-03-01 country:RU",
        ),
        ("telegram asof:2020", "asof", None, "telegram"),
        ("-asof:2020 block", "asof", "2020", "block asof:2020"),
        ("block", "authority", 'say "court"', 'block authority:"say \\"court\\""'),
        ("block", "asof", "16 April 2018", 'block asof:"16 April 2018"'),
    ],
)
def test_with_field(text: str, field: str, value: str | None, expected: str) -> None:
    result = with_field(text, field, value)
    assert result == expected
    values = [t.values for t in parse(result).terms if t.field == field and not t.negated]
    assert values == ([(value,)] if value is not None else [])


@pytest.mark.parametrize(
    ("field", "value"), [("asof", "2018-13"), ("status", "over"), ("nofield", "x"), ("asof", "")]
)
def test_with_field_rejects_what_the_field_does_not_take(field: str, value: str) -> None:
    with pytest.raises(QueryError):
        with_field("block", field, value)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", ""),
        ("telegram", "telegram"),
        ("after:2018 telegram -during:2020 asof:today country:RU", "telegram country:RU"),
        ('"a phrase" before:2022-03', '"a phrase"'),
        ("asof:2020", ""),
    ],
)
def test_without_fields(text: str, expected: str) -> None:
    assert without_fields(text, TIME_FIELDS) == expected


# --- describe and command_line ----------------------------------------------------------------


def test_describe() -> None:
    query = parse('country:RU platform:telegram,whatsapp block -platform:x -"y z" after:2018')
    assert describe(query) == (
        "country: RU · platform: telegram, whatsapp · not platform: x · after: 2018"
        ' · text: "block" · not text: "y z"'
    )
    assert describe(parse("")) == "all events"
    assert "\x1b" not in describe(parse("tag:\x1b[31m"))


def test_command_line_reproduces_the_query() -> None:
    line = command_line("country:RU platform:telegram", "timeline.toml")
    assert line == "policy-tui list timeline.toml --query 'country:RU platform:telegram'"
    assert command_line("", None) == "policy-tui list"
    assert command_line("  ", None, view="ru-messaging") == "policy-tui list --view ru-messaging"
    # A leading '-' must not read as an option; paths with spaces are quoted.
    line = command_line("-platform:linkedin", "my files/t.toml")
    words = shlex.split(line)
    assert words == ["policy-tui", "list", "my files/t.toml", "--query=-platform:linkedin"]
    words = shlex.split(command_line('it\'s "x"', "-odd.toml", view="v"))
    assert words == ["policy-tui", "list", "./-odd.toml", "--view", "v", "--query", 'it\'s "x"']


def test_query_is_immutable_and_hashable() -> None:
    query = parse("country:RU x")
    assert hash(query) == hash(parse("country:RU x"))
    assert isinstance(query, Query)
    with pytest.raises(AttributeError):
        query.text = "y"  # type: ignore[misc]


@pytest.mark.parametrize(
    ("text", "kept", "kind"),
    [
        ("platform:", "", "value"),
        ("country:BR platform:", "country:BR ", "value"),
        ("country:BR -platform:  ", "country:BR ", "value"),
        ("platform:telegram,", "platform:telegram", "comma"),
        ('tag:"a b", ', 'tag:"a b"', "comma"),
        ("country:BR -", "country:BR ", "minus"),
        ("platfo", "", "field"),
        ("country:BR plat", "country:BR ", "field"),
        ("x -Tag", "x ", "field"),
        ("platform", "", "field"),
    ],
)
def test_split_unfinished_holds_back_a_last_term_being_typed(
    text: str, kept: str, kind: str
) -> None:
    rest, unfinished = split_unfinished(text)
    assert rest == kept
    assert unfinished is not None and unfinished.kind == kind
    assert text.startswith(rest) and unfinished.term.strip() in text[len(rest) :]
    assert bool(unfinished.hint) == (kind != "field")


@pytest.mark.parametrize(
    "text",
    ["", "telegram", "plat ", "platfrom:", "platfrom:telegram", '"plat', "platform:tel", "x-"],
)
def test_split_unfinished_leaves_complete_text_and_errors_alone(text: str) -> None:
    assert split_unfinished(text) == (text, None)


@pytest.mark.parametrize(
    ("typed", "iso"),
    [
        ("April 2022", "2022-04"),
        ("16 April 2022", "2022-04-16"),
        ("16 apr 2022", "2022-04-16"),
        (" 3 May 2016 ", "2016-05-03"),
        ("Dec. 2025", "2025-12"),
    ],
)
def test_a_date_is_read_as_the_app_writes_it(typed: str, iso: str) -> None:
    from tui.core.query.language import parse_date

    date = parse_date(typed)
    assert date is not None and date.iso() == iso
    assert parse(f'asof:"{typed}"').terms[0].dates == (date,)


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ("Sometime 2022", "is not a date — write 2018"),
        ("31 April 2022", "April 2022 has 30 days"),
        ("Sept 2022", "is not a date"),
    ],
)
def test_a_written_date_that_is_not_one_says_why(typed: str, says: str) -> None:
    from tui.core.query.language import parse_date

    with pytest.raises(ValueError, match=says):
        parse_date(typed)
