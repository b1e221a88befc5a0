"""Where the loader cuts a file, and what an earlier load of it can lend the next one.

The loader parses a big file in chunks cut at ``[[events]]`` header lines. The cuts are chosen
by content, not by position: a header is a cut when a checksum of the line after it (the event's
id, in practice) falls on one value in ``tuning.CHUNK_EVERY``. An edit therefore moves only the cuts
around the edited event, and every other chunk of the new text is, byte for byte, a chunk of the
old one. ``Reuse`` remembers each chunk's digest and events; the next load of the same file
parses only the chunks whose digest it has not seen.

A chunk is lent only if the load that saw it parsed it on its own, found nothing but events in
it and counted its header lines: the same text read by the same code gives the same events, so
borrowing them cannot show anything the file does not say. (A header-like line inside a
multi-line string where a cut falls makes the chunk before it fail to parse: that load takes the
careful path and lends nothing. Elsewhere it breaks the count of header lines, and the chunks
from there on are not lent.) What is held is tied to the timeline it made (``outline_of``): a
reload that lost the race to a newer one cannot store its events with the newer one's chunks.
"""

from __future__ import annotations

import bisect
import hashlib
import itertools
import re
import threading
import zlib
from collections.abc import Iterable, Iterator, Sequence
from operator import attrgetter

from tui.core import tuning
from tui.core.timeline.event import Event, Timeline

HEADER = "\n[[events]]"
# Another top-level table (``[views]``, ``[timeline]``) inside a chunk: that chunk is not lent.
_OTHER_TABLE = re.compile(r"\n[ \t]*\[(?!\[events\]\]|\[events\.)")

Outline = list[tuple[bytes, int, int]]
_SORT_KEY = attrgetter("sort_key")


def pieces(blocks: Iterable[str]) -> Iterator[str]:
    """The text ``blocks`` make, cut: the head before the first cut (maybe ""), then each
    chunk. Blocks may end anywhere but inside a line's last 96 characters and its ``\n``
    (a block of whole lines always does): a file is cut the same, read whole or in blocks."""
    crc = zlib.crc32
    every, look_ahead, longest = tuning.CHUNK_EVERY, tuning.CHUNK_LOOK, tuning.CHUNK_LONGEST
    text, start, at = "", 0, 0  # the text not yet given out begins at ``start``
    head = True  # no cut yet: the first header is one, whatever follows it
    for block in itertools.chain(blocks, [None]):
        done = block is None
        if block:
            # Trimmed only when a block comes: one big block is never copied cut by cut.
            text, at, start = text[start:] + block, at - start, 0
        if head and at == 0 and text.startswith(HEADER[1:]):
            yield ""  # the file opens with a header: the first cut is its start
            head = False
        while True:
            found = text.find(HEADER, at)
            if found < 0:
                at = max(at, len(text) - len(HEADER) + 1)
                break
            # The line after the header (the id, usually): an edit of the rest of the event
            # never moves a cut.
            after = found + len(HEADER)
            # Past the header line's end, "\r\n" too: else every event of a CRLF file, whose
            # next line would look empty, were a cut.
            after += 2 if text.startswith("\r\n", after) else 1
            end = text.find("\n", after, after + look_ahead)
            if end < 0 and not done and len(text) < after + look_ahead:
                at = found
                break  # that line is not all here yet
            look = text[after : end if end >= 0 else after + look_ahead]
            if (
                head
                or crc(look.encode("utf-8", "surrogatepass")) % every == 0
                or found + 1 - start >= longest
            ):
                yield text[start : found + 1]
                start, head = found + 1, False
            at = found + 1
        if done:
            yield text[start:]
            return


def digest(chunk: str) -> bytes:
    # SHA-256: the hardware-accelerated one here, and no crafted text borrows another's events.
    return hashlib.sha256(chunk.encode("utf-8", "surrogatepass")).digest()


def lendable(chunk: str) -> bool:
    return _OTHER_TABLE.search(chunk) is None


