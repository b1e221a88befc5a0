"""What the export formats share: date spans, the JSON record of an event, safe JSON text."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

from tui.core.text.sanitize import replace_unsafe
from tui.core.time.span import span
from tui.core.timeline.event import Event, Source

# RFC 3986 reserved and unreserved characters, and '%' so existing escapes stay as they are.
_URI_SAFE = ":/?#[]@!$&'()*+,;=-._~%"


def dumps(data: Any) -> str:
    """JSON text that is safe on a terminal and exact for a parser.

    ``json`` already escapes C0 controls; the other characters that ``tui.core.text.sanitize`` calls
    unsafe (DEL, C1, bidi controls, line separators…, which can only occur inside strings) are
    written as ``\\uXXXX`` escapes too, so the text shows no bidi override or C1 control, while
    a JSON parser still gets back the exact strings. Ordinary text, joiners and direction marks
    included, stays as written.
    """
    text = json.dumps(data, ensure_ascii=False, indent=2)
    return replace_unsafe(text, _escape, block=True) + "\n"


def _escape(char: str) -> str:
    units = char.encode("utf-16-be", "surrogatepass")
    return "".join(
        f"\\u{int.from_bytes(units[i : i + 2], 'big'):04x}" for i in range(0, len(units), 2)
    )


def span_days(event: Event) -> tuple[str, str | None]:
    """The first and last day of the event's span (``tui.core.time.span``), ISO.

    The last day is None for an open span: it has no known last day, and the last day of its
    start date would read, in a spreadsheet, as the day it ended.
    """
    when = span(event)
    return when.first.isoformat(), None if when.last is None else when.last.isoformat()


def human_span(event: Event) -> str:
    """``16 April 2018 – 18 June 2020``, ``April 2018``: each date at its written precision."""
    text = event.date.human()
    if event.end_date is not None and event.end_date != event.date:
        text += f" – {event.end_date.human()}"
    return text


def summary_text(event: Event) -> str:
    # TOML multi-line strings carry the newlines next to their quotes: not part of the text.
    return event.summary.strip()


def uri(url: str) -> str:
    """The URL with every character a URI may not hold (spaces, ``<>"``, non-ASCII) %-encoded."""
    return quote(url, safe=_URI_SAFE)


def source_record(source: Source) -> dict[str, Any]:
    return {
        "publisher": source.publisher,
        "url": source.url,
        "title": source.title,
        "date": source.date.iso() if source.date else None,
    }


def event_record(event: Event) -> dict[str, Any]:
    """Every field of an event, dates as written, plus ``start``/``end`` as ISO days."""
    start, end = span_days(event)
    return {
        "id": event.id,
        "date": event.date.iso(),
        "end_date": event.end_date.iso() if event.end_date else None,
        "start": start,
        "end": end,
        "status": event.status.value,
        "title": event.title,
        "country": event.country,
        "country_name": event.country_name,
        "authority": list(event.authority),
        "platforms": list(event.platforms),
        "action": event.action.value,
        "tags": list(event.tags),
        "summary": summary_text(event),
        "sources": [source_record(s) for s in event.sources],
        "related": list(event.related),
    }
