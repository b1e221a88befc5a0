"""One-line descriptions of a timeline, for `validate` and the app header."""

from __future__ import annotations

from tui.core.model import Timeline
from tui.core.sanitize import clean


def one_line_summary(timeline: Timeline) -> str:
    """``timeline.toml: 42 events, 2015-02-11 to 2026-04, 8 countries (BR, CN, RU, …)``."""
    name = clean(timeline.path or "<timeline>")
    events = timeline.events
    if not events:
        return f"{name}: no events"
    first = min(e.date for e in events)
    last = max((e.end_date or e.date for e in events), key=lambda d: (d.end, d.precision))
    countries = sorted({e.country for e in events})
    listed = ", ".join(countries[:8]) + (", …" if len(countries) > 8 else "")
    noun = "event" if len(events) == 1 else "events"
    places = "country" if len(countries) == 1 else "countries"
    return (
        f"{name}: {len(events)} {noun}, {first.iso()} to {last.iso()}, "
        f"{len(countries)} {places} ({listed})"
    )
