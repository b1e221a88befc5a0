"""The one span rule (tui/core/time/span.py, docs/format.md "Span") and the places that must agree
with it: the query's asof:/during:, the timeline layout, the as-of board, the JSON and
TimelineJS exports."""

from __future__ import annotations

import json
from datetime import date

import pytest
from builders import ev
from plain_time import fit, overlaps

from tui.core.export import render
from tui.core.query.evaluate import Index
from tui.core.query.language import parse
from tui.core.time import spans as drawing
from tui.core.time.asof import board
from tui.core.time.place import LayoutCache
from tui.core.time.span import Kind, derived_status, span
from tui.core.timeline.event import Action, Status, Timeline

TODAY = date(2025, 6, 30)
LASTING = [a for a in Action if a.lasting]
ONE_OFF = [a for a in Action if not a.lasting]


# --- the rule, over every action x status x end_date form -----------------------------------

STATUSES = [None, "ongoing", "ended", "unknown"]
ENDS = [None, "2020", "2020-06", "2020-06-18"]


@pytest.mark.parametrize("action", list(Action))
@pytest.mark.parametrize("status", STATUSES)
@pytest.mark.parametrize("end", ENDS)
def test_the_rule(action: Action, status: str | None, end: str | None) -> None:
    if status == "ongoing" and end is not None:
        return  # the loader refuses it: 'ongoing' contradicts the end_date
    event = ev("x", "2019", action, end=end, status=status)
    got = span(event)
    written = Status(status) if status else derived_status(event.end_date, action)
    assert event.status is got.status is written
    assert got.first == date(2019, 1, 1)  # a partial start counts from its first day
    if end is not None:
        last = {"2020": date(2020, 12, 31), "2020-06": date(2020, 6, 30)}.get(end)
        assert got[:3] == (Kind.CLOSED, date(2019, 1, 1), last or date(2020, 6, 18))
        assert got.in_force(date(2020, 6, 18)) and not got.in_force(date(2021, 1, 1))
    elif written in (Status.ONGOING, Status.UNKNOWN):
        assert (got.kind, got.last) == (Kind.OPEN, None)
        assert got.in_force(date(2019, 1, 1)) and got.in_force(date.max)
        assert overlaps(got, date.max, date.max)
    else:  # ended, no end_date: a point over its date's period ("2019" ends 2019-12-31)
        assert (got.kind, got.last) == (Kind.POINT, date(2019, 12, 31))
        assert not got.in_force(date(2019, 6, 1))
        assert overlaps(got, date(2019, 12, 31), date(2020, 1, 1))
        assert not overlaps(got, date(2020, 1, 1), date(2020, 1, 1))
    assert not got.in_force(date(2018, 12, 31))


def test_the_derived_status_comes_from_the_action_and_the_end_date() -> None:
    for action in LASTING:
        assert span(ev("x", "2019", action)).kind is Kind.OPEN
        assert span(ev("x", "2019", action)).status is Status.ONGOING
    for action in ONE_OFF:
        assert span(ev("x", "2019", action)).kind is Kind.POINT
        assert span(ev("x", "2019", action)).status is Status.ENDED
    for action in Action:
        assert derived_status(ev("x", "2019", action, end="2020").end_date, action) is Status.ENDED


def test_partial_dates_cover_whole_periods() -> None:
    assert span(ev("x", "2019-02", "ruling"))[1:3] == (date(2019, 2, 1), date(2019, 2, 28))
    assert span(ev("x", "2019", end="2019"))[1:3] == (date(2019, 1, 1), date(2019, 12, 31))
    assert span(ev("x", "2020-02-29", end="2020-02"))[2] == date(2020, 2, 29)


# --- everyone agrees ------------------------------------------------------------------------

EVENTS = [
    ev("lawsuit-pending", "2021-03-10", "lawsuit", status="ongoing"),
    ev("lawsuit-filed", "2021-03-10", "lawsuit"),
    ev("fine-unknown", "2021-05", "fine", status="unknown"),
    ev("ruling-with-end", "2020-01-01", "ruling", end="2020-02"),
    ev("block-open", "2016-11-17"),
    ev("block-closed", "2018-04-16", end="2020-06-18"),
    ev("block-year-end", "2019-03-01", end="2019"),
    ev("throttle-unknown", "2021-03", "throttle", status="unknown"),
    ev("throttle-ended-someday", "2019", "throttle", status="ended"),
    ev("law-future", "2030-02", "law"),
]
DAYS = [
    date(2016, 11, 16), date(2016, 11, 17), date(2019, 12, 31), date(2020, 2, 29),
    date(2020, 3, 1), date(2020, 6, 18), date(2020, 6, 19), date(2021, 3, 10),
    date(2021, 5, 31), TODAY, date(2031, 1, 1),
]  # fmt: skip


def test_query_layout_board_and_exports_agree_with_the_rule() -> None:
    timeline = Timeline(events=EVENTS)
    events = timeline.events
    index = Index(events, today=TODAY)
    for day in DAYS:
        in_force = [e.id for e in events if span(e).in_force(day)]
        asof = [events[i].id for i in index.filter(parse(f"asof:{day.isoformat()}"))]
        assert asof == in_force, day
        on_board = board(events, day, TODAY)
        assert sorted(e.event_id for cell in on_board.cells.values() for e in cell) == sorted(
            in_force
        ), day
        during = [events[i].id for i in index.filter(parse(f"during:{day.isoformat()}"))]
        assert during == [e.id for e in events if overlaps(span(e), day, day)], day
    assert "lawsuit-pending" in [events[i].id for i in index.filter(parse("during:2024"))]
    assert "lawsuit-pending" in [events[i].id for i in index.filter(parse("asof:2024-01-01"))]

    drawn = {
        item.event_id: item
        for lane in LayoutCache().layout(events, fit(events, 200, TODAY), "platform", TODAY).lanes
        for row in lane.rows
        for item in row
    }
    records = {r["id"]: r for r in json.loads(render("json", timeline, events))}
    slides = {
        s["unique_id"]: s for s in json.loads(render("timelinejs", timeline, events))["events"]
    }
    kinds = {
        Kind.POINT: drawing.Kind.MARKER,
        Kind.CLOSED: drawing.Kind.BAR,
    }
    for event in events:
        rule = span(event)
        item = drawn[event.id]
        if rule.kind is Kind.OPEN:
            want = drawing.Kind.OPEN if rule.status is Status.ONGOING else drawing.Kind.UNKNOWN
            assert item.kind is want, event.id
            assert (item.start, item.end) == (rule.first, max(TODAY, event.date.end)), event.id
        else:
            assert item.kind is kinds[rule.kind], event.id
            assert (item.start, item.end) == (rule.first, rule.last), event.id
        assert drawing.span(event, TODAY)[:3] == (item.start, item.end, item.kind), event.id
        record = records[event.id]
        assert record["start"] == rule.first.isoformat(), event.id
        assert record["end"] == (rule.last.isoformat() if rule.last else None), event.id
        assert record["status"] == rule.status.value, event.id
        assert ("end_date" in slides[event.id]) == (rule.kind is Kind.CLOSED), event.id
