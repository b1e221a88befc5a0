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

A reload also cuts faster: where a chunk begins whose first header's line starts a chunk held,
``pieces`` takes that chunk's length of text whole if its digest is the held one's and the
header after it is a cut. The same text cut by the same rule (the digest covers the rule's
sizes) has no cut inside, since every header's decision depends only on the text from the
chunk's start: the cuts are those of a header-by-header scan.
"""

from __future__ import annotations

import bisect
import hashlib
import itertools
import operator
import threading
import zlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import NamedTuple, cast

from tui.core import tuning
from tui.core.timeline.event import Event, Timeline

HEADER = "\n[[events]]"

# Per lent chunk: digest, first line, events, newlines, length, mark (``Lent``).
Outline = Sequence[tuple[bytes, int, int, int, int, int]]
_SORT_KEY = operator.attrgetter("sort_key")
_ID = operator.attrgetter("id")


def pieces(blocks: Iterable[str], reuse: Reuse | None = None) -> Iterator[str]:
    """The text ``blocks`` make, cut: the head before the first cut (maybe ""), then each
    chunk. Blocks may end anywhere but inside a line's last 96 characters and its ``\n``
    (a block of whole lines always does): a file is cut the same, read whole or in blocks.
    ``reuse``: chunks it holds are recognised whole (``Reuse.known``); the cuts are the same."""
    every, longest = tuning.CHUNK_EVERY, tuning.CHUNK_LONGEST
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
            mark = _mark(text, found + len(HEADER), done)
            if mark is None:
                at = found
                break  # that line is not all here yet
            if head or mark % every == 0 or found + 1 - start >= longest:
                yield text[start : found + 1]
                start, head = found + 1, False
                while reuse is not None and (known := reuse.known(text, start, mark, done)):
                    chunk, mark = known
                    yield chunk
                    start += len(chunk)
                at = start
            else:
                at = found + 1
        if done:
            yield text[start:]
            return


def _mark(text: str, end: int, done: bool) -> int | None:
    """The checksum of the line after a header that ends at ``end`` (its first
    ``tuning.CHUNK_LOOK`` characters at most); None while it may go on past the end of ``text``."""
    look_ahead = tuning.CHUNK_LOOK
    # Past the header line's end, "\r\n" too: else every event of a CRLF file, whose next
    # line would look empty, were a cut.
    after = end + (2 if text.startswith("\r\n", end) else 1)
    stop = text.find("\n", after, after + look_ahead)
    if stop < 0 and not done and len(text) < after + look_ahead:
        return None
    look = text[after : stop if stop >= 0 else after + look_ahead]
    return zlib.crc32(look.encode("utf-8", "surrogatepass"))


def first_mark(chunk: str) -> int:
    """The checksum of the line after a chunk's first header, as ``pieces`` computes it."""
    return _mark(chunk, len(HEADER) - 1, True) or 0


def digest(chunk: str) -> bytes:
    # SHA-256: the hardware-accelerated one here, and no crafted text borrows another's events.
    # The cut rule's sizes are hashed too: only a chunk cut by this rule is known whole.
    rule = f"{tuning.CHUNK_EVERY} {tuning.CHUNK_LOOK} {tuning.CHUNK_LONGEST}\n"
    hashed = hashlib.sha256(rule.encode())
    hashed.update(chunk.encode("utf-8", "surrogatepass"))
    return hashed.digest()


def _spliced(order: list[Event], events: list[Event], *, remove: bool) -> list[Event] | None:
    """``order`` (in date order, sort keys unique) with ``events`` (sorted) taken out of it, or
    put into it: one copy of ``order`` by slices. None: one to take out is not in it."""
    spliced: list[Event] = []
    last = 0
    for event in events:
        at = bisect.bisect_left(order, event.sort_key, lo=last, key=_SORT_KEY)
        spliced += order[last:at]
        if remove:
            if at == len(order) or order[at] is not event:
                return None
            at += 1
        else:
            spliced.append(event)
        last = at
    spliced += order[last:]
    return spliced


class Lent(NamedTuple):
    """One chunk's events in file order, their header lines counted from the chunk's first
    line, that first line in the load that saw the chunk, the chunk's newlines and length, and
    its ``mark`` (the checksum of its first header's line, which ``pieces`` looks it up by)."""

    events: Sequence[Event]
    lines: Sequence[int]
    first: int
    newlines: int
    size: int
    mark: int


