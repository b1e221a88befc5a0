"""Notice when a file changes on disk, by polling: no extra dependency, no threads of its own.

A poll has two steps. ``FileWatcher.look()`` costs one ``stat`` and says whether the file must
be read: the app's timer calls it on the UI thread. ``FileWatcher.read()`` (the app calls it in
a worker) reads the file once and hashes those bytes once, and says whether the content changed;
the bytes come with their digest, so the loader parses exactly what was hashed. A ``touch`` or
a save of identical text reads as no change. Every way an editor saves is covered: writing in
place (size, mtime, ctime), rename-and-replace (a new inode), delete and re-create, a folder or
an unreadable file put in its place. ``poll()`` is both steps at once. None of them raises; the
app learns *what* is wrong by loading the file.

Timestamps have a coarse grain on some file systems: two writes of the same size in the same
tick leave the stat as it was. Like git's "racy" check, a file whose mtime is within
``RACY_SECONDS`` of the last read is hashed again on the next poll, until it is old enough
for its stat to be trusted.
"""

from __future__ import annotations

import os
import stat
import time
from dataclasses import dataclass
from pathlib import Path

from tui.core.files.digest import file_digest, stream_digest

RACY_SECONDS = 2.0


@dataclass(frozen=True, slots=True)
class FileState:
    """What a read saw. ``digest`` is None when the path is not a readable regular file."""

    exists: bool
    mtime_ns: int
    size: int
    inode: int
    digest: str | None
    device: int = 0
    ctime_ns: int = 0
    kind: int = 0  # stat.S_IFMT bits: a file, a folder, something else

    @property
    def signature(self) -> tuple[int, ...]:
        """The stat fields that change when the file does (cheap to compare)."""
        return (self.exists, self.device, self.inode, self.kind, self.size, self.mtime_ns,
                self.ctime_ns)  # fmt: skip

    @property
    def is_file(self) -> bool:
        return self.exists and stat.S_ISREG(self.kind)


MISSING = FileState(exists=False, mtime_ns=0, size=0, inode=0, digest=None)


def _stat(path: Path) -> os.stat_result | None:
    try:
        return os.stat(path)
    except (OSError, ValueError):  # ValueError: a path with a NUL byte
        return None


def _state(info: os.stat_result | None, digest: str | None) -> FileState:
    if info is None:
        return MISSING
    return FileState(
        exists=True,
        mtime_ns=info.st_mtime_ns,
        size=info.st_size,
        inode=info.st_ino,
        digest=digest,
        device=info.st_dev,
        ctime_ns=info.st_ctime_ns,
        kind=stat.S_IFMT(info.st_mode),
    )


def _read_file(path: Path, *, whole: bool) -> tuple[FileState, bytes | None]:
    """The path's state, hashed; with its bytes if ``whole`` and it is a readable file."""
    info = _stat(path)
    if info is None or not stat.S_ISREG(info.st_mode):
        return _state(info, None), None  # never opened: a FIFO's open would wait for a writer
    try:
        with path.open("rb") as file:
            # The stat of what is read (a rename since replaced the name, not this file), taken
            # before reading: a write during the read changes the mtime the next look sees.
            info = os.fstat(file.fileno())
            if whole:
                data = file.read()
                return _state(info, file_digest(data)), data
            # Streamed: a watcher made after a big file is loaded would otherwise hold the
            # whole file's bytes beside its events (100 MB more at the peak for 100,000 events).
            return _state(info, stream_digest(file)), None
    except (OSError, ValueError):
        return _state(info, None), None


def read_state(path: Path) -> FileState:
    """Stat and hash the path now (never raises)."""
    return _read_file(path, whole=False)[0]


@dataclass(frozen=True, slots=True)
class Change:
    """What ``FileWatcher.read`` found: whether the content (or existence) changed since the
    last read, the state now, and the bytes read when they were kept (``state.digest`` is
    theirs; None when the path is not a readable file)."""

    changed: bool
    state: FileState
    data: bytes | None = None


class FileWatcher:
    """Watches one path: ``look()`` says when to ``read()``, which says what changed.

    Pass ``digest`` — the digest of the bytes the app loaded — to close the gap between
    loading and watching: if the file already differs, the first poll reports it. ``read``
    must not run in two threads at once; ``look`` may run while it does (at worst it asks for
    a read that then finds nothing new).
    """

    def __init__(self, path: Path, digest: str | None = None) -> None:
        self.path = Path(path)
        self._state = read_state(self.path)
        self._racy = self._is_racy(self._state)
        self._pending = digest is not None and digest != self._state.digest

    @property
    def state(self) -> FileState:
        """What the last read saw."""
        return self._state

    @staticmethod
    def _is_racy(state: FileState) -> bool:
        if not state.is_file:
            return False
        return time.time_ns() - state.mtime_ns < RACY_SECONDS * 1e9

    def poll(self) -> bool:
        """True when the file changed since the last poll. Cheap: one stat when nothing did."""
        return self.look() and self.read(keep=False).changed

    def look(self, *, racy: bool = True) -> bool:
        """Whether the file must be read: its stat changed, its timestamps are too recent to
        trust, or it differed from the bytes loaded at the start. One stat; never raises.

        ``racy=False``: timestamps too recent to trust do not ask for a read this time (they
        keep asking until a read finds them old enough)."""
        try:
            if self._pending or (racy and self._racy):
                return True
            return _state(_stat(self.path), None).signature != self._state.signature
        except Exception:  # a watcher that raises would take the app down with it
            return False

    def read(self, *, keep: bool = True, always: bool = False) -> Change:
        """Read the file once and hash those bytes: did it change since the last read?

        ``keep``: the bytes come back when it changed (or ``always``: a reload asked for);
        read whole only when the stat says it changed (or ``always``), else streamed through
        the hash (a file read again only for its fresh timestamps is most likely the same),
        and whole again in the rare case it differs after all. Never raises."""
        try:
            return self._read(keep, always)
        except Exception:
            return Change(False, self._state)

    def _read(self, keep: bool, always: bool) -> Change:
        pending, self._pending = self._pending, False
        old = self._state
        expected = always or pending or _state(_stat(self.path), None).signature != old.signature
        new, data = _read_file(self.path, whole=keep and expected)
        if keep and data is None and new.digest is not None and new.digest != old.digest:
            new, data = _read_file(self.path, whole=True)  # same stat, other bytes: a racy write
        self._state = new
        self._racy = self._is_racy(new)
        if new.exists != old.exists or new.kind != old.kind:
            changed = True
        elif new.is_file and (new.digest is None) != (old.digest is None):
            changed = True  # became readable or unreadable
        else:
            changed = pending or new.digest != old.digest
        return Change(changed, new, data if changed or always else None)
