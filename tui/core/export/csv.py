"""CSV (RFC 4180): a header and one row per event; list fields joined by ``; ``.

Text is sanitised (``clean``; the summary keeps its line breaks), and a cell that a spreadsheet
would run as a formula (starting with ``=``, ``+``, ``-``, ``@``, tab or CR) gets a leading
``'`` — the usual defence against CSV injection.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

from tui.core.event import Event, Timeline
from tui.core.export.common import span_days, summary_text
from tui.core.sanitize import clean, clean_block

COLUMNS: tuple[str, ...] = (
    "id", "date", "end_date", "start", "end", "status", "title", "country", "country_name",
    "action", "platforms", "authority", "tags", "summary", "source_publishers", "source_urls",
    "related",
)  # fmt: skip
SEPARATOR = "; "
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(text: str) -> str:
    return "'" + text if text.startswith(_FORMULA_START) else text


def _join(values: Iterable[str]) -> str:
    return SEPARATOR.join(clean(v) for v in values)


def row(event: Event) -> list[str]:
    start, end = span_days(event)
    values = {
        "id": event.id,
        "date": event.date.iso(),
        "end_date": event.end_date.iso() if event.end_date else "",
        "start": start,
        "end": end or "",
        "status": event.state.value,
        "title": clean(event.title),
        "country": event.country,
        "country_name": clean(event.country_name),
        "action": event.action.value,
        "platforms": _join(event.platforms),
        "authority": _join(event.authority),
        "tags": _join(event.tags),
        "summary": clean_block(summary_text(event)),
        "source_publishers": _join(s.publisher for s in event.sources),
        "source_urls": _join(s.url for s in event.sources),
        "related": SEPARATOR.join(event.related),
    }
    return [_cell(values[c]) for c in COLUMNS]


def render(timeline: Timeline, events: Sequence[Event]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(COLUMNS)
    for event in events:
        writer.writerow(row(event))
    return out.getvalue()
