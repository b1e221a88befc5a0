"""SVG snapshots of the main screens, named for what they show.

Update after an intended change with ``pytest tests/app/test_snapshots.py --snapshot-update``
and look at every changed SVG before committing it.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from textual.pilot import Pilot

from tui.app.app import PolicyApp, make_app
from tui.app.widgets.filter_pane import FacetList
from tui.core.files.load import load_timeline

from .screen import hostile_timeline, settle

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "app"
TODAY = date(2026, 6, 1)  # fixed, so "ongoing — N years so far" does not age the snapshots


def app(name: str = "timeline.toml", **kwargs: object) -> PolicyApp:
    return make_app(load_timeline(FIXTURES / name), today=TODAY, **kwargs)  # type: ignore[arg-type]


class TestMainScreen:
    def test_main_screen_120x40(self, snap_compare) -> None:
        assert snap_compare(app(), terminal_size=(120, 40), run_before=settle)

    def test_main_screen_80x24(self, snap_compare) -> None:
        assert snap_compare(app(), terminal_size=(80, 24), run_before=settle)

    def test_span_event_detail(self, snap_compare) -> None:
        assert snap_compare(
            app(goto="ru-2018-telegram-block"), terminal_size=(120, 40), run_before=settle
        )

    def test_ongoing_event_detail_80x24(self, snap_compare) -> None:
        assert snap_compare(
            app(goto="ru-2022-instagram-block"), terminal_size=(80, 24), run_before=settle
        )


class TestFilters:
    def test_filter_pane_with_facets_selected(self, snap_compare) -> None:
        async def tick(pilot: Pilot) -> None:
            await settle(pilot)
            countries = pilot.app.query_one("#facet-country", FacetList)
            countries.focus()
            values = [countries.get_option_at_index(i).value for i in range(countries.option_count)]
            countries.highlighted = values.index("RU")
            await pilot.press("space")
            await settle(pilot)
            await settle(pilot)

        assert snap_compare(app(), terminal_size=(120, 40), run_before=tick)

    def test_no_match_state(self, snap_compare) -> None:
        assert snap_compare(
            app(query="country:BR platform:telegram"), terminal_size=(120, 40), run_before=settle
        )

    def test_narrow_with_facets_shown(self, snap_compare) -> None:
        async def show(pilot: Pilot) -> None:
            await settle(pilot)
            await pilot.press("f")
            await pilot.pause()

        assert snap_compare(app(), terminal_size=(80, 24), run_before=show)


class TestScreens:
    def test_help_screen(self, snap_compare) -> None:
        async def help_(pilot: Pilot) -> None:
            await settle(pilot)
            await pilot.press("question_mark")
            await pilot.pause()

        assert snap_compare(app(), terminal_size=(120, 40), run_before=help_)

    def test_hostile_text_in_every_field_is_shown_literally(self, snap_compare) -> None:
        timeline = hostile_timeline(FIXTURES / "hostile.toml")
        hostile = make_app(timeline, today=TODAY)
        assert snap_compare(hostile, terminal_size=(120, 40), run_before=settle)
