"""The detail pane keeps the reader's place when the same event is drawn again."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

from tui.app.app import make_app
from tui.app.widgets.detail import EventDetail
from tui.app.widgets.event_list import EventList
from tui.core.files.load import load_timeline

from .screen import screen_text, settle, wait_until

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "app" / "timeline.toml"


async def test_a_reload_keeps_the_detail_where_the_reader_was(tmp_path: Path) -> None:
    path = tmp_path / "timeline.toml"
    shutil.copy(FIXTURE, path)
    app = make_app(load_timeline(path), today=date(2026, 6, 1), goto="ru-2022-instagram-block")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        detail = app.query_one(EventDetail)
        detail.focus()
        await pilot.press("G")  # to the end of the event: its sources
        await settle(pilot)
        # (The scroll may still be moving: wait for it to arrive.)
        await wait_until(pilot, lambda: detail.scroll_y == detail.max_scroll_y > 0, 3.0)
        where = detail.scroll_y
        text = path.read_text()
        path.write_text(text.replace("Russia blocks Facebook", "Russia blocks Facebook!"))
        await wait_until(pilot, lambda: "Russia blocks Facebook!" in screen_text(app), 3.0)
        await settle(pilot)
        assert detail.scroll_y == where
        # Another event starts at its top.
        app.query_one(EventList).focus()
        await pilot.press("down")
        await settle(pilot)
        assert detail.scroll_y == 0
