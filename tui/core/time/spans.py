"""Where events are drawn in time: one event's drawing span, and every event's, packed.

Spans (``span``) draw the one span rule (``tui.core.time.span``, docs/format.md "Span"), so the
view and the filters agree on what overlaps what:

=========  ===========================================  =====================================
kind       span (``tui.core.time.span.Kind``)                drawn
=========  ===========================================  =====================================
bar        closed: an ``end_date`` is given             start of ``date``'s period to the end
                                                        of ``end_date``'s period
open       open, status ``ongoing``                     from ``date`` to today, ends in ``▶``
unknown    open, status ``unknown``                     from ``date`` to today, ends in ``?``
                                                        (the sources do not say whether it
                                                        still holds)
marker     point: no ``end_date``, status ``ended``     at its date (an end that is not known
                                                        is not drawn)
=========  ===========================================  =====================================

A partial date (``"2018-04"``, ``"2018"``) covers its whole period: a partial start or end is
drawn dotted (``┄``) over its month or year and flagged ``approximate_start``/``_end``; a partial
marker is dotted over its period with ``◆`` in the middle. An open or unknown span whose start
lies after today runs to the end of its own date's period instead.
"""

from __future__ import annotations

import operator
from collections.abc import Sequence
from datetime import date
from enum import StrEnum
from itertools import compress
from typing import NamedTuple

from tui.core.time.scale import Scale, framing
from tui.core.time.span import OPEN_STATUSES
from tui.core.time.span import Kind as TimeKind
from tui.core.time.span import span as time_span
from tui.core.timeline.dates import PartialDate, Precision
from tui.core.timeline.event import Event, Status
from tui.core.tuning import BREATHE_EVERY, breathe


class Kind(StrEnum):
    MARKER = "marker"
    BAR = "bar"
    OPEN = "open"
    UNKNOWN = "unknown"


class Span(NamedTuple):
    start: date
    end: date
    kind: Kind
    approximate_start: bool
    approximate_end: bool


def span(event: Event, today: date) -> Span:
    """Where an event is drawn in time: its ``tui.core.time.span.span``, an open one drawn to today
    (or to the end of its date's period, if that is later); see the module docstring."""
    first = event.date
    approx_start = first.precision is not Precision.DAY
    when = time_span(event)
    if when.kind is TimeKind.CLOSED and event.end_date is not None:
        last = event.end_date
        return Span(
            when.first, last.end, Kind.BAR, approx_start, last.precision is not Precision.DAY
        )
    if when.kind is TimeKind.OPEN:
        kind = Kind.OPEN if when.status is Status.ONGOING else Kind.UNKNOWN
        return Span(when.first, max(today, first.end), kind, approx_start, False)
    return Span(when.first, first.end, Kind.MARKER, approx_start, approx_start)


# Ordinals fit in 22 bits (9999-12-31 is 3,652,059), precisions in 2: keys packed into one int
# sort in C without building a tuple per event.
_BITS = 22
_DAY = int(Precision.DAY)
# Per-event flags, packed: approximate start and end, one glyph wide, then the kind.
APPROX_START, APPROX_END, ONE_GLYPH, KIND_SHIFT = 1, 2, 4, 3
KINDS = (Kind.MARKER, Kind.BAR, Kind.OPEN, Kind.UNKNOWN)
_BAR = 1 << KIND_SHIFT
_OPEN = 2 << KIND_SHIFT
_UNKNOWN = 3 << KIND_SHIFT
# By flags: 1 when an item's last column is that of the day after its end, minus one.
DAY_AFTER = tuple(0 if flags & ONE_GLYPH else 1 for flags in range(1 << (KIND_SHIFT + 2)))


