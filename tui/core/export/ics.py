"""iCalendar (RFC 5545) through the ``icalendar`` library, which folds and escapes correctly.

Every event is an all-day VEVENT over its span (``tui.core.time.span``): DTSTART is its first day,
DTEND the day after its last day (``"2018-04"`` covers all of April). An open span has no last
day; it ends with its date's period, so the file does not change from day to day.
UID is ``<id>@policy-tui``, stable across exports, so re-importing updates instead of
duplicating. DTSTAMP must be a date-time; to keep exports reproducible it is derived from the
timeline (``default_stamp``), not from the clock.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta

import icalendar

from tui.core.export.common import human_span, summary_text, uri
from tui.core.text.present import paragraphs
from tui.core.text.sanitize import clean, clean_block
from tui.core.time.span import span
from tui.core.timeline.event import Event, Timeline

PRODID = "-//policy-tui//policy-tui timeline export//EN"
UID_DOMAIN = "policy-tui"


def default_stamp(timeline: Timeline) -> datetime:
    """Midnight UTC of the latest date written anywhere in the timeline (events and sources).

    It moves forward when the timeline gains later entries and never on its own, so the same
    file always exports the same bytes.
    """
    days: list[date] = []
    for event in timeline.events:
        days.append(event.date.start)
        if event.end_date:
            days.append(event.end_date.start)
        days.extend(s.date.start for s in event.sources if s.date)
    latest = max(days, default=date(1970, 1, 1))
    return datetime(latest.year, latest.month, latest.day, tzinfo=UTC)


def description(event: Event) -> str:
    meta = " · ".join(
        [event.country_name, event.action.label, event.status.value, *event.platforms]
    )
    lines = ["\n\n".join(paragraphs(clean_block(summary_text(event))))]
    lines += ["", clean(human_span(event)) + " · " + clean(meta)]
    lines += ["", "Sources:"]
    for source in event.sources:
        line = f"- {clean(source.publisher)}"
        if source.title:
            line += f": {clean(source.title)}"
        if source.date:
            line += f" ({source.date.human()})"
        lines.append(f"{line} {clean(source.url)}")
    return "\n".join(lines)


def vevent(event: Event, stamp: datetime) -> icalendar.Event:
    item = icalendar.Event()
    item.add("uid", f"{event.id}@{UID_DOMAIN}")
    item.add("dtstamp", stamp)
    when = span(event)
    first = when.first
    last = event.date.end if when.last is None else when.last
    item.add("dtstart", first)
    # DTEND is exclusive. The last representable day has no day after it: end the event on
    # that day instead (one day short), or, for an event starting there, leave DTEND out (an
    # all-day DTSTART alone lasts one day).
    if last < date.max:
        item.add("dtend", last + timedelta(days=1))
    elif first < date.max:
        item.add("dtend", date.max)
    item.add("summary", clean(event.title))
    item.add("description", description(event))
    item.add("location", clean(event.country_name))
    item.add("url", uri(event.sources[0].url))
    item.add("categories", [event.action.value, *(clean(t) for t in event.tags)])
    return item


def render(timeline: Timeline, events: Sequence[Event], *, stamp: datetime | None = None) -> str:
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", clean(timeline.info.title))
    when = stamp or default_stamp(timeline)
    for event in events:
        calendar.add_component(vevent(event, when))
    data: bytes = calendar.to_ical()
    return data.decode("utf-8")
