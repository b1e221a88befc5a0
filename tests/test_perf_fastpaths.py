"""The loader's fast paths give exactly what the careful path gives (not timed tests).

Big files are parsed in chunks by toml-rs and validated with the collector paused; any doubt sends
them down the careful path (tomllib on the whole text, every problem with its position). These
tests pin the agreement: same data as tomllib on the toml-test suite, nothing accepted that
TOML 1.0 rejects, the same Timeline and the same messages with and without the fast path.
"""

from __future__ import annotations

import contextlib
import gc
import math
import re
import subprocess
import sys
import threading
import tomllib
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import tui.core.files.load as load
import tui.core.files.toml10 as toml10
import tui.core.tuning as tuning
from tui.core.timeline.errors import TimelineError
from tui.core.timeline.rules import http_url, one_line

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = ROOT / "timeline.toml"
FIXTURES = ROOT / "tests" / "fixtures"
CANDIDATES = (ROOT.parent / "shared" / "toml-test", Path("/work/shared/toml-test"))
SUITE = next((c for c in CANDIDATES if (c / "valid").is_dir()), None)


def careful(text: str, name: str = "t.toml") -> Any:
    """What the loader gives without its fast path: a Timeline, or the error's text."""
    original = load._load_valid
    load._load_valid = lambda *args, **kwargs: None
    try:
        return _outcome(text, name)
    finally:
        load._load_valid = original


def _outcome(text: str, name: str = "t.toml") -> Any:
    try:
        timeline = load.load_text(text, name)
    except TimelineError as exc:
        return exc.format()
    return (timeline.info, timeline.events, timeline.views, timeline.lines, timeline.path)


def fast(text: str, name: str = "t.toml") -> Any:
    return _outcome(text, name)


