"""Sets of events as bitsets, and a substring index over event text.

A set of events is a Python ``int`` whose bit ``i`` stands for event ``i``: AND, OR, NOT and
counting (``int.bit_count``) then run in C over 12.5 kB for 100,000 events, which is what keeps a
filter keystroke fast. Converting to and from index lists goes through a byte mask (one byte per
event) built with ``bytes.translate`` and slice assignment, so no Python loop runs per event.

``TextIndex`` answers "which haystacks contain this substring". Small timelines are scanned
directly. From a few thousand events on, it also keeps a token index (whitespace-separated tokens
-> events): a needle without spaces is found in the vocabulary (small) instead of in every event
(large), and a phrase is checked only in events that have all its words. Results are cached, and
a needle is scanned only within the matches of a cached needle it contains — typing ``enc`` after
``en`` searches just the events that matched ``en``.
"""

from __future__ import annotations

from array import array
from collections import OrderedDict, deque
from collections.abc import Iterable, Sequence
from itertools import compress, repeat
from operator import contains

# Bit k of each byte, as a 0/1 byte: translate tables for spreading bits out to a byte mask.
_SPREAD = [bytes((b >> k) & 1 for b in range(256)) for k in range(8)]
# A 0/nonzero byte -> bit k set: translate tables for packing a byte mask back into bits.
_PACK = [bytes((1 << k) if b else 0 for b in range(256)) for k in range(8)]


def bits_to_mask(bits: int, n: int) -> bytes:
    """Bitset -> ``n`` bytes of 0/1."""
    nbytes = (n + 7) // 8
    data = bits.to_bytes(nbytes, "little")
    out = bytearray(nbytes * 8)
    for k in range(8):
        out[k::8] = data.translate(_SPREAD[k])
    return bytes(out[:n])


def mask_to_bits(mask: bytes | bytearray) -> int:
    """Bytes (0 = out, anything else = in) -> bitset."""
    n = len(mask)
    nbytes = (n + 7) // 8
    padded = bytes(mask) + bytes(nbytes * 8 - n)
    bits = 0
    for k in range(8):
        bits |= int.from_bytes(padded[k::8].translate(_PACK[k]), "little")
    return bits


def bits_to_indices(bits: int, n: int) -> list[int]:
    """Bitset -> ascending indices."""
    if not bits:
        return []
    return list(compress(range(n), bits_to_mask(bits, n)))


def indices_to_bits(indices: Iterable[int], n: int) -> int:
    """Indices (any order, repeats allowed) -> bitset."""
    if isinstance(indices, range) and indices.step == 1:
        start, stop = max(indices.start, 0), min(indices.stop, n)
        return ((1 << stop) - (1 << start)) if stop > start else 0
    mask = bytearray(n)
    deque(map(mask.__setitem__, indices, repeat(1)), maxlen=0)
    return mask_to_bits(mask)


