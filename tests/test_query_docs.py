"""docs/query.md's examples, run: every example parses, and its stated matches are the matches.

Tables whose header starts ``| query | matches`` give a query and the ids it selects on the
example timeline (tests/fixtures/query/timeline.toml, with today = 2025-06-30); tables whose
header is ``| query | error |`` give a query and the text its error contains; every line of a
```` ```query ```` block must parse. The example-timeline table must match the fixture.

Every other example query in README.md and docs/*.md (command lines, ```` ```query ```` blocks,
inline code) must return events: those in query.md on the example timeline, the rest on the
shipped timeline.toml; views named on a command line that opens the shipped timeline must
exist there.
"""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from datetime import date
from pathlib import Path

import pytest

from tui.core.files.load import load_timeline
from tui.core.query.edit import split_unfinished
from tui.core.query.evaluate import Index
from tui.core.query.language import FIELDS, QueryError, parse

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "query.md"
FIXTURE = Path(__file__).parent / "fixtures" / "query" / "timeline.toml"
TODAY = date(2025, 6, 30)


def tables(text: str) -> list[tuple[list[str], list[list[str]]]]:
    """Every pipe table: (header cells, body rows of cells)."""
    found = []
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        if lines[i].startswith("| ") and i + 1 < len(lines) and lines[i + 1].startswith("| ---"):
            header = _cells(lines[i])
            body = []
            i += 2
            while i < len(lines) and lines[i].startswith("|"):
                body.append(_cells(lines[i]))
                i += 1
            found.append((header, body))
        else:
            i += 1
    return found


def _cells(line: str) -> list[str]:
    # No table on the page holds a pipe inside a cell.
    return [cell.strip() for cell in line.strip().strip("|").split("|")]


def _code(cell: str) -> str:
    match = re.fullmatch(r"`(.*)`", cell)
    assert match, f"expected one `code` span: {cell!r}"
    return match.group(1)


DOC_TEXT = DOC.read_text(encoding="utf-8")
MATCH_ROWS = [
    row
    for header, body in tables(DOC_TEXT)
    if header[:2] == ["query", "matches in the example timeline"]
    for row in body
]
ERROR_ROWS = [
    row for header, body in tables(DOC_TEXT) if header == ["query", "error"] for row in body
]
QUERY_BLOCKS = [
    line
    for block in re.findall(r"```query\n(.*?)```", DOC_TEXT, re.S)
    for line in block.splitlines()
    if line.strip()
]


@pytest.fixture(scope="module")
def index() -> Index:
    return Index(load_timeline(FIXTURE).events, today=TODAY)


def test_the_doc_has_examples() -> None:
    assert len(MATCH_ROWS) >= 25 and len(ERROR_ROWS) >= 8 and len(QUERY_BLOCKS) >= 3


@pytest.mark.parametrize("row", MATCH_ROWS, ids=[r[0] for r in MATCH_ROWS])
def test_documented_matches(index: Index, row: list[str]) -> None:
    query, matches = _code(row[0]), row[1]
    expected = [] if matches == "none" else [_code(m) for m in matches.split(", ")]
    got = [index.events[i].id for i in index.filter(parse(query))]
    assert got == expected


@pytest.mark.parametrize("row", ERROR_ROWS, ids=[r[0] for r in ERROR_ROWS])
def test_documented_errors(row: list[str]) -> None:
    query, message = _code(row[0]), _code(row[1])
    with pytest.raises(QueryError) as caught:
        parse(query)
    assert message in str(caught.value)


@pytest.mark.parametrize("line", QUERY_BLOCKS)
def test_query_blocks_parse(line: str) -> None:
    assert not parse(line).is_empty


def test_inline_examples_in_the_field_table_parse() -> None:
    (_header, body), *_ = [t for t in tables(DOC_TEXT) if t[0][0] == "field"]
    assert [_code(row[0]) for row in body] == [
        "country", "platform", "action", "tag", "authority", "status", "id",
        "after", "before", "during", "asof",
    ]  # fmt: skip
    for row in body:
        parse(_code(row[2]))


