"""JSON: an array of events with every field (``common.event_record``)."""

from __future__ import annotations

from collections.abc import Sequence

from tui.core.export.common import dumps, event_record
from tui.core.timeline.event import Event, Timeline


def render(timeline: Timeline, events: Sequence[Event]) -> str:
    return dumps([event_record(e) for e in events])
