"""docs/query.md's examples, run: every example parses, and its stated matches are the matches.

Tables whose header starts ``| query | matches`` give a query and the ids it selects on the
example timeline (tests/fixtures/query/timeline.toml, with today = 2025-06-30); tables whose
header is ``| query | error |`` give a query and the text its error contains; every line of a
```` ```query ```` block must parse. The example-timeline table must match the fixture.
"""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from datetime import date
from pathlib import Path

import pytest

from tui.core.load import load_timeline
from tui.core.query import Index, QueryError, parse

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
            event.state.value if event.id in written else f"*{event.state.value}*",
            event.action.value,
            event.country,
            ", ".join(event.platforms),
        ]
        for event in timeline.events
    ]
    assert body == rows
