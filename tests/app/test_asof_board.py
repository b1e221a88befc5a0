"""The as-of board (issue #6): what was in force on a day, driven through Pilot."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from textual.coordinate import Coordinate
from textual.widgets import DataTable, Input, OptionList

from tui.app.app import PolicyApp, make_app
from tui.app.screens import asof as asof_screen
from tui.app.screens.asof import AsOfScreen, column_order, long_date
from tui.app.screens.help import HelpScreen
from tui.app.screens.pick import PickScreen
from tui.app.widgets.event_list import EventList
from tui.core.files.load import load_timeline
from tui.core.time.asof import board

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
        assert pilot.app.main_screen.current_event is not None
        assert pilot.app.main_screen.current_event.id == "ru-2022-meta-extremist"
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


async def test_the_board_keeps_every_term_but_the_time_ones_quoted_and_negated_alike() -> None:
    from tui.core.query.evaluate import Index
    from tui.core.query.language import parse

    rest = '"russia blocks" -platform:facebook'
    # after:2020 would leave out the LinkedIn block of 2016: the board leaves out time terms.
    text = f"after:2020 {rest} -during:2019 asof:2022-04-01"
    async with app(query=text).run_test(size=WIDE) as pilot:
        screen = await open_board(pilot)
        assert screen.day == date(2022, 4, 1)
        events = pilot.app.timeline.events
        matching = [events[i] for i in Index(events, today=TODAY).filter(parse(rest))]
        expected = board(matching, screen.day, TODAY)
        assert on_screen(screen) == {k: [e.event_id for e in v] for k, v in expected.cells.items()}
        shown_ids = sorted(i for ids in on_screen(screen).values() for i in ids)
        assert shown_ids == ["ru-2016-linkedin-block", "ru-2022-instagram-block"]
        assert "events matching not platform: facebook · text" in screen_text(pilot.app)


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


# -- keys of the app, column order, horizontal scrolling ----------------------------------------


async def test_question_mark_shows_help_and_q_quits_from_the_board() -> None:
    async with app().run_test(size=WIDE) as pilot:
        screen = await open_board(pilot)
        await pilot.press("question_mark")
        await settle(pilot)
        assert isinstance(pilot.app.screen, HelpScreen)
        await pilot.press("escape")
        await settle(pilot)
        assert pilot.app.screen is screen
        await pilot.press("q")
        await settle(pilot)
    assert not pilot.app.is_running
    assert pilot.app.return_code in (0, None)


async def test_q_in_the_date_box_is_typed_not_quit() -> None:
    async with app().run_test(size=WIDE) as pilot:
        screen = await open_board(pilot)
        await pilot.press("d", "q")
        await settle(pilot)
        assert pilot.app.is_running and pilot.app.screen is screen
        assert screen.query_one("#asof-date", Input).value == "q"


def column_keys(screen: AsOfScreen) -> list[str]:
    table = screen.query_one(DataTable)
    return [str(column.key.value) for column in table.ordered_columns]


async def test_columns_put_the_platforms_with_most_measures_first() -> None:
    async with app().run_test(size=WIDE) as pilot:
        screen = await open_board(pilot)
        for day in ("2022-04-01", "2026-06-01"):
            await type_date(pilot, day)
            result = screen.board
            assert result is not None
            count = {key: 0 for key in (p.key for p in result.platforms)}
            for (_, key), entries in result.cells.items():
                count[key] += len(entries)
            label = {p.key: p.label.casefold() for p in result.platforms}
            keys = column_keys(screen)
            assert keys[0] == "country"
            shown = [k.removeprefix("p:") for k in keys[1:]]
            assert shown == sorted(count, key=lambda k: (k == "", -count[k], label[k]))
        # 1 June 2026: Facebook (3), then three with 2 by name, then the ones with 1.
        assert column_keys(screen)[1:5] == ["p:facebook", "p:instagram", "p:twitter", "p:whatsapp"]


def test_column_order_puts_events_without_platforms_last() -> None:
    from tui.core.time.asof import Board, Entry, Platform

    def entry(n: int) -> Entry:
        return Entry(f"e-{n}", "block", approximate=False, uncertain=False)

    result = Board(
        day=TODAY,
        today=TODAY,
        countries=(),
        platforms=(Platform("", "(none)"), Platform("signal", "Signal"), Platform("tor", "Tor")),
        cells={
            ("RU", ""): (entry(1), entry(2), entry(3)),
            ("RU", "tor"): (entry(4),),
            ("IR", "tor"): (entry(5),),
            ("RU", "signal"): (entry(6),),
        },
    )
    assert [p.key for p in column_order(result)] == ["tor", "signal", ""]


async def test_the_messengers_are_on_screen_for_the_curated_timeline() -> None:
    # The headline case: alphabetical columns left Telegram and WhatsApp off a 200-column screen.
    timeline = load_timeline(Path(__file__).resolve().parents[2] / "timeline.toml")
    async with make_app(timeline, today=TODAY).run_test(size=(200, 50)) as pilot:
        screen = await open_board(pilot)
        header = next(line for line in screen_text(pilot.app).splitlines() if "Country" in line)
        assert "WhatsApp" in header and "Telegram" in header
        assert screen.board is not None
        # busiest first: with the curated timeline's 112 events Facebook, WhatsApp, Instagram and
        # Telegram lead, so the messengers are on screen (above) among the 43 platforms in force
        counts: dict[str, int] = {}
        for (_country, key), entries in screen.board.cells.items():
            counts[f"p:{key}"] = counts.get(f"p:{key}", 0) + len(entries)
        keys = column_keys(screen)[1:]
        assert [counts[k] for k in keys if k in counts] == sorted(counts.values(), reverse=True)
        assert keys[0] in {"p:facebook", "p:whatsapp"} and "p:telegram" in keys[:4]


def cut_columns(table: DataTable, lines: list[str] | None = None) -> list[str]:
    """Lines of the grid where text right of the country column does not start a column.

    ``lines`` default to the grid's own rendering; pass what the screen shows of it instead.
    """
    widths = [column.get_render_width(table) for column in table.ordered_columns]
    fixed = widths[0]
    scroll_x = table.scroll_offset.x
    starts = [fixed]
    for width in widths[1:]:
        starts.append(starts[-1] + width)
    # Screen x where each scrolled column's text begins (after its one cell of padding).
    pad = table.cell_padding
    allowed = {start - scroll_x + pad for start in starts if start >= fixed + scroll_x}
    if lines is None:
        lines = [table.render_line(y).text for y in range(table.size.height)]
    bad = []
    for text in lines:
        rest = text[fixed:]
        if rest.strip():
            first = fixed + len(rest) - len(rest.lstrip())
            if first not in allowed:
                bad.append(text)
    return bad


async def test_scrolling_right_never_shows_a_cut_column_beside_the_countries() -> None:
    async with app().run_test(size=(80, 24)) as pilot:
        screen = await open_board(pilot)
        await type_date(pilot, "2026-06-01")
        table = screen.query_one(DataTable)
        seen_scroll = set()
        for _ in range(len(table.columns) + 1):
            await pilot.press("right")
            await settle(pilot)
            await pilot.wait_for_scheduled_animations()
            seen_scroll.add(table.scroll_offset.x)
            assert cut_columns(table) == [], (table.scroll_offset.x, table.cursor_coordinate)
        assert len(seen_scroll) > 2  # it did scroll, several times
        # A scroll that stops inside a column (the mouse, the scroll bar) blanks the cut part,
        # as the grid draws it and as the screen shows it.
        region = table.scrollable_content_region
        for x in range(0, int(table.max_scroll_x) + 1, 3):
            table.scroll_to(x=x, animate=False, immediate=True)
            await pilot.pause()
            assert cut_columns(table) == [], x
            shown = screen_text(pilot.app).splitlines()[region.y : region.bottom]
            assert cut_columns(table, [line[region.x : region.right] for line in shown]) == [], x
