"""Path -> validated Timeline, or one TimelineError that carries every problem found.

Three ways in, one way out: ``load_timeline(path)``, ``load_bytes(data, name)`` and
``load_text(text, name)`` either return a Timeline or raise TimelineError. Nothing that a file
can contain makes them raise anything else. Reading, decoding and TOML syntax errors are
``read``'s; what is wrong with the parsed data, ``problems``'s. This module first tries the fast
path (a valid file parsed and validated in chunks), then the careful path that names every problem.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import stat
from collections.abc import Callable, Generator, Iterator
from itertools import chain
from operator import attrgetter
from pathlib import Path
from typing import Any, TypeVar, cast

from tui.core import tuning
from tui.core.files import chunks, read, toml10
from tui.core.files.chunks import Reuse
from tui.core.files.digest import file_digest
from tui.core.files.locate import event_header_lines
from tui.core.files.read import decode, deepest, parse
from tui.core.timeline.errors import Problem, TimelineError
from tui.core.timeline.event import Event, Timeline, in_date_order, span_order
from tui.core.timeline.rules import TOP_LEVEL_KEYS, plain_event, plain_info, plain_views

Progress = Callable[[float], None]
Job = TypeVar("Job")


def load_timeline(path: str | os.PathLike[str], progress: Progress | None = None) -> Timeline:
    """Read, parse and validate a timeline file.

    ``progress`` (optional) is called with the share of the file done, 0.0 to 1.0, from the
    thread that loads.
    """
    return load_file(path, progress)[0]


def load_file(
    path: str | os.PathLike[str],
    progress: Progress | None = None,
    *,
    reuse: Reuse | None = None,
) -> tuple[Timeline, str]:
    """``load_timeline``, and the SHA-256 of the bytes it read (``file_digest``). A valid file is
    read, hashed and parsed a block at a time, never held whole: at 100,000 events, ~100 MB of
    text less at the peak."""
    path = Path(path)
    name = str(path)
    sha = hashlib.sha256()

    def whole(data: bytes) -> tuple[Timeline, str]:
        return load_bytes(data, name, progress, reuse=reuse), file_digest(data)

    try:
        file = path.open("rb")
    except (OSError, ValueError):
        return whole(read.read_bytes(path))  # read_bytes raises the words for why not
    with file:
        info = os.fstat(file.fileno())
        if not stat.S_ISREG(info.st_mode):
            # A pipe (``<(…)``, /dev/stdin) can be read only once: whole, as before.
            return whole(file.read())
        try:
            pieces = chunks.pieces(read.text_blocks(file, sha), reuse)
            timeline = _load_pieces(pieces, info.st_size, name, progress, reuse, _utf8_length)
        except Exception:  # not UTF-8, or a bug of ours: the careful path says what
            timeline = None
        if timeline is not None:
            return timeline, sha.hexdigest()
        file.seek(0)  # the same file, not whatever the name points at by now
        data = file.read()
    if reuse is not None:
        reuse.clear()
    return _careful(read.decode(data, name), name), file_digest(data)


def load_bytes(
    data: bytes,
    name: str = "<bytes>",
    progress: Progress | None = None,
    *,
    reuse: Reuse | None = None,
) -> Timeline:
    """Decode (UTF-8, an optional byte-order mark), parse and validate a timeline."""
    # decode() has dropped the byte-order mark: a second one is an error, as TOML says.
    return _load(decode(data, name), name, progress, reuse)


def load_text(
    text: str,
    name: str = "<text>",
    progress: Progress | None = None,
    *,
    reuse: Reuse | None = None,
) -> Timeline:
    """Parse and validate timeline text; ``name`` is the path that messages show.

    ``reuse`` (``chunks.Reuse``) lends the events of the chunks an earlier load of the same file
    parsed, and is left holding this load's: an edit of one event reparses one chunk."""
    return _load(text.removeprefix("\ufeff"), name, progress, reuse)


def _load(
    text: str, name: str, progress: Progress | None = None, reuse: Reuse | None = None
) -> Timeline:
    try:
        fast = _load_valid(text, name, progress, reuse)
    except Exception:
        # Deep nesting, or a bug of ours or of a parser: the careful path below reads the file
        # again and says what went wrong as a problem, never as a traceback.
        fast = None
    if fast is not None:
        return fast
    if reuse is not None:
        reuse.clear()  # nothing a careful load sees is lent: it did not parse chunk by chunk
    return _careful(text, name)


