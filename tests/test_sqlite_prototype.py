"""The sqlite3 prototype of issue #17 (benchmarks/prototype, not shipped) answers as the engine.

Same kept events in the same order and the same facet counts as ``Index`` on the shipped
timeline, before and after its search index; a reload parses only the edited chunk; a damaged
or other-version database is rebuilt; a file with problems gives the loader's own errors.
"""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path

import pytest

from tui.core.files.load import load_bytes
from tui.core.query.evaluate import Index
from tui.core.query.language import FACETS, parse
from tui.core.timeline.errors import TimelineError

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))

from prototype import sqlite_engine as se

SHIPPED = Path(__file__).resolve().parent.parent / "timeline.toml"
QUERIES = (
    "",
    "t",
    "telegram",
    "court order",
    "country:RU",
    "country:RU,IR -platform:telegram",
    "tag:encryption,vpn",
    "authority:court",
    "action:block,law asof:2020-01-01",
    "during:2019",
    "before:2015",
    "after:2020-05",
    "status:ongoing",
    "id:ru-*",
    '-"roskomnadzor" platform:telegram',
)


@pytest.fixture
def timeline_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("POLICY_TUI_SQLITE", str(tmp_path / "db"))
    copy = tmp_path / "timeline.toml"
    copy.write_bytes(SHIPPED.read_bytes())
    return copy


def _same_as_index(store: se.Store, path: Path) -> None:
    timeline = load_bytes(path.read_bytes(), str(path))
    index = Index(timeline.events, today=store.today)
    for text in QUERIES:
        query = parse(text)
        expected = [timeline.events[i].id for i in index.filter(query)]
        assert [e.id for e in store.rows(store.filter(query))] == expected, text
        for facet in FACETS:
            assert store.facet_counts(query, facet) == index.facet_counts(query, facet), text


def test_queries_and_facets_agree_with_the_index(timeline_file: Path) -> None:
    store = se.open(timeline_file, workers=1)
    _same_as_index(store, timeline_file)
    store.build_search()
    _same_as_index(store, timeline_file)
    timeline = load_bytes(timeline_file.read_bytes(), str(timeline_file))
    event = timeline.events[7]
    (rowid,) = store.filter(parse(f"id:{event.id}"))
    assert store.rows([rowid]) == [event]
    assert store.line(rowid) == timeline.lines[event.id]


def test_reload_parses_only_the_edited_chunk(timeline_file: Path) -> None:
    store = se.open(timeline_file, workers=1)
    store.build_search()
    data = timeline_file.read_bytes()
    at = data.index(b'\ntitle = "', data.rindex(b"\n[[events]]")) + 10
    end = data.index(b'"', at)
    timeline_file.write_bytes(b"# moved down a line\n" + data[:at] + b"Xyzzy edit" + data[end:])
    assert store.reload() == 1
    (event,) = store.rows(store.filter(parse("xyzzy")))
    assert event.title == "Xyzzy edit"
    _same_as_index(store, timeline_file)
    assert store.reload() == 0  # nothing changed since


@pytest.mark.parametrize("damage", ["header", "version"])
def test_a_damaged_or_other_version_database_is_rebuilt(timeline_file: Path, damage: str) -> None:
    store = se.open(timeline_file, workers=1)
    count = len(store)
    store.conn.close()
    db = se.db_path(timeline_file)
    if damage == "header":
        db.write_bytes(b"not a database" + db.read_bytes()[14:])
    else:
        conn = sqlite3.connect(db)
        conn.execute(f"PRAGMA user_version = {se.SCHEMA_VERSION + 1}")
        conn.close()
    assert len(se.open(timeline_file, workers=1)) == count


def test_a_file_with_problems_gives_the_loaders_errors(timeline_file: Path) -> None:
    data = timeline_file.read_bytes().replace(b'action = "block"', b'action = "blok"', 1)
    timeline_file.write_bytes(data)
    with pytest.raises(TimelineError) as raised:
        se.open(timeline_file, workers=1)
    with pytest.raises(TimelineError) as expected:
        load_bytes(data, str(timeline_file))
    assert raised.value.problems == expected.value.problems
