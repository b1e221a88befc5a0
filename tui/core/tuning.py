"""The engine's speed and responsiveness knobs, in one place.

Every value here trades time, memory or the UI thread's share of the GIL; none changes what a
file loads as or what a query answers (the cache key leaves this file out for that reason).
What each was measured at is in docs/performance.md. Also here: the pauses of Python's cyclic
garbage collector while many long-lived objects are made, and the ways long loops in worker
threads hand the GIL to the UI thread.
"""

from __future__ import annotations

import gc
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

# -- opening a file -----------------------------------------------------------------------------

# Bigger files open at once and load in the background; smaller ones are loaded first, so a
# broken file prints its errors without ever drawing a screen.
BACKGROUND_LOAD_BYTES = 2_000_000
# The head of a big file that the quick first paint reads: enough for PREVIEW_EVENTS events.
PREVIEW_BYTES = 1_000_000
# Events the preview parses: more than a tall terminal shows, few enough to parse at once.
PREVIEW_EVENTS = 300
# Bytes read at a time while hashing a file. Reading and hashing let go of the GIL and take it
# back after every block, and while another thread imports or draws (the prefetch runs beside
# Textual's import) each take-back can wait out that thread's switch interval: few big blocks
# need few take-backs.
READ_BLOCK_BYTES = 16 << 20
# Bytes read at a time while a file is parsed as it is read (its bytes, their text and the
# part of a line left over are held at once): small against the events, big against a syscall.
TEXT_BLOCK_BYTES = 1 << 20

# Seconds at least between two progress notes while a big file loads ("loading the rest… 42%").
PROGRESS_SECONDS = 0.25

# Seconds between two looks at the opened file (one `stat` each; the file is hashed only when
# it changed): half of it, on average, is added to the time a save takes to show.
WATCH_SECONDS = 0.3

# -- the loader's chunks (tui.core.files.chunks) -----------------------------------------------

# One `[[events]]` header in CHUNK_EVERY is a cut: an edit reparses one chunk of about that
# many events, and a first load pays little per chunk.
CHUNK_EVERY = 256
# At most this much of the line after a header decides: the id fits, a long line costs nothing.
CHUNK_LOOK = 96
# A cut whatever the checksum after this many characters, so that a file of near-identical
# events still comes in chunks; content-chosen cuts resume at the next chosen header.
CHUNK_LONGEST = 1_000_000

# A file this big with nothing to borrow from an earlier load is parsed by worker processes
# (tui.core.files.workers), at most PARSE_WORKERS of them: smaller files are parsed before
# the workers would have started.
PARALLEL_BYTES = 8_000_000
PARSE_WORKERS = 4

# -- validating events (tui.core.timeline.model) ------------------------------------------------

# Distinct platforms, tags and authorities kept as known good, so that a list of them is
# checked in a few C calls: far more than a timeline's vocabulary, few enough to hold always.
KNOWN_WORDS = 4096

# -- the cache of validated timelines (tui.core.files.cache) -----------------------------------

# Events in an entry's head: more than a tall terminal shows; the first paint needs only these.
HEAD_EVENTS = 300
# Events per block of an entry: a load never holds the whole entry's bytes and rows at once.
BLOCK_EVENTS = 10_000

# -- the query index (tui.core.query) ------------------------------------------------------------

# Answers an Index keeps, by query: a user's recent queries and those their facet counts ask.
QUERY_CACHE_SIZE = 256
# Events whose search texts are built per step: a short hold of the GIL and of the collector.
TEXT_CHUNK = 4096
# Texts a free-text scan looks at per C call: short enough that the UI thread waits little for
# the GIL, long enough that the calls' overhead does not count.
TEXT_SLICE = 8192
# Events per slice while the word index is built: each makes a set per event, so fewer.
WORD_SLICE = 512

# -- the timeline view (tui.core.time) ----------------------------------------------------------

# A big view's placement is large: only the last few windows are kept.
PLACEMENTS = 4
# Events between two chances for a layout worker to hand the GIL over (``breathe``).
BREATHE_EVERY = 4096
# Seconds of work between two breaths: each sleep is a system call, slow on a busy machine.
BREATH_SECONDS = 0.002

# -- the garbage collector -----------------------------------------------------------------------

# Below this many events the collector's pauses are short and freezing is not worth it.
FREEZE_FROM = 5_000


_breaths = threading.local()


def breathe() -> None:
    """Let the UI thread take the GIL, if this thread has held it for a while.

    A big view is laid out in a worker thread. Its loops hold the GIL, and the UI thread, which
    gives the GIL up at every read and write, would wait for it each time; sleeping hands it
    over. Each sleep costs a system call, hence the rate limit. The UI thread itself never
    needs to."""
    if threading.current_thread() is threading.main_thread():
        return
    now = time.perf_counter()
    if now - getattr(_breaths, "last", 0.0) >= BREATH_SECONDS:
        time.sleep(0)
        _breaths.last = time.perf_counter()


# Reference counting frees almost everything this program drops; the cyclic collector only
# adds passes over objects that will live as long as the process (modules, widgets, events).
# Each pass walks the young heap, and a full one the whole heap: while an index, a timeline or
# the app itself is built, those passes cost more than the building.

_lock = threading.Lock()
_pauses = 0
_was_enabled = True
_start_paused = False


@contextmanager
def gc_paused() -> Iterator[None]:
    """No collections inside. Pauses nest and may be taken by several threads: the collector
    runs again when the last one ends (if it ran before)."""
    _pause(1)
    try:
        yield
    finally:
        _pause(-1)


def _pause(step: int) -> None:
    """Begin (1) or end (-1) a pause."""
    global _pauses, _was_enabled
    with _lock:
        if _pauses == 0:
            _was_enabled = gc.isenabled()
        _pauses += step
        if _pauses:
            gc.disable()
        elif _was_enabled:
            gc.enable()


def freeze_if_many(count: int) -> None:
    """After ``count`` long-lived objects were made in a pause: keep them out of later full
    collections (reference counting still frees them), unless they are too few to matter."""
    if count >= FREEZE_FROM:
        gc.freeze()


def gc_pause_for_start() -> None:
    """Pause from the explorer's start to its first frame (``gc_end_start``): the start makes
    many young, middle and full collections, each walking what the start has built so far."""
    global _start_paused
    if not _start_paused:
        _start_paused = True
        _pause(1)


def gc_end_start(collect: bool = True) -> None:
    """The first frame is drawn: collect what the start left, keep what it built out of later
    full collections (``gc.freeze``: modules, widgets, styles live as long as the app), and end
    the start's pause. One collection here instead of one in the middle of the first keystroke;
    none with ``collect=False`` (a load begins at this frame, and would wait for it), and then
    the freeze keeps the first allocation after the pause from setting it off.

    While another pause holds (a loader building a big timeline), the start's pause just ends:
    a collection now would walk the records being made, and the loader freezes them itself."""
    global _start_paused
    if not _start_paused:
        return
    _start_paused = False
    with _lock:
        alone = _pauses == 1
    if alone:
        if collect:
            gc.collect()
        gc.freeze()
    _pause(-1)
