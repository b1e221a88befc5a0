"""The Locator: where keys, headers and array elements are, in every way TOML can write them."""

from __future__ import annotations

import tomllib
from collections.abc import Iterator
from datetime import UTC, date, datetime, time
from typing import Any

import pytest
import tomli_w
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tui.core.files.load import load_text
from tui.core.files.locate import Locator, event_header_lines
from tui.core.timeline.errors import TimelineError

SOURCE = '{ publisher = "p", url = "https://e.org" }'


def at(text: str, *path: str | int) -> tuple[int, int] | None:
    return Locator(text).positions.get(path)


def test_keys_headers_and_elements() -> None:
    text = "top = 1\n[a]\nb = [10, 20,\n  30]\n[[c]]\nd = { e = 1, f = [1] }\n[[c]]\n"
    locator = Locator(text)
    assert locator.positions[("top",)] == (1, 1)
    assert locator.positions[("a",)] == (2, 1)
    assert locator.positions[("a", "b")] == (3, 1)
    assert [locator.positions[("a", "b", i)] for i in range(3)] == [(3, 6), (3, 10), (4, 3)]
    assert locator.positions[("c", 0)] == (5, 1)
    assert locator.positions[("c", 0, "d", "e")] == (6, 7)
    assert locator.positions[("c", 0, "d", "f", 0)] == (6, 19)
    assert locator.positions[("c", 1)] == (7, 1)
    assert (("c", 1), 7) in locator.headers and all(h != ("zz",) for h, _ in locator.headers)


def test_position_falls_back_to_the_closest_enclosing_place() -> None:
    locator = Locator('[[events]]\nid = "x"\n\n[[events]]\n  id = "y"\n')
    assert locator.position(("events", 1, "title")) == (4, 1)  # missing key: its header
    assert locator.position(("events", 1, "id")) == (5, 3)
    assert locator.position(("nowhere",)) is None
    assert locator.position(()) is None


def test_inline_sources_and_source_tables() -> None:
    text = (
        '[[events]]\nid = "a"\nsources = [\n  ' + SOURCE + ",\n  { publisher = 1 },\n]\n"
        '[[events]]\nid = "b"\n[[events.sources]]\nurl = "u"\n[[events.sources]]\n'
        'publisher = "q"\n[[events]]\n[[events.sources]]\n'
    )
    locator = Locator(text)
    assert locator.positions[("events", 0, "sources", 1)] == (5, 3)
    assert locator.positions[("events", 0, "sources", 1, "publisher")] == (5, 5)
    assert locator.positions[("events", 1, "sources", 0)] == (9, 1)
    assert locator.positions[("events", 1, "sources", 0, "url")] == (10, 1)
    assert locator.positions[("events", 1, "sources", 1, "publisher")] == (12, 1)
    # numbering of the nested array starts again in each event
    assert locator.positions[("events", 2, "sources", 0)] == (14, 1)


@pytest.mark.parametrize("quote", ['"""', "'''"])
def test_header_lines_inside_multiline_strings_are_text(quote: str) -> None:
    text = (
        f'[[events]]\nid = "a"\nsummary = {quote}\n[[events]]\ntitel = "no"\n'
        f'[timeline]\n{quote}\ntitel = "yes"\n[[events]]\nid = "b"\n'
    )
    locator = Locator(text)
    assert locator.positions[("events", 0, "titel")] == (8, 1)
    assert locator.positions[("events", 1)] == (9, 1)
    assert ("timeline",) not in locator.positions
    assert event_header_lines(text, 2) == [1, 9]


@pytest.mark.parametrize(
    "value",
    [
        '"""a \\""" b"""',  # an escaped delimiter inside
        '"""ends with quotes"""""',  # two extra quotes belong to the content
        "'''it's'''''",
        '"""\\\\"""',  # an escaped backslash before the delimiter
        '"one \\" line"',
        "'C:\\path\\'",
    ],
)
def test_strings_end_where_toml_says(value: str) -> None:
    text = f"a = {value}\nb = 1\n"
    tomllib.loads(text)  # the case is valid TOML
    assert at(text, "b") == (2, 1)


def test_quoted_escaped_and_dotted_keys() -> None:
    text = (
        '[[events]]\n"title" = "x"\n\'titel\' = "y"\n"ti\\u0074le2" = 1\n'
        'sources . publisher = "p"\n"a.b".c = 2\n[ "quoted header" . inner ]\nk = 3\n'
    )
    locator = Locator(text)
    assert locator.positions[("events", 0, "title")] == (2, 1)
    assert locator.positions[("events", 0, "titel")] == (3, 1)
    assert locator.positions[("events", 0, "title2")] == (4, 1)
    assert locator.positions[("events", 0, "sources")] == (5, 1)
    assert locator.positions[("events", 0, "sources", "publisher")] == (5, 11)
    assert locator.positions[("events", 0, "a.b", "c")] == (6, 7)
    assert locator.positions[("quoted header", "inner", "k")] == (8, 1)


def test_crlf_and_unicode_line_separators() -> None:
    # U+2028, U+2029 and U+0085 are legal in strings and comments; only \n ends a line.
    text = 'a = "x\u2028y\u0085z"  # c\u2029d\r\nb = [\r\n  1,\r\n  2]\r\n[t]\r\nc = 1\r\n'
    tomllib.loads(text)
    locator = Locator(text)
    assert locator.positions[("b",)] == (2, 1)
    assert locator.positions[("b", 1)] == (4, 3)
    assert locator.positions[("t", "c")] == (6, 1)