class TextIndex:
    """Which of ``haystacks`` contain a needle. Needles must be normalised like the haystacks."""

    # Below this many haystacks a plain scan is fast enough and the token index is not built.
    TOKEN_THRESHOLD = 4000
    # At most this many tokens are kept as bitsets (12.5 kB each at 100,000 events).
    MAX_DENSE = 4096
    _CACHE_SIZE = 128

    def __init__(self, haystacks: Sequence[str], token_threshold: int | None = None) -> None:
        self.haystacks = haystacks
        self.n = len(haystacks)
        self._cache: OrderedDict[str, int] = OrderedDict()
        self._vocab_cache: OrderedDict[str, list[str]] = OrderedDict()
        threshold = self.TOKEN_THRESHOLD if token_threshold is None else token_threshold
        self._tokens: dict[str, array[int] | int] | None = None
        self._vocabulary: list[str] = []
        if self.n >= threshold:
            self._build_tokens()

    def _build_tokens(self) -> None:
        postings: dict[str, array[int]] = {}
        for index, hay in enumerate(self.haystacks):
            for token in set(hay.split()):
                found = postings.get(token)
                if found is None:
                    postings[token] = array("i", (index,))
                else:
                    found.append(index)
        # Frequent tokens become bitsets (an OR is cheap); rare ones stay index arrays.
        floor = max(64, self.n // 256)
        frequent = sorted(
            (t for t, p in postings.items() if len(p) >= floor), key=lambda t: -len(postings[t])
        )
        tokens: dict[str, array[int] | int] = dict(postings)
        for token in frequent[: self.MAX_DENSE]:
            tokens[token] = indices_to_bits(postings[token], self.n)
        self._tokens = tokens
        self._vocabulary = list(tokens)

    def search(self, needle: str, within: int | None = None) -> int:
        """Bitset of the haystacks containing ``needle`` (the empty needle matches all).

        With ``within`` (a bitset), the answer need only be right inside it: a needle that would
        need a scan is then checked only there. Only complete answers are cached.
        """
        if not needle:
            return (1 << self.n) - 1
        cached = self._cache.get(needle)
        if cached is not None:
            self._cache.move_to_end(needle)
            return cached
        if within is not None and within.bit_count() <= self.n // 2 and self._scans(needle):
            return self._search(needle, within)
        bits = self._search(needle, None)
        self._cache[needle] = bits
        if len(self._cache) > self._CACHE_SIZE:
            self._cache.popitem(last=False)
        return bits

    def _scans(self, needle: str) -> bool:
        """Whether answering ``needle`` means scanning haystacks (not just the token index)."""
        return self._tokens is None or len(needle) < 2 or " " in needle

    def _search(self, needle: str, within: int | None) -> int:
        narrow = self._narrowest(needle)
        if within is not None:
            narrow = within if narrow is None else narrow & within
        if self._tokens is None or len(needle) < 2:
            return self._scan(needle, narrow)
        words = needle.split()
        if len(words) == 1:
            found = self._from_tokens(needle)
            return found if found is not None else self._scan(needle, narrow)
        # A phrase: only events holding every word can hold the phrase; check just those.
        candidates = (1 << self.n) - 1 if narrow is None else narrow
        for word in words:
            candidates &= self.search(word)
            if not candidates:
                return 0
        return self._scan(needle, candidates)

    def _from_tokens(self, needle: str) -> int | None:
        """Union of the postings of the tokens containing ``needle``; None when marking their
        events one by one would cost more than a scan (a short needle in very many rare tokens)."""
        assert self._tokens is not None
        bits = 0
        rare: list[array[int]] = []
        budget = 4 * self.n
        for token in self._tokens_containing(needle):
            posting = self._tokens[token]
            if isinstance(posting, int):
                bits |= posting
            else:
                rare.append(posting)
                budget -= len(posting)
                if budget < 0:
                    return None
        if rare:
            mask = bytearray(self.n)
            for posting in rare:
                deque(map(mask.__setitem__, posting, repeat(1)), maxlen=0)
            bits |= mask_to_bits(mask)
        return bits

    def _tokens_containing(self, needle: str) -> list[str]:
        # Tokens containing "encr" are among those containing "enc": search the smallest such list.
        pool = self._vocabulary
        for other, tokens in self._vocab_cache.items():
            if other in needle and len(tokens) < len(pool):
                pool = tokens
        found = list(compress(pool, map(contains, pool, repeat(needle))))
        self._vocab_cache[needle] = found
        if len(self._vocab_cache) > self._CACHE_SIZE:
            self._vocab_cache.popitem(last=False)
        return found

    def _narrowest(self, needle: str) -> int | None:
        """The smallest cached result for a substring of ``needle``: its matches are a superset."""
        best: int | None = None
        best_count = self.n + 1
        for other, bits in self._cache.items():
            if other in needle:
                count = bits.bit_count()
                if count < best_count:
                    best, best_count = bits, count
        return best

    def _scan(self, needle: str, candidates: int | None) -> int:
        hays = self.haystacks
        if candidates is None:
            picked = range(self.n)
            found = map(contains, hays, repeat(needle))
        else:
            picked = bits_to_indices(candidates, self.n)
            found = map(contains, map(hays.__getitem__, picked), repeat(needle))
        return indices_to_bits(compress(picked, found), self.n)
