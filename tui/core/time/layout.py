"""Timeline layout: dates to columns, ticks, lanes, spans, stacking and plain-text rendering.

Pure code: the Textual timeline widget asks this module where everything goes and draws what it
gets back. Nothing here knows about colours or widgets; cells carry style *names*.

Scale
    A window of days ``start..end`` (both inclusive) spread over ``width`` columns. All
    arithmetic is on proleptic ordinals (plain ints), so 0001-01-01 and 9999-12-31 never raise
    ``OverflowError``; dates are only built from ordinals clamped to the valid range.

Spans (``span``) draw the one span rule (``tui.core.time.span``, docs/format.md "Span"), so the view
and the filters agree on what overlaps what:

=========  ===========================================  =====================================
kind       span (``tui.core.time.span.Kind``)                drawn
=========  ===========================================  =====================================
bar        closed: an ``end_date`` is given             start of ``date``'s period to the end
                                                        of ``end_date``'s period
open       open, status ``ongoing``                     from ``date`` to today, ends in ``▶``
unknown    open, status ``unknown``                     from ``date`` to today, ends in ``?``
                                                        (the sources do not say whether it
                                                        still holds)
marker     point: no ``end_date``, status ``ended``     at its date (an end that is not known
                                                        is not drawn)
=========  ===========================================  =====================================

A partial date (``"2018-04"``, ``"2018"``) covers its whole period: a partial start or end is
drawn dotted (``┄``) over its month or year and flagged ``approximate_start``/``_end``; a partial
marker is dotted over its period with ``◆`` in the middle. An open or unknown span whose start
lies after today runs to the end of its own date's period instead.

Lanes (``Prepared.lanes``): one per platform (compared casefold, labelled as first written in
the given order; an event with several platforms appears in each of their lanes; events without
platforms go to ``(none)``), per country (``RU Russian Federation``; ``short`` is the bare code
for narrow panes) or per action (``Action.label``). Lanes are ordered by their earliest event
(the events' own sort order), then by label (casefold), then key.

Stacking (``Prepared.place``): within a lane, items are placed in date order on the first row where
they leave at least one empty column after the row's previous item (greedy first-fit), so no
item hides or touches another. Only items that reach into the visible columns are placed;
the others are counted in ``hidden_left``/``hidden_right``. Column ranges are clamped to the
visible width and flagged ``clipped_left``/``clipped_right``.

Speed (100,000 events stack into some 200,000 items and 90,000 rows): spans, lanes and the
stacking order do not depend on the scale, so ``LayoutCache`` prepares them once per events
list, lane kind and today (``Prepared``); a zoom, pan or resize then only places the items
that reach the window, per start column, with list operations that run in C. Rows are a
lazy sequence (``Rows``) whose ``Item`` tuples are built when first read, and the look-ups
of a ``Placement`` (line -> lane and row, event -> line, event -> lanes) are computed on
demand. Long steps let other threads take the GIL, as a worker thread runs them.
"""

from __future__ import annotations

import calendar
import operator
import threading
import time
from bisect import bisect_left, bisect_right
from collections import deque
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from itertools import chain, compress, repeat
from operator import attrgetter
from typing import Literal, NamedTuple, overload

from tui.core.text.sanitize import clean
from tui.core.time.span import OPEN_STATUSES
from tui.core.time.span import Kind as TimeKind
from tui.core.time.span import span as time_span
from tui.core.timeline.countries import country_name
from tui.core.timeline.dates import PartialDate, Precision
from tui.core.timeline.event import Action, Event, Status

MIN_ORDINAL = date.min.toordinal()
MAX_ORDINAL = date.max.toordinal()
# Zooming in further than this shows a handful of days over the whole pane: nothing to gain.
MIN_DAYS = 7
MAX_DAYS = MAX_ORDINAL - MIN_ORDINAL + 1
DAYS_PER_YEAR = 365.2425
DAYS_PER_MONTH = DAYS_PER_YEAR / 12

LaneBy = Literal["platform", "country", "action"]
NO_PLATFORM = "(none)"


def _clamp(value: int, low: int, high: int) -> int:
    return max(low, min(high, value))


def _day(ordinal: int) -> date:
    return date.fromordinal(_clamp(ordinal, MIN_ORDINAL, MAX_ORDINAL))


# ---------------------------------------------------------------------------------------------
# Scale


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
        days = _clamp(days, 1, MAX_DAYS)
        first = _clamp(first, MIN_ORDINAL, MAX_ORDINAL - days + 1)
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
        days = _clamp(round(self.days / factor), min(MIN_DAYS, self.days), MAX_DAYS)
        col = _clamp(self.column(around), 0, self.width - 1)
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


def fit(events: Iterable[Event], width: int, today: date) -> Scale:
    """A scale that frames every event's span, with a margin of about 5 % on each side.

    Without events it frames the year before today. ``LayoutCache.fit`` gives the same scale
    from spans it has already computed."""
    spans = [span(e, today) for e in events]
    if not spans:
        return _framing(None, None, width, today)
    lo = min(s.start for s in spans).toordinal()
    return _framing(lo, max(s.end for s in spans).toordinal(), width, today)


