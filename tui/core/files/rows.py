"""Events as rows of builtins and back: what the cache stores and what parse workers send.

A row per event, fields in the record's order; dates as one int (YYYYMMDD, 0 for a part not
given, 0 for no date) and vocabulary words as their text, so ``marshal`` (fast, builtins only)
can carry them. Rebuilding makes the tuples with ``tuple.__new__`` (a C call per record) and one
object per distinct date.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from tui.core import tuning
from tui.core.timeline.dates import PartialDate
from tui.core.timeline.event import Action, Event, Source, Status


def _date(value: PartialDate | None) -> int:
    if value is None:
        return 0
    return value.year * 10000 + (value.month or 0) * 100 + (value.day or 0)


def to_rows(events: Sequence[Event]) -> list[Any]:
    """Each event as a row of builtins, for ``marshal``."""
    return [
        (
            e.id,
            _date(e.date),
            _date(e.end_date),
            e.status.value,
            e.title,
            e.country,
            e.authority,
            e.platforms,
            e.action.value,
            e.tags,
            e.summary,
            tuple((s.publisher, s.url, s.title, _date(s.date)) for s in e.sources),
            e.related,
        )
        for e in events
    ]


class _Dates(dict[int, PartialDate | None]):
    """YYYYMMDD -> one shared PartialDate; a lookup is a C-level subscript once seen."""

    def __missing__(self, value: int) -> PartialDate | None:
        year, rest = divmod(value, 10000)
        month, day = divmod(rest, 100)
        found = self[value] = PartialDate(year, month or None, day or None)
        return found


class Rebuild:
    """Rows -> records; one object per distinct date across every call."""

    def __init__(self) -> None:
        self._dates = _Dates({0: None})
        self._statuses = {s.value: s for s in Status}
        self._actions = {a.value: a for a in Action}

    def events(self, rows: list[Any]) -> list[Event]:
        day, statuses, actions, new = (
            self._dates.__getitem__,
            self._statuses,
            self._actions,
            tuple.__new__,
        )
        with tuning.gc_paused():
            return [
                new(
                    Event,
                    (
                        ident,
                        day(start),
                        day(end),
                        statuses[status],
                        title,
                        country,
                        authority,
                        platforms,
                        actions[action],
                        tags,
                        summary,
                        tuple([new(Source, (p, u, t, day(d))) for p, u, t, d in sources]),
                        related,
                    ),
                )
                for (
                    ident,
                    start,
                    end,
                    status,
                    title,
                    country,
                    authority,
                    platforms,
                    action,
                    tags,
                    summary,
                    sources,
                    related,
                ) in rows
            ]
