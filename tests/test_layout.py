"""The timeline layout, without Textual: scale, ticks, lanes, spans, stacking, rendering."""

from __future__ import annotations

import heapq
import os
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta
from itertools import pairwise
from typing import Any, ClassVar

import pytest
from builders import ev
from hypothesis import given, settings
from hypothesis import strategies as st
from plain_time import assert_labels_never_touch, fit

import tui.core.time.place as place_module
from tui.core import tuning
from tui.core.text.sanitize import clean
from tui.core.time.axis import YEAR_STEPS, axis_lines, ticks
from tui.core.time.draw import ASCII, UNICODE, Cell, render_row, runs
from tui.core.time.lanes import Lane
from tui.core.time.navigate import find, lane_above, lane_below, neighbour_in_time
from tui.core.time.place import LayoutCache
from tui.core.time.scale import Scale
from tui.core.time.spans import Kind, span
from tui.core.time.stack import Item, LaneLayout
from tui.core.timeline.countries import country_name
from tui.core.timeline.event import Action, Event, Status

TODAY = date(2026, 5, 1)


def lanes(events: list[Event], by: Any = "platform") -> list[Lane]:
    return LayoutCache().prepare(events, by, TODAY).lanes  # lanes do not depend on today


def layout(events: list[Event], scale: Scale, by: Any, today: date) -> list[LaneLayout]:
    """Lanes with their items stacked into rows (what ``LayoutCache.layout`` places)."""
    return LayoutCache().prepare(events, by, today).place(scale).lanes


def last_column(scale: Scale, day: date) -> int:
    """The last column that shows ``day``: wider than one column when zoomed in."""
    return max(scale.column(day), scale.column_of(day.toordinal() + 1) - 1)


def row_text(cells: list[Cell]) -> str:
    return "".join(c.char for c in cells)


def all_items(layouts: list[LaneLayout]) -> list[Item]:
    return [item for lane in layouts for row in lane.rows for item in row]


# --- Scale -----------------------------------------------------------------------------------


class TestScale:
    def test_column_and_back(self) -> None:
        scale = Scale(date(2020, 1, 1), date(2020, 12, 31), 366)  # one column per day
        assert scale.column(date(2020, 1, 1)) == 0
        assert scale.column(date(2020, 12, 31)) == 365
        assert scale.column(date(2019, 12, 31)) == -1
        assert scale.column(date(2021, 1, 1)) == 366
        for col in range(scale.width):
            assert scale.column(scale.date_at(col)) == col
        assert scale.date_at(59) == date(2020, 2, 29)

    def test_zoomed_out_columns_cover_many_days(self) -> None:
        scale = Scale(date(2010, 1, 1), date(2029, 12, 31), 80)
        for col in range(scale.width):
            first = scale.date_at(col)
            assert scale.column(first) == col
            assert scale.column(first - timedelta(days=1)) == col - 1
        assert scale.column(scale.end) == 79

    def test_zoomed_in_day_spans_several_columns(self) -> None:
        scale = Scale(date(2020, 1, 1), date(2020, 1, 10), 80)
        assert scale.column(date(2020, 1, 2)) == 8
        assert last_column(scale, date(2020, 1, 2)) == 15
        for day in range(10):
            d = date(2020, 1, 1) + timedelta(days=day)
            assert scale.date_at(scale.column(d)) == d

    @pytest.mark.parametrize("width", [1, 40, 80, 160, 1000])
    def test_extremes_never_overflow(self, width: int) -> None:
        whole = Scale(date.min, date.max, width)
        assert whole.column(date.min) == 0
        assert whole.column(date.max) == width - 1
        assert last_column(whole, date.max) == width - 1
        assert whole.date_at(0) == date.min
        assert whole.date_at(-(10**6)) == date.min
        assert whole.date_at(10**9) == date.max
        assert Scale(date.max, date.max, width).date_at(width + 5) == date.max
        assert Scale(date.min, date.min, width).date_at(-5) == date.min
        for edge in (Scale(date.max, date.max, width), Scale(date.min, date.min, width)):
            assert edge.column(edge.start) == 0
            assert last_column(edge, edge.end) == width - 1
            edge.zoom(4, edge.start)
            edge.zoom(0.25, edge.start)
            for shift in (10**6, -(10**6)):  # a window pushed past the calendar stops there
                moved = Scale.from_ordinals(edge.start.toordinal() + shift, edge.days, width)
                assert date.min <= moved.start <= moved.end <= date.max

    def test_invalid_scales_are_refused(self) -> None:
        with pytest.raises(ValueError):
            Scale(date(2020, 1, 2), date(2020, 1, 1), 80)
        with pytest.raises(ValueError):
            Scale(date(2020, 1, 1), date(2020, 1, 2), 0)
        with pytest.raises(ValueError):
            Scale(date(2020, 1, 1), date(2020, 1, 2), 10).zoom(0, date(2020, 1, 1))

    def test_zoom_keeps_the_date_at_its_column(self) -> None:
        scale = Scale(date(2000, 1, 1), date(2029, 12, 31), 80)
        around = date(2022, 3, 4)
        col = scale.column(around)
        zoomed = scale.zoom(4, around)
        assert zoomed.days == round(scale.days / 4)
        assert zoomed.column(around) == col
        back = zoomed.zoom(0.25, around)
        assert back.column(around) == col
        assert abs(back.days - scale.days) <= 2

    def test_zoom_stops_at_the_calendar_ends(self) -> None:
        near_end = Scale(date(9990, 1, 1), date(9999, 12, 31), 80)
        out = near_end.zoom(0.1, date(9999, 6, 1))
        assert out.end == date.max and out.days == round(near_end.days / 0.1)
        whole = Scale(date.min, date.max, 80).zoom(0.5, date(5000, 1, 1))
        assert (whole.start, whole.end) == (date.min, date.max)
        tiny = Scale(date(2020, 1, 1), date(2020, 1, 7), 80).zoom(100, date(2020, 1, 3))
        assert tiny.days == 7

    def test_zoom_around_an_offscreen_date_stays_sane(self) -> None:
        scale = Scale(date(2020, 1, 1), date(2020, 12, 31), 80)
        zoomed = scale.zoom(2, date(1900, 1, 1))
        assert zoomed.column(date(1900, 1, 1)) == 0

    def test_reveal(self) -> None:
        scale = Scale(date(2020, 1, 1), date(2020, 12, 31), 80)
        far = date(2024, 6, 1)
        revealed = scale.reveal(far)
        assert revealed.visible(far) and revealed.days == scale.days
        assert scale.reveal(date(2020, 6, 1)) == scale

    def test_fit_frames_every_event_with_a_margin(self) -> None:
        events = [
            ev("a", "2016-11-17", platforms=("LinkedIn",)),
            ev("b", "2018-04-16", end="2020-06-18"),
        ]
        scale = fit(events, 80, TODAY)
        assert scale.start < date(2016, 11, 17)
        assert scale.end > TODAY  # the LinkedIn block is ongoing: it runs to today
        assert 0 < scale.column(date(2016, 11, 17)) < 10
        assert 70 < last_column(scale, TODAY) < 79

    def test_fit_clamps_at_the_calendar_ends(self) -> None:
        events = [ev("a", "0001-01-01", "ruling"), ev("b", "9999-12-31", "ruling")]
        scale = fit(events, 80, TODAY)
        assert (scale.start, scale.end) == (date.min, date.max)
        assert fit([ev("c", "9999", "ruling")], 80, TODAY).end == date.max
        empty = fit([], 80, TODAY)
        assert empty.visible(TODAY)


