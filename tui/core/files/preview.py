"""The first events of a big file, fast, so the app can paint while the rest loads.

Parsing and validating 100,000 events takes seconds; the first screenful needs a few hundred.
``preview`` parses only the text up to the (N+1)-th ``[[events]]`` header and makes each event
table's record directly, without the validation models (importing pydantic alone is a good
share of a first frame's time). A table written otherwise than a valid event is left out; one
that is not valid in a way only the models see (an unknown country, a repeated tag) is shown.
It is a preview, not a verdict: the full load always follows, replaces it, and reports every
problem. For a valid event the record is the one the load makes (``tests/test_preview.py``).
"""

from __future__ import annotations

import re
import sys
from datetime import date
from typing import Any

from tui.core import tuning
from tui.core.files import toml10
from tui.core.time.span import derived_status
from tui.core.timeline.dates import PartialDate, of_day
from tui.core.timeline.event import (
    EVENT_FIELDS,
    SOURCE_FIELDS,
    Action,
    Event,
    Source,
    Status,
    Timeline,
    TimelineInfo,
)

_EVENTS_HEADER = re.compile(r"^[ \t]*\[\[[ \t]*events[ \t]*\]\]", re.MULTILINE)
_EVENT_KEYS, _SOURCE_KEYS = frozenset(EVENT_FIELDS), frozenset(SOURCE_FIELDS)
_STATUSES = {status.value: status for status in Status}
_ACTIONS = {action.value: action for action in Action}


def preview(text: str, name: str, first: int = tuning.PREVIEW_EVENTS) -> Timeline | None:
    """A timeline of the first ``first`` events, or None when no quick preview is possible."""
    cut = None
    for count, match in enumerate(_EVENTS_HEADER.finditer(text)):
        if count == first:
            cut = match.start()
            break
    if cut is None:
        return None  # the whole file is small: the full load is just as fast
    data = toml10.parse(text[:cut])
    if data is None:
        return None  # e.g. the cut fell inside a multi-line string: wait for the full load
    raw_events = data.get("events")
    if not isinstance(raw_events, list):
        return None
    events = []
    for raw in raw_events:
        try:
            events.append(_event(raw))
        except (TypeError, ValueError, KeyError):
            continue
    # Related ids may point past the cut; the full load checks them.
    raw_info = data.get("timeline")
    info = TimelineInfo()
    if isinstance(raw_info, dict):
        title, description = raw_info.get("title", info.title), raw_info.get("description", "")
        if type(title) is str and type(description) is str:
            info = TimelineInfo(title, description)
    return Timeline(info=info, events=events, path=name)


def _event(raw: Any) -> Event:
    """An ``[[events]]`` table's record, as ``model.to_event`` makes it; raises if it is not a
    table of the fields' types."""
    if type(raw) is not dict or not _EVENT_KEYS.issuperset(raw):
        raise TypeError
    end, action, status = raw.get("end_date"), _ACTIONS[raw["action"]], raw.get("status")
    end = None if end is None else _date(end)
    sources = raw["sources"]
    if type(sources) is not list or not sources:
        raise TypeError
    return Event(
        _text(raw["id"]),
        _date(raw["date"]),
        end,
        derived_status(end, action) if status is None else _STATUSES[status],
        _text(raw["title"]),
        sys.intern(_text(raw["country"])),
        _words(raw.get("authority", [])),
        _words(raw.get("platforms", [])),
        action,
        _words(raw.get("tags", [])),
        _text(raw["summary"]),
        tuple(map(_source, sources)),
        _words(raw.get("related", [])),
    )


def _source(raw: Any) -> Source:
    if type(raw) is not dict or not _SOURCE_KEYS.issuperset(raw):
        raise TypeError
    title, day = raw.get("title"), raw.get("date")
    return Source(
        sys.intern(_text(raw["publisher"])),
        _text(raw["url"]),
        None if title is None else _text(title),
        None if day is None else _date(day),
    )


def _text(value: Any) -> str:
    if type(value) is not str:
        raise TypeError
    return value


def _words(values: Any) -> tuple[str, ...]:
    if type(values) is not list:
        raise TypeError
    return tuple(sys.intern(_text(value)) for value in values)


def _date(value: Any) -> PartialDate:
    return of_day(value) if type(value) is date else PartialDate.parse(_text(value))
