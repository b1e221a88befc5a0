"""Every kind of bad input becomes one TimelineError with positioned problems, never a traceback.

One test per kind of bad input. Texts are built from a valid event so that each test shows the
single thing it breaks.
"""

from __future__ import annotations

import errno
import itertools
from datetime import date, datetime, time
from pathlib import Path

import pytest
from plain_time import overlaps

from tui.core.files import load as load_module
from tui.core.files.load import load_bytes, load_text, load_timeline
from tui.core.text.summary import one_line_summary
from tui.core.time.span import span
from tui.core.timeline.errors import Problem, TimelineError
from tui.core.timeline.event import EVENT_FIELDS, INFO_FIELDS, SOURCE_FIELDS, Event, Status
from tui.core.timeline.model import EventModel

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "core"

EVENT = """\
[[events]]
id = "x-1"
date = 2018-04-16
title = "T"
country = "RU"
action = "block"
summary = "s"
sources = [{ publisher = "p", url = "https://e.org" }]
"""
# 1-based lines of EVENT's keys, for position checks.
LINE = {"header": 1, "id": 2, "date": 3, "title": 4, "country": 5, "action": 6, "summary": 7}
LINE["sources"] = 8


def problems(text: str, name: str = "t.toml") -> list[Problem]:
    with pytest.raises(TimelineError) as caught:
        load_text(text, name)
    assert caught.value.problems, "a TimelineError always carries a problem"
    return caught.value.problems


def one(text: str) -> Problem:
    found = problems(text)
    assert len(found) == 1, [p.format() for p in found]
    return found[0]


def with_key(key: str, value: str, text: str = EVENT) -> str:
    """EVENT with ``key = value`` in place of that key, or added after the summary line."""
    lines = text.splitlines()
    for index, line in enumerate(lines):
        if line.startswith(f"{key} ="):
            lines[index] = f"{key} = {value}"
            break
    else:
        lines.insert(lines.index('summary = "s"') + 1, f"{key} = {value}")
    return "\n".join(lines) + "\n"


def test_the_base_event_is_valid() -> None:
    timeline = load_text(EVENT, "t.toml")
    assert [e.id for e in timeline.events] == ["x-1"]
    assert timeline.lines == {"x-1": 1} and timeline.path == "t.toml"


# -- reading the file -----------------------------------------------------------------------


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(TimelineError) as caught:
        load_timeline(tmp_path / "nope.toml")
    assert caught.value.unreadable
    assert caught.value.format() == f"{tmp_path / 'nope.toml'}: error: no such file"


def test_a_folder(tmp_path: Path) -> None:
    with pytest.raises(TimelineError, match="is a folder, not a timeline file") as caught:
        load_timeline(tmp_path)
    assert caught.value.unreadable


