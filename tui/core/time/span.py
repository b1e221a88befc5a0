"""How long an event lasts: ONE rule that the query, the timeline view, the as-of board, the
exports, the detail pane and the writer all ask (the table is in docs/format.md, "Span").

Pure and cheap to import (no pydantic, no Textual): the explorer's start-up path reaches it.
Code that runs over every event at once (``tui.core.query.evaluate``'s time columns, once per
index; ``tui.core.time.spans``' drawing spans, once per events list) works on ordinals and asks
``OPEN_STATUSES`` and ``FOREVER`` rather than building a ``Span`` per event (~80 ms at 100,000
events); the tests hold both to ``span``.

=========  ====================================================  ==========  ============
kind       when                                                  first day   last day
=========  ====================================================  ==========  ============
closed     an ``end_date`` is given                              ``date``'s  ``end_date``'s
                                                                 first       last
open       no ``end_date``, status ``ongoing`` or ``unknown``    ``date``'s  none (runs on)
point      no ``end_date``, status ``ended``                     ``date``'s  ``date``'s last
=========  ====================================================  ==========  ============

The status decides, not the action: the action only decides the status that the loader derives
when the file gives none (``derived_status``). So a lawsuit marked ``ongoing`` (still pending) is
open like an ongoing block, and a block marked ``ended`` without an ``end_date`` is a point: it
ended on a day nobody recorded, so no day after its date can be claimed for it.

In force (``asof:``, the as-of board): an open or closed span, on its days. A point is never in
force: a one-off happened; a measure that ended on an unknown day has no known day in force.
Overlap (``during:``, the timeline's spans): any kind, on its days; an open span reaches every
later day, as far as the timeline knows (the view draws it to today).
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import NamedTuple

from tui.core.timeline.dates import PartialDate
from tui.core.timeline.event import Action, Event, Status

# The statuses that keep an event without an end date running.
OPEN_STATUSES = frozenset({Status.ONGOING, Status.UNKNOWN})
# Ordinal of the last day an open span reaches (for code that works on ordinals).
FOREVER = date.max.toordinal()


class Kind(StrEnum):
    POINT = "point"
    CLOSED = "closed"
    OPEN = "open"


class Span(NamedTuple):
    kind: Kind
    first: date
    last: date | None  # None: open, no known last day
    status: Status

    def in_force(self, day: date) -> bool:
        """In force on ``day``: a measure (open or closed) that had started and not ended."""
        if self.kind is Kind.POINT or self.first > day:
            return False
        return self.last is None or self.last >= day


def derived_status(end_date: PartialDate | None, action: Action) -> Status:
    """The status of an event whose file gives none: ``ongoing`` for a lasting measure without
    an end date, otherwise ``ended`` (docs/format.md, "Status")."""
    return Status.ONGOING if end_date is None and action.lasting else Status.ENDED


def span(event: Event) -> Span:
    """The event's span by the rule of the module docstring."""
    end_date, status = event.end_date, event.status
    if end_date is not None:
        return Span(Kind.CLOSED, event.date.start, end_date.end, status)
    if status in OPEN_STATUSES:
        return Span(Kind.OPEN, event.date.start, None, status)
    return Span(Kind.POINT, event.date.start, event.date.end, status)
