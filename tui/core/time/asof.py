"""The "as of" board: which measures were in force on a given day, by country and platform.

An event is **in force** on ``day`` by the one span rule (``tui.core.time.span``, docs/format.md,
"Span"): an open or closed span that had started and not ended on ``day``; a point (a one-off,
or a measure marked ``ended`` without an ``end_date``) never is. The query's ``asof:`` asks the
same rule, so the two agree.

``today`` does not change the answer: an open span is in force on any later day, as far as the
timeline knows. It only marks such entries ``uncertain`` when ``day`` lies after today.

An entry is **approximate** when ``day`` falls inside a partial start or end period (the measure
may not yet have started, or may already have ended, that day), and **uncertain** when its status
is ``unknown`` (the sources do not say whether it still holds) or ``day`` is in the future.
"""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Literal, NamedTuple

from tui.core.text.sanitize import clean
from tui.core.time.span import span
from tui.core.timeline.countries import country_name
from tui.core.timeline.dates import Precision
from tui.core.timeline.event import Event, Status

Unit = Literal["day", "month", "year"]
NO_PLATFORM = "(none)"
_MIN = date.min.toordinal()
_MAX = date.max.toordinal()


def is_approximate(event: Event, day: date) -> bool:
    """True when ``day`` lies inside a partial start or end period of the event."""
    first, last = event.date, event.end_date
    if first.precision is not Precision.DAY and first.start <= day <= first.end:
        return True
    return (
        last is not None and last.precision is not Precision.DAY and last.start <= day <= last.end
    )


class Entry(NamedTuple):
    event_id: str
    label: str  # the action's label: "block", "throttling"…
    approximate: bool
    uncertain: bool


class Country(NamedTuple):
    code: str
    name: str  # the code again when it has no known name


class Platform(NamedTuple):
    key: str  # casefolded; "" for events without platforms
    label: str  # as first written, cleaned of control characters


@dataclass(frozen=True)
class Board:
    """Countries (rows) × platforms (columns) of the measures in force on ``day``.

    Only countries and platforms with at least one measure in force appear. Rows are sorted by
    country code, columns by label (casefold); each cell lists its entries in event order."""

    day: date
    today: date
    countries: tuple[Country, ...]
    platforms: tuple[Platform, ...]
    cells: dict[tuple[str, str], tuple[Entry, ...]]  # (country code, platform key) -> entries

    def cell(self, country: str, platform: str) -> tuple[Entry, ...]:
        """The entries of a cell; ``platform`` is matched casefold."""
        return self.cells.get((country, platform.casefold()), ())

    @property
    def empty(self) -> bool:
        return not self.cells

    @staticmethod
    def move(day: date, unit: Unit, n: int) -> date:
        return move(day, unit, n)


def board(events: Sequence[Event], day: date, today: date) -> Board:
    """The board of ``day``: one entry per event and platform it names."""
    platforms: dict[str, str] = {}
    for event in events:
        # Labels as first written anywhere in the events, not only among those in force, so a
        # column keeps its name while the date moves.
        for name in event.platforms:
            platforms.setdefault(name.casefold(), clean(name))
    cells: dict[tuple[str, str], list[Entry]] = {}
    used: set[str] = set()
    countries: dict[str, Country] = {}
    for event in events:
        when = span(event)
        if not when.in_force(day):
            continue
        entry = Entry(
            event.id,
            event.action.label,
            is_approximate(event, day),
            when.status is Status.UNKNOWN or (day > today and when.last is None),
        )
        code = event.country
        countries.setdefault(code, Country(clean(code), country_name(code) or clean(code)))
        for key in [p.casefold() for p in event.platforms] or [""]:
            used.add(key)
            cells.setdefault((code, key), []).append(entry)
    columns = sorted(
        (Platform(key, platforms.get(key, NO_PLATFORM)) for key in used),
        key=lambda p: (p.key == "", p.label.casefold(), p.key),
    )
    return Board(
        day=day,
        today=today,
        countries=tuple(countries[c] for c in sorted(countries)),
        platforms=tuple(columns),
        cells={k: tuple(v) for k, v in cells.items()},
    )


def move(day: date, unit: Unit, n: int) -> date:
    """``day`` moved by ``n`` days, months or years, clamped to 0001-01-01..9999-12-31.

    Months and years keep the day of the month when it exists and otherwise take the month's
    last day: 31 January + 1 month is 28 (or 29) February; 29 February + 1 year is 28 February.
    """
    if unit == "day":
        return date.fromordinal(max(_MIN, min(_MAX, day.toordinal() + n)))
    if unit == "month":
        months = n
    elif unit == "year":
        months = 12 * n
    else:
        raise ValueError(f"unknown unit {unit!r}: use day, month or year")
    index = day.year * 12 + day.month - 1 + months
    if index < 1 * 12:
        return date.min
    if index > 9999 * 12 + 11:
        return date.max
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))
