"""Timeline layout: dates to columns, ticks, lanes, spans, stacking and plain-text rendering.

Pure code: the Textual timeline widget asks this module where everything goes and draws what it
gets back. Nothing here knows about colours or widgets; cells carry style *names*.

Scale
    A window of days ``start..end`` (both inclusive) spread over ``width`` columns. All
    arithmetic is on proleptic ordinals (plain ints), so 0001-01-01 and 9999-12-31 never raise
    ``OverflowError``; dates are only built from ordinals clamped to the valid range.

Spans (``span``), decided by the event's fields only:

=========  ===========================================  =====================================
kind       when                                         drawn
=========  ===========================================  =====================================
bar        an ``end_date`` is given                     start of ``date``'s period to the end
                                                        of ``end_date``'s period
open       no ``end_date``, a lasting action, status    from ``date`` to today, ends in ``▶``
           ``ongoing``
unknown    no ``end_date``, a lasting action, status    from ``date`` to today, ends in ``?``
           ``unknown``                                  (the sources do not say whether the
                                                        measure is still in force)
marker     anything else: no ``end_date`` and a         at its date: one-off events (whatever
           one-off action, or status ``ended``          their status), and lasting measures
                                                        that ended on an unknown day (an end
                                                        that is not known is not drawn)
=========  ===========================================  =====================================

The first and last days are the same as the query language's ``during:``/``asof:`` span
(``tui.core.query.event_span``), so the view and the filters agree on what overlaps what.

A partial date (``"2018-04"``, ``"2018"``) covers its whole period: a partial start or end is
drawn dotted (``┄``) over its month or year and flagged ``approximate_start``/``_end``; a partial
marker is dotted over its period with ``◆`` in the middle. An open or unknown span whose start
lies after today runs to the end of its own date's period instead.

Lanes (``lanes``): one per platform (compared casefold, labelled as first written in the given
order; an event with several platforms appears in each of their lanes; events without platforms
go to ``(none)``), per country (``RU Russian Federation``; ``short`` is the bare code for
narrow panes) or per action (``Action.label``). Lanes are ordered by their earliest event (the
events' own sort order), then by label (casefold), then key.

Stacking (``layout``): within a lane, items are placed in date order on the first row where
they leave at least one empty column after the row's previous item (greedy first-fit), so no
item hides or touches another. Only items that reach into the visible columns are placed;
the others are counted in ``hidden_left``/``hidden_right``. Column ranges are clamped to the
visible width and flagged ``clipped_left``/``clipped_right``.
"""

from __future__ import annotations

import calendar
import heapq
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Literal, NamedTuple

