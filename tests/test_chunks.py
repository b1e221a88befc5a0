"""An edit reparses only the chunks it touched, and what it gives is what a fresh load gives."""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tui.core import tuning
from tui.core.files import cache, chunks
from tui.core.files.load import load_text
from tui.core.timeline.errors import TimelineError
from tui.core.timeline.event import Event, Timeline


def event(n: int, title: str | None = None, day: int | None = None, extra: str = "") -> str:
    return (
        f'[[events]]\nid = "e-{n}"\ndate = {2000 + (n * 7) % 23}-01-{1 + (day or n) % 28:02d}\n'
        f'title = "{title or f"Title {n}"}"\ncountry = "RU"\naction = "fine"\n'
        f'summary = """\nWhat happened to {n}.\n"""\n{extra}'
        f'[[events.sources]]\npublisher = "P"\nurl = "https://example.org/{n}"\n\n'
    )


HEAD = '#:schema ./timeline.schema.json\n[timeline]\ntitle = "T"\n\n'
COUNT = 200


def text_of(parts: list[str]) -> str:
    return HEAD + "".join(parts)


@pytest.fixture(autouse=True)
def small_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    # About 25 chunks of 8 events, as a 100k file has ~400 of ~250.
    monkeypatch.setattr(tuning, "CHUNK_EVERY", 8)


def starts(text: str) -> list[int]:
    """Where each chunk after the head begins, as offsets into ``text``."""
    found, at = [], 0
    for number, piece in enumerate(chunks.pieces([text])):
        if number:
            found.append(at)
        at += len(piece)
    return found


def same(got: Timeline, want: Timeline) -> None:
    assert got == want  # info, events (every field), views, lines
    assert [e.id for e in got.events] == [e.id for e in want.events]


def outcome(text: str, reuse: chunks.Reuse | None = None) -> Timeline | str:
    try:
        return load_text(text, "t.toml", reuse=reuse)
    except TimelineError as error:
        return error.format()


def test_the_cuts_are_chosen_by_content_not_position() -> None:
    parts = [event(n) for n in range(COUNT)]
    before = starts(text_of(parts))
    parts[3] = event(3, title="A much, much longer title than the one it replaces")
    after = starts(text_of(parts))
    assert 10 < len(before) < 60
    shift = len(parts[3]) - len(event(3))
    # Every cut after the edited event moved by exactly the characters the edit added.
    edited_at = len(HEAD) + sum(map(len, parts[:3]))
    assert [c for c in before if c > edited_at] == [c - shift for c in after if c > edited_at]


def test_a_title_edit_reparses_one_chunk_and_loads_as_a_fresh_load() -> None:
    parts = [event(n) for n in range(COUNT)]
    reuse = chunks.Reuse()
    load_text(text_of(parts), "t.toml", reuse=reuse)
    assert reuse.parsed == len(starts(text_of(parts))) and reuse.borrowed == 0
    parts[100] = event(100, title="Edited")
    got = load_text(text_of(parts), "t.toml", reuse=reuse)
    assert (reuse.parsed, reuse.borrowed) == (1, len(starts(text_of(parts))) - 1)
    same(got, load_text(text_of(parts), "t.toml"))
    assert got.get("e-100").title == "Edited"  # type: ignore[union-attr]


def test_lines_follow_an_edit_that_adds_lines_above() -> None:
    parts = [event(n) for n in range(COUNT)]
    reuse = chunks.Reuse()
    load_text(text_of(parts), "t.toml", reuse=reuse)
    parts[10] = event(10, extra='tags = [\n  "one",\n  "two",\n]\n')
    got = load_text(text_of(parts), "t.toml", reuse=reuse)
    want = load_text(text_of(parts), "t.toml")
    assert reuse.parsed == 1
    same(got, want)
    assert got.lines["e-199"] == want.lines["e-199"] > 0


@pytest.mark.parametrize("broken", ["related", "duplicate"])
def test_an_error_after_added_lines_names_the_line_of_the_file_as_saved(broken: str) -> None:
    """Lines added above chunks that are then borrowed, and a later event broken: the error
    names the broken event's line in the text as it is now."""
    parts = [event(n) for n in range(COUNT)]
    reuse = chunks.Reuse()
    load_text(text_of(parts), "t.toml", reuse=reuse)
    parts[10] = event(10, extra='tags = [\n  "one",\n  "two",\n]\n')
    load_text(text_of(parts), "t.toml", reuse=reuse)
    assert reuse.parsed == 1 and reuse.borrowed > 10
    parts[150] = event(150, extra='related = ["e-9999"]\n') if broken == "related" else event(7)
    text = text_of(parts)
    got = outcome(text, reuse)
    assert got == outcome(text)
    header = text[: text.index("[[events]]", text.index('id = "e-149"'))].count("\n") + 1
    below = 9 if broken == "related" else 1  # the related line, or the id line
    assert f"t.toml:{header + below}:" in str(got)


