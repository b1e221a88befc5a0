"""The Knight Lab TimelineJS3 JSON format (https://timeline.knightlab.com/docs/json-format.html).

Each event becomes a slide: ``start_date`` as ``{year, month?, day?}`` with only the parts the
author wrote (a year-only date stays a year), ``end_date`` as the last day of the period the
author wrote (TimelineJS puts ``{year: 2019}`` on 1 January, so a span "2018 – 2019" would end
where 2019 begins), a ``display_date`` in words, the title as headline, the summary and the
sources as links in ``text``, the id as ``unique_id`` and the country or platform as ``group``.
The timeline's title and description make the title slide, whose ``unique_id`` no event id can
take.

Everything from the file is sanitised and HTML-escaped, for how TimelineJS3 reads each field
(``src/js/core/TimelineConfig.js`` ``_tidyFields``, then ``innerHTML``): ``headline`` and
``text`` go through DOMPurify and are parsed as HTML once, so they are escaped once;
``group`` and ``display_date`` go through ``stripMarkup`` (``src/js/core/Util.js``), which
decodes them once more before ``innerHTML`` parses them again, so they are escaped twice.
Either way a name shows exactly as written and no markup from the file ever runs. The links are
built here, so the slides set ``autolink`` off (TimelineJS would otherwise scan the text for URLs
again).
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import Any

from tui.core.export.common import dumps, human_span, summary_text
from tui.core.text.present import paragraphs
from tui.core.text.sanitize import clean, clean_block
from tui.core.time.span import Kind, span
from tui.core.timeline.dates import PartialDate
from tui.core.timeline.event import Event, Timeline

NO_PLATFORM = "No platform named"
# The title slide's unique_id: an underscore, which no event id (a lowercase slug) can hold.
# Without one TimelineJS gives the title the slug of its headline before any event's id is
# registered, and an event with that id is renamed (TimelineConfig.js _assignID).
TITLE_ID = "timeline_title"
# TimelineJS3's layout (src/js/timeline/Timeline.js defaults and _calculateTimeNavHeight,
# src/js/timenav/TimeNav.js _calculateMinimumTimeNavHeight, less/Variables.less @axis-height):
# the navigation is 25% of the embed but at least 175 px, and at least 30 px per row plus the
# 39 px axis and 5 px padding; 10 px of padding come off; the slides get the rest. Each group
# is at least one row, so groups above 4 take 30 px each from the slides.
EMBED_HEIGHT = 600
MARKER_HEIGHT_MIN = 30
# Above this many rows the slides get less than half of a 600 px embed (326 px at 8, 296 at 9).
MAX_READABLE_ROWS = 8


def date_object(value: PartialDate) -> dict[str, int]:
    parts = {"year": value.year}
    if value.month is not None:
        parts["month"] = value.month
    if value.day is not None:
        parts["day"] = value.day
    return parts


def last_day_object(value: PartialDate) -> dict[str, int]:
    """The last day of ``value``'s period: where TimelineJS should end a span."""
    last = value.end
    return {"year": last.year, "month": last.month, "day": last.day}


def first_day_object(value: PartialDate) -> dict[str, int]:
    first = value.start
    return {"year": first.year, "month": first.month, "day": first.day}


def _esc(text: str) -> str:
    """For fields TimelineJS parses as HTML once (headline, text)."""
    return html.escape(clean(text), quote=True)


def _esc_twice(text: str) -> str:
    """For fields TimelineJS decodes with ``stripMarkup`` and then parses again (group,
    display_date): what ``stripMarkup`` leaves is the text escaped once."""
    return html.escape(_esc(text), quote=True)


def _paragraphs(text: str) -> str:
    return "".join(f"<p>{html.escape(b, quote=True)}</p>" for b in paragraphs(clean_block(text)))


