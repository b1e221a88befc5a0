"""The first events of a big file, fast, so the app can paint while the rest loads.

Parsing and validating 100,000 events takes seconds; the first screenful needs a few hundred.
``preview`` parses only the text up to the (N+1)-th ``[[events]]`` header and checks each event
by ``rules.plain_event``, without the validation models (importing pydantic alone is a good
share of a first frame's time): an event that is not valid, or not written plainly, is left
out. It is a preview, not a verdict: the full load always follows, replaces it, and reports
every problem.
"""

from __future__ import annotations

import re
from itertools import islice

from tui.core import tuning
from tui.core.files import toml10
from tui.core.files.read import decode
from tui.core.timeline.errors import TimelineError
from tui.core.timeline.event import Timeline, TimelineInfo
from tui.core.timeline.rules import plain_event, plain_info

_EVENTS_HEADER = re.compile(r"^[ \t]*\[\[[ \t]*events[ \t]*\]\]", re.MULTILINE)


def preview(text: str, name: str, first: int = tuning.PREVIEW_EVENTS) -> Timeline | None:
    """A timeline of the first ``first`` events, or None when no quick preview is possible."""
    cut = next(islice(_EVENTS_HEADER.finditer(text), first, None), None)  # the (first+1)-th
    if cut is None:
        return None  # the whole file is small: the full load is just as fast
    data = toml10.parse(text[: cut.start()])
    if data is None:
        return None  # e.g. the cut fell inside a multi-line string: wait for the full load
    raw_events = data.get("events")
    if not isinstance(raw_events, list):
        return None
    # An event written otherwise (or not valid) waits for the full load. Related ids may point
    # past the cut; the full load checks them too.
    events = [event for event in map(plain_event, raw_events) if event is not None]
    # A [timeline] table the models would refuse (an unknown key too) shows no title: the
    # full load says what is wrong.
    info = plain_info(data.get("timeline")) or TimelineInfo()
    return Timeline(info=info, events=events, path=name)


def preview_head(head: bytes, name: str) -> Timeline | None:
    """``preview`` of a file's first bytes, up to their last whole line; None when they are
    not text (the full load says why)."""
    head = head[: head.rfind(b"\n") + 1]
    try:
        return preview(decode(head, name), name) if head else None
    except TimelineError:
        return None
