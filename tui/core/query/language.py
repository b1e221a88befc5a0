"""The query language: one parser for the search box, the filter pane, `list` and `export`.

``country:RU platform:telegram,whatsapp -action:lift "fsb keys" asof:2021-06-01`` — the grammar
and the meaning of every field are documented, with examples the tests run, in ``docs/query.md``.

This module is pure Python (no Textual): the fields and what they accept, ``parse`` (text to a
``Query``) and ``parse_date``. What a query does with them lives beside it: ``evaluate`` (the
``Index`` that answers queries over a timeline's events), ``edit`` (rewriting query text so the
filter pane and the search box stay the same query) and ``printing`` (a query for people and
for shells).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import NamedTuple

from tui.core.text.sanitize import clean, quote
from tui.core.timeline.countries import BLOCS, country_name
from tui.core.timeline.dates import MONTHS, PartialDate
from tui.core.timeline.errors import did_you_mean
from tui.core.timeline.event import Action, Status

FIELDS: tuple[str, ...] = (
    "country", "platform", "action", "tag", "authority", "status", "id",
    "after", "before", "during", "asof",
)  # fmt: skip
FACETS: tuple[str, ...] = ("country", "platform", "action", "tag", "status")
TIME_FIELDS = frozenset({"after", "before", "during", "asof"})
TODAY = "today"
# What to write instead of a value that is not a date.
DATE_FORMS = 'write 2018, 2018-04, 2018-04-16, "April 2018", "16 April 2018" or today'

# One example per field: the hint for a field written without a value.
EXAMPLES = {
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


class SyntaxRow(NamedTuple):
    """A line of the syntax summary the help screen shows: example queries and what they do."""

    examples: tuple[str, ...]
    meaning: str


# The query syntax in brief, for the help screen (docs/query.md has it in full). Every example
# is a query ``parse`` accepts and every field is in one: tests/test_query.py checks both.
SYNTAX: tuple[SyntaxRow, ...] = (
    SyntaxRow(
        ("words", '"a phrase"'),
        "full text over id, title, summary, tags, authority, platforms, country name, sources "
        "(publisher, title, URL); all must match",
    ),
    SyntaxRow(("country:RU", "platform:telegram,whatsapp"), "fields; commas mean OR"),
    SyntaxRow(
        ("-platform:linkedin", "-authority:court", "id:ru-*"),
        "a leading - negates; * ends an id prefix",
    ),
    SyntaxRow(
        ("action:block", "tag:encryption", "status:ongoing"), "more fields (see docs/query.md)"
    ),
    SyntaxRow(
        ("after:2018", "before:2022-03", "during:2020"),
        "time; a partial date means its whole period",
    ),
    SyntaxRow(("asof:2022-03-01",), "measures in force that day"),
)

_ACTIONS = tuple(a.value for a in Action)
_STATUSES = tuple(s.value for s in Status)
_FIELD_NAME = re.compile(r"[A-Za-z][A-Za-z_]*:")
# Dates as the app writes them (dates.MONTHS), and their three-letter abbreviations.
_MONTH_NUMBERS = {
    **{name.casefold(): n for n, name in enumerate(MONTHS, 1)},
    **{name[:3].casefold(): n for n, name in enumerate(MONTHS, 1)},
}
_WRITTEN_DATE = re.compile(r"(?:(?P<d>\d{1,2})\s+)?(?P<name>[A-Za-z]+)\.?\s+(?P<y>\d{4})")


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
        raise ValueError(f"{quote(value)} is not a date — {DATE_FORMS}") from None


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


def check_facet(facet: str) -> None:
    if facet not in FACETS:
        raise ValueError(f"not a facet: {facet!r} (one of {', '.join(FACETS)})")


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
                    f"empty value for {field}:", start, self.pos, f"e.g. {EXAMPLES[field]}"
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
            raise self.error(f"{quote(value)} is not a date", at, self.pos, DATE_FORMS) from None

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
