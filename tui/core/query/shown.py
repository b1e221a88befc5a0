"""The events a filter kept: one view the event list and the timeline view share.

A view is the timeline's events and the positions kept, ascending (so in date order). Finding
an event's row by id must not scan 100,000 rows per keystroke: an id's position among the
timeline's events comes from the timeline's id lookup and a bisection of the date order (else
from an id -> position map built once, lazily), shared by every view of those events; its row
in a view is then a bisection of the kept positions.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Iterator, Sequence
from operator import attrgetter
from typing import overload

from tui.core.timeline.event import Event

Find = Callable[[str], Event | None]
_SORT_KEY = attrgetter("sort_key")


class _Positions:
    """id -> position in the timeline's events. With the timeline's own id lookup (``find``),
    an id's event is found there and its position by bisection of the date order: no second
    map of every id is built on the UI thread after each reload. Else, or if the events turn
    out not to be in date order, a map built when first asked for."""

    __slots__ = ("_events", "_find", "_of")

    def __init__(self, events: Sequence[Event], find: Find | None = None) -> None:
        self._events = events
        self._find = find
        self._of: dict[str, int] | None = None

    def get(self, event_id: str) -> int | None:
        if self._of is None and self._find is not None:
            event = self._find(event_id)
            if event is None:
                return None
            events = self._events
            at = bisect_left(events, event.sort_key, key=_SORT_KEY)
            if at < len(events) and events[at] is event:
                return at
        if self._of is None:
            self._of = {event.id: n for n, event in enumerate(self._events)}
        return self._of.get(event_id)


class Shown(Sequence[Event]):
    """The kept events, in date order: ``shown[n]`` is the event on row ``n``."""

    __slots__ = ("_ids", "_positions", "events", "kept")

    def __init__(
        self, events: Sequence[Event], kept: Sequence[int], *, _positions: _Positions | None = None
    ) -> None:
        self.events = events  # the whole timeline's
        self.kept = kept  # positions into ``events``, ascending
        self._positions = _positions or _Positions(events)
        self._ids: list[str] | None = None

    @classmethod
    def every(cls, events: Sequence[Event], find: Find | None = None) -> Shown:
        """A view that keeps every event; ``find``: the timeline's event of an id
        (``Timeline.get``), when ``events`` are its events in date order."""
        return cls(events, range(len(events)), _positions=_Positions(events, find))

    def keep(self, kept: Sequence[int]) -> Shown:
        """Another view of the same events (the id map is shared, not built again)."""
        return Shown(self.events, kept, _positions=self._positions)

    def __len__(self) -> int:
        return len(self.kept)

    @overload
    def __getitem__(self, row: int) -> Event: ...

    @overload
    def __getitem__(self, row: slice) -> list[Event]: ...

    def __getitem__(self, row: int | slice) -> Event | list[Event]:
        if isinstance(row, slice):
            events = self.events
            return [events[n] for n in self.kept[row]]
        return self.events[self.kept[row]]

    def __iter__(self) -> Iterator[Event]:
        events = self.events
        return (events[n] for n in self.kept)

    def ids(self) -> list[str]:
        """The kept events' ids, in order (made once)."""
        if self._ids is None:
            self._ids = [event.id for event in self]
        return self._ids

    def position_of(self, event_id: str | None) -> int | None:
        """The row showing ``event_id``, or None when this view does not keep it."""
        if event_id is None:
            return None
        position = self._positions.get(event_id)
        if position is None:
            return None
        row = bisect_left(self.kept, position)
        if row < len(self.kept) and self.kept[row] == position:
            return row
        return None
