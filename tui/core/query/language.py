"""The query language: one parser for the search box, the filter pane, `list` and `export`.

``country:RU platform:telegram,whatsapp -action:lift "fsb keys" asof:2021-06-01`` — the grammar
and the meaning of every field are documented, with examples the tests run, in ``docs/query.md``.

This module is pure Python (no Textual). ``parse`` turns text into a ``Query``; ``Index`` evaluates
queries over a timeline's events, fast enough for a keystroke at 100,000 events because it
precomputes everything a term can ask about (see ``tui.core.query.textindex`` for the bitsets).
The helpers ``with_facet``/``with_range`` rewrite query text so the filter pane and the search box
stay the same query, and ``command_line`` gives the shell command that reproduces a view.
"""

from __future__ import annotations

import bisect
import difflib
import re
import shlex
import threading
import time
import unicodedata
import weakref
from array import array
from collections import OrderedDict, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from enum import Enum
from itertools import chain, compress, islice, repeat
from operator import and_, attrgetter, ge, itemgetter, le, lt
from typing import Any, TypeVar, cast

from tui.core.files.collector import paused as gc_paused
from tui.core.query.textindex import (
    FS,
    TextIndex,
    bits_to_indices,
    bits_to_mask,
    indices_to_bits,
)
from tui.core.text.sanitize import clean, quote
from tui.core.time.span import FOREVER, OPEN_STATUSES
from tui.core.timeline.countries import BLOCS, country_name
from tui.core.timeline.dates import MONTHS, PartialDate
from tui.core.timeline.errors import did_you_mean
from tui.core.timeline.event import Action, Event, Status

FIELDS: tuple[str, ...] = (
    "country", "platform", "action", "tag", "authority", "status", "id",
    "after", "before", "during", "asof",
)  # fmt: skip
FACETS: tuple[str, ...] = ("country", "platform", "action", "tag", "status")
TIME_FIELDS = frozenset({"after", "before", "during", "asof"})
TODAY = "today"

_ACTIONS = tuple(a.value for a in Action)
_STATUSES = tuple(s.value for s in Status)
_FIELD_NAME = re.compile(r"[A-Za-z][A-Za-z_]*:")
_DATE_FORMS = 'write 2018, 2018-04, 2018-04-16, "April 2018", "16 April 2018" or today'
# Dates as the app writes them (dates.MONTHS), and their three-letter abbreviations.
_MONTH_NUMBERS = {
    **{name.casefold(): n for n, name in enumerate(MONTHS, 1)},
    **{name[:3].casefold(): n for n, name in enumerate(MONTHS, 1)},
}
_WRITTEN_DATE = re.compile(r"(?:(?P<d>\d{1,2})\s+)?(?P<name>[A-Za-z]+)\.?\s+(?P<y>\d{4})")
# Values that must be quoted to survive a round trip through the parser.
_NEEDS_QUOTES = re.compile(r'[\s,"]')


def parse_date(value: str) -> PartialDate | None:
    """A date as time terms take it: ``2018``, ``2018-04``, ``2018-04-16`` or ``today`` (None:
    the caller's today). The one reading of a typed date: the query, the filter pane's date
    boxes and the as-of board's date box all use it. ValueError says what to write instead."""
    if value.strip().casefold() == TODAY:
        return None
    # The form the app shows dates in: "April 2018", "16 April 2018" (or "16 Apr 2018").
    written = _WRITTEN_DATE.fullmatch(value.strip())
    month = _MONTH_NUMBERS.get(written.group("name").casefold()) if written else None
    if written and month is not None:
        day, year = written.group("d", "y")
        value = f"{year}-{month:02d}" + (f"-{int(day):02d}" if day else "")
    else:
        written = None
    try:
        return PartialDate.parse(value)
    except ValueError as exc:
        if written:  # a real month name with a day it does not have: say so
            raise ValueError(f"{quote(written.group(0))}: {exc}") from None
        raise ValueError(f"{quote(value)} is not a date — {_DATE_FORMS}") from None


class QueryError(ValueError):
    """A query that cannot be parsed: what is wrong, where (0-based offset) and a hint."""

    def __init__(self, message: str, position: int, term: str, hint: str | None = None) -> None:
        self.message = message
        self.position = position
        self.term = term
        self.hint = hint
        super().__init__(str(self))

    def __str__(self) -> str:
        hint = f" — {self.hint}" if self.hint else ""
        return f"{self.message}{hint} (at column {self.position + 1})"

    def pointer(self, text: str, indent: str = "  ") -> str:
        """Two lines: the query (sanitised) and carets under the bad term, for terminals."""
        shown = clean(text)
        before = clean(text[: self.position])
        width = max(1, _cells(clean(self.term)) if self.term else 1)
        return f"{indent}{shown}\n{indent}{' ' * _cells(before)}{'^' * width}"


def _cells(text: str) -> int:
    """Terminal columns taken by ``text``: wide (CJK) characters count two, combining marks none."""
    width = 0
    for char in text:
        if unicodedata.combining(char):
            continue
        width += 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1
    return width