def _framing(lo: int | None, hi: int | None, width: int, today: date) -> Scale:
    if lo is None or hi is None:
        hi = today.toordinal()
        lo = hi - 365
    days = hi - lo + 1
    margin = max(days // 20, 3)
    days = max(days + 2 * margin, 30)
    first = lo - (days - (hi - lo + 1)) // 2
    return Scale.from_ordinals(first, days, max(width, 1))


# ---------------------------------------------------------------------------------------------
# Ticks


class Tick(NamedTuple):
    column: int
    label: str  # empty: a tick mark without a label
    major: bool  # years are major, months minor


YEAR_STEPS = (1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000)
MONTH_NAMES = tuple(calendar.month_abbr[m] for m in range(1, 13))


def _labels_fit(placed: list[tuple[int, int]], col: int, length: int, gap: int = 1) -> bool:
    """True when ``[col, col+length)`` keeps ``gap`` blank columns from every placed label."""
    return all(col + length + gap - 1 < a or col > b + gap for a, b in placed)


def _year_columns(scale: Scale, step: int) -> list[tuple[int, int]]:
    """(year, column) of each multiple of ``step`` whose 1 January lies in the window."""
    year = -(-scale.start.year // step) * step
    if year == scale.start.year and scale.start != date(year, 1, 1):
        year += step
    out: list[tuple[int, int]] = []
    while year <= scale.end.year:
        out.append((year, scale.column(date(year, 1, 1))))
        year += step
    return out


def _year_label(year: int) -> str:
    return f"{year:04d}"


def ticks(scale: Scale) -> list[Tick]:
    """Year ticks, month ticks when months are at least two columns apart, and day ticks when
    days are.

    Tick marks are thinned so that neighbours keep a blank column between them; labels are
    thinned further (every year, 2, 5, 10, 25… years; every month, 2, 3, 6 months; every day,
    2, 5, 10 days) so they never overlap nor run past the right edge. Months are labelled
    ``Jan``..``Dec`` when there is room, otherwise ``01``..``12``; a month step is used only when
    every month it labels fits beside the year labels too, so no month (February, next to the
    year's label) silently goes without. Days are labelled ``1``..``31``; a day that would touch
    a month's or a year's label goes without. When no year label is in view, the first label
    says the month and year (``12 Apr 2018``, ``Feb 2018``) as far as room allows: a window of a
    week is never unlabelled. Deterministic: the same scale always gives the same ticks."""
    width = scale.width
    cols_per_year = DAYS_PER_YEAR * width / scale.days
    # Labels first: the smallest step whose visible labels all fit. Steps whose marks would be
    # closer than two columns cannot hold a label either, and are skipped without a scan.
    label_step = None
    for step in YEAR_STEPS:
        if step * cols_per_year < 2:
            continue
        placed: list[tuple[int, int]] = []
        ok = True
        for year, col in _year_columns(scale, step):
            label = _year_label(year)
            if col < 0 or col + len(label) > width:
                continue
            if not _labels_fit(placed, col, len(label)):
                ok = False
                break
            placed.append((col, col + len(label) - 1))
        if ok:
            label_step = step
            break
    # Then marks: the finest step that divides the label step and keeps a blank column between
    # marks, so every label stands on a mark.
    mark_step = next(
        (
            s
            for s in YEAR_STEPS
            if s * cols_per_year >= 2 and (label_step is None or label_step % s == 0)
        ),
        label_step,
    )
    if mark_step is None:
        return []
    marks = [(y, c) for y, c in _year_columns(scale, mark_step) if 0 <= c < width]
    placed = []
    result: list[Tick] = []
    for year, col in marks:
        label = ""
        if label_step is not None and year % label_step == 0:
            text = _year_label(year)
            if col + len(text) <= width:
                label = text
                placed.append((col, col + len(text) - 1))
        result.append(Tick(col, label, True))
    if DAYS_PER_MONTH * width / scale.days >= 2:
        result.extend(_month_ticks(scale, placed))
    if width >= scale.days:  # a column a day or more: the month labels alone are too sparse
        result.extend(_day_ticks(scale, [*placed, *_spans(result)]))
    result.sort(key=lambda t: (t.column, not t.major))
    if not any(t.major and t.label for t in result):
        _add_context(scale, result)
    return result


def _spans(ticks: Iterable[Tick]) -> list[tuple[int, int]]:
    return [(t.column, t.column + len(t.label) - 1) for t in ticks if t.label]


DAY_STEPS = (1, 2, 5, 10)


def _on_step(day: int, step: int) -> bool:
    return step == 1 or day % step == 0


def _day_ticks(scale: Scale, labels: list[tuple[int, int]]) -> list[Tick]:
    """Day ticks but on the first of a month (a month's or a year's tick stands there): every
    1, 2, 5 or 10 days as room allows, labelled on the finest step whose labels keep apart."""
    per_day = scale.width / scale.days
    mark_step = next((s for s in DAY_STEPS if s * per_day >= 2), None)
    if mark_step is None:
        return []
    days: list[tuple[int, int]] = []  # (day of the month, column)
    for ordinal in range(scale.start.toordinal(), scale.end.toordinal() + 1):
        when = date.fromordinal(ordinal)
        if when.day != 1 and _on_step(when.day, mark_step):
            days.append((when.day, scale.column_of(ordinal)))
    chosen = None
    for step in DAY_STEPS:
        if step < mark_step or step % mark_step:
            continue  # every label stands on a mark
        placed: list[tuple[int, int]] = []
        ok = True
        for day, col in days:
            if not _on_step(day, step):
                continue
            length = len(str(day))
            if col + length > scale.width:
                continue
            if not _labels_fit(placed, col, length):
                ok = False
                break
            placed.append((col, col + length - 1))
        if ok:
            chosen = step
            break
    out: list[Tick] = []
    placed = []
    for day, col in days:
        label = ""
        if chosen is not None and _on_step(day, chosen):
            text = str(day)
            # Two blank columns from a month's name: "30 May" would read as a date.
            if (
                col + len(text) <= scale.width
                and _labels_fit(placed, col, len(text))
                and _labels_fit(labels, col, len(text), gap=2)
            ):
                label = text
                placed.append((col, col + len(text) - 1))
        out.append(Tick(col, label, False))
    return out


def _add_context(scale: Scale, result: list[Tick]) -> None:
    """No year label in view: the first label that can hold it within the width says its month
    and year (``12 Apr 2018``, ``Feb 2018``), and the labels it then covers go (their marks
    stay): a reader must be able to tell the year. Only when no label can hold the year does a
    day's label say just its month (``20 Apr``)."""
    labelled = [i for i, t in enumerate(result) if t.label and not t.major]
    for full in (True, False):
        for i in labelled:
            tick = result[i]
            forms = _context_labels(scale, tick)
            text = forms[0] if full else forms[-1]
            if text == tick.label or tick.column + len(text) > scale.width:
                continue
            # Two blank columns around it: "2018 14" would read as one date.
            covered = range(tick.column - 2, tick.column + len(text) + 2)
            for j, other in enumerate(result):
                if j != i and other.label and other.column in covered:
                    result[j] = other._replace(label="")
            result[i] = tick._replace(label=text)
            return


def _context_labels(scale: Scale, tick: Tick) -> tuple[str, ...]:
    """The longer labels of a day or month tick, longest first."""
    day = scale.date_at(tick.column)  # the first day the tick's column shows
    if tick.label.isdigit() and int(tick.label) == day.day:  # a day: its column starts there
        month = MONTH_NAMES[day.month - 1]
        return (f"{day.day} {month} {day.year:04d}", f"{day.day} {month}")
    # A month's tick: the first of the month lies in its column, maybe after the column's start.
    if day.day != 1:
        day = date(day.year + day.month // 12, day.month % 12 + 1, 1)
    return (f"{MONTH_NAMES[day.month - 1]} {day.year:04d}",)


def _month_ticks(scale: Scale, year_labels: list[tuple[int, int]]) -> list[Tick]:
    months: list[tuple[int, int]] = []  # (month, column), January left to the year tick
    year, month = scale.start.year, scale.start.month
    if scale.start.day != 1:
        month += 1
    while True:
        if month > 12:
            year, month = year + 1, 1
        if year > 9999 or date(year, month, 1) > scale.end:
            break
        if month != 1:
            months.append((month, scale.column(date(year, month, 1))))
        month += 1
    candidates = (("name", 1), ("number", 1), ("name", 2), ("name", 3), ("name", 6))
    chosen: tuple[str, int] | None = None
    for style, step in candidates:
        # Checked against the year labels too: a step whose labels would leave out a month
        # (February, crowded by the year's label at January) gives way to a coarser one, so the
        # labels are regular (issue #13: "2018 03 04" read as if February were missing).
        placed: list[tuple[int, int]] = list(year_labels)
        ok = True
        for month, col in months:
            if (month - 1) % step:
                continue
            length = 3 if style == "name" else 2
            if col + length > scale.width:
                continue
            if not _labels_fit(placed, col, length):
                ok = False
                break
            placed.append((col, col + length - 1))
        if ok:
            chosen = (style, step)
            break
    out: list[Tick] = []
    placed = list(year_labels)
    for month, col in months:
        label = ""
        if chosen and (month - 1) % chosen[1] == 0:
            text = MONTH_NAMES[month - 1] if chosen[0] == "name" else f"{month:02d}"
            if col + len(text) <= scale.width and _labels_fit(placed, col, len(text)):
                label = text
                placed.append((col, col + len(text) - 1))
        out.append(Tick(col, label, False))
    return out


def axis_lines(scale: Scale, *, ascii: bool = False) -> tuple[str, str]:
    """Two lines of exactly ``width`` characters: the labels, then the rule with tick marks."""
    labels = [" "] * scale.width
    rule = ["-" if ascii else "─"] * scale.width
    for tick in ticks(scale):
        rule[tick.column] = ("|" if tick.major else "+") if ascii else ("┼" if tick.major else "┬")
        for i, char in enumerate(tick.label):
            if tick.column + i < scale.width:
                labels[tick.column + i] = char
    return "".join(labels), "".join(rule)


# ---------------------------------------------------------------------------------------------
# Spans


class Kind(StrEnum):
    MARKER = "marker"
    BAR = "bar"
    OPEN = "open"
    UNKNOWN = "unknown"


class Span(NamedTuple):
    start: date
    end: date
    kind: Kind
    approximate_start: bool
    approximate_end: bool


def span(event: Event, today: date) -> Span:
    """Where an event is drawn in time: its ``tui.core.time.span.span``, an open one drawn to today
    (or to the end of its date's period, if that is later); see the module docstring."""
    first = event.date
    approx_start = first.precision is not Precision.DAY
    when = time_span(event)
    if when.kind is TimeKind.CLOSED and event.end_date is not None:
        last = event.end_date
        return Span(
            when.first, last.end, Kind.BAR, approx_start, last.precision is not Precision.DAY
        )
    if when.kind is TimeKind.OPEN:
        kind = Kind.OPEN if when.status is Status.ONGOING else Kind.UNKNOWN
        return Span(when.first, max(today, first.end), kind, approx_start, False)
    return Span(when.first, first.end, Kind.MARKER, approx_start, approx_start)


# Ordinals fit in 22 bits (9999-12-31 is 3,652,059), precisions in 2: keys packed into one int
# sort in C without building a tuple per event.
_BITS = 22
_DAY = int(Precision.DAY)
_CHUNK = 4096  # events between two chances for other threads to take the GIL
# Per-event flags, packed: approximate start and end, one glyph wide, then the kind.
_APPROX_START, _APPROX_END, _ONE_GLYPH, _KIND_SHIFT = 1, 2, 4, 3
_KINDS = (Kind.MARKER, Kind.BAR, Kind.OPEN, Kind.UNKNOWN)
_BAR = 1 << _KIND_SHIFT
_OPEN = 2 << _KIND_SHIFT
_UNKNOWN = 3 << _KIND_SHIFT
# By flags: 1 when an item's last column is that of the day after its end, minus one.
_DAY_AFTER = tuple(0 if flags & _ONE_GLYPH else 1 for flags in range(1 << (_KIND_SHIFT + 2)))


_BREATH = 0.002  # seconds of work between two breaths
_breaths = threading.local()


def _breathe() -> None:
    """Let the UI thread take the GIL, if this thread has held it for a while.

    A big view is laid out in a worker thread. Its loops hold the GIL, and the UI thread, which
    gives the GIL up at every read and write, would wait for it each time; sleeping hands it
    over. Each sleep costs a system call (milliseconds on a busy machine), hence the rate
    limit. The UI thread itself never needs to."""
    if threading.current_thread() is threading.main_thread():
        return
    now = time.perf_counter()
    if now - getattr(_breaths, "last", 0.0) >= _BREATH:
        time.sleep(0)
        _breaths.last = time.perf_counter()


class _Spans:
    """``span`` of every event as ordinals and flags in parallel lists, and the order items
    are stacked in: computed once per events list and today, then shared by every lane kind
    and scale. (``span`` without objects per event: the open test is ``tui.core.time.span``'s
    ``OPEN_STATUSES``; the tests hold the two to the same layouts.)"""

    __slots__ = ("_index", "ends", "events", "flags", "ids", "order", "rank", "sort_keys",
                 "starts", "today")  # fmt: skip

    def __init__(self, events: Sequence[Event], today: date) -> None:
        # A snapshot holding every event alive: the cache compares it, by identity, with the
        # events it is asked about, so a changed list is never laid out from stale spans.
        self.events = evs = list(events)
        self.today = today
        n = len(evs)
        self.ids = ids = [e.id for e in evs]
        self.starts = starts = [0] * n
        self.ends = ends = [0] * n
        self.flags = flags = [0] * n
        self.sort_keys = sort_keys = [0] * n  # Event.sort_key without the id, packed
        stack_keys = [0] * n  # (span start, span end, sort key) without the id, packed
        today_ordinal = today.toordinal()
        ongoing = Status.ONGOING
        # Partial dates are few; their periods are converted once per value.
        periods: dict[tuple[int, int | None], tuple[int, int, int]] = {}
        for chunk in range(0, n, _CHUNK):
            _breathe()
            for index in range(chunk, min(chunk + _CHUNK, n)):
                event = evs[index]
                when = event.date
                day = when.day
                if day is not None:
                    first = last = date(when.year, when.month or 1, day).toordinal()
                    precision = _DAY
                    flag = 0
                else:
                    key = (when.year, when.month)
                    period = periods.get(key)
                    if period is None:
                        period = periods[key] = _period(when)
                    first, last, precision = period
                    flag = _APPROX_START
                end_date = event.end_date
                if end_date is not None:
                    if end_date.day is not None:
                        end = date(end_date.year, end_date.month or 1, end_date.day).toordinal()
                        flag |= _BAR
                    else:
                        end = _period(end_date)[1]
                        flag |= _BAR | _APPROX_END
                    sort_end = end
                else:
                    sort_end = last
                    status = event.status
                    if status in OPEN_STATUSES:
                        end = last if last > today_ordinal else today_ordinal
                        flag |= _OPEN if status is ongoing else _UNKNOWN
                    else:
                        end = last
                        flag |= _APPROX_END if flag else _ONE_GLYPH
                starts[index] = first
                ends[index] = end
                flags[index] = flag
                sort_key = ((first << 2 | precision) << _BITS) | sort_end
                sort_keys[index] = sort_key
                stack_keys[index] = ((first << _BITS | end) << (2 * _BITS + 2)) | sort_key
        _breathe()
        order = sorted(range(n), key=stack_keys.__getitem__)
        _by_id_within_ties(order, stack_keys, sort_keys, ids)
        self.order = order  # event indices in stacking order
        self.rank = rank = [0] * n  # event index -> its place in ``order``
        for position, index in enumerate(order):
            rank[index] = position
        # Built here, in the worker, rather than at the first key press; by chunks, last
        # first, so that the first of equal ids wins, as when items were searched in order.
        self._index: dict[str, int] = {}
        for low in reversed(range(0, n, _CHUNK)):
            high = min(low + _CHUNK, n)
            self._index.update(
                zip(reversed(ids[low:high]), reversed(range(low, high)), strict=True)
            )
            _breathe()

    def matches(self, events: Sequence[Event], today: date) -> bool:
        mine = self.events
        return (
            today == self.today
            and len(events) == len(mine)
            and all(map(operator.is_, events, mine))
        )

    def index_of(self, event_id: str) -> int | None:
        """The first event with this id."""
        return self._index.get(event_id)

    def fit(self, width: int, today: date) -> Scale:
        if not self.starts:
            return _framing(None, None, width, today)
        return _framing(min(self.starts), max(self.ends), width, today)


def _period(when: PartialDate) -> tuple[int, int, int]:
    return when.start.toordinal(), when.end.toordinal(), int(when.precision)


def _by_id_within_ties(
    order: list[int], keys: list[int], sort_keys: list[int], ids: list[str]
) -> None:
    """Sort runs of equal ``keys`` in ``order`` by id, the last member of ``Event.sort_key``."""
    # Events given in Event.sort_key order (a Timeline's are) are already in id order within
    # every run, since the stable sort kept their order.
    following = sort_keys[1:]
    same = list(map(operator.eq, sort_keys, following))
    if all(map(operator.le, sort_keys, following)) and all(
        map(operator.le, compress(ids, same), compress(ids[1:], same))
    ):
        return
    ranked = [keys[i] for i in order]
    ties = list(compress(range(1, len(ranked)), map(operator.eq, ranked, ranked[1:])))
    position = 0
    while position < len(ties):
        first = last = ties[position]
        while position + 1 < len(ties) and ties[position + 1] == last + 1:
            position += 1
            last += 1
        # The stable sort keeps equal ids in their given order, as the full sort did.
        order[first - 1 : last + 1] = sorted(order[first - 1 : last + 1], key=ids.__getitem__)
        position += 1


# ---------------------------------------------------------------------------------------------
# Lanes


class Lane(NamedTuple):
    key: str  # casefolded platform, country code or action value; "" for "(none)"
    label: str  # for display, already cleaned of control characters
    short: str  # a narrower label: the country code alone; otherwise the label
    events: tuple[int, ...]  # indexes into the events given, in their order


def _lane_key(by: LaneBy, value: object) -> tuple[str, str, str]:
    """(key, label, short) of the lane for one platform (None: no platform), country code or
    action value."""
    if by == "platform":
        if value is None:
            return ("", NO_PLATFORM, NO_PLATFORM)
        platform = str(value)
        return (platform.casefold(), clean(platform), clean(platform))
    if by == "country":
        code = str(value)
        name = country_name(code)
        return (code, f"{clean(code)} {name}" if name else clean(code), clean(code))
    action = Action(str(value))
    return (action.value, action.label, action.label)


def _members_by_value(events: Sequence[Event], by: LaneBy) -> dict[object, list[int]]:
    """The indexes of the events, in order, per platform as written (None: no platform),
    country or action value. Grouped by calls that run in C (no bytecode per event), a chunk
    of events at a time so that other threads get the GIL in between."""
    grouped: dict[object, list[int]] = {}
    without: list[int] = []
    # str() of a StrEnum is its plain value, which hashes in C (an Enum hashes in Python).
    getter = attrgetter("country") if by == "country" else attrgetter("action")
    for low in range(0, len(events), _CHUNK):
        chunk = events[low : low + _CHUNK]
        owners: Iterable[int] = range(low, low + len(chunk))
        if by == "platform":
            lists = list(map(attrgetter("platforms"), chunk))
            values = list(chain.from_iterable(lists))
            without += compress(owners, map(operator.not_, lists))
            owners = chain.from_iterable(map(repeat, owners, map(len, lists)))
        else:
            values = list(map(str, map(getter, chunk)))
        for value in set(values).difference(grouped):
            grouped[value] = []
        deque(map(list.append, map(grouped.__getitem__, values), owners), maxlen=0)
        _breathe()
    if without:
        grouped[None] = without
    return grouped


def _build_lanes(events: Sequence[Event], by: LaneBy, sort_keys: Sequence[int]) -> list[Lane]:
    if by not in ("platform", "country", "action"):
        raise ValueError(f"unknown lane kind {by!r}: use platform, country or action")
    grouped = _members_by_value(events, by)
    variants: dict[str, list[object]] = {}  # lane key -> the values written for it
    keys: dict[object, tuple[str, str, str]] = {}
    for value in grouped:
        keys[value] = _lane_key(by, value)
        variants.setdefault(keys[value][0], []).append(value)

    def written_first(value: object) -> tuple[int, int]:
        index = grouped[value][0]
        platforms = events[index].platforms if by == "platform" else []
        return index, platforms.index(value) if value in platforms else 0

    found: dict[str, tuple[str, str, list[int]]] = {}
    for key, values in variants.items():
        # Labelled as first written; "Telegram" and "telegram" share one lane.
        _, label, short = keys[min(values, key=written_first)]
        if len(values) == 1:
            members = grouped[values[0]]
        else:
            members = sorted(set(chain.from_iterable(grouped[v] for v in values)))
        if any(map(operator.eq, members, members[1:])):  # a platform listed twice
            members = list(dict.fromkeys(members))
        found[key] = (label, short, members)
    _breathe()

    def order(key: str) -> tuple[tuple[int, str], str, str]:
        label, _, members = found[key]
        # The smallest Event.sort_key: the packed key, then the id among equal keys.
        lowest = min(map(sort_keys.__getitem__, members))
        tied = compress(members, map(lowest.__eq__, map(sort_keys.__getitem__, members)))
        return ((lowest, min(events[i].id for i in tied)), label.casefold(), key)

    return [
        Lane(key, found[key][0], found[key][1], tuple(found[key][2]))
        for key in sorted(found, key=order)
    ]


class _LaneData(NamedTuple):
    """One lane's members in stacking order, with what placement reads of them."""

    lane: Lane
    order: list[int]  # event indices
    ranks: list[int]  # their places in the stacking order of all events: ascending
    starts: list[int]  # span start ordinals: ascending
    ends: list[int]  # span end ordinals
    ends_sorted: list[int]  # ascending
    by_end: list[int]  # ranks in the order of ``ends_sorted``


# ---------------------------------------------------------------------------------------------
# Stacking


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
        data: _LaneData,
        spans: _Spans,
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

    def _placed(self) -> Iterator[tuple[int, int]]:
        """(rank, row) of every item placed, in stacking order."""
        row_of_rank = self._row_of_rank
        for k in chain(self._zero, self._window):
            yield k, row_of_rank[k]

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
        kind = _KINDS[flags >> _KIND_SHIFT]
        first = (start - origin) * width // days
        # A one-day marker is one glyph, even when a day spans several columns.
        last = first if flags & _ONE_GLYPH else _last_column(end, origin, width, days)
        # Dotted stretches for partial dates, clamped to the pane; -1 when entirely off-screen.
        fuzzy_start = fuzzy_end = -1
        event = spans.events[index]
        if flags & _APPROX_START and kind is not Kind.MARKER:
            raw = _last_column(event.date.end.toordinal(), origin, width, days)
            fuzzy_start = min(raw, width - 1) if raw >= 0 else -1
        if flags & _APPROX_END and kind is Kind.BAR and event.end_date is not None:
            raw = (event.end_date.start.toordinal() - origin) * width // days
            fuzzy_end = max(raw, 0) if raw < width else -1
        return Item(
            index,
            spans.ids[index],
            row,
            max(first, 0),
            min(last, width - 1),
            kind,
            bool(flags & _APPROX_START),
            bool(flags & _APPROX_END),
            first < 0,
            last > width - 1,
            date.fromordinal(start),
            date.fromordinal(end),
            fuzzy_start,
            fuzzy_end,
        )


def _stack(data: _LaneData, spans: _Spans, scale: Scale) -> LaneLayout:
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
        nexts = map(operator.add, ending, map(_DAY_AFTER.__getitem__, flags))
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
    _breathe()
    return LaneLayout(
        data.lane,
        Rows(data, spans, scale, zero, window, row_of_rank, rows),
        hidden_left,
        len(starts) - window.stop,
    )


class Placement:
    """Every lane stacked at one scale, with the look-ups that drawing and navigation need.

    Lanes' rows follow one another as scrolling lines: ``first_line[lane]`` is the line of a
    lane's first row, ``rows[line]`` the (lane, row) of a line, ``lines_of[lane, id]`` the line
    that shows an event in a lane and ``lanes_of[id]`` the lanes that show it, in order. All
    are computed on demand from the stacking, not stored per item."""

    __slots__ = ("by", "first_line", "lanes", "lanes_of", "lines_of", "rows", "scale")

    def __init__(self, prepared: Prepared, scale: Scale) -> None:
        self.scale = scale
        self.by = prepared.by
        self.lanes: list[LaneLayout] = []
        self.first_line: list[int] = []
        lines = 0
        for data in prepared.lane_data:
            lane_layout = _stack(data, prepared.spans, scale)
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

    def __init__(self, placement: Placement, spans: _Spans) -> None:
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
            rows = _rows_of(lane_layout)
            order = rows._data.order
            for k, _ in rows._placed():
                key = (number, ids[order[k]])
                if key not in seen:
                    seen.add(key)
                    yield key

    def __len__(self) -> int:
        return sum(1 for _ in self)


class _LanesOf(Mapping[str, list[int]]):
    """Event id -> the lanes that show it, in order."""

    __slots__ = ("_placement", "_spans")

    def __init__(self, placement: Placement, spans: _Spans) -> None:
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

    def __init__(self, spans: _Spans, by: LaneBy) -> None:
        self.spans = spans
        self.by = by
        self.lanes = _build_lanes(spans.events, by, spans.sort_keys)
        self.lane_data: list[_LaneData] = []
        rank, order = spans.rank, spans.order
        for lane in self.lanes:
            ranks = sorted(map(rank.__getitem__, lane.events))
            members = list(map(order.__getitem__, ranks))
            ends = list(map(spans.ends.__getitem__, members))
            by_end = sorted(range(len(ends)), key=ends.__getitem__)
            self.lane_data.append(
                _LaneData(
                    lane,
                    members,
                    ranks,
                    list(map(spans.starts.__getitem__, members)),
                    ends,
                    list(map(ends.__getitem__, by_end)),
                    by_end,
                )
            )
            _breathe()

    def place(self, scale: Scale) -> Placement:
        return Placement(self, scale)

    def fit(self, width: int) -> Scale:
        return self.spans.fit(width, self.spans.today)


class LayoutCache:
    """The prepared lanes of the last few events lists, lane kinds and todays, so that zooming,
    panning, resizing and switching lane kinds redo only the placement.

    Never stale: an entry serves only the events it was built from, compared element by
    element by identity (the entry holds them, so no id can be reused), with the same today.
    Safe to share between the UI thread and workers: an entry asked for while another thread
    builds it is waited for, not built twice."""

    def __init__(self, size: int = 2) -> None:
        self._size = max(size, 1)
        self._lock = threading.Lock()
        self._spans: list[_Spans] = []
        self._prepared: list[Prepared] = []
        # Entries being built: (events, today, lane kind or None for spans, set when done).
        self._building: list[tuple[Sequence[Event], date, LaneBy | None, threading.Event]] = []

    def _find_spans(self, events: Sequence[Event], today: date) -> _Spans | None:
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

    def _spans_of(self, events: Sequence[Event], today: date) -> _Spans:
        with self._lock:
            spans = self._find_spans(events, today)
        if spans is not None:
            return spans
        done = self._claim(events, today, None)
        try:
            with self._lock:
                spans = self._find_spans(events, today)
            if spans is None:
                spans = _Spans(events, today)
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
        """The same scale as ``fit(events, width, today)``, from the cached spans."""
        return self._spans_of(events, today).fit(width, today)

    def layout(self, events: Sequence[Event], scale: Scale, by: LaneBy, today: date) -> Placement:
        return self.prepare(events, by, today).place(scale)

    def clear(self) -> None:
        with self._lock:
            self._spans.clear()
            self._prepared.clear()


# ---------------------------------------------------------------------------------------------
# Rendering


class Glyphs(NamedTuple):
    bar: str
    start: str
    end: str
    single: str  # a bar one column wide
    open: str
    unknown: str
    marker: str
    approximate: str
    clipped_left: str
    clipped_right: str


UNICODE = Glyphs("━", "┣", "┫", "┃", "▶", "?", "◆", "┄", "◀", "▶")
ASCII = Glyphs("=", "[", "]", "|", ">", "?", "*", "~", "<", ">")


class Cell(NamedTuple):
    char: str
    style: str  # "", a Kind value, "approximate", "clipped" or "selected"
    event_index: int | None  # the event drawn here, for colours and mouse clicks


BLANK = Cell(" ", "", None)


def _draw(item: Item, g: Glyphs) -> list[tuple[str, str]]:
    a, b = item.col_start, item.col_end
    kind = item.kind
    if kind is Kind.MARKER:
        if a == b:
            return [(g.marker, "marker")]
        cells = [(g.approximate, "approximate")] * (b - a + 1)
        cells[(b - a) // 2] = (g.marker, "marker")
        return cells
    cells = [(g.bar, kind.value)] * (b - a + 1)
    if item.fuzzy_start_end >= a:
        for c in range(a, min(item.fuzzy_start_end, b) + 1):
            cells[c - a] = (g.approximate, "approximate")
    if item.fuzzy_end_start >= 0:
        for c in range(max(item.fuzzy_end_start, a), b + 1):
            cells[c - a] = (g.approximate, "approximate")
    end_glyph = {Kind.OPEN: g.open, Kind.UNKNOWN: g.unknown}.get(kind, g.end)
    if a == b:
        if item.clipped_left:
            return [(g.clipped_left, "clipped")]
        if item.clipped_right:
            return [(g.clipped_right, "clipped")]
        if kind is not Kind.BAR:
            return [(end_glyph, kind.value)]
        if item.approximate_start or item.approximate_end:
            return [(g.approximate, "approximate")]
        return [(g.single, kind.value)]
    if item.clipped_left:
        cells[0] = (g.clipped_left, "clipped")
    elif not item.approximate_start:
        cells[0] = (g.start, kind.value)
    if item.clipped_right:
        cells[-1] = (g.clipped_right, "clipped")
    elif kind is not Kind.BAR or not item.approximate_end:
        cells[-1] = (end_glyph, kind.value)
    return cells


def render_row(
    items: Iterable[Item], width: int, *, selected: str | None = None, ascii: bool = False
) -> list[Cell]:
    """Exactly ``width`` cells for one row of a lane; the event ``selected`` (an id) is styled
    ``selected``. Readable without colour: every kind has its own glyphs."""
    g = ASCII if ascii else UNICODE
    cells = [BLANK] * width
    for item in items:
        style_all = "selected" if item.event_id == selected else None
        for offset, (char, style) in enumerate(_draw(item, g)):
            col = item.col_start + offset
            if 0 <= col < width:
                cells[col] = Cell(char, style_all or style, item.event_index)
    return cells


def runs(cells: Sequence[Cell]) -> list[tuple[str, str]]:
    """Adjacent cells of the same style joined: fewer segments for the renderer."""
    out: list[tuple[str, str]] = []
    for cell in cells:
        if out and out[-1][1] == cell.style:
            out[-1] = (out[-1][0] + cell.char, cell.style)
        else:
            out.append((cell.char, cell.style))
    return out


# ---------------------------------------------------------------------------------------------
# Navigation


def neighbour_in_time(order: Sequence[str], current: str | None, step: int) -> str | None:
    """The id ``step`` places after (``+1``) or before (``-1``) ``current`` in ``order``,
    stopping at either end. With no (or an unknown) current id: the first or the last."""
    if not order:
        return None
    if current not in order:
        return order[0] if step >= 0 else order[-1]
    position = _clamp(order.index(current) + step, 0, len(order) - 1)
    return order[position]


def find(layouts: Sequence[LaneLayout], event_id: str, lane: int | None = None) -> Item | None:
    """The item of ``event_id`` in lane ``lane`` (or the first lane that shows it)."""
    candidates = [layouts[lane]] if lane is not None and 0 <= lane < len(layouts) else layouts
    for lane_layout in candidates:
        rows = lane_layout.rows
        if isinstance(rows, Rows):
            found = rows.find(event_id)
            if found is not None:
                return found
            continue
        for row in rows:
            for item in row:
                if item.event_id == event_id:
                    return item
    return None


def _distance(item: Item, start: int, end: int) -> int:
    a, b = item.start.toordinal(), item.end.toordinal()
    if b < start:
        return start - b
    if a > end:
        return a - end
    return 0


def _nearest(lane_layout: LaneLayout, around: tuple[int, int] | None) -> Item | None:
    rows = lane_layout.rows
    if isinstance(rows, Rows):
        return rows.nearest(around)
    items = [i for row in rows for i in row]
    if not items:
        return None
    if around is None:
        return min(items, key=lambda i: (i.start, i.row, i.event_index))
    lo, hi = around
    return min(
        items,
        key=lambda i: (_distance(i, lo, hi), abs(i.start.toordinal() - lo), i.row, i.event_index),
    )


def _lane_step(
    layouts: Sequence[LaneLayout], lane: int, current: str | None, step: int
) -> tuple[int, str] | None:
    here = find(layouts, current, lane) if current is not None else None
    if here is None and current is not None:
        here = find(layouts, current)
    around = (here.start.toordinal(), here.end.toordinal()) if here is not None else None
    index = lane + step
    while 0 <= index < len(layouts):
        best = _nearest(layouts[index], around)
        if best is not None:
            return index, best.event_id
        index += step
    return None


def lane_above(
    layouts: Sequence[LaneLayout], lane: int, current: str | None
) -> tuple[int, str] | None:
    """The nearest event in time in the closest lane above that shows any: (lane, id)."""
    return _lane_step(layouts, lane, current, -1)


def lane_below(
    layouts: Sequence[LaneLayout], lane: int, current: str | None
) -> tuple[int, str] | None:
    """The nearest event in time in the closest lane below that shows any: (lane, id)."""
    return _lane_step(layouts, lane, current, +1)


__all__ = [
    "ASCII",
    "UNICODE",
    "Cell",
    "Item",
    "Kind",
    "Lane",
    "LaneLayout",
    "LayoutCache",
    "Placement",
    "Prepared",
    "Rows",
    "Scale",
    "Span",
    "Tick",
    "axis_lines",
    "caption",
    "find",
    "fit",
    "lane_above",
    "lane_below",
    "neighbour_in_time",
    "render_row",
    "runs",
    "span",
    "ticks",
]