# --- Ticks -----------------------------------------------------------------------------------


def labelled(scale: Scale, *, major: bool | None = None) -> list[tuple[int, str]]:
    return [
        (t.column, t.label) for t in ticks(scale) if t.label and (major is None or t.major is major)
    ]


class TestTicks:
    DECADE = Scale(date(2015, 7, 1), date(2026, 6, 30), 80)

    @pytest.mark.parametrize("width", [40, 80, 160])
    def test_year_labels_thin_with_width(self, width: int) -> None:
        scale = Scale(self.DECADE.start, self.DECADE.end, width)
        assert_labels_never_touch(scale)
        years = [int(label) for _, label in labelled(scale, major=True)]
        steps = {b - a for a, b in pairwise(years)}
        assert len(steps) == 1 and steps.pop() in YEAR_STEPS
        for tick in ticks(scale):
            if tick.label:
                assert tick.column == scale.column(date(int(tick.label), 1, 1))
        assert scale.column(date(2020, 1, 1)) in [t.column for t in ticks(scale) if t.major]

    def test_thinning_steps_at_40_80_160(self) -> None:
        def step(width: int) -> int:
            years = [
                int(lb) for _, lb in labelled(Scale(date(1950, 1, 1), date(2030, 1, 1), width))
            ]
            return years[1] - years[0]

        assert step(40) > step(80) > step(160)
        assert (step(40), step(80), step(160)) == (25, 10, 5)
        decade = [lb for _, lb in labelled(self.DECADE.resized(160))]
        assert decade == [str(y) for y in range(2016, 2027)]

    def test_month_ticks_appear_when_zoomed_in(self) -> None:
        assert not [t for t in ticks(self.DECADE) if not t.major]
        year = Scale(date(2021, 10, 1), date(2022, 9, 30), 80)
        months = [t for t in ticks(year) if not t.major]
        assert len(months) == 11  # January is the year tick
        assert [t.label for t in months][:3] == ["Oct", "Nov", "Dec"]
        assert "2022" in [t.label for t in ticks(year) if t.major]
        assert_labels_never_touch(year)

    def test_month_labels_thin_and_fall_back_to_numbers(self) -> None:
        tight = Scale(date(2020, 1, 1), date(2022, 12, 31), 80)
        months = [t.label for t in ticks(tight) if not t.major and t.label]
        # Every third month: every other one would crowd March against the year's label, and a
        # step that leaves out a month it promises is not used (issue #13: "2021 03 04 …").
        assert months == ["Apr", "Jul", "Oct"] * 3
        assert_labels_never_touch(tight)
        every_other = Scale(date(2021, 1, 1), date(2021, 12, 31), 40)
        assert [t.label for t in ticks(every_other) if not t.major] == [
            "", "Mar", "", "May", "", "Jul", "", "Sep", "", "Nov", "",
        ]  # fmt: skip
        # Numbers where names do not fit; with no year label in view, the first label says the
        # year and the ones it covers go.
        numbers = Scale(date(2021, 2, 1), date(2021, 12, 31), 36)
        assert [t.label for t in ticks(numbers) if not t.major] == [
            "Feb 2021", "", "", "", *(f"{m:02d}" for m in range(6, 13)),
        ]  # fmt: skip
        roomy = Scale(date(2022, 1, 1), date(2022, 12, 31), 160)
        assert [t.label for t in ticks(roomy) if not t.major][:2] == ["Feb", "Mar"]

    @pytest.mark.parametrize("width", [1, 5, 40, 80, 160])
    def test_extreme_windows(self, width: int) -> None:
        for scale in (
            Scale(date.min, date.max, width),
            Scale(date(9999, 1, 1), date.max, width),
            Scale(date.min, date(1, 12, 31), width),
            Scale(date(9999, 12, 25), date.max, width),
        ):
            assert_labels_never_touch(scale)
            assert all(0 <= t.column < width for t in ticks(scale))
        whole = [lb for _, lb in labelled(Scale(date.min, date.max, 80))]
        assert whole == [f"{y}000" for y in range(1, 10)]
        assert [lb for _, lb in labelled(Scale(date.min, date.max, 40))] == ["2500", "5000", "7500"]

    def test_deterministic(self) -> None:
        assert ticks(self.DECADE) == ticks(Scale(self.DECADE.start, self.DECADE.end, 80))

    def test_axis_lines(self) -> None:
        labels, rule = axis_lines(self.DECADE)
        assert len(labels) == len(rule) == 80
        assert "2020" in labels and "┼" in rule
        labels, rule = axis_lines(self.DECADE, ascii=True)
        assert rule.isascii() and "|" in rule


