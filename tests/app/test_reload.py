"""The edit loop in the app: live reload, the problems panel, and `e` for the editor."""

from __future__ import annotations

import contextlib
import os
import shutil
import stat
from datetime import date
from pathlib import Path

import pytest
from textual.widgets import OptionList

from tui.app.app import PolicyApp, make_app
from tui.app.widgets.event_list import EventList
from tui.app.widgets.problems import ProblemsPanel
from tui.core.files.load import load_timeline

from .screen import screen_text, settle, wait_until

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "app" / "timeline.toml"
TODAY = date(2026, 6, 1)


@pytest.fixture
def timeline_file(tmp_path: Path) -> Path:
    copy = tmp_path / "timeline.toml"
    shutil.copy(FIXTURE, copy)
    return copy


def open_app(path: Path, **kwargs: object) -> PolicyApp:
    return make_app(load_timeline(path), today=TODAY, **kwargs)  # type: ignore[arg-type]


async def test_a_save_is_picked_up_keeping_query_and_highlight(timeline_file: Path) -> None:
    app = open_app(timeline_file, query="country:RU", goto="ru-2022-instagram-block")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert app.query_one(EventList).highlighted.id == "ru-2022-instagram-block"
        text = timeline_file.read_text()
        timeline_file.write_text(
            text.replace('title = "Russia blocks Facebook"', 'title = "Russia blocks Facebook!"')
        )
        await wait_until(pilot, lambda: "Russia blocks Facebook!" in screen_text(app), 3.0)
        assert app.query_one(EventList).highlighted.id == "ru-2022-instagram-block"
        assert app.query_one("#search").value == "country:RU"


async def test_an_invalid_save_shows_problems_and_keeps_the_last_good_data(
    timeline_file: Path,
) -> None:
    app = open_app(timeline_file)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        good = timeline_file.read_text()
        before = len(app.timeline.events)
        timeline_file.write_text(good.replace('title = "Russia blocks Facebook"', 'titel = "x"'))
        panel = app.query_one(ProblemsPanel)
        await wait_until(pilot, lambda: panel.showing, 3.0)
        text = screen_text(app)
        assert "titel: unknown field; did you mean 'title'?" in text
        assert f"{timeline_file}:" in text
        await pilot.press("p")  # p goes to the problems while there are any
        await settle(pilot)
        assert app.focused is panel.query_one(OptionList)
        assert len(app.timeline.events) == before  # still the last good data
        assert app.file_digest is None  # saving from the form must now refuse
        timeline_file.write_text(good)
        await wait_until(pilot, lambda: not panel.showing, 3.0)
        assert app.file_digest is not None


async def test_p_without_problems_says_so(timeline_file: Path) -> None:
    app = open_app(timeline_file)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        focused = app.focused
        await pilot.press("p")
        await settle(pilot)
        assert not app.query_one(ProblemsPanel).showing
        assert app.focused is focused
        messages = [str(n.message) for n in app._notifications]
        assert "The file loads without problems." in messages


async def test_a_deleted_file_is_a_problem_not_a_crash(timeline_file: Path) -> None:
    app = open_app(timeline_file)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        good = timeline_file.read_bytes()
        timeline_file.unlink()
        panel = app.query_one(ProblemsPanel)
        await wait_until(pilot, lambda: panel.showing, 3.0)
        assert "no such file" in screen_text(app)
        # An editor that saves by rename: a new file appears in its place.
        replacement = timeline_file.with_suffix(".tmp")
        replacement.write_bytes(good)
        os.replace(replacement, timeline_file)
        await wait_until(pilot, lambda: not panel.showing, 3.0)
        assert app.is_running


def fake_editor(tmp_path: Path) -> tuple[Path, Path]:
    """An $EDITOR that records its arguments and appends a comment to the file."""
    log = tmp_path / "editor-args.txt"
    script = tmp_path / "fake-editor"
    script.write_text(
        "#!/bin/sh\n"
        f'printf "%s\\n" "$@" > "{log}"\n'
        "for last; do :; done\n"
        'printf "# edited\\n" >> "$last"\n'
    )
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return script, log


