"""SVG snapshots of the time views (issue #6): the timeline view and the as-of board.

Update after an intended change with ``pytest tests/app/test_snapshots_time.py
--snapshot-update`` and look at every changed SVG before committing it.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from textual.pilot import Pilot

from tui.app.app import PolicyApp, make_app
from tui.core.files.load import load_timeline

from .screen import settle

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "app"
TODAY = date(2026, 6, 1)  # fixed, so ongoing bars do not grow with the calendar


def app(**kwargs: object) -> PolicyApp:
    return make_app(load_timeline(FIXTURES / "timeline.toml"), today=TODAY, **kwargs)  # type: ignore[arg-type]


def pressing(*keys: str):  # type: ignore[no-untyped-def]
    async def run(pilot: Pilot) -> None:
        await settle(pilot)
        for key in keys:
            await pilot.press(key)
            await settle(pilot)

    return run


class TestTimeline:
    def test_timeline_80x24(self, snap_compare) -> None:
        # The Telegram block (2018-04-16 to 2020-06-18) highlighted.
        keys = ("t", "right", "right", "right", "right")
        assert snap_compare(app(), terminal_size=(80, 24), run_before=pressing(*keys))

    def test_timeline_160x50(self, snap_compare) -> None:
        keys = ("t", "right", "right", "right", "right")
        assert snap_compare(app(), terminal_size=(160, 50), run_before=pressing(*keys))

    def test_timeline_zoomed_with_country_lanes_160x50(self, snap_compare) -> None:
        keys = ("t", "right", "right", "right", "right", "plus", "plus", "L")
        assert snap_compare(app(), terminal_size=(160, 50), run_before=pressing(*keys))


class TestAsOfBoard:
    def test_board_on_1_march_2022(self, snap_compare) -> None:
        keys = ("a", "d", *"2022-03-01", "enter")
        assert snap_compare(app(), terminal_size=(120, 30), run_before=pressing(*keys))

    def test_board_on_1_april_2022(self, snap_compare) -> None:
        keys = ("a", "d", *"2022-04-01", "enter")
        assert snap_compare(app(), terminal_size=(120, 30), run_before=pressing(*keys))
