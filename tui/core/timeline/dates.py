"""Partial dates: a day, a month or a year, kept at the precision the author wrote.

A partial date stands for a period (``"2018-04"`` is 1–30 April 2018). Arithmetic is done on
proleptic ordinals so the extremes 0001-01-01 and 9999-12-31 never overflow.
"""

from __future__ import annotations

import calendar
import functools
import re
from dataclasses import dataclass
from datetime import date, datetime, time
from enum import IntEnum
from typing import Any

from tui.core.text.sanitize import quote

MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip

ACCEPTED_FORMS = 'a TOML date 2018-04-16 (no quotes), "2018-04" (month) or "2018" (year)'

# ASCII digits only: \d would also accept "２０１８" and other scripts' digits.
_PARTIAL = re.compile(r"(?P<y>[0-9]{4})(?:-(?P<m>[0-9]{2})(?:-(?P<d>[0-9]{2}))?)?")


class Precision(IntEnum):
    YEAR = 0
    MONTH = 1
    DAY = 2


@dataclass(frozen=True, slots=True)
class PartialDate:
    year: int
    month: int | None = None
    day: int | None = None

    def __post_init__(self) -> None:
        if self.day is not None and self.month is None:
            raise ValueError("a day needs a month")
        # Constructing the first day validates year, month and day ranges together.
        date(self.year, self.month or 1, self.day or 1)

    @property
    def precision(self) -> Precision:
        if self.day is not None:
            return Precision.DAY
        if self.month is not None:
            return Precision.MONTH
        return Precision.YEAR

    @property
    def start(self) -> date:
        """First day of the period."""
        return date(self.year, self.month or 1, self.day or 1)

    @property
    def end(self) -> date:
        """Last day of the period."""
        if self.day is not None:
            return date(self.year, self.month or 1, self.day)
        if self.month is not None:
            return date(self.year, self.month, calendar.monthrange(self.year, self.month)[1])
        return date(self.year, 12, 31)

    @property
    def sort_key(self) -> tuple[int, int]:
        return (self.start.toordinal(), int(self.precision))

    def iso(self) -> str:
        """The date as written: ``2018``, ``2018-04`` or ``2018-04-16``."""
        text = f"{self.year:04d}"
        if self.month is not None:
            text += f"-{self.month:02d}"
        if self.day is not None:
            text += f"-{self.day:02d}"
        return text

    def human(self) -> str:
        """``16 April 2018``, ``April 2018`` or ``2018``: never a day that was not written."""
        if self.month is None:
            return f"{self.year}"
        if self.day is None:
            return f"{MONTHS[self.month - 1]} {self.year}"
        return f"{self.day} {MONTHS[self.month - 1]} {self.year}"

    def __str__(self) -> str:
        return self.iso()

    # Ordered by sort_key: first day of the period, then the less precise first. Two partial
    # dates are equal exactly when their sort keys are, so == and < agree.
    def __lt__(self, other: object) -> bool:
        if not isinstance(other, PartialDate):
            return NotImplemented
        return self.sort_key < other.sort_key

    def __le__(self, other: object) -> bool:
        if not isinstance(other, PartialDate):
            return NotImplemented
        return self.sort_key <= other.sort_key

    def __gt__(self, other: object) -> bool:
        if not isinstance(other, PartialDate):
            return NotImplemented
        return self.sort_key > other.sort_key

    def __ge__(self, other: object) -> bool:
        if not isinstance(other, PartialDate):
            return NotImplemented
        return self.sort_key >= other.sort_key

    @classmethod
    def from_date(cls, value: date) -> PartialDate:
        return cls(value.year, value.month, value.day)

    @classmethod
    def parse(cls, value: Any) -> PartialDate:
        """Accept a ``date`` or a string in one of the written forms; reject all else clearly."""
        if isinstance(value, PartialDate):
            return value
        # datetime is a subclass of date: it must be rejected before the date branch.
        if isinstance(value, datetime):
            return _fail(
                f"{value.isoformat()} is a date-time; write only the date, e.g. "
                f"{value.date().isoformat()}"
            )
        if isinstance(value, date):
            return of_day(value)
        if isinstance(value, time):
            return _fail(f"{value.isoformat()} is a time, not a date; write {ACCEPTED_FORMS}")
        if isinstance(value, str):
            match = _PARTIAL.fullmatch(value.strip())
            if not match:
                return _fail(f"{quote(value)} is not a date; write {ACCEPTED_FORMS}")
            year, month, day = (int(g) if g else None for g in match.group("y", "m", "d"))
            assert year is not None  # the pattern requires a year
            return (
                cls(year, month, day)
                if _real(year, month, day)
                else _unreal(value, *match.group("y", "m", "d"))
            )
        if isinstance(value, bool):
            return _fail(f"{str(value).lower()} is not a date; write {ACCEPTED_FORMS}")
        if isinstance(value, int) and 1 <= value <= 9999:
            return _fail(f'{value} is a number, not a date; a year alone needs quotes: "{value}"')
        kind = {int: "a number", float: "a number", list: "a list", dict: "a table"}.get(
            type(value), type(value).__name__
        )
        return _fail(f"must be a date, not {kind}; write {ACCEPTED_FORMS}")

    def toml_value(self) -> date | str:
        """The value to write back: a TOML date for day precision, else the string form."""
        return self.start if self.precision is Precision.DAY else self.iso()


@functools.lru_cache(maxsize=8192)
def of_day(value: date) -> PartialDate:
    """The day ``value`` as a PartialDate: thousands of events share a day, and each day is one
    (immutable) object, checked once."""
    return PartialDate.from_date(value)


def _fail(message: str) -> PartialDate:
    raise ValueError(message)


def _real(year: int, month: int | None, day: int | None) -> bool:
    if not 1 <= year <= 9999 or (month is not None and not 1 <= month <= 12):
        return False
    return day is None or 1 <= day <= calendar.monthrange(year, month or 1)[1]


def _unreal(value: str, year: str, month: str | None, day: str | None) -> PartialDate:
    """Say which part of a well-formed but impossible date is wrong."""
    if not 1 <= int(year) <= 9999:
        why = "years run from 0001 to 9999"
    elif month is not None and not 1 <= int(month) <= 12:
        why = f"there is no month {month}"
    else:
        assert month is not None and day is not None
        days = calendar.monthrange(int(year), int(month))[1]
        why = f"{MONTHS[int(month) - 1]} {int(year)} has {days} days"
    return _fail(f"{quote(value)} is not a real date: {why}")


def months_between(first: date, last: date) -> int:
    """Whole months from ``first`` to ``last`` (never negative)."""
    months = (last.year - first.year) * 12 + (last.month - first.month)
    if last.day < first.day:
        months -= 1
    return max(months, 0)


def describe_duration(first: date, last: date) -> str:
    """``2 years 2 months``, ``3 months``, ``12 days``: the span between two days, inclusive-ish."""
    months = months_between(first, last)
    if months == 0:
        days = last.toordinal() - first.toordinal()
        return f"{days} day" + ("" if days == 1 else "s")
    years, months = divmod(months, 12)
    parts = []
    if years:
        parts.append(f"{years} year" + ("" if years == 1 else "s"))
    if months:
        parts.append(f"{months} month" + ("" if months == 1 else "s"))
    return " ".join(parts)