async def test_e_opens_the_editor_at_the_event_line_and_reloads(
    timeline_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    script, log = fake_editor(tmp_path)
    monkeypatch.setenv("VISUAL", str(script))
    app = open_app(timeline_file, goto="ru-2022-facebook-block")
    async with app.run_test(size=(120, 40)) as pilot:
        monkeypatch.setattr(app, "suspend", contextlib.nullcontext)
        await settle(pilot)
        line = app.timeline.lines["ru-2022-facebook-block"]
        await pilot.press("e")
        await settle(pilot)
        assert log.read_text().split("\n")[:2] == [f"+{line}", str(timeline_file)]
        assert timeline_file.read_text().endswith("# edited\n")
        assert app.query_one(EventList).highlighted.id == "ru-2022-facebook-block"


async def test_e_from_the_problems_panel_opens_at_the_problem(
    timeline_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    script, log = fake_editor(tmp_path)
    monkeypatch.setenv("VISUAL", str(script))
    app = open_app(timeline_file)
    async with app.run_test(size=(120, 40)) as pilot:
        monkeypatch.setattr(app, "suspend", contextlib.nullcontext)
        await settle(pilot)
        text = timeline_file.read_text()
        timeline_file.write_text(text.replace("date = 2022-03-04", 'date = "March 2022"'))
        panel = app.query_one(ProblemsPanel)
        await wait_until(pilot, lambda: panel.showing, 3.0)
        problem_line = panel.selected.line
        assert problem_line is not None
        await pilot.press("e")
        await settle(pilot)
        assert log.read_text().split("\n")[0] == f"+{problem_line}"


async def test_a_missing_editor_is_a_message_not_a_crash(
    timeline_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("VISUAL", "/nonexistent/editor")
    app = open_app(timeline_file)
    async with app.run_test(size=(120, 40)) as pilot:
        monkeypatch.setattr(app, "suspend", contextlib.nullcontext)
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        assert app.is_running
        messages = [str(n.message) for n in app._notifications]
        assert any("editor not found" in m for m in messages)


async def test_a_reload_while_the_box_holds_an_unfinished_query_keeps_the_list(
    timeline_file: Path,
) -> None:
    app = open_app(timeline_file, query="country:RU")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        shown = len(app.query_one(EventList).view)
        search = app.query_one("#search")
        search.value = 'country:RU "unfinished'  # does not parse yet
        await settle(pilot)
        text = timeline_file.read_text()
        timeline_file.write_text(
            text.replace('title = "Russia blocks Facebook"', 'title = "Russia blocks Facebook!"')
        )
        await wait_until(pilot, lambda: "Russia blocks Facebook!" in screen_text(app), 3.0)
        assert len(app.query_one(EventList).view) == shown  # the last valid query, reapplied
        assert search.value == 'country:RU "unfinished'  # and the box is left as typed


def rows_in_view(app: PolicyApp) -> range:
    events = app.query_one(EventList)
    top = int(events.scroll_offset.y)
    return range(top, top + events.scrollable_content_region.height)


async def open_problems_panel(pilot, timeline_file: Path) -> str:  # type: ignore[no-untyped-def]
    """Save an invalid file and wait for the panel; returns the good text."""
    good = timeline_file.read_text()
    timeline_file.write_text(good.replace('title = "Russia blocks Facebook"', 'titel = "x"'))
    panel = pilot.app.query_one(ProblemsPanel)
    await wait_until(pilot, lambda: panel.showing, 3.0)
    return good


async def test_the_problems_panel_keeps_the_highlighted_row_in_view(timeline_file: Path) -> None:
    """At 80x24 the panel shortens the list to 3 rows: the highlighted row (the last of the
    7 shown before) was left below them while the detail still showed its event."""
    app = open_app(timeline_file)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press(*"jjjjjj")
        await settle(pilot)
        events = app.query_one(EventList)
        assert events.cursor == 6 and events.cursor in rows_in_view(app)
        highlighted = events.highlighted
        await open_problems_panel(pilot, timeline_file)
        await wait_until(pilot, lambda: events.scrollable_content_region.height < 7, 3.0)
        assert events.highlighted is highlighted
        assert events.cursor in rows_in_view(app)
        assert highlighted.date.iso() in screen_text(app)


async def test_the_list_keeps_its_scroll_when_the_problems_panel_closes(
    timeline_file: Path,
) -> None:
    app = open_app(timeline_file)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press(*"jjjjjj")
        await settle(pilot)
        events = app.query_one(EventList)
        good = await open_problems_panel(pilot, timeline_file)
        await wait_until(pilot, lambda: app.query_one(EventList).cursor in rows_in_view(app))
        scroll = events.scroll_offset.y
        timeline_file.write_text(good)
        panel = app.query_one(ProblemsPanel)
        await wait_until(pilot, lambda: not panel.showing, 3.0)
        await wait_until(pilot, lambda: events.scrollable_content_region.height == 7, 3.0)
        assert events.scroll_offset.y == scroll
        assert events.cursor == 6


def without_event(text: str, event_id: str) -> str:
    """The file's text with one event's table (and its sources) cut out."""
    blocks = text.split("[[events]]\n")
    kept = [b for b in blocks if not b.startswith(f'id = "{event_id}"\n')]
    assert len(kept) == len(blocks) - 1
    return "[[events]]\n".join(kept)


@pytest.mark.parametrize("where", ["middle", "end"])
async def test_deleting_the_highlighted_event_goes_to_its_neighbour(
    timeline_file: Path, where: str
) -> None:
    """It jumped to the first event: the next one in the list is where the reader was (the
    previous one when it was the last)."""
    app = open_app(timeline_file)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        events = app.query_one(EventList)
        ids = [app.timeline.events[i].id for i in events.view]
        gone = "ru-2021-twitter-throttle" if where == "middle" else ids[-1]
        at = ids.index(gone)
        expected = ids[at + 1] if at + 1 < len(ids) else ids[at - 1]
        assert at > 0
        events.go_to(gone)
        await settle(pilot)
        assert (
            app.main_screen.current_event is not None and app.main_screen.current_event.id == gone
        )
        timeline_file.write_text(without_event(timeline_file.read_text(), gone))
        await wait_until(pilot, lambda: app.timeline.get(gone) is None, 3.0)
        await settle(pilot)
        assert events.highlighted is not None and events.highlighted.id == expected
        assert (
            app.main_screen.current_event is not None
            and app.main_screen.current_event.id == expected
        )


async def test_a_reload_keeps_a_searched_word_that_begins_a_field_name(
    timeline_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`tag`, already searched as text, is not held back again by a reload (the list would
    lose the filter until the next pause)."""
    import tui.app.search as search_module
    from tui.app.widgets.header import TimelineHeader

    monkeypatch.setattr(search_module, "WORD_PAUSE", 60.0)
    app = open_app(timeline_file, query="tag")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        header = app.query_one(TimelineHeader)
        assert 'filter: text: "tag"' in header.render().plain
        shown = list(app.query_one(EventList).view)
        text = timeline_file.read_text()
        timeline_file.write_text(text.replace('"Russia blocks Facebook"', '"Russia blocks FB"'))
        await wait_until(pilot, lambda: "Russia blocks FB" in str(app.timeline.events), 3.0)
        await settle(pilot)
        assert 'filter: text: "tag"' in header.render().plain
        assert list(app.query_one(EventList).view) == shown


async def test_an_older_reload_that_finishes_last_is_neither_shown_nor_kept(
    timeline_file: Path,
) -> None:
    """A thread worker cannot be stopped: when two saves come close together, the first
    save's reload may finish after the second's. Its result must not replace the newer one."""
    from tui.core.query.evaluate import Index
    from tui.core.timeline.errors import Problem, TimelineError

    app = open_app(timeline_file)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        shown = app.timeline
        older = load_timeline(timeline_file).replace(events=shown.events[:1])
        app.loader.reload()  # the newest reload is now number 1
        app.loader.reloaded(older, Index(older.events, today=TODAY), "0" * 64, 0)
        app.loader.reload_failed(TimelineError([Problem("timeline.toml", "broken", 1, 1)]), 0)
        assert app.timeline is shown and app.file_digest is not None  # before any await
        await settle(pilot)
        assert len(app.timeline.events) == len(shown.events)
        assert not app.query_one(ProblemsPanel).showing


OLD = 1_500_000_000 * 10**9  # an mtime long past: the watcher trusts the file's stat at once


async def test_a_touch_reads_the_file_once_and_does_not_reload(
    timeline_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tui.core.files import cache

    app = open_app(timeline_file)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        watcher = app.loader._watcher
        assert watcher is not None
        shown, digest = app.timeline, app.file_digest
        loads: list[Path] = []
        monkeypatch.setattr(cache, "load_cached", lambda path, *a, **k: loads.append(path))
        os.utime(timeline_file, ns=(OLD, OLD))  # a new mtime, the same bytes
        await wait_until(pilot, lambda: watcher.state.mtime_ns == OLD, 3.0)
        await pilot.pause(3 * 0.3)  # a few more polls
        assert loads == []
        assert app.timeline is shown and app.file_digest == digest


async def test_a_save_is_read_and_hashed_once_in_a_worker(
    timeline_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import threading

    from tui.core.files import cache, digest, watch

    app = open_app(timeline_file, query="country:RU")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        hashed: list[tuple[int, bool]] = []  # bytes hashed, on the UI thread

        def counting(real):  # type: ignore[no-untyped-def]
            def hash_(data) -> str:  # type: ignore[no-untyped-def]
                ui = threading.current_thread() is threading.main_thread()
                size = len(data) if isinstance(data, bytes) else os.fstat(data.fileno()).st_size
                hashed.append((size, ui))
                return real(data)  # type: ignore[no-any-return]

            return hash_

        for module in (watch, cache, digest):
            for name in ("file_digest", "stream_digest"):
                if hasattr(module, name):
                    monkeypatch.setattr(module, name, counting(getattr(module, name)))
        text = timeline_file.read_text().replace(
            'title = "Russia blocks Facebook"', 'title = "Russia blocks Facebook!"'
        )
        saved = timeline_file.with_suffix(".saving")
        saved.write_text(text)
        os.utime(saved, ns=(OLD, OLD))  # old enough: no second look for fresh timestamps
        os.replace(saved, timeline_file)
        await wait_until(pilot, lambda: "Russia blocks Facebook!" in screen_text(app), 3.0)
        await pilot.pause(3 * 0.3)  # a few more polls
        assert hashed == [(len(text.encode()), False)]
        assert app.query_one("#search").value == "country:RU"
