"""The time axis's window: days to columns and back.

A ``Scale`` is a window of days ``start..end`` (both inclusive) spread over ``width`` columns.
All arithmetic is on proleptic ordinals (plain ints), so 0001-01-01 and 9999-12-31 never raise
``OverflowError``; dates are only built from ordinals clamped to the valid range.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

MIN_ORDINAL = date.min.toordinal()
MAX_ORDINAL = date.max.toordinal()
# Zooming in further than this shows a handful of days over the whole pane: nothing to gain.
MIN_DAYS = 7
MAX_DAYS = MAX_ORDINAL - MIN_ORDINAL + 1
DAYS_PER_YEAR = 365.2425
DAYS_PER_MONTH = DAYS_PER_YEAR / 12


def clamp(value: int, low: int, high: int) -> int:
    return max(low, min(high, value))


def _day(ordinal: int) -> date:
    return date.fromordinal(clamp(ordinal, MIN_ORDINAL, MAX_ORDINAL))


@dataclass(frozen=True, slots=True)
class Scale:
    """Days ``start..end`` (inclusive) over ``width`` columns; column 0 shows ``start``."""

    start: date
    end: date
    width: int

    def __post_init__(self) -> None:
        if self.width < 1:
            raise ValueError(f"width must be at least 1, not {self.width}")
        if self.end < self.start:
            raise ValueError(f"end {self.end} lies before start {self.start}")

    @classmethod
    def from_ordinals(cls, first: int, days: int, width: int) -> Scale:
        """A window of ``days`` days from ordinal ``first``, shifted to stay in 0001..9999."""
        days = clamp(days, 1, MAX_DAYS)
        first = clamp(first, MIN_ORDINAL, MAX_ORDINAL - days + 1)
        return cls(date.fromordinal(first), date.fromordinal(first + days - 1), width)

    @property
    def days(self) -> int:
        return self.end.toordinal() - self.start.toordinal() + 1

    def column_of(self, ordinal: int) -> int:
        """The column of a day given as an ordinal; may lie outside ``0..width-1``."""
        return (ordinal - self.start.toordinal()) * self.width // self.days

    def column(self, day: date) -> int:
        """The first column that shows ``day`` (outside ``0..width-1`` when off-screen)."""
        return self.column_of(day.toordinal())

    def date_at(self, col: int) -> date:
        """The first day shown in column ``col``, clamped to 0001-01-01..9999-12-31."""
        # Smallest k with floor(k * width / days) >= col, i.e. ceil(col * days / width).
        offset = -((-col * self.days) // self.width)
        return _day(self.start.toordinal() + offset)

    def visible(self, day: date) -> bool:
        return 0 <= self.column(day) < self.width

    def zoom(self, factor: float, around: date) -> Scale:
        """``factor`` > 1 zooms in. ``around`` keeps its column (clamped into the pane) unless
        the window would leave 0001..9999, in which case it is shifted back inside."""
        if factor <= 0:
            raise ValueError(f"zoom factor must be positive, not {factor}")
        days = clamp(round(self.days / factor), min(MIN_DAYS, self.days), MAX_DAYS)
        col = clamp(self.column(around), 0, self.width - 1)
        offset = -((-col * days) // self.width)
        return Scale.from_ordinals(around.toordinal() - offset, days, self.width)

    def resized(self, width: int) -> Scale:
        """The same days over a new width (the terminal was resized)."""
        return Scale(self.start, self.end, max(width, 1))

    def reveal(self, first: date, last: date | None = None) -> Scale:
        """The smallest shift that brings ``first..last`` into view; ``first`` wins if the
        range is wider than the window."""
        last = last or first
        lo, hi = first.toordinal(), last.toordinal()
        start, days = self.start.toordinal(), self.days
        # A small margin keeps the revealed item off the very edge.
        margin = min(days // 20, max((days - (hi - lo + 1)) // 2, 0))
        if hi > start + days - 1 - margin:
            start = hi - days + 1 + margin
        if lo < start + margin:
            start = lo - margin
        return Scale.from_ordinals(start, days, self.width)


def caption(scale: Scale) -> str:
    """``2018-04-02 – 2022-06-30``: the visible window, for a header or status line."""
    return f"{scale.start.isoformat()} – {scale.end.isoformat()}"


def framing(lo: int | None, hi: int | None, width: int, today: date) -> Scale:
    """The window that frames the days ``lo..hi`` (ordinals) with a margin of about 5 % on each
    side; without days, the year before today."""
    if lo is None or hi is None:
        hi = today.toordinal()
        lo = hi - 365
    days = hi - lo + 1
    margin = max(days // 20, 3)
    days = max(days + 2 * margin, 30)
    first = lo - (days - (hi - lo + 1)) // 2
    return Scale.from_ordinals(first, days, max(width, 1))
