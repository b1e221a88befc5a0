"""Events as builtins and back: what the cache stores and what parse workers send.

The rows go column by column: a tuple per field of the record, in its order, so that
``marshal`` (fast, builtins only) carries them and a rebuild is a few C-level maps. Dates are one
int (YYYYMMDD, 0 for a part not given, 0 for no date), statuses and actions their text, each
event's sources their count, all the sources in one last column. One object per distinct date.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import chain, islice, repeat
from typing import Any

from tui.core.timeline.dates import PartialDate
from tui.core.timeline.event import Action, Event, Source, Status

_DATE, _END, _STATUS, _ACTION, _SOURCES = map(
    Event._fields.index, ("date", "end_date", "status", "action", "sources")
)
_STATUSES = {s.value: s for s in Status}
_ACTIONS = {a.value: a for a in Action}


def _date(value: PartialDate | None) -> int:
    if value is None:
        return 0
    return value.year * 10000 + (value.month or 0) * 100 + (value.day or 0)


def to_rows(events: Sequence[Event]) -> list[Any]:
    """The events' columns of builtins, for ``marshal``."""
    columns: list[Any] = list(zip(*events, strict=True)) or [()] * len(Event._fields)
    columns[_DATE] = list(map(_date, columns[_DATE]))
    columns[_END] = list(map(_date, columns[_END]))
    columns[_STATUS] = [status.value for status in columns[_STATUS]]
    columns[_ACTION] = [action.value for action in columns[_ACTION]]
    sources = chain.from_iterable(columns[_SOURCES])
    columns[_SOURCES] = list(map(len, columns[_SOURCES]))
    return [*columns, [(s.publisher, s.url, s.title, _date(s.date)) for s in sources]]


class Rebuild(dict[int, PartialDate | None]):
    """Columns -> records, with one PartialDate per distinct date across every call: the dates
    seen, by their int (a lookup is a C-level subscript once seen)."""

    def __missing__(self, value: int) -> PartialDate | None:
        year, rest = divmod(value, 10000)
        month, day = divmod(rest, 100)
        found = self[value] = PartialDate(year, month or None, day or None) if value else None
        return found

    def events(self, columns: list[Any]) -> list[Event]:
        day, new = self.__getitem__, tuple.__new__
        *fields, sources = columns
        fields[_DATE] = map(day, fields[_DATE])
        fields[_END] = map(day, fields[_END])
        fields[_STATUS] = map(_STATUSES.__getitem__, fields[_STATUS])
        fields[_ACTION] = map(_ACTIONS.__getitem__, fields[_ACTION])
        made = iter([new(Source, (p, u, t, day(d))) for p, u, t, d in sources])
        # Each event's sources are the next ``count`` made, taken as zip reaches its column.
        fields[_SOURCES] = map(tuple, map(islice, repeat(made), fields[_SOURCES]))
        return list(map(new, repeat(Event), zip(*fields, strict=True)))
