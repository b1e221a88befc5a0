"""The time axis: tick marks and their labels for a scale, drawn as two lines of text."""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from datetime import date
from typing import NamedTuple

from tui.core.time.scale import DAYS_PER_MONTH, DAYS_PER_YEAR, Scale


class Tick(NamedTuple):
    column: int
    label: str  # empty: a tick mark without a label
    major: bool  # years are major, months minor


YEAR_STEPS = (1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000)
MONTH_NAMES = tuple(calendar.month_abbr[m] for m in range(1, 13))


def _labels_fit(placed: list[tuple[int, int]], col: int, length: int, gap: int = 1) -> bool:
    """True when ``[col, col+length)`` keeps ``gap`` blank columns from every placed label."""
    return all(col + length + gap - 1 < a or col > b + gap for a, b in placed)


def _all_fit(labels: list[tuple[int, int]], placed: list[tuple[int, int]], width: int) -> bool:
    """Whether labels ``(column, length)``, left to right, keep apart from each other and from
    ``placed``; one that would run past ``width`` is left out, not counted against the step."""
    taken = list(placed)
    for col, length in labels:
        if col + length > width:
            continue
        if not _labels_fit(taken, col, length):
            return False
        taken.append((col, col + length - 1))
    return True


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
        wanted = [(col, len(str(day))) for day, col in days if _on_step(day, step)]
        if _all_fit(wanted, [], scale.width):
            chosen = step
            break
    out: list[Tick] = []
    placed: list[tuple[int, int]] = []
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
        length = 3 if style == "name" else 2
        wanted = [(col, length) for month, col in months if (month - 1) % step == 0]
        if _all_fit(wanted, year_labels, width=scale.width):
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
