"""Append an event to a timeline file, atomically, keeping every existing byte.

The file is written by hand and kept under git, so the writer never re-serialises it: it adds
one ``[[events]]`` table at the end and leaves comments, key order, quoting, unknown keys, line
endings and a byte-order mark exactly as they were. It refuses rather than guess: a file that
changed on disk since the caller loaded it, a file that does not load, a duplicate id, or a
result that would not load back to the very same event. Every refusal and every failed write
raises ``WriteError`` and leaves the file byte-identical.

Every write goes through ``write_atomically`` (``append_event`` does, and so should any other
writer of a user's file), which first calls ``check_writable``: a read-only file, or a file in a
read-only folder, is refused with ``ReadOnlyError`` (a ``WriteError``) before anything is
written. The rule is explicit on the mode bits, because an atomic write replaces the file by a
rename, which needs only the folder to be writable, and root may write anything anyway:

- a file (or folder) without a single write bit (``chmod a-w``, mode 0444 / 0555) is refused,
  whoever runs policy-tui, root included;
- otherwise one the current user may not write (``os.access``) is refused too.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import stat
import tempfile
import unicodedata
from collections.abc import Collection, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any, Literal

import tomli_w

from tui.core.digest import file_digest
from tui.core.errors import TimelineError
from tui.core.event import Event, Timeline
from tui.core.load import load_bytes, read_bytes
from tui.core.sanitize import clean, quote
from tui.core.span import derived_status

WriteErrorKind = Literal[
    "changed", "unreadable", "invalid", "duplicate", "rejected", "readonly", "io"
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

_MAX_LINE = 100

_STOP_WORDS = frozenset(
    ("a", "an", "and", "as", "at", "by", "for", "from", "in", "into", "its", "of", "on", "or",
     "over", "the", "to", "with")
)  # fmt: skip


class WriteError(Exception):
    """The event was not saved; the file is exactly as it was.

    ``reason`` is one human sentence about the file (the app adds that the form keeps its
    input). ``kind`` lets a caller react: ``changed`` (offer a reload), ``unreadable`` or
    ``invalid`` (the file itself is broken), ``duplicate`` (pick another id), ``rejected``
    (the result would not load back), ``readonly`` (``ReadOnlyError``: the file or its folder
    may not be written), ``io`` (the write itself failed).
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


def load_with_digest(path: Path) -> tuple[Timeline, str]:
    """Load a timeline and the digest of exactly the bytes that were parsed.

    Callers that later append should use this rather than ``load_timeline`` plus a second read,
    which could see a different file. Raises ``TimelineError`` as the loader does.
    """
    data = read_bytes(Path(path))
    return load_bytes(data, str(path)), file_digest(data)


# --------------------------------------------------------------------------------------------
# Rendering


def _event_table(event: Event) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The event's keys in the documented order, without empty or derived values."""
    data: dict[str, Any] = {"id": event.id, "date": event.date.toml_value()}
    if event.end_date is not None:
        data["end_date"] = event.end_date.toml_value()
    if event.status is not None and event.status != derived_status(event.end_date, event.action):
        data["status"] = event.status.value
    data["title"] = event.title
    data["country"] = event.country
    if event.authority:
        data["authority"] = list(event.authority)
    if event.platforms:
        data["platforms"] = list(event.platforms)
    data["action"] = event.action.value
    if event.tags:
        data["tags"] = list(event.tags)
    data["summary"] = event.summary
    if event.related:
        data["related"] = list(event.related)
    sources = []
    for source in event.sources:
        row: dict[str, Any] = {"publisher": source.publisher, "url": source.url}
        if source.title is not None:
            row["title"] = source.title
        if source.date is not None:
            row["date"] = source.date.toml_value()
        sources.append(row)
    return data, sources


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [s for item in value for s in _strings(item)]
    if isinstance(value, dict):
        return [s for item in value.values() for s in _strings(item)]
    return []


# What tomli-w writes as is between quotes: no control character, quote or backslash.
_PLAIN_STRING = re.compile('[^\x00-\x1f"\\\\\x7f]*')


def _plain_string(value: str, multiline: bool) -> str | None:
    """tomli-w's TOML for a string that needs no escape (most text), else None.

    tomli-w escapes character by character in Python; this is the same result in one C call
    (``tests/test_write_many.py`` compares the two), which makes rendering 10,000 imported
    events several times faster.
    """
    if multiline and "\n" in value:
        if _PLAIN_STRING.fullmatch(value.replace("\n", "")):
            return '"""\n' + value + '"""'
        return None
    if _PLAIN_STRING.fullmatch(value):
        return '"' + value + '"'
    return None