@dataclass(frozen=True, slots=True)
class Term:
    """One term: ``field:a,b`` (``field`` set) or free text (``field`` is None), maybe negated.

    ``values`` are as written, unquoted; ``start``/``end`` delimit the term in the query text
    (the leading ``-`` included). For time fields ``dates`` holds the parsed values, ``None``
    standing for ``today``.
    """

    field: str | None
    values: tuple[str, ...]
    negated: bool = False
    start: int = 0
    end: int = 0
    dates: tuple[PartialDate | None, ...] = ()

    @property
    def is_text(self) -> bool:
        return self.field is None

    @property
    def key(self) -> tuple[str | None, tuple[str, ...]]:
        """What the term asks, independent of position and spelling: the evaluation cache key."""
        if self.field in TIME_FIELDS:
            return self.field, tuple(d.iso() if d else TODAY for d in self.dates)
        return self.field, tuple(normalize(self.field, v) for v in self.values)


@dataclass(frozen=True)
class Query:
    text: str
    terms: tuple[Term, ...] = ()

    @property
    def is_empty(self) -> bool:
        return not self.terms

    def without_facet(self, facet: str) -> Query:
        """The query minus the facet's own (positive) terms: what facet counts are computed on."""
        kept = tuple(t for t in self.terms if t.field != facet or t.negated)
        return Query(self.text, kept)


def normalize(field: str | None, value: str) -> str:
    """The comparable form of a value: codes upper case, words casefolded, text spaces collapsed."""
    if field == "country":
        return value.upper()
    if field is None:
        return " ".join(value.split()).casefold()
    return value.casefold()


# --------------------------------------------------------------------------------------------
# Parsing


def parse(text: str) -> Query:
    """Parse query text; raise ``QueryError`` (never anything else) when it is not valid."""
    return Query(text, tuple(_Parser(text).terms()))


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0

    def error(self, message: str, start: int, end: int, hint: str | None = None) -> QueryError:
        return QueryError(message, start, self.text[start:end], hint)

    def terms(self) -> Iterable[Term]:
        text = self.text
        while True:
            while self.pos < len(text) and text[self.pos].isspace():
                self.pos += 1
            if self.pos >= len(text):
                return
            yield self.term()

    def term(self) -> Term:
        text = self.text
        start = self.pos
        negated = text[start] == "-"
        if negated:
            self.pos += 1
            if self.pos >= len(text) or text[self.pos].isspace():
                raise self.error(
                    "'-' must be followed by a term",
                    start,
                    start + 1,
                    'write -platform:linkedin or -word; to search for "-", quote it',
                )
        if text[self.pos] == '"':
            value, _ = self.quoted()
            self.expect_term_end()
            phrase = " ".join(value.split())
            if not phrase:
                raise self.error("empty phrase", start, self.pos, 'write "some words" or remove it')
            return Term(None, (phrase,), negated, start, self.pos)
        match = _FIELD_NAME.match(text, self.pos)
        if match and not text.startswith("//", match.end()):
            return self.field_term(start, negated, match.group()[:-1])
        word_start = self.pos
        while self.pos < len(text) and not text[self.pos].isspace():
            if text[self.pos] == '"':
                raise self.error(
                    "unexpected '\"' inside a word",
                    self.pos,
                    self.pos + 1,
                    'put the whole phrase in quotes: "like this"',
                )
            self.pos += 1
        return Term(None, (text[word_start : self.pos],), negated, start, self.pos)

    def field_term(self, start: int, negated: bool, name: str) -> Term:
        field = name.lower()
        name_at = self.pos
        self.pos += len(name) + 1
        if field not in FIELDS:
            close = did_you_mean(field, FIELDS)
            hint = (
                close.removeprefix("; ")
                if close
                else "fields are " + ", ".join(FIELDS) + '; to search for text with ":", quote it'
            )
            raise self.error(f"unknown field {quote(name)}", name_at, name_at + len(name), hint)
        values: list[str] = []
        dates: list[PartialDate | None] = []
        while True:
            value_at = self.pos
            if self.pos < len(self.text) and self.text[self.pos] == '"':
                value, _ = self.quoted()
            else:
                value = self.bare_value()
            if not value.strip():
                if values:
                    raise self.error(
                        f"empty value after ',' in {field}:",
                        value_at - 1,
                        self.pos,
                        "remove the extra ','",
                    )
                raise self.error(
                    f"empty value for {field}:", start, self.pos, f"e.g. {_EXAMPLES[field]}"
                )
            if field in TIME_FIELDS:
                dates.append(self.time_value(value, value_at))
            else:
                self.check_value(field, value, value_at)
            values.append(value)
            if self.pos < len(self.text) and self.text[self.pos] == ",":
                self.pos += 1
                continue
            self.expect_term_end()
            return Term(field, tuple(values), negated, start, self.pos, tuple(dates))

    def bare_value(self) -> str:
        text = self.text
        begin = self.pos
        while self.pos < len(text) and not text[self.pos].isspace() and text[self.pos] != ",":
            if text[self.pos] == '"':
                raise self.error(
                    "unexpected '\"' inside a value",
                    self.pos,
                    self.pos + 1,
                    'quote the whole value: authority:"Tagansky District Court"',
                )
            self.pos += 1
        return text[begin : self.pos]

    def quoted(self) -> tuple[str, int]:
        """A ``"..."`` string from the opening quote at ``pos``; ``\\"`` and ``\\\\`` escape."""
        text = self.text
        opening = self.pos
        self.pos += 1
        out: list[str] = []
        while self.pos < len(text):
            char = text[self.pos]
            if char == "\\" and self.pos + 1 < len(text) and text[self.pos + 1] in '"\\':
                out.append(text[self.pos + 1])
                self.pos += 2
                continue
            if char == '"':
                self.pos += 1
                return "".join(out), opening
            out.append(char)
            self.pos += 1
        raise self.error("unterminated quote", opening, len(text), 'close it with "')

    def expect_term_end(self) -> None:
        if self.pos < len(self.text) and not self.text[self.pos].isspace():
            raise self.error(
                f"expected a space after the quote, not {quote(self.text[self.pos])}",
                self.pos,
                self.pos + 1,
                "separate terms with spaces; join values with ','",
            )

    def time_value(self, value: str, at: int) -> PartialDate | None:
        """A date value; None stands for ``today`` (resolved when the query is evaluated)."""
        try:
            return parse_date(value)
        except ValueError:
            raise self.error(f"{quote(value)} is not a date", at, self.pos, _DATE_FORMS) from None

    def check_value(self, field: str, value: str, at: int) -> None:
        end = self.pos
        folded = value.casefold()
        if field == "status" and folded not in _STATUSES:
            close = did_you_mean(folded, _STATUSES).removeprefix("; ")
            hint = f"{close} (use ongoing, ended or unknown)" if close else None
            raise self.error(
                f"{quote(value)} is not a status",
                at,
                end,
                hint or "use ongoing, ended or unknown",
            )
        if field == "action" and folded not in _ACTIONS:
            close = did_you_mean(folded, _ACTIONS).removeprefix("; ")
            words = ", ".join(_ACTIONS)
            raise self.error(
                f"{quote(value)} is not an action",
                at,
                end,
                f"{close} (one of: {words})" if close else f"one of: {words}",
            )
        if field == "country" and country_name(value.upper()) is None:
            raise self.error(f"{quote(value)} is not a country code", at, end, _country_hint(value))


