"""Stacking one lane's items into rows at one scale.

Within a lane, items are placed in date order on the first row where they leave at least one
empty column after the row's previous item (greedy first-fit), so no item hides or touches
another. Only items that reach into the visible columns are placed; the others are counted in
``hidden_left``/``hidden_right``. Column ranges are clamped to the visible width and flagged
``clipped_left``/``clipped_right``.
"""

from __future__ import annotations

import operator
from bisect import bisect_left, bisect_right
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from datetime import date
from itertools import chain, compress, repeat
from typing import NamedTuple, overload

from tui.core.time.lanes import Lane
from tui.core.time.scale import Scale
from tui.core.time.spans import (
    APPROX_END,
    APPROX_START,
    DAY_AFTER,
    KIND_SHIFT,
    KINDS,
    ONE_GLYPH,
    Kind,
    Spans,
)
from tui.core.tuning import breathe


class LaneData(NamedTuple):
    """One lane's members in stacking order, with what placement reads of them."""

    lane: Lane
    order: list[int]  # event indices
    ranks: list[int]  # their places in the stacking order of all events: ascending
    starts: list[int]  # span start ordinals: ascending
    ends: list[int]  # span end ordinals
    ends_sorted: list[int]  # ascending
    by_end: list[int]  # ranks in the order of ``ends_sorted``


class Item(NamedTuple):
    """One event placed in one lane. Columns are clamped to ``0..width-1``."""

    event_index: int  # into the events laid out
    event_id: str
    row: int
    col_start: int
    col_end: int
    kind: Kind
    approximate_start: bool
    approximate_end: bool
    clipped_left: bool
    clipped_right: bool
    start: date  # the span, for navigation by time
    end: date
    # The columns drawn dotted because a partial date covers them (-1: none).
    fuzzy_start_end: int = -1  # last column of the partial start period
    fuzzy_end_start: int = -1  # first column of the partial end period


class LaneLayout(NamedTuple):
    lane: Lane
    rows: Sequence[tuple[Item, ...]]  # at least one row, even when empty
    hidden_left: int  # items of this lane entirely before the window
    hidden_right: int  # ... and entirely after it


