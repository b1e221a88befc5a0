"""Opening a timeline file, in stages: the first events, then the whole timeline, then its index.

One pipeline for the CLI, the app and the tests. ``begin`` runs before the UI is imported: a
small file is loaded there (so a broken one prints its errors without ever drawing a screen), a
big one is read and hashed on another thread (``Prefetch``) while Textual is imported, or, never
cached, its first events are parsed there meanwhile.
``stages`` then runs in the app's load worker and yields what the screen can show as soon as it
has it. Pure: no Textual, and neither the TOML parser nor pydantic unless the cache misses.
"""

from __future__ import annotations

import contextlib
import re
import time
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass, field
from datetime import date
from functools import partial
from pathlib import Path

from tui.core import tuning
from tui.core.files import cache
from tui.core.files.chunks import Reuse
from tui.core.files.digest import file_digest
from tui.core.query import evaluate
from tui.core.timeline.event import Timeline

_EVENTS_HEADER = re.compile(rb"^[ \t]*\[\[[ \t]*events[ \t]*\]\]", re.MULTILINE)


@dataclass(slots=True)
class Opening:
    """A file being opened: loaded already (``timeline``), or being read (``prefetch``)."""

    path: Path
    timeline: Timeline | None = None
    digest: str | None = None  # SHA-256 of the bytes ``timeline`` came from
    prefetch: cache.Prefetch | None = None
    # What this opening's load lends the reloads after an edit (only changed chunks reparse).
    reuse: Reuse = field(default_factory=Reuse)


def is_big(path: Path) -> bool:
    try:
        return path.is_file() and path.stat().st_size > tuning.BACKGROUND_LOAD_BYTES
    except OSError:
        return False


def begin(path: Path, *, load: bool | None = None) -> Opening:
    """Start opening ``path``: load it now (small files, or ``load=True``), else prefetch it.
    Raises TimelineError when a file loaded now has problems."""
    if load or (load is None and not is_big(path)):
        reuse = Reuse()
        timeline, digest = cache.load_cached(path, reuse)
        return Opening(path, timeline, digest, reuse=reuse)
    # Reads and hashes the big file on another core while the caller imports the UI.
    return Opening(path, prefetch=cache.Prefetch(path))


@dataclass(frozen=True, slots=True)
class Estimate:
    events: int  # about how many events the file holds, judged by its first megabyte


@dataclass(frozen=True, slots=True)
class First:
    timeline: Timeline  # the first events, shown while the rest loads
    index: evaluate.Index


@dataclass(frozen=True, slots=True)
class Loaded:
    timeline: Timeline
    index: evaluate.Index
    digest: str


Stage = Estimate | First | Loaded


def stages(
    opening: Opening,
    today: date,
    progress: Callable[[str], None],
    *,
    head_shown: bool = False,
) -> Iterator[Stage]:
    """The stages of loading ``opening.path`` in the background: an Estimate, the First events
    (unless ``head_shown``: the prefetched head is on screen already), then the whole timeline
    Loaded with its index. ``progress`` gets notes for the header. Raises TimelineError."""
    path, prefetch = opening.path, opening.prefetch
    # Bytes read here for the cache key are parsed below on a miss, not read again. (The
    # prefetch hashed its bytes without keeping them: a miss after it reads the file.)
    data: bytes | None = None
    entry = prefetch.wait().entry if prefetch is not None else None
    if prefetch is not None and entry is not None and prefetch.digest:
        yield from _estimate(path)
        if (yield from _cached(entry, prefetch.digest, today, progress, opening, head_shown)):
            return
    elif prefetch is None:
        with contextlib.suppress(OSError, ValueError):  # read_bytes below says why
            data = path.read_bytes()
        if data is not None:
            key = file_digest(data)  # hashlib lets the UI thread run meanwhile
            found = cache.entry(path, key)
            if found is not None:
                yield from _estimate(path, data[: tuning.PREVIEW_BYTES], len(data))
                if (yield from _cached(found, key, today, progress, opening)):
                    return
    # Not cached (or a damaged entry): parse and validate, the first events first.
    parse = _parse(opening, data, today, progress, head_shown)
    del data  # held by the parse only until it has read the head
    yield from parse