_EXAMPLES = {
    "country": "country:RU",
    "platform": "platform:telegram",
    "action": "action:block",
    "tag": "tag:encryption",
    "authority": "authority:roskomnadzor",
    "status": "status:ongoing",
    "id": "id:ru-2018-telegram-block",
    "after": "after:2018",
    "before": "before:2022-03",
    "during": "during:2020",
    "asof": "asof:2021-06-01",
}


def _country_hint(value: str) -> str:
    import pycountry  # only on this error path

    wanted = value.strip()
    try:
        found = [pycountry.countries.lookup(wanted)]  # an alpha-3 code or an exact name
    except LookupError:
        # A part of a name ("russia" -> Russian Federation); too short a part says nothing.
        folded = wanted.casefold()
        found = [
            c
            for c in pycountry.countries
            if len(folded) >= 3
            and any(
                folded in getattr(c, attr, "").casefold()
                for attr in ("name", "official_name", "common_name")
            )
        ]
    named = [(c.alpha_2, getattr(c, "common_name", None) or c.name) for c in found]
    folded = wanted.casefold()
    named += [
        (code, name)
        for code, name in BLOCS.items()
        if len(folded) >= 3 and folded in name.casefold()
    ]
    if 0 < len(named) <= 3:
        return "did you mean " + " or ".join(f"'{code}' ({name})" for code, name in named) + "?"
    return "use a two-letter ISO 3166-1 code such as RU, BR or IN, or EU"


# --------------------------------------------------------------------------------------------
# Rewriting query text: the filter pane and the search box are one query


def selected(query: Query, facet: str) -> set[str]:
    """Values ticked for ``facet``: its positive terms' values, as written, one per spelling."""
    _check_facet(facet)
    seen: dict[str, str] = {}
    for term in query.terms:
        if term.field == facet and not term.negated:
            for value in term.values:
                seen.setdefault(normalize(facet, value), value)
    return set(seen.values())


def with_facet(text: str, facet: str, values: Iterable[str]) -> str:
    """``text`` rewritten so ``facet`` selects exactly ``values`` (raises QueryError if invalid).

    The facet's positive terms become one ``facet:a,b`` term where the first of them stood (or
    appended); values already written keep their spelling and order; a value being selected is
    dropped from negated terms of the facet. Everything else is left exactly as it was.
    """
    _check_facet(facet)
    wanted = _ordered(values)
    return _rewrite(text, facet, wanted)


def range_values(query: Query) -> tuple[str | None, str | None]:
    """The values of the query's first ``after:`` and ``before:`` terms, as written (the
    filter pane's date boxes show them); None where there is none."""
    found: dict[str, str] = {}
    for term in query.terms:
        if term.field in ("after", "before") and not term.negated and term.values:
            found.setdefault(term.field, term.values[0])
    return found.get("after"), found.get("before")


def with_range(
    text: str, after: str | None, before: str | None, *, keep: Iterable[str] = ()
) -> str:
    """``text`` with its ``after:``/``before:`` terms set to these values (None removes them);
    the fields named in ``keep`` are left as the text has them."""
    for field, value in (("after", after), ("before", before)):
        if field in keep:
            continue
        if value is not None:
            try:
                parse_date(value)
            except ValueError:
                raise QueryError(f"{quote(value)} is not a date", 0, value, _DATE_FORMS) from None
        text = _rewrite(text, field, [value] if value is not None else [])
    return text


