"""Properties: any text gives a Timeline or a TimelineError, never another exception.

Three kinds of input: arbitrary text, text assembled from TOML-ish fragments built from the
real field names, and mutations of a valid timeline. Text that tomllib accepts is also fed to
the Locator, which must finish quickly on it.
"""

from __future__ import annotations

import os
import re
import signal
import tomllib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tui.core.files.load import load_bytes, load_text
from tui.core.files.locate import Locator
from tui.core.timeline.errors import TimelineError
from tui.core.timeline.event import EVENT_FIELDS, INFO_FIELDS, SOURCE_FIELDS, Timeline

VALID = (Path(__file__).resolve().parent / "fixtures" / "core" / "valid.toml").read_text("utf-8")
UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")

# CORE_EXAMPLES=5000 for a deeper hunt; the default keeps the suite fast.
FAST = settings(
    max_examples=int(os.environ.get("CORE_EXAMPLES", "120")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Turn an endless loop into a failure instead of a hung test run."""

    def expire(signum: int, frame: object) -> None:
        raise TimeoutError(f"took longer than {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def check(text: str) -> None:
    """The contract: a Timeline or a TimelineError with safe, complete problems."""
    with time_limit(10):
        try:
            result = load_text(text, "p.toml")
        except TimelineError as exc:
            assert exc.problems
            for problem in exc.problems:
                assert "internal error" not in problem.message, problem.format()
                line = problem.format()
                assert not UNSAFE.search(line), line
                assert line.startswith("p.toml")
        else:
            assert isinstance(result, Timeline) and result.events
            assert set(result.lines) <= {e.id for e in result.events}
        try:
            tomllib.loads(text.removeprefix("\ufeff"))
        except (tomllib.TOMLDecodeError, RecursionError, ValueError):
            return
        locator = Locator(text.removeprefix("\ufeff"))
        locator.position(("events", 0, "sources", 0, "url"))


# -- 1. arbitrary text -------------------------------------------------------------------


@FAST
@given(st.text(max_size=300))
def test_arbitrary_text(text: str) -> None:
    check(text)


@FAST
@given(st.binary(max_size=300))
def test_arbitrary_bytes(data: bytes) -> None:
    try:
        load_bytes(data, "b.toml")
    except TimelineError as exc:
        assert all("internal error" not in p.message for p in exc.problems)


# -- 2. TOML-ish fragments ---------------------------------------------------------------

FIELD_NAMES = [
    *sorted({*EVENT_FIELDS, *SOURCE_FIELDS, *INFO_FIELDS}),
    *["titel", "souces", "publsher", "Title", '"title"', "'id'", "sources.url", "a.b"],
    *['"ti\\u0074le"', ""],
]
HEADERS = [
    "[[events]]",
    "[events]",
    "[[events.sources]]",
    "[events.sources]",
    "[timeline]",
    "[timline]",
    "[views]",
    '[["events"]]',
    "[ [events] ]",
    "[[",
    "]]",
]
VALUES = st.one_of(
    st.sampled_from(
        [
            "2018-04-16",
            '"2018-04"',
            '"2018"',
            '"April 2018"',
            "9999-12-31",
            "0001-01-01",
            "2018-04-16T10:00:00Z",
            "2018-04-16 10:00:00",
            "10:00:00",
            '"x-1"',
            '"RU"',
            '"ru"',
            '"EU"',
            '"block"',
            '"ongoing"',
            '"https://e.org"',
            '"javascript:alert(1)"',
            '"\\u001b[31m"',
            "[]",
            '["a", "a"]',
            '[{ publisher = "p", url = "https://e.org" }]',
            "{}",
            "[{}]",
            '"""',
            "'''",
            '"""\n[[events]]\n"""',
            "true",
            "1",
            "1e400",
            "nan",
            "9" * 50,
            "[" * 30 + "]" * 30,
            "[",
            "{",
            '"',
        ]
    ),
    st.text(max_size=12).map(lambda s: '"' + s.replace("\\", "").replace('"', "") + '"'),
    st.integers().map(str),
)
LINES = st.one_of(
    st.sampled_from(HEADERS),
    st.tuples(st.sampled_from(FIELD_NAMES), VALUES).map(lambda kv: f"{kv[0]} = {kv[1]}"),
    st.sampled_from(["", "# comment", "=", ",", "]", "}", "\\", "\r", "\ufeff", "\u2028"]),
)
FRAGMENT_TEXT = st.tuples(
    st.lists(LINES, max_size=25), st.sampled_from(["\n", "\r\n", "\n\n", ""])
).map(lambda parts: parts[1].join(parts[0]))


@FAST
@given(FRAGMENT_TEXT)
def test_toml_ish_fragments(text: str) -> None:
    check(text)


@FAST
@given(st.lists(st.tuples(st.sampled_from(FIELD_NAMES[:16]), VALUES), max_size=16))
def test_events_of_random_fields(pairs: list[tuple[str, str]]) -> None:
    body = "\n".join(f"{k} = {v}" for k, v in pairs)
    check(f"[[events]]\n{body}\n[[events]]\n{body}\n")


# -- 3. mutations of a valid file --------------------------------------------------------

EDITS = st.lists(
    st.tuples(
        st.sampled_from(["delete", "insert", "replace"]),
        st.integers(min_value=0, max_value=len(VALID)),
        st.integers(min_value=1, max_value=12),
        st.one_of(
            st.sampled_from(
                ['"', "'", "[", "]", "{", "}", "=", "\n", "#", ",", '"""', "\\", "\x00"]
            ),
            st.text(max_size=3),
        ),
    ),
    min_size=1,
    max_size=4,
)


def mutate(text: str, edits: list[tuple[str, int, int, str]]) -> str:
    for kind, at, length, fragment in edits:
        at = min(at, len(text))
        if kind == "delete":
            text = text[:at] + text[at + length :]
        elif kind == "insert":
            text = text[:at] + fragment + text[at:]
        else:
            text = text[:at] + fragment + text[at + len(fragment) :]
    return text


@FAST
@given(EDITS)
def test_mutations_of_a_valid_file(edits: list[tuple[str, int, int, str]]) -> None:
    check(mutate(VALID, edits))


def test_the_unmutated_file_is_valid() -> None:
    assert len(load_text(VALID)) == 3


# -- the Locator on text tomllib accepts -------------------------------------------------


@FAST
@given(FRAGMENT_TEXT.filter(lambda t: _accepted(t)))
def test_locator_finishes_on_accepted_fragments(text: str) -> None:
    with time_limit(5):
        Locator(text.removeprefix("\ufeff")).position(("events", 0, "title"))


def _accepted(text: str) -> bool:
    try:
        tomllib.loads(text.removeprefix("\ufeff"))
    except (tomllib.TOMLDecodeError, RecursionError, ValueError):
        return False
    return True
