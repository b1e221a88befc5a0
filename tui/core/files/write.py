"""Append an event to a timeline file, atomically, keeping every existing byte.

The file is written by hand and kept under git, so the writer never re-serialises it: it adds
one ``[[events]]`` table at the end and leaves comments, key order, quoting, unknown keys, line
endings and a byte-order mark exactly as they were. It refuses rather than guess: a file that
changed on disk since the caller loaded it, a file that does not load, a duplicate id, or a
result that would not load back to the very same event. Every refusal and every failed write
raises ``WriteError`` and leaves the file byte-identical.

Every write goes through ``tui.core.files.atomic.write_atomically`` (re-exported here), which first
calls ``check_writable``: a read-only file, or a file in a read-only folder, is refused with
``ReadOnlyError`` (a ``WriteError``) before anything is written.
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Collection, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

import tomli_w

from tui.core.files.atomic import ReadOnlyError as ReadOnlyError
from tui.core.files.atomic import WriteError as WriteError
from tui.core.files.atomic import WriteErrorKind as WriteErrorKind
from tui.core.files.atomic import _os_reason, write_atomically
from tui.core.files.atomic import check_writable as check_writable
from tui.core.files.digest import file_digest
from tui.core.files.load import load_bytes
from tui.core.files.read import read_bytes
from tui.core.text.sanitize import quote
from tui.core.time.span import derived_status
from tui.core.timeline.errors import TimelineError
from tui.core.timeline.event import Event, Timeline

_MAX_LINE = 100

_STOP_WORDS = frozenset(
    ("a", "an", "and", "as", "at", "by", "for", "from", "in", "into", "its", "of", "on", "or",
     "over", "the", "to", "with")
)  # fmt: skip


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