def test_a_path_through_a_file(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    with pytest.raises(TimelineError, match="no such file") as caught:
        load_timeline(tmp_path / "file" / "t.toml")
    assert caught.value.unreadable


def test_no_permission(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Tests run as root, which reads through chmod 000: make the read itself fail.
    target = tmp_path / "secret.toml"
    target.write_text(EVENT)

    def refuse(self: Path, *args: object, **kwargs: object) -> bytes:
        raise PermissionError(errno.EACCES, "Permission denied", str(self))

    # Every way in: whole (read_bytes) and a block at a time (open).
    monkeypatch.setattr(Path, "read_bytes", refuse)
    monkeypatch.setattr(Path, "open", refuse)
    with pytest.raises(TimelineError) as caught:
        load_timeline(target)
    assert caught.value.unreadable
    assert caught.value.format() == (
        f"{target}: error: permission denied: you may not read this file"
    )


def test_other_read_errors(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(self: Path) -> bytes:
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(Path, "read_bytes", broken)
    with pytest.raises(TimelineError, match="cannot read: Input/output error") as caught:
        load_timeline(tmp_path / "t.toml")
    assert caught.value.unreadable


def test_a_nul_in_the_file_name() -> None:
    with pytest.raises(TimelineError, match="NUL character") as caught:
        load_timeline("bad\x00name.toml")
    assert caught.value.unreadable
    assert "\x00" not in caught.value.format()


def test_not_utf8_says_where() -> None:
    with pytest.raises(TimelineError) as caught:
        load_timeline(FIXTURES / "latin1.toml")
    problem = caught.value.problems[0]
    assert not caught.value.unreadable  # readable, but wrong: exit 1, not 2
    assert (problem.line, problem.column) == (3, 30)
    assert (
        problem.message == "not UTF-8: the byte e9 cannot be read as text; save the file as UTF-8"
    )


@pytest.mark.parametrize("name", ["utf16-bom.toml", "utf16le-no-bom.toml", "utf16be-no-bom.toml"])
def test_utf16_is_recognised(name: str) -> None:
    with pytest.raises(TimelineError) as caught:
        load_timeline(FIXTURES / name)
    assert caught.value.format() == (
        f"{FIXTURES / name}:1:1: error: not UTF-8; looks like UTF-16: save it as UTF-8"
    )


def test_utf32_is_recognised() -> None:
    data = (FIXTURES / "valid.toml").read_text(encoding="utf-8").encode("utf-32")
    assert "looks like UTF-32" in problems_of_bytes(data)[0].message


def test_a_nul_byte_in_utf8_text() -> None:
    data = EVENT.replace('"T"', '"T\x00"').encode()
    problem = problems_of_bytes(data)[0]
    assert problem.message == "contains a NUL character, which TOML does not allow"
    assert (problem.line, problem.column) == (4, 11)


def problems_of_bytes(data: bytes) -> list[Problem]:
    with pytest.raises(TimelineError) as caught:
        load_bytes(data, "b.toml")
    return caught.value.problems


def test_only_one_bom_is_dropped() -> None:
    problem = problems_of_bytes(b"\xef\xbb\xbf\xef\xbb\xbf" + EVENT.encode())[0]
    assert problem.message.startswith("TOML syntax: ")
    with pytest.raises(TimelineError, match="TOML syntax"):
        load_text("\ufeff\ufeff" + EVENT)


def test_a_utf8_bom_loads() -> None:
    plain = load_timeline(FIXTURES / "valid.toml")
    with_bom = load_timeline(FIXTURES / "utf8-bom.toml")
    assert [e.id for e in with_bom.events] == [e.id for e in plain.events]
    assert with_bom.lines == plain.lines
    assert load_text("\ufeff" + EVENT).lines == {"x-1": 1}


def test_a_bom_file_with_problems_keeps_columns() -> None:
    problem = problems_of_bytes(b"\xef\xbb\xbf" + with_key("titel", '"x"').encode())[0]
    assert (problem.line, problem.column, problem.field) == (8, 1, "titel")


def test_crlf_loads_with_the_same_lines() -> None:
    plain = load_timeline(FIXTURES / "valid.toml")
    crlf = load_timeline(FIXTURES / "crlf.toml")
    assert crlf.lines == plain.lines
    assert [e.summary for e in crlf.events] == [e.summary for e in plain.events]


def test_crlf_problems_have_the_same_positions() -> None:
    text = with_key("end_date", "2017-01-01")
    lf = [(p.line, p.column, p.message) for p in problems(text)]
    crlf = [(p.line, p.column, p.message) for p in problems(text.replace("\n", "\r\n"))]
    assert lf == crlf == [(8, 1, "2017-01-01 is before the event's date 2018-04-16")]


@pytest.mark.parametrize("quote", ['"""', "'''"])
def test_header_lines_inside_a_summary_do_not_shift_positions(quote: str) -> None:
    summary = f'summary = {quote}\n[[events]]\nid = "fake"\n[[events.sources]]\n{quote}'
    text = EVENT.replace('summary = "s"', summary) + EVENT.replace("x-1", "x-2")
    text = text.replace('country = "RU"', 'country = "ru"')
    found = [(p.event, p.line, p.field) for p in problems(text)]
    assert found == [("'x-1'", 5, "country"), ("'x-2'", 17, "country")]
    timeline = load_text(text.replace('"ru"', '"RU"'))
    assert timeline.lines == {"x-1": 1, "x-2": 13}


def test_quoted_keys_are_placed() -> None:
    text = EVENT.replace('title = "T"', '"titel" = "T"').replace("action =", "'action' =")
    text = text.replace('"block"', '"blok"')
    found = [(p.line, p.column, p.field) for p in problems(text)]
    assert found == [(1, 1, "title"), (4, 1, "titel"), (6, 1, "action")]


def test_dotted_keys_are_placed() -> None:
    text = EVENT.replace('title = "T"', 'title.text = "T"')
    text = text.replace(
        'sources = [{ publisher = "p", url = "https://e.org" }]', 'sources.url = "u"'
    )
    found = [(p.line, p.column, p.field, p.message) for p in problems(text)]
    assert found == [
        (4, 1, "title", "must be a string in quotes, not a table"),
        (8, 1, "sources", found[1][3]),
    ]
    assert found[1][3].startswith("must be a list of sources")


# -- TOML itself -------------------------------------------------------------------------


def test_toml_syntax_errors_keep_the_parser_position() -> None:
    problem = one(EVENT.replace('title = "T"', 'title = "T'))
    assert (problem.line, problem.column) == (4, 11)
    assert problem.message.startswith("TOML syntax: ")
    assert problem.format().startswith("t.toml:4:11: error: TOML syntax: ")


def test_toml_syntax_error_at_the_end_of_the_document() -> None:
    problem = one(EVENT + "tags = [")
    assert problem.message.startswith("TOML syntax: ")
    assert problem.line == 9 and problem.column is not None


@pytest.mark.parametrize(
    ("old", "new", "hint"),
    [
        ('"T"', "Roskomnadzor blocks", '; text must be in quotes: title = "…"'),
        ("2018-04-16", "2018-4-16", '; dates are written 2018-04-16, "2018-04" or "2018"'),
        ("2018-04-16", "16.04.2018", '; dates are written 2018-04-16, "2018-04" or "2018"'),
        ('"T"', '"T', "; a string is not closed on its line"),
        ('title = "T"', 'title = "T"\ntitle = "U"', "; is a key given twice?"),
        ('"p", url', '"p",\n url', "; { … } must fit on one line: write [[events.sources]]"),
        ('"https://e.org" }', '"https://e.org", }', "; remove the comma before }"),
    ],
)
def test_common_syntax_mistakes_get_a_hint(old: str, new: str, hint: str) -> None:
    problem = one(EVENT.replace(old, new))
    assert problem.message.startswith("TOML syntax: ")
    assert hint in problem.message


def test_toml_key_tuples_read_as_dotted_keys() -> None:
    problem = one("[a.b]\n[a.b]\n")
    assert problem.message == "TOML syntax: Cannot declare 'a.b' twice"
    assert (problem.line, problem.column) == (2, 5)


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("x = " + "[" * 5000 + "]" * 5000 + "\n", 1),
        ("# deep\ny = " + "{a = " * 3000 + "1" + "}" * 3000 + "\n", 2),
    ],
)
def test_nesting_too_deep(text: str, line: int) -> None:
    problem = one(text)
    assert problem.message == "arrays or tables nested too deep to read"
    assert problem.line == line


def test_an_integer_too_large() -> None:
    problem = one(EVENT + "\nbig = " + "9" * 5000 + "\n")
    assert "has more than 4300 digits: too large to read" in problem.message
    assert (problem.line, problem.column) == (10, 7)


@pytest.mark.parametrize("text", ["", "\n\n", "# only\n# comments\n", "\ufeff", "events = []\n"])
def test_no_events(text: str) -> None:
    assert one(text).message == "no events: add [[events]] tables (see docs/format.md)"


def test_events_written_as_a_table() -> None:
    problem = one('[events]\nid = "x-1"\n')
    assert problem.message == "must be an array of tables: write [[events]], not [events]"
    assert (problem.line, problem.field) == (1, "events")


def test_events_of_the_wrong_type() -> None:
    assert one('events = "x"\n').message == "must be [[events]] tables, not a string"


def test_non_table_items_in_events() -> None:
    found = problems('events = [1, "x", [2], {}]\n')
    assert [(p.event, p.column, p.message) for p in found[:3]] == [
        ("#1", 11, "an event must be a table ([[events]]), not a number"),
        ("#2", 14, "an event must be a table ([[events]]), not a string"),
        ("#3", 19, "an event must be a table ([[events]]), not a list"),
    ]
    assert {p.field for p in found[3:]} >= {"id", "date", "sources"}
    assert all(p.event == "#4" for p in found[3:])


# -- dates -------------------------------------------------------------------------------


def test_a_date_in_words_lists_the_accepted_forms() -> None:
    problem = one(EVENT.replace("2018-04-16", '"April 2018"'))
    assert problem.format() == (
        "t.toml:3:1: error: event 'x-1': date: 'April 2018' is not a date; write a TOML date "
        '2018-04-16 (no quotes), "2018-04" (month) or "2018" (year)'
    )


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2018-04-16T10:00:00+03:00", "2018-04-16T10:00:00+03:00 is a date-time"),
        ("2018-04-16T10:00:00Z", "2018-04-16T10:00:00+00:00 is a date-time"),
        ("2018-04-16 10:00:00", "2018-04-16T10:00:00 is a date-time"),
        ("2018-04-16T10:00:00", "2018-04-16T10:00:00 is a date-time"),
        ("10:00:00", "10:00:00 is a time, not a date"),
        ("2018", 'a year alone needs quotes: "2018"'),
        ('"2018-02-30"', "is not a real date: February 2018 has 28 days"),
    ],
)
@pytest.mark.parametrize("field", ["date", "end_date", "source date"])
def test_datetimes_and_times_where_a_date_belongs(value: str, expected: str, field: str) -> None:
    if field == "date":
        text = EVENT.replace("2018-04-16", value)
    elif field == "end_date":
        text = with_key("end_date", value, EVENT.replace("2018-04-16", "0001-01-01"))
    else:
        text = EVENT.replace('url = "https://e.org"', f'url = "https://e.org", date = {value}')
    problem = one(text)
    assert expected in problem.message
    assert problem.field == {"source date": "sources: item 1, date"}.get(field, field)
    assert problem.line is not None


