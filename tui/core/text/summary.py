"""One-line descriptions of a timeline, for `validate` and the app header."""

from __future__ import annotations

from tui.core.text.sanitize import clean
from tui.core.timeline.event import Timeline

# Up to this many country codes are all listed; beyond it the line would outgrow a terminal.
LIST_ALL_COUNTRIES = 12
SHOWN_WHEN_MORE = 10


def one_line_summary(timeline: Timeline) -> str:
    """``timeline.toml: 42 events, 2015-02-11 to 2026-04, 3 countries (BR, CN, RU)``.

    Every country code is listed up to ``LIST_ALL_COUNTRIES``: an ellipsis that hides one or two
    codes saves nothing and leaves the reader guessing. Longer lists end ``, … 7 more``.
    """
    name = clean(timeline.path or "<timeline>")
    events = timeline.events
    if not events:
        return f"{name}: no events"
    first = min(e.date for e in events)
    last = max((e.end_date or e.date for e in events), key=lambda d: (d.end, d.precision))
    countries = sorted({e.country for e in events})
    if len(countries) <= LIST_ALL_COUNTRIES:
        listed = ", ".join(countries)
    else:
        hidden = len(countries) - SHOWN_WHEN_MORE
        listed = ", ".join(countries[:SHOWN_WHEN_MORE]) + f", … {hidden} more"
    noun = "event" if len(events) == 1 else "events"
    places = "country" if len(countries) == 1 else "countries"
    return (
        f"{name}: {len(events)} {noun}, {first.iso()} to {last.iso()}, "
        f"{len(countries)} {places} ({listed})"
    )