class Reuse:
    """The chunks of the last load of one file, by digest, for the next load to borrow.

    Made empty, then filled by the loader (``load_text(..., reuse=)``) or from what a cache
    entry outlined (``lend``); each load leaves it holding the chunks it saw.
    """

    def __init__(self) -> None:
        self._chunks: dict[bytes, Lent] = {}
        self._starts: dict[int, bytes] = {}  # the digest of the chunk held, by ``mark``
        # Digests ``known`` computed, by the id() of the chunk it took whole: not computed again.
        self._digests: dict[int, tuple[str, bytes]] = {}
        self._pending: tuple[Timeline, Outline] | None = None
        # The timeline those chunks made: its events are the last load's, in date order.
        self._made: Timeline | None = None
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

    def known(self, text: str, start: int, mark: int, done: bool) -> tuple[str, int] | None:
        """The chunk held that starts at ``start`` of ``text`` (its first header's line has the
        checksum ``mark``), if the text there is that chunk and the header after it is a cut;
        and the checksum of that header's line. Its digest is kept for ``digest``."""
        with self._lock:
            self._unfold()
            key = self._starts.get(mark)
            lent = None if key is None else self._chunks.get(key)
        if lent is None:
            return None
        end = start + lent.size
        if not text.startswith(HEADER, end - 1):
            return None
        following = _mark(text, end - 1 + len(HEADER), done)
        if following is None:
            return None
        if following % tuning.CHUNK_EVERY and lent.size < tuning.CHUNK_LONGEST:
            return None  # the text after it changed: a scan finds where this chunk ends now
        chunk = text[start:end]
        if digest(chunk) != key:
            return None
        self._digests[id(chunk)] = (chunk, key)
        return chunk, following

    def digest(self, chunk: str) -> bytes:
        """``digest(chunk)``, computed once for a chunk ``known`` took whole."""
        held = self._digests.pop(id(chunk), None)
        return held[1] if held is not None and held[0] is chunk else digest(chunk)

    def replace(self, chunks: dict[bytes, Lent], made: Timeline | None = None) -> None:
        with self._lock:
            self._chunks = chunks
            self._starts = {lent.mark: key for key, lent in chunks.items()}
            self._digests = {}
            self._pending = None
            self._made = made

    def clear(self) -> None:
        self.replace({})

    def in_date_order(
        self, events: list[Event], fresh: list[Event], kept: dict[bytes, Lent]
    ) -> list[Event] | None:
        """``events`` in date order, made from the last load's order when most were borrowed:
        ``kept``, the chunks held that lent them, by digest; ``fresh``, the others. The events
        of the chunks held but not borrowed are taken out of that order and the fresh ones put
        in, each found by bisection: few sort keys are computed and the order is copied once
        or twice. None: sort them all."""
        # Past a few percent fresh, one sort is quicker.
        if len(fresh) * 50 > len(events):
            return None
        with self._lock:
            self._unfold()
            previous = self._made.events if self._made is not None else []
            # The chunks held now are those ``kept`` came from (a load in another thread may
            # have replaced them since), so the order is theirs.
            if not previous or any(self._chunks.get(key) is not lent for key, lent in kept.items()):
                return None
            gone = [lent.events for key, lent in self._chunks.items() if key not in kept]
        taken = list(itertools.chain.from_iterable(gone))
        if len(previous) - len(taken) == len(events) - len(fresh):
            order = _spliced(previous, sorted(taken, key=_SORT_KEY), remove=True)
        else:
            # Some of the last load's events came from no chunk held (one not lent, as with
            # a [views] table in it): those borrowed are kept by identity instead.
            borrowed = set(map(id, itertools.chain.from_iterable(k.events for k in kept.values())))
            still = map(borrowed.__contains__, map(id, previous))
            order = list(itertools.compress(previous, still))
        if order is None or len(order) != len(events) - len(fresh):
            return None
        return _spliced(order, sorted(fresh, key=_SORT_KEY), remove=False)

    def outline_of(self, timeline: Timeline) -> Outline:
        """The ``Outline`` of the chunks held, if they are those of the load that made
        ``timeline`` (else none: a later load has replaced them): what its cache entry keeps,
        the events being in the entry already."""
        with self._lock:
            if timeline is not self._made:
                return []
            self._unfold()
            return [
                (key, lent.first, len(lent.events), lent.newlines, lent.size, lent.mark)
                for key, lent in self._chunks.items()
            ]

    def lend(self, timeline: Timeline, outline: Outline) -> None:
        """Hold the chunks of the load that made ``timeline``, as its cache entry outlined
        them; unfolded on first use, so an opening never followed by an edit pays nothing."""
        with self._lock:
            self.replace({}, timeline)
            self._pending = (timeline, outline)

    def unfold(self) -> None:
        """Unfold what a cache entry outlined now, not at the next load (of a save)."""
        with self._lock:
            self._unfold()

    def _unfold(self) -> None:  # with the lock held
        if self._pending is None:
            return
        timeline, outline = self._pending
        self._pending = None
        # The events in file order, by their header lines: passes in C, one sort of positions.
        events = timeline.events
        # 0 for an event without a line (lines count from 1): first, and in no chunk.
        line_of = list(map(timeline.lines.get, map(_ID, events), itertools.repeat(0)))
        order = sorted(range(len(events)), key=cast(Callable[[int], int], line_of.__getitem__))
        at_line = list(map(line_of.__getitem__, order))
        in_file = list(map(events.__getitem__, order))
        chunks: dict[bytes, Lent] = {}
        for key, first, count, newlines, size, mark in outline:
            # A chunk's events are the ``count`` whose headers come first from its first line
            # on. An outline that does not fit the timeline (it cannot, short of a bug) lends
            # nothing rather than guess.
            at = bisect.bisect_left(at_line, first)
            lines = at_line[at : at + count]
            if len(lines) != count or not lines or lines[0] != first:
                chunks = {}
                break
            offsets = list(map((-first).__add__, lines))
            chunks[key] = Lent(in_file[at : at + count], offsets, first, newlines, size, mark)
        self._chunks = chunks
        self._starts = {lent.mark: key for key, lent in chunks.items()}