def _last_column(ordinal: int, first: int, width: int, days: int) -> int:
    """The last column that shows the day ``ordinal`` (wider than one column when zoomed in),
    ``first`` being the window's first day."""
    offset = (ordinal - first) * width
    return max(offset // days, (offset + width) // days - 1)


def _columns(ordinals: Iterable[int], first: int, width: int, days: int) -> list[int]:
    """``Scale.column_of`` of each ordinal, computed in C: no bytecode per item."""
    return list(
        map(
            operator.floordiv,
            map(operator.mul, map(operator.sub, ordinals, repeat(first)), repeat(width)),
            repeat(days),
        )
    )


class Rows(Sequence[tuple[Item, ...]]):
    """The rows of one lane at one scale. A row's ``Item`` tuple is built when it is first
    read: a 100k-event view stacks into tens of thousands of rows, and a screen shows a few.

    Members are known by their rank in the lane (stacking order). The placed ones are
    ``zero`` (those that begin in column 0) and every rank in ``window`` (those that start in
    a later column); ``row_of_rank`` holds the row of each, -1 for the others."""

    __slots__ = ("_built", "_by_row", "_data", "_days", "_first", "_row_of_rank", "_rows",
                 "_rows_sorted", "_spans", "_width", "_window", "_zero")  # fmt: skip

    def __init__(
        self,
        data: LaneData,
        spans: Spans,
        scale: Scale,
        zero: list[int],
        window: range,
        row_of_rank: list[int],
        rows: int,
    ) -> None:
        self._data = data
        self._spans = spans
        self._first = scale.start.toordinal()
        self._width = scale.width
        self._days = scale.days
        self._zero = zero
        self._window = window
        self._row_of_rank = row_of_rank
        self._rows = rows
        self._by_row: list[int] | None = None  # placed ranks grouped by row, built on demand
        self._rows_sorted: list[int] = []
        self._built: dict[int, tuple[Item, ...]] = {}

    def __len__(self) -> int:
        return max(self._rows, 1)

    @overload
    def __getitem__(self, index: int) -> tuple[Item, ...]: ...

    @overload
    def __getitem__(self, index: slice) -> tuple[tuple[Item, ...], ...]: ...

    def __getitem__(self, index: int | slice) -> tuple[Item, ...] | tuple[tuple[Item, ...], ...]:
        if isinstance(index, slice):
            return tuple(self[i] for i in range(*index.indices(len(self))))
        count = len(self)
        if index < 0:
            index += count
        if not 0 <= index < count:
            raise IndexError("row index out of range")
        row = self._built.get(index)
        if row is None:
            row = self._built[index] = tuple(self._item(k, index) for k in self._ranks(index))
        return row

    def __repr__(self) -> str:
        placed = len(self._zero) + len(self._window)
        return f"<Rows of {self._data.lane.label!r}: {len(self)} rows, {placed} items>"

    # Equal to the tuple of its rows, as ``LaneLayout.rows`` was (this builds every row).
    def __eq__(self, other: object) -> bool:
        if isinstance(other, Rows | tuple):
            return tuple(self) == tuple(other)
        return NotImplemented

    def __hash__(self) -> int:
        return hash(tuple(self))

    def _ranks(self, row: int) -> list[int]:
        """The items on ``row``, in stacking order (which is column order)."""
        if self._by_row is None:
            # Stable: the items of a row keep their stacking order.
            by_row = sorted([*self._zero, *self._window], key=self._row_of_rank.__getitem__)
            self._rows_sorted = list(map(self._row_of_rank.__getitem__, by_row))
            self._by_row = by_row
        low = bisect_left(self._rows_sorted, row)
        return self._by_row[low : bisect_right(self._rows_sorted, row, low)]

    def placed_events(self) -> Iterator[int]:
        """The event index of every item placed, in stacking order."""
        order = self._data.order
        for k in chain(self._zero, self._window):
            yield order[k]

    def rank_of(self, index: int) -> int | None:
        """The rank in this lane of the event at ``index``, if the lane holds it."""
        ranks = self._data.ranks
        rank = self._spans.rank[index] if 0 <= index < len(self._spans.rank) else -1
        k = bisect_left(ranks, rank)
        return k if k < len(ranks) and ranks[k] == rank else None

    def row_of(self, index: int) -> int | None:
        """The row showing the event at ``index``, or None when it is off-screen or not in
        this lane."""
        k = self.rank_of(index)
        row = self._row_of_rank[k] if k is not None else -1
        return row if row >= 0 else None

    def find(self, event_id: str) -> Item | None:
        """The item of ``event_id``, if this lane shows it."""
        index = self._spans.index_of(event_id)
        return self._find(index) if index is not None else None

    def _find(self, index: int) -> Item | None:
        row = self.row_of(index)
        if row is None:
            return None
        return next(item for item in self[row] if item.event_index == index)

    def nearest(self, around: tuple[int, int] | None) -> Item | None:
        """The item nearest in time to the days ``around`` (first, last): overlapping first,
        then the closest start, the upper row, the earlier event. Without ``around``: the
        earliest item."""
        placed = [*self._zero, *self._window]
        if not placed:
            return None
        data = self._data
        starts = list(map(data.starts.__getitem__, placed))
        rows = map(self._row_of_rank.__getitem__, placed)
        indexes = map(data.order.__getitem__, placed)
        # Keys compared in C, a tuple per item: this runs on a key press, over a whole lane.
        if around is None:
            *_, index = min(zip(starts, rows, indexes, strict=True))
        else:
            lo, hi = around
            before = map(operator.sub, repeat(lo), map(data.ends.__getitem__, placed))
            after = map(operator.sub, starts, repeat(hi))
            distances = map(max, before, after, repeat(0))
            gaps = map(abs, map(operator.sub, starts, repeat(lo)))
            *_, index = min(zip(distances, gaps, rows, indexes, strict=True))
        return self._find(index)

    def _item(self, k: int, row: int) -> Item:
        data, spans = self._data, self._spans
        origin, width, days = self._first, self._width, self._days
        index = data.order[k]
        start, end = data.starts[k], data.ends[k]
        flags = spans.flags[index]
        kind = KINDS[flags >> KIND_SHIFT]
        first = (start - origin) * width // days
        # A one-day marker is one glyph, even when a day spans several columns.
        last = first if flags & ONE_GLYPH else _last_column(end, origin, width, days)
        # Dotted stretches for partial dates, clamped to the pane; -1 when entirely off-screen.
        fuzzy_start = fuzzy_end = -1
        event = spans.events[index]
        if flags & APPROX_START and kind is not Kind.MARKER:
            raw = _last_column(event.date.end.toordinal(), origin, width, days)
            fuzzy_start = min(raw, width - 1) if raw >= 0 else -1
        if flags & APPROX_END and kind is Kind.BAR and event.end_date is not None:
            raw = (event.end_date.start.toordinal() - origin) * width // days
            fuzzy_end = max(raw, 0) if raw < width else -1
        return Item(
            index,
            spans.ids[index],
            row,
            max(first, 0),
            min(last, width - 1),
            kind,
            bool(flags & APPROX_START),
            bool(flags & APPROX_END),
            first < 0,
            last > width - 1,
            date.fromordinal(start),
            date.fromordinal(end),
            fuzzy_start,
            fuzzy_end,
        )


def stack(data: LaneData, spans: Spans, scale: Scale) -> LaneLayout:
    """Place one lane's items that reach into the window, first-fit in stacking order.

    The same as taking the items one by one and putting each on the lowest row whose last
    item ends at least two columns before it starts, but done per start column with list
    operations that run in C: no bytecode runs per item."""
    first, last = scale.start.toordinal(), scale.end.toordinal()
    width, days = scale.width, scale.days
    starts, ends = data.starts, data.ends
    # Members are sorted by start: those starting before column 1's first day begin in
    # column 0 (if they reach the window at all); the next ones up to ``last`` start later.
    in_zero = bisect_left(starts, first + -(-days // width))
    window = range(in_zero, bisect_right(starts, last))
    zero = list(compress(range(in_zero), map(first.__le__, ends)))
    # An item frees its row for the items that start two columns or more after its last
    # one; as items come in start order, it is still its row's last item then. Items ending
    # on or after ``edge`` reach the last column (or are markers on a day that no later item
    # starts after) and never free theirs. The others are a slice of the members by end.
    edge = min(first + -(-(width - 1) * days // width), last)
    by_end, ends_sorted = data.by_end, data.ends_sorted
    hidden_left = bisect_left(ends_sorted, first)
    freeing = bisect_left(ends_sorted, edge, hidden_left)  # by_end[hidden_left:freeing] free
    frees_after: list[int] | None = None  # their last columns, when a day is wider than one
    if days < width:
        # An item ends in the last column of its last day, the one before the next day's; a
        # one-day marker is one glyph, in the first. (A column holding whole days, instead,
        # is simply the column of the end: no need to compute it per item.)
        ending = ends_sorted[hidden_left:freeing]
        flags = map(
            spans.flags.__getitem__, map(data.order.__getitem__, by_end[hidden_left:freeing])
        )
        nexts = map(operator.add, ending, map(DAY_AFTER.__getitem__, flags))
        last_cols = map(operator.sub, _columns(nexts, first, width, days), repeat(1))
        frees_after = list(map(max, _columns(ending, first, width, days), last_cols))
    # Start columns split the items into groups: the items of a column take the lowest free
    # rows in turn, then new rows; none frees a row for another, as all cover that column.
    row_of_rank = [-1] * len(starts)
    free: list[int] = []  # ascending
    released = hidden_left  # ``by_end[hidden_left:released]`` have given their rows back
    rows = len(zero)
    deque(map(row_of_rank.__setitem__, zero, range(rows)), maxlen=0)  # no row is free yet
    low = window.start
    for col in range(1, width):
        high = bisect_left(starts, first + -(-(col + 1) * days // width), low, window.stop)
        if high == low:
            continue
        # Rows free for column col: their last items end in column col - 2 or before.
        if frees_after is None:
            before = first + -(-(col - 1) * days // width)  # column col - 1's first day
            done = bisect_left(ends_sorted, before, released, freeing)
        else:
            done = hidden_left + bisect_right(frees_after, col - 2, released - hidden_left)
        if done > released:
            free += map(row_of_rank.__getitem__, by_end[released:done])
            free.sort()
            released = done
        wanted = high - low
        if wanted <= len(free):
            row_of_rank[low:high] = free[:wanted]
            del free[:wanted]
        else:
            new = wanted - len(free)
            row_of_rank[low:high] = [*free, *range(rows, rows + new)]
            rows += new
            free = []
        low = high
    breathe()
    return LaneLayout(
        data.lane,
        Rows(data, spans, scale, zero, window, row_of_rank, rows),
        hidden_left,
        len(starts) - window.stop,
    )
