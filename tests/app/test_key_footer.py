"""The footer line: the focused pane's keys, whole keys only, a click runs a key."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from tui.app.app import PolicyApp, make_app
from tui.app.screens.help import HelpScreen
from tui.app.widgets.key_footer import KeyFooter
from tui.core.files.load import load_timeline

from .screen import screen_text, settle

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "app"
TODAY = date(2026, 6, 1)


def app() -> PolicyApp:
    return make_app(load_timeline(FIXTURES / "timeline.toml"), today=TODAY)


def footer_line(pilot_app: PolicyApp) -> str:
    return screen_text(pilot_app).splitlines()[-1]


async def test_the_footer_shows_the_focused_panes_keys_and_follows_the_focus() -> None:
    async with app().run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        line = footer_line(pilot.app)
        assert line.startswith(" ⏎ Read  ? Help  / Search  f Filters ")
        assert line.endswith("▏^p palette ")
        await pilot.press("slash")  # the search box: typing keys are not shortcuts there
        await settle(pilot)
        line = footer_line(pilot.app)
        assert "/ Search" in line and "? Help" not in line and "⏎ Read" not in line
        await pilot.press("enter")
        await pilot.press("t")  # the timeline view adds its own keys in front
        await settle(pilot)
        assert footer_line(pilot.app).startswith(" + Zoom in  - Zoom out  L Lanes ")


async def test_keys_that_do_not_fit_are_left_out_whole() -> None:
    async with app().run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        footer = pilot.app.query_one(KeyFooter)
        keys, _palette = footer.shown_bindings()
        line = footer_line(pilot.app)
        assert len(line) == 80 and line.endswith("▏^p palette ")
        shown = [b for b, _ in keys if f" {pilot.app.get_key_display(b)} {b.description} " in line]
        assert 0 < len(shown) < len(keys)  # some left out at 80 columns
        assert [b for b, _ in keys][: len(shown)] == shown  # in order, none cut in between
        # Whatever follows the last whole key up to the palette is blank: no key cut mid-word.
        last = shown[-1]
        after = line.split(f"{last.description} ", 1)[1]
        assert after.rstrip().endswith("▏^p palette") and set(after.split("▏")[0]) <= {" "}


async def test_clicking_a_key_runs_it() -> None:
    async with app().run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        footer = pilot.app.query_one(KeyFooter)
        x = footer_line(pilot.app).index("? Help")
        assert footer.key_at(x) == "question_mark"
        assert footer.key_at(x - 1) in (None, "question_mark")
        await pilot.click(KeyFooter, offset=(x + 2, 0))
        await settle(pilot)
        assert isinstance(pilot.app.screen, HelpScreen)
        await pilot.press("escape")
        await settle(pilot)
        x = footer_line(pilot.app).index("^p palette")
        assert footer.key_at(x) == "ctrl+p"
        await pilot.click(KeyFooter, offset=(x, 0))
        await settle(pilot)
        assert type(pilot.app.screen).__name__ == "CommandPalette"


async def test_hovering_a_key_highlights_only_that_key() -> None:
    async with app().run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        footer = pilot.app.query_one(KeyFooter)
        x = footer_line(pilot.app).index("f Filters")
        await pilot.hover(KeyFooter, offset=(x, 0))
        await pilot.pause()
        text = footer.render()
        hover = footer.get_component_rich_style("key-footer--hover", partial=True)
        styled = {
            text.plain[span.start : span.end].strip() for span in text.spans if span.style == hover
        }
        assert styled == {"f Filters"}


async def test_too_narrow_for_the_palettes_key_the_room_goes_to_keys() -> None:
    async with app().run_test(size=(11, 30)) as pilot:
        await settle(pilot)
        line = footer_line(pilot.app)
        assert "palette" not in line and line.startswith(" ⏎ Read ")
    async with app().run_test(size=(12, 30)) as pilot:
        await settle(pilot)
        assert footer_line(pilot.app) == "▏^p palette "


async def test_the_detail_and_the_facets_name_their_space_key() -> None:
    async with app().run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("enter")  # read the event: the detail pane
        await settle(pilot)
        assert footer_line(pilot.app).startswith(" space Page down  ? Help ")
        await pilot.press("slash", "tab")  # from the box to the first facet
        await settle(pilot)
        assert footer_line(pilot.app).startswith(" space Tick / untick  ? Help ")
