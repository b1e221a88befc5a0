"""Sets of events as bitsets, and substring search over event text.

A set of events is a Python ``int`` whose bit ``i`` stands for event ``i``: AND, OR, NOT and
counting (``int.bit_count``) run in C, which is what keeps a filter keystroke fast.

``TextIndex`` answers "which events' text contains this substring". Each event's text is kept
casefolded and whitespace-normalised, and a needle is looked for with ``in`` mapped over the
texts, in C; fields are separated by FS, whitespace that no normalised needle can contain, so a
match never spans two fields.
"""

from __future__ import annotations

import re
import threading
from array import array
from collections import defaultdict, deque
from collections.abc import Callable, Iterable, Sequence
from functools import partial, reduce
from itertools import accumulate, chain, compress, islice, repeat
from operator import contains, itemgetter, or_

from tui.core import tuning

# The bytes 0 and 1 as the digits "0" and "1" and back: a bitset's binary digits, reversed,
# are a byte per event, and ``format`` and ``int`` convert between the two in C.
_FROM_DIGITS = bytes.maketrans(b"01", b"\0\1")
_TO_DIGITS = b"0" + b"1" * 255

RS = "\x1e"  # between two events' texts
FS = "\x1f"  # between two fields of one event
TAIL = FS + FS  # an empty field: in an event's text, ends the prose (see TextIndex)
# Every character ``str.split()`` treats as whitespace, except the space, FS and RS (a test
# checks this against the Unicode database). Non-ASCII ones last: an ASCII text skips them.
_ASCII_SPACES = "\n\t\r\x0b\x0c\x1c\x1d"
_OTHER_SPACES = "".join(
    ("\x85\xa0\u1680", *map(chr, range(0x2000, 0x200B)), "\u2028\u2029\u202f\u205f\u3000")
)

# Maximal runs of letters (and other non-decimal alphanumerics): a needle made only of letters
# that occurs in a text lies inside one of them. ASCII texts go through a byte table instead.
_LETTER_RUNS = re.compile(r"[^\W\d_]+")
_ASCII_LETTERS_ONLY = bytes(
    b if (chr(b).isascii() and chr(b).isalpha()) or b == ord(RS) else ord(" ") for b in range(256)
)

_HEAD = itemgetter(0)  # of str.partition's answer
_TAIL = itemgetter(2)


def bits_to_mask(bits: int, n: int) -> bytes:
    """Bitset -> ``n`` bytes of 0/1."""
    return format(bits, f"0{n}b")[::-1][:n].encode("ascii").translate(_FROM_DIGITS)


def mask_to_bits(mask: bytes | bytearray) -> int:
    """Bytes (0 = out, anything else = in) -> bitset."""
    return int(mask.translate(_TO_DIGITS)[::-1] or b"0", 2)


def bits_to_indices(bits: int, n: int) -> list[int]:
    """Bitset -> ascending indices."""
    count = bits.bit_count()
    if count == n:
        return list(range(n))  # a one-letter search: faster than the general way
    if count > n >> 3:
        return list(compress(range(n), bits_to_mask(bits, n)))
    # Few: each is one more than the run of zeros before it, all added up in C.
    runs = format(bits, "b")[::-1].split("1")
    return list(accumulate(map((1).__add__, map(len, runs)), initial=-1))[1:-1]


def indices_to_bits(indices: Iterable[int], n: int) -> int:
    """Indices (any order, repeats allowed) -> bitset."""
    if isinstance(indices, range) and indices.step == 1:
        start, stop = max(indices.start, 0), min(indices.stop, n)
        return ((1 << stop) - (1 << start)) if stop > start else 0
    mask = bytearray(n)
    deque(map(mask.__setitem__, indices, repeat(1)), maxlen=0)
    return mask_to_bits(mask)


def normalize_spaces(text: str) -> str:
    """``text`` with every whitespace character but FS and RS made a space, and runs of spaces
    made one.

    What ``" ".join(field.split())`` does to each field, except that a field may keep one space
    at either end: harmless, since a normalised needle neither starts nor ends with a space.
    Each check is one C scan (none at all for a character wider than any in ``text``).
    """
    for char in _ASCII_SPACES if text.isascii() else _ASCII_SPACES + _OTHER_SPACES:
        if char in text:
            text = text.replace(char, " ")
    while "  " in text:
        text = text.replace("  ", " ")
    return text


