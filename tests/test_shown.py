"""Shown: the filtered events the event list and the timeline view share."""

from __future__ import annotations

from builders import ev

from tui.core.query.shown import Shown

EVENTS = [ev(f"e{n}", f"2020-01-{n + 1:02d}") for n in range(6)]


def test_a_view_reads_as_the_kept_events_in_order() -> None:
    shown = Shown.every(EVENTS).keep([1, 3, 4])
    assert len(shown) == 3
    assert shown[0] is EVENTS[1] and shown[-1] is EVENTS[4]
    assert shown[1:] == [EVENTS[3], EVENTS[4]]
    assert list(shown) == [EVENTS[1], EVENTS[3], EVENTS[4]]
    assert shown.ids() == ["e1", "e3", "e4"]
    assert list(shown.kept) == [1, 3, 4] and shown.events is EVENTS


def test_the_row_of_an_id_is_found_only_where_the_view_keeps_it() -> None:
    every = Shown.every(EVENTS)
    shown = every.keep([0, 2, 5])
    assert [shown.position_of(i) for i in ("e0", "e2", "e5")] == [0, 1, 2]
    assert shown.position_of("e1") is None  # in the timeline, not in this view
    assert shown.position_of("nope") is None and shown.position_of(None) is None
    assert every.position_of("e4") == 4
    assert len(every.keep([])) == 0 and every.keep([]).position_of("e0") is None


def test_views_of_one_timeline_share_one_id_map() -> None:
    every = Shown.every(EVENTS)
    every.position_of("e0")
    narrowed = every.keep([2])
    assert narrowed._positions is every._positions
    assert Shown.every(EVENTS)._positions is not every._positions


def test_with_the_timelines_lookup_no_id_map_is_built() -> None:
    """After a reload the list asks for the highlighted event's row at once: a bisection of
    the date order, not a map of every id built on the UI thread first."""
    by_id = {e.id: e for e in EVENTS}
    every = Shown.every(EVENTS, by_id.get)
    shown = every.keep([0, 2, 5])
    assert [shown.position_of(i) for i in ("e0", "e2", "e5")] == [0, 1, 2]
    assert shown.position_of("e1") is None and shown.position_of("nope") is None
    assert [every.position_of(e.id) for e in EVENTS] == list(range(len(EVENTS)))
    assert every._positions._of is None


def test_events_out_of_date_order_are_found_through_the_map() -> None:
    unsorted = list(reversed(EVENTS))
    by_id = {e.id: e for e in unsorted}
    every = Shown.every(unsorted, by_id.get)
    assert [every.position_of(e.id) for e in unsorted] == list(range(len(unsorted)))
