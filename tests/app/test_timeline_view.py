"""The timeline view (issue #6), driven through Pilot as a user presses keys."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from plain_time import fit
from textual.widgets import Input

from tui.app.app import PolicyApp, make_app
from tui.app.widgets import timeline_view
from tui.app.widgets.detail import EventDetail
from tui.app.widgets.event_list import EventList
from tui.app.widgets.timeline_view import HEADER, TimelineView, gutter_width
from tui.core.files.load import load_timeline
from tui.core.time.scale import MAX_DAYS, MIN_DAYS
from tui.core.time.spans import span

from .screen import screen_text, settle

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "app"
TODAY = date(2026, 6, 1)
WIDE = (120, 40)
IDS = [e.id for e in load_timeline(FIXTURES / "timeline.toml").events]


def app(query: str = "") -> PolicyApp:
    return make_app(load_timeline(FIXTURES / "timeline.toml"), query=query, today=TODAY)


def view(pilot_app: PolicyApp) -> TimelineView:
    return pilot_app.query_one(TimelineView)


def listed(pilot_app: PolicyApp) -> str | None:
    event = pilot_app.query_one(EventList).highlighted
    return event.id if event else None


async def open_timeline(pilot) -> TimelineView:  # type: ignore[no-untyped-def]
    await settle(pilot)
    await pilot.press("t")
    await settle(pilot)
    return view(pilot.app)


async def test_t_toggles_the_timeline_which_highlights_the_lists_event() -> None:
    async with app().run_test(size=WIDE) as pilot:
        await settle(pilot)
        titles = [c.title for c in pilot.app.get_system_commands(pilot.app.screen)]
        assert "Timeline view" in titles and "As-of board" in titles
        assert dict(pilot.app.binding_groups())["Timeline"] is TimelineView.BINDINGS
        events = pilot.app.query_one(EventList)
        assert not pilot.app.query(TimelineView) and events.display  # made by the first `t`
        await pilot.press("j", "j")
        await settle(pilot)
        assert listed(pilot.app) == IDS[2]
        await pilot.press("t")
        await settle(pilot)
        timeline = view(pilot.app)
        assert timeline.display and not events.display
        assert pilot.app.focused is timeline
        assert "Platform lanes" in screen_text(pilot.app)
        assert timeline.selected_id == IDS[2]
        assert timeline.laid is not None
        assert (timeline.current_lane, IDS[2]) in timeline.laid.lines_of
        # Enter reads the event; Escape comes back to the timeline, not the hidden list.
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(pilot.app.focused, EventDetail)
        assert (
            pilot.app.main_screen.current_event is not None
            and pilot.app.main_screen.current_event.id == IDS[2]
        )
        await pilot.press("escape")
        assert pilot.app.focused is timeline
        await pilot.press("t")
        await settle(pilot)
        assert not timeline.display and events.display
        assert pilot.app.focused is events
        await pilot.press("j")  # the hidden timeline still follows the list
        await settle(pilot)
        assert timeline.selected_id == IDS[3]


async def test_the_first_t_shows_the_current_filter_and_highlight() -> None:
    async with app(query="country:RU").run_test(size=WIDE) as pilot:
        await settle(pilot)
        await pilot.press("j")
        await settle(pilot)
        listed_id = listed(pilot.app)
        timeline = await open_timeline(pilot)
        assert list(timeline.view) == list(pilot.app.query_one(EventList).view)
        assert {pilot.app.timeline.events[i].country for i in timeline.view} == {"RU"}
        assert timeline.selected_id == listed_id
        # Filtering while it shows redraws it at once; the list it replaces follows too.
        search = pilot.app.query_one("#search", Input)
        search.value = "country:RU platform:telegram"
        await settle(pilot)
        assert list(timeline.view) == list(pilot.app.query_one(EventList).view)
        shown = [pilot.app.timeline.events[i] for i in timeline.view]
        assert shown and all("Telegram" in e.platforms and e.country == "RU" for e in shown)


async def test_the_command_palette_opens_the_timeline_the_first_time_too() -> None:
    async with app().run_test(size=WIDE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"timeline view", "enter")
        await settle(pilot)
        timeline = view(pilot.app)
        assert timeline.display and pilot.app.focused is timeline
        assert "Platform lanes" in screen_text(pilot.app)


async def test_left_and_right_move_in_time_and_the_list_and_detail_follow() -> None:
    async with app().run_test(size=WIDE) as pilot:
        timeline = await open_timeline(pilot)
        assert timeline.selected_id == IDS[0]
        await pilot.press("right")
        await settle(pilot)
        assert timeline.selected_id == IDS[1] == listed(pilot.app)
        assert (
            pilot.app.main_screen.current_event is not None
            and pilot.app.main_screen.current_event.id == IDS[1]
        )
        await pilot.press("right", "right")
        await settle(pilot)
        assert timeline.selected_id == IDS[3] == listed(pilot.app)
        event = pilot.app.timeline.get(IDS[3])
        assert event is not None and event.title[:30] in screen_text(pilot.app)
        await pilot.press("left")
        await settle(pilot)
        assert timeline.selected_id == IDS[2] == listed(pilot.app)
        await pilot.press("left", "left", "left")  # stops at the first event
        await settle(pilot)
        assert timeline.selected_id == IDS[0] == listed(pilot.app)
        # A click on a bar highlights it too.
        laid = timeline.laid
        assert laid is not None
        line = laid.first_line[2]
        lane, row = laid.rows[line]
        item = laid.lanes[lane].rows[row][0]
        x = gutter_width(timeline.size.width) + 1 + item.col_start
        await pilot.click(TimelineView, offset=(x, HEADER + line))
        await settle(pilot)
        assert timeline.selected_id == item.event_id == listed(pilot.app)
        assert timeline.current_lane == lane


async def test_h_j_k_l_move_as_the_arrows_do() -> None:
    async with app().run_test(size=WIDE) as pilot:
        timeline = await open_timeline(pilot)
        await pilot.press("l", "l")
        await settle(pilot)
        assert timeline.selected_id == IDS[2] == listed(pilot.app)
        await pilot.press("h")
        await settle(pilot)
        assert timeline.selected_id == IDS[1] == listed(pilot.app)
        lane = timeline.current_lane
        await pilot.press("j")
        await settle(pilot)
        assert timeline.current_lane == lane + 1
        laid = timeline.laid
        assert laid is not None and (lane + 1, timeline.selected_id) in laid.lines_of
        await pilot.press("k")
        await settle(pilot)
        assert timeline.current_lane == lane


async def test_up_and_down_move_between_lanes_and_L_cycles_their_kind() -> None:
    async with app().run_test(size=WIDE) as pilot:
        timeline = await open_timeline(pilot)
        laid = timeline.laid
        assert laid is not None
        assert timeline.current_lane == 0
        await pilot.press("down")
        await settle(pilot)
        assert timeline.current_lane == 1
        assert (1, timeline.selected_id) in laid.lines_of
        assert listed(pilot.app) == timeline.selected_id
        await pilot.press("down", "down")
        await settle(pilot)
        assert timeline.current_lane == 3
        await pilot.press("up")
        await settle(pilot)
        assert timeline.current_lane == 2
        assert (2, timeline.selected_id) in laid.lines_of
        await pilot.press("up", "up", "up")  # stops at the first lane
        await settle(pilot)
        assert timeline.current_lane == 0

        assert timeline.lane_by == "platform"
        selected = timeline.selected_id
        await pilot.press("L")
        await settle(pilot)
        assert timeline.lane_by == "country"
        text = screen_text(pilot.app)
        assert "Country lanes" in text and "BR Brazil" in text
        # The highlighted event stays highlighted, in its country's lane.
        laid = timeline.laid
        assert laid is not None and timeline.selected_id == selected
        assert (timeline.current_lane, selected) in laid.lines_of
        await pilot.press("L")
        await settle(pilot)
        assert timeline.lane_by == "action"
        assert "Action lanes" in screen_text(pilot.app)
        await pilot.press("L")
        await settle(pilot)
        assert timeline.lane_by == "platform"


def axis_labels(pilot_app: PolicyApp) -> str:
    return screen_text(pilot_app).splitlines()[view(pilot_app).region.y + 1]


async def test_plus_and_minus_zoom_around_the_highlighted_event_and_0_fits() -> None:
    months = {f"{m:02d}" for m in range(2, 13)} | {"Feb", "Mar", "Apr", "May", "Jun", "Jul"}
    async with app().run_test(size=WIDE) as pilot:
        timeline = await open_timeline(pilot)
        assert "2016" in axis_labels(pilot.app)
        assert not months & set(axis_labels(pilot.app).split())
        await pilot.press("right", "right", "right")
        await settle(pilot)
        fitted = timeline.scale
        assert fitted is not None
        event = pilot.app.timeline.get(timeline.selected_id or "")
        assert event is not None
        start = span(event, TODAY).start
        column = fitted.column(start)
        await pilot.press("plus")
        await settle(pilot)
        zoomed = timeline.scale
        assert zoomed is not None
        assert abs(zoomed.days - fitted.days / 2) <= 1
        assert abs(zoomed.column(start) - column) <= 1  # the event keeps its place
        await pilot.press("equals_sign", "plus")  # = is + without shift
        await settle(pilot)
        assert timeline.scale is not None and timeline.scale.days < zoomed.days / 3
        assert timeline.scale.visible(start)
        assert months & set(axis_labels(pilot.app).split())  # month ticks
        await pilot.press("minus", "minus")
        await settle(pilot)
        assert timeline.scale is not None and abs(timeline.scale.days - zoomed.days) <= 2
        await pilot.press("0")
        await settle(pilot)
        assert timeline.scale == fitted


async def test_at_80_columns_and_at_the_ends_of_the_calendar() -> None:
    async with app().run_test(size=(80, 24)) as pilot:
        timeline = await open_timeline(pilot)
        assert timeline.size.width == 80
        scale = timeline.scale
        assert scale is not None
        assert scale.width == 80 - gutter_width(80) - 2
        assert scale == fit(pilot.app.timeline.events, scale.width, TODAY)
        lines = screen_text(pilot.app).splitlines()
        assert any(line.startswith("WhatsApp") and "│" in line for line in lines)
        assert "2016" in axis_labels(pilot.app) and "2026" in axis_labels(pilot.app)
        await pilot.press(*["plus"] * 20)
        await settle(pilot)
        assert timeline.scale is not None and timeline.scale.days == MIN_DAYS
        await pilot.press(*["minus"] * 30)
        await settle(pilot)
        assert timeline.scale is not None and timeline.scale.days == MAX_DAYS
        assert timeline.scale.start == date.min and timeline.scale.end == date.max
        assert "0001-01-01 – 9999-12-31" in screen_text(pilot.app)
        await pilot.press("right", "left")
        await settle(pilot)
        assert timeline.selected_id == IDS[0]


async def test_glyphs_and_the_view_following_the_query() -> None:
    async with app().run_test(size=(160, 50)) as pilot:
        timeline = await open_timeline(pilot)
        text = screen_text(pilot.app)
        for glyph in ("┣", "┫", "▶", "?", "◆", "┄", "━", "┃"):
            assert glyph in text, glyph
        assert "RU Russian Federation" not in text
        await pilot.press("slash", *"country:BR", "enter")
        await settle(pilot)
        assert pilot.app.focused is timeline
        laid = timeline.laid
        assert laid is not None
        assert [lane.lane.label for lane in laid.lanes] == ["WhatsApp"]
        assert set(laid.lanes_of) == {
            "br-2015-whatsapp-sao-bernardo-block",
            "br-2016-whatsapp-lagarto-block",
        }
        assert laid.scale == fit(
            [e for e in pilot.app.timeline.events if e.country == "BR"], laid.scale.width, TODAY
        )
        await pilot.press("right")
        await settle(pilot)
        assert timeline.selected_id == "br-2016-whatsapp-lagarto-block" == listed(pilot.app)
        await pilot.press("slash", *"zzzz", "enter")
        await settle(pilot)
        assert "No events in this view." in screen_text(pilot.app)
        await pilot.press("right", "down", "plus", "L", "enter")  # nothing to act on: no error
        await settle(pilot)


async def test_large_views_are_laid_out_in_a_worker(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(timeline_view, "SYNC_LIMIT", 0)
    async with app().run_test(size=WIDE) as pilot:
        timeline = await open_timeline(pilot)
        assert not timeline.pending
        laid = timeline.laid
        assert laid is not None
        assert laid.scale == fit(pilot.app.timeline.events, laid.scale.width, TODAY)
        await pilot.press("plus")
        await settle(pilot)
        assert timeline.laid is not None and timeline.laid.scale.days < laid.scale.days
        await pilot.press("right")
        await settle(pilot)
        assert timeline.selected_id == IDS[1] == listed(pilot.app)