class Lent:
    """One chunk's events in file order, their header lines counted from the chunk's first
    line, and that first line in the load that saw the chunk."""

    __slots__ = ("events", "first", "lines")

    def __init__(self, events: Sequence[Event], lines: Sequence[int], first: int) -> None:
        self.events = events
        self.lines = lines
        self.first = first


class Reuse:
    """The chunks of the last load of one file, by digest, for the next load to borrow.

    Made empty, then filled by the loader (``load_text(..., reuse=)``) or from what a cache
    entry outlined (``lend``); each load leaves it holding the chunks it saw.
    """

    def __init__(self) -> None:
        self._chunks: dict[bytes, Lent] = {}
        self._pending: tuple[Timeline, Outline] | None = None
        self._order: list[Event] = []  # the last load's events in date order
        self._made: Timeline | None = None  # the timeline those chunks and that order made
        # Two reloads may overlap (a save during a reload): each load's look-ups are keyed by
        # content, but what is held must change as one piece.
        self._lock = threading.RLock()
        self.parsed = 0  # chunks the last load parsed; the others it borrowed
        self.borrowed = 0

    def __len__(self) -> int:
        with self._lock:
            self._unfold()
            return len(self._chunks)

    def get(self, key: bytes) -> Lent | None:
        with self._lock:
            self._unfold()
            return self._chunks.get(key)

    def replace(
        self,
        chunks: dict[bytes, Lent],
        order: list[Event] | None = None,
        made: Timeline | None = None,
    ) -> None:
        with self._lock:
            self._chunks = chunks
            self._pending = None
            self._order = order or []
            self._made = made

    def clear(self) -> None:
        self.replace({})

    def in_date_order(self, events: list[Event], borrowed: set[int]) -> list[Event] | None:
        """``events`` in date order, made from the last load's order when most were borrowed
        (``borrowed``: their ``id()``s): the others are put in place one by one, so the sort
        keys of the borrowed ones are never computed again. None: sort them all."""
        fresh = [e for e in events if id(e) not in borrowed]
        with self._lock:
            previous = self._order
        # Each insertion moves the list's tail: past a few percent, one sort is quicker.
        if not previous or len(fresh) * 50 > len(events):
            return None
        order = [e for e in previous if id(e) in borrowed]
        for event in fresh:
            bisect.insort(order, event, key=_SORT_KEY)
        return order if len(order) == len(events) else None

    def outline_of(self, timeline: Timeline) -> Outline:
        """``(digest, first line, number of events)`` per lent chunk, in file order, if the
        chunks held are those of the load that made ``timeline`` (else none: a later load has
        replaced them): what its cache entry keeps, the events being in the entry already."""
        with self._lock:
            if timeline is not self._made:
                return []
            self._unfold()
            return [(key, lent.first, len(lent.events)) for key, lent in self._chunks.items()]

    def lend(self, timeline: Timeline, outline: Outline) -> None:
        """Hold the chunks of the load that made ``timeline``, as its cache entry outlined
        them; unfolded on first use, so an opening never followed by an edit pays nothing."""
        with self._lock:
            self.clear()
            self._made = timeline
            if outline:
                self._pending = (timeline, outline)
                self._order = timeline.events

    def _unfold(self) -> None:  # with the lock held
        if self._pending is None:
            return
        timeline, outline = self._pending
        self._pending = None
        lines = timeline.lines
        ordered = sorted(
            (line, event) for event in timeline.events if (line := lines.get(event.id)) is not None
        )
        at_line = [line for line, _ in ordered]
        chunks: dict[bytes, Lent] = {}
        for key, first, count in outline:
            # A chunk's events are the ``count`` whose headers come first from its first line
            # on. An outline that does not fit the timeline (it cannot, short of a bug) lends
            # nothing rather than guess.
            at = bisect.bisect_left(at_line, first)
            part = ordered[at : at + count]
            if len(part) != count or not part or part[0][0] != first:
                self._chunks = {}
                return
            chunks[key] = Lent([e for _, e in part], [line - first for line, _ in part], first)
        self._chunks = chunks
