"""Write a file atomically: a reader sees the old file or the new one, never half of either.

The one writer of every file policy-tui writes: a user's timeline (``tui.core.files.write``), an
export, an imported timeline, the schema, the cache's entries. What differs between them is an
option of ``write_atomically``, not another copy of the temp-file-fsync-rename dance:

- a replaced file keeps its mode (and, where allowed, its owner); a new one gets 0666 minus the
  umask, or ``mode``;
- ``check_writable`` refuses a read-only file or folder first (``check=False``: the cache, whose
  folder is ours);
- ``expected_digest``: the file must still hold those bytes just before the rename;
- ``exclusive``: a new file only, never over an existing one (``kind="exists"``);
- ``durable=False``: no fsync of the file and its folder (a cache entry is best effort).

Every failure raises ``WriteError`` naming the file and leaves it as it was, with no temporary
file left behind. This module is light (no TOML, no pydantic), so the CLI's commands and the
cache import it without the cost of ``tui.core.files.write``.

The read-only rule is explicit on the mode bits, because an atomic write replaces the file by a
rename, which needs only the folder to be writable, and root may write anything anyway:

- a file (or folder) without a single write bit (``chmod a-w``, mode 0444 / 0555) is refused,
  whoever runs policy-tui, root included;
- otherwise one the current user may not write (``os.access``) is refused too.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Literal

from tui.core.files.digest import file_digest
from tui.core.text.sanitize import clean

WriteErrorKind = Literal[
    "changed", "unreadable", "invalid", "duplicate", "rejected", "readonly", "exists", "io"
]

# What an OSError means to someone who just pressed "save".
_ERRNO_REASONS: dict[int, str] = {
    errno.ENOSPC: "the disk is full",
    errno.EDQUOT: "the disk quota is exceeded",
    errno.EROFS: "the file system is read-only",
    errno.EACCES: "permission denied: you may not write this file or its folder",
    errno.EPERM: "operation not permitted: you may not write this file or its folder",
    errno.ENOENT: "the file or its folder no longer exists",
    errno.EIO: "an input/output error occurred",
}


class WriteError(Exception):
    """The event was not saved; the file is exactly as it was.

    ``reason`` is one human sentence about the file (the app adds that the form keeps its
    input). ``kind`` lets a caller react: ``changed`` (offer a reload), ``unreadable`` or
    ``invalid`` (the file itself is broken), ``duplicate`` (pick another id), ``rejected``
    (the result would not load back), ``readonly`` (``ReadOnlyError``: the file or its folder
    may not be written), ``exists`` (an exclusive write found the name taken), ``io`` (the
    write itself failed).
    """

    def __init__(self, path: Path, reason: str, kind: WriteErrorKind = "io") -> None:
        self.path = path
        self.reason = reason
        self.kind: WriteErrorKind = kind
        super().__init__(f"{clean(str(path))}: not saved: {reason}")


class ReadOnlyError(WriteError):
    """The file, or the folder it would be written through, is read-only: refused before any
    byte is written (see ``check_writable`` for the rule). ``reason`` names the file."""

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(path, reason, "readonly")


def _os_reason(exc: OSError) -> str:
    if exc.errno in _ERRNO_REASONS:
        return _ERRNO_REASONS[exc.errno]
    return clean(exc.strerror or str(exc) or type(exc).__name__)


def _shown(path: Path) -> str:
    """A path for a message: quoted and sanitised, never shortened (it must name the file)."""
    return f"'{clean(str(path))}'"


def _writable_by_user(path: Path) -> bool:
    if os.access in os.supports_effective_ids:
        return os.access(path, os.W_OK, effective_ids=True)
    return os.access(path, os.W_OK)


def check_writable(path: Path) -> None:
    """Refuse (``ReadOnlyError``) to write ``path`` when it or its folder is read-only.

    ``path`` is the file as the user named it; a symbolic link is followed to the file it points
    to (that file is the one written). The rule, the same for the file and for its folder (an
    atomic write creates a temporary file there and renames it over the file):

    - no write bit at all in its mode (``chmod a-w``: 0444, 0555) → refused, for every user,
      root included (root may write anything, so only the bits say "do not touch");
    - else, when the current user may not write it (``os.access``) → refused.

    A file that does not exist yet passes (its folder is still checked). Any other failure to
    look (a missing folder, say) is left to the write itself, which reports it.
    """
    path = Path(path)
    target = Path(os.path.realpath(path))
    folder = target.parent
    try:
        info = os.stat(target)
    except FileNotFoundError:
        info = None
    except OSError:
        return
    if info is not None and stat.S_ISREG(info.st_mode):
        mode = stat.S_IMODE(info.st_mode)
        if not mode & 0o222:
            raise ReadOnlyError(
                path,
                f"the file {_shown(path)} is read-only (mode {mode:04o}: nobody may write it); "
                "it is left as it is. Make it writable first (chmod u+w) to change it",
            )
        if not _writable_by_user(target):
            raise ReadOnlyError(
                path,
                f"permission denied: you may not write the file {_shown(path)} "
                f"(mode {mode:04o}); it is left as it is",
            )
    try:
        folder_mode = stat.S_IMODE(os.stat(folder).st_mode)
    except OSError:
        return
    if not folder_mode & 0o222:
        raise ReadOnlyError(
            path,
            f"the folder {_shown(folder)} is read-only (mode {folder_mode:04o}: nobody may "
            f"write it), so the file {_shown(path)} cannot be replaced safely; it is left as "
            "it is",
        )
    if not _writable_by_user(folder):
        raise ReadOnlyError(
            path,
            f"permission denied: you may not write the folder {_shown(folder)}, so the file "
            f"{_shown(path)} cannot be replaced safely; it is left as it is",
        )


def write_atomically(
    path: Path,
    data: bytes | Iterable[bytes],
    *,
    expected_digest: str | None = None,
    check: bool = True,
    mode: int | None = None,
    exclusive: bool = False,
    durable: bool = True,
) -> None:
    """Replace (or create) the file at ``path`` with ``data``: old file or new, never half.
    ``data`` may come in parts (an iterable of bytes), written as they come.

    ``check_writable`` first (``ReadOnlyError``; skipped with ``check=False``); then a temporary
    file in the same folder is written, flushed and fsynced (unless ``durable=False``), given
    the file's mode (a new file: ``mode``, else 0666 minus the umask, not mkstemp's 0600) and,
    where allowed, its owner, and renamed over the file with ``os.replace``. A symbolic link
    stays a link; its target is replaced. With ``expected_digest`` the file must still hold
    those bytes just before the rename (else ``WriteError`` of kind ``changed``). With
    ``exclusive`` the file must not exist: the temporary file is hard-linked to the name, which
    fails if the name is taken (``WriteError`` of kind ``exists``); where links are not
    supported, a checked rename. Any failure raises ``WriteError`` naming the file, removes the
    temporary file and leaves the file as it was.
    """
    path = Path(path)
    target = Path(os.path.realpath(path))
    if check:
        check_writable(path)
    try:
        info: os.stat_result | None = os.stat(target)
    except FileNotFoundError:
        info = None
    except OSError as exc:
        raise WriteError(
            path, f"cannot read the mode of the file {_shown(path)}: {_os_reason(exc)}"
        ) from None
    if info is not None and exclusive:
        raise _exists(path)
    if info is not None:
        mode = stat.S_IMODE(info.st_mode)
    elif mode is None:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    folder = target.parent
    tmp: str | None = None
    step = "create a temporary copy in its folder"
    try:
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{target.name}.", suffix=".tmp")
        step = "write the temporary copy"
        with os.fdopen(fd, "wb") as handle:
            if isinstance(data, bytes):
                handle.write(data)
            else:
                handle.writelines(data)
            if durable:
                handle.flush()
                os.fsync(handle.fileno())
        os.chmod(tmp, mode)
        with contextlib.suppress(OSError):
            # Root saving someone else's file must not take it over; others may not chown.
            if (
                info is not None
                and hasattr(os, "chown")
                and (info.st_uid, info.st_gid) != (os.getuid(), os.getgid())
            ):
                os.chown(tmp, info.st_uid, info.st_gid)
        # A caller may check the digest before slow work (render, verify); check again just
        # before replacing so an editor's save in between is refused, not overwritten.
        if expected_digest is not None and file_digest(target.read_bytes()) != expected_digest:
            raise WriteError(
                path, "the file changed on disk while saving; reload it first", "changed"
            )
        step = "replace the file"
        if exclusive:
            _link_new(tmp, target, path)
        else:
            os.replace(tmp, target)
            tmp = None
    except WriteError:
        raise
    except OSError as exc:
        raise WriteError(
            path,
            f"cannot write the file: {_os_reason(exc)} (could not {step}: {_shown(path)})",
        ) from None
    finally:
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
    if durable:
        _fsync_folder(folder)


def _exists(path: Path) -> WriteError:
    return WriteError(
        path,
        f"the file {_shown(path)} exists (it was created meanwhile); not overwritten",
        "exists",
    )


def _link_new(tmp: str, target: Path, path: Path) -> None:
    """Give the temporary file the name ``target`` only if no file has it (the caller removes
    the temporary name afterwards, linked or not)."""
    try:
        os.link(tmp, target)
    except FileExistsError:
        raise _exists(path) from None
    except OSError:
        # No hard links here (some network and FAT file systems): a checked rename, racy only
        # against a file created in the instant between the check and the rename.
        if target.exists():
            raise _exists(path) from None
        os.replace(tmp, target)


def _fsync_folder(folder: Path) -> None:
    """Make the rename itself durable; best effort (not every platform can open a folder)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        with contextlib.suppress(OSError):
            os.fsync(fd)
    finally:
        os.close(fd)
