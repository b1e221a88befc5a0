"""The first events of a big file, fast, so the app can paint while the rest loads.

Parsing and validating 100,000 events takes seconds; the first screenful needs a few hundred.
``preview`` parses only the text up to the (N+1)-th ``[[events]]`` header. It is a preview, not a
verdict: events that fail validation are skipped here and reported by the full load, which
always follows and replaces the preview.
"""

from __future__ import annotations

import contextlib
import re

from pydantic import ValidationError

from tui.core import tuning
from tui.core.files.load import _parse_chunk
from tui.core.timeline.event import Timeline, TimelineInfo
from tui.core.timeline.model import validate_event, validate_info

_EVENTS_HEADER = re.compile(r"^[ \t]*\[\[[ \t]*events[ \t]*\]\]", re.MULTILINE)


def preview(text: str, name: str, first: int = tuning.PREVIEW_EVENTS) -> Timeline | None:
    """A timeline of the first ``first`` valid events, or None when no quick preview is possible."""
    cut = None
    for count, match in enumerate(_EVENTS_HEADER.finditer(text)):
        if count == first:
            cut = match.start()
            break
    if cut is None:
        return None  # the whole file is small: the full load is just as fast
    data = _parse_chunk(text[:cut])  # rtoml where it agrees with tomllib
    if data is None:
        return None  # e.g. the cut fell inside a multi-line string: wait for the full load
    raw_events = data.get("events")
    if not isinstance(raw_events, list):
        return None
    events = []
    for raw in raw_events:
        try:
            event = validate_event(raw)
        except ValidationError:
            continue
        # Related ids may point past the cut; the full load checks them.
        events.append(event)
    info = TimelineInfo()
    raw_info = data.get("timeline")
    if isinstance(raw_info, dict):
        with contextlib.suppress(ValidationError):
            info = validate_info(raw_info)
    return Timeline(info=info, events=events, path=name)
