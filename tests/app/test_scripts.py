"""Persian, Arabic, Hebrew, Devanagari and emoji in the app: joiners and marks are text (never
shown as "\\u200c"), and right-to-left lines wrap between words, never inside one."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from textual.geometry import Region
from textual.widgets import Static

from tui.app.app import PolicyApp, make_app
from tui.app.widgets.detail import EventDetail
from tui.core.files.load import load_timeline

from .screen import screen_text, settle

SCRIPTS = Path(__file__).resolve().parent.parent / "fixtures" / "app" / "scripts.toml"
TODAY = date(2026, 6, 1)
SMALL = (80, 24)


def detail_lines(app: PolicyApp) -> list[str]:
    """Every line the detail pane draws (scrolled into view or not), trailing blanks removed."""
    body = app.query_one(EventDetail).query_one("#detail-body", Static)
    strips = body.render_lines(Region(0, 0, body.size.width, body.size.height))
    return [strip.text.rstrip() for strip in strips]


async def test_list_rows_and_detail_show_joiners_and_marks_as_text() -> None:
    timeline = load_timeline(SCRIPTS)
    async with make_app(timeline, today=TODAY).run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        text = screen_text(pilot.app)
        assert "\\u" not in text
        for event in timeline.events:  # every row (a long title is cut after its start)
            assert " ".join(event.title.split()[:4]) in text, event.id
        for event in timeline.events:
            assert pilot.app.main_screen.show_event(event.id)
            await settle(pilot)
            lines = detail_lines(pilot.app)
            shown = "\n".join(lines)
            assert "\\u" not in shown, event.id
            assert lines[0] == event.title or len(event.title) > len(lines[0])
            for name in (*event.platforms, *event.tags, *event.authority):
                assert name in shown, (event.id, name)


@pytest.mark.parametrize("event_id", ["ir-2022-whatsapp", "eg-2017-telegram"])
async def test_right_to_left_text_wraps_between_words_at_80x24(event_id: str) -> None:
    timeline = load_timeline(SCRIPTS)
    event = timeline.get(event_id)
    assert event is not None
    async with make_app(timeline, goto=event.id, today=TODAY).run_test(size=SMALL) as pilot:
        await settle(pilot)
        lines = detail_lines(pilot.app)
        width = pilot.app.query_one("#detail-body", Static).size.width
        assert len(event.title) > width  # the title wraps, and so does the summary
        blank = lines.index("")
        title_lines = lines[:blank]
        assert len(title_lines) > 1
        assert " ".join(title_lines).split() == event.title.split()
        first = next(i for i, line in enumerate(lines) if line.startswith("Id "))
        end = lines.index("", first + 2)
        summary_lines = lines[first + 2 : end]
        assert len(summary_lines) > 1
        assert " ".join(summary_lines).split() == event.summary.split()
        # What the screen shows of them is the same lines.
        screen = screen_text(pilot.app)
        assert "\\u" not in screen
        assert title_lines[0] in screen and title_lines[1] in screen
