"""Every lane of a view stacked at one scale, and the cache that keeps the work a zoom reuses.

Speed (100,000 events stack into some 200,000 items and 90,000 rows): spans, lanes and the
stacking order do not depend on the scale, so ``LayoutCache`` prepares them once per events
list, lane kind and today (``Prepared``); a zoom, pan or resize then only places the items
that reach the window, per start column, with list operations that run in C. Rows are a
lazy sequence (``Rows``) whose ``Item`` tuples are built when first read, and the look-ups
of a ``Placement`` (line -> lane and row, event -> line, event -> lanes) are computed on
demand. Long steps let other threads take the GIL, as a worker thread runs them.
"""

from __future__ import annotations

import threading
from bisect import bisect_right
from collections.abc import Iterator, Mapping, Sequence
from datetime import date
from typing import overload

from tui.core.time.lanes import LaneBy, build_lanes
from tui.core.time.scale import Scale
from tui.core.time.spans import Spans
from tui.core.time.stack import LaneData, LaneLayout, Rows, stack
from tui.core.timeline.event import Event
from tui.core.tuning import PLACEMENTS, breathe


class Placement:
    """Every lane stacked at one scale, with the look-ups that drawing and navigation need.

    Lanes' rows follow one another as scrolling lines: ``first_line[lane]`` is the line of a
    lane's first row, ``rows[line]`` the (lane, row) of a line, ``lines_of[lane, id]`` the line
    that shows an event in a lane and ``lanes_of[id]`` the lanes that show it, in order. All
    are computed on demand from the stacking, not stored per item."""

    __slots__ = ("by", "first_line", "lanes", "lanes_of", "lines_of", "prepared", "rows", "scale")

    def __init__(self, prepared: Prepared, scale: Scale) -> None:
        self.prepared = prepared  # the lanes it places
        self.scale = scale
        self.by = prepared.by
        self.lanes: list[LaneLayout] = []
        self.first_line: list[int] = []
        lines = 0
        for data in prepared.lane_data:
            lane_layout = stack(data, prepared.spans, scale)
            self.lanes.append(lane_layout)
            self.first_line.append(lines)
            lines += len(lane_layout.rows)
        self.rows = _Lines(self.first_line, lines)
        self.lines_of = _LinesOf(self, prepared.spans)
        self.lanes_of = _LanesOf(self, prepared.spans)


class _Lines(Sequence[tuple[int, int]]):
    """Scrolling line -> (lane, row within the lane)."""

    __slots__ = ("_first_line", "_lines")

    def __init__(self, first_line: list[int], lines: int) -> None:
        self._first_line = first_line
        self._lines = lines

    def __len__(self) -> int:
        return self._lines

    @overload
    def __getitem__(self, index: int) -> tuple[int, int]: ...

    @overload
    def __getitem__(self, index: slice) -> list[tuple[int, int]]: ...

    def __getitem__(self, index: int | slice) -> tuple[int, int] | list[tuple[int, int]]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(self._lines))]
        if index < 0:
            index += self._lines
        if not 0 <= index < self._lines:
            raise IndexError("line index out of range")
        lane = bisect_right(self._first_line, index) - 1
        return lane, index - self._first_line[lane]


def _rows_of(lane_layout: LaneLayout) -> Rows:
    rows = lane_layout.rows
    assert isinstance(rows, Rows)
    return rows


