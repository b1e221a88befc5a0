"""Every binding of the explorer, driven through Pilot as a user presses keys."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from textual.widgets import Input, OptionList

from tui.app.app import PolicyApp, make_app
from tui.app.screens.help import HelpScreen
from tui.app.screens.main import MainScreen
from tui.app.screens.pick import PickScreen
from tui.app.widgets.detail import EventDetail
from tui.app.widgets.event_list import EventList
from tui.app.widgets.filter_pane import FacetList, FilterPane
from tui.core.files.load import load_timeline

from .screen import hostile_timeline, screen_text, settle, wait_until

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "app"
TODAY = date(2026, 6, 1)
WIDE = (120, 40)


def app(query: str = "", goto: str | None = None, name: str = "timeline.toml") -> PolicyApp:
    return make_app(load_timeline(FIXTURES / name), query=query, goto=goto, today=TODAY)


def highlighted(pilot_app: PolicyApp) -> str | None:
    event = pilot_app.query_one(EventList).highlighted
    return event.id if event else None


async def test_cursor_keys_move_through_events_in_date_order() -> None:
    ids = [e.id for e in load_timeline(FIXTURES / "timeline.toml").events]
    async with app().run_test(size=WIDE) as pilot:
        await settle(pilot)
        assert highlighted(pilot.app) == ids[0]
        await pilot.press("j")
        assert highlighted(pilot.app) == ids[1]
        await pilot.press("down", "down")
        assert highlighted(pilot.app) == ids[3]
        await pilot.press("k")
        assert highlighted(pilot.app) == ids[2]
        await pilot.press("up")
        assert highlighted(pilot.app) == ids[1]
        await pilot.press("G")
        assert highlighted(pilot.app) == ids[-1]
        await pilot.press("g")
        assert highlighted(pilot.app) == ids[0]
        await pilot.press("end")
        assert highlighted(pilot.app) == ids[-1]
        await pilot.press("home")
        assert highlighted(pilot.app) == ids[0]
        await pilot.press("pagedown")
        after_page = pilot.app.query_one(EventList).cursor
        assert after_page > 1
        await pilot.press("pageup")
        assert pilot.app.query_one(EventList).cursor == 0


async def test_detail_follows_the_highlighted_event() -> None:
    async with app().run_test(size=WIDE) as pilot:
        await settle(pilot)
        await pilot.press("j")
        text = screen_text(pilot.app)
        current = pilot.app.query_one(EventList).highlighted
        assert current is not None
        assert current.title[:30] in text


async def test_enter_focuses_the_detail_and_escape_returns_to_the_list() -> None:
    async with app().run_test(size=WIDE) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        assert isinstance(pilot.app.focused, EventDetail)
        await pilot.press("escape")
        assert isinstance(pilot.app.focused, EventList)


async def test_tab_moves_between_panes() -> None:
    async with app().run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(pilot.app.focused, EventList)
        await pilot.press("tab")
        assert isinstance(pilot.app.focused, EventDetail)
        await pilot.press("shift+tab")
        assert isinstance(pilot.app.focused, EventList)
        await pilot.press("shift+tab")
        assert isinstance(pilot.app.focused, Input)


async def test_slash_searches_and_the_list_updates_as_you_type() -> None:
    async with app().run_test(size=WIDE) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        assert isinstance(pilot.app.focused, Input)
        await pilot.press(*"telegram")
        await settle(pilot)
        view = pilot.app.query_one(EventList).view
        events = pilot.app.timeline.events
        assert 0 < len(view) < len(events)
        assert all(
            "telegram" in (events[i].title + events[i].summary).lower()
            or any(p.lower() == "telegram" for p in events[i].platforms)
            for i in view
        )
        await pilot.press("escape")
        assert isinstance(pilot.app.focused, EventList)


async def test_a_bad_query_is_explained_and_the_list_keeps_its_last_results() -> None:
    async with app().run_test(size=WIDE) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"country:BR")
        await settle(pilot)
        before = list(pilot.app.query_one(EventList).view)
        assert 0 < len(before) < len(pilot.app.timeline.events)
        pilot.app.query_one("#search", Input).value = "platfrom:x"  # as if pasted
        await settle(pilot)
        error = pilot.app.query_one("#query-error")
        assert "platform" in str(error.render())
        assert list(pilot.app.query_one(EventList).view) == before


async def test_no_match_state_says_how_to_clear_and_x_clears() -> None:
    async with app().run_test(size=WIDE) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"zzzznothing", "escape")
        await settle(pilot)
        assert pilot.app.query_one(EventList).view == []
        empty = str(pilot.app.query_one("#empty").render())
        assert "zzzznothing" in empty and "x" in empty
        await pilot.press("x")
        await settle(pilot)
        assert len(pilot.app.query_one(EventList).view) == len(pilot.app.timeline.events)


async def test_f_toggles_the_filter_pane() -> None:
    async with app().run_test(size=WIDE) as pilot:
        await settle(pilot)
        filters = pilot.app.query_one("#filters")
        assert filters.display
        await pilot.press("f")
        await pilot.pause()
        assert not filters.display
        await pilot.press("f")
        await pilot.pause()
        assert filters.display


async def test_f_shows_the_facets_on_a_narrow_terminal() -> None:
    async with app().run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        facets = pilot.app.query_one("#facets")
        assert not facets.display
        await pilot.press("f")
        await pilot.pause()
        assert facets.display


async def test_on_a_narrow_terminal_f_hands_the_keys_to_the_facets_and_back() -> None:
    """The facets take the list's place below 100 columns: `f` then space ticks a value (it
    used to do nothing: the focus stayed on the hidden list), and `f` again goes back."""
    from tui.app.widgets.event_list import EventList
    from tui.app.widgets.filter_pane import FacetList

    async with app().run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f")
        await pilot.pause()
        assert isinstance(pilot.app.focused, FacetList)
        await pilot.press("space")
        await settle(pilot)
        assert pilot.app.query_one("#search").value.startswith(("country:", "platform:"))
        await pilot.press("f")
        await pilot.pause()
        assert isinstance(pilot.app.focused, EventList)


async def test_o_and_digits_open_sources_and_only_http(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("tui.app.sources.browser_available", lambda: True)
    opened: list[str] = []
    async with app(goto="ru-2018-telegram-block").run_test(size=WIDE) as pilot:
        monkeypatch.setattr(pilot.app, "open_url", lambda url, **_: opened.append(url))
        await settle(pilot)
        event = pilot.app.timeline.get("ru-2018-telegram-block")
        assert event is not None and len(event.sources) >= 2
        await pilot.press("o")
        await pilot.press("2")
        assert opened == [event.sources[0].url, event.sources[1].url]
        await pilot.press("9")
        assert len(opened) == 2  # no ninth source: refused with a message
        # A URL that slipped past validation (constructed in code) is still refused.
        bad = event.sources[0]._replace(url="file:///etc/passwd")
        pilot.app.main_screen.show(event._replace(sources=(bad,)))
        await pilot.press("o")
        assert len(opened) == 2


async def test_r_follows_related_and_backspace_goes_back() -> None:
    async with app(goto="ru-2018-telegram-block").run_test(size=WIDE) as pilot:
        await settle(pilot)
        start = pilot.app.main_screen.current_event
        assert start is not None and start.related
        await pilot.press("r")
        await pilot.pause()
        if len(start.related) > 1:
            assert isinstance(pilot.app.screen, PickScreen)
            await pilot.press("enter")
            await pilot.pause()
        assert pilot.app.main_screen.current_event is not None
        assert pilot.app.main_screen.current_event.id == start.related[0]
        assert highlighted(pilot.app) == start.related[0]
        await pilot.press("backspace")
        assert pilot.app.main_screen.current_event.id == start.id
        assert highlighted(pilot.app) == start.id


async def test_related_picker_lists_every_related_event() -> None:
    async with app(goto="ru-2018-telegram-block").run_test(size=WIDE) as pilot:
        await settle(pilot)
        start = pilot.app.main_screen.current_event
        assert start is not None
        assert len(start.related) >= 2, "the fixture's Telegram block links ruling and lifting"
        await pilot.press("r")
        await pilot.pause()
        options = pilot.app.screen.query_one(OptionList)
        assert options.option_count == len(start.related)
        await pilot.press("escape")
        assert pilot.app.main_screen.current_event.id == start.id


async def test_y_copies_id_and_first_source(monkeypatch: pytest.MonkeyPatch) -> None:
    copied: list[str] = []
    async with app(goto="ru-2022-facebook-block").run_test(size=WIDE) as pilot:
        monkeypatch.setattr(pilot.app, "copy_to_clipboard", copied.append)
        await settle(pilot)
        await pilot.press("y")
        event = pilot.app.timeline.get("ru-2022-facebook-block")
        assert event is not None
        assert copied == [f"{event.id} {event.sources[0].url}"]


async def test_question_mark_shows_every_binding() -> None:
    async with app().run_test(size=WIDE) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(pilot.app.screen, HelpScreen)
        text = screen_text(pilot.app)
        for binding in [*MainScreen.BINDINGS, *EventList.BINDINGS]:
            assert binding.description in text or (binding.tooltip or "") in text
        await pilot.press("escape")
        assert not isinstance(pilot.app.screen, HelpScreen)


async def test_command_palette_lists_the_app_actions() -> None:
    async with app().run_test(size=WIDE) as pilot:
        await settle(pilot)
        titles = [c.title for c in pilot.app.get_system_commands(pilot.app.screen)]
        for wanted in ("Help", "Filters", "Open source", "Related", "Copy id+URL", "Search"):
            assert wanted in titles
        await pilot.press("ctrl+p")
        await pilot.pause()
        assert pilot.app.screen.__class__.__name__ == "CommandPalette"
        await pilot.press(*"filters", "enter")
        await pilot.pause()
        assert pilot.app.screen.has_class("-filters-toggled")


async def test_q_quits() -> None:
    async with app().run_test(size=WIDE) as pilot:
        await settle(pilot)
        await pilot.press("q")
        await pilot.pause()
    assert pilot.app.return_code in (0, None)
    assert not pilot.app.is_running


async def test_ticking_a_facet_rewrites_the_query_and_the_query_ticks_facets() -> None:
    async with app().run_test(size=WIDE) as pilot:
        await settle(pilot)
        countries = pilot.app.query_one("#facet-country", FacetList)
        countries.focus()
        await pilot.pause()
        # Find BR in the list and tick it with the keyboard.
        values = [countries.get_option_at_index(i).value for i in range(countries.option_count)]
        countries.highlighted = values.index("BR")
        await pilot.press("space")
        await settle(pilot)
        search = pilot.app.query_one("#search", Input)
        assert "country:BR" in search.value
        view = pilot.app.query_one(EventList).view
        assert view and all(pilot.app.timeline.events[i].country == "BR" for i in view)
        # And the other way: editing the text updates the ticks.
        search.value = "country:RU"
        await settle(pilot)
        await settle(pilot)
        assert set(countries.selected) == {"RU"}


async def test_goto_opens_with_the_event_highlighted() -> None:
    async with app(goto="ru-2022-instagram-block").run_test(size=WIDE) as pilot:
        await settle(pilot)
        assert highlighted(pilot.app) == "ru-2022-instagram-block"


async def test_initial_query_filters_at_start() -> None:
    async with app(query="country:BR").run_test(size=WIDE) as pilot:
        await settle(pilot)
        view = pilot.app.query_one(EventList).view
        assert view and all(pilot.app.timeline.events[i].country == "BR" for i in view)
        assert pilot.app.query_one("#search", Input).value == "country:BR"


async def test_mouse_click_selects_a_row() -> None:
    async with app().run_test(size=WIDE) as pilot:
        await settle(pilot)
        await pilot.click(EventList, offset=(5, 3))
        assert pilot.app.query_one(EventList).cursor == 3


async def test_hostile_text_is_shown_literally_and_does_nothing() -> None:
    timeline = hostile_timeline(FIXTURES / "hostile.toml")
    async with make_app(timeline, today=TODAY).run_test(size=WIDE) as pilot:
        await settle(pilot)
        text = screen_text(pilot.app)
        assert "[bold red]x[/]" in text
        assert "[@click=app.quit]q[/]" in text
        assert "[link=file:///etc/passwd]y[/link]" in text
        for raw in ("\x1b", "\x07", "\x9b", "\u202e"):
            assert raw not in text
        assert "\\x1b" in text and "\\u202e" in text and "\\x9b" in text
        # The SVG export carries the same text; no raw control character gets through.
        svg = pilot.app.export_screenshot()
        assert "\x1b" not in svg and "\x9b" not in svg
        # Clicking the fake action text must not quit the app.
        await pilot.click("#detail", offset=(12, 0))
        await pilot.pause()
        assert pilot.app.is_running
        await pilot.press("y")  # copying sanitises too


async def test_v_lists_saved_views_and_applies_one() -> None:
    async with app().run_test(size=WIDE) as pilot:
        await settle(pilot)
        await pilot.press("v")
        await pilot.pause()
        assert isinstance(pilot.app.screen, PickScreen)
        options = pilot.app.screen.query_one(OptionList)
        assert options.option_count == 2
        await pilot.press("down", "enter")  # the second view: ru-messaging
        await settle(pilot)
        assert pilot.app.query_one("#search", Input).value == (
            "country:RU platform:telegram,whatsapp"
        )
        view = pilot.app.query_one(EventList).view
        events = pilot.app.timeline.events
        assert view and all(events[i].country == "RU" for i in view)


async def test_views_are_in_the_command_palette() -> None:
    async with app().run_test(size=WIDE) as pilot:
        await settle(pilot)
        titles = [c.title for c in pilot.app.get_system_commands(pilot.app.screen)]
        assert "View: brazil" in titles and "View: ru-messaging" in titles


async def test_the_equivalent_command_is_shown_and_Y_copies_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    copied: list[str] = []
    async with app(query="country:BR -platform:linkedin").run_test(size=WIDE) as pilot:
        monkeypatch.setattr(pilot.app, "copy_to_clipboard", copied.append)
        await settle(pilot)
        command = pilot.app.main_screen.command_line()
        assert command.startswith("policy-tui list ")
        assert "--query 'country:BR -platform:linkedin'" in command
        assert "policy-tui list" in screen_text(pilot.app)
        await pilot.press("Y")
        assert copied == [command]


async def test_o_without_a_browser_hands_over_the_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("tui.app.sources.browser_available", lambda: False)
    opened: list[str] = []
    copied: list[str] = []
    async with app(goto="ru-2022-facebook-block").run_test(size=WIDE) as pilot:
        monkeypatch.setattr(pilot.app, "open_url", lambda url, **_: opened.append(url))
        monkeypatch.setattr(pilot.app, "copy_to_clipboard", copied.append)
        await settle(pilot)
        await pilot.press("o")
        event = pilot.app.timeline.get("ru-2022-facebook-block")
        assert event is not None
        assert opened == [] and copied == [event.sources[0].url]
        messages = [str(n.message) for n in pilot.app._notifications]
        assert any(event.sources[0].url in m and "No browser" in m for m in messages)


async def test_a_goto_hidden_by_the_query_says_so() -> None:
    async with app(query="country:BR", goto="ru-2022-facebook-block").run_test(size=WIDE) as pilot:
        await settle(pilot)
        messages = [str(n.message) for n in pilot.app._notifications]
        assert any("hidden by the current filter" in m for m in messages)


async def test_an_invalid_query_says_the_list_is_the_last_valid_one() -> None:
    async with app().run_test(size=(90, 30)) as pilot:
        await settle(pilot)
        pilot.app.query_one("#search", Input).value = "country:BR"
        await settle(pilot)
        pilot.app.query_one("#search", Input).value = "country:BR platfrom:x"
        await settle(pilot)
        text = " ".join(screen_text(pilot.app).split())
        assert "did you mean 'platform'" in text
        assert "last valid query: country: BR" in text


async def test_resizing_across_the_breakpoint_switches_the_layout_at_once() -> None:
    async with app().run_test(size=WIDE) as pilot:
        await settle(pilot)
        assert not pilot.app.screen.has_class("-narrow")
        await pilot.resize_terminal(80, 24)
        await settle(pilot)
        assert pilot.app.screen.has_class("-narrow")
        await pilot.resize_terminal(120, 40)
        await settle(pilot)
        assert not pilot.app.screen.has_class("-narrow")


async def test_j_and_k_move_in_the_related_chooser() -> None:
    async with app(goto="ru-2018-telegram-block").run_test(size=WIDE) as pilot:
        await settle(pilot)
        await pilot.press("r")
        await pilot.pause()
        options = pilot.app.screen.query_one(OptionList)
        assert options.highlighted == 0
        await pilot.press("j")
        assert options.highlighted == 1
        await pilot.press("k")
        assert options.highlighted == 0


async def test_ticked_facets_carry_a_glyph_not_only_colour() -> None:
    async with app(query="country:BR").run_test(size=WIDE) as pilot:
        await settle(pilot)
        text = screen_text(pilot.app)
        assert "[✓] BR (" in text
        assert "[✓] RU (" not in text
        assert "[ ] RU (" in text


async def test_no_color_is_respected(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    no_color = app()
    async with no_color.run_test(size=WIDE) as pilot:
        await settle(pilot)
        assert no_color.no_color
        # State is still said in words and glyphs, not colour.
        assert "▶ ongoing" in screen_text(no_color)


async def test_the_date_range_is_there_even_if_counting_the_facets_fails(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from tui.core.query import evaluate
    from tui.core.query import language as q

    def broken(self: evaluate.Index, query: q.Query, facet: str) -> list[tuple[str, int]]:
        raise RuntimeError("a bug while counting")

    monkeypatch.setattr(evaluate.Index, "facet_counts", broken)
    async with app().run_test(size=WIDE) as pilot:
        await settle(pilot)
        after = pilot.app.query_one("#after", Input)
        after.focus()
        await pilot.press(*"2022", "enter")
        await settle(pilot)
        assert "after:2022" in pilot.app.query_one("#search", Input).value
        assert highlighted(pilot.app) is not None


async def test_keys_typed_in_a_burst_after_slash_go_to_the_search_box() -> None:
    """A terminal delivers a fast typist's (or a paste's) keys together: the ones after `/`
    must not run as the list's shortcuts (Textual's focus() takes effect after queued keys)."""
    from textual import events

    async with app().run_test(size=WIDE) as pilot:
        await settle(pilot)
        pilot.app.post_message(events.Key("slash", "/"))
        for char in "telegram":
            pilot.app.post_message(events.Key(char, char))
        await settle(pilot)
        assert pilot.app.query_one("#search", Input).value == "telegram"
        assert not pilot.app.main_screen.has_class("-timeline")  # `t` was text, not a key
        await pilot.press("slash")  # in the box, `/` is text (a URL in a query)
        assert pilot.app.query_one("#search", Input).value == "telegram/"
        await pilot.press("backspace")
        view = pilot.app.query_one(EventList).view
        assert view and all(
            "Telegram" in pilot.app.timeline.events[i].platforms
            or "telegram" in pilot.app.timeline.events[i].title.casefold()
            or "telegram" in pilot.app.timeline.events[i].summary.casefold()
            for i in view
        )


async def test_the_date_boxes_follow_the_query_and_refuse_what_is_not_a_date() -> None:
    async with app(query="after:2020").run_test(size=WIDE) as pilot:
        await settle(pilot)
        after = pilot.app.query_one("#after", Input)
        before = pilot.app.query_one("#before", Input)
        assert (after.value, before.value) == ("2020", "")  # from the query it opened with
        search = pilot.app.query_one("#search", Input)
        search.value = "telegram before:2022-03 after:2018"
        await settle(pilot)
        assert (after.value, before.value) == ("2018", "2022-03")
        await pilot.press("escape")
        await pilot.press("x")  # clears every filter: the boxes too
        await settle(pilot)
        assert (after.value, before.value) == ("", "")
        # Not a date: a message, the app goes on, the query is untouched.
        after.focus()
        await pilot.pause()
        await pilot.press(*"garbage", "enter")
        await settle(pilot)
        assert pilot.app.is_running and search.value == ""
        messages = [str(n.message) for n in pilot.app._notifications]
        assert any(m.startswith("Dates: 'garbage' is not a date — write 2018") for m in messages)
        # A date typed in a box goes into the query; the other box is kept as the query has it.
        after.value = ""
        await pilot.press(*"2019", "enter")
        await settle(pilot)
        assert search.value == "after:2019" and before.value == ""


async def test_tab_from_the_search_box_to_a_facet_then_space_ticks_its_first_value() -> None:
    async with app().run_test(size=WIDE) as pilot:
        await settle(pilot)
        await pilot.press("slash", "tab")
        await settle(pilot)
        countries = pilot.app.focused
        assert isinstance(countries, FacetList) and countries.facet == "country"
        first = countries.get_option_at_index(0).value
        await pilot.press("space")
        await settle(pilot)
        assert pilot.app.query_one("#search", Input).value == f"country:{first}"


async def test_callbacks_arriving_after_the_app_closed_do_nothing() -> None:
    """Timers (the settle delay) and workers (filter, facets, load) may call back while the
    app closes, its screens gone: quitting right after typing must not end in a traceback."""
    from tui.app.filtering import FilterResult
    from tui.core.query import language as q
    from tui.core.query.shown import Shown

    async with app().run_test(size=WIDE) as pilot:
        await settle(pilot)
        screen = pilot.app.main_screen
        index = screen.index
    closed = pilot.app
    assert closed.closing and screen.closing
    query = q.parse("telegram")
    result = FilterResult(
        "telegram", query, Shown.every(index.events).keep(index.filter(query)), index
    )
    screen.query_box.applied(result.text, query)  # the facets below are this result's
    screen.filters.settled = result
    screen.filters.flush()  # the settle timer
    screen.follow_highlight()  # after a refresh
    screen.filter_done(result)  # the filter worker
    screen.show_facets(result, {f: [] for f in q.FACETS})  # the facets worker
    closed.replace_timeline(closed.timeline)  # the load and reload workers
    closed.loader.show_progress("loading the rest… 50%")
    closed.loader.reloaded(closed.timeline, index, "0" * 64)
    from tui.core.timeline.errors import Problem, TimelineError

    closed.loader.reload_failed(TimelineError([Problem("timeline.toml", "broken", 1, 1)]))


async def test_on_a_narrow_screen_a_focused_date_box_is_in_view() -> None:
    async with app().run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f")
        await settle(pilot)
        pilot.app.query_one("#after", Input).focus()
        # its placeholder, not cut off below (focus scrolls it into view after a refresh)
        await wait_until(pilot, lambda: "after 2018" in screen_text(pilot.app))
        assert "2015-12-17" in screen_text(pilot.app)  # and the list still shows below


async def test_the_detail_never_says_no_event_while_events_are_listed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Before the first filter result (held back here) the detail is blank, not "No event
    selected" (which flashed), and then shows the first event."""
    import threading

    from tui.core.query import evaluate
    from tui.core.query import language as q

    release = threading.Event()
    real = evaluate.Index.filter

    def slow(self: evaluate.Index, query: q.Query) -> list[int]:
        release.wait(5)
        return real(self, query)

    monkeypatch.setattr(evaluate.Index, "filter", slow)
    async with app().run_test(size=WIDE) as pilot:
        await pilot.pause()
        first = pilot.app.timeline.events[0]
        assert first.date.iso() in screen_text(pilot.app)  # its row in the list
        assert "No event selected" not in screen_text(pilot.app)
        release.set()
        await settle(pilot)
        assert highlighted(pilot.app) == first.id
        assert "Sources (o opens the first" in screen_text(pilot.app)
    async with app(query="country:BR platform:telegram").run_test(size=WIDE) as pilot:
        await settle(pilot)  # nothing matches: then it says so
        assert "No event selected" in screen_text(pilot.app)


