"""SVG snapshots of the add-event form, named for what they show.

Update after an intended change with
``pytest tests/app/test_snapshots_form.py --snapshot-update`` and look at every changed SVG.
"""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Input

from tui.app.app import PolicyApp, make_app
from tui.core.files.load import load_timeline

from .screen import settle

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "app" / "timeline.toml"
TODAY = date(2026, 6, 1)


async def steady(pilot: Pilot) -> None:
    """A blinking cursor would be drawn or not depending on the machine's load: stop it."""
    for field in pilot.app.screen.query("Input, TextArea"):
        field.cursor_blink = False  # type: ignore[attr-defined]
    await pilot.pause()


@pytest.fixture
def app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> PolicyApp:
    # The form's title shows the file's path: run in its folder so the path reads the same
    # on every machine.
    shutil.copyfile(FIXTURE, tmp_path / "timeline.toml")
    monkeypatch.chdir(tmp_path)
    path = Path("timeline.toml")
    return make_app(load_timeline(path), goto="ru-2018-telegram-block", today=TODAY, watch=False)


class TestEventForm:
    def test_new_event_with_live_errors_120x40(self, snap_compare, app: PolicyApp) -> None:
        async def type_(pilot: Pilot) -> None:
            await settle(pilot)
            await pilot.press("n")
            await pilot.pause()
            form = pilot.app.screen
            await pilot.press(*"Telegram blocked")
            form.query_one("#f-country", Input).value = "RU"
            form.query_one("#f-date", Input).value = "April 2018"
            form.query_one(".source-url", Input).value = "javascript:alert(1)"
            form.query_one("#f-title", Input).focus()
            await steady(pilot)

        assert snap_compare(app, terminal_size=(120, 40), run_before=type_)

    def test_copy_of_an_event_80x24(self, snap_compare, app: PolicyApp) -> None:
        async def copy(pilot: Pilot) -> None:
            await settle(pilot)
            await pilot.press("c")
            await pilot.pause()
            await steady(pilot)

        assert snap_compare(app, terminal_size=(80, 24), run_before=copy)