def _careful(text: str, name: str) -> Timeline:
    from tui.core.files.problems import Checker

    checker = Checker(text, name)
    try:
        timeline = checker.check(parse(text, name))
    except TimelineError:
        raise
    except RecursionError:
        raise TimelineError(
            [Problem(name, "arrays or tables nested too deep to check", *deepest(text))]
        ) from None
    except Exception as exc:
        # A bug of ours (or of a library) must still reach the user as a message, not a
        # traceback; the chained exception keeps the details for a bug report.
        internal = f"internal error while checking ({type(exc).__name__}); please report it"
        raise TimelineError([*checker.problems, Problem(name, internal)]) from exc
    if checker.problems:
        raise TimelineError(checker.problems)
    assert timeline is not None
    return timeline


# -- the fast path for valid files --------------------------------------------------------------
#
# A valid file is parsed in chunks cut at ``[[events]]`` headers (``toml10``: toml-rs in its
# TOML 1.0 mode) and validated chunk by chunk with the garbage collector paused, so
# neither the whole parsed document nor the collector's passes over a growing heap are ever paid
# for. Anything unusual (a chunk that does not parse, a key in two chunks, any problem at all)
# makes it give up and return None: the careful path below then reports exactly what it always
# has.

_PLAIN_HEADER = "\n[[events]]"
_ID, _RELATED = attrgetter("id"), attrgetter("related")
_DATE, _END = attrgetter("date"), attrgetter("end_date")
# A line opening with a bracket other than a plain [[events]] or [[events.…]] header: an
# indented, spaced or quoted ``events``, [views] or [timeline] after the events, or a line of a
# string (a footnote). Such a chunk is not lent.
_OTHER_HEADER = re.compile(r"\n(?:[ \t]*\[(?!\[events\]\]|\[events\.)|[ \t]+\[\[events\]\])")
# Of those, the lines opening an array of tables: then header lines cannot simply be counted.
_OTHER_ARRAY_HEADER = re.compile(r"\n(?:[ \t]*\[\[(?!events\]\]|events\.)|[ \t]+\[\[events\]\])")


def _header_lines(chunk: str, expected: int) -> tuple[list[int], int, bool] | None:
    """0-based lines of the events of a chunk that starts with a plain header, the chunk's
    newlines, and whether it may be lent; None when a header is written otherwise.

    Counting plain headers is exact when every event has one: a header-like line inside a
    string would make more headers than events.
    """
    lendable = _OTHER_HEADER.search(chunk) is None
    if not lendable and _OTHER_ARRAY_HEADER.search(chunk):
        return None
    lines = [0]
    line, previous = 0, 0
    found = chunk.find(_PLAIN_HEADER)
    while found >= 0:
        line += chunk.count("\n", previous, found + 1)
        previous = found + 1
        lines.append(line)
        found = chunk.find(_PLAIN_HEADER, found + 1)
    if len(lines) != expected:
        return None
    return lines, line + chunk.count("\n", previous), lendable


# Besides the events: the chunk's other keys, the lines of the events' headers counted from the
# chunk's first, its newlines, and whether it may be lent (``chunks``): only if its header lines
# were counted plainly and no other line opens with a bracket (``_header_lines``).
Parsed = tuple[dict[str, Any], list[Event], list[int] | None, int, bool]


def parse_events(chunk: str) -> Parsed | None:
    """A chunk that starts at a header, parsed (``Parsed``). None when anything is amiss: the
    careful path will say what."""
    data = toml10.parse(chunk)
    if data is None:
        return None
    raw = data.pop("events", None)
    if not isinstance(raw, list):
        return None
    found = list(map(plain_event, raw))
    events = cast(list[Event], found) if None not in found else _with_models(raw, found)
    if events is None:
        return None
    counted = _header_lines(chunk, len(raw))
    if counted is not None:
        return data, events, *counted
    located = event_header_lines(chunk, len(raw))
    offsets = None if located is None else [at - 1 for at in located]
    return data, events, offsets, chunk.count("\n"), False


def _utf8_length(text: str) -> int:
    # Progress is shared by bytes: a Persian or Russian file's text is shorter in characters.
    return len(text) if text.isascii() else len(text.encode("utf-8", "surrogatepass"))


def _with_models(raw: list[Any], events: list[Event | None]) -> list[Event] | None:
    """The events ``plain_event`` left (None) checked by the models; None if one is invalid.
    Imported here: a file of plain events never needs pydantic."""
    from pydantic import ValidationError

    from tui.core.timeline.model import EventModel, to_event

    try:
        return [
            event or to_event(EventModel.model_validate(t))
            for event, t in zip(events, raw, strict=True)
        ]
    except ValidationError:
        return None


def _load_valid(
    text: str, name: str, progress: Progress | None, reuse: Reuse | None = None
) -> Timeline | None:
    """The timeline, if the file is valid and plain enough for the fast path; else None.

    With ``reuse``, chunks seen by the last load of the file are borrowed, not parsed, and
    ``reuse`` is left holding this load's chunks."""
    return _load_pieces(chunks.pieces([text], reuse), len(text), name, progress, reuse)


