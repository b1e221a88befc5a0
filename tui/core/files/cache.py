"""Validated timelines kept between runs: a file opened before opens without parsing it again.

Parsing and validating 100,000 events takes seconds (the TOML parse alone is most of it); the
same events read back from a cache entry take a fraction of that, and need neither the parser
nor pydantic. An entry is trusted only when it was written from exactly these bytes by exactly
this code: its key is a digest of the file's bytes and of the loader's own source files, so an
edited file or another version of policy-tui never sees an old entry (the next successful load
replaces it). Only files that loaded without problems are cached; problems are always found by
the loader itself, with their lines.

Entries live in ``$POLICY_TUI_CACHE`` (a folder), else ``$XDG_CACHE_HOME/policy-tui``, else
``~/.cache/policy-tui``, one per timeline path. ``POLICY_TUI_CACHE=off`` turns the cache off. A
missing, unreadable, corrupt or unwritable cache only means a slower load: never an error.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import importlib.util
import itertools
import marshal
import os
import threading
import time
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, BinaryIO

from tui import __version__
from tui.core import tuning
from tui.core.files import rows
from tui.core.files.atomic import WriteError, write_atomically
from tui.core.files.chunks import Outline, Reuse
from tui.core.files.digest import file_digest, stream_digest
from tui.core.timeline.event import Event, Timeline, TimelineInfo

ENV_VAR = "POLICY_TUI_CACHE"
OFF = ("off", "0", "no", "false")
_MAGIC = b"policy-tui cache 6\n"
_KEY_BYTES = 32
# The magic, the code's digest (``previous`` checks only these), the key (``entry``: all).
_HEADER = len(_MAGIC) + 2 * _KEY_BYTES
# The code that decides what a file loads as, whole folders at a time (a new module counts at
# once; tests/test_cache.py checks that a load imports no other): the parser and the checks,
# the status rule, the characters refused, the queries a [views] table may hold. Not tuning.py:
# its sizes change how fast a file loads, never what it loads as. A change to any is a new key.
_CODE = ("files/*.py", "timeline/*.py", "time/span.py", "text/*.py", "query/language.py")


def cache_dir() -> Path | None:
    """Where entries live, or None when the cache is turned off."""
    setting = os.environ.get(ENV_VAR, "").strip()
    if setting.lower() in OFF:
        return None
    if setting:
        return Path(setting)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "policy-tui"


@functools.cache
def _code() -> bytes:
    """A digest of the loader's code, of the country list it validates against and of the
    parser it reads with."""
    digest = hashlib.blake2b(_MAGIC + __version__.encode(), digest_size=_KEY_BYTES)
    here = Path(__file__).resolve().parent.parent
    for module in sorted(itertools.chain.from_iterable(map(here.glob, _CODE))):
        digest.update(module.read_bytes())
    # pycountry's data decides which country codes are valid, and toml-rs's build what a file
    # parses as: their files, by name, size and time, not an import.
    for package, files in (("pycountry", "databases/iso3166-1.json"), ("toml_rs", "*.*")):
        spec = importlib.util.find_spec(package)
        if spec is not None and spec.origin:
            for found in sorted(Path(spec.origin).parent.glob(files)):
                stat = found.stat()
                digest.update(f"{found}:{stat.st_size}:{stat.st_mtime_ns}".encode())
    return digest.digest()


def key(sha256: str) -> bytes:
    """An entry's key: the file's SHA-256 (hex, as ``file_digest`` gives it) and the code."""
    return hashlib.blake2b(_code() + sha256.encode(), digest_size=_KEY_BYTES).digest()


def entry_path(path: Path) -> Path | None:
    folder = cache_dir()
    if folder is None:
        return None
    where = os.path.abspath(path).encode("utf-8", "surrogateescape")
    return folder / (hashlib.blake2b(where, digest_size=16).hexdigest() + ".bin")


class Entry:
    """A cache entry whose key matched: the first events (for a quick first paint), then all.

    The events are stored in blocks read one after the other, so a load never holds the whole
    entry's bytes and all its rows at once: the first ``tuning.HEAD_EVENTS``, then blocks of
    ``tuning.BLOCK_EVENTS``. The file stays open from the key check to the last block: a newer
    entry written meanwhile replaces the name, not what is read here.
    """

    def __init__(self, file: BinaryIO, name: str) -> None:
        self._file = file
        self._name = name
        # The chunks the load that made the entry parsed (``chunks.Reuse.outline_of``), once
        # read: the next edit of the file reparses only what changed.
        self.outline: Outline = []

    def close(self) -> None:
        self._file.close()

    def head(self) -> Timeline | None:
        """The first ``tuning.HEAD_EVENTS`` events in date order (what the list shows first)."""
        return self._read(1)

    def timeline(self) -> Timeline | None:
        """Every event; None if the entry turns out damaged."""
        try:
            return self._read(None)
        finally:
            self._file.close()

    def _read(self, most: int | None) -> Timeline | None:
        """The timeline of the first ``most`` blocks (None: all), read one at a time: each is
        ``rows`` columns and their events' lines."""
        rebuild = rows.Rebuild()
        events: list[Event] = []
        lines: dict[str, int] = {}
        try:
            self._file.seek(_HEADER)
            # One pause for all blocks: a collection between two would walk every record made
            # so far. Frozen after, as the loader does: the records live as long as the app.
            with tuning.gc_paused():
                (title, description), views, self.outline, count = self._block()
                for _ in range(min(count, most or count)):
                    columns, block_lines = self._block()
                    events += rebuild.events(columns)
                    lines.update(block_lines)
                info = TimelineInfo(title, description)
                timeline = Timeline(info, events, views, self._name, lines, presorted=True)
                tuning.freeze_if_many(len(events))
            return timeline
        except Exception:  # a damaged entry is a miss; the loader reads the file itself
            return None

    def _block(self) -> Any:
        size = int.from_bytes(self._file.read(8), "little")
        check = self._file.read(4)
        data = self._file.read(size)
        if len(data) != size:
            raise EOFError("the entry is cut short")
        # A damaged byte inside a string would still unmarshal, as other text.
        if zlib.crc32(data).to_bytes(4, "little") != check:
            raise ValueError("the entry is damaged")
        return marshal.loads(data)