def _check_facet(facet: str) -> None:
    if facet not in FACETS:
        raise ValueError(f"not a facet: {facet!r} (one of {', '.join(FACETS)})")


def _ordered(values: Iterable[str]) -> list[str]:
    # A set has no order of its own: sort it so the rewritten text does not vary run to run.
    if isinstance(values, (set, frozenset)):
        return sorted(values, key=lambda v: (v.casefold(), v))
    return list(values)


def _rewrite(text: str, field: str, values: list[str]) -> str:
    query = parse(text)
    wanted = {normalize(field, v) for v in values if v.strip()}
    positive = [t for t in query.terms if t.field == field and not t.negated]
    merged: dict[str, str] = {}
    for term in positive:
        for value in term.values:
            if normalize(field, value) in wanted:
                merged.setdefault(normalize(field, value), value)
    for value in values:
        if value.strip():
            merged.setdefault(normalize(field, value), value)
    new_term = f"{field}:" + ",".join(_render(v) for v in merged.values()) if merged else ""

    edits: list[tuple[int, int, str]] = []
    for index, term in enumerate(positive):
        edits.append((term.start, term.end, new_term if index == 0 else ""))
    for term in query.terms:
        if term.field == field and term.negated:
            kept = [v for v in term.values if normalize(field, v) not in wanted]
            if len(kept) != len(term.values):
                rendered = f"-{field}:" + ",".join(_render(v) for v in kept) if kept else ""
                edits.append((term.start, term.end, rendered))
    text = _splice(text, edits)
    if not positive and new_term:
        text = text.rstrip() + (" " if text.strip() else "") + new_term
    return text


def _render(value: str) -> str:
    if value and not _NEEDS_QUOTES.search(value):
        return value
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _splice(text: str, edits: list[tuple[int, int, str]]) -> str:
    """Apply (start, end, replacement) edits; an emptied term takes its separating space along."""
    for start, end, new in sorted(edits, reverse=True):
        if new:
            text = text[:start] + new + text[end:]
            continue
        after = end
        while after < len(text) and text[after].isspace():
            after += 1
        before = start
        if after == len(text):  # the last term: drop the space before it instead
            while before > 0 and text[before - 1].isspace():
                before -= 1
        text = text[:before] + text[after:]
    return text


# --------------------------------------------------------------------------------------------
# Describing a query for people and for shells


@dataclass(frozen=True, slots=True)
class Unfinished:
    """The last term of a query still being typed (see ``split_unfinished``).

    ``kind`` is ``value`` (``platform:`` with no value yet), ``comma`` (``platform:telegram,``),
    ``minus`` (a lone ``-``) or ``field`` (a bare word that begins a field name, such as
    ``plat``: it may become ``platform:``); ``term`` is the text held back, as typed; ``hint``
    says what it waits for (empty for ``field``, which a pause settles without a word).
    """

    kind: str
    term: str
    hint: str


_VALUE_PENDING = re.compile(r"(?:^|(?<=\s))-?([A-Za-z][A-Za-z_]*):\s*$")
_MINUS_PENDING = re.compile(r"(?:^|(?<=\s))-\s*$")


def split_unfinished(text: str) -> tuple[str, Unfinished | None]:
    """Split off a last term that is still being typed, so that a query box can filter by
    what comes before it instead of by a half-typed word (pure; the app decides when).

    Returns the text before that term (which may still not parse) and the term, or the text
    unchanged and None. Held back: ``field:`` with no value yet, a field's values ending in
    ``,``, a lone ``-``, and a bare word right at the end (no space after it) that begins a
    field name (``plat``, ``platform``), as long as the text before it is a query of its own.
    A misspelt field (``platfrom:``) is an error, not unfinished.
    """
    match = _VALUE_PENDING.search(text)
    if match and match.group(1).lower() in FIELDS:
        field = match.group(1).lower()
        hint = f"{field}: needs a value, e.g. {_EXAMPLES[field]}"
        return text[: match.start()], Unfinished("value", text[match.start() :], hint)
    match = _MINUS_PENDING.search(text)
    if match:
        hint = "'-' leaves out what follows, e.g. -platform:linkedin or -word"
        return text[: match.start()], Unfinished("minus", text[match.start() :], hint)
    stripped = text.rstrip()
    if stripped.endswith(","):
        try:
            query = parse(stripped[:-1])
        except QueryError:
            return text, None
        last = query.terms[-1] if query.terms else None
        if last is not None and last.field is not None and last.end == len(stripped) - 1:
            field = last.field
            hint = f"another {field}: value to come after ','"
            return stripped[:-1], Unfinished("comma", text[len(stripped) - 1 :], hint)
        return text, None
    try:
        query = parse(text)
    except QueryError:
        return text, None
    last = query.terms[-1] if query.terms else None
    if last is None or not last.is_text or last.end != len(text):
        return text, None
    word = text[last.start + last.negated : last.end]
    if word.startswith('"') or not word.isascii() or not word.isalpha():
        return text, None
    folded = word.lower()
    if not any(field.startswith(folded) for field in FIELDS):
        return text, None
    return text[: last.start], Unfinished("field", text[last.start :], "")