# --- Lanes -----------------------------------------------------------------------------------


class TestLanes:
    def test_by_platform_merges_case_and_splits_multi_platform_events(self) -> None:
        events = [
            ev("a", "2018-04-16", platforms=("Telegram",)),
            ev("b", "2019-01-01", platforms=("telegram", "WhatsApp")),
            ev("c", "2017-01-01", "law", platforms=()),
            ev("d", "2016-01-01", platforms=("Zoom",)),
        ]
        result = lanes(events, "platform")
        assert [(lane.label, lane.events) for lane in result] == [
            ("Zoom", (3,)),
            ("(none)", (2,)),
            ("Telegram", (0, 1)),
            ("WhatsApp", (1,)),
        ]
        assert result[2].key == "telegram" and result[1].key == ""

    def test_same_first_date_orders_by_label(self) -> None:
        events = [ev("a", "2020-01-01", platforms=("b-side", "Alpha"))]
        assert [lane.label for lane in lanes(events)] == ["Alpha", "b-side"]

    def test_by_country(self) -> None:
        events = [ev("a", "2020-01-01", country="RU"), ev("b", "2015-01-01", country="BR")]
        result = lanes(events, "country")
        assert [(lane.label, lane.short) for lane in result] == [
            ("BR Brazil", "BR"),
            ("RU Russian Federation", "RU"),
        ]

    def test_by_action(self) -> None:
        events = [ev("a", "2020-01-01", "throttle"), ev("b", "2020-02-01", "block")]
        result = lanes(events, "action")
        assert [lane.label for lane in result] == [Action.THROTTLE.label, Action.BLOCK.label]

    def test_labels_are_cleaned(self) -> None:
        # The loader rejects control characters; the label is cleaned anyway, in depth.
        unchecked = ev("a", "2020-01-01")._replace(platforms=("Evil\x1b[31m",))
        events = [unchecked]
        assert lanes(events)[0].label == "Evil\\x1b[31m"

    def test_unknown_grouping_is_refused(self) -> None:
        with pytest.raises(ValueError):
            lanes([ev("a", "2020")], "colour")  # type: ignore[arg-type]


# --- Spans -----------------------------------------------------------------------------------


class TestSpans:
    def test_kinds(self) -> None:
        assert span(ev("a", "2022-03-04", "ruling"), TODAY) == (
            date(2022, 3, 4),
            date(2022, 3, 4),
            Kind.MARKER,
            False,
            False,
        )
        bar = span(ev("b", "2018-04-16", end="2020-06-18"), TODAY)
        assert (bar.start, bar.end, bar.kind) == (date(2018, 4, 16), date(2020, 6, 18), Kind.BAR)
        open_ = span(ev("c", "2016-11-17"), TODAY)
        assert (open_.end, open_.kind) == (TODAY, Kind.OPEN)
        unknown = span(ev("d", "2021-03-10", "throttle", status="unknown"), TODAY)
        assert (unknown.end, unknown.kind) == (TODAY, Kind.UNKNOWN)
        ended = span(ev("e", "2021-03-10", "throttle", status="ended"), TODAY)
        assert ended.kind is Kind.MARKER
        # The status decides, not the action: a lawsuit still pending runs on (docs/format.md,
        # "Span"); a one-off without a status is ended, a marker.
        lawsuit = span(ev("f", "2021-03-10", "lawsuit", status="ongoing"), TODAY)
        assert (lawsuit.end, lawsuit.kind) == (TODAY, Kind.OPEN)
        assert span(ev("g", "2021-03-10", "lawsuit"), TODAY).kind is Kind.MARKER

    def test_partial_dates_cover_their_whole_period(self) -> None:
        month = span(ev("a", "2018-04", "ruling"), TODAY)
        assert month == (date(2018, 4, 1), date(2018, 4, 30), Kind.MARKER, True, True)
        year = span(ev("b", "2018", end="2020-06"), TODAY)
        assert year == (date(2018, 1, 1), date(2020, 6, 30), Kind.BAR, True, True)
        start_only = span(ev("c", "2018", end="2020-06-18"), TODAY)
        assert (start_only.approximate_start, start_only.approximate_end) == (True, False)

    def test_open_span_in_the_future_covers_its_own_date(self) -> None:
        future = span(ev("a", "2030-02"), TODAY)
        assert (future.start, future.end, future.kind) == (
            date(2030, 2, 1),
            date(2030, 2, 28),
            Kind.OPEN,
        )


# --- Layout and stacking -----------------------------------------------------------------------


