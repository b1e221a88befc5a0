"""Opening a big file: the app paints at once, shows the first events, then all of them."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from textual.pilot import Pilot

from tui.app.app import PolicyApp, make_app
from tui.app.widgets.event_list import EventList

from .screen import screen_text, settle

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "app" / "timeline.toml"
TODAY = date(2026, 6, 1)


def big_file(tmp_path: Path, copies: int) -> Path:
    """The fixture's events repeated with fresh ids and no related links."""
    import re

    text = FIXTURE.read_text()
    head, *events = re.split(r"(?m)^\[\[events\]\]\n", text)
    events = [re.sub(r"(?m)^related = \[.*?\]\n", "", e, flags=re.S) for e in events]
    out = [head]
    for n in range(copies):
        for event in events:
            out.append("[[events]]\n" + re.sub(r'(?m)^id = "(.+)"', rf'id = "\1-{n}"', event))
    path = tmp_path / "big.toml"
    path.write_text("".join(out))
    return path


async def test_a_file_loaded_in_the_background_ends_with_every_event(tmp_path: Path) -> None:
    path = big_file(tmp_path, 40)  # 560 events: more than the preview's 300
    app = make_app(path=path, today=TODAY, query="country:RU")
    async with app.run_test(size=(120, 40)) as pilot:
        for _ in range(200):
            await settle(pilot)
            if not app.loading:
                break
        assert not app.loading
        assert len(app.timeline.events) == 560
        view = app.query_one(EventList).view
        assert len(view) == 40 * 10  # the query survived the swap from preview to full load
        assert "400 / 560 events" in screen_text(app)


async def _exits_with_errors(path: Path) -> str:
    """The app opened on ``path`` exits with status 1; what the CLI then prints."""
    app = make_app(path=path, today=TODAY)
    async with app.run_test(size=(120, 40)) as pilot:
        for _ in range(200):
            await settle(pilot)
            if not app.is_running:
                break
    assert app.return_code == 1
    assert app.load_errors is not None
    return app.load_errors


async def test_a_broken_big_file_exits_with_the_loader_errors(tmp_path: Path) -> None:
    path = big_file(tmp_path, 30)
    path.write_text(path.read_text() + '\n[[events]]\nid = "broken"\ndate = "April 2018"\n')
    load_errors = await _exits_with_errors(path)
    assert "event 'broken': date:" in load_errors