async def test_an_invalid_query_at_the_start_shows_the_timeline_unfiltered() -> None:
    async with app(query='country:"x').run_test(size=WIDE) as pilot:
        await settle(pilot)
        text = screen_text(pilot.app)
        assert "14 / 14 events" in text  # the header counts
        error = pilot.app.query_one(FilterPane)._error
        assert error.endswith("The list still shows the last valid query: no filter.")
        assert "Sources (o opens the first" in text  # the detail shows the first event
        assert pilot.app.query(FacetList)  # and the facets are there


async def test_clicking_a_value_in_a_scrolled_facet_list_ticks_that_value() -> None:
    async with app().run_test(size=WIDE) as pilot:
        await settle(pilot)
        tags = pilot.app.query_one("#facet-tag", FacetList)
        assert tags.option_count > tags.content_region.height  # it scrolls
        tags.scroll_to(y=3, animate=False)
        await pilot.pause()
        row = tags.content_region.height - 1  # the last row in view
        wanted = tags.get_option_at_index(int(tags.scroll_y) + row).value
        await pilot.click(tags, offset=(8, row + 1))  # +1: the border
        await settle(pilot)
        assert pilot.app.query_one("#search", Input).value == f"tag:{wanted}"


async def test_a_date_box_submitted_rewrites_only_the_box_that_changed() -> None:
    async with app(query="after:2016 after:2018").run_test(size=WIDE) as pilot:
        await settle(pilot)
        before = pilot.app.query_one("#before", Input)
        before.focus()
        await pilot.pause()
        await pilot.press(*"2022", "enter")
        await settle(pilot)
        # Both after: terms stay (the box showed only the first); before: is added.
        assert pilot.app.query_one("#search", Input).value == "after:2016 after:2018 before:2022"