class TestLayout:
    SCALE = Scale(date(2015, 1, 1), date(2026, 12, 31), 80)

    def test_three_overlapping_bars_take_three_rows(self) -> None:
        events = [
            ev("a", "2018-01-01", end="2020-01-01"),
            ev("b", "2019-01-01", end="2021-01-01"),
            ev("c", "2019-06-01", end="2019-07-01"),
        ]
        (lane,) = layout(events, self.SCALE, "platform", TODAY)
        assert [[item.event_id for item in row] for row in lane.rows] == [["a"], ["b"], ["c"]]

    def test_disjoint_bars_share_one_row(self) -> None:
        events = [
            ev("a", "2016-01-01", end="2017-01-01"),
            ev("b", "2018-01-01", end="2019-01-01"),
            ev("c", "2020-01-01", "ruling"),
        ]
        (lane,) = layout(events, self.SCALE, "platform", TODAY)
        assert len(lane.rows) == 1 and [i.event_id for i in lane.rows[0]] == ["a", "b", "c"]

    def test_markers_one_column_apart_still_stack(self) -> None:
        # Adjacent columns would read as one glyph pair: a blank column is required.
        first = ev("a", "2020-01-01", "ruling")
        day = self.SCALE.date_at(self.SCALE.column(date(2020, 1, 1)) + 1)
        second = ev("b", day.isoformat(), "ruling")
        third = ev("c", self.SCALE.date_at(self.SCALE.column(day) + 2).isoformat(), "ruling")
        (lane,) = layout([first, second, third], self.SCALE, "platform", TODAY)
        assert [[i.event_id for i in row] for row in lane.rows] == [["a", "c"], ["b"]]

    def test_same_event_in_several_lanes(self) -> None:
        events = [ev("a", "2020-01-01", platforms=("Facebook", "Instagram"))]
        result = layout(events, self.SCALE, "platform", TODAY)
        assert [lane.lane.label for lane in result] == ["Facebook", "Instagram"]
        assert all(lane.rows[0][0].event_id == "a" for lane in result)

    def test_partial_marker_drawn_over_its_month(self) -> None:
        scale = Scale(date(2018, 1, 1), date(2018, 12, 31), 365)
        (lane,) = layout([ev("a", "2018-04", "ruling")], scale, "platform", TODAY)
        item = lane.rows[0][0]
        assert (item.col_start, item.col_end) == (
            scale.column(date(2018, 4, 1)),
            scale.column(date(2018, 4, 30)),
        )
        assert item.approximate_start and item.approximate_end
        text = row_text(render_row(lane.rows[0], 365)).strip()
        assert len(text) == 30 and text.count("◆") == 1 and set(text) == {"┄", "◆"}

    def test_partial_start_and_end_are_dotted(self) -> None:
        scale = Scale(date(2017, 1, 1), date(2021, 12, 31), 60)  # a month per column
        (lane,) = layout([ev("a", "2018", end="2020-06")], scale, "platform", TODAY)
        item = lane.rows[0][0]
        assert item.col_start == scale.column(date(2018, 1, 1))
        assert item.col_end == last_column(scale, date(2020, 6, 30))
        text = row_text(render_row(lane.rows[0], 60)).strip()
        year_cols = last_column(scale, date(2018, 12, 31)) - item.col_start + 1
        june_cols = item.col_end - scale.column(date(2020, 6, 1)) + 1
        assert year_cols >= 12 and june_cols >= 1
        assert text == "┄" * year_cols + "━" * (len(text) - year_cols - june_cols) + "┄" * june_cols
        assert "┣" not in text and "┫" not in text

    def test_open_span_runs_to_today_and_ends_in_an_arrow(self) -> None:
        (lane,) = layout([ev("a", "2016-11-17")], self.SCALE, "platform", TODAY)
        item = lane.rows[0][0]
        assert item.kind is Kind.OPEN and item.col_end == last_column(self.SCALE, TODAY)
        cells = render_row(lane.rows[0], 80)
        assert cells[item.col_start].char == "┣" and cells[item.col_end].char == "▶"
        assert cells[item.col_end + 1].char == " "
        unknown = [ev("b", "2021-03-10", "throttle", status="unknown")]
        (lane,) = layout(unknown, self.SCALE, "platform", TODAY)
        assert row_text(render_row(lane.rows[0], 80)).rstrip().endswith("━?")

    def test_clipping_and_hidden_counts(self) -> None:
        scale = Scale(date(2019, 1, 1), date(2019, 12, 31), 40)
        events = [
            ev("before", "2010-01-01", "ruling"),
            ev("left", "2018-01-01", end="2019-06-01"),
            ev("right", "2019-09-01", end="2021-01-01"),
            ev("both", "2018-01-01", end="2021-01-01"),
            ev("after", "2022-01-01", "ruling"),
        ]
        (lane,) = layout(events, scale, "platform", TODAY)
        by_id = {i.event_id: i for i in all_items([lane])}
        assert set(by_id) == {"left", "right", "both"}
        assert (lane.hidden_left, lane.hidden_right) == (1, 1)
        assert by_id["left"].clipped_left and not by_id["left"].clipped_right
        assert by_id["left"].col_start == 0
        assert by_id["right"].clipped_right and by_id["right"].col_end == 39
        assert by_id["both"].clipped_left and by_id["both"].clipped_right
        text = row_text(render_row([by_id["both"]], 40))
        assert text == "◀" + "━" * 38 + "▶"
        ascii_text = row_text(render_row([by_id["left"]], 40, ascii=True))
        assert ascii_text.startswith("<===") and ascii_text.rstrip().endswith("=]")

    def test_render_styles_and_selection(self) -> None:
        events = [ev("a", "2016-01-01", end="2017-01-01"), ev("b", "2020-01-01", "ruling")]
        (lane,) = layout(events, self.SCALE, "platform", TODAY)
        cells = render_row(lane.rows[0], 80, selected="b")
        a, b = lane.rows[0]
        assert {cells[c].style for c in range(a.col_start, a.col_end + 1)} == {"bar"}
        assert cells[b.col_start] == ("◆", "selected", 1)
        assert cells[0] == (" ", "", None)
        assert "".join(text for text, _ in runs(cells)) == row_text(cells)
        plain = row_text(render_row(lane.rows[0], 80, ascii=True))
        assert plain.isascii() and "[" in plain and "]" in plain and "*" in plain

    def test_glyph_sets_are_single_cells(self) -> None:
        for glyphs in (UNICODE, ASCII):
            assert all(len(g) == 1 for g in glyphs)
        assert all(g.isascii() for g in ASCII)

    def test_one_column_items(self) -> None:
        scale = Scale(date(1900, 1, 1), date(2100, 1, 1), 20)
        events = [
            ev("bar", "2000-03-01", end="2000-04-01", platforms=("A",)),
            ev("open", "2025-01-01", platforms=("B",)),
            ev("unknown", "2025-01-01", "throttle", platforms=("C",), status="unknown"),
        ]
        chars = {
            lane.lane.label: row_text(render_row(lane.rows[0], 20)).strip()
            for lane in layout(events, scale, "platform", date(2025, 1, 2))
        }
        assert chars == {"A": "┃", "B": "▶", "C": "?"}