def test_the_extreme_dates_load_and_compute() -> None:
    text = with_key("end_date", "9999-12-31", EVENT.replace("2018-04-16", "0001-01-01"))
    text += EVENT.replace("x-1", "x-2").replace("2018-04-16", '"9999"')
    timeline = load_text(text)
    first, last = timeline.events
    assert first.date.start == date.min and first.end_date is not None
    assert first.end_date.end == date.max and last.date.end == date.max
    assert span(first).last == date.max and overlaps(span(first), date.max, date.max) is True
    assert overlaps(span(first)._replace(last=first.date.end), date.max, date.max) is False
    assert last.sort_key > first.sort_key
    assert "0001-01-01 to 9999" in one_line_summary(timeline)


def test_end_before_start() -> None:
    problem = one(with_key("end_date", '"2018-03"'))
    assert problem.format() == (
        "t.toml:8:1: error: event 'x-1': end_date: 2018-03 is before the event's date 2018-04-16"
    )


def test_an_end_inside_the_start_period_is_accepted() -> None:
    event = load_text(with_key("end_date", '"2018-04"')).events[0]
    assert event.end_date is not None and event.status is Status.ENDED


# -- sources -----------------------------------------------------------------------------


def test_sources_empty() -> None:
    problem = one(EVENT.replace('[{ publisher = "p", url = "https://e.org" }]', "[]"))
    assert problem.message.startswith("needs at least one source")
    assert (problem.line, problem.field) == (8, "sources")


