"""The lanes of the timeline view: which events go in which lane, and in what order.

Lanes (``Prepared.lanes``): one per platform (compared casefold, labelled as first written in
the given order; an event with several platforms appears in each of their lanes; events without
platforms go to ``(none)``), per country (``RU Russian Federation``; ``short`` is the bare code
for narrow panes) or per action (``Action.label``). Lanes are ordered by their earliest event
(the events' own sort order), then by label (casefold), then key.
"""

from __future__ import annotations

import operator
from collections import deque
from collections.abc import Iterable, Sequence
from itertools import chain, compress, repeat
from operator import attrgetter
from typing import Literal, NamedTuple

from tui.core.text.sanitize import clean
from tui.core.timeline.countries import country_name
from tui.core.timeline.event import Action, Event
from tui.core.tuning import BREATHE_EVERY, breathe

LaneBy = Literal["platform", "country", "action"]
NO_PLATFORM = "(none)"


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
    for low in range(0, len(events), BREATHE_EVERY):
        chunk = events[low : low + BREATHE_EVERY]
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
        breathe()
    if without:
        grouped[None] = without
    return grouped


def build_lanes(events: Sequence[Event], by: LaneBy, sort_keys: Sequence[int]) -> list[Lane]:
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
    breathe()

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