# --- Navigation ------------------------------------------------------------------------------


class TestNavigation:
    def test_neighbour_in_time(self) -> None:
        order = ["a", "b", "c"]
        assert neighbour_in_time(order, "b", +1) == "c"
        assert neighbour_in_time(order, "b", -1) == "a"
        assert neighbour_in_time(order, "c", +1) == "c"
        assert neighbour_in_time(order, "a", -1) == "a"
        assert neighbour_in_time(order, None, +1) == "a"
        assert neighbour_in_time(order, "gone", -1) == "c"
        assert neighbour_in_time([], "a", 1) is None

    def test_lane_above_and_below_pick_the_nearest_in_time(self) -> None:
        events = [
            ev("t1", "2016-01-01", "ruling", platforms=("Telegram",)),
            ev("t2", "2022-01-01", "ruling", platforms=("Telegram",)),
            ev("x", "2017-01-01", "ruling", platforms=("Empty",)),
            ev("w1", "2018-01-01", "ruling", platforms=("WhatsApp",)),
            ev("w2", "2021-06-01", "ruling", platforms=("WhatsApp",)),
        ]
        scale = Scale(date(2018, 1, 1), date(2026, 1, 1), 80)  # "t1" and "x" are off-screen
        layouts = layout(events, scale, "platform", TODAY)
        labels = [lane.lane.label for lane in layouts]
        assert labels == ["Telegram", "Empty", "WhatsApp"]
        assert lane_below(layouts, 0, "t2") == (2, "w2")  # skips the empty-looking lane
        assert lane_above(layouts, 2, "w1") == (0, "t2")
        assert lane_above(layouts, 0, "t2") is None
        assert lane_below(layouts, 2, "w1") is None
        assert lane_below(layouts, 0, None) == (2, "w1")
        assert find(layouts, "w2") is not None and find(layouts, "t1") is None


# --- Properties ------------------------------------------------------------------------------

ACTIONS = [a.value for a in Action]
PLATFORMS = ["Telegram", "telegram", "WhatsApp", "X", "Meta"]


@st.composite
def partial(draw: st.DrawFn, low: date = date.min) -> str:
    day = draw(st.dates(min_value=low, max_value=date.max))
    precision = draw(st.sampled_from(["day", "month", "year"]))
    if precision == "year":
        return f"{day.year:04d}"
    if precision == "month":
        return f"{day.year:04d}-{day.month:02d}"
    return day.isoformat()


# Strategies that do not depend on earlier draws are built once: hypothesis validates every new
# strategy object, which cost more than the draws themselves (the draws stay the same).
_PARTIAL = partial()
_STATUS_OPEN = st.sampled_from([None, "ended", "unknown", "ongoing"])
_STATUS_ENDED = st.sampled_from([None, "ended", "unknown"])
_PLATFORM_LISTS = st.lists(st.sampled_from(PLATFORMS), max_size=2, unique_by=str.casefold)
_ACTION = st.sampled_from(ACTIONS)


@st.composite
def events(draw: st.DrawFn) -> list[Event]:
    out = []
    for n in range(draw(st.integers(0, 8))):
        start = draw(_PARTIAL)
        end = draw(st.none() | partial(low=date(int(start[:4]), 1, 1)))
        if end is not None and end < start[: len(end)]:
            end = None
        status = draw(_STATUS_ENDED if end else _STATUS_OPEN)
        platforms = draw(_PLATFORM_LISTS)
        out.append(
            ev(
                f"e{n}",
                start,
                draw(_ACTION),
                tuple(platforms),
                end=end,
                status=status,
            )
        )
    return out


@st.composite
def scales(draw: st.DrawFn) -> Scale:
    first = draw(st.dates())
    last = draw(st.dates(min_value=first))
    return Scale(first, last, draw(st.integers(1, 300)))


@settings(max_examples=80, deadline=None)
@given(events(), scales(), st.sampled_from(["platform", "country", "action"]), st.dates())
def test_layout_never_raises_and_never_overlaps(
    evs: list[Event], scale: Scale, by: Any, today: date
) -> None:
    layouts = layout(evs, scale, by, today)
    for lane in layouts:
        assert lane.rows
        for number, row in enumerate(lane.rows):
            for item in row:
                assert item.row == number
                assert 0 <= item.col_start <= item.col_end < scale.width
            for left, right in pairwise(row):
                assert left.col_end + 1 < right.col_start
            # First-fit: every lower row was blocked by an earlier item when this one came.
            for item in row:
                for lower in lane.rows[:number]:
                    assert any(j.col_start <= item.col_start <= j.col_end + 1 for j in lower), (
                        item,
                        lower,
                    )
            cells = render_row(row, scale.width, selected=row[0].event_id if row else None)
            assert len(cells) == scale.width
            assert all(len(c.char) == 1 for c in cells)
        shown = sum(len(row) for row in lane.rows)
        assert shown + lane.hidden_left + lane.hidden_right == len(lane.lane.events)
    assert_labels_never_touch(scale)


