"""CSV (RFC 4180): a header and one row per event; a list field holds one item per line.

Text is sanitised (``clean``; the summary keeps its line breaks). List fields (platforms,
authority, tags, source publishers and URLs, related) put each item on its own line within the
cell: the loader forbids line breaks in list items (and ``clean`` would escape one), so the
newline is unambiguous where ``; `` or ``,`` are not (an authority may hold either), and a
spreadsheet shows the items as lines. An empty cell is an empty list.

A cell that a spreadsheet would run as a formula (starting with ``=``, ``+``, ``-``, ``@``, tab
or CR) gets a leading ``'`` — the usual defence against CSV injection — and so does one that
already starts with ``'`` and one of those, so a reader recovers the text exactly by removing
one ``'`` from a cell that starts with ``'`` and one of ``=+-@'`` (docs/publishing.md shows a
reader; tests/test_export.py reads every cell back so).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

from tui.core.export.common import span_days, summary_text
from tui.core.text.sanitize import clean, clean_block
from tui.core.timeline.event import Event, Timeline

COLUMNS: tuple[str, ...] = (
    "id", "date", "end_date", "start", "end", "status", "title", "country", "country_name",
    "action", "platforms", "authority", "tags", "summary", "source_publishers", "source_urls",
    "related",
)  # fmt: skip
SEPARATOR = "\n"  # between the items of a list field, within its cell
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_DEFUSED = tuple("'" + c for c in (*_FORMULA_START, "'"))


def defuse(text: str) -> str:
    """``text`` with a leading ``'`` when a spreadsheet would run it as a formula (see above)."""
    return "'" + text if text.startswith(_FORMULA_START) or text.startswith(_DEFUSED) else text


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
        "status": event.status.value,
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
        "related": _join(event.related),
    }
    return [defuse(values[c]) for c in COLUMNS]


def render(timeline: Timeline, events: Sequence[Event]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(COLUMNS)
    for event in events:
        writer.writerow(row(event))
    return out.getvalue()
