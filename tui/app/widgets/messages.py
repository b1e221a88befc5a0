"""The messages every widget that shows events sends: "this event was highlighted", "this
event was chosen".

The event list and the timeline view each have their own subclasses (``EventList.Highlighted``,
``TimelineView.Selected``), so a handler can listen to one widget's kind, to both at once
(``@on(EventHighlighted)``), or to one widget by id (``@on(EventList.Highlighted, "#list")``):
like Textual's own ``OptionList`` messages, they carry the widget that sent them as
``control``.
"""

from __future__ import annotations

from textual.message import Message
from textual.widget import Widget

from tui.core.timeline.event import Event


class EventHighlighted(Message):
    """The highlight moved to another event (``event`` is None when the widget shows none)."""

    def __init__(self, widget: Widget, event: Event | None) -> None:
        self.widget = widget
        self.event = event
        super().__init__()

    @property
    def control(self) -> Widget:
        """The widget whose highlight moved."""
        return self.widget


class EventSelected(Message):
    """Enter (or a double click) on an event."""

    def __init__(self, widget: Widget, event: Event) -> None:
        self.widget = widget
        self.event = event
        super().__init__()

    @property
    def control(self) -> Widget:
        """The widget the event was chosen in."""
        return self.widget