@settings(max_examples=100, deadline=None)
@given(scales(), st.floats(0.01, 100), st.dates(), st.integers(-(10**7), 10**7))
def test_scale_operations_never_raise(scale: Scale, factor: float, around: date, cols: int) -> None:
    zoomed = scale.zoom(factor, around)
    assert zoomed.width == scale.width and zoomed.start <= zoomed.end
    inside = date.min < zoomed.start and zoomed.end < date.max
    if zoomed.days >= zoomed.width and 0 <= scale.column(around) < scale.width and inside:
        assert zoomed.column(around) == scale.column(around)
    Scale.from_ordinals(scale.start.toordinal() + cols, scale.days, scale.width)
    scale.reveal(around)
    day = scale.date_at(cols)
    if 0 <= cols < scale.width:
        assert scale.column(day) >= cols and scale.column(day - timedelta(days=1)) < cols


def test_status_vocabulary_is_covered() -> None:
    # span() decides by status; a new status must get a deliberate drawing.
    assert {s.value for s in Status} == {"ongoing", "ended", "unknown"}


# --- The fast layout against the plain one ------------------------------------------------------
#
# ``layout`` places items per start column with list operations that run in C, builds rows and
# look-ups on demand and keeps the scale-independent work in ``LayoutCache``. The reference below
# is the straightforward algorithm it replaced: one item at a time, first-fit with a heap.


def reference_lanes(events: list[Event], by: Any) -> list[tuple[str, str, str, tuple[int, ...]]]:
    found: dict[str, tuple[str, str, list[int]]] = {}
    for index, event in enumerate(events):
        if by == "platform":
            keys = [(p.casefold(), clean(p), clean(p)) for p in event.platforms] or [
                ("", "(none)", "(none)")
            ]
        elif by == "country":
            name = country_name(event.country)
            code = clean(event.country)
            keys = [(event.country, f"{code} {name}" if name else code, code)]
        else:
            keys = [(event.action.value, event.action.label, event.action.label)]
        for key, label, short in keys:
            members = found.setdefault(key, (label, short, []))[2]
            if not members or members[-1] != index:
                members.append(index)

    def order(key: str) -> tuple[Any, ...]:
        label, _, members = found[key]
        return (min(events[i].sort_key for i in members), label.casefold(), key)

    return [(k, found[k][0], found[k][1], tuple(found[k][2])) for k in sorted(found, key=order)]


def reference_layout(events: list[Event], scale: Scale, by: Any, today: date) -> list[Any]:
    spans = [span(e, today) for e in events]
    width = scale.width
    result = []
    for lane in reference_lanes(events, by):
        members = sorted(lane[3], key=lambda i: (spans[i].start, spans[i].end, events[i].sort_key))
        rows: list[list[Item]] = []
        busy: list[tuple[int, int]] = []
        free: list[int] = []
        hidden_left = hidden_right = 0
        for index in members:
            s, event = spans[index], events[index]
            first = scale.column(s.start)
            one_glyph = s.kind is Kind.MARKER and not s.approximate_start
            last = first if one_glyph else last_column(scale, s.end)
            if last < 0 or first >= width:
                if s.end < scale.start:
                    hidden_left += 1
                else:
                    hidden_right += 1
                continue
            fuzzy_start = fuzzy_end = -1
            if s.approximate_start and s.kind is not Kind.MARKER:
                raw = last_column(scale, event.date.end)
                fuzzy_start = min(raw, width - 1) if raw >= 0 else -1
            if s.approximate_end and s.kind is Kind.BAR and event.end_date is not None:
                raw = scale.column(event.end_date.start)
                fuzzy_end = max(raw, 0) if raw < width else -1
            col_start, col_end = max(first, 0), min(last, width - 1)
            while busy and busy[0][0] + 1 < col_start:
                heapq.heappush(free, heapq.heappop(busy)[1])
            if free:
                row = heapq.heappop(free)
            else:
                row = len(rows)
                rows.append([])
            rows[row].append(
                Item(
                    index,
                    event.id,
                    row,
                    col_start,
                    col_end,
                    s.kind,
                    s.approximate_start,
                    s.approximate_end,
                    first < 0,
                    last > width - 1,
                    s.start,
                    s.end,
                    fuzzy_start,
                    fuzzy_end,
                )
            )
            heapq.heappush(busy, (col_end, row))
        result.append((lane, [list(r) for r in rows] or [[]], hidden_left, hidden_right))
    return result


def plain(layouts: list[LaneLayout]) -> list[Any]:
    return [
        (tuple(lane.lane), [list(row) for row in lane.rows], lane.hidden_left, lane.hidden_right)
        for lane in layouts
    ]


_DAY_OFFSET = st.integers(0, 3 * 365)
_PRECISION = st.sampled_from(["day"] * 6 + ["month", "year"])
_LENGTH = st.integers(0, 700)
_END_CHARS = st.sampled_from([10, 7])  # the end as a day or as its month
_COUNTRY = st.sampled_from(["RU", "BR", "IN"])
_ID_NUMBER = st.integers(0, 60)


@st.composite
def crowded(draw: st.DrawFn) -> list[Event]:
    """Up to 40 events within a few years: overlaps, shared days, partial dates, ties."""
    out = []
    for n in range(draw(st.integers(0, 40))):
        day = date(2019, 1, 1) + timedelta(days=draw(_DAY_OFFSET))
        precision = draw(_PRECISION)
        start = {"day": day.isoformat(), "month": day.isoformat()[:7], "year": str(day.year)}
        when = start[precision]
        end = None
        if draw(st.booleans()):
            last = day + timedelta(days=draw(_LENGTH))
            end = last.isoformat()[: draw(_END_CHARS)]
            if end < when[: len(end)]:
                end = None
        status = draw(_STATUS_ENDED if end else _STATUS_OPEN)
        platforms = draw(_PLATFORM_LISTS)
        action = draw(_ACTION)
        country = draw(_COUNTRY)
        # Ids not in date order: events with equal keys must still come in id order.
        out.append(
            ev(
                f"e{draw(_ID_NUMBER)}-{n}",
                when,
                action,
                tuple(platforms),
                end=end,
                status=status,
                country=country,
            )
        )
    if draw(st.booleans()):
        out.sort(key=lambda e: e.sort_key)  # a Timeline's order
    return out


