"""The obvious free-text search, the reference the query index is tested against.

``haystack`` is what free text searches (docs/query.md): each event's fields, casefolded,
spaces collapsed, joined by U+001F. U+001F counts as whitespace for ``str.split``, so no
normalised needle can contain it and a phrase never matches across two fields; source URLs are
included so that a pasted URL answers "do I already cite this?". ``Index`` builds the same
texts for all events at once (``evaluate._texts``, ``textindex.prepare_texts``) plus the
distinct values of the repeated fields; ``ScanIndex`` is an ``Index`` that answers free text
by scanning the haystacks instead.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from itertools import compress, repeat
from operator import contains

from tui.core.query.evaluate import Index
from tui.core.query.textindex import TextIndex, indices_to_bits
from tui.core.timeline.event import Event


def haystack(event: Event) -> str:
    parts = [
        event.id,
        event.title,
        event.summary,
        event.country_name,
        *event.tags,
        *event.authority,
        *event.platforms,
        *(s.publisher for s in event.sources),
        *(s.title for s in event.sources if s.title),
        *(s.url for s in event.sources),
    ]
    return "\x1f".join(" ".join(p.split()).casefold() for p in parts)


class ScanText:
    """Is the needle in each haystack? Too slow for big timelines."""

    def __init__(self, haystacks: Sequence[str]) -> None:
        self.haystacks = haystacks
        self.n = len(haystacks)

    def search(self, needle: str, within: int | None = None) -> int:
        found = compress(range(self.n), map(contains, self.haystacks, repeat(needle)))
        return indices_to_bits(found, self.n)


class ScanIndex(Index):
    """An ``Index`` whose free text is found by scanning each event's ``haystack``."""

    def __init__(self, events: Sequence[Event], today: date | None = None) -> None:
        super().__init__(events, today)
        self._scan = ScanText([haystack(e) for e in events])

    def _search_text(self, needle: str, within: int | None = None) -> int:
        return self._scan.search(needle, within)


def text_index(texts: Sequence[str], chunk_size: int | None = None) -> TextIndex:
    """A ``TextIndex`` over ready texts (one per event, fields joined by FS; an empty field ends
    a text's head, as in ``Index``), built ``chunk_size`` texts at a time."""
    index = TextIndex(len(texts), lambda lo, hi: texts[lo:hi])
    if chunk_size is not None:
        index.CHUNK = chunk_size
    return index