def _load_pieces(
    pieces: Iterator[str],
    size: int,
    name: str,
    progress: Progress | None,
    reuse: Reuse | None = None,
    length: Callable[[str], int] = len,
) -> Timeline | None:
    """``_load_valid`` of the text ``pieces`` cut (``chunks.pieces``); ``size``: about its
    length, as ``length`` measures a piece (a file's bytes: ``_utf8_length``). A big file with
    nothing to borrow is parsed by worker processes (``workers``)."""
    head_text = next(pieces)
    head = toml10.parse(head_text)
    if head is None or "events" in head:
        return None
    processes = 0
    if size >= tuning.PARALLEL_BYTES and (reuse is None or not len(reuse)):
        from tui.core.files import workers

        processes = workers.count()
    events: list[Event] = []
    # Made as the chunks come, not after the last: the events by id, and their header lines
    # (None once a chunk's are not counted).
    by_id: dict[str, Event] = {}
    lines: dict[str, int] | None = {}
    line = head_text.count("\n") + 1
    seen: dict[bytes, chunks.Lent] = {}
    kept: dict[bytes, chunks.Lent] = {}  # the chunks borrowed, as ``reuse`` held them
    fresh: list[Event] = []  # the events parsed
    spans: list[int] = []  # ``span_order`` of each event while none is borrowed
    parsed = cut = 0
    done = length(head_text)

    def job(chunk: str) -> tuple[str, bytes, chunks.Lent | None]:
        key = reuse.digest(chunk) if reuse is not None else b""
        lent = reuse.get(key) if reuse is not None else None
        return chunk, key, lent

    # One pause shared with the index (tuning.gc_paused): they may run at once in two threads.
    with (
        tuning.gc_paused(),
        contextlib.closing(
            _in_order(map(job, pieces), lambda job: None if job[2] else job[0], processes)
        ) as results,
    ):
        for (chunk, key, lent), found in results:
            cut += 1
            done += length(chunk)
            if lent is not None:
                events += lent.events
                ids = list(map(_ID, lent.events))
                by_id.update(zip(ids, lent.events, strict=True))
                kept[key] = lent
                if lines is not None:
                    lines.update(zip(ids, map(line.__add__, lent.lines), strict=True))
                seen[key] = lent._replace(first=line)
                line += lent.newlines  # counted when this same text was parsed
                continue
            parsed += 1
            if found is None:
                return None
            data, part, offsets, newlines, lendable = found
            if any(key in head for key in data):
                return None
            head.update(data)
            events += part
            ids = list(map(_ID, part))
            by_id.update(zip(ids, part, strict=True))
            fresh += part
            if not kept:  # made while the workers parse the next chunks: the sort is quicker
                spans += map(span_order, map(_DATE, part), map(_END, part))
            if offsets is None:
                lines = None
            elif lines is not None:
                lines.update(zip(ids, map(line.__add__, offsets), strict=True))
                if lendable and reuse is not None and not data:
                    mark = chunks.first_mark(chunk)
                    seen[key] = chunks.Lent(part, offsets or [], line, newlines, len(chunk), mark)
            line += newlines
            if progress is not None:
                progress(min(done / size, 1.0) if size else 1.0)
        # The events live as long as the timeline: later collections need not traverse them.
        tuning.freeze_if_many(len(events))
    if not cut or any(key not in TOP_LEVEL_KEYS for key in head):
        return None
    info, views = plain_info(head.get("timeline")), plain_views(head.get("views"))
    if info is None or views is None:
        from tui.core.files.problems import Checker

        checker = Checker(head_text, name)  # only asked to place a problem, and then we give up
        info = checker.info(head.get("timeline"))
        views = checker.views(head.get("views"))
        if checker.problems:
            return None
    # In C over all events: a borrowed chunk's own ids were unique, but not across chunks.
    related = chain.from_iterable(map(_RELATED, events))
    if len(by_id) != len(events) or not all(map(by_id.__contains__, related)):
        return None
    ordered = reuse.in_date_order(events, fresh, kept) if reuse is not None else None
    if ordered is None:
        ordered = in_date_order(events, spans if len(spans) == len(events) else None)
    timeline = Timeline(
        info=info,
        events=ordered,
        views=views,
        path=name,
        lines=lines or {},
        presorted=True,
        by_id=by_id,
    )
    if reuse is not None:
        reuse.replace(seen, timeline)
        reuse.parsed, reuse.borrowed = parsed, cut - parsed
    return timeline


def _in_order(
    jobs: Iterator[Job],
    chunk_of: Callable[[Job], str | None],
    processes: int,
) -> Generator[tuple[Job, Parsed | None], None, None]:
    if processes:
        from tui.core.files import workers

        yield from workers.parsed(jobs, chunk_of, processes)
        return
    for job in jobs:
        chunk = chunk_of(job)
        yield job, None if chunk is None else parse_events(chunk)