def test_the_error_example_is_what_the_cli_prints(tmp_path: Path) -> None:
    block = re.search(r"```\n\$ (policy-tui list --query .*?)\n(.*?)```", DOC_TEXT, re.S)
    assert block
    query = re.search(r"'(.*)'", block.group(1)).group(1)  # type: ignore[union-attr]
    result = subprocess.run(
        [sys.executable, "-m", "tui", "list", str(FIXTURE), "--query", query],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert result.stderr == block.group(2)


def test_the_example_timeline_table_matches_the_fixture() -> None:
    (_header, body), *_ = [t for t in tables(DOC_TEXT) if t[0][0] == "id"]
    timeline = load_timeline(FIXTURE)
    with FIXTURE.open("rb") as handle:
        written = {e["id"] for e in tomllib.load(handle)["events"] if "status" in e}
    rows = [
        [
            event.id,
            event.date.iso(),
            event.end_date.iso() if event.end_date else "",
            event.status.value if event.id in written else f"*{event.status.value}*",
            event.action.value,
            event.country,
            ", ".join(event.platforms),
        ]
        for event in timeline.events
    ]
    assert body == rows


# --- every example query in README.md and docs/*.md -------------------------------------------
#
# Each example returns events: the ones in docs/query.md on its example timeline (the fixture),
# all others on the shipped timeline, today's date being today. Found as: `--query '…'` on a
# command line, `--view NAME` on a command line that opens the shipped timeline, the lines of
# a ```query block, and an inline `code span` that holds a field term (`country:RU`).

SHIPPED = ROOT / "timeline.toml"
EXAMPLE_DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
_FIELD_TERM = re.compile(rf"(?:^|[\s\-])(?:{'|'.join(FIELDS)}):")
# Mentions of a field's syntax, not examples: the field with no value or a placeholder value.
_SYNTAX = re.compile(rf"-?(?:{'|'.join(FIELDS)}):(?:[A-Z]+)?")
# Examples that are meant to match nothing (the text says so), and ones meant to fail.
DOCUMENTED_EMPTY = {("query.md", "platform:telegarm")}
DOCUMENTED_ERRORS = {("query.md", "country:RU platfrom:telegram")}
# A query as it stands while its last term is still being typed: the box holds the term back.
DOCUMENTED_UNFINISHED = {("query.md", "country:BR platform:")}


def _prose(text: str) -> str:
    return re.sub(r"^```.*?^```", "", text, flags=re.S | re.M)


def example_queries(path: Path) -> list[str]:
    text = path.read_text(encoding="utf-8")
    found = re.findall(r"--query[ =]'([^']*)'", text)
    for block in re.findall(r"```query\n(.*?)```", text, re.S):
        found += [line for line in block.splitlines() if line.strip()]
    for span in re.findall(r"`([^`\n]+)`", _prose(text)):
        if _FIELD_TERM.search(span) and "--query" not in span and not _SYNTAX.fullmatch(span):
            found.append(span)
    return list(dict.fromkeys(found))


def example_views(path: Path) -> list[str]:
    """Views named on command lines that open the shipped timeline (no path, or timeline.toml)."""
    views = []
    for line in path.read_text(encoding="utf-8").splitlines():
        opens_shipped = re.match(r"\$? ?policy-tui(?: list| export)?(?: timeline\.toml)? --", line)
        view = re.search(r"--view[ =](\S+)", line)
        if opens_shipped and view and view.group(1).islower():  # NAME is a placeholder
            views.append(view.group(1))
    return views


DOCUMENTED_QUERIES = {_code(row[0]) for row in MATCH_ROWS}
ERROR_SPANS = {cell.strip("`") for row in ERROR_ROWS for cell in row}
EXAMPLES = [
    (path.name, query)
    for path in EXAMPLE_DOCS
    for query in example_queries(path)
    if not (path.name == "query.md" and (query in DOCUMENTED_QUERIES or query in ERROR_SPANS))
]


@pytest.fixture(scope="module")
def shipped() -> Index:
    return Index(load_timeline(SHIPPED).events, today=date.today())


def test_the_docs_have_example_queries() -> None:
    names = {name for name, _ in EXAMPLES}
    assert {"README.md", "query.md", "publishing.md", "app.md"} <= names
    assert len(EXAMPLES) >= 30


@pytest.mark.parametrize(("doc", "query"), EXAMPLES, ids=[f"{d}:{q}" for d, q in EXAMPLES])
def test_every_example_query_returns_events(
    doc: str, query: str, index: Index, shipped: Index
) -> None:
    if (doc, query) in DOCUMENTED_ERRORS:
        with pytest.raises(QueryError):
            parse(query)
        return
    timeline = index if doc == "query.md" else shipped
    if (doc, query) in DOCUMENTED_UNFINISHED:
        with pytest.raises(QueryError):
            parse(query)
        query, held_back = split_unfinished(query)
        assert held_back is not None, f"{doc}: {query!r} is not held back as unfinished"
    got = timeline.filter(parse(query))
    if (doc, query) in DOCUMENTED_EMPTY:
        assert len(got) == 0
    else:
        assert len(got) >= 1, f"{doc}: {query!r} matches nothing"


@pytest.mark.parametrize("path", EXAMPLE_DOCS, ids=[p.name for p in EXAMPLE_DOCS])
def test_every_view_named_on_the_shipped_timeline_exists_and_returns_events(
    path: Path, shipped: Index
) -> None:
    timeline = load_timeline(SHIPPED)
    for name in example_views(path):
        assert name in timeline.views, f"{path.name}: --view {name}: no such view"
        assert len(shipped.filter(parse(timeline.views[name]))) >= 1


def test_stated_markdown_counts_are_the_example_timelines(index: Index) -> None:
    # "N events matching `Q`." quoted in the docs is the Markdown export's line for the
    # example timeline: computed here, never hard-coded.
    claims = re.findall(
        r"(\d+) events? matching `([^`]+)`", "".join(p.read_text() for p in EXAMPLE_DOCS)
    )
    assert claims
    for count, query in claims:
        assert int(count) == len(index.filter(parse(query))), query
