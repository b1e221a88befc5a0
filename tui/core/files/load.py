"""Path -> validated Timeline, or one TimelineError that carries every problem found.

Three ways in, one way out: ``load_timeline(path)``, ``load_bytes(data, name)`` and
``load_text(text, name)`` either return a Timeline or raise TimelineError. Nothing that a file
can contain makes them raise anything else.
"""

from __future__ import annotations

import ast
import gc
import itertools
import os
import re
import sys
import tomllib
from collections.abc import Callable, Iterator
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from tui.core.files.collector import paused as gc_paused
from tui.core.files.locate import Locator, event_header_lines
from tui.core.text.sanitize import quote
from tui.core.timeline.errors import Problem, TimelineError, did_you_mean
from tui.core.timeline.event import Event, Timeline, TimelineInfo
from tui.core.timeline.model import (
    EVENT_FIELDS,
    ID_PATTERN,
    INFO_FIELDS,
    SOURCE_FIELDS,
    TOP_LEVEL_KEYS,
    Action,
    EventModel,
    status_conflict,
    to_event,
    validate_info,
)

try:  # a Rust TOML parser, several times faster than tomllib on big files (see _parse_chunk)
    import rtoml

    _HAS_RTOML = True
except ImportError:  # pragma: no cover - the loader then uses tomllib throughout
    _HAS_RTOML = False

Progress = Callable[[float], None]

_BOM = b"\xef\xbb\xbf"
_TOML_POSITION = re.compile(r"\(at line (\d+), column (\d+)\)")
_QUOTED = r"""(?:'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")"""
_TOML_KEY_TUPLE = re.compile(rf"\({_QUOTED}(?:, ?{_QUOTED})*,?\)")
# Python refuses to convert integers longer than sys.get_int_max_str_digits() (4300).
_BIG_INTEGER = re.compile(r"[0-9][0-9_]{4000,}")


def read_bytes(path: Path) -> bytes:
    """The file's bytes, or a TimelineError (``unreadable``) saying plainly why not."""
    name = str(path)

    def fail(message: str) -> TimelineError:
        return TimelineError([Problem(name, message)], unreadable=True)

    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise fail("no such file") from None
    except IsADirectoryError:
        raise fail("is a folder, not a timeline file") from None
    except NotADirectoryError:
        raise fail("no such file: a part of the path is a file, not a folder") from None
    except PermissionError:
        raise fail("permission denied: you may not read this file") from None
    except OSError as exc:
        raise fail(f"cannot read: {exc.strerror or exc}") from None
    except ValueError:  # a NUL character in the name
        raise fail("cannot read: the file name contains a NUL character") from None