def test_datetimes_with_a_space_are_one_element() -> None:
    text = "a = [1979-05-27 07:32:00Z, 1979-05-27, 07:32:00, 1979-05-27 07:32:00.5+01:00, 2]\n"
    assert len(tomllib.loads(text)["a"]) == 5
    assert at(text, "a", 4) == (1, text.index("2]") + 1)


def test_comments_and_newlines_inside_arrays() -> None:
    text = "a = [ # first\n  1, # one\n  # nothing\n  [2, [3]],\n]\nb = 2\n"
    locator = Locator(text)
    assert locator.positions[("a", 1, 1, 0)] == (4, 8)
    assert locator.positions[("b",)] == (6, 1)


def test_event_header_lines_fast_and_careful_paths() -> None:
    plain = "[[events]]\na = 1\n\n  [[ events ]] # two\n"
    assert event_header_lines(plain, 2) == [1, 4]
    inline = 'events = [\n  { a = 1 },\n  { a = 2 },\n]\nx = """\n[[events]]\n"""\n'
    assert event_header_lines(inline, 2) == [2, 3]
    quoted = '[["events"]]\n[[events]]\n'
    assert event_header_lines(quoted, 2) == [1, 2]
    assert event_header_lines(plain, 3) is None


def test_timeline_lines_for_inline_events() -> None:
    text = 'events = [\n  { id = "a", date = 2018-01-01, title = "T", country = "RU", '
    text += f'action = "ban", summary = "s", sources = [{SOURCE}] }},\n]\n'
    with pytest.raises(TimelineError) as caught:
        load_text(text)
    problem = caught.value.problems[0]
    assert (problem.line, problem.field) == (2, "action")
    timeline = load_text(text.replace('"ban"', '"block"'))
    assert timeline.lines == {"a": 2}


@pytest.mark.parametrize(
    "text",
    [
        "",
        "[",
        "[[",
        "a = [",
        'a = """',
        "a = '''x",
        'a = "unterminated\nb = 1',
        "a = {b = {c = [",
        "= = =",
        "a.b.",
        '[a."b',
        "a = [1 2 3",
        "]]]]",
        "}{",
        "\\",
        "a = {,,,}",
        "a = [,,,]",
        "a = { b }",
        "[" * 5000,
        "{" * 5000,
        "a = " + "[" * 5000,
        "a = " + "{a = " * 5000,
    ],
    ids=lambda text: repr(text[:20]),
)
def test_never_crashes_or_loops_on_text_tomllib_rejects(text: str) -> None:
    Locator(text).position(("a", "b", 0))


# -- a property: every path of any document is found, and at the right place ------------


def all_paths(data: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[tuple[Any, ...], Any]]:
    if isinstance(data, dict):
        for key, value in data.items():
            yield (*prefix, key), value
            yield from all_paths(value, (*prefix, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield (*prefix, index), value
            yield from all_paths(value, (*prefix, index))


def check_every_path_is_placed(text: str) -> None:
    data = tomllib.loads(text)
    locator = Locator(text)
    lines = text.split("\n")
    for path, _value in all_paths(data):
        assert path in locator.positions, path
        line, column = locator.positions[path]
        here = lines[line - 1][column - 1 :]
        if isinstance(path[-1], str):
            key = path[-1]
            # A bare key, a quoted key or (for tables) the header that opens it.
            assert here.startswith((key, '"', "'", "[")), (path, here[:40])
        else:
            assert here[:1] not in ("", " ", "\t", ",", "]", "}", "#"), (path, here[:40])


keys = st.text(min_size=0, max_size=8)
scalars = st.one_of(
    st.text(max_size=20),
    st.integers(),
    st.floats(allow_nan=False),
    st.booleans(),
    st.dates(),
    st.datetimes(),
    st.datetimes(timezones=st.just(UTC)),
    st.times(),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(keys, inner, max_size=4)),
    max_leaves=12,
)
documents = st.dictionaries(
    keys,
    st.one_of(values, st.lists(st.dictionaries(keys, values, max_size=3), min_size=1, max_size=3)),
    max_size=5,
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents, st.booleans())
def test_every_path_of_a_generated_document_is_placed(data: dict[str, Any], multi: bool) -> None:
    check_every_path_is_placed(tomli_w.dumps(data, multiline_strings=multi))


def test_every_path_of_the_shipped_timeline_is_placed(shipped: Any) -> None:
    check_every_path_is_placed(shipped.read_text(encoding="utf-8"))


def test_handwritten_edge_cases_are_placed() -> None:
    text = (
        "a.b.c = 1\na.d = [\n  { e = [\n    1,\n  ] },\n]\n"
        '"" = 2\n\'e\' .x = 3\n[t]\n"k\\n" = 4\n[[t.u]]\n[t.u.v]\nw = 5\n[[t.u]]\n'
    )
    check_every_path_is_placed(text)
    assert at(text, "t", "u", 0, "v", "w") == (13, 1)


def test_values_of_every_kind() -> None:
    data = {
        "s": "x",
        "i": 1,
        "f": 1.5,
        "b": True,
        "d": date(2018, 4, 16),
        "dt": datetime(2018, 4, 16, 10, 0),
        "t": time(10, 0),
        "l": [1, "a", [date(2018, 1, 1)]],
    }
    check_every_path_is_placed(tomli_w.dumps(data))
