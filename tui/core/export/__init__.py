"""Exports of (a filtered view of) a timeline: one module per format, all pure Python.

Each format module has ``render(timeline, events, **options) -> str``; ``render`` here picks one
by name. The formats and their choices are documented in ``docs/publishing.md`` and, for the
command line, in ``docs/query.md``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from tui.core.query.language import Query
from tui.core.timeline.event import Event, Timeline

FORMATS: tuple[str, ...] = ("json", "csv", "markdown", "timelinejs", "ics")
GROUPS: tuple[str, ...] = ("country", "platform", "none")


def render(
    fmt: str,
    timeline: Timeline,
    events: Sequence[Event],
    *,
    query: Query | None = None,
    group: str = "country",
    stamp: datetime | None = None,
) -> str:
    """``events`` (usually a filtered, ordered subset of ``timeline.events``) in format ``fmt``.

    ``query`` is named in the Markdown header; ``group`` picks TimelineJS rows; ``stamp`` fixes
    the iCalendar DTSTAMP (default: derived from the timeline, see ``ics.default_stamp``).
    """
    if fmt == "json":
        from tui.core.export import json

        return json.render(timeline, events)
    if fmt == "csv":
        from tui.core.export import csv

        return csv.render(timeline, events)
    if fmt == "markdown":
        from tui.core.export import markdown

        return markdown.render(timeline, events, query=query)
    if fmt == "timelinejs":
        from tui.core.export import timelinejs

        return timelinejs.render(timeline, events, group=group)
    if fmt == "ics":
        from tui.core.export import ics

        return ics.render(timeline, events, stamp=stamp)
    raise ValueError(f"unknown format {fmt!r} (one of {', '.join(FORMATS)})")