from tui.core.countries import country_name
from tui.core.dates import Precision
from tui.core.model import Event, Status
from tui.core.sanitize import clean

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

    def last_column(self, day: date) -> int:
        """The last column that shows ``day``: wider than one column when zoomed in."""
        first = self.column_of(day.toordinal())
        return max(first, self.column_of(day.toordinal() + 1) - 1)

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

    def pan(self, columns: int) -> Scale:
        """Shift the window by ``columns`` (positive: later), stopping at the calendar's ends."""
        shift = columns * self.days // self.width
        if shift == 0 and columns:
            shift = 1 if columns > 0 else -1
        return Scale.from_ordinals(self.start.toordinal() + shift, self.days, self.width)

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

    Without events it frames the year before today."""
    spans = [span(e, today) for e in events]
    if spans:
        lo = min(s.start for s in spans).toordinal()
        hi = max(s.end for s in spans).toordinal()
    else:
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


def _labels_fit(placed: list[tuple[int, int]], col: int, length: int) -> bool:
    """True when ``[col, col+length)`` keeps a blank column from every placed label."""
    return all(col + length < a or col > b + 1 for a, b in placed)


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
    """Year ticks, and month ticks when months are at least two columns apart.

    Tick marks are thinned so that neighbours keep a blank column between them; labels are
    thinned further (every year, 2, 5, 10, 25… years; every month, 2, 3, 6 months) so they never
    overlap nor run past the right edge. Months are labelled ``Jan``..``Dec`` when there is room,
    otherwise ``01``..``12``. Deterministic: the same scale always gives the same ticks."""
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
    result.sort(key=lambda t: (t.column, not t.major))
    return result


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
        # Months are checked against each other only: one that would touch a year label just
        # goes without its label below, rather than forcing a coarser step on all the others.
        placed: list[tuple[int, int]] = []
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
    """Where an event is drawn in time; the rules are in the module docstring."""
    first = event.date
    approx_start = first.precision is not Precision.DAY
    if event.end_date is not None:
        last = event.end_date
        return Span(
            first.start, last.end, Kind.BAR, approx_start, last.precision is not Precision.DAY
        )
    if event.action.lasting and event.state in (Status.ONGOING, Status.UNKNOWN):
        kind = Kind.OPEN if event.state is Status.ONGOING else Kind.UNKNOWN
        return Span(first.start, max(today, first.end), kind, approx_start, False)
    return Span(first.start, first.end, Kind.MARKER, approx_start, approx_start)


# ---------------------------------------------------------------------------------------------
# Lanes


class Lane(NamedTuple):
    key: str  # casefolded platform, country code or action value; "" for "(none)"
    label: str  # for display, already cleaned of control characters
    short: str  # a narrower label: the country code alone; otherwise the label
    events: tuple[int, ...]  # indexes into the events given, in their order


def _lane_keys(event: Event, by: LaneBy) -> list[tuple[str, str, str]]:
    if by == "platform":
        if not event.platforms:
            return [("", NO_PLATFORM, NO_PLATFORM)]
        return [(p.casefold(), clean(p), clean(p)) for p in event.platforms]
    if by == "country":
        name = country_name(event.country)
        code = clean(event.country)
        return [(event.country, f"{code} {name}" if name else code, code)]
    if by == "action":
        return [(event.action.value, event.action.label, event.action.label)]
    raise ValueError(f"unknown lane kind {by!r}: use platform, country or action")


def lanes(events: Sequence[Event], by: LaneBy = "platform") -> list[Lane]:
    """One lane per platform, country or action; see the module docstring for the order."""
    found: dict[str, tuple[str, str, list[int]]] = {}
    for index, event in enumerate(events):
        for key, label, short in _lane_keys(event, by):
            if key not in found:
                found[key] = (label, short, [])
            members = found[key][2]
            if not members or members[-1] != index:
                members.append(index)

    def order(key: str) -> tuple[tuple[int, int, int, str], str, str]:
        label, _, members = found[key]
        return (min(events[i].sort_key for i in members), label.casefold(), key)

    return [
        Lane(key, found[key][0], found[key][1], tuple(found[key][2]))
        for key in sorted(found, key=order)
    ]


# ---------------------------------------------------------------------------------------------
# Stacking


class Item(NamedTuple):
    """One event placed in one lane. Columns are clamped to ``0..width-1``."""

    index: int  # into the events given to ``layout``
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
    rows: tuple[tuple[Item, ...], ...]  # at least one row, even when empty
    hidden_left: int  # items of this lane entirely before the window
    hidden_right: int  # ... and entirely after it


def _place(index: int, event: Event, s: Span, scale: Scale) -> Item | None:
    width = scale.width
    first = scale.column(s.start)
    # A one-day marker is one glyph, even when a day spans several columns.
    one_glyph = s.kind is Kind.MARKER and not s.approximate_start
    last = first if one_glyph else scale.last_column(s.end)
    if last < 0 or first >= width:
        return None
    # Dotted stretches for partial dates, clamped to the pane; -1 when entirely off-screen.
    fuzzy_start = fuzzy_end = -1
    if s.approximate_start and s.kind is not Kind.MARKER:
        raw = scale.last_column(event.date.end)
        fuzzy_start = min(raw, width - 1) if raw >= 0 else -1
    if s.approximate_end and s.kind is Kind.BAR and event.end_date is not None:
        raw = scale.column(event.end_date.start)
        fuzzy_end = max(raw, 0) if raw < width else -1
    return Item(
        index=index,
        event_id=event.id,
        row=-1,
        col_start=max(first, 0),
        col_end=min(last, width - 1),
        kind=s.kind,
        approximate_start=s.approximate_start,
        approximate_end=s.approximate_end,
        clipped_left=first < 0,
        clipped_right=last > width - 1,
        start=s.start,
        end=s.end,
        fuzzy_start_end=fuzzy_start,
        fuzzy_end_start=fuzzy_end,
    )


def layout(events: Sequence[Event], scale: Scale, by: LaneBy, today: date) -> list[LaneLayout]:
    """Lanes with their items stacked into rows so that none overlaps or touches another."""
    spans = [span(e, today) for e in events]
    result: list[LaneLayout] = []
    for lane in lanes(events, by):
        members = sorted(
            lane.events, key=lambda i: (spans[i].start, spans[i].end, events[i].sort_key)
        )
        rows: list[list[Item]] = []
        # First-fit in O(n log n): items come in column order, so a row whose last item ends
        # more than one column before this start stays free for every later item too.
        busy: list[tuple[int, int]] = []  # (last column used, row)
        free: list[int] = []  # rows that can take the current item; lowest first
        hidden_left = hidden_right = 0
        for index in members:
            placed = _place(index, events[index], spans[index], scale)
            if placed is None:
                if spans[index].end < scale.start:
                    hidden_left += 1
                else:
                    hidden_right += 1
                continue
            while busy and busy[0][0] + 1 < placed.col_start:
                heapq.heappush(free, heapq.heappop(busy)[1])
            if free:
                row_number = heapq.heappop(free)
            else:
                row_number = len(rows)
                rows.append([])
            rows[row_number].append(placed._replace(row=row_number))
            heapq.heappush(busy, (placed.col_end, row_number))
        result.append(
            LaneLayout(lane, tuple(tuple(r) for r in rows) or ((),), hidden_left, hidden_right)
        )
    return result


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
    index: int | None  # the event drawn here, for colours and mouse clicks


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
                cells[col] = Cell(char, style_all or style, item.index)
    return cells


def row_text(cells: Sequence[Cell]) -> str:
    return "".join(c.char for c in cells)


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
        for row in lane_layout.rows:
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


def _lane_step(
    layouts: Sequence[LaneLayout], lane: int, current: str | None, step: int
) -> tuple[int, str] | None:
    here = find(layouts, current, lane) if current is not None else None
    if here is None and current is not None:
        here = find(layouts, current)
    index = lane + step
    while 0 <= index < len(layouts):
        items = [i for row in layouts[index].rows for i in row]
        if items:
            if here is None:
                best = min(items, key=lambda i: (i.start, i.row, i.index))
            else:
                lo, hi = here.start.toordinal(), here.end.toordinal()
                best = min(
                    items,
                    key=lambda i: (
                        _distance(i, lo, hi),
                        abs(i.start.toordinal() - lo),
                        i.row,
                        i.index,
                    ),
                )
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
    "Scale",
    "Span",
    "Tick",
    "axis_lines",
    "caption",
    "find",
    "fit",
    "lane_above",
    "lane_below",
    "lanes",
    "layout",
    "neighbour_in_time",
    "render_row",
    "row_text",
    "runs",
    "span",
    "ticks",
]