@st.composite
def windows(draw: st.DrawFn) -> Scale:
    first = date(2018, 6, 1) + timedelta(days=draw(st.integers(0, 5 * 365)))
    days = draw(st.sampled_from([1, 2, 3, 7, 30, 200, 700, 3000, 400_000]))
    return Scale.from_ordinals(first.toordinal(), days, draw(st.integers(1, 200)))


# LAYOUT_EXAMPLES=4000 runs a deeper hunt; the default keeps the suite within its time budget.
@settings(max_examples=int(os.environ.get("LAYOUT_EXAMPLES", "100")), deadline=None)
@given(crowded(), windows(), st.sampled_from(["platform", "country", "action"]), st.dates())
def test_layout_equals_the_plain_algorithm(
    evs: list[Event], scale: Scale, by: Any, today: date
) -> None:
    today = date(2019, 1, 1) + timedelta(days=today.toordinal() % 2000)
    expected = reference_layout(evs, scale, by, today)
    assert plain(layout(evs, scale, by, today)) == expected
    assert [tuple(lane) for lane in lanes(evs, by)] == [lane[0] for lane in expected]


@settings(max_examples=int(os.environ.get("LAYOUT_EXAMPLES", "60")), deadline=None)
@given(crowded(), windows(), st.sampled_from(["platform", "country", "action"]))
def test_look_ups_and_navigation_agree_with_the_items(
    evs: list[Event], scale: Scale, by: Any
) -> None:
    placed = LayoutCache().layout(evs, scale, by, TODAY)
    # What the timeline widget used to build eagerly, item by item.
    rows, first_line, lines_of, lanes_of = [], [], {}, {}
    for lane_index, lane in enumerate(placed.lanes):
        first_line.append(len(rows))
        for row_index, row in enumerate(lane.rows):
            for item in row:
                if (lane_index, item.event_id) not in lines_of:
                    lines_of[lane_index, item.event_id] = len(rows)
                    lanes_of.setdefault(item.event_id, []).append(lane_index)
            rows.append((lane_index, row_index))
    assert list(placed.rows) == rows and len(placed.rows) == len(rows)
    assert placed.first_line == first_line
    assert dict(placed.lines_of) == lines_of and len(placed.lines_of) == len(lines_of)
    assert dict(placed.lanes_of) == lanes_of and len(placed.lanes_of) == len(lanes_of)
    for lane_index in range(len(placed.lanes)):
        assert (lane_index, "no-such-id") not in placed.lines_of
    assert (len(placed.lanes), evs[0].id if evs else "x") not in placed.lines_of
    assert "no-such-id" not in placed.lanes_of
    # The same answers from the lazy rows as from plain tuples of items.
    eager = [
        LaneLayout(lane.lane, tuple(lane.rows), lane.hidden_left, lane.hidden_right)
        for lane in placed.lanes
    ]
    for event in evs[:6]:
        assert find(placed.lanes, event.id) == find(eager, event.id)
        for lane_index in range(len(eager)):
            assert find(placed.lanes, event.id, lane_index) == find(eager, event.id, lane_index)
            for step in (lane_above, lane_below):
                assert step(placed.lanes, lane_index, event.id) == step(eager, lane_index, event.id)
                assert step(placed.lanes, lane_index, None) == step(eager, lane_index, None)


class TestLazyRows:
    EVENTS: ClassVar[list[Event]] = [
        ev("a", "2018-01-01", end="2020-01-01"),
        ev("b", "2019-01-01", end="2021-01-01"),
        ev("c", "2019-06-01", end="2019-07-01"),
    ]

    def test_rows_behave_like_a_tuple_of_rows(self) -> None:
        (lane,) = layout(self.EVENTS, TestLayout.SCALE, "platform", TODAY)
        rows = lane.rows
        assert len(rows) == 3 and rows[-1] is rows[2] and rows[0] is rows[0]
        assert [[i.event_id for i in row] for row in rows[1:]] == [["b"], ["c"]]
        assert rows[::-1][0] == rows[2]
        # Equal (and hashed) as the tuple of its rows, as a LaneLayout's rows always were.
        assert rows == tuple(rows) and hash(lane) == hash(lane._replace(rows=tuple(rows)))
        assert rows == layout(self.EVENTS, TestLayout.SCALE, "platform", TODAY)[0].rows
        with pytest.raises(IndexError):
            rows[3]
        assert "3 rows" in repr(rows)

    def test_an_empty_lane_has_one_empty_row(self) -> None:
        scale = Scale(date(2030, 1, 1), date(2030, 12, 31), 40)
        (lane,) = layout(self.EVENTS, scale, "platform", TODAY)
        assert len(lane.rows) == 1 and lane.rows[0] == () and list(lane.rows) == [()]
        assert (lane.hidden_left, lane.hidden_right) == (3, 0)