class _LinesOf(Mapping[tuple[int, str], int]):
    """(lane, event id) -> the line that shows the event in that lane."""

    __slots__ = ("_placement", "_spans")

    def __init__(self, placement: Placement, spans: Spans) -> None:
        self._placement = placement
        self._spans = spans

    def __getitem__(self, key: tuple[int, str]) -> int:
        try:
            lane, event_id = key
            index = self._spans.index_of(event_id)
        except (TypeError, ValueError):
            raise KeyError(key) from None
        lanes = self._placement.lanes
        if index is None or not isinstance(lane, int) or not 0 <= lane < len(lanes):
            raise KeyError(key)
        row = _rows_of(lanes[lane]).row_of(index)
        if row is None:
            raise KeyError(key)
        return self._placement.first_line[lane] + row

    def __iter__(self) -> Iterator[tuple[int, str]]:
        ids, seen = self._spans.ids, set()
        for number, lane_layout in enumerate(self._placement.lanes):
            for index in _rows_of(lane_layout).placed_events():
                key = (number, ids[index])
                if key not in seen:
                    seen.add(key)
                    yield key

    def __len__(self) -> int:
        return sum(1 for _ in self)


class _LanesOf(Mapping[str, list[int]]):
    """Event id -> the lanes that show it, in order."""

    __slots__ = ("_placement", "_spans")

    def __init__(self, placement: Placement, spans: Spans) -> None:
        self._placement = placement
        self._spans = spans

    def __getitem__(self, event_id: str) -> list[int]:
        index = self._spans.index_of(event_id) if isinstance(event_id, str) else None
        if index is None:
            raise KeyError(event_id)
        shown = [
            number
            for number, lane_layout in enumerate(self._placement.lanes)
            if _rows_of(lane_layout).row_of(index) is not None
        ]
        if not shown:
            raise KeyError(event_id)
        return shown

    def __iter__(self) -> Iterator[str]:
        spans, scale = self._spans, self._placement.scale
        first, last = scale.start.toordinal(), scale.end.toordinal()
        starts, ends, ids = spans.starts, spans.ends, spans.ids
        # Every event has a lane, so every event that reaches into the window is shown.
        visible = (ids[i] for i in range(len(ids)) if starts[i] <= last and ends[i] >= first)
        return iter(dict.fromkeys(visible))

    def __len__(self) -> int:
        return sum(1 for _ in self)


class Prepared:
    """The lanes of one events list for one lane kind and today, with their members in
    stacking order: all the layout work that no zoom, pan or resize changes. ``place(scale)``
    does the rest, for the items that reach into the window only."""

    __slots__ = ("by", "lane_data", "lanes", "spans")

    def __init__(self, spans: Spans, by: LaneBy) -> None:
        self.spans = spans
        self.by = by
        self.lanes = build_lanes(spans.events, by, spans.sort_keys)
        self.lane_data: list[LaneData] = []
        rank, order = spans.rank, spans.order
        for lane in self.lanes:
            ranks = sorted(map(rank.__getitem__, lane.events))
            members = list(map(order.__getitem__, ranks))
            ends = list(map(spans.ends.__getitem__, members))
            by_end = sorted(range(len(ends)), key=ends.__getitem__)
            self.lane_data.append(
                LaneData(
                    lane,
                    members,
                    ranks,
                    list(map(spans.starts.__getitem__, members)),
                    ends,
                    list(map(ends.__getitem__, by_end)),
                    by_end,
                )
            )
            breathe()

    def place(self, scale: Scale) -> Placement:
        return Placement(self, scale)

    def fit(self, width: int) -> Scale:
        return self.spans.fit(width, self.spans.today)