def describe(query: Query) -> str:
    """``country: RU · platform: telegram, whatsapp · text: "block"`` (sanitised, one line)."""
    parts: list[str] = []
    texts: list[str] = []
    not_texts: list[str] = []
    for term in query.terms:
        if term.is_text:
            (not_texts if term.negated else texts).append(f'"{clean(term.values[0])}"')
            continue
        prefix = "not " if term.negated else ""
        parts.append(f"{prefix}{term.field}: " + ", ".join(clean(v) for v in term.values))
    if texts:
        parts.append("text: " + ", ".join(texts))
    if not_texts:
        parts.append("not text: " + ", ".join(not_texts))
    return " · ".join(parts) if parts else "all events"


def command_line(query_text: str, path: str | None, view: str | None = None) -> str:
    """The shell command that lists this view: ``policy-tui list PATH --query '...'``.

    Not sanitised: it is meant to be copied exactly; ``clean`` it before showing it.
    """
    words = ["policy-tui", "list"]
    if path:
        words.append(shlex.quote("./" + path if path.startswith("-") else path))
    for option, value in (("--view", view), ("--query", query_text.strip())):
        if value:
            # `--query=-x` keeps a leading '-' from being read as an option by any parser.
            sep = "=" if value.startswith("-") else " "
            words.append(f"{option}{sep}{shlex.quote(value)}")
    return " ".join(words)


# --------------------------------------------------------------------------------------------
# Evaluation


# The event fields queries read, taken off all events in one pass (``Index._columns``).
_COLUMNS = (
    "id", "title", "summary", "country", "tags", "authority", "platforms", "sources",
    "action", "status", "date", "end_date",
)  # fmt: skip
# Events are tuples (tui.core.timeline.event): one itemgetter call takes a row's columns in C.
_ROW = itemgetter(*(Event._fields.index(name) for name in _COLUMNS))
_SLICE = 8192  # events per C call while reading them: a few ms, then other threads may run
_TAIL = FS + FS  # in a search text, ends the prose (see Index._texts)
# facet -> (column, one value per event?)
_FACET_COLUMNS: dict[str, tuple[str, bool]] = {
    "country": ("country", True),
    "platform": ("platforms", False),
    "action": ("action", True),
    "tag": ("tags", False),
    "status": ("status", True),
    "authority": ("authority", False),
}
# What Index._part builds: the facets (and authority), the id map and the time columns.
_PARTS = (*_FACET_COLUMNS, "id", "time")
_P = TypeVar("_P")
# Free text finds these through their distinct values (``Index._search_text``).
_VALUE_TEXT_FIELDS = ("country", "tag", "authority", "platform")


def _spaces_collapsed(key: str) -> str:
    return " ".join(key.split())


# A value key (normalised for its field) -> its text in the search texts. A country's key is its
# code (validated: upper case), its text the country's name.
_TEXT_OF: dict[str, Callable[[str], str]] = {
    "country": lambda code: normalize(None, country_name(code) or code),
}
_YMD = attrgetter("year", "month", "day")
_TIME_COLUMNS = ("date", "end_date", "status")