def test_sources_missing() -> None:
    problem = one(EVENT.replace('sources = [{ publisher = "p", url = "https://e.org" }]\n', ""))
    assert (problem.line, problem.field, problem.message) == (1, "sources", "is required")


@pytest.mark.parametrize(
    "url", ["javascript:alert(1)", "file:///etc/passwd", "ftp://e.org/x", "https:///no-host"]
)
@pytest.mark.parametrize("style", ["inline", "table"])
def test_source_urls_must_be_http_with_a_host(url: str, style: str) -> None:
    text = EVENT.replace("https://e.org", url)
    if style == "table":
        text = text.replace(
            f'sources = [{{ publisher = "p", url = "{url}" }}]',
            f'\n[[events.sources]]\npublisher = "p"\nurl = "{url}"',
        )
    problem = one(text)
    assert problem.field == "sources: item 1, url"
    assert "not an http:// or https:// URL" in problem.message or "no host" in problem.message
    assert problem.line == (8 if style == "inline" else 11)
    assert problem.column == (31 if style == "inline" else 1)


def test_a_source_that_is_not_a_table() -> None:
    problem = one(EVENT.replace('[{ publisher = "p", url = "https://e.org" }]', '["https://x"]'))
    assert problem.message == "must be a table, not a string"
    assert (problem.field, problem.line, problem.column) == ("sources: item 1", 8, 12)


