"""The timeline view's axis at every zoom level (issue #13), without Textual.

The view zooms by a factor of two from a fitted window down to a week (``MIN_DAYS``); every
level must draw labels a reader can place in time, and month labels must be regular.
"""

from __future__ import annotations

from datetime import date, timedelta
from itertools import pairwise

import pytest
from plain_time import assert_labels_never_touch

from tui.core.time.axis import MONTH_NAMES, Tick, axis_lines, ticks
from tui.core.time.scale import MIN_DAYS, Scale

ZOOM_STEP = 2.0  # tui.app.widgets.timeline_view.ZOOM_STEP (the core does not import the app)
AROUND = date(2018, 4, 16)
# Pane widths: an 80-column terminal leaves the axis about 60, 120 about 100, 160 about 140.
WIDTHS = (40, 60, 100, 140)


def zoom_levels(width: int, around: date = AROUND) -> list[Scale]:
    """From a twelve-year window to the deepest zoom, as `+` steps through them in the view."""
    scale = Scale(date(2014, 12, 1), date(2026, 12, 31), width)
    levels = [scale]
    while scale.days > MIN_DAYS:
        scale = scale.zoom(ZOOM_STEP, around)
        levels.append(scale)
    return levels


def test_the_view_zoom_step_is_the_one_tested() -> None:
    from tui.app.widgets.timeline_view import ZOOM_STEP as VIEW_STEP

    assert VIEW_STEP == ZOOM_STEP


ALL_LEVELS = [
    pytest.param(scale, id=f"w{width}-level{n}-{scale.days}d")
    for width in WIDTHS
    for n, scale in enumerate(zoom_levels(width))
]


def month_of(scale: Scale, tick: Tick) -> int:
    """The month whose first day a (month) tick's column shows."""
    day = scale.date_at(tick.column)
    while day.day != 1:
        day += timedelta(days=1)
    return day.month


def labels(scale: Scale) -> list[tuple[int, str]]:
    return [(t.column, t.label) for t in ticks(scale) if t.label]


@pytest.mark.parametrize("scale", ALL_LEVELS)
def test_every_zoom_level_has_labels_that_never_touch(scale: Scale) -> None:
    assert labels(scale), axis_lines(scale)[0]
    assert_labels_never_touch(scale)
    line, rule = axis_lines(scale)
    assert len(line) == len(rule) == scale.width


@pytest.mark.parametrize("scale", ALL_LEVELS)
def test_every_zoom_level_says_the_year(scale: Scale) -> None:
    shown = " ".join(label for _, label in labels(scale))
    years = {str(y) for y in range(scale.start.year, scale.end.year + 1)}
    assert any(year in shown.split() for year in years), axis_lines(scale)[0]


@pytest.mark.parametrize("scale", ALL_LEVELS)
def test_month_labels_are_regular_when_the_year_is_labelled(scale: Scale) -> None:
    """No month is left out of the step its neighbours follow (February, beside the year)."""
    all_ticks = ticks(scale)
    if not any(t.major and t.label for t in all_ticks):
        return  # the first label then says the year, and may cover a month's
    month_ticks = [t for t in all_ticks if not t.major and _is_month(scale, t)]
    named = [month_of(scale, t) for t in month_ticks if t.label]
    if not named:
        return
    # The step: the least gap between labelled months in a row (January is the year's tick).
    gaps = [(b - a) % 12 or 12 for a, b in pairwise(named)]
    step = min(gaps, default=12)
    for tick in month_ticks:
        month = month_of(scale, tick)
        if (month - named[0]) % step == 0 and tick.column + 3 <= scale.width:
            assert tick.label, (MONTH_NAMES[month - 1], axis_lines(scale)[0])


def _is_month(scale: Scale, tick: Tick) -> bool:
    """A minor tick on the first of a month (not a day's tick)."""
    first = scale.date_at(tick.column)
    last = scale.date_at(tick.column + 1) - timedelta(days=1)
    day = first
    while day <= last:
        if day.day == 1:
            return True
        day += timedelta(days=1)
    return False


@pytest.mark.parametrize("width", WIDTHS)
def test_the_deepest_levels_label_days(width: int) -> None:
    deepest = zoom_levels(width)[-2:]
    for scale in deepest:
        assert scale.days <= 2 * MIN_DAYS
        days = [t for t in ticks(scale) if not t.major and t.label]
        assert len(days) >= 2, axis_lines(scale)[0]
        first = days[0]
        assert first.label.endswith(f"Apr {AROUND.year}") or first.label.endswith("Apr")


def test_february_is_not_left_out_beside_the_year() -> None:
    # 140 columns for three years used to draw "2018    03  04 …": every month but February,
    # which gave way to the year's label. Now every other month, regularly.
    three_years = Scale(date(2017, 6, 1), date(2020, 6, 1), 140)
    assert axis_lines(three_years)[0].split() == [
        "Jul", "Sep", "Nov", "2018", "Mar", "May", "Jul", "Sep", "Nov",
        "2019", "Mar", "May", "Jul", "Sep", "Nov", "2020", "Mar", "May",
    ]  # fmt: skip
    # With room for every month, February is there.
    wider = Scale(date(2017, 6, 1), date(2020, 6, 1), 200)
    assert "2018 Feb  Mar" in axis_lines(wider)[0]
    year = Scale(date(2018, 1, 1), date(2018, 12, 31), 80)
    assert axis_lines(year)[0].split() == ["2018", *MONTH_NAMES[1:]]


def test_a_week_reads_as_days_of_a_month_and_year() -> None:
    scale = Scale(date(2018, 4, 13), date(2018, 4, 19), 100)
    line = axis_lines(scale)[0]
    assert line.startswith("13 Apr 2018")
    assert line.split()[3:] == ["14", "15", "16", "17", "18", "19"]


def test_a_day_next_to_a_month_name_keeps_two_columns_away() -> None:
    """ "30 May" would read as a date: a day's number before a month's name keeps apart."""
    for scale in [s for width in WIDTHS for s in zoom_levels(width)]:
        placed = labels(scale)
        for (col, label), (next_col, next_label) in pairwise(placed):
            if label.isdigit() and len(label) <= 2 and next_label[:3] in MONTH_NAMES:
                assert next_col - (col + len(label)) >= 2, axis_lines(scale)[0]
