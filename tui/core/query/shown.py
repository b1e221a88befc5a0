"""The events a filter kept: one view the event list and the timeline view share.

A view is the timeline's events and the positions kept, ascending (so in date order). Finding
an event's row by id must not scan 100,000 rows per keystroke: the id -> position map of the
timeline's events is built once, lazily, and shared by every view of those events; an id's
row in a view is then a bisection of the kept positions.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterator, Sequence
from typing import overload

from tui.core.timeline.event import Event


class _Positions:
    """id -> position in the timeline's events, built when first asked for."""

    __slots__ = ("_events", "_of")

    def __init__(self, events: Sequence[Event]) -> None:
        self._events = events
        self._of: dict[str, int] | None = None

    def get(self, event_id: str) -> int | None:
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
    def every(cls, events: Sequence[Event]) -> Shown:
        """A view that keeps every event."""
        return cls(events, range(len(events)))

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