def test_a_changed_date_moves_the_event_in_date_order() -> None:
    parts = [event(n) for n in range(COUNT)]
    reuse = chunks.Reuse()
    load_text(text_of(parts), "t.toml", reuse=reuse)
    parts[123] = event(123, day=27).replace("date = 20", "date = 19", 1)
    got = load_text(text_of(parts), "t.toml", reuse=reuse)
    same(got, load_text(text_of(parts), "t.toml"))
    assert got.events[0].id == "e-123"


@pytest.mark.parametrize("kind", ["title", "date", "delete", "insert", "views"])
def test_a_big_file_keeps_the_last_date_order_through_an_edit(
    kind: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With few events fresh, the last load's order is reused (its events taken out and put
    in by bisection): the same order a sort gives."""
    parts = [event(n) for n in range(1200)]
    reuse = chunks.Reuse()
    load_text(text_of(parts), "t.toml", reuse=reuse)
    reused: list[bool] = []
    in_date_order = reuse.in_date_order

    def spied(*args: Any) -> list[Event] | None:
        found = in_date_order(*args)
        reused.append(found is not None)
        return found

    monkeypatch.setattr(reuse, "in_date_order", spied)
    for n in (600, 5, 1100, 300):
        if kind == "date":
            parts[n] = parts[n].replace("date = 20", "date = 19", 1)
        elif kind == "insert":
            parts.insert(n, event(5000 + n))
        elif kind == "views" and n < 1100:
            edited(parts, "title", n)
        else:
            edited(parts, kind, n)
        got = load_text(text_of(parts), "t.toml", reuse=reuse)
        same(got, load_text(text_of(parts), "t.toml"))
    # A chunk with a [views] table is lent to no load: from then on the last load's order
    # holds events from no chunk held, and those borrowed are found in it by identity.
    assert reused == [True] * 4


def test_an_edit_that_breaks_the_file_reports_as_a_fresh_load_and_lends_nothing() -> None:
    parts = [event(n) for n in range(COUNT)]
    reuse = chunks.Reuse()
    load_text(text_of(parts), "t.toml", reuse=reuse)
    parts[50] = event(7)  # a second e-7
    assert outcome(text_of(parts), reuse) == outcome(text_of(parts))
    assert "e-7" in str(outcome(text_of(parts)))
    assert len(reuse) == 0


def test_a_header_inside_a_string_never_lends_a_chunk() -> None:
    parts = [event(n) for n in range(COUNT)]
    parts[30] = event(30).replace("What happened", "[[events]]\nWhat happened")
    reuse = chunks.Reuse()
    first = load_text(text_of(parts), "t.toml", reuse=reuse)
    same(first, load_text(text_of(parts), "t.toml"))
    parts[31] = event(31, title="Edited")
    same(load_text(text_of(parts), "t.toml", reuse=reuse), load_text(text_of(parts), "t.toml"))


EDITS = st.lists(
    st.tuples(
        st.sampled_from(["title", "date", "delete", "insert", "duplicate", "garbage", "views"]),
        st.integers(0, COUNT - 1),
    ),
    min_size=1,
    max_size=4,
)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(EDITS)
def test_any_edits_give_what_a_fresh_load_gives(edits: list[tuple[str, int]]) -> None:
    parts = [event(n) for n in range(COUNT)]
    reuse = chunks.Reuse()
    load_text(text_of(parts), "t.toml", reuse=reuse)
    for kind, n in edits:
        edited(parts, kind, n)
        text = text_of(parts)
        got, want = outcome(text, reuse), outcome(text)
        assert got == want
        if isinstance(got, Timeline) and isinstance(want, Timeline):
            same(got, want)


def edited(parts: list[str], kind: str, n: int) -> None:
    """Apply one edit of ``EDITS`` to ``parts``."""
    n %= len(parts)
    if kind == "title":
        parts[n] = parts[n].replace('title = "', 'title = "Edited ', 1)
    elif kind == "date":
        parts[n] = parts[n].replace("-01-", "-02-", 1)
    elif kind == "delete" and len(parts) > 1:
        del parts[n]
    elif kind == "insert":
        parts.insert(n, event(COUNT + n))
    elif kind == "duplicate":
        parts.insert(n, parts[n])
    elif kind == "garbage":
        parts[n] = parts[n].replace("summary", "sumary", 1)
    elif kind == "views":
        parts[n] += '[views]\nru = "country:RU"\n'


def blocks_of(text: str, size: int) -> list[str]:
    """``text`` in blocks of whole lines, about ``size`` characters each."""
    blocks, block = [], ""
    for line in text.splitlines(keepends=True):
        block += line
        if len(block) >= size:
            blocks.append(block)
            block = ""
    return [*blocks, block]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(EDITS, st.sampled_from([8, 3]), st.integers(200, 3000))
def test_chunks_held_are_cut_where_a_scan_cuts(
    edits: list[tuple[str, int]], every: int, block: int
) -> None:
    """``pieces`` takes a chunk the last load saw whole: the cuts stay where the rule puts them,
    edits around them, blocks, or a rule changed since (``every``) notwithstanding."""
    parts = [event(n) for n in range(COUNT)]
    reuse = chunks.Reuse()
    load_text(text_of(parts), "t.toml", reuse=reuse)
    for kind, n in edits:
        edited(parts, kind, n)
    text = text_of(parts)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(tuning, "CHUNK_EVERY", every)
        want = list(chunks.pieces([text]))
        assert list(chunks.pieces([text], reuse)) == want
        assert list(chunks.pieces(blocks_of(text, block), reuse)) == want


def test_a_reload_looks_at_the_headers_of_the_edited_chunk_only(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    parts = [event(n) for n in range(COUNT)]
    reuse = chunks.Reuse()
    load_text(text_of(parts), "t.toml", reuse=reuse)
    parts[100] = event(100, title="Edited")
    looked: list[int] = []
    mark = chunks._mark

    def counted(text: str, end: int, done: bool) -> int | None:
        looked.append(end)
        return mark(text, end, done)

    monkeypatch.setattr(chunks, "_mark", counted)
    hashed: list[str] = []
    digest = chunks.digest
    monkeypatch.setattr(chunks, "digest", lambda chunk: hashed.append(chunk) or digest(chunk))
    assert len(list(chunks.pieces([text_of(parts)]))) > 10
    scanned = len(looked)
    assert scanned == COUNT
    looked.clear()
    got = load_text(text_of(parts), "t.toml", reuse=reuse)
    assert got.get("e-100").title == "Edited"  # type: ignore[union-attr]
    assert reuse.parsed == 1
    # Two looks per chunk taken whole (its first header's line, the next one's), a scan of the
    # edited chunk; and each chunk hashed once.
    assert len(looked) < scanned // 2
    assert len(hashed) == reuse.parsed + reuse.borrowed


def test_the_cache_entry_lends_the_next_load_its_chunks(tmp_path: Path) -> None:
    path = tmp_path / "timeline.toml"
    parts = [event(n) for n in range(COUNT)]
    path.write_text(text_of(parts))
    cache.load_cached(path, chunks.Reuse())  # parses and stores, with the outline
    reuse = chunks.Reuse()
    _, digest = cache.load_cached(path, reuse)  # another process: a hit
    entry = cache.entry(path, digest)
    assert entry is not None and entry.timeline() is not None and entry.outline
    parts[77] = event(77, title="Edited between two openings")
    path.write_text(text_of(parts))
    got, _ = cache.load_cached(path, reuse)
    assert reuse.parsed == 1
    same(got, load_text(text_of(parts), str(path)))
    assert got.get("e-77").title == "Edited between two openings"  # type: ignore[union-attr]


def test_an_outline_that_does_not_fit_lends_nothing() -> None:
    parts = [event(n) for n in range(COUNT)]
    timeline = load_text(text_of(parts), "t.toml")
    reuse = chunks.Reuse()
    reuse.lend(timeline, [(b"x" * 32, 10**6, 5, 40, 900, 1)])
    assert len(reuse) == 0
    with contextlib.suppress(TimelineError):
        same(load_text(text_of(parts), "t.toml", reuse=reuse), timeline)
    assert reuse.borrowed == 0


def test_an_edited_file_borrows_from_the_entry_of_its_last_version(tmp_path: Path) -> None:
    """The next process: the entry's key no longer fits the edited bytes, so it is never shown,
    but its chunks still spare the load the parse of whatever the edit left alone."""
    path = tmp_path / "timeline.toml"
    parts = [event(n) for n in range(COUNT)]
    path.write_text(text_of(parts))
    cache.load_cached(path)
    parts[5] = event(5, title="Edited while the app was closed")
    path.write_text(text_of(parts))
    reuse = chunks.Reuse()  # as a new process has
    got, digest = cache.load_cached(path, reuse)
    assert reuse.parsed == 1 and reuse.borrowed > 10
    same(got, load_text(text_of(parts), str(path)))
    assert cache.entry(path, digest) is not None  # the new version is kept for the next opening


def test_the_entry_of_another_version_lends_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "timeline.toml"
    parts = [event(n) for n in range(COUNT)]
    path.write_text(text_of(parts))
    cache.load_cached(path)
    monkeypatch.setattr(cache, "_code", lambda: bytes(32))  # as long as a real one
    assert cache.previous(path) is None
    parts[5] = event(5, title="Edited")
    path.write_text(text_of(parts))
    reuse = chunks.Reuse()
    cache.load_cached(path, reuse)
    assert reuse.borrowed == 0


def test_the_apps_opening_of_an_edited_file_borrows_and_says_so(tmp_path: Path) -> None:
    from datetime import date

    from tui.core.files.opening import Loaded, Opening, stages

    path = tmp_path / "timeline.toml"
    parts = [event(n) for n in range(COUNT)]
    path.write_text(text_of(parts))
    notes: list[str] = []
    first = Opening(path)
    list(stages(first, date(2026, 1, 1), notes.append))  # no entry yet: parses, stores
    assert first.reuse.borrowed == 0
    assert not any("unchanged" in note for note in notes)
    parts[9] = event(9, title="Edited before this opening")
    path.write_text(text_of(parts))
    second = Opening(path)
    loaded = [s for s in stages(second, date(2026, 1, 1), notes.append) if isinstance(s, Loaded)]
    assert second.reuse.parsed == 1 and second.reuse.borrowed > 10
    assert any("unchanged since the last opening" in note for note in notes)
    same(loaded[0].timeline, load_text(text_of(parts), str(path)))


def test_overlapping_reloads_never_keep_one_load_with_anothers_outline(tmp_path: Path) -> None:
    """Two saves in quick succession: the first reload's late ``keep`` came after the second
    load had replaced what the shared Reuse held; its entry then paired one text's events with
    another's chunks, and the next opening showed the first save's title for the second's."""
    path = tmp_path / "timeline.toml"
    parts = [event(n) for n in range(COUNT)]
    path.write_text(text_of(parts))
    reuse = chunks.Reuse()
    cache.load_cached(path, reuse)
    parts[5] = event(5, title="Saved first")
    path.write_text(text_of(parts))
    first, first_digest = cache.load_cached(path, reuse, keep=False)
    parts[5] = event(5, title="Saved second")
    path.write_text(text_of(parts))
    second, second_digest = cache.load_cached(path, reuse, keep=False)
    assert reuse.outline_of(first) == [] and reuse.outline_of(second)
    cache.keep(path, second_digest, second, reuse)
    cache.keep(path, first_digest, first, reuse)  # late: the first reload was never shown
    for _ in range(2):  # the next opening, and the one after (a hit for its bytes)
        got, _ = cache.load_cached(path, chunks.Reuse())
        same(got, load_text(text_of(parts), str(path)))
        assert got.get("e-5").title == "Saved second"  # type: ignore[union-attr]