def _normal(value: Any) -> Any:
    """NaN != NaN; compare it as a word."""
    if isinstance(value, float) and math.isnan(value):
        return "nan"
    if isinstance(value, dict):
        return {k: _normal(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_normal(v) for v in value]
    return (type(value).__name__, value)


# -- the chunk parser against the toml-test suite -----------------------------------------------

needs_suite = pytest.mark.skipif(SUITE is None, reason="toml-test suite not found")
VALID = sorted((SUITE / "valid").rglob("*.toml")) if SUITE else []
INVALID = sorted((SUITE / "invalid").rglob("*.toml")) if SUITE else []


@needs_suite
@pytest.mark.parametrize("path", VALID, ids=lambda p: p.name)
def test_the_chunk_parser_agrees_with_tomllib_on_valid_files(path: Path) -> None:
    text = path.read_bytes().decode("utf-8-sig")
    parsed = toml10.parse(text)
    if parsed is not None:  # None is allowed: the careful path then parses it
        assert _normal(parsed) == _normal(tomllib.loads(text))


@needs_suite
@pytest.mark.parametrize("path", VALID, ids=lambda p: p.name)
def test_the_chunk_parser_agrees_with_tomllib_on_valid_files_with_crlf(path: Path) -> None:
    # A file saved on Windows: tomllib reads a CRLF inside a multi-line string as "\n".
    text = path.read_bytes().decode("utf-8-sig").replace("\r\n", "\n").replace("\n", "\r\n")
    with contextlib.suppress(tomllib.TOMLDecodeError):
        expected = tomllib.loads(text)
        parsed = toml10.parse(text)
        if parsed is not None:
            assert _normal(parsed) == _normal(expected)


@needs_suite
@pytest.mark.parametrize("path", INVALID, ids=lambda p: p.name)
def test_the_chunk_parser_accepts_nothing_tomllib_rejects(path: Path) -> None:
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        return  # decode() reports these before any parser runs
    assert toml10.parse(text) is None


@pytest.mark.parametrize(
    "text",
    [
        'a = "\\e"',
        'a = "\\x41"',
        "a = 07:32",
        "a = [07:32:00, 08:15]",
        "a = 1979-05-27T07:32",
        "a = 1979-05-27 07:32Z",
        "a = {\nb = 1 }",
        "a = { b = 1, }",
        "a = [\n  { b = 1 },\n  { c = 2, },\n]",
        'a = { b = "}", c = 1, }',
        "a = { b = { c = 1, } }",
        "a = { # comment\n b = 1 }",
        "a = 1\n\ufeffb = 2",
    ],
)
def test_toml_1_1_forms_are_left_to_tomllib(text: str) -> None:
    """TOML 1.1 accepts these, TOML 1.0 does not, so the chunk parser must not."""
    with pytest.raises(tomllib.TOMLDecodeError):
        tomllib.loads(text)
    assert toml10.parse(text) is None


@pytest.mark.parametrize(
    "text", ["\r\r\n", "a = 1\r\r\n", "a = 1 # x\r\r\nb = 2\n", "a = 1\rb = 2\n"]
)
def test_a_carriage_return_alone_is_refused(text: str) -> None:
    # Only as part of a CRLF is a CR allowed in TOML 1.0: taking CRLFs for newlines must not
    # make a CRLF of "\r\r\n".
    with pytest.raises(tomllib.TOMLDecodeError):
        tomllib.loads(text)
    assert toml10.parse(text) is None


# Pieces of TOML, with every line end and control character a file can hold.
TOML_PIECES = st.sampled_from(
    [
        *("a", " = ", '"', '"""', "'''", "'", "\\", "\r", "\n", "\r\n", "\t", "\x7f", "#"),
        *("[", "]", "{", "}", ",", "1", "2018-04-16", "T", ":", ".", " ", "\x00", "\x1f"),
        *("é", "\u2028", "u", "n", "e", "x", "0", "-", "inf", "nan", "true"),
    ]
)


@settings(max_examples=3000, deadline=None)
@given(st.lists(TOML_PIECES, max_size=20).map("".join))
def test_the_chunk_parser_decides_as_tomllib(text: str) -> None:
    try:
        expected = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        assert toml10.parse(text) is None
        return
    parsed = toml10.parse(text)
    assert parsed is None or _normal(parsed) == _normal(expected)


@pytest.mark.parametrize(
    "text",
    [
        'a = { b = 1, c = "x" }',
        "a = [{ b = 1 }, { b = 2 }]",
        'a = "at 10:30 sharp"',
        "a = 1979-05-27T07:32:00+01:00",
        'a = """\nline\n[[events]]\n"""',
        "a = 99999999999999999999",
        "a = 1e400",
        'a = """\r\none\r\ntwo\r\n"""\r\nb = 1\r\n',
        "a = '''\r\none\r\n'''\r\n",
        'a = """one \\\r\n  two"""\r\n',
    ],
)
def test_what_both_accept_parses_the_same(text: str) -> None:
    parsed = toml10.parse(text)
    assert parsed is not None
    assert _normal(parsed) == _normal(tomllib.loads(text))


# toml-rs recurses per level of nesting, and per character of a run of "=" or signs, without
# a limit: on a thread's usual stack, a few thousand levels crash the process. Each text below
# is an answer, never a crash; longer than toml10.LONGEST, tomllib decides.
DEEP = {
    "arrays 3,000": f"a = {'[' * 3_000}{']' * 3_000}",
    "arrays 70,000": f"a = {'[' * 70_000}{']' * 70_000}",
    "tables 3,000": f"a = {'{ b = ' * 3_000}1{' }' * 3_000}",
    "tables 20,000": f"a = {'{ b = ' * 20_000}1{' }' * 20_000}",
    "equals 700,000": "=" * 700_000,
    "signs 1,000,000": "a = " + "-" * 1_000_000,
    "arrays 600,000": f"a = {'[' * 600_000}{']' * 600_000}",
}


@pytest.mark.parametrize("text", DEEP.values(), ids=DEEP.keys())
def test_nesting_of_any_depth_is_an_answer_not_a_crash(text: str) -> None:
    parsed = toml10.parse(text)
    if text.startswith("a = ") and "-" not in text and len(text) <= toml10.LONGEST:
        assert parsed is not None and list(parsed) == ["a"]
    else:
        assert parsed is None  # a syntax error, or too deep for tomllib (RecursionError)


@pytest.mark.parametrize("name", ["arrays 3,000", "tables 3,000"])
def test_a_deeply_nested_event_loads_as_the_careful_path_says(name: str) -> None:
    event = SHIPPED.read_text(encoding="utf-8").partition("[[events]]")[2].partition("\n[[")[0]
    file = f"[[events]]{event}\n{DEEP[name].replace('a = ', 'deep = ', 1)}\n"
    assert isinstance(fast(file), str)  # an error message, not a crash
    assert fast(file) == careful(file)


# Threads parsing at once, each text needing more stack than a thread has by default; the
# switch interval makes a thread give way between any two steps.
RACE = """
import sys, threading
sys.setswitchinterval(1e-6)
from tui.core.files import toml10
text = "a = " + "[" * 20_000 + "]" * 20_000
before = threading.stack_size()
def parse():
    for _ in range(20):
        assert toml10.parse(text) is not None
threads = [threading.Thread(target=parse) for _ in range(3)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
assert threading.stack_size() == before
"""


def test_parses_at_once_each_get_their_stack() -> None:
    run = subprocess.run([sys.executable, "-c", RACE], cwd=ROOT, capture_output=True)
    assert run.returncode == 0, run.stderr.decode()[-2000:]


def test_a_call_runs_on_a_deep_stack_once() -> None:
    threads: list[threading.Thread] = []

    def where(nested: bool) -> list[threading.Thread]:
        threads.append(threading.current_thread())
        return toml10.deep(1 << 20, where, False) if nested else threads

    assert toml10.deep(1 << 24, where, True) == threads
    assert threads[0] is threads[1] is not threading.current_thread()
    with pytest.raises(KeyError):
        toml10.deep(1 << 20, {}.__getitem__, "x")


def test_without_a_deep_stack_tomllib_parses(monkeypatch: pytest.MonkeyPatch) -> None:
    def refused(size: int = 0) -> int:
        raise ValueError("size not valid")

    monkeypatch.setattr(threading, "stack_size", refused)
    assert toml10.parse("a = [[1], { b = 2 }]") == {"a": [[1], {"b": 2}]}
    assert toml10.parse("a = 07:32") is None


# -- the fast load against the careful one -------------------------------------------------------


def event(ident: str, extra: str = "", summary: str = "Something happened.") -> str:
    return (
        f'[[events]]\nid = "{ident}"\ndate = 2020-01-02\ntitle = "A title"\ncountry = "RU"\n'
        f'action = "block"\nsummary = """\n{summary}\n"""\n{extra}'
        '[[events.sources]]\npublisher = "P"\nurl = "https://example.org/a"\n\n'
    )


HEAD = '[timeline]\ntitle = "T"\n\n'


@pytest.fixture(params=[1 << 40, 1], ids=["one-chunk", "chunk-per-event"])
def chunked(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> int:
    # One header in CHUNK_EVERY is a cut: 1 cuts at every event, 2**40 at the first one only.
    monkeypatch.setattr(tuning, "CHUNK_EVERY", request.param)
    return request.param


@pytest.mark.parametrize(
    "path",
    [SHIPPED, FIXTURES / "app" / "timeline.toml", FIXTURES / "core" / "valid.toml"],
    ids=lambda p: p.parent.name + "/" + p.name,
)
def test_valid_files_load_the_same(path: Path, chunked: int) -> None:
    text = path.read_text("utf-8")
    result = fast(text, str(path))
    assert not isinstance(result, str), result
    assert result == careful(text, str(path))


CASES = {
    "plain": HEAD + event("a") + event("b") + event("c"),
    "header inside a summary": HEAD + event("a", summary="x\n[[events]]\ny") + event("b"),
    "header-like line, valid": HEAD + event("a", summary='id = "z"\n[[events]]') + event("b"),
    "spaced header": HEAD + event("a") + event("b").replace("[[events]]", "[[ events ]]"),
    "indented header": HEAD + event("a") + "  " + event("b"),
    "quoted header": HEAD + event("a") + event("b").replace("[[events]]", '[["events"]]'),
    "views after events": HEAD + event("a") + event("b") + '[views]\nru = "country:RU"\n',
    "views twice": HEAD + '[views]\na = "x"\n' + event("a") + '[views]\nb = "y"\n',
    "views split": HEAD + "[views.a]\n" + event("a") + "[views.b]\n",
    "timeline after events": event("a") + event("b") + '[timeline]\ntitle = "T"\n',
    "inline events first": 'events = [{ id = "x" }]\n' + event("a"),
    "inline sources": HEAD
    + event("a").replace(
        '[[events.sources]]\npublisher = "P"\nurl = "https://example.org/a"\n',
        'sources = [{ publisher = "P", url = "https://example.org/a" }]\n',
    )
    + event("b"),
    "duplicate id": HEAD + event("a") + event("b") + event("a"),
    "dangling related": HEAD + event("a", 'related = ["zz"]\n') + event("b"),
    "related ahead": HEAD + event("a", 'related = ["c"]\n') + event("b") + event("c"),
    "invalid event": HEAD + event("a") + event("b", 'tags = ["x", "X"]\n') + event("c"),
    "syntax error late": HEAD + event("a") + event("b") + "oops = \n",
    "unknown top-level key": HEAD + event("a") + "[timline]\n",
    "bad timeline info": '[timeline]\ntitel = "T"\n' + event("a"),
    "bad view": HEAD + event("a") + "[views]\nx = 1\n",
    "toml 1.1 escape": HEAD + event("a", 'tags = ["\\e"]\n'),
    "toml 1.1 time": HEAD + event("a") + event("b", "tags = [07:30]\n"),
    # What toml-rs 0.4 reads and TOML 1.0 does not (toml10.parse's docstring).
    "dotted key into an array of tables": HEAD + event("a") + "[[x.y]]\n[x]\ny.c.d = 1\n",
    "an int of 5,000 digits": HEAD + event("a", f"tags = [1{'0' * 5000}]\n") + event("b"),
    "crlf": (HEAD + event("a") + event("b")).replace("\n", "\r\n"),
    "no events": HEAD,
    "events as a table": HEAD + "[events]\nx = 1\n",
}


@pytest.mark.parametrize("text", CASES.values(), ids=CASES.keys())
def test_every_case_gives_what_the_careful_path_gives(text: str, chunked: int) -> None:
    assert fast(text) == careful(text)


def test_the_fast_path_really_runs_on_a_plain_file(chunked: int) -> None:
    text = CASES["plain"]
    timeline = load._load_valid(text, "t.toml", None)
    assert timeline is not None and len(timeline.events) == 3
    assert timeline.lines == {"a": 4, "b": 17, "c": 30}


def test_the_fast_path_runs_on_a_file_with_crlf_line_ends(chunked: int) -> None:
    # Multi-line summaries: the careful path (tomllib over the whole text) would read them the
    # same, several times slower.
    text = CASES["plain"].replace("\n", "\r\n")
    timeline = load._load_valid(text, "t.toml", None)
    assert timeline is not None and len(timeline.events) == 3
    assert timeline.lines == {"a": 4, "b": 17, "c": 30}
    assert timeline.events[0].summary == "Something happened.\n"


def test_progress_is_reported_up_to_the_end(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tuning, "CHUNK_EVERY", 1)
    seen: list[float] = []
    load.load_text(CASES["plain"], "t.toml", progress=seen.append)
    assert seen == sorted(seen) and len(seen) == 3 and seen[-1] == 1.0


@pytest.mark.parametrize("text", [CASES["plain"], CASES["duplicate id"], "x = ["])
def test_the_collector_is_running_again_afterwards(text: str) -> None:
    assert gc.isenabled()
    with contextlib.suppress(TimelineError):
        load.load_text(text)
    assert gc.isenabled()


def test_a_disabled_collector_stays_disabled() -> None:
    gc.disable()
    try:
        load.load_text(CASES["plain"])
        assert not gc.isenabled()
    finally:
        gc.enable()


# -- model validators: the fast checks decide as the full ones do --------------------------------


def reference_http_url(url: str) -> str:
    """The validator as it was before its fast path (tui.core.timeline.rules.http_url)."""
    if any(not c.isprintable() or c.isspace() for c in url):
        raise ValueError("spaces")
    scheme = url.partition(":")[0].lower()
    if scheme not in ("http", "https") or not url[len(scheme) :].startswith("://"):
        raise ValueError("scheme")
    parts = urlsplit(url)
    parts.port  # noqa: B018
    if not parts.hostname:
        raise ValueError("host")
    return url


def _verdict(check: Any, value: str) -> bool:
    try:
        check(value)
    except ValueError:
        return False
    return True


URL_PIECES = st.sampled_from(
    ["http", "https", "HTTPS", "ftp", ":", "//", "/", "?", "#", "@", "[", "]", "::1", ":80",
     ":x", "a", "example.org", "-", ".", " ", "\t", "\u00e9", "\u0085", "\u00a0", "%20", "\x1b",
     "\u200b", "\uff0e", "é.org"]
)  # fmt: skip


@settings(max_examples=3000, deadline=None)
@given(st.lists(URL_PIECES, max_size=8).map("".join))
def test_the_url_check_decides_as_before(url: str) -> None:
    assert _verdict(http_url, url) == _verdict(reference_http_url, url)


@pytest.mark.parametrize(
    "url",
    [
        "https://example.org",
        "https://example.org/a b",
        "HTTP://EXAMPLE.ORG/x?y#z",
        "https://exa_mple.org/",
        "https://example.org:8080/",
        "https://example.org:99999/",
        "https://user@example.org/",
        "https://[::1]/",
        "https://[::1/",
        "https://",
        "https:///path",
        "https://ex\u00e4mple.org/",
        "https://example.org/\u00e4",
        "https://example.org/\x7f",
        "https://a..b/",
        "https://./",
        "https://-/",
        "https://.example.org",
        "https://example.org.",
    ],
)
def test_the_url_check_decides_as_before_on_known_shapes(url: str) -> None:
    assert _verdict(http_url, url) == _verdict(reference_http_url, url)


def reference_one_line(text: str) -> str:
    if not text.strip():
        raise ValueError("empty")
    if "\n" in text or "\r" in text:
        raise ValueError("lines")
    if re.search("[\x00-\x08\x0b-\x1f\x7f-\x9f]", text):
        raise ValueError("controls")
    return text


@settings(max_examples=2000, deadline=None)
@given(st.text(st.sampled_from(["a", " ", "\t", "\n", "\r", "\x1b", "\x85", "\u00a0", "\u2028"])))
def test_the_one_line_check_decides_as_before(text: str) -> None:
    assert _verdict(one_line, text) == _verdict(reference_one_line, text)