def _literal(value: Any, multiline: bool) -> str:
    """tomli-w's TOML for one value."""
    if isinstance(value, str):
        plain = _plain_string(value, multiline)
        if plain is not None:
            return plain
    return tomli_w.dumps({"v": value}, multiline_strings=multiline)[len("v = ") : -1]


def _table_body(data: dict[str, Any], multiline: bool) -> str:
    """``key = value`` lines; short lists stay on one line, as the file is written by hand."""
    lines = []
    for key, value in data.items():
        if isinstance(value, list):
            items = [_literal(item, multiline) for item in value]
            line = f"{key} = [{', '.join(items)}]"
            if len(line) <= _MAX_LINE and not any("\n" in item for item in items):
                lines.append(line + "\n")
                continue
        elif isinstance(value, str | date) and not isinstance(value, datetime):
            # Keys are the format's field names, which tomli-w writes bare too.
            lines.append(f"{key} = {_literal(value, multiline)}\n")
            continue
        lines.append(tomli_w.dumps({key: value}, multiline_strings=multiline))
    return "".join(lines)


def render_event(event: Event) -> str:
    """One ``[[events]]`` table (with its ``[[events.sources]]``), ending in a newline.

    tomli-w formats every value; only the table headers and the one-line form of short lists
    are put together here, because tomli-w writes short sources inline and every list one item
    per line, while the format documents (and people write) sources as tables and short lists
    on one line. Text with line breaks becomes a ``\"\"\"multi-line\"\"\"`` string — unless
    some text holds a carriage return: tomli-w folds CRLF to LF inside multi-line strings, which
    would change the text, so then every string is written on one line with escapes.
    """
    data, sources = _event_table(event)
    multiline = not any("\r" in s for s in _strings([data, sources]))
    parts = ["[[events]]\n" + _table_body(data, multiline)]
    for source in sources:
        parts.append("[[events.sources]]\n" + _table_body(source, multiline))
    return "\n".join(parts)


# --------------------------------------------------------------------------------------------
# Appending


def _line_ending(data: bytes) -> bytes:
    """The file's own line ending, judged by its first line break (LF for a one-line file)."""
    first = data.find(b"\n")
    return b"\r\n" if first > 0 and data[first - 1 : first] == b"\r" else b"\n"


def _separator(data: bytes, newline: bytes) -> bytes:
    """What goes between the old bytes and the new table: end the last line, then one blank."""
    if not data or data == b"\xef\xbb\xbf":
        return b""
    sep = b""
    if not data.endswith(b"\n"):
        # A last line without a newline (often a comment) must be ended, never glued onto.
        sep += newline
    tail = data + sep
    if not (tail.endswith(b"\n\n") or tail.endswith(b"\n\r\n")):
        sep += newline
    return sep


def appended_bytes(data: bytes, event: Event | Sequence[Event]) -> bytes:
    """The file's bytes with the events' tables appended (pure; no checks, no I/O).

    Several events are written one after the other, a blank line between tables.
    """
    events = [event] if isinstance(event, Event) else list(event)
    newline = _line_ending(data)
    table = "\n".join(render_event(e) for e in events).encode("utf-8")
    if newline != b"\n":
        table = table.replace(b"\n", newline)
    return data + _separator(data, newline) + table


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise WriteError(
            path, "the file no longer exists: moved or deleted since it was loaded", "changed"
        ) from None
    except OSError as exc:
        raise WriteError(path, f"cannot read the file: {_os_reason(exc)}", "unreadable") from None


def _os_reason(exc: OSError) -> str:
    if exc.errno in _ERRNO_REASONS:
        return _ERRNO_REASONS[exc.errno]
    return clean(exc.strerror or str(exc) or type(exc).__name__)


def _first_problems(exc: TimelineError, limit: int = 3) -> str:
    lines = [p.format() for p in exc.problems[:limit]]
    more = len(exc.problems) - limit
    if more > 0:
        lines.append(f"(and {more} more)")
    return "; ".join(lines)


def append_event(path: Path, event: Event, expected_digest: str) -> str:
    """Append ``event`` to the timeline at ``path``; return the new file's digest.

    ``expected_digest`` is ``file_digest`` of the bytes the caller loaded (see
    ``load_with_digest``). Raises ``WriteError`` — and leaves the file byte-identical — when
    the file or its folder is read-only (``ReadOnlyError``, checked first), the file changed
    since, does not load, already has the id, when the result would not load back to the same
    event, or when writing fails.
    """
    return append_events(path, [event], expected_digest)