async def test_a_bug_in_the_load_is_said_not_left_loading(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Not a screen saying "loading…" for ever: the app exits and the CLI prints why."""
    from tui.core.files import opening

    def broken(*args: object, **kwargs: object) -> object:
        yield opening.Estimate(420)
        raise RuntimeError("boom \x1b[31m")

    monkeypatch.setattr(opening, "stages", broken)
    path = big_file(tmp_path, 30)
    load_errors = await _exits_with_errors(path)
    assert "internal error (RuntimeError: boom" in load_errors
    assert str(path.name) in load_errors and "\x1b" not in load_errors


async def test_keys_are_answered_while_loading(tmp_path: Path) -> None:
    path = big_file(tmp_path, 40)
    app = make_app(path=path, today=TODAY)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("q")
        await pilot.pause()
    assert not app.is_running


async def _loaded(app: PolicyApp, pilot: Pilot[int]) -> None:
    for _ in range(200):
        await settle(pilot)
        if not app.loading:
            return


async def test_a_second_opening_reads_the_cache_and_shows_the_same(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import tui.core.files.load
    from tui.core.files import cache
    from tui.core.files.load import load_timeline

    path = big_file(tmp_path, 40)
    first = make_app(path=path, today=TODAY, query="country:RU")
    entry = cache.entry_path(path)
    assert entry is not None
    async with first.run_test(size=(120, 40)) as pilot:
        await _loaded(first, pilot)
        for _ in range(200):  # written by the load worker just after the list is shown
            if entry.exists():
                break
            await pilot.pause(0.02)
    assert entry.exists()
    expected = load_timeline(path)

    def no_parsing(*args: object, **kwargs: object) -> None:
        raise AssertionError("parsed again although the file is cached")

    # Whichever way in the loader has (the opening reads a file a block at a time).
    for way in ("load_text", "load_bytes", "load_file"):
        monkeypatch.setattr(tui.core.files.load, way, no_parsing)
    for prefetch in (None, cache.Prefetch(path).wait()):
        app = make_app(path=path, today=TODAY, query="country:RU", prefetch=prefetch)
        async with app.run_test(size=(120, 40)) as pilot:
            await _loaded(app, pilot)
            assert not app.loading
            assert app.timeline == expected
            assert app.file_digest == first.file_digest
            assert len(app.query_one(EventList).view) == 40 * 10
            assert "400 / 560 events" in screen_text(app)


async def test_a_file_loaded_in_the_background_is_watched_once_loaded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The watcher hashes the file when made: for a big file that is made by the load worker,
    not on the UI thread before the first frame, and edits after the load still reload."""
    import asyncio
    import threading

    from tui.app import loading as loading_module

    made_on_ui_thread: list[bool] = []
    real = loading_module.FileWatcher

    class Recording(real):  # type: ignore[misc, valid-type]
        def __init__(self, *args: object, **kwargs: object) -> None:
            made_on_ui_thread.append(threading.current_thread() is threading.main_thread())
            super().__init__(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(loading_module, "FileWatcher", Recording)
    path = big_file(tmp_path, 40)
    app = make_app(path=path, today=TODAY)
    async with app.run_test(size=(120, 40)) as pilot:
        await _loaded(app, pilot)
        for _ in range(100):
            if made_on_ui_thread:
                break
            await asyncio.sleep(0.02)
        assert made_on_ui_thread == [False]
        path.write_text(path.read_text().replace('title = "Russia blocks', 'title = "Edited: '))
        for _ in range(150):
            await settle(pilot)
            if any(e.title.startswith("Edited: ") for e in app.timeline.events):
                break
            await asyncio.sleep(0.05)
        assert any(e.title.startswith("Edited: ") for e in app.timeline.events)
        assert made_on_ui_thread == [False]  # the reload kept the same watcher


async def test_the_collector_paused_for_the_start_runs_again_after_the_first_frame() -> None:
    import gc

    from tui.core import tuning
    from tui.core.files.load import load_timeline

    tuning.gc_pause_for_start()  # as the CLI does before importing the UI
    try:
        app = make_app(load_timeline(FIXTURE), today=TODAY)
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            assert gc.isenabled()
    finally:
        tuning.gc_end_start()
        gc.unfreeze()


async def test_the_header_says_the_file_is_read_before_any_rows_then_counts_them() -> None:
    from tui.app.widgets.header import TimelineHeader
    from tui.core.files.load import load_timeline

    app = make_app(load_timeline(FIXTURE), today=TODAY)
    async with app.run_test(size=(120, 40)):
        header = app.query_one(TimelineHeader)
        header.show("Loading…", "big.toml", 0, 0, "", loading=True)
        plain = header.render().plain
        assert "⟳ reading the file…" in plain and "0 / 0" not in plain
        header.show("Big", "big.toml", 300, 300, "", loading=True)
        # Not "300 / 300 events": that read as the whole file (issue #13).
        assert "300 events so far  ⟳ loading the rest…" in header.render().plain
        header.show("Big", "big.toml", 300, 300, "", loading=True, expected=100_000)
        assert "300 of ~100,000 events  ⟳ loading the rest…" in header.render().plain
        header.show("Big", "big.toml", 12, 300, "country: RU", loading=True, expected=100_000)
        assert "12 of 300 events so far (~100,000 in the file)" in header.render().plain
        header.show("Big", "big.toml", 12, 300, "country: RU", loading=True)
        assert "12 of 300 events so far  ⟳" in header.render().plain
        header.show("Empty", "empty.toml", 0, 0, "", loading=False)
        assert "0 / 0 events" in header.render().plain  # loaded, and really empty


async def test_while_loading_the_header_says_how_many_of_about_how_many(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """At 100k the header said "300 / 300 events" while the rest loaded: the first events
    now count against an estimate from the file's first megabyte."""
    import threading

    import tui.core.files.load
    from tui.app.widgets.header import TimelineHeader
    from tui.core.files.opening import estimate_events

    monkeypatch.setenv("POLICY_TUI_CACHE", "off")
    path = big_file(tmp_path, 40)  # 560 events
    data = path.read_bytes()
    assert estimate_events(data, len(data)) == 560
    assert estimate_events(data[: len(data) // 4], len(data)) in range(500, 621)
    gate = threading.Event()
    real = tui.core.files.load.load_file  # what the opening parses the rest with

    def held(*args: object, **kwargs: object) -> object:
        gate.wait(10)
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(tui.core.files.load, "load_file", held)
    app = make_app(path=path, today=TODAY)
    async with app.run_test(size=(120, 40)) as pilot:
        header = app.query_one(TimelineHeader)
        try:
            for _ in range(200):
                await pilot.pause(0.02)
                if "300 of ~560 events" in header.render().plain:
                    break
            plain = header.render().plain
            assert "300 of ~560 events  ⟳ loading the rest" in plain, plain
            assert "300 / 300" not in plain
        finally:
            gate.set()
        await _loaded(app, pilot)
        assert "560 / 560 events" in header.render().plain


async def test_make_app_opens_a_path_as_the_cli_does(tmp_path: Path) -> None:
    """The CLI's form: a small file is loaded up front (its problems raise before any screen);
    a big one opens at once and loads in the background."""
    from tui.core.timeline.errors import TimelineError

    app = make_app(FIXTURE, today=TODAY, query="country:RU")
    assert not app.loading and app.file_digest is not None
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert "country:RU" in screen_text(app)
    broken = tmp_path / "broken.toml"
    broken.write_text('[[events]]\nid = "broken"\ndate = "April 2018"\n')
    with pytest.raises(TimelineError):
        make_app(broken, today=TODAY)
    import tui.core.files.opening as opening
    from tui.core import tuning

    big = big_file(tmp_path, 40)
    assert opening.is_big(big) is (big.stat().st_size > tuning.BACKGROUND_LOAD_BYTES)
    app = make_app(big, today=TODAY, opening=opening.begin(big, load=False))
    assert app.loading
    async with app.run_test(size=(120, 40)) as pilot:
        for _ in range(200):
            await settle(pilot)
            if not app.loading:
                break
        assert len(app.timeline.events) == 560


async def test_an_opening_from_the_cache_gets_ready_for_a_save(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first save after an opening from the cache reloads as fast as the next ones: the
    chunks the entry outlined are unfolded (and the loader imported) once the opening is done."""
    from tui.core.files import cache
    from tui.core.files.chunks import Reuse

    path = big_file(tmp_path, 40)
    cache.load_cached(path)  # the entry, with its outline
    unfolded: list[Reuse] = []
    unfold = Reuse.unfold

    def spied(self: Reuse) -> None:
        unfold(self)
        unfolded.append(self)

    monkeypatch.setattr(Reuse, "unfold", spied)
    app = make_app(path=path, today=TODAY)
    async with app.run_test(size=(120, 40)) as pilot:
        await _loaded(app, pilot)
        for _ in range(200):
            if unfolded:
                break
            await pilot.pause(0.05)
    assert len(unfolded) == 1 and len(unfolded[0]) > 0
