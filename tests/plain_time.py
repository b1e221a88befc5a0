"""Plain versions of what the time code computes fast, the references it is tested against.

``overlaps`` is the span rule's overlap (docs/format.md "Span"; ``during:``), which the query
index computes on ordinals for all events at once. ``fit`` computes every event's drawing span
(``tui.core.time.spans.span``) and frames the earliest start to the latest end; the app's
``LayoutCache.fit`` gives the same scale from the packed spans it has already computed.
``assert_labels_never_touch`` is the axis's rule for its labels, checked at every zoom level.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from itertools import pairwise

from tui.core.time.axis import ticks
from tui.core.time.scale import Scale, framing
from tui.core.time.span import Span
from tui.core.time.spans import span
from tui.core.timeline.event import Event


def overlaps(when: Span, first: date, last: date) -> bool:
    """Some day of the event lies in ``first``..``last`` (both inclusive)."""
    return when.first <= last and (when.last is None or when.last >= first)


def fit(events: Iterable[Event], width: int, today: date) -> Scale:
    """A scale that frames every event's span, with a margin of about 5 % on each side.

    Without events it frames the year before today."""
    spans = [span(e, today) for e in events]
    if not spans:
        return framing(None, None, width, today)
    lo = min(s.start for s in spans).toordinal()
    return framing(lo, max(s.end for s in spans).toordinal(), width, today)


def assert_labels_never_touch(scale: Scale) -> None:
    """Labels apart, inside the width; tick marks in order, one per column."""
    placed = [(t.column, t.label) for t in ticks(scale) if t.label]
    for (col, label), (next_col, _) in pairwise(placed):
        assert col + len(label) < next_col, placed
    for col, label in placed:
        assert col >= 0 and col + len(label) <= scale.width
    marks = [t.column for t in ticks(scale)]
    assert marks == sorted(marks) and len(set(marks)) == len(marks)
