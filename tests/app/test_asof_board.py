"""The as-of board (issue #6): what was in force on a day, driven through Pilot."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from textual.coordinate import Coordinate
from textual.widgets import DataTable, Input, OptionList

from tui.app.app import PolicyApp, make_app
from tui.app.screens import asof as asof_screen
from tui.app.screens.asof import AsOfScreen, long_date
from tui.app.screens.pick import PickScreen
from tui.app.widgets.event_list import EventList
from tui.core.asof import board
from tui.core.load import load_timeline

from .screen import screen_text, settle

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "app"
TODAY = date(2026, 6, 1)
WIDE = (120, 40)


def app(query: str = "") -> PolicyApp:
    return make_app(load_timeline(FIXTURES / "timeline.toml"), query=query, today=TODAY)


def shown(pilot_app: PolicyApp) -> AsOfScreen:
    screen = pilot_app.screen
    assert isinstance(screen, AsOfScreen)
    return screen


async def open_board(pilot, *keys: str) -> AsOfScreen:  # type: ignore[no-untyped-def]
    await settle(pilot)
    await pilot.press("a", *keys)
    await settle(pilot)
    return shown(pilot.app)


async def type_date(pilot, text: str) -> None:  # type: ignore[no-untyped-def]
    await pilot.press("d", *text, "enter")
    await settle(pilot)


def in_force(pilot_app: PolicyApp, day: date) -> dict[tuple[str, str], list[str]]:
    expected = board(pilot_app.timeline.events, day, TODAY)
    return {k: [e.event_id for e in v] for k, v in expected.cells.items()}


def on_screen(screen: AsOfScreen) -> dict[tuple[str, str], list[str]]:
    assert screen.board is not None
    return {k: [e.event_id for e in v] for k, v in screen.board.cells.items()}


async def test_a_opens_the_board_at_today_and_the_keys_move_the_date() -> None:
    async with app().run_test(size=WIDE) as pilot:
        screen = await open_board(pilot)
        assert screen.day == TODAY
        assert long_date(TODAY) == "Monday 1 June 2026"
        assert "In force on Monday 1 June 2026" in screen_text(pilot.app)
        assert on_screen(screen) == in_force(pilot.app, TODAY)
        steps = [
            ("full_stop", date(2026, 6, 2)),
            ("comma", date(2026, 6, 1)),
            ("greater_than_sign", date(2026, 6, 2)),
            ("less_than_sign", date(2026, 6, 1)),
            ("left_square_bracket", date(2026, 5, 1)),
            ("right_square_bracket", date(2026, 6, 1)),
            ("left_curly_bracket", date(2025, 6, 1)),
            ("right_curly_bracket", date(2026, 6, 1)),
            ("left_curly_bracket", date(2025, 6, 1)),
        ]
        for key, day in steps:
            await pilot.press(key)
            await settle(pilot)
            assert screen.day == day, key
            assert on_screen(screen) == in_force(pilot.app, day)
            assert long_date(day) in screen_text(pilot.app)
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(pilot.app.screen, AsOfScreen)


async def test_d_takes_a_year_a_month_or_a_day_and_escape_closes_only_the_box() -> None:
    async with app().run_test(size=WIDE) as pilot:
        screen = await open_board(pilot)
        box = screen.query_one("#asof-date", Input)
        for text, day in (("2022", date(2022, 1, 1)), ("2022-03", date(2022, 3, 1))):
            await type_date(pilot, text)
            assert screen.day == day
            assert not box.has_class("-visible")
            assert isinstance(pilot.app.focused, DataTable)
        await type_date(pilot, "2022-04-01")
        assert screen.day == date(2022, 4, 1)
        # A date that does not exist is refused and the box stays open to fix it.
        await type_date(pilot, "2022-13")
        assert screen.day == date(2022, 4, 1)
        assert box.has_class("-visible") and pilot.app.focused is box
        await pilot.press("escape")
        await settle(pilot)
        assert not box.has_class("-visible")
        assert pilot.app.screen is screen  # the first Esc closed only the box
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(pilot.app.screen, AsOfScreen)


async def test_russia_on_1_march_and_on_1_april_2022() -> None:
    async with app().run_test(size=WIDE) as pilot:
        screen = await open_board(pilot)
        await type_date(pilot, "2022-03-01")
        march = on_screen(screen)
        assert march == in_force(pilot.app, date(2022, 3, 1))
        assert march[("RU", "linkedin")] == ["ru-2016-linkedin-block"]
        assert ("RU", "facebook") not in march
        await pilot.press("right_square_bracket")
        await settle(pilot)
        april = on_screen(screen)
        assert april[("RU", "facebook")] == ["ru-2022-facebook-block", "ru-2022-meta-extremist"]
        assert april[("RU", "instagram")] == ["ru-2022-instagram-block", "ru-2022-meta-extremist"]
        text = screen_text(pilot.app)
        assert "ru-2022-facebook-block" in text and "designation" in text


async def test_enter_on_a_cell_lists_its_events_and_picking_one_shows_it() -> None:
    async with app().run_test(size=WIDE) as pilot:
        screen = await open_board(pilot)
        await type_date(pilot, "2022-04-01")
        table = screen.query_one(DataTable)
        assert table.cursor_coordinate == Coordinate(0, 0)
        ru = table.get_row_index("RU")
        facebook = table.get_column_index("p:facebook")
        for _ in range(ru):
            await pilot.press("down")
        for _ in range(facebook):
            await pilot.press("right")
        assert table.cursor_coordinate == Coordinate(ru, facebook)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(pilot.app.screen, PickScreen)
        assert pilot.app.screen.query_one(OptionList).option_count == 2
        await pilot.press("escape")  # back to the board, unchanged
        await settle(pilot)
        assert pilot.app.screen is screen
        # The date moves, the cursor stays on Russia × Facebook.
        await pilot.press("full_stop")
        await settle(pilot)
        assert table.cursor_coordinate == Coordinate(
            table.get_row_index("RU"), table.get_column_index("p:facebook")
        )
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("down", "enter")
        await settle(pilot)
        assert not isinstance(pilot.app.screen, (AsOfScreen, PickScreen))
        assert pilot.app._current is not None
        assert pilot.app._current.id == "ru-2022-meta-extremist"
        listed = pilot.app.query_one(EventList).highlighted
        assert listed is not None and listed.id == "ru-2022-meta-extremist"


async def test_the_country_column_lists_the_whole_row_and_empty_cells_say_so() -> None:
    async with app().run_test(size=WIDE) as pilot:
        screen = await open_board(pilot)
        await type_date(pilot, "2022-04-01")
        table = screen.query_one(DataTable)
        table.cursor_coordinate = Coordinate(table.get_row_index("RU"), 0)
        await pilot.press("enter")
        await settle(pilot)
        ids = {e for cell, v in on_screen(screen).items() if cell[0] == "RU" for e in v}
        assert pilot.app.screen.query_one(OptionList).option_count == len(ids)
        await pilot.press("escape")
        await settle(pilot)
        india = table.get_row_index("IN")
        table.cursor_coordinate = Coordinate(india, table.get_column_index("p:linkedin"))
        await pilot.press("enter")
        await settle(pilot)
        assert pilot.app.screen is screen  # nothing to list: a message instead


async def test_an_asof_query_term_opens_the_board_at_its_date_with_the_other_terms() -> None:
    async with app(query="asof:2022-03-01 country:IN").run_test(size=WIDE) as pilot:
        screen = await open_board(pilot)
        assert screen.day == date(2022, 3, 1)
        cells = on_screen(screen)
        assert cells and all(country == "IN" for country, _ in cells)
        await pilot.press("left_curly_bracket", "left_curly_bracket")  # before the law: empty
        await settle(pilot)
        assert screen.board is not None and screen.board.empty
        assert screen.has_class("-empty")
        assert "Nothing was in force on" in screen_text(pilot.app)


async def test_large_boards_are_computed_in_a_worker(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(asof_screen, "SYNC_LIMIT", 0)
    async with app().run_test(size=(80, 24)) as pilot:
        screen = await open_board(pilot)
        await type_date(pilot, "2022-04-01")
        assert on_screen(screen) == in_force(pilot.app, date(2022, 4, 1))
        await pilot.press("left_square_bracket")
        await settle(pilot)
        assert screen.day == date(2022, 3, 1)
        assert on_screen(screen) == in_force(pilot.app, date(2022, 3, 1))