def test_a_file_that_opens_with_a_header_is_read_in_chunks_too() -> None:
    text = "".join(event(n) for n in range(COUNT))
    reuse = chunks.Reuse()
    first = load_text(text, "t.toml", reuse=reuse)
    same(first, load_text(text, "t.toml"))
    assert starts(text)[0] == 0 and reuse.parsed > 1
    edited = text.replace("Title 150", "Edited", 1)
    same(load_text(edited, "t.toml", reuse=reuse), load_text(edited, "t.toml"))
    assert reuse.parsed == 1


def test_an_indented_header_never_shifts_the_lines_of_the_events_after_it() -> None:
    """An indented ``[[events]]`` is not counted as a plain header; with a header-like line in
    a string in the same chunk, the counts matched and every line after shifted by one."""
    from tui.core.files.locate import event_header_lines

    parts = [event(n) for n in range(4)]
    parts[1] = "  " + parts[1]
    parts[2] = parts[2].replace("What", "[[events]]\nWhat", 1)
    text = text_of(parts)
    timeline = load_text(text, "t.toml")
    assert list(timeline.lines.values()) == event_header_lines(text, 4)


EVENTS = "".join(event(n) for n in range(3))
BRACKETED = {
    "footnote": EVENTS.replace("What", "[1] a note\nWhat", 1),
    "views": EVENTS + '[views]\nmine = "country:RU"\n',
}


@pytest.mark.parametrize("chunk", BRACKETED.values(), ids=BRACKETED.keys())
def test_a_line_opening_with_a_bracket_leaves_header_lines_counted_but_the_chunk_not_lent(
    chunk: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Only a header written otherwise needs the locator (slow over a file of such chunks): a
    footnote in a summary, or a table other than events, only keeps the chunk from being lent."""
    from tui.core.files import load
    from tui.core.files.locate import event_header_lines

    located = [at - 1 for at in event_header_lines(chunk, 3) or []]

    def slow(chunk: str, expected: int) -> list[int] | None:
        raise AssertionError("the locator was asked")

    monkeypatch.setattr(load, "event_header_lines", slow)
    parsed = load.parse_events(chunk)
    assert parsed is not None
    _data, _events, offsets, newlines, lendable = parsed
    assert (offsets, newlines, lendable) == (located, chunk.count("\n"), False)