def test_sources_as_a_string() -> None:
    problem = one(EVENT.replace('[{ publisher = "p", url = "https://e.org" }]', '"https://x"'))
    assert problem.message.startswith("must be a list of sources ([[events.sources]] tables")


# -- status, ids, related ----------------------------------------------------------------


def test_ongoing_with_an_end_date() -> None:
    text = with_key("end_date", "2019-01-01", with_key("status", '"ongoing"'))
    problem = one(text)
    assert problem.format() == (
        "t.toml:9:1: error: event 'x-1': status: 'ongoing' contradicts the end_date; "
        "remove one of them"
    )


def test_ongoing_with_a_bad_end_date_reports_both() -> None:
    text = with_key("end_date", "2017-01-01", with_key("status", '"ongoing"'))
    assert [p.field for p in problems(text)] == ["end_date", "status"]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('"stopped"', "'stopped' is not a status: use ongoing, ended or unknown"),
        ("1", 'must be "ongoing", "ended" or "unknown", not a number'),
    ],
)
def test_a_bad_status(value: str, expected: str) -> None:
    assert one(with_key("status", value)).message == expected


def test_duplicate_ids_name_the_first_position() -> None:
    text = EVENT + "\n" + EVENT.replace('title = "T"', 'title = "U"')
    problem = one(text)
    assert problem.format() == (
        "t.toml:11:1: error: event 'x-1': id: duplicate id: already used by event #1 (line 2)"
    )


def test_a_duplicate_of_an_event_with_problems_is_still_a_duplicate() -> None:
    text = EVENT.replace('"RU"', '"XX"') + EVENT
    assert {p.field for p in problems(text)} == {"country", "id"}


def test_an_unknown_related_id_suggests_the_closest() -> None:
    text = EVENT + EVENT.replace("x-1", "telegram-block")
    text = with_key("related", '["telegram-blok"]', text)
    problem = one(text)
    assert problem.format() == (
        "t.toml:8:12: error: event 'x-1': related: item 1 ('telegram-blok'): "
        "no event has the id 'telegram-blok'; did you mean 'telegram-block'?"
    )


def test_related_to_an_event_with_problems_is_not_dangling() -> None:
    text = with_key("related", '["x-2"]') + EVENT.replace("x-1", "x-2").replace('"RU"', '"ru"')
    assert [p.field for p in problems(text)] == ["country"]