class _Values:
    """One field's values -> the events that have them, with each value's first spelling.

    ``column`` holds each event's value (``single``) or list of values. Normalising runs once
    per distinct value, not per event.
    """

    def __init__(self, n: int, field: str, column: Sequence[Any], single: bool) -> None:
        self.n = n
        self.field = field
        self._texts: list[tuple[str, str]] | None = None
        # Frequent values get a bitset up front (fast to AND and count); rare ones are counted
        # from their index lists, so a field with 100,000 distinct values costs no 100,000 bitsets.
        self.floor = max(32, n // 1024)
        self.display: dict[str, str] = {}
        self.dense: dict[str, int] = {}
        self.rare: dict[str, list[int]] = {}
        if single and self._by_code(field, column):
            return
        raw: defaultdict[Any, list[int]] = defaultdict(list)
        if single:
            for index, value in enumerate(column):
                raw[value].append(index)
        else:
            for index, values in enumerate(column):
                for value in values:
                    raw[value].append(index)
        merged: dict[str, list[int]] = {}
        for key, items in zip(self._keys(field, raw), raw.values(), strict=True):
            if key in merged:  # another spelling of a value already seen
                merged[key] = sorted(set(merged[key]).union(items))
            else:
                merged[key] = items
        for key, items in merged.items():
            if len(items) >= self.floor:
                self.dense[key] = indices_to_bits(items, n)
            else:
                # A value listed twice on one event (only possible unvalidated) counts once.
                self.rare[key] = items if len(set(items)) == len(items) else sorted(set(items))

    def _keys(self, field: str, raw: Iterable[Any]) -> list[str]:
        """Each raw value's key, recording first spellings (raw values in order of first
        appearance, so the first spelling in the file wins)."""
        keys = []
        for value in raw:
            spelling = value.value if isinstance(value, Enum) else value
            key = normalize(field, spelling)
            self.display.setdefault(key, spelling)
            keys.append(key)
        return keys

    def _by_code(self, field: str, column: Sequence[Any]) -> bool:
        """One value per event and at most 255 distinct: a byte per event, then each value's
        events with ``bytes.translate`` and no Python loop per event. False if too many."""
        distinct = dict.fromkeys(column)
        if len(distinct) > 255:
            return False
        code_of = {value: code for code, value in enumerate(distinct)}
        codes = bytes(map(code_of.__getitem__, column))
        by_key: dict[str, list[int]] = {}
        for key, code in zip(self._keys(field, distinct), code_of.values(), strict=True):
            by_key.setdefault(key, []).append(code)
        spread = [codes[k::8] for k in range(8)]  # spread[k][j]: the code of event 8j + k
        for key, key_codes in by_key.items():
            members = bytearray(256)
            for code in key_codes:
                members[code] = 1
            if sum(map(codes.count, key_codes)) >= self.floor:
                # Bit 8j + k of the bitset is byte j of spread[k] translated to 0 or 1 << k.
                self.dense[key] = sum(
                    int.from_bytes(part.translate(members.translate(_SHIFT[k])), "little")
                    for k, part in enumerate(spread)
                )
            else:
                self.rare[key] = list(compress(range(self.n), codes.translate(members)))
        return True

    def containing(self, needle: str) -> int:
        """The events with a value whose text (as free text sees it) contains ``needle``."""
        if self._texts is None:
            spell = _TEXT_OF.get(self.field, _spaces_collapsed)
            self._texts = [(spell(key), key) for key in self.display]
        return self.union(key for text, key in self._texts if needle in text)

    def bits(self, key: str) -> int:
        found = self.dense.get(key)
        if found is None:
            found = indices_to_bits(self.rare.get(key, ()), self.n)
        return found

    def union(self, keys: Iterable[str]) -> int:
        bits = 0
        rare: list[int] = []
        for key in keys:
            if key in self.dense:
                bits |= self.dense[key]
            else:
                rare.extend(self.rare.get(key, ()))
        return bits | indices_to_bits(rare, self.n) if rare else bits

    def counts(self, base: int, base_mask: Callable[[], bytes]) -> dict[str, int]:
        result = {key: (bits & base).bit_count() for key, bits in self.dense.items()}
        if self.rare:
            mask = base_mask()
            for key, items in self.rare.items():
                result[key] = sum(map(mask.__getitem__, items))
        return result


# _SHIFT[k] maps the byte 1 to 1 << k (and 0 to 0).
_SHIFT = [bytes((0, 1 << k)) + bytes(254) for k in range(8)]


class _Times:
    """Per event, as ordinals, its span by the one rule (``tui.core.time.span``): the first day, the
    last day (``FOREVER`` when open) and the last day in force (-1 for a point, never in
    force). Dates are converted once per distinct date, not per event: 100,000 events have a
    few thousand dates."""

    def __init__(self, columns: dict[str, list[Any]]) -> None:
        # Ordinals fit in 32 bits: 1.2 MB for 100,000 events instead of ~11 MB of int objects.
        self.starts = array("i")
        self.span_ends = array("i")
        self.force_ends = array("i")
        periods: dict[tuple[int, int | None, int | None], tuple[int, int]] = {}
        for lo in range(0, len(columns["date"]), _SLICE):  # slices: other threads get the GIL
            part = {name: columns[name][lo : lo + _SLICE] for name in _TIME_COLUMNS}
            dated = list(map(_YMD, part["date"]))
            for ymd in dict.fromkeys(chain(dated, map(_YMD, filter(None, part["end_date"])))):
                if ymd not in periods:
                    day = PartialDate(*ymd)
                    periods[ymd] = (day.start.toordinal(), day.end.toordinal())
            firsts_lasts = list(map(periods.__getitem__, dated))
            self.starts.extend(map(itemgetter(0), firsts_lasts))
            end_ends = [None if end is None else periods[_YMD(end)][1] for end in part["end_date"]]
            opens = list(map(OPEN_STATUSES.__contains__, part["status"]))
            self.span_ends.extend(
                end if end is not None else (FOREVER if is_open else last)
                for last, end, is_open in zip(
                    map(itemgetter(1), firsts_lasts), end_ends, opens, strict=True
                )
            )
            self.force_ends.extend(
                end if end is not None else (FOREVER if is_open else -1)
                for end, is_open in zip(end_ends, opens, strict=True)
            )
        # Starts are sorted only if the caller kept date order; after:/before: rely on it.
        self.sorted = all(map(le, self.starts, islice(self.starts, 1, None)))


def _weak_texts(index: Index) -> Callable[[int, int], list[str]]:
    """``index._texts`` without a reference back to ``index``: with one, an index and its
    events could only be freed by the cyclic collector, and an index alive when the app freezes
    its objects (``gc.freeze``, tui.core.files.collector) would never be freed once replaced."""
    ref = weakref.ref(index)

    def texts(lo: int, hi: int) -> list[str]:
        found = ref()
        return [] if found is None else found._texts(lo, hi)

    return texts


class Index:
    """A timeline's events prepared for querying: build once, filter on every keystroke.

    ``events`` should be in date order (as ``Timeline.events`` is); results are indices into it.
    ``today`` fixes what ``today`` means (tests pass a date; default: today).
    Construction is immediate: each facet, the time columns and the search texts are built on
    first use, or all at once by ``warm()`` (at 100,000 events on a slow 2-core machine: the
    first part ~0.2 s, most of it reading the events' fields once; each facet 10-100 ms; the
    search texts ~0.5 s; then the word index, ~2.5 s, which only ``warm()`` builds and which
    makes free text ~3x faster to search). A loader should run ``warm()`` in a worker thread
    once the timeline is shown: it yields the GIL every ~15 ms, and queries work meanwhile.
    Safe to call from several threads (a superseded UI worker may still be running): queries
    are serialised, since they share caches; ``warm()`` does not block queries that need only
    what is already built.
    """

    _CACHE_SIZE = 256

    def __init__(self, events: Sequence[Event], today: date | None = None) -> None:
        self.events = events
        self.today = today or date.today()
        n = self.n = len(events)
        self.all = (1 << n) - 1
        self._text = TextIndex(n, _weak_texts(self), tail=_TAIL)
        self._cols: dict[str, list[Any]] | None = None
        self._parts: dict[str, Any] = {}  # facets, "id" and "time", each built on first use
        self._parts_lock = threading.Lock()
        self._cache: OrderedDict[tuple[object, ...], int] = OrderedDict()
        self._lock = threading.RLock()  # evaluating queries

    def __len__(self) -> int:
        return self.n

    def warm(self) -> None:
        """Build everything the first queries would otherwise build, in the order they need
        it (facets, time columns, ids, search texts), then the word index that speeds up free
        text. ~3 s at 100,000 events on a slow machine, yielding the GIL every ~15 ms; queries
        may run meanwhile from other threads (one that needs a part being built waits for it;
        free text is scanned until the word index is ready)."""
        for facet in _FACET_COLUMNS:
            self._values(facet)
        self._times()
        self._ids()
        self._text.build()
        with self._parts_lock:
            self._drop_columns_if_done()
        self._text.build_words()

    # -- public API ---------------------------------------------------------------------------

    def filter(self, query: Query) -> list[int]:
        """Indices of the events matching every term, ascending (date order)."""
        if query.is_empty:
            return list(range(self.n))
        return bits_to_indices(self.bits(query), self.n)

    def count(self, query: Query) -> int:
        return self.bits(query).bit_count()

    def bits(self, query: Query) -> int:
        """The matching events as a bitset (bit i = event i)."""
        with self._lock:
            return self._bits(query)

    def _bits(self, query: Query) -> int:
        result = self.all
        # Field terms first: they are cheap, and free text then need only be checked among
        # the events they left (a text answer is exact only there, so it is not cached here).
        for term in sorted(query.terms, key=lambda t: t.is_text):
            if term.is_text:
                bits = self._search_text(normalize(None, term.values[0]), within=result)
            else:
                bits = self._term_bits(term)
            result = result & ~bits if term.negated else result & bits
            if not result:
                break
        return result

    def facet_counts(self, query: Query, facet: str) -> list[tuple[str, int]]:
        """(value, count) for ``facet``, counted on the query without the facet's own terms.

        Sorted by count (descending), then value; selected values are listed even at 0.
        """
        _check_facet(facet)
        base = self.bits(query.without_facet(facet))
        values = self._values(facet)
        counts = values.counts(base, lambda: bits_to_mask(base, self.n))
        rows = {values.display[k]: c for k, c in counts.items() if c}
        listed = {normalize(facet, v) for v in rows}
        for value in sorted(selected(query, facet)):
            key = normalize(facet, value)
            if key not in listed:
                listed.add(key)
                rows[values.display.get(key, value)] = counts.get(key, 0)
        return sorted(rows.items(), key=lambda kv: (-kv[1], kv[0].casefold(), kv[0]))

    def values(self, facet: str) -> list[str]:
        """Every value of ``facet`` in the timeline, in its first spelling, sorted."""
        _check_facet(facet)
        return sorted(self._values(facet).display.values(), key=str.casefold)

    def hints(self, query: Query) -> list[str]:
        """Notes on values that match no event at all (``platform:telegarm``), with a guess."""
        notes: list[str] = []
        for term in query.terms:
            if term.field in FACETS and term.field != "status":
                known = self._values(term.field).display
                for value in term.values:
                    if normalize(term.field, value) not in known:
                        close = difflib.get_close_matches(value.casefold(), list(known), n=1)
                        extra = f"; did you mean {quote(known[close[0]])}?" if close else ""
                        notes.append(f"no event has {term.field} {quote(value)}{extra}")
            elif term.field == "id":
                for value in term.values:
                    if not self._match_ids(value):
                        extra = did_you_mean(value.casefold(), sorted(self._ids()))
                        notes.append(f"no event has the id {quote(value)}{extra}")
        return notes

    # -- the parts, built on first use ------------------------------------------------------

    def _columns(self) -> dict[str, list[Any]]:
        """The fields queries read, per event, taken off each event in one pass: touching the
        events is most of the cost (at 100,000 events each pass over them takes ~20 ms)."""
        columns = self._cols
        if columns is None:
            with self._parts_lock:
                columns = self._cols
                if columns is None:
                    columns = self._cols = self._read_columns()
        return columns

    def _read_columns(self) -> dict[str, list[Any]]:
        columns: dict[str, list[Any]] = {name: [] for name in _COLUMNS}
        lists = list(columns.values())
        for lo in range(0, self.n, _SLICE):
            with gc_paused():
                rows = list(map(_ROW, self.events[lo : lo + _SLICE]))
                for column, values in zip(lists, zip(*rows, strict=True), strict=True):
                    column += values
            time.sleep(0)  # in slices: other threads (the UI) get the GIL in between
        if None in columns["status"]:  # unvalidated events: fail as loudly as before
            columns["status"] = [e.status for e in self.events]
        return columns

    def _part(self, name: str, build: Callable[[dict[str, list[Any]]], _P]) -> _P:
        found = self._parts.get(name)
        if found is None:
            columns = self._columns()
            with self._parts_lock:
                found = self._parts.get(name)
                if found is None:
                    with gc_paused():
                        found = self._parts[name] = build(columns)
                    self._drop_columns_if_done()
        return cast(_P, found)

    def _drop_columns_if_done(self) -> None:
        if len(self._parts) == len(_PARTS) and self._text.built:
            self._cols = None

    def _values(self, field: str) -> _Values:
        column, single = _FACET_COLUMNS[field]
        return self._part(field, lambda c: _Values(self.n, field, c[column], single))

    def _ids(self) -> dict[str, int]:
        def build(columns: dict[str, list[Any]]) -> dict[str, int]:
            ids: dict[str, int] = {}
            for lo in range(0, self.n, _SLICE):  # slices: other threads get the GIL
                part = columns["id"][lo : lo + _SLICE]
                ids.update(zip(part, range(lo, lo + len(part)), strict=True))
            return ids

        return self._part("id", build)

    def _times(self) -> _Times:
        return self._part("time", _Times)

    def _texts(self, lo: int, hi: int) -> list[str]:
        """Events ``lo`` to ``hi - 1`` as raw search texts: the fields free text searches
        (docs/query.md; the tests' reference is ``haystack`` in tests/plain_search.py) that
        differ from event to event, joined by FS, prose first (title, summary, source titles),
        then after an empty field (``_TAIL``) the id, publishers and URLs. Country names, tags,
        authorities and platforms repeat: free text finds them through their few distinct
        values instead (``_Values.containing``), which keeps the text ~15% shorter."""
        columns = self._columns()
        texts = []
        # One Python step per event and source touches each object once; C-level passes per
        # field were slower here, the objects being spread over hundreds of megabytes.
        for ident, title, summary, sources in zip(
            columns["id"][lo:hi],
            columns["title"][lo:hi],
            columns["summary"][lo:hi],
            columns["sources"][lo:hi],
            strict=True,
        ):
            head = [title, summary]
            tail = ["", ident]
            for publisher, url, source_title, _ in sources:
                if source_title:
                    head.append(source_title)
                tail += (publisher, url)
            texts.append(FS.join(head + tail))
        return texts

    def _search_text(self, needle: str, within: int | None = None) -> int:
        """Events whose text contains ``needle`` (exact inside ``within`` when given)."""
        bits = self._text.search(needle, within)
        for field in _VALUE_TEXT_FIELDS:
            bits |= self._values(field).containing(needle)
        if self._cols is not None:
            with self._parts_lock:
                self._drop_columns_if_done()
        return bits

    # -- evaluation ---------------------------------------------------------------------------

    def _term_bits(self, term: Term) -> int:
        key = term.key
        cached = self._cache.get(key)
        if cached is not None:
            self._cache.move_to_end(key)
            return cached
        bits = 0
        for index, value in enumerate(term.values):
            bits |= self._value_bits(term, index, value)
        self._cache[key] = bits
        if len(self._cache) > self._CACHE_SIZE:
            self._cache.popitem(last=False)
        return bits

    def _value_bits(self, term: Term, index: int, value: str) -> int:
        field = term.field
        if field is None:
            return self._search_text(normalize(None, value))
        if field in FACETS:
            return self._values(field).bits(normalize(field, value))
        if field == "authority":
            needle = value.casefold()
            authority = self._values("authority")
            return authority.union(k for k in authority.display if needle in k)
        if field == "id":
            return indices_to_bits(self._match_ids(value), self.n)
        period = term.dates[index]
        first, last = (self.today, self.today) if period is None else (period.start, period.end)
        return self._time_bits(field, first.toordinal(), last.toordinal())

    def _match_ids(self, value: str) -> list[int]:
        wanted = value.casefold()
        ids = self._ids()
        if wanted.endswith("*"):
            prefix = wanted[:-1]
            return [i for event_id, i in ids.items() if event_id.startswith(prefix)]
        found = ids.get(wanted)
        return [] if found is None else [found]

    def _time_bits(self, field: str | None, first: int, last: int) -> int:
        times = self._times()
        starts = times.starts
        if field in ("after", "before"):
            # after:X and before:X split the timeline at X's first day, like the sort order.
            if times.sorted:
                low = indices_to_bits(range(bisect.bisect_left(starts, first)), self.n)
            else:
                low = indices_to_bits(
                    compress(range(self.n), map(lt, starts, repeat(first))), self.n
                )
            return low if field == "before" else self.all ^ low
        # during: the span overlaps [first, last]; asof: in force on some day of it.
        ends = times.force_ends if field == "asof" else times.span_ends
        reaches = map(ge, ends, repeat(first))
        if times.sorted:  # every event before the cut starts on or before `last`
            limit = bisect.bisect_right(starts, last)
            return indices_to_bits(compress(range(limit), reaches), self.n)
        began = map(le, starts, repeat(last))
        return indices_to_bits(compress(range(self.n), map(and_, reaches, began)), self.n)
