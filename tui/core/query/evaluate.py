"""Evaluating queries: ``Index`` answers a ``Query`` over a timeline's events, as bitsets of
everything a term can ask about (``tui.core.query.textindex``: bitsets, and the text index free
words use)."""

from __future__ import annotations

import bisect
import difflib
import threading
from array import array
from collections import OrderedDict, defaultdict
from collections.abc import Callable, Hashable, Iterable, Sequence
from datetime import date
from enum import Enum
from functools import partial, reduce
from itertools import chain, compress, islice, repeat
from operator import and_, attrgetter, ge, itemgetter, le, lt, or_
from typing import Any, TypeVar, cast

from tui.core import tuning
from tui.core.query.edit import selected
from tui.core.query.language import FACETS, Query, Term, check_facet, normalize
from tui.core.query.textindex import (
    FS,
    TextIndex,
    bits_to_indices,
    bits_to_mask,
    indices_to_bits,
)
from tui.core.text.sanitize import quote
from tui.core.time.span import FOREVER, OPEN_STATUSES
from tui.core.timeline.countries import country_name
from tui.core.timeline.dates import PartialDate
from tui.core.timeline.errors import did_you_mean
from tui.core.timeline.event import Event

# facet -> (column, one value per event?)
_FACET_COLUMNS: dict[str, tuple[str, bool]] = {
    "country": ("country", True),
    "platform": ("platforms", False),
    "action": ("action", True),
    "tag": ("tags", False),
    "status": ("status", True),
    "authority": ("authority", False),
}
_P = TypeVar("_P")
# Free text finds these through their distinct values (``Index._search_text``).
_VALUE_TEXT_FIELDS = ("country", "tag", "authority", "platform")


def _value_text(field: str, key: str) -> str:
    """A value's key (normalised for its field) as free text sees it. A country's key is its
    code (validated: upper case), its text the country's name."""
    if field == "country":
        return normalize(None, country_name(key) or key)
    return " ".join(key.split())


_YMD = attrgetter("year", "month", "day")
_TEXT_FIELDS = attrgetter("id", "title", "summary", "sources")