def header_text(pilot_app: PolicyApp) -> str:
    from tui.app.widgets.header import TimelineHeader

    return pilot_app.query_one(TimelineHeader)._text.plain


async def burst_while_filtering(pilot, *texts: str) -> None:  # type: ignore[no-untyped-def]
    """Type ``texts`` (after `/`) in one burst while a filter is still running, as on a big
    timeline: the filter waits for a gate that opens only once every key has been handled."""
    import threading

    from textual import events

    from tui.core.query import evaluate
    from tui.core.query import language as q

    gate = threading.Event()
    real = evaluate.Index.filter

    def slow(self: evaluate.Index, query: q.Query) -> list[int]:
        gate.wait(10)
        return real(self, query)

    pilot.app.post_message(events.Key("slash", "/"))
    await pilot.pause()
    evaluate.Index.filter = slow  # type: ignore[method-assign]
    try:
        for text in texts:
            for char in text:
                key = "space" if char == " " else ("colon" if char == ":" else char)
                pilot.app.post_message(events.Key(key, char))
            await pilot.pause()
        gate.set()
        await settle(pilot)
    finally:
        evaluate.Index.filter = real  # type: ignore[method-assign]
        gate.set()


async def test_the_query_message_header_and_list_describe_the_same_query() -> None:
    """Typed in a burst while a filter ran, `platfrom:telegram` said "The list still shows
    the last valid query: no filter" while the header and the list showed text: "platfrom"
    (the message was worded before the last valid query's result came in)."""
    from tui.core.query import language as q
    from tui.core.query import printing

    async with app().run_test(size=WIDE) as pilot:
        await settle(pilot)
        await burst_while_filtering(pilot, "platfrom:telegram")
        error = pilot.app.query_one(FilterPane)._error
        shown = printing.describe(pilot.app.main_screen.query_box.query)
        assert shown == 'text: "platfrom"'
        assert error.endswith(f"The list still shows the last valid query: {shown}.")
        assert f"filter: {shown}" in header_text(pilot.app)
        assert list(pilot.app.query_one(EventList).view) == pilot.app.main_screen.index.filter(
            q.parse("platfrom")
        )


