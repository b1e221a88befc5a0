"""Editing query text: the filter pane and the search box are one query.

The pane's ticks and date boxes rewrite the box's text (``with_facet``, ``with_range``) and read
it back (``selected``, ``range_values``); ``with_field`` and ``without_fields`` do the same for
any field. Terms are spliced in place so everything the user wrote elsewhere stays as written.
``split_unfinished`` holds back a last term still being typed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from tui.core.query.language import (
    DATE_FORMS,
    EXAMPLES,
    FIELDS,
    Query,
    QueryError,
    check_facet,
    normalize,
    parse,
    parse_date,
)
from tui.core.text.sanitize import quote

# Values that must be quoted to survive a round trip through the parser.
_NEEDS_QUOTES = re.compile(r'[\s,"]')


def selected(query: Query, facet: str) -> set[str]:
    """Values ticked for ``facet``: its positive terms' values, as written, one per spelling."""
    check_facet(facet)
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
    check_facet(facet)
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
                raise QueryError(f"{quote(value)} is not a date", 0, value, DATE_FORMS) from None
        text = _rewrite(text, field, [value] if value is not None else [])
    return text


def with_field(text: str, field: str, value: str | None) -> str:
    """``text`` with the field's (positive) terms set to this one value, quoted as it needs
    (None removes them); everything else is left as written. QueryError if ``text`` does not
    parse or the value is not one the field takes."""
    if value is not None:
        parse(f"{field}:{_render(value)}")
    return _rewrite(text, field, [value] if value is not None else [])


def without_fields(text: str, fields: Iterable[str]) -> str:
    """``text`` without any term of these fields, negated ones included (QueryError if it
    does not parse)."""
    dropped = set(fields)
    return _splice(text, [(t.start, t.end, "") for t in parse(text).terms if t.field in dropped])


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
        hint = f"{field}: needs a value, e.g. {EXAMPLES[field]}"
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