class LayoutCache:
    """The prepared lanes of the last few events lists, lane kinds and todays, so that zooming,
    panning, resizing and switching lane kinds redo only the placement; and the last few
    placements, so that going back to a window (zooming out again, a width restored) redoes
    nothing.

    Never stale: an entry serves only the events it was built from, compared element by
    element by identity (the entry holds them, so no id can be reused), with the same today;
    the very tuple an entry was built from needs no comparing, as it cannot change.
    Safe to share between the UI thread and workers: an entry asked for while another thread
    builds it is waited for, not built twice."""

    def __init__(self, size: int = 2) -> None:
        self._size = max(size, 1)
        self._lock = threading.Lock()
        self._spans: list[Spans] = []
        self._prepared: list[Prepared] = []
        self._placements: list[Placement] = []  # the most recently used first
        # Entries being built: (events, today, lane kind or None for spans, set when done).
        self._building: list[tuple[Sequence[Event], date, LaneBy | None, threading.Event]] = []

    def _find_spans(self, events: Sequence[Event], today: date) -> Spans | None:
        return next((s for s in self._spans if s.matches(events, today)), None)

    def _find_prepared(self, events: Sequence[Event], by: LaneBy, today: date) -> Prepared | None:
        return next(
            (p for p in self._prepared if p.by == by and p.spans.matches(events, today)), None
        )

    def _claim(self, events: Sequence[Event], today: date, by: LaneBy | None) -> threading.Event:
        """Wait while another thread builds this entry; then the caller's to build, unless it
        is found (the caller looks again, under the lock)."""
        while True:
            with self._lock:
                busy = next(
                    (
                        done
                        for e, t, b, done in self._building
                        if e is events and t == today and b == by
                    ),
                    None,
                )
                if busy is None:
                    mine = threading.Event()
                    self._building.append((events, today, by, mine))
                    return mine
            busy.wait()

    def _release(self, done: threading.Event) -> None:
        with self._lock:
            self._building[:] = [entry for entry in self._building if entry[3] is not done]
        done.set()

    def _spans_of(self, events: Sequence[Event], today: date) -> Spans:
        with self._lock:
            spans = self._find_spans(events, today)
        if spans is not None:
            return spans
        done = self._claim(events, today, None)
        try:
            with self._lock:
                spans = self._find_spans(events, today)
            if spans is None:
                spans = Spans(events, today)
                with self._lock:
                    self._spans.insert(0, spans)
                    del self._spans[self._size :]
        finally:
            self._release(done)
        return spans

    def prepared(self, events: Sequence[Event], by: LaneBy, today: date) -> bool:
        """True when the lanes are ready: a layout then only places items (milliseconds)."""
        with self._lock:
            return self._find_prepared(events, by, today) is not None

    def prepare(self, events: Sequence[Event], by: LaneBy, today: date) -> Prepared:
        with self._lock:
            prepared = self._find_prepared(events, by, today)
        if prepared is not None:
            return prepared
        spans = self._spans_of(events, today)
        done = self._claim(events, today, by)
        try:
            with self._lock:
                prepared = self._find_prepared(events, by, today)
            if prepared is None:
                prepared = Prepared(spans, by)
                with self._lock:
                    self._prepared.insert(0, prepared)
                    del self._prepared[3 * self._size :]  # every lane kind of each list
        finally:
            self._release(done)
        return prepared

    def fit(self, events: Sequence[Event], width: int, today: date) -> Scale:
        """A scale that frames every event's span (``spans.span``), with a margin of about 5 %
        on each side; without events, the year before today. From the cached spans."""
        return self._spans_of(events, today).fit(width, today)

    def layout(self, events: Sequence[Event], scale: Scale, by: LaneBy, today: date) -> Placement:
        prepared = self.prepare(events, by, today)
        with self._lock:
            placement = self._take_placement(prepared, scale)
            if placement is not None:
                self._placements.insert(0, placement)
                return placement
        placement = prepared.place(scale)
        with self._lock:
            # Another thread may have placed the same window meanwhile: keep one.
            placement = self._take_placement(prepared, scale) or placement
            self._placements.insert(0, placement)
            del self._placements[PLACEMENTS:]
        return placement

    def _take_placement(self, prepared: Prepared, scale: Scale) -> Placement | None:
        """The placement of these lanes at this scale, taken out of the list (the caller puts
        it back, first)."""
        for number, placement in enumerate(self._placements):
            if placement.prepared is prepared and placement.scale == scale:
                del self._placements[number]
                return placement
        return None

    def clear(self) -> None:
        with self._lock:
            self._spans.clear()
            self._prepared.clear()
            self._placements.clear()
