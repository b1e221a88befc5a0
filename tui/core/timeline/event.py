"""The timeline's records: what the app, the query, the exports and the writer work with.

Events are immutable tuples with named fields, not pydantic models: validation happens once, in
``tui.core.timeline.model`` (the loader), and everything after it only reads. A tuple costs a
fraction of a model's memory (100,000 events held ~290 MB as models), is built in C from cached data
(``tui.core.files.cache``) and needs no pydantic import, so a timeline read before opens without it.
"""

from __future__ import annotations

from enum import StrEnum
from functools import lru_cache
from operator import attrgetter
from typing import Any, NamedTuple

from tui.core.timeline.countries import country_name as _country_name
from tui.core.timeline.dates import PartialDate


class Status(StrEnum):
    ONGOING = "ongoing"
    ENDED = "ended"
    UNKNOWN = "unknown"


class Action(StrEnum):
    """The closed vocabulary of what a state did (see docs/format.md)."""

    BLOCK = "block"
    THROTTLE = "throttle"
    RESTRICT = "restrict"
    LAW = "law"
    PROPOSAL = "proposal"
    RULING = "ruling"
    LAWSUIT = "lawsuit"
    DESIGNATION = "designation"
    FINE = "fine"
    DEMAND = "demand"
    LIFT = "lift"
    MANDATE = "mandate"
    OTHER = "other"

    @property
    def label(self) -> str:
        return ACTION_LABELS[self]

    @property
    def lasting(self) -> bool:
        """A lasting measure stays in force until lifted; a one-off event just happens."""
        return self in LASTING_ACTIONS


ACTION_LABELS: dict[Action, str] = {
    Action.BLOCK: "block",
    Action.THROTTLE: "throttling",
    Action.RESTRICT: "feature restriction",
    Action.LAW: "law",
    Action.PROPOSAL: "proposed law",
    Action.RULING: "court ruling",
    Action.LAWSUIT: "lawsuit",
    Action.DESIGNATION: "designation",
    Action.FINE: "fine",
    Action.DEMAND: "data or decryption demand",
    Action.LIFT: "lifting of a measure",
    Action.MANDATE: "state platform mandate",
    Action.OTHER: "other",
}

LASTING_ACTIONS = frozenset(
    {Action.BLOCK, Action.THROTTLE, Action.RESTRICT, Action.LAW, Action.DESIGNATION, Action.MANDATE}
)


class Source(NamedTuple):
    publisher: str
    url: str
    title: str | None = None
    date: PartialDate | None = None


class Event(NamedTuple):
    """One validated event. Field order is the file format's (docs/format.md)."""

    id: str
    date: PartialDate
    end_date: PartialDate | None
    status: Status
    title: str
    country: str
    authority: tuple[str, ...]
    platforms: tuple[str, ...]
    action: Action
    tags: tuple[str, ...]
    summary: str
    sources: tuple[Source, ...]
    related: tuple[str, ...]

    @property
    def country_name(self) -> str:
        return _country_name(self.country) or self.country

    @property
    def sort_key(self) -> tuple[int, int, int, str]:
        """First day of ``date``, less precise first, then the earlier end, then the id.

        The end is the last day of ``end_date``'s period, or of ``date``'s when there is no
        end_date (docs/format.md, "Sorting"). Ordinals: no overflow at 0001-01-01 or 9999-12-31.
        """
        return (*_span_key(self.date, self.end_date), self.id)


@lru_cache(maxsize=1 << 16)
def _span_key(start: PartialDate, end: PartialDate | None) -> tuple[int, int, int]:
    # Once per distinct pair of dates, not per event: sorting 100,000 events builds every key.
    return (*start.sort_key, (end or start).end.toordinal())


@lru_cache(maxsize=1 << 16)
def span_order(start: PartialDate, end: PartialDate | None) -> int:
    """``sort_key`` but the id, as one int (ordinals fit in 22 bits): what ``in_date_order``
    sorts by."""
    first, precision, last = _span_key(start, end)
    return (first << 2 | precision) << 22 | last


def in_date_order(events: list[Event], spans: list[int] | None = None) -> list[Event]:
    """``events`` sorted by ``sort_key``: by id, then (stably) by ``spans``, their
    ``span_order`` (made here if not given). Two sorts of plain str and int keys take half the
    time of one of tuples."""
    if spans is None:
        spans = list(map(span_order, map(_DATE, events), map(_END, events)))
    order = sorted(range(len(events)), key=list(map(_ID, events)).__getitem__)
    order.sort(key=spans.__getitem__)
    return list(map(events.__getitem__, order))


class TimelineInfo(NamedTuple):
    title: str = "Untitled timeline"
    description: str = ""


_ID, _DATE, _END = attrgetter("id"), attrgetter("date"), attrgetter("end_date")


class Timeline:
    """A validated timeline: events sorted by date, with lookups by id."""

    __slots__ = ("_by_id", "events", "info", "lines", "path", "views")

    def __init__(
        self,
        info: TimelineInfo | None = None,
        events: Any = (),
        views: dict[str, str] | None = None,
        path: str | None = None,
        lines: dict[str, int] | None = None,
        *,
        presorted: bool = False,
        by_id: dict[str, Event] | None = None,
    ) -> None:
        self.info = info or TimelineInfo()
        # ``presorted``: the events come in date order already (a cache entry, the loader).
        self.events: list[Event] = list(events) if presorted else in_date_order(list(events))
        self.views: dict[str, str] = views if views is not None else {}
        self.path = path
        # id -> 1-based line of the event's [[events]] header; used by the editor and errors.
        self.lines: dict[str, int] = lines if lines is not None else {}
        # ``by_id``: the events by id, made by the caller (the loader, as it parses).
        if by_id is None:
            by_id = dict(zip(map(_ID, self.events), self.events, strict=True))
        self._by_id = by_id

    def get(self, event_id: str) -> Event | None:
        return self._by_id.get(event_id)

    def __len__(self) -> int:
        return len(self.events)

    def replace(self, **changes: Any) -> Timeline:
        """A copy with some of ``info``, ``events``, ``views``, ``path``, ``lines`` changed."""
        names = ("info", "events", "views", "path", "lines")
        fields = {name: getattr(self, name) for name in names}
        fields.update(changes)
        return Timeline(**fields)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Timeline):
            return NotImplemented
        return (self.info, self.events, self.views, self.path, self.lines) == (
            other.info,
            other.events,
            other.views,
            other.path,
            other.lines,
        )

    __hash__ = None  # type: ignore[assignment]  # mutable container of events

    def __repr__(self) -> str:
        return f"Timeline(path={self.path!r}, events={len(self.events)})"


EVENT_FIELDS: tuple[str, ...] = Event._fields
SOURCE_FIELDS: tuple[str, ...] = Source._fields
INFO_FIELDS: tuple[str, ...] = TimelineInfo._fields