def append_events(path: Path, events: Sequence[Event], expected_digest: str) -> str:
    """Append several events in one atomic write; return the new file's digest.

    The same checks as ``append_event`` apply to each event (and their ids must differ from
    each other); either all of them are written or none, and the file is then byte-identical.
    """
    path = Path(path)
    check_writable(path)
    # Write through a symlink to the real file: os.replace on the link would replace the link.
    target = Path(os.path.realpath(path))
    name = str(path)
    data = _read(target)
    if file_digest(data) != expected_digest:
        raise WriteError(
            path, "the file changed on disk since it was loaded; reload it first", "changed"
        )
    try:
        before = load_bytes(data, name)
    except TimelineError as exc:
        raise WriteError(
            path,
            f"the file does not load as it is; fix it first ({_first_problems(exc)})",
            "invalid",
        ) from None
    seen: set[str] = set()
    for event in events:
        if before.get(event.id) is not None or event.id in seen:
            raise WriteError(
                path,
                f"an event with the id {quote(event.id)} already exists; choose another id",
                "duplicate",
            )
        seen.add(event.id)
    try:
        new_data = appended_bytes(data, events)
    except UnicodeEncodeError:
        raise WriteError(
            path, "the event holds text that cannot be written as UTF-8", "rejected"
        ) from None
    _verify(path, name, before, new_data, events)
    write_atomically(path, new_data, expected_digest=expected_digest)
    return file_digest(new_data)


def _verify(
    path: Path, name: str, before: Timeline, new_data: bytes, events: Sequence[Event]
) -> None:
    """The result must load, hold the same events, and leave every other event as it was."""
    noun = "this event" if len(events) == 1 else "these events"
    try:
        after = load_bytes(new_data, name)
    except TimelineError as exc:
        raise WriteError(
            path, f"the file would not load with {noun}: {_first_problems(exc)}", "rejected"
        ) from None
    for event in events:
        if after.get(event.id) != event:
            raise WriteError(
                path,
                "the event would not read back as entered (a writer bug); please report it",
                "rejected",
            )
    new_ids = {event.id for event in events}
    others = [e for e in after.events if e.id not in new_ids]
    if others != before.events or after.info != before.info or after.views != before.views:
        raise WriteError(
            path,
            "appending would change other entries of the file (a writer bug); please report it",
            "rejected",
        )


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


def write_atomically(path: Path, data: bytes, *, expected_digest: str | None = None) -> None:
    """Replace (or create) the file at ``path`` with ``data``: old file or new, never half.

    ``check_writable`` first (``ReadOnlyError``); then a temporary file in the same folder is
    written, flushed and fsynced, given the file's mode (a new file: 0666 minus the umask) and,
    where allowed, its owner, and renamed over the file with ``os.replace``. A symbolic link
    stays a link; its target is replaced. With ``expected_digest`` the file must still hold
    those bytes just before the rename (else ``WriteError`` of kind ``changed``). Any failure
    raises ``WriteError`` naming the file, removes the temporary file and leaves the file as it
    was.
    """
    path = Path(path)
    target = Path(os.path.realpath(path))
    check_writable(path)
    try:
        info: os.stat_result | None = os.stat(target)
    except FileNotFoundError:
        info = None
    except OSError as exc:
        raise WriteError(
            path, f"cannot read the mode of the file {_shown(path)}: {_os_reason(exc)}"
        ) from None
    if info is not None:
        mode = stat.S_IMODE(info.st_mode)
    else:
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
            handle.write(data)
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
        # The digest was checked before the (slow) render and verify; check again just before
        # replacing so an editor's save in between is refused, not overwritten.
        if expected_digest is not None and file_digest(target.read_bytes()) != expected_digest:
            raise WriteError(
                path, "the file changed on disk while saving; reload it first", "changed"
            )
        step = "replace the file"
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
    _fsync_folder(folder)


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


# --------------------------------------------------------------------------------------------
# Ids for new events


def _slug_words(title: str, limit: int) -> list[str]:
    ascii_text = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+", ascii_text.lower())
    kept = [w for w in words if w not in _STOP_WORDS] or words
    return kept[:limit]


def suggest_id(
    country: str, year: int | None, title: str, taken: Collection[str] = (), words: int = 3
) -> str:
    """``ru-2018-telegram-block-starts``: country, year and the title's first words, unique.

    Accents are folded (``Türkiye`` -> ``turkiye``), small words dropped; a clash with ``taken``
    gets ``-2``, ``-3``… The result always matches the id rule, even for an empty title.
    """
    parts: list[str] = re.findall(r"[a-z0-9]+", country.lower())[:1]
    if year is not None:
        parts.append(f"{year:04d}")
    parts.extend(_slug_words(title, words))
    base = "-".join(parts) or "event"
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}-{n}", n + 1
    return candidate