def prepare_texts(texts: Sequence[str]) -> list[str]:
    """Events' raw texts (fields joined by FS) -> their searchable form: casefolded, then
    ``normalize_spaces``.

    Casefolding runs on each text (an ASCII text takes CPython's fast path); the whitespace
    work runs once on all the texts joined, a few C calls in all. A text must hold no FS or RS
    other than its field separators (the model forbids control characters in every field), but
    an RS in a text cannot shift the others: such a batch is normalised text by text.
    """
    folded = list(map(str.casefold, texts))
    out = normalize_spaces(RS.join(folded)).split(RS)
    if len(out) != len(folded):
        out = [normalize_spaces(text) for text in folded]
    return out


def letter_words(texts: Sequence[str]) -> list[str]:
    """Each text's runs of letters, separated by spaces: ``https://a.org/x-1`` -> ``https a org
    x``. A needle of letters only occurs in a text exactly when it occurs in one of its runs,
    so a ``WordIndex`` of these answers such needles for texts of one-off tokens (URLs, ids)
    whose whitespace-separated words would be as many as the texts."""
    joined = RS.join(texts)
    if joined.isascii():
        out = joined.encode("ascii").translate(_ASCII_LETTERS_ONLY).decode("ascii").split(RS)
        if len(out) == len(texts):
            return out
    return [" ".join(_LETTER_RUNS.findall(text)) for text in texts]