def entry(path: Path, sha256: str) -> Entry | None:
    """The entry cached for ``path`` if it was made from bytes with this digest, else None."""
    return _open(path, _MAGIC + _code() + key(sha256))


def previous(path: Path) -> Entry | None:
    """The entry this code made for ``path`` from whatever bytes: after an edit, the file's
    last version, whose unchanged chunks the new load may borrow (``chunks.Reuse``; a chunk
    lends only to text identical to its own, so nothing stale can show). None if there is
    none, or another version of policy-tui made it."""
    return _open(path, _MAGIC + _code())


def _open(path: Path, expected: bytes) -> Entry | None:
    where = entry_path(path)
    if where is None:
        return None
    try:
        file = where.open("rb")
    except OSError:
        return None
    with contextlib.suppress(OSError):
        header = file.read(_HEADER)
        if len(header) == _HEADER and header.startswith(expected):
            return Entry(file, str(path))
    file.close()
    return None


class Prefetch:
    """A big file's digest, cache entry and first events, read by a thread of their own.

    Started before the UI is imported: reading and hashing let go of the interpreter lock, so
    on a second core they cost the first paint nothing, and the first rows are ready when the
    first frame is drawn: a cached file's from its entry, a file never cached (no entry for its
    path) parsed from its head (``preview``: the TOML parser and the rules, no pydantic).
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.digest: str | None = None
        self.entry: Entry | None = None
        self.head: Timeline | None = None
        self._thread = threading.Thread(target=self._run, name="policy-tui prefetch", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        where = entry_path(self.path)
        if where is None or not where.exists():
            # Nothing cached for this path: no digest to check (the loader hashes its bytes).
            self._preview()
            return
        try:
            # Streamed: the same SHA-256 as ``file_digest``, without holding the whole file.
            with self.path.open("rb") as file:
                self.digest = stream_digest(file)
        except (OSError, ValueError):
            return  # the loader says why, with its own message
        self.entry = entry(self.path, self.digest)
        if self.entry is not None:
            self.head = self.entry.head()

    def _preview(self) -> None:
        from tui.core.files.preview import preview_head

        # Unreadable, or a bug: the loader says why, never this thread.
        with contextlib.suppress(Exception), self.path.open("rb") as file:
            self.head = preview_head(file.read(tuning.PREVIEW_BYTES), str(self.path))

    def wait(self, timeout: float | None = None) -> Prefetch:
        self._thread.join(timeout)
        return self


def store(path: Path, sha256: str, timeline: Timeline, outline: Outline = ()) -> None:
    """Keep ``timeline`` (loaded from bytes with this digest) for the next opening of ``path``;
    ``outline``: the chunks its load parsed (``chunks.Reuse.outline_of``)."""
    where = entry_path(path)
    if where is None:
        return
    with contextlib.suppress(OSError, ValueError, WriteError):
        where.parent.mkdir(parents=True, exist_ok=True)
        _remove_stale(where.parent)
        events, lines = timeline.events, timeline.lines
        cuts = [0, *range(tuning.HEAD_EVENTS, len(events), tuning.BLOCK_EVENTS), len(events)]
        # Title and description with the views, the outline and the number of blocks, then
        # each block (``Entry``), made one at a time: the whole entry is never in memory.
        info = (timeline.info.title, timeline.info.description)
        blocks = itertools.chain(
            [(info, timeline.views, list(outline), len(cuts) - 1)],
            (_block(events[a:b], lines) for a, b in itertools.pairwise(cuts)),
        )

        def parts() -> Iterator[bytes]:
            yield _MAGIC + _code() + key(sha256)
            for block in blocks:
                data = marshal.dumps(block)
                yield len(data).to_bytes(8, "little") + zlib.crc32(data).to_bytes(4, "little")
                yield data

        # Written aside and renamed: a reader never sees half an entry. Private to this user
        # (mkstemp's 0600), and best effort: no fsync, no read-only check (the folder is ours).
        write_atomically(where, parts(), check=False, mode=0o600, durable=False)


def _block(events: list[Event], lines: dict[str, int]) -> tuple[list[Any], dict[str, int]]:
    return rows.to_rows(events), {e.id: lines[e.id] for e in events if e.id in lines}


def _remove_stale(folder: Path) -> None:
    """Half-written entries of processes killed while writing (a day old: none in progress)."""
    cutoff = time.time() - 86400
    # The writer's temporary names (tui.core.files.atomic), and those of versions before it.
    for temp in (*folder.glob(".*.bin.*.tmp"), *folder.glob(".entry-*")):
        with contextlib.suppress(OSError):
            if temp.stat().st_mtime < cutoff:
                temp.unlink()


def load_cached(
    path: Path,
    reuse: Reuse | None = None,
    *,
    keep: bool = True,
    data: bytes | None = None,
    sha256: str | None = None,
) -> tuple[Timeline, str]:
    """``load_with_digest`` through the cache: the timeline and the SHA-256 of its bytes.

    ``reuse`` (``chunks.Reuse``): what the last load of this file lends the next, left holding
    this one's. ``keep=False``: the caller stores a parsed timeline itself (``keep``), after
    showing it. ``data`` and ``sha256``: the file's bytes and their ``file_digest``, read and
    hashed by the caller (the watcher): the file is neither read nor hashed again. Raises
    ``TimelineError`` as the loader does; a file with problems is never cached.
    """
    if data is None and Path(path).is_file():
        # Streamed: a miss then parses the file a block at a time too (``load_file``).
        try:
            with Path(path).open("rb") as file:
                sha256 = stream_digest(file)
        except (OSError, ValueError):
            sha256 = None  # the loader says why
    elif data is None:
        # A pipe can be read only once: its bytes, then they are parsed (or the loader says why).
        with contextlib.suppress(OSError, ValueError):
            data = Path(path).read_bytes()
        sha256 = None if data is None else file_digest(data)
    elif sha256 is None:
        sha256 = file_digest(data)
    if sha256 is not None and (hit := _lent(entry(path, sha256), reuse)) is not None:
        return hit, sha256
    # The loader (and with it the parser and pydantic) only on a miss.
    from tui.core.files.load import load_bytes, load_file

    if reuse is None:
        reuse = Reuse()
    if not len(reuse):
        lend_previous(path, reuse)
    if data is None:
        # The digest of the bytes parsed: the file may have changed since it was hashed above.
        timeline, sha256 = load_file(path, reuse=reuse)
    else:
        timeline = load_bytes(data, str(path), reuse=reuse)
    assert sha256 is not None
    if keep:
        store(path, sha256, timeline, reuse.outline_of(timeline))
    return timeline, sha256


def lend_previous(path: Path, reuse: Reuse, found: Callable[[], None] | None = None) -> None:
    """Let ``reuse`` lend what the entry of the file's last version holds (an edited file);
    ``found`` is called first when there is one to read."""
    entry = previous(path)
    if entry is not None and found is not None:
        found()
    _lent(entry, reuse)


def _lent(found: Entry | None, reuse: Reuse | None) -> Timeline | None:
    """The timeline of ``found`` (and its file closed), its chunks lent to ``reuse``."""
    if found is None or (timeline := found.timeline()) is None:
        return None
    if reuse is not None:
        reuse.lend(timeline, found.outline)
    return timeline


def keep(path: Path, sha256: str, timeline: Timeline, reuse: Reuse) -> None:
    """``store``, unless the entry for these bytes is there already."""
    found = entry(path, sha256)
    if found is not None:
        found.close()
        return
    store(path, sha256, timeline, reuse.outline_of(timeline))