class _Values:
    """One field's values -> the events that have them, with each value's first spelling.

    ``column`` holds each event's value (``single``) or list of values. Normalising runs once
    per distinct value, not per event.
    """

    def __init__(self, n: int, field: str, column: Sequence[Any], single: bool) -> None:
        self.n = n
        self.field = field
        self._texts: list[tuple[str, str]] | None = None
        # Frequent values get a bitset up front (fast to AND and count); rare ones are counted
        # from their index lists, so a field with 100,000 distinct values costs no 100,000 bitsets.
        self.floor = max(32, n // 1024)
        self.display: dict[str, str] = {}
        self.dense: dict[str, int] = {}
        self.rare: dict[str, list[int]] = {}
        raw: defaultdict[Any, list[int]] = defaultdict(list)
        if single:
            for index, value in enumerate(column):
                raw[value].append(index)
        else:
            for index, values in enumerate(column):
                for value in values:
                    raw[value].append(index)
        merged: dict[str, list[int]] = {}
        for value, items in raw.items():  # in order of first appearance: the first spelling wins
            spelling = value.value if isinstance(value, Enum) else value
            key = normalize(field, spelling)
            self.display.setdefault(key, spelling)
            if key in merged:  # another spelling of a value already seen
                items = sorted(set(merged[key]).union(items))
            merged[key] = items
        for key, items in merged.items():
            if len(items) >= self.floor:
                self.dense[key] = indices_to_bits(items, n)
            else:
                # A value listed twice on one event (only possible unvalidated) counts once.
                self.rare[key] = items if len(set(items)) == len(items) else sorted(set(items))

    def containing(self, needle: str) -> int:
        """The events with a value whose text (as free text sees it) contains ``needle``."""
        if self._texts is None:
            self._texts = [(_value_text(self.field, key), key) for key in self.display]
        return self.union(key for text, key in self._texts if needle in text)

    def union(self, keys: Iterable[str]) -> int:
        bits = 0
        rare: list[int] = []
        for key in keys:
            if key in self.dense:
                bits |= self.dense[key]
            else:
                rare.extend(self.rare.get(key, ()))
        return bits | indices_to_bits(rare, self.n) if rare else bits

    def counts(self, base: int) -> dict[str, int]:
        result = {key: (bits & base).bit_count() for key, bits in self.dense.items()}
        if self.rare:
            mask = bits_to_mask(base, self.n)
            for key, items in self.rare.items():
                result[key] = sum(map(mask.__getitem__, items))
        return result


class _Times:
    """Per event, as ordinals, its span by the one rule (``tui.core.time.span``): the first day, the
    last day (``FOREVER`` when open) and the last day in force (-1 for a point, never in
    force). Dates are converted once per distinct date, not per event: 100,000 events have a
    few thousand dates."""

    def __init__(self, events: Sequence[Event]) -> None:
        ends = _column(events, "end_date")
        dated = list(map(_YMD, _column(events, "date")))
        periods: dict[tuple[int, int | None, int | None], tuple[int, int]] = {}
        for ymd in dict.fromkeys(chain(dated, map(_YMD, filter(None, ends)))):
            day = PartialDate(*ymd)
            periods[ymd] = (day.start.toordinal(), day.end.toordinal())
        firsts_lasts = list(map(periods.__getitem__, dated))
        opens = map(OPEN_STATUSES.__contains__, _column(events, "status"))
        # Ordinals fit in 32 bits: 1.2 MB for 100,000 events instead of ~11 MB of int objects.
        self.starts = array("i", map(itemgetter(0), firsts_lasts))
        self.force_ends = array(
            "i",
            (
                (FOREVER if is_open else -1) if end is None else periods[_YMD(end)][1]
                for end, is_open in zip(ends, opens, strict=True)
            ),
        )
        # A span ends where the force does, or on the last day of an event never in force.
        ends_in_force = zip(map(itemgetter(1), firsts_lasts), self.force_ends, strict=True)
        self.span_ends = array("i", (last if end < 0 else end for last, end in ends_in_force))
        # Starts are sorted only if the caller kept date order; after:/before: rely on it.
        self.sorted = all(map(le, self.starts, islice(self.starts, 1, None)))


def _column(events: Sequence[Event], name: str) -> list[Any]:
    """One field of every event. A part reads only its own fields: the query on screen after a
    reload (``country:RU``) reads one, not all twelve."""
    return list(map(itemgetter(Event._fields.index(name)), events))  # events are tuples


def _texts(events: Sequence[Event], lo: int, hi: int) -> list[str]:
    """Events ``lo`` to ``hi - 1`` as raw search texts: the fields free text searches
    (docs/query.md; the tests' reference is ``haystack`` in tests/plain_search.py) that differ
    from event to event, joined by FS, prose first (title, summary, source titles), then after
    an empty field (``textindex.TAIL``) the id, publishers and URLs. Country names, tags,
    authorities and platforms repeat: free text finds them through their few distinct values
    instead (``_Values.containing``), which keeps the text ~15% shorter."""
    texts = []
    for ident, title, summary, sources in map(_TEXT_FIELDS, events[lo:hi]):
        head = [title, summary]
        tail = ["", ident]
        for publisher, url, source_title, _ in sources:
            if source_title:
                head.append(source_title)
            tail += (publisher, url)
        texts.append(FS.join(head + tail))
    return texts


class Index:
    """A timeline's events prepared for querying: build once, filter on every keystroke.

    ``events`` should be in date order (as ``Timeline.events`` is); results are indices into it.
    ``today`` fixes what ``today`` means (tests pass a date; default: today). Construction is
    immediate: each part (a facet, the time columns, the ids, the search texts) is built on
    first use, or all at once by ``warm()``, which a loader runs in a worker thread once the
    timeline is shown. Safe to call from several threads (a superseded UI worker may still be
    running): queries are serialised, since they share a cache.
    """

    _CACHE_SIZE = tuning.QUERY_CACHE_SIZE

    def __init__(self, events: Sequence[Event], today: date | None = None) -> None:
        self.events = events
        self.today = today or date.today()
        n = self.n = len(events)
        self.all = (1 << n) - 1
        # No reference back to the index: with one, an index and its events could only be freed
        # by the cyclic collector, and one alive when the app freezes its objects (gc.freeze,
        # tui.core.tuning) would never be freed once replaced.
        self._text = TextIndex(n, partial(_texts, events))
        self._parts: dict[str, Any] = {}  # facets, "id" and "time", each built on first use
        self._parts_lock = threading.Lock()
        self._cache: OrderedDict[Hashable, int] = OrderedDict()
        self._lock = threading.RLock()  # evaluating queries

    def warm(self) -> None:
        """Build every part, in the order the first queries need them, then the word index that
        makes free text faster. Queries may run meanwhile from other threads: one that needs a
        part being built waits for it, one that needs only what is built does not wait, and free
        text is scanned until the word index is ready."""
        for facet in _FACET_COLUMNS:
            self._values(facet)
        self._times()
        self._ids()
        self._text.build_words()  # the searchable texts first, then their words

    # -- public API ---------------------------------------------------------------------------

    def filter(self, query: Query) -> list[int]:
        """Indices of the events matching every term, ascending (date order)."""
        return bits_to_indices(self.bits(query), self.n)

    def bits(self, query: Query) -> int:
        """The matching events as a bitset (bit i = event i)."""
        key = frozenset((t.negated, t.key) for t in query.terms)
        with self._lock:
            return self._cached(key, lambda: self._bits(query))

    def _cached(self, key: Hashable, compute: Callable[[], int]) -> int:
        """``compute()``, remembered under ``key``: a query's answer (the facet counts ask it
        again) or a field term's (typing free text after ``id:x*`` or ``during:2020``)."""
        found = self._cache.get(key)
        if found is None:
            found = self._cache[key] = compute()
            if len(self._cache) > self._CACHE_SIZE:
                self._cache.popitem(last=False)
        else:
            self._cache.move_to_end(key)
        return found

    def _bits(self, query: Query) -> int:
        result = self.all
        # Field terms first: they are cheap, and free text then need only be checked among
        # the events they left.
        for term in sorted(query.terms, key=lambda t: t.is_text):
            if term.is_text:
                bits = self._search_text(normalize(None, term.values[0]), within=result)
            else:
                bits = self._cached(term.key, partial(self._term_bits, term))
            result = result & ~bits if term.negated else result & bits
            if not result:
                break
        return result

    def facet_counts(self, query: Query, facet: str) -> list[tuple[str, int]]:
        """(value, count) for ``facet``, counted on the query without the facet's own terms.

        Sorted by count (descending), then value; selected values are listed even at 0.
        """
        check_facet(facet)
        base = self.bits(query.without_facet(facet))
        values = self._values(facet)
        counts = values.counts(base)
        shown = {key: values.display[key] for key, count in counts.items() if count}
        for value in sorted(selected(query, facet)):
            key = normalize(facet, value)
            shown.setdefault(key, values.display.get(key, value))
        rows = [(spelling, counts.get(key, 0)) for key, spelling in shown.items()]
        return sorted(rows, key=lambda kv: (-kv[1], kv[0].casefold(), kv[0]))

    def hints(self, query: Query) -> list[str]:
        """Notes on values that match no event at all (``platform:telegarm``), with a guess."""
        notes: list[str] = []
        for term in query.terms:
            if term.field in FACETS and term.field != "status":
                known = self._values(term.field).display
                for value in term.values:
                    if normalize(term.field, value) not in known:
                        close = difflib.get_close_matches(value.casefold(), list(known), n=1)
                        extra = f"; did you mean {quote(known[close[0]])}?" if close else ""
                        notes.append(f"no event has {term.field} {quote(value)}{extra}")
            elif term.field == "id":
                for value in term.values:
                    if not self._match_ids(value):
                        extra = did_you_mean(value.casefold(), sorted(self._ids()))
                        notes.append(f"no event has the id {quote(value)}{extra}")
        return notes

    # -- the parts, built on first use ------------------------------------------------------

    def _part(self, name: str, build: Callable[[Sequence[Event]], _P]) -> _P:
        found = self._parts.get(name)
        if found is None:
            with self._parts_lock:
                found = self._parts.get(name)
                if found is None:
                    with tuning.gc_paused():
                        found = self._parts[name] = build(self.events)
        return cast(_P, found)

    def _values(self, field: str) -> _Values:
        column, single = _FACET_COLUMNS[field]
        return self._part(field, lambda e: _Values(self.n, field, _column(e, column), single))

    def _ids(self) -> dict[str, int]:
        return self._part("id", lambda e: dict(zip(_column(e, "id"), range(self.n), strict=True)))

    def _times(self) -> _Times:
        return self._part("time", _Times)

    def _search_text(self, needle: str, within: int | None = None) -> int:
        """Events whose text contains ``needle`` (exact inside ``within`` when given)."""
        bits = self._text.search(needle, within)
        for field in _VALUE_TEXT_FIELDS:
            bits |= self._values(field).containing(needle)
        return bits

    # -- evaluation ---------------------------------------------------------------------------

    def _term_bits(self, term: Term) -> int:
        return reduce(or_, (self._value_bits(term, *v) for v in enumerate(term.values)), 0)

    def _value_bits(self, term: Term, index: int, value: str) -> int:
        field = term.field
        if field in FACETS:
            return self._values(field).union((normalize(field, value),))
        if field == "authority":
            needle = value.casefold()
            authority = self._values("authority")
            return authority.union(k for k in authority.display if needle in k)
        if field == "id":
            return indices_to_bits(self._match_ids(value), self.n)
        period = term.dates[index]
        first, last = (self.today, self.today) if period is None else (period.start, period.end)
        return self._time_bits(field, first.toordinal(), last.toordinal())

    def _match_ids(self, value: str) -> list[int]:
        wanted = value.casefold()
        ids = self._ids()
        if wanted.endswith("*"):
            prefix = wanted[:-1]
            return [i for event_id, i in ids.items() if event_id.startswith(prefix)]
        found = ids.get(wanted)
        return [] if found is None else [found]

    def _time_bits(self, field: str | None, first: int, last: int) -> int:
        times = self._times()
        starts = times.starts
        if field in ("after", "before"):
            # after:X and before:X split the timeline at X's first day, like the sort order.
            if times.sorted:
                before: Iterable[int] = range(bisect.bisect_left(starts, first))
            else:
                before = compress(range(self.n), map(lt, starts, repeat(first)))
            low = indices_to_bits(before, self.n)
            return low if field == "before" else self.all ^ low
        # during: the span overlaps [first, last]; asof: in force on some day of it.
        ends = times.force_ends if field == "asof" else times.span_ends
        reaches = map(ge, ends, repeat(first))
        if times.sorted:  # every event before the cut starts on or before `last`
            limit = bisect.bisect_right(starts, last)
            return indices_to_bits(compress(range(limit), reaches), self.n)
        began = map(le, starts, repeat(last))
        return indices_to_bits(compress(range(self.n), map(and_, reaches, began)), self.n)
