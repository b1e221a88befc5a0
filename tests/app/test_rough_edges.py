"""Rough edges of issue #13, each driven as a user meets it."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from tui.app.app import PolicyApp, make_app
from tui.core.load import load_timeline

from .screen import screen_text, settle

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "app"
TODAY = date(2026, 6, 1)
WIDE = (120, 40)
NARROW = (80, 24)


def app(query: str = "", goto: str | None = None) -> PolicyApp:
    return make_app(load_timeline(FIXTURES / "timeline.toml"), query=query, goto=goto, today=TODAY)


def first_line(pilot_app: PolicyApp) -> str:
    return screen_text(pilot_app).splitlines()[0]


# -- headers cut at 80 columns say so -------------------------------------------------------------


async def test_a_header_too_long_for_80_columns_ends_in_an_ellipsis() -> None:
    async with app(query="country:RU platform:telegram,whatsapp").run_test(size=NARROW) as pilot:
        await settle(pilot)
        header = first_line(pilot.app)
        assert "filter: country: RU" in header
        # Cut where the width ends, on one line, and marked as cut.
        assert header.rstrip().endswith("…"), header
        assert len(header.rstrip()) == NARROW[0] - 1  # the padding's last column stays blank


async def test_a_header_that_fits_is_not_marked_cut() -> None:
    async with app().run_test(size=WIDE) as pilot:
        await settle(pilot)
        header = first_line(pilot.app)
        assert "…" not in header
        assert header.rstrip().endswith("timeline.toml")


async def test_the_as_of_header_too_long_for_80_columns_ends_in_an_ellipsis() -> None:
    async with app(query="country:RU platform:telegram,whatsapp").run_test(size=NARROW) as pilot:
        await settle(pilot)
        await pilot.press("a")
        await settle(pilot)
        header = first_line(pilot.app)
        assert header.lstrip().startswith("In force on ")
        assert header.rstrip().endswith("…"), header