class TestLayoutCache:
    SCALE = Scale(date(2015, 1, 1), date(2026, 12, 31), 80)

    def events(self) -> list[Event]:
        return [
            ev("a", "2016-01-01", end="2017-01-01"),
            ev("b", "2016-06-01", platforms=("Telegram", "Signal")),
            ev("c", "2020-01-01", "ruling", country="BR"),
        ]

    def test_the_same_layout_as_without_the_cache(self) -> None:
        cache, evs = LayoutCache(), self.events()
        for by in ("platform", "country", "action", "platform"):
            placed = cache.layout(evs, self.SCALE, by, TODAY)
            assert plain(placed.lanes) == plain(layout(evs, self.SCALE, by, TODAY))
            assert placed.scale == self.SCALE and placed.by == by
        assert cache.fit(evs, 80, TODAY) == fit(evs, 80, TODAY)
        assert cache.fit([], 80, TODAY) == fit([], 80, TODAY)

    def test_prepared_lanes_are_reused_for_the_same_events(self) -> None:
        cache, evs = LayoutCache(), self.events()
        prepared = cache.prepare(evs, "platform", TODAY)
        assert cache.prepare(evs, "platform", TODAY) is prepared
        assert cache.prepare(list(evs), "platform", TODAY) is prepared  # the same events
        # Lanes prepared from a tuple: the same tuple is known again by identity.
        given, fresh = tuple(evs), LayoutCache()
        from_tuple = fresh.prepare(given, "platform", TODAY)
        assert fresh.prepare(given, "platform", TODAY) is from_tuple
        assert fresh.prepare(list(given), "platform", TODAY) is from_tuple
        assert fresh.prepare(given, "platform", date(2026, 5, 2)) is not from_tuple
        assert cache.prepare(evs, "country", TODAY) is not prepared
        assert cache.prepare(evs, "country", TODAY).spans is prepared.spans  # shared spans
        cache.clear()
        assert cache.prepare(evs, "platform", TODAY) is not prepared

    def test_never_stale(self) -> None:
        cache, evs = LayoutCache(), self.events()
        before = cache.layout(evs, self.SCALE, "platform", TODAY)
        assert [lane.lane.label for lane in before.lanes] == ["Telegram", "Signal"]
        # Another list with one event changed: its own lanes.
        changed = [*evs[:2], ev("c", "2020-01-01", "ruling", platforms=("Zoom",))]
        after = cache.layout(changed, self.SCALE, "platform", TODAY)
        assert [lane.lane.label for lane in after.lanes] == ["Telegram", "Signal", "Zoom"]
        assert plain(after.lanes) == plain(layout(changed, self.SCALE, "platform", TODAY))
        # The same list changed in place, then shortened: never the old lanes.
        evs[2] = ev("c", "2020-01-01", "ruling", platforms=("X",))
        assert cache.layout(evs, self.SCALE, "platform", TODAY).lanes[-1].lane.label == "X"
        del evs[1:]
        assert [
            lane.lane.label for lane in cache.layout(evs, self.SCALE, "platform", TODAY).lanes
        ] == ["Telegram"]
        # Another today: open spans end elsewhere.
        ongoing = [ev("o", "2016-01-01")]
        first = cache.layout(ongoing, self.SCALE, "platform", date(2020, 1, 1))
        second = cache.layout(ongoing, self.SCALE, "platform", date(2024, 1, 1))
        assert first.lanes[0].rows[0][0].end == date(2020, 1, 1)
        assert second.lanes[0].rows[0][0].end == date(2024, 1, 1)

    def test_only_placement_depends_on_the_scale(self) -> None:
        cache, evs = LayoutCache(), self.events()
        wide = cache.layout(evs, self.SCALE, "platform", TODAY)
        narrow = cache.layout(evs, self.SCALE.resized(20), "platform", TODAY)
        assert wide.lanes[0].rows[0][0].col_end > narrow.lanes[0].rows[0][0].col_end
        assert plain(narrow.lanes) == plain(layout(evs, self.SCALE.resized(20), "platform", TODAY))

    def test_the_last_few_placements_are_kept(self) -> None:
        # The widget keeps no layouts of its own: zooming back out finds the window placed.
        cache, evs = LayoutCache(), self.events()
        wide = cache.layout(evs, self.SCALE, "platform", TODAY)
        narrow = cache.layout(evs, self.SCALE.resized(20), "platform", TODAY)
        assert cache.layout(evs, self.SCALE, "platform", TODAY) is wide
        assert cache.layout(list(evs), self.SCALE.resized(20), "platform", TODAY) is narrow
        assert cache.layout(evs, self.SCALE, "country", TODAY) is not wide
        for width in range(21, 21 + tuning.PLACEMENTS):
            cache.layout(evs, self.SCALE.resized(width), "platform", TODAY)
        assert cache.layout(evs, self.SCALE, "platform", TODAY) is not wide  # evicted
        kept = cache.layout(evs, self.SCALE, "platform", TODAY)
        cache.clear()
        assert cache.layout(evs, self.SCALE, "platform", TODAY) is not kept
        changed = [*evs[:2], ev("c", "2020-01-01", "ruling", platforms=("Zoom",))]
        assert cache.layout(changed, self.SCALE, "platform", TODAY).lanes[-1].lane.label == "Zoom"

    def test_an_entry_being_built_is_waited_for(self, monkeypatch: pytest.MonkeyPatch) -> None:
        # A worker preparing lanes while another asks for them (a resize during the first
        # layout of a big view): one build, both get it.
        built: list[str] = []
        gate = threading.Event()

        class Slow(place_module.Prepared):
            __slots__ = ()

            def __init__(self, spans: Any, by: Any) -> None:
                built.append(by)
                gate.wait(10)
                super().__init__(spans, by)

        monkeypatch.setattr(place_module, "Prepared", Slow)
        cache, evs = LayoutCache(), self.events()
        with ThreadPoolExecutor(2) as pool:
            first = pool.submit(cache.prepare, evs, "platform", TODAY)
            while not built:
                time.sleep(0.001)
            second = pool.submit(cache.prepare, evs, "platform", TODAY)
            time.sleep(0.02)
            gate.set()
            assert first.result() is second.result()
        assert built == ["platform"]

    def test_threads_share_a_cache(self) -> None:
        cache = LayoutCache()
        evs = [ev(f"e{n}", f"20{10 + n % 15}-0{1 + n % 9}-1{n % 10}") for n in range(300)]
        scales = [self.SCALE.zoom(2**n, date(2020, 1, 1)) for n in range(8)]
        expected = [plain(layout(evs, s, "platform", TODAY)) for s in scales]
        with ThreadPoolExecutor(4) as pool:
            got = list(
                pool.map(lambda s: plain(cache.layout(evs, s, "platform", TODAY).lanes), scales)
            )
        assert got == expected
