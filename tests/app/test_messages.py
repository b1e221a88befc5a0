"""The event list and the timeline view send one pair of messages (tui.app.widgets.messages),
each carrying the widget that sent it, so a parent can listen by id as with Textual's own."""

from __future__ import annotations

from pathlib import Path

from textual import on
from textual.app import App, ComposeResult

from tui.app.widgets.event_list import EventList
from tui.app.widgets.messages import EventHighlighted, EventSelected
from tui.app.widgets.timeline_view import TimelineView
from tui.core.files.load import load_timeline
from tui.core.query.shown import Shown

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "app"


def test_both_widgets_share_the_message_pair_and_keep_their_names() -> None:
    for widget in (EventList, TimelineView):
        assert issubclass(widget.Highlighted, EventHighlighted)
        assert issubclass(widget.Selected, EventSelected)
    # The handler names a parent may already use stay as they were.
    assert EventList.Highlighted.handler_name == "on_event_list_highlighted"
    assert TimelineView.Selected.handler_name == "on_timeline_view_selected"
    widget = EventList()
    assert EventList.Highlighted(widget, None).control is widget


class _Listening(App[None]):
    def __init__(self) -> None:
        super().__init__()
        self.heard: list[tuple[str, str, str | None]] = []

    def compose(self) -> ComposeResult:
        yield EventList(Shown.every(load_timeline(FIXTURES / "timeline.toml").events), id="list")

    @on(EventHighlighted, "#list")
    def _highlighted(self, message: EventHighlighted) -> None:
        event = message.event
        self.heard.append(("highlighted", message.control.id or "", event.id if event else None))

    @on(EventSelected, "#list")
    def _selected(self, message: EventSelected) -> None:
        self.heard.append(("selected", message.control.id or "", message.event.id))


async def test_a_parent_hears_the_list_by_its_id() -> None:
    app = _Listening()
    async with app.run_test() as pilot:
        widget = app.query_one(EventList)
        widget.focus()
        await pilot.press("down", "enter")
        await pilot.pause()
        second = widget.highlighted
        assert second is not None
        assert ("highlighted", "list", second.id) in app.heard
        assert app.heard[-1] == ("selected", "list", second.id)