class WordIndex:
    """The words (whitespace-separated tokens) of the events' texts -> the events holding them.

    A scan reads every text; a needle without spaces is inside some word of a text exactly when
    the text contains it, so it is looked up among a few thousand words instead. Built in
    C-level passes over slices of texts, between which other threads get the GIL.
    """

    _SLICE = tuning.WORD_SLICE

    def __init__(self, n: int, texts: Iterable[str]) -> None:
        self.n = n
        heads = iter(texts)
        # Each word's events as 32-bit ints: half what lists of ints would take.
        postings: defaultdict[str, array[int]] = defaultdict(partial(array, "i"))
        # The collector stays paused: each slice makes a set per event, and the collections
        # they would start walk everything built so far, holding the GIL.
        with tuning.gc_paused():
            for lo in range(0, n, self._SLICE):
                words = list(map(set, map(str.split, islice(heads, self._SLICE))))
                owners = chain.from_iterable(map(repeat, range(lo, n), map(len, words)))
                lists = map(postings.__getitem__, chain.from_iterable(words))
                deque(map(array.append, lists, owners), maxlen=0)
        # Frequent words as bitsets (an OR is cheap), the others as their arrays; each kind
        # apart, so that a search tests and collects it in C.
        floor = max(64, n // 64)
        self._dense_words = [word for word, owners in postings.items() if len(owners) >= floor]
        self._dense_bits = [indices_to_bits(postings.pop(word), n) for word in self._dense_words]
        self._rare_words = list(postings)
        self._rare_owners = list(postings.values())

    def parts(self, needle: str) -> tuple[int, list[array[int]]]:
        """For the words containing ``needle``: the events of the frequent ones (a bitset) and
        those of each rare one (arrays of indices), found in a few C-level passes."""
        dense = compress(self._dense_bits, map(contains, self._dense_words, repeat(needle)))
        rare = compress(self._rare_owners, map(contains, self._rare_words, repeat(needle)))
        return reduce(or_, dense, 0), list(rare)


class TextIndex:
    """Which of ``n`` events' texts contain a needle. Needles must be normalised like the texts:
    casefolded, whitespace runs made one space, no leading or trailing space.

    ``chunk(lo, hi)`` gives the raw texts of events ``lo`` to ``hi - 1`` (see ``prepare_texts``),
    asked a chunk at a time by the first search or by ``build()``. The first ``TAIL`` in a text
    ends its head (prose: titles, summaries; a text without one is all head), and the rest, its
    tail, is mostly one-off tokens (ids, URLs) that would swell a word index; a needle cannot
    span the two. ``build_words()`` (in the background) indexes the heads' words and the tails'
    runs of letters (``letter_words``).
    """

    # The knobs are class attributes so that a test can shrink them for one index.
    CHUNK = tuning.TEXT_CHUNK
    _SLICE = tuning.TEXT_SLICE

    def __init__(self, n: int, chunk: Callable[[int, int], Sequence[str]]) -> None:
        self.n = n
        self._chunk = chunk
        self._heads: list[str] | None = None
        self._tails: list[str] | None = None
        self._words: WordIndex | None = None
        self._tail_words: WordIndex | None = None  # the tails' runs of letters (letter_words)
        # Every one-character needle of letters or digits, answered once the words are built:
        # the first key of a search is the slowest one to answer (it is in most texts).
        self._letters: dict[str, int] = {}
        self._lock = threading.Lock()  # building

    def build(self) -> None:
        """Build the searchable texts now (else the first search does), a chunk at a time."""
        if self._heads is not None:
            return
        with self._lock:
            if self._heads is not None:
                return
            heads: list[str] = []
            tails: list[str] = []
            for lo in range(0, self.n, self.CHUNK):
                with tuning.gc_paused():
                    texts = prepare_texts(self._chunk(lo, min(lo + self.CHUNK, self.n)))
                    parts = list(map(str.partition, texts, repeat(TAIL)))
                    heads += map(_HEAD, parts)
                    tails += map(_TAIL, parts)
            self._tails = tails
            self._heads = heads

    def build_words(self) -> None:
        """Index the tails' runs of letters, then the heads' words (the texts are built first).
        Searches use each index once it is ready."""
        self.build()
        assert self._heads is not None and self._tails is not None
        tails, step = self._tails, WordIndex._SLICE
        with self._lock:
            if self._words is not None:
                return
            runs = (letter_words(tails[lo : lo + step]) for lo in range(0, self.n, step))
            self._tail_words = WordIndex(self.n, chain.from_iterable(runs))
            self._words = WordIndex(self.n, self._heads)
            chars = chain.from_iterable(self._words._dense_words + self._words._rare_words)
            for char in sorted(c for c in set(chars) if c.isalnum()):
                self._letters[char] = self.search(char)

    def search(self, needle: str, within: int | None = None) -> int:
        """Bitset of the events whose text contains ``needle`` (the empty needle matches all).
        With ``within`` (a bitset), the answer need only be right inside it, where alone it
        looks."""
        if not needle:
            return (1 << self.n) - 1
        if (found := self._letters.get(needle)) is not None:
            return found
        self.build()
        assert self._heads is not None and self._tails is not None
        among = (1 << self.n) - 1 if within is None else within
        words = self._words
        if words is not None and " " not in needle:
            found = self._by_words(words, self._heads, needle, among)
        else:
            found = self._scan(self._heads, needle, within)
        # Only the events not found already need their tails read.
        rest = among & ~found
        if not rest:
            return found
        tail_words = self._tail_words
        if tail_words is not None and needle.isalpha():
            return found | self._by_words(tail_words, self._tails, needle, rest)
        return found | self._scan(self._tails, needle, rest)

    def _by_words(self, words: WordIndex, texts: list[str], needle: str, among: int) -> int:
        """The events (exact inside ``among``) whose text in ``texts`` contains ``needle``, from
        the words of those texts: the events of the frequent words holding it, then those of
        the rare ones marked one by one, or, when fewer texts are left to read than entries to
        mark (a short needle), those texts scanned."""
        bits, rare = words.parts(needle)
        left = among & ~bits
        if not left or not rare:
            return bits
        # Marking an entry costs about a third of reading a text (measured at 100,000 events).
        if sum(map(len, rare)) <= 3 * left.bit_count():
            return bits | indices_to_bits(chain.from_iterable(rare), self.n)
        return bits | self._scan(texts, needle, left)

    def _scan(self, texts: list[str], needle: str, among: int | None) -> int:
        """The events (of ``among``, if given) whose text in ``texts`` contains ``needle``; in
        slices of texts, so that no C call holds the GIL for long."""
        n, step = self.n, self._SLICE
        if among is None or among.bit_count() > n // 2:
            found = (
                bytes(map(contains, texts[lo : lo + step], repeat(needle)))
                for lo in range(0, n, step)
            )
            bits = mask_to_bits(b"".join(found))  # a byte per event, straight to bits
            return bits if among is None else bits & among
        picked = bits_to_indices(among, n)
        hits: list[int] = []
        for lo in range(0, len(picked), step):
            some = picked[lo : lo + step]
            hits += compress(some, map(contains, map(texts.__getitem__, some), repeat(needle)))
        return indices_to_bits(hits, n)