async def test_a_field_with_no_value_yet_keeps_the_list_and_says_so_quietly() -> None:
    async with app().run_test(size=WIDE) as pilot:
        await settle(pilot)
        await burst_while_filtering(pilot, "country:BR", " platform:")
        brazil = [e for e in pilot.app.timeline.events if e.country == "BR"]
        assert len(pilot.app.query_one(EventList).view) == len(brazil) > 0
        assert "filter: country: BR" in header_text(pilot.app)
        message = pilot.app.query_one("#query-error")
        assert message.has_class("-quiet") and message.has_class("-visible")
        assert pilot.app.query_one(FilterPane)._error == (
            "platform: needs a value, e.g. platform:telegram. The list shows: country: BR."
        )
        await pilot.press(*"telegram")
        await settle(pilot)
        assert not pilot.app.query_one("#query-error").has_class("-visible")
        assert "filter: country: BR · platform: telegram" in header_text(pilot.app)


async def test_a_field_name_being_typed_is_not_searched_as_text(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """`platfo` on the way to `platform:` emptied the list (searched as a word) and refilled
    it at `platform:x`. A word that begins a field name waits for a pause (or Enter)."""
    import tui.app.search as search_module

    monkeypatch.setattr(search_module, "WORD_PAUSE", 60.0)  # no pause within this test
    async with app().run_test(size=WIDE) as pilot:
        await settle(pilot)
        total = len(pilot.app.timeline.events)
        await pilot.press("slash", *"platfo")
        await settle(pilot)
        assert len(pilot.app.query_one(EventList).view) == total
        assert "filter:" not in header_text(pilot.app)
        assert not pilot.app.query_one("#query-error").has_class("-visible")
        await pilot.press(*"rm:telegram")
        await settle(pilot)
        assert "filter: platform: telegram" in header_text(pilot.app)
        # Enter means the word as typed.
        pilot.app.query_one("#search", Input).value = ""
        await settle(pilot)
        await pilot.press(*"tag")
        await settle(pilot)
        assert len(pilot.app.query_one(EventList).view) == total
        await pilot.press("enter")
        await settle(pilot)
        assert 'filter: text: "tag"' in header_text(pilot.app)


async def test_a_word_that_begins_a_field_name_is_searched_once_typing_pauses(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import asyncio

    import tui.app.search as search_module

    monkeypatch.setattr(search_module, "WORD_PAUSE", 0.05)
    async with app().run_test(size=WIDE) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"act")
        for _ in range(200):
            await settle(pilot)
            if 'text: "act"' in header_text(pilot.app):
                break
            await asyncio.sleep(0.05)
        assert 'filter: text: "act"' in header_text(pilot.app)
        from tui.core.query import language as q

        view = list(pilot.app.query_one(EventList).view)
        assert view == pilot.app.main_screen.index.filter(q.parse("act"))


async def test_backspace_with_no_history_says_so_from_every_pane() -> None:
    async with app(goto="ru-2018-telegram-block").run_test(size=(80, 24)) as pilot:
        await settle(pilot)

        def said() -> int:
            return sum("No earlier event" in str(n.message) for n in pilot.app._notifications)

        await pilot.press("backspace")  # the list
        await settle(pilot)
        assert said() == 1
        await pilot.press("r")
        await settle(pilot)
        if isinstance(pilot.app.screen, PickScreen):
            await pilot.press("enter")
            await settle(pilot)
        await pilot.press("enter")  # the detail
        await settle(pilot)
        assert isinstance(pilot.app.focused, EventDetail)
        await pilot.press("backspace")  # back to where r started
        await settle(pilot)
        assert highlighted(pilot.app) == "ru-2018-telegram-block" and said() == 1
        await pilot.press("backspace")  # and no further
        await settle(pilot)
        assert said() == 2
        await pilot.press("t")  # the timeline view
        await settle(pilot)
        await pilot.press("backspace")
        await settle(pilot)
        assert said() == 3
