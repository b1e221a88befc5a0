"""Moving between the timeline view's items: in time, and to the lane above or below."""

from __future__ import annotations

from collections.abc import Sequence

from tui.core.time.scale import clamp
from tui.core.time.stack import Item, LaneLayout, Rows


def neighbour_in_time(order: Sequence[str], current: str | None, step: int) -> str | None:
    """The id ``step`` places after (``+1``) or before (``-1``) ``current`` in ``order``,
    stopping at either end. With no (or an unknown) current id: the first or the last."""
    if not order:
        return None
    if current not in order:
        return order[0] if step >= 0 else order[-1]
    position = clamp(order.index(current) + step, 0, len(order) - 1)
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