def _parse(
    opening: Opening,
    data: bytes | None,
    today: date,
    progress: Callable[[str], None],
    head_shown: bool,
) -> Iterator[Stage]:
    """The stages of a file parsed: an estimate, the first events (unless ``head_shown``: the
    prefetch's are on screen), then all."""
    path, prefetch = opening.path, opening.prefetch
    # The preview needs the first few hundred events: read only the head.
    head = b"" if data is None else data[: tuning.PREVIEW_BYTES]
    if data is None:
        with contextlib.suppress(OSError), path.open("rb") as file:
            head = file.read(tuning.PREVIEW_BYTES)
    yield from _estimate(path, head, None if data is None else len(data))
    first = None if head_shown or prefetch is None else prefetch.head
    if first is None and not head_shown:
        from tui.core.files.preview import preview_head

        first = preview_head(head, str(path))
    if first is not None and first.events:
        yield First(first, evaluate.Index(first.events, today=today))
    from tui.core.files.load import load_file

    # Read again, a block at a time: the whole text is never held (~100 MB at 100k events).
    del data
    percent, said = -1, 0.0

    def loading(share: float) -> None:
        # At most a few notes a second: each one redraws the header, on the cores the parse
        # needs.
        nonlocal percent, said
        now = time.monotonic()
        if int(share * 100) > percent and now - said >= tuning.PROGRESS_SECONDS:
            percent, said = int(share * 100), now
            progress(f"loading the rest… {percent}%")

    if not len(opening.reuse):
        # An edited file: the entry of its last version lends the chunks the edit left alone.
        note = partial(progress, "loading… (reading what is unchanged since the last opening)")
        cache.lend_previous(path, opening.reuse, note)
    timeline, digest = load_file(path, loading, reuse=opening.reuse)
    progress("indexing for search…")
    yield Loaded(timeline, evaluate.Index(timeline.events, today=today), digest)
    # The next opening of this file skips all of the above. Before the caller warms the
    # index: a user who quits at once still gets it.
    cache.store(path, digest, timeline, opening.reuse.outline_of(timeline))


def _cached(
    found: cache.Entry,
    digest: str,
    today: date,
    progress: Callable[[str], None],
    opening: Opening,
    head_shown: bool = False,
) -> Generator[Stage, None, bool]:
    """A cache entry's first events, then all; returns False if the entry is damaged."""
    first = None if head_shown else found.head()
    if first is not None and first.events:
        yield First(first, evaluate.Index(first.events, today=today))
    progress("loading the rest…")
    timeline = found.timeline()
    if timeline is None:
        return False
    opening.reuse.lend(timeline, found.outline)
    yield Loaded(timeline, evaluate.Index(timeline.events, today=today), digest)
    return True


def _estimate(path: Path, head: bytes | None = None, size: int | None = None) -> Iterator[Stage]:
    try:
        if head is None:
            with path.open("rb") as file:
                head = file.read(tuning.PREVIEW_BYTES)
        if size is None:
            size = path.stat().st_size
    except OSError:
        return  # the load says what is wrong
    expected = estimate_events(head, size)
    if expected is not None:
        yield Estimate(expected)


def estimate_events(head: bytes, size: int) -> int | None:
    """About how many events a file of ``size`` bytes holds, judged by its first bytes ``head``.

    The ``[[events]]`` headers in the head, scaled to the whole file and rounded to two
    significant digits (it is an estimate: "~100,000"); exact when the head is the whole file.
    None when the head holds no event header. (A header inside a string or a comment counts
    too: good enough for "how many of about how many" while the real count is being read.)
    """
    # bytes.count is ~100 times faster than the regex; the regex catches `[[ events ]]`.
    found = head.count(b"[[events]]") or len(_EVENTS_HEADER.findall(head))
    if not found or not head:
        return None
    if size <= len(head):
        return found
    estimate = found * size / len(head)
    digits = max(len(str(int(estimate))) - 2, 0)
    return int(round(estimate, -digits))