def slide_text(event: Event) -> str:
    meta = [event.country_name, event.action.label, event.status.value, *event.platforms]
    parts = [_paragraphs(summary_text(event))]
    parts.append(f"<p><small>{' · '.join(_esc(m) for m in meta)}</small></p>")
    items = []
    for source in event.sources:
        label = _esc(source.publisher)
        if source.title:
            label += f": {_esc(source.title)}"
        item = f'<a href="{_esc(source.url)}" target="_blank" rel="noopener">{label}</a>'
        if source.date:
            item += f" ({_esc(source.date.human())})"
        items.append(f"<li>{item}</li>")
    parts.append("<p>Sources:</p><ul>" + "".join(items) + "</ul>")
    return "".join(parts)


def group_of(event: Event, group: str) -> str | None:
    """The row's name as written (not yet escaped), or None when rows are off."""
    if group == "country":
        return event.country_name
    if group == "platform":
        # A slide has one group: the event's first platform, the one it is mainly about.
        return event.platforms[0] if event.platforms else NO_PLATFORM
    return None


def slide(event: Event, group: str) -> dict[str, Any]:
    start = date_object(event.date)
    data: dict[str, Any] = {"start_date": start}
    # Only a closed span gets an end: an open one would need today's date, and the file would
    # change every day (docs/publishing.md).
    if span(event).kind is Kind.CLOSED and event.end_date is not None:
        end = last_day_object(event.end_date)
        if all(end[key] == value for key, value in start.items()):
            # TimelineJS drops an end_date that agrees with every part the start_date has
            # (TimelineConfig.js _processDates): "2019" to "2019-06" would lose its end.
            data["start_date"] = first_day_object(event.date)
        data["end_date"] = end
    data["display_date"] = _esc_twice(human_span(event))
    data["text"] = {"headline": _esc(event.title), "text": slide_text(event)}
    label = group_of(event, group)
    if label is not None:
        data["group"] = _esc_twice(label)
    data["unique_id"] = event.id
    data["autolink"] = False
    return data


def document(timeline: Timeline, events: Sequence[Event], group: str = "country") -> dict[str, Any]:
    title: dict[str, Any] = {
        "text": {"headline": _esc(timeline.info.title)},
        "unique_id": TITLE_ID,
    }
    if timeline.info.description.strip():
        title["text"]["text"] = _paragraphs(timeline.info.description)
    return {"title": title, "events": [slide(e, group) for e in events]}


def row_names(events: Sequence[Event], group: str) -> list[str]:
    """The distinct rows (groups) the slides fall into, in order of first appearance."""
    names = {label: None for e in events if (label := group_of(e, group)) is not None}
    return list(names)


def slides_height(rows: int, embed: int = EMBED_HEIGHT) -> int:
    """The pixels TimelineJS leaves the slides in an ``embed``-pixel-high embed with ``rows``
    rows of navigation (with its default options)."""
    timenav = max(round(embed * 0.25), 175, rows * MARKER_HEIGHT_MIN + 39 + 5) - 10
    return max(embed - timenav, 0)


def rows_warning(events: Sequence[Event], group: str) -> str | None:
    """A warning when ``group`` makes more rows than a readable embed holds, else None."""
    rows = len(row_names(events, group))
    if rows <= MAX_READABLE_ROWS:
        return None
    advice = ["narrow the view with --query"]
    if group == "platform":
        countries = len(row_names(events, "country"))
        if countries <= MAX_READABLE_ROWS:
            advice.append(f"use --group country ({countries} {_rows(countries)})")
    advice.append("use --group none")
    return (
        f"{rows} rows (one per {group}) leave the slides {slides_height(rows)} px of a "
        f"{EMBED_HEIGHT} px embed (TimelineJS gives each row {MARKER_HEIGHT_MIN} px of its "
        f"navigation); keep to {MAX_READABLE_ROWS} or fewer: {', '.join(advice[:-1])}"
        f" or {advice[-1]}"
    )


def _rows(count: int) -> str:
    return "row" if count == 1 else "rows"


def render(timeline: Timeline, events: Sequence[Event], *, group: str = "country") -> str:
    if group not in ("country", "platform", "none"):
        raise ValueError(f"unknown group {group!r}")
    return dumps(document(timeline, events, group))