class Spans:
    """``span`` of every event as ordinals and flags in parallel lists, and the order items
    are stacked in: computed once per events list and today, then shared by every lane kind
    and scale. (``span`` without objects per event: the open test is ``tui.core.time.span``'s
    ``OPEN_STATUSES``; the tests hold the two to the same layouts.)"""

    __slots__ = ("_given", "_index", "ends", "events", "flags", "ids", "order", "rank",
                 "sort_keys", "starts", "today")  # fmt: skip

    def __init__(self, events: Sequence[Event], today: date) -> None:
        # A snapshot holding every event alive: the cache compares it, by identity, with the
        # events it is asked about, so a changed list is never laid out from stale spans.
        self.events = evs = list(events)
        # A tuple cannot change: asked about the same tuple again, there is nothing to compare.
        self._given = events if isinstance(events, tuple) else None
        self.today = today
        n = len(evs)
        self.ids = ids = [e.id for e in evs]
        self.starts = starts = [0] * n
        self.ends = ends = [0] * n
        self.flags = flags = [0] * n
        self.sort_keys = sort_keys = [0] * n  # Event.sort_key without the id, packed
        stack_keys = [0] * n  # (span start, span end, sort key) without the id, packed
        today_ordinal = today.toordinal()
        ongoing = Status.ONGOING
        # Partial dates are few; their periods are converted once per value.
        periods: dict[tuple[int, int | None], tuple[int, int, int]] = {}
        for chunk in range(0, n, BREATHE_EVERY):
            breathe()
            for index in range(chunk, min(chunk + BREATHE_EVERY, n)):
                event = evs[index]
                when = event.date
                day = when.day
                if day is not None:
                    first = last = date(when.year, when.month or 1, day).toordinal()
                    precision = _DAY
                    flag = 0
                else:
                    key = (when.year, when.month)
                    period = periods.get(key)
                    if period is None:
                        period = periods[key] = _period(when)
                    first, last, precision = period
                    flag = APPROX_START
                end_date = event.end_date
                if end_date is not None:
                    if end_date.day is not None:
                        end = date(end_date.year, end_date.month or 1, end_date.day).toordinal()
                        flag |= _BAR
                    else:
                        end = _period(end_date)[1]
                        flag |= _BAR | APPROX_END
                    sort_end = end
                else:
                    sort_end = last
                    status = event.status
                    if status in OPEN_STATUSES:
                        end = last if last > today_ordinal else today_ordinal
                        flag |= _OPEN if status is ongoing else _UNKNOWN
                    else:
                        end = last
                        flag |= APPROX_END if flag else ONE_GLYPH
                starts[index] = first
                ends[index] = end
                flags[index] = flag
                sort_key = ((first << 2 | precision) << _BITS) | sort_end
                sort_keys[index] = sort_key
                stack_keys[index] = ((first << _BITS | end) << (2 * _BITS + 2)) | sort_key
        breathe()
        order = sorted(range(n), key=stack_keys.__getitem__)
        _by_id_within_ties(order, stack_keys, sort_keys, ids)
        self.order = order  # event indices in stacking order
        self.rank = rank = [0] * n  # event index -> its place in ``order``
        for position, index in enumerate(order):
            rank[index] = position
        # Built here, in the worker, rather than at the first key press; by chunks, last
        # first, so that the first of equal ids wins, as when items were searched in order.
        self._index: dict[str, int] = {}
        for low in reversed(range(0, n, BREATHE_EVERY)):
            high = min(low + BREATHE_EVERY, n)
            self._index.update(
                zip(reversed(ids[low:high]), reversed(range(low, high)), strict=True)
            )
            breathe()

    def matches(self, events: Sequence[Event], today: date) -> bool:
        if today != self.today:
            return False
        if events is self._given:
            return True
        mine = self.events
        return len(events) == len(mine) and all(map(operator.is_, events, mine))

    def index_of(self, event_id: str) -> int | None:
        """The first event with this id."""
        return self._index.get(event_id)

    def fit(self, width: int, today: date) -> Scale:
        if not self.starts:
            return framing(None, None, width, today)
        return framing(min(self.starts), max(self.ends), width, today)


def _period(when: PartialDate) -> tuple[int, int, int]:
    return when.start.toordinal(), when.end.toordinal(), int(when.precision)


def _by_id_within_ties(
    order: list[int], keys: list[int], sort_keys: list[int], ids: list[str]
) -> None:
    """Sort runs of equal ``keys`` in ``order`` by id, the last member of ``Event.sort_key``."""
    # Events given in Event.sort_key order (a Timeline's are) are already in id order within
    # every run, since the stable sort kept their order.
    following = sort_keys[1:]
    same = list(map(operator.eq, sort_keys, following))
    if all(map(operator.le, sort_keys, following)) and all(
        map(operator.le, compress(ids, same), compress(ids[1:], same))
    ):
        return
    ranked = [keys[i] for i in order]
    ties = list(compress(range(1, len(ranked)), map(operator.eq, ranked, ranked[1:])))
    position = 0
    while position < len(ties):
        first = last = ties[position]
        while position + 1 < len(ties) and ties[position + 1] == last + 1:
            position += 1
            last += 1
        # The stable sort keeps equal ids in their given order, as the full sort did.
        order[first - 1 : last + 1] = sorted(order[first - 1 : last + 1], key=ids.__getitem__)
        position += 1