def test_related_to_itself() -> None:
    assert one(with_key("related", '["x-1"]')).message == "lists the event itself"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ('"X 1"', "'X 1' is not a valid id: use lowercase letters, digits and single hyphens"),
        ('"a--b"', "'a--b' is not a valid id"),
        ("1", "must be a string in quotes, not a number"),
    ],
)
def test_bad_ids_name_the_event_by_position(value: str, message: str) -> None:
    problem = one(EVENT.replace('"x-1"', value))
    assert problem.event == "#1" and problem.field == "id"
    assert problem.message.startswith(message)


# -- unknown keys ------------------------------------------------------------------------


def test_unknown_keys_everywhere_with_did_you_mean() -> None:
    text = '[timeline]\ntitel = "x"\n\n' + with_key("souces", "[]", EVENT.replace("title", "titel"))
    text = text.replace('{ publisher = "p"', '{ publsher = "p", publisher = "p"')
    found = [(p.line, p.field, p.message) for p in problems(text)]
    assert found == [
        (2, "timeline.titel", "unknown field; did you mean 'title'?"),
        (4, "title", "is required"),
        (7, "titel", "unknown field; did you mean 'title'?"),
        (11, "souces", "unknown field; did you mean 'sources'?"),
        (12, "sources: item 1, publsher", "unknown field; did you mean 'publisher'?"),
    ]


def test_an_unknown_key_without_a_close_match_lists_the_fields() -> None:
    problem = one(with_key("zzz", '"red"'))
    assert problem.message == f"unknown field (fields: {', '.join(EVENT_FIELDS)})"


def test_unknown_top_level_keys() -> None:
    found = problems('zzz = 1\n\n[timline]\ntitle = "x"\n\n' + EVENT)
    assert [(p.line, p.field, p.message) for p in found] == [
        (1, "zzz", "unknown top-level key (only [timeline], [[events]], [views])"),
        (3, "timline", "unknown top-level key; did you mean 'timeline'?"),
    ]


# -- countries, actions and types --------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ('"ru"', "'ru' is not an ISO 3166-1 alpha-2 country code (RU, BR, IN) or a known bloc"),
        ('"XX"', "'XX' is not an ISO 3166-1 alpha-2 country code"),
        ('"UK"', "did you mean 'GB' (United Kingdom)?"),
    ],
)
def test_bad_countries(code: str, expected: str) -> None:
    problem = one(EVENT.replace('"RU"', code))
    assert expected in problem.message and problem.line == LINE["country"]


def test_the_eu_bloc_is_accepted() -> None:
    assert load_text(EVENT.replace('"RU"', '"EU"')).events[0].country_name == "European Union"


def test_an_unknown_action_suggests_and_lists() -> None:
    message = one(EVENT.replace('"block"', '"blok"')).message
    assert message.startswith("'blok' is not an action; did you mean 'block'? (one of: block, ")


@pytest.mark.parametrize(
    ("key", "value", "expected"),
    [
        ("platforms", '"Telegram"', 'must be a list, e.g. ["a", "b"], not a string'),
        ("tags", "{ a = 1 }", 'must be a list, e.g. ["a", "b"], not a table'),
        ("authority", "[1]", "must be a string in quotes, not a number"),
        ("title", '["T"]', "must be a string in quotes, not a list"),
        ("title", "2018-04-16", "must be a string in quotes, not a date"),
        ("summary", "true", "must be a string in quotes, not true/false"),
        ("related", '"x-2"', 'must be a list, e.g. ["a", "b"], not a string'),
        ("action", "1", "must be an action word in quotes (block, throttle"),
    ],
)
def test_wrong_types(key: str, value: str, expected: str) -> None:
    problem = one(with_key(key, value))
    assert problem.message.startswith(expected)
    assert problem.field is not None and problem.field.startswith(key)