def decode(data: bytes, name: str) -> str:
    """UTF-8 bytes -> text, one leading byte-order mark dropped; else a TimelineError."""
    if data.startswith(_BOM):  # legal in TOML, but tomllib rejects it in the text
        data = data[len(_BOM) :]
    guess = _utf16_or_32(data)
    if guess:
        raise TimelineError(
            [Problem(name, f"not UTF-8; looks like {guess}: save it as UTF-8", line=1, column=1)]
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line_start = data.rfind(b"\n", 0, exc.start) + 1
        column = len(data[line_start : exc.start].decode("utf-8", "replace")) + 1
        line = data.count(b"\n", 0, exc.start) + 1
        bad = data[exc.start : exc.end].hex(" ")
        raise TimelineError(
            [
                Problem(
                    name,
                    f"not UTF-8: the byte {bad} cannot be read as text; save the file as UTF-8",
                    line=line,
                    column=column,
                )
            ]
        ) from None
    if "\x00" in text:  # never legal in TOML, and a sign of a wrong encoding
        offset = text.index("\x00")
        line = text.count("\n", 0, offset) + 1
        column = offset - (text.rfind("\n", 0, offset) + 1) + 1
        raise TimelineError(
            [Problem(name, "contains a NUL character, which TOML does not allow", line, column)]
        )
    return text


def _utf16_or_32(data: bytes) -> str | None:
    """``"UTF-16"``/``"UTF-32"`` when the bytes look like that (byte-order mark or NUL pattern)."""
    if data.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        return "UTF-32"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "UTF-16"
    head = data[:400]
    if len(head) >= 4 and head.count(b"\x00") * 4 >= len(head):
        # ASCII text in UTF-16 is every other byte NUL; in UTF-32, three bytes of four.
        if head.count(b"\x00") * 4 >= len(head) * 3 - 4:
            return "UTF-32"
        return "UTF-16"
    return None


def parse(text: str, name: str) -> dict[str, Any]:
    """TOML text -> data; every failure becomes a TimelineError with the parser's position."""
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        match = _TOML_POSITION.search(message)
        line = column = None
        if match:
            line, column = int(match.group(1)), int(match.group(2))
            message = message[: match.start()].rstrip()
        elif "end of document" in message:
            line = text.count("\n") + 1
            column = len(text) - (text.rfind("\n") + 1) + 1
            message = message.replace("(at end of document)", "").rstrip()
        message = _TOML_KEY_TUPLE.sub(_dotted, message)
        if line is not None and column is not None:
            message += _syntax_hint(message, text, line, column)
        raise TimelineError(
            [Problem(name, f"TOML syntax: {message}", line=line, column=column)]
        ) from None
    except RecursionError:
        line, column = _deepest(text)
        raise TimelineError(
            [Problem(name, "arrays or tables nested too deep to read", line, column)]
        ) from None
    except ValueError as exc:  # int() refuses integers of more than sys.get_int_max_str_digits()
        found = _BIG_INTEGER.search(text)
        if not found:
            raise TimelineError([Problem(name, f"a value cannot be read: {exc}")]) from None
        limit = sys.get_int_max_str_digits()
        line = text.count("\n", 0, found.start()) + 1
        column = found.start() - (text.rfind("\n", 0, found.start()) + 1) + 1
        message = f"a number has more than {limit} digits: too large to read"
        raise TimelineError([Problem(name, message, line, column)]) from None


_DATE_ATTEMPT = re.compile(r"=[ \t]*\d{1,4}[-./]\d")
_DATE_HINT = '; dates are written 2018-04-16, "2018-04" or "2018"'


def _syntax_hint(message: str, text: str, line: int, column: int) -> str:
    """A plain-words hint for the mistakes people make most when writing TOML by hand."""
    lines = text.split("\n")
    source = lines[line - 1] if line <= len(lines) else ""
    here = source[column - 1 : column]
    if message == "Invalid value" and here.isalpha():
        return '; text must be in quotes: title = "…"'
    if message.startswith("Expected newline") and _DATE_ATTEMPT.search(source):
        return _DATE_HINT
    if message == "Cannot overwrite a value":
        return "; is a key given twice?"
    if message == "Illegal character '\\n'" and here in ("", "\r"):
        return '; a string is not closed on its line (text over several lines goes in """…""")'
    if message == "Invalid initial character for a key part":
        if not source[column - 1 :].strip():
            return "; { … } must fit on one line: write [[events.sources]] tables instead"
        if here == "}":
            return "; remove the comma before }"
    return ""


def _dotted(match: re.Match[str]) -> str:
    """tomllib names keys as tuples, ``('events', 'x')``; people write ``events.x``."""
    try:
        parts = ast.literal_eval(match.group())
    except (ValueError, SyntaxError):
        return match.group()
    return quote(".".join(str(p) for p in parts))


def _deepest(text: str) -> tuple[int | None, int | None]:
    """Where brackets nest deepest (a hint for the reader; strings are skipped roughly)."""
    depth = best = 0
    where = None
    quote_char = ""
    for offset, char in enumerate(text):
        if quote_char:
            if char == quote_char or char == "\n":
                quote_char = ""
        elif char in "\"'":
            quote_char = char
        elif char in "[{":
            depth += 1
            if depth > best:
                best, where = depth, offset
        elif char in "]}":
            depth = max(depth - 1, 0)
    if where is None:
        return None, None
    line = text.count("\n", 0, where) + 1
    return line, where - (text.rfind("\n", 0, where) + 1) + 1


def load_timeline(path: str | os.PathLike[str], progress: Progress | None = None) -> Timeline:
    """Read, parse and validate a timeline file.

    ``progress`` (optional) is called with the share of the file done, 0.0 to 1.0, from the
    thread that loads.
    """
    path = Path(path)
    return load_bytes(read_bytes(path), str(path), progress)


def load_bytes(data: bytes, name: str = "<bytes>", progress: Progress | None = None) -> Timeline:
    """Decode (UTF-8, an optional byte-order mark), parse and validate a timeline."""
    # decode() has dropped the byte-order mark: a second one is an error, as TOML says.
    return _load(decode(data, name), name, progress)


def load_text(text: str, name: str = "<text>", progress: Progress | None = None) -> Timeline:
    """Parse and validate timeline text; ``name`` is the path that messages show."""
    return _load(text.removeprefix("\ufeff"), name, progress)


def _load(text: str, name: str, progress: Progress | None = None) -> Timeline:
    try:
        fast = _load_valid(text, name, progress)
    except RecursionError:
        fast = None
    if fast is not None:
        return fast
    checker = _Checker(text, name)
    try:
        timeline = checker.check(parse(text, name))
    except TimelineError:
        raise
    except RecursionError:
        raise TimelineError(
            [Problem(name, "arrays or tables nested too deep to check", *_deepest(text))]
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
# A valid file is parsed in chunks cut at ``[[events]]`` headers (rtoml where it is sure to agree
# with tomllib) and validated chunk by chunk with the garbage collector paused, so neither the
# whole parsed document nor the collector's passes over a growing heap are ever paid for.
# Anything unusual (a chunk that does not parse, a key in two chunks, any problem at all) makes
# it give up and return None: the careful path below then reports exactly what it always has.

_CHUNK_CHARS = 1_000_000
_PLAIN_HEADER = "\n[[events]]"
# A line opening an array of tables other than a plain [[events]] or [[events.…]] header (an
# indented, spaced or quoted ``events``): then header lines cannot simply be counted.
_OTHER_ARRAY_HEADER = re.compile(r"\n[ \t]*\[\[(?!events\]\]|events\.)")
# What rtoml (TOML 1.1) accepts and TOML 1.0 (tomllib) rejects, as found with the toml-test
# suite: \x and \e escapes, times without seconds, a byte-order mark after the start, and inline
# tables over several lines or with a trailing comma. A chunk showing any sign of the first three
# is parsed by tomllib; inline tables are checked one by one (``_inline_tables_are_toml10``).
# The definition, a regex, is in tests/test_perf_fastpaths.py; ``_has_toml11_signs`` decides
# the same much faster. A time's colon: a literal first character lets the regex engine skip
# ahead with a fast scan, where the definition tried a match at every character (4.4 s over a
# 75 MB file).
_TIME_COLON = re.compile(r":\d\d(?!:)")
# Where an inline table can start: as a value, after "=", "[" or "," (comments and newlines may
# stand between in arrays). Matches inside strings only cost a check.
_INLINE_TABLE = re.compile(r"[=\[,](?:[ \t\r\n]|#[^\n]*)*\{")
_ONE_LINE_STRING = re.compile(r""""(?:[^"\\\n]|\\.)*"|'[^'\n]*'""")
_TRAILING_COMMA = re.compile(r",[ \t]*$")
# Below this many events the collector's pauses are short and freezing is not worth it.
_FREEZE_FROM = 5_000
# One shared pause for the loader and the index: they may run at once in different threads.
_gc_paused = gc_paused


def _inline_tables_are_toml10(chunk: str) -> bool:
    """Whether every inline table in ``chunk`` sits on one line without a trailing comma.

    Conservative: nested tables, multi-line strings or comments inside a table answer False
    (tomllib then parses the chunk), never a wrong True.
    """
    for match in _INLINE_TABLE.finditer(chunk):
        start = match.end()
        end = chunk.find("\n", start)
        line = chunk[start:] if end < 0 else chunk[start:end]
        if '"""' in line or "'''" in line:
            return False
        bare = _ONE_LINE_STRING.sub('""', line)
        close = bare.find("}")
        if close < 0:
            return False
        inside = bare[:close]
        if "{" in inside or "#" in inside or _TRAILING_COMMA.search(inside):
            return False
    return True


def _has_toml11_signs(chunk: str) -> bool:
    """Whether ``chunk`` shows a sign of the first three (above): \\x or \\e escapes, a
    byte-order mark, a time without seconds; by substring scans and a literal-led regex."""
    if "\\x" in chunk or "\\e" in chunk or "\ufeff" in chunk:
        return True
    for match in _TIME_COLON.finditer(chunk):
        start = match.start()
        # Two digits before the colon, and before them neither a digit nor a colon.
        digits = chunk[start - 2 : start] if start >= 2 else ""
        lead = chunk[start - 3] if start >= 3 else ""
        if len(digits) == 2 and digits.isdecimal() and not (lead.isdecimal() or lead == ":"):
            return True
    return False


def _parse_chunk(chunk: str) -> dict[str, Any] | None:
    """A chunk's data as tomllib gives it, or None if it does not parse (the caller gives up)."""
    if (
        _HAS_RTOML
        and not _has_toml11_signs(chunk)
        and ("{" not in chunk or _inline_tables_are_toml10(chunk))
    ):
        try:
            return rtoml.loads(chunk)
        except Exception:  # it rejects a few things tomllib reads (1e400): ask tomllib
            pass
    try:
        return tomllib.loads(chunk)
    except (tomllib.TOMLDecodeError, RecursionError, ValueError):
        return None


def _chunk_starts(text: str) -> list[int]:
    """Offsets of plain ``[[events]]`` lines about every _CHUNK_CHARS characters.

    Any subset of the real headers would do: each chunk then parses exactly as that part of the
    whole file does. A header-like line inside a multi-line string leaves that string open at
    the end of the chunk before it, which then fails to parse, so the careful path takes over.
    """
    starts = []
    found = text.find(_PLAIN_HEADER)
    while found >= 0:
        starts.append(found + 1)
        found = text.find(_PLAIN_HEADER, found + _CHUNK_CHARS)
    return starts


def _header_lines(chunk: str, first_line: int, expected: int) -> list[int] | None:
    """1-based lines of the events of a chunk that starts with a plain header, or None.

    Counting plain headers is exact when every event has one: a header-like line inside a
    string would make more headers than events. None when some header is written otherwise.
    """
    if _OTHER_ARRAY_HEADER.search(chunk):
        return None
    lines = [first_line]
    line, previous = first_line, 0
    found = chunk.find(_PLAIN_HEADER)
    while found >= 0:
        line += chunk.count("\n", previous, found + 1)
        previous = found + 1
        lines.append(line)
        found = chunk.find(_PLAIN_HEADER, found + 1)
    return lines if len(lines) == expected else None


def _load_valid(text: str, name: str, progress: Progress | None) -> Timeline | None:
    """The timeline, if the file is valid and plain enough for the fast path; else None."""
    starts = _chunk_starts(text)
    if not starts:
        return None
    head = _parse_chunk(text[: starts[0]])
    if head is None or "events" in head:
        return None
    bounds = [*starts, len(text)]
    total = len(text)
    events: list[Event] = []
    lines: list[int] | None = []
    line = text.count("\n", 0, starts[0]) + 1
    validate = EventModel.model_validate
    with _gc_paused():
        for start, end in itertools.pairwise(bounds):
            chunk = text[start:end]
            data = _parse_chunk(chunk)
            if data is None:
                return None
            raw = data.pop("events", None)
            if not isinstance(raw, list) or any(key in head for key in data):
                return None
            head.update(data)
            try:
                events.extend(map(to_event, map(validate, raw)))
            except ValidationError:
                return None
            if lines is not None:
                found = _header_lines(chunk, line, len(raw))
                lines = None if found is None else lines + found
            line += chunk.count("\n")
            del data, raw
            if progress is not None:
                progress(end / total)
        if len(events) >= _FREEZE_FROM:
            # The events live as long as the timeline: later collections need not traverse
            # them (reference counting still frees them).
            gc.freeze()
    if any(key not in TOP_LEVEL_KEYS for key in head):
        return None
    checker = _Checker(text, name)
    info = checker._info(head.get("timeline"))
    views = checker._views(head.get("views"))
    if checker.problems:
        return None
    known: set[str] = set()
    for event in events:
        if event.id in known:
            return None
        known.add(event.id)
    if any(other not in known for event in events for other in event.related):
        return None
    if lines is None:
        lines = event_header_lines(text, len(events)) or []
    return Timeline(
        info=info,
        events=events,
        views=views,
        path=name,
        lines=dict(zip((e.id for e in events), lines, strict=False)),
    )


class _Checker:
    def __init__(self, text: str, name: str) -> None:
        self.text = text
        self.name = name
        self.problems: list[Problem] = []
        self._locator: Locator | None = None

    @property
    def locator(self) -> Locator:
        # Lexing is only needed to place problems; a valid file never pays for it.
        if self._locator is None:
            self._locator = Locator(self.text)
        return self._locator

    def add(
        self,
        message: str,
        where: tuple[str | int, ...] = (),
        *,
        event: str | None = None,
        field: str | None = None,
    ) -> None:
        position = self.locator.position(where) if where else None
        line, column = position if position else (None, None)
        self.problems.append(Problem(self.name, message, line, column, event, field))

    def check(self, data: dict[str, Any]) -> Timeline | None:
        for key in data:
            if key not in TOP_LEVEL_KEYS:
                hint = (
                    did_you_mean(key, TOP_LEVEL_KEYS) or " (only [timeline], [[events]], [views])"
                )
                self.add(f"unknown top-level key{hint}", (key,), field=key)
        info = self._info(data.get("timeline"))
        views = self._views(data.get("views"))
        events = self._events(data.get("events"))
        if self.problems:
            return None
        lines = event_header_lines(self.text, len(events)) or []
        return Timeline(
            info=info,
            events=events,
            views=views,
            path=self.name,
            lines=dict(zip((e.id for e in events), lines, strict=False)),
        )

    def _info(self, raw: Any) -> TimelineInfo:
        if raw is None:
            return TimelineInfo()
        if not isinstance(raw, dict):
            self.add(
                f"must be a table ([timeline] with title and description), not {_type_name(raw)}",
                ("timeline",),
                field="timeline",
            )
            return TimelineInfo()
        try:
            return validate_info(raw)
        except ValidationError as exc:
            for loc, message in _describe(exc, INFO_FIELDS):
                self.add(message, ("timeline", *loc), field="timeline." + _field_name(loc))
            return TimelineInfo()

    def _views(self, raw: Any) -> dict[str, str]:
        if raw is None:
            return {}
        if not isinstance(raw, dict):
            self.add(
                f'must be a table of name = "query" lines under [views], not {_type_name(raw)}',
                ("views",),
                field="views",
            )
            return {}
        from tui.core.query.language import QueryError, parse

        for name, query in raw.items():
            if not isinstance(query, str):
                self.add(
                    f'a view must be a query in quotes (name = "query"), not {_type_name(query)}',
                    ("views", name),
                    field=f"views.{name}",
                )
                continue
            try:
                parse(query)
            except QueryError as exc:
                # A saved view that cannot run is found here, not when a teammate opens it.
                self.add(f"not a valid query: {exc}", ("views", name), field=f"views.{name}")
        return {k: v for k, v in raw.items() if isinstance(v, str)}

    def _events(self, raw: Any) -> list[Event]:
        if raw is None:
            self.add("no events: add [[events]] tables (see docs/format.md)")
            return []
        if isinstance(raw, dict):
            self.add(
                "must be an array of tables: write [[events]], not [events]",
                ("events",),
                field="events",
            )
            return []
        if not isinstance(raw, list):
            self.add(
                f"must be [[events]] tables, not {_type_name(raw)}", ("events",), field="events"
            )
            return []
        if not raw:
            self.add("no events: add [[events]] tables (see docs/format.md)", ("events",))
            return []
        # Ids are checked on the raw tables so that an event with other problems still
        # claims its id: duplicates and dangling `related` links are all reported at once.
        first_index: dict[str, int] = {}
        for index, item in enumerate(raw):
            ident = item.get("id") if isinstance(item, dict) else None
            if not isinstance(ident, str) or not ID_PATTERN.fullmatch(ident):
                continue
            if ident in first_index:
                first = first_index[ident]
                line = self.locator.position(("events", first, "id"))
                at = f" (line {line[0]})" if line else ""
                self.add(
                    f"duplicate id: already used by event #{first + 1}{at}",
                    ("events", index, "id"),
                    event=_label(item, index),
                    field="id",
                )
            else:
                first_index[ident] = index
        events: list[Event] = []
        for index, item in enumerate(raw):
            label = _label(item, index)
            if not isinstance(item, dict):
                self.add(
                    f"an event must be a table ([[events]]), not {_type_name(item)}",
                    ("events", index),
                    event=label,
                )
                continue
            self._related(item, index, label, first_index)
            try:
                event = to_event(EventModel.model_validate(item))
            except ValidationError as exc:
                reported = set()
                for loc, message in _describe(exc, EVENT_FIELDS):
                    reported.add(loc)
                    self.add(message, ("events", index, *loc), event=label, field=_field_name(loc))
                conflict = status_conflict(item.get("status"), "end_date" in item)
                if conflict and ("status",) not in reported:
                    self.add(conflict, ("events", index, "status"), event=label, field="status")
                continue
            events.append(event)
        return events

    def _related(self, item: dict[str, Any], index: int, label: str, known: dict[str, int]) -> None:
        related = item.get("related")
        if not isinstance(related, list):
            return  # the model reports the wrong type
        for position, other in enumerate(related):
            # Ids that are not slugs at all are the model's to report.
            if isinstance(other, str) and ID_PATTERN.fullmatch(other) and other not in known:
                hint = did_you_mean(other, sorted(k for k in known if k != item.get("id")))
                self.add(
                    f"no event has the id {quote(other)}{hint}",
                    ("events", index, "related", position),
                    event=label,
                    field=f"related: item {position + 1} ({quote(other)})",
                )


def _label(item: Any, index: int) -> str:
    """How a message names an event: its id when it has a usable one, else its position."""
    if isinstance(item, dict):
        ident = item.get("id")
        if isinstance(ident, str) and ID_PATTERN.fullmatch(ident):
            return f"'{ident}'"
    return f"#{index + 1}"


def _field_name(loc: tuple[str | int, ...]) -> str:
    """``sources: item 1, url``: a list's items counted from 1, as people count them, and
    called items (``sources[1]`` read as the second source to anyone who counts from 0)."""
    text = ""
    after_item = False
    for part in loc:
        if isinstance(part, int):
            text += f": item {part + 1}"
            after_item = True
        else:
            text += (", " if after_item else "." if text else "") + part
            after_item = False
    return text


_SOURCES_FORMS = "[[events.sources]] tables, or sources = [{ publisher = …, url = … }]"
_WANTED = {
    "string_type": "a string in quotes",
    "string_unicode": "a string in quotes",
    "list_type": 'a list, e.g. ["a", "b"]',
    "model_type": "a table",  # a source: { publisher = …, url = … }
    "model_attributes_type": "a table",
    "dict_type": "a table",
    "dataclass_type": "a table",
}


def _describe(
    exc: ValidationError, fields: tuple[str, ...]
) -> Iterator[tuple[tuple[str | int, ...], str]]:
    """Pydantic's errors as (location, message) in our words, with did-you-mean hints.

    Every error type our models can produce is mapped here; pydantic's own wording
    ("Input should be a valid list") is never shown.
    """
    for error in exc.errors(include_url=False, include_input=True):
        loc = tuple(error["loc"])
        kind = error["type"]
        value = error.get("input")
        last = loc[-1] if loc else None
        if kind == "extra_forbidden":
            key = str(last)
            choices = SOURCE_FIELDS if "sources" in loc[:-1] else fields
            hint = did_you_mean(key, choices) or f" (fields: {', '.join(choices)})"
            yield loc, f"unknown field{hint}"
        elif kind == "missing":
            yield loc, "is required"
        elif kind == "enum" and last == "action":
            words = [a.value for a in Action]
            if isinstance(value, str):
                yield (
                    loc,
                    (
                        f"{quote(value)} is not an action{did_you_mean(value, words)} "
                        f"(one of: {', '.join(words)})"
                    ),
                )
            else:
                listed = ", ".join(words)
                yield loc, f"must be an action word in quotes ({listed}), not {_type_name(value)}"
        elif kind == "enum":  # the status
            if isinstance(value, str):
                yield loc, f"{quote(value)} is not a status: use ongoing, ended or unknown"
            else:
                yield loc, f'must be "ongoing", "ended" or "unknown", not {_type_name(value)}'
        elif kind == "list_type" and last == "sources":
            yield loc, f"must be a list of sources ({_SOURCES_FORMS}), not {_type_name(value)}"
        elif kind in _WANTED:
            yield loc, f"must be {_WANTED[kind]}, not {_type_name(value)}"
        elif kind == "too_short":
            yield loc, f"needs at least one source ({_SOURCES_FORMS})"
        elif kind == "value_error":
            message = error["msg"]
            yield loc, message.removeprefix("Value error, ")
        else:
            # Not reachable with our models (a test feeds every kind of TOML value to every
            # field); kept so a future field cannot turn into a traceback.
            yield loc, f"is not valid ({kind})"


def _type_name(value: Any) -> str:
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, datetime):
        return "a date-time"
    if isinstance(value, date):
        return "a date"
    if isinstance(value, time):
        return "a time"
    return type(value).__name__