def test_text_fields_reject_control_characters() -> None:
    problem = one(EVENT.replace('"T"', '"Red \\u001b[31malert"'))
    assert problem.message == "'Red \\x1b[31malert' contains control characters; remove them"


@pytest.mark.parametrize("text", ["[bold red]x[/]", "[/]", "[@click=app.quit]q[/]"])
def test_markup_look_alikes_are_plain_text(text: str) -> None:
    event = load_text(EVENT.replace('"T"', f'"{text}"')).events[0]
    assert event.title == text


# -- views and the timeline table --------------------------------------------------------


def test_views_must_be_strings() -> None:
    found = problems(EVENT + '\n[views]\nok = "country:RU"\nnumber = 1\n[views.nested]\nq = "x"\n')
    assert [(p.line, p.field, p.message) for p in found] == [
        (12, "views.number", 'a view must be a query in quotes (name = "query"), not a number'),
        (13, "views.nested", 'a view must be a query in quotes (name = "query"), not a table'),
    ]


def test_views_must_be_a_table() -> None:
    problem = one("views = [1]\n" + EVENT)
    assert problem.message == 'must be a table of name = "query" lines under [views], not a list'


def test_the_timeline_table() -> None:
    assert one("timeline = 3\n" + EVENT).message == (
        "must be a table ([timeline] with title and description), not a number"
    )
    problem = one('[timeline]\ntitle = 3\ndescription = "d"\n' + EVENT)
    assert (problem.line, problem.field) == (2, "timeline.title")


def test_views_and_info_load() -> None:
    text = '[timeline]\ntitle = "Mine"\n[views]\nru = "country:RU"\n' + EVENT
    timeline = load_text(text)
    assert timeline.info.title == "Mine" and timeline.views == {"ru": "country:RU"}
    assert timeline.lines == {"x-1": 5}


# -- many problems at once ---------------------------------------------------------------


def test_one_bad_event_does_not_hide_the_others() -> None:
    with pytest.raises(TimelineError) as caught:
        load_timeline(FIXTURES / "problems.toml")
    found = caught.value.problems
    assert {p.event for p in found} == {None, "'ok-2018-first'", "#2"}
    assert [p.line for p in found] == sorted(p.line or 0 for p in found)
    assert all(p.line is not None and p.column is not None for p in found)
    fields = [(p.line, p.field) for p in found]
    for expected in [
        (3, "timeline.titel"),
        (7, "date"),
        (12, "sources: item 1, publsher"),
        (12, "sources: item 1, url"),
        (14, "id"),
        (17, "country"),
        (18, "action"),
        (20, "souces"),
        (21, "related: item 1 ('ok-2018-frist')"),
        (24, "id"),
        (26, "end_date"),
        (27, "status"),
        (29, "country"),
        (35, "sources: item 1, url"),
    ]:
        assert expected in fields


def test_problem_format() -> None:
    assert Problem("f.toml", "no events").format() == "f.toml: error: no events"
    assert Problem("f.toml", "m", 3).format() == "f.toml:3:1: error: m"
    full = Problem("f.toml", "m", 3, 7, "'x-1'", "date")
    assert full.format() == "f.toml:3:7: error: event 'x-1': date: m"
    error = TimelineError([Problem("f", "b", 9), Problem("f", "a", 2), Problem("f", "top")])
    assert [p.message for p in error.problems] == ["top", "a", "b"]
    assert str(error) == error.format() and not error.unreadable


@pytest.mark.parametrize(
    ("where", "text"),
    [
        ("title", EVENT.replace('"T"', '"\\u001b]52;c;aGk=\\u0007"')),
        ("id", EVENT.replace('"x-1"', '"\\u001b[2Jx"')),
        ("url", EVENT.replace('"https://e.org"', '"https://e.org/\\u001b]8;;x"')),
        ("country", EVENT.replace('"RU"', '"R\\u001bU"')),
        ("key", with_key('"ti\\u001btle"', '"x"')),
        ("publisher", EVENT.replace('"p"', '"\\u009b31m\\u202ep"')),
    ],
)
def test_messages_quoting_user_text_are_sanitised(where: str, text: str) -> None:
    found = problems(text)
    formatted = "\n".join(p.format() for p in found)
    for p in found:
        for part in (p.message, p.event or "", p.field or ""):
            assert "\x1b" not in part and "\x9b" not in part and "\u202e" not in part
    assert "\x1b" not in formatted and "\x9b" not in formatted and "\u202e" not in formatted
    assert "\\x1b" in formatted or "\\x9b" in formatted


# -- no pydantic wording ever ------------------------------------------------------------

TOML_VALUES = [
    '"text"',
    '""',
    "1",
    "99999999999999999999",
    "1.5",
    "nan",
    "true",
    "2018-04-16",
    "2018-04-16T10:00:00Z",
    "2018-04-16T10:00:00",
    "10:00:00",
    "[]",
    '["a", "a"]',
    "[1, 2]",
    "[[1]]",
    "{}",
    '{ a = "b" }',
    "[{}]",
    "[{ publisher = 1, url = [] }]",
]
JARGON = ("Input should", "Value error", "type=", "validation error", "is not valid (")


@pytest.mark.parametrize(("field", "value"), itertools.product(EVENT_FIELDS, TOML_VALUES))
def test_every_event_field_and_value_kind_reads_in_our_words(field: str, value: str) -> None:
    check_words(with_key(field, value))


@pytest.mark.parametrize(("field", "value"), itertools.product(SOURCE_FIELDS, TOML_VALUES))
def test_every_source_field_and_value_kind_reads_in_our_words(field: str, value: str) -> None:
    check_words(
        EVENT.replace("sources = [{", f"sources = [{{ {field} = {value},").replace(
            f'{{ {field} = {value}, publisher = "p",', f"{{ {field} = {value},"
        )
    )


@pytest.mark.parametrize(("field", "value"), itertools.product(INFO_FIELDS, TOML_VALUES))
def test_every_info_field_and_value_kind_reads_in_our_words(field: str, value: str) -> None:
    check_words(f"[timeline]\n{field} = {value}\n" + EVENT)


def check_words(text: str) -> None:
    try:
        load_text(text)
    except TimelineError as exc:
        for problem in exc.problems:
            assert not any(word in problem.message for word in JARGON), problem.format()
            assert problem.line is not None, problem.format()


def test_our_own_bugs_become_a_problem_not_a_traceback(monkeypatch: pytest.MonkeyPatch) -> None:
    def explode(*args: object, **kwargs: object) -> Event:
        raise KeyError("boom")

    # Both ways an event is checked: without the models (the fast path), and with them.
    monkeypatch.setattr(load_module, "plain_event", explode)
    monkeypatch.setattr(EventModel, "model_validate", explode)
    with pytest.raises(TimelineError, match="internal error while checking") as caught:
        load_text(EVENT)
    assert isinstance(caught.value.__cause__, KeyError)


def test_a_parser_bug_becomes_a_problem_too(monkeypatch: pytest.MonkeyPatch) -> None:
    import tomllib

    import tui.core.files.toml10 as toml10

    def broken(text: str) -> dict[str, object]:
        raise IndexError("parser bug")

    monkeypatch.setattr(tomllib, "loads", broken)
    monkeypatch.setattr(toml10.toml_rs, "loads", broken)  # the fast parser too: every path breaks
    assert "internal error while checking (IndexError)" in one(EVENT).message


def test_values_from_the_toml_types_are_named_plainly() -> None:
    from tui.core.files.problems import type_name

    assert [type_name(v) for v in (True, 1, 1.5, "s", [], {})] == [
        "true/false",
        "a number",
        "a number",
        "a string",
        "a list",
        "a table",
    ]
    now = datetime(2018, 4, 16, 10)
    assert [type_name(v) for v in (now, now.date(), time(1))] == [
        "a date-time",
        "a date",
        "a time",
    ]
