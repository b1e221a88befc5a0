"""The format's rules for an event's values, as plain functions, and events checked by them alone.

``model`` attaches each rule to its field; ``plain_event`` applies them to a parsed
``[[events]]`` table directly, without the models, when every value is of the type TOML gives
for it (a str, a list of str, a date, a table). The loader makes nearly every event so, the
preview every event, and pydantic is imported only for the rest: for a valid event the record
is the models', for an invalid one it is None, and the models name what is wrong
(``tests/test_plain_event.py`` compares them). No pydantic here.
"""

from __future__ import annotations

import re
import sys
from datetime import date
from typing import Any, TypeGuard
from urllib.parse import urlsplit

from tui.core import tuning
from tui.core.text.sanitize import controls, quote
from tui.core.time.span import derived_status
from tui.core.timeline.countries import country_name, suggest_code
from tui.core.timeline.dates import PartialDate, of_day
from tui.core.timeline.event import (
    EVENT_FIELDS,
    INFO_FIELDS,
    SOURCE_FIELDS,
    Action,
    Event,
    Source,
    Status,
    TimelineInfo,
)

ID_PATTERN = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


def parse_date(value: Any) -> PartialDate:
    # A TOML date (nearly every date): the day's one PartialDate, without parse's type tests.
    if type(value) is date:
        return of_day(value)
    return PartialDate.parse(value)


# Control characters (``sanitize.controls``: C0 but tab and newline, DEL, C1) can only get in
# through escapes such as "\u001b" (TOML forbids them raw); they never belong in a title or a
# summary, and a terminal would act on some of them. Bidi controls and the other characters
# the sanitiser escapes load, and are shown escaped.
_CONTROL = re.compile("[" + controls(keep="\t\n") + "]")


# The ASCII characters _CONTROL finds, as bytes.
_ASCII_CONTROLS = bytes(code for code in range(128) if _CONTROL.match(chr(code)))


# The common case in one C call: no control characters (so no line breaks either).
_NO_CONTROLS = re.compile(f"[^{controls()}]*")


def one_line(text: str) -> str:
    # str.isprintable is False for every control character and line break: the common case in
    # one quick C call; the rest (a no-break space, a bidi mark) is decided by the pattern.
    if text and (text.isprintable() or _NO_CONTROLS.fullmatch(text)) and not text.isspace():
        return text
    if not text.strip():
        raise ValueError("must not be empty")
    if "\n" in text or "\r" in text:
        raise ValueError("must be one line")
    return no_controls(text)


def not_blank(text: str) -> str:
    # ASCII text (nearly all) in two C calls: its control characters are single bytes, and a
    # text that loses none of them when they are deleted has none.
    if (
        text.isascii()
        and len(text.encode().translate(None, _ASCII_CONTROLS)) == len(text)
        and text
        and not text.isspace()
    ):
        return text
    if not text.strip():
        raise ValueError("must not be empty")
    return no_controls(text)


def no_controls(text: str) -> str:
    if _CONTROL.search(text):
        raise ValueError(f"{quote(text)} contains control characters; remove them")
    return text


# http(s), a host of ASCII letters, digits, dots and hyphens (no port, user or brackets), then
# printable ASCII: every check below would pass, so such a URL (nearly all of them) is accepted
# in one C call. Character classes only, no repeated group: the pattern's cost is per character.
PLAIN_URL = re.compile(r"(?i:https?)://[A-Za-z0-9.-]+(?:[/?#][!-~]*)?")


def http_url(url: str) -> str:
    # Only http(s) links with a host: javascript:, file:, data: and ftp: links never reach
    # a terminal's hyperlink or a browser from here.
    if PLAIN_URL.fullmatch(url):
        return url
    # The only printable whitespace is the space: this is "any character non-printable or a
    # space", without a Python-level loop over the characters.
    if not url.isprintable() or " " in url:
        raise ValueError(
            f"{quote(url)} is not a valid URL: it contains spaces or control characters"
        )
    scheme = url.partition(":")[0].lower()
    if scheme not in ("http", "https") or not url[len(scheme) :].startswith("://"):
        raise ValueError(f"{quote(url)} is not an http:// or https:// URL")
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError on a port that is not a number
    except ValueError:
        raise ValueError(f"{quote(url)} is not a valid URL") from None
    if not parts.hostname:
        raise ValueError(f"{quote(url)} is not a valid URL: it has no host")
    return url


def country(code: str) -> str:
    if country_name(code) is None:
        suggestion = suggest_code(code)
        hint = f"; did you mean '{suggestion}' ({country_name(suggestion)})?" if suggestion else ""
        raise ValueError(
            f"{quote(code)} is not an ISO 3166-1 alpha-2 country code (RU, BR, IN) "
            f"or a known bloc (EU){hint}"
        )
    return sys.intern(code)


def status_conflict(status: object, has_end_date: bool) -> str | None:
    """The contradiction between a status and an end_date, if any.

    Shared with the loader, which also asks it when the end_date itself is invalid (pydantic
    then skips this check, and one problem would hide another).
    """
    if status == Status.ONGOING and has_end_date:
        return "'ongoing' contradicts the end_date; remove one of them"
    return None


def slug(value: str) -> str:
    if not ID_PATTERN.fullmatch(value):
        raise ValueError(
            f"{quote(value)} is not a valid id: use lowercase letters, digits and single hyphens,"
            " e.g. 'ru-2018-telegram-block'"
        )
    return value


def unique_items(values: list[str]) -> list[str]:
    if len(values) > 1 and len({value.casefold() for value in values}) < len(values):
        _repeated(values)
    # Platforms, tags and authorities repeat across thousands of events: one copy of each.
    values[:] = map(sys.intern, values)
    return values


def _repeated(values: list[str]) -> None:
    seen: dict[str, str] = {}
    for value in values:
        key = value.casefold()
        if key not in seen:
            seen[key] = value
        elif seen[key] == value:
            raise ValueError(f"lists {quote(value)} twice")
        else:
            raise ValueError(
                f"lists {quote(seen[key])} and {quote(value)}: the same, ignoring case"
            )


def plain_line(text: Any) -> TypeGuard[str]:
    """A str that one_line returns at its first test."""
    return type(text) is str and text.isprintable() and bool(text) and not text.isspace()


def end_not_before(start: PartialDate, end: PartialDate) -> PartialDate:
    if end.end < start.start:
        raise ValueError(f"{end.iso()} is before the event's date {start.iso()}")
    return end


def related_to_others(ident: object, related: list[str]) -> list[str]:
    if ident in related:
        raise ValueError("lists the event itself")
    seen: set[str] = set()
    for other in related:
        if other in seen:
            raise ValueError(f"lists {quote(other)} twice")
        seen.add(other)
    return related


TOP_LEVEL_KEYS: tuple[str, ...] = ("timeline", "events", "views")


def plain_info(table: Any) -> TimelineInfo | None:
    """``model.validate_info`` of a ``[timeline]`` table (absent: None given) of str values;
    else None (the models decide)."""
    if table is None:
        return TimelineInfo()
    if type(table) is not dict or not _INFO_KEYS.issuperset(table):
        return None
    title, description = table.get("title", _NO_INFO.title), table.get("description", "")
    try:
        return TimelineInfo(one_line(_text(title)), no_controls(_text(description)))
    except (TypeError, ValueError):
        return None


def plain_views(table: Any) -> dict[str, str] | None:
    """A ``[views]`` table (absent: None given) of queries that parse; else None (the checker
    says which is wrong)."""
    from tui.core.query.language import QueryError, parse

    if table is None:
        return {}
    if type(table) is not dict or not all(type(query) is str for query in table.values()):
        return None
    try:
        for query in table.values():
            parse(query)
    except QueryError:
        return None
    return dict(table)


_EVENT_KEYS, _SOURCE_KEYS = frozenset(EVENT_FIELDS), frozenset(SOURCE_FIELDS)
_INFO_KEYS, _NO_INFO = frozenset(INFO_FIELDS), TimelineInfo()
_STATUSES = {status.value: status for status in Status}
_ACTIONS = {action.value: action for action in Action}
_new = tuple.__new__  # a record's own __new__ is Python code; this builds the same tuple in C
_ABSENT: list[str] = []  # a list not given: never changed
# Values that passed their rule before -> the one copy kept (a word: and its casefold). Events
# share a small vocabulary: a value seen before costs a lookup, not a rule. Bounded, as a file
# may hold any number of distinct words.
_WORDS: dict[str, str] = {}
_COUNTRIES: dict[str, str] = {}
_PUBLISHERS: dict[str, str] = {}


def plain_event(table: Any) -> Event | None:
    """The record ``model.to_event`` makes of a valid ``[[events]]`` table, if each of its
    values is of the type TOML gives for it; else None (the models decide)."""
    if type(table) is not dict or not _EVENT_KEYS.issuperset(table):
        return None
    get = table.get
    try:
        ident, title, code = table["id"], table["title"], table["country"]
        if type(ident) is not str or not ID_PATTERN.fullmatch(ident):
            return None
        start, end = parse_date(table["date"]), get("end_date")
        if end is not None:
            end = end_not_before(start, parse_date(end))
        action, status = _ACTIONS[table["action"]], get("status")
        if status is None:
            status = derived_status(end, action)
        elif status_conflict(status := _STATUSES[status], end is not None):
            return None
        if not plain_line(title):
            title = one_line(_text(title))
        if (known := _COUNTRIES.get(code)) is None:
            known = _remember(_COUNTRIES, code, country(_text(code)))
        sources = table["sources"]
        if type(sources) is not list or not sources:
            return None
        related = get("related", _ABSENT)
        if type(related) is not list:
            return None
        if related:
            related = related_to_others(ident, [slug(_text(other)) for other in related])
        return _new(
            Event,
            (
                ident,
                start,
                end,
                status,
                title,
                known,
                _words(get("authority", _ABSENT)),
                _words(get("platforms", _ABSENT)),
                action,
                _words(get("tags", _ABSENT)),
                not_blank(_text(table["summary"])),
                tuple(map(_source, sources)),
                tuple(related),
            ),
        )
    except (KeyError, TypeError, ValueError):
        return None


def _source(table: Any) -> Source:
    if type(table) is not dict or not _SOURCE_KEYS.issuperset(table):
        raise TypeError
    publisher, url, title, day = (
        table["publisher"],
        table["url"],
        table.get("title"),
        table.get("date"),
    )
    if (known := _PUBLISHERS.get(publisher)) is None:
        known = _remember(_PUBLISHERS, publisher, sys.intern(one_line(_text(publisher))))
    if type(url) is not str or not PLAIN_URL.fullmatch(url):
        url = http_url(_text(url))
    if title is not None and not plain_line(title):
        title = one_line(_text(title))
    return _new(Source, (known, url, title, None if day is None else parse_date(day)))


def _remember(seen: dict[str, str], key: str, value: str) -> str:
    if len(seen) < tuning.KNOWN_WORDS:
        seen[key] = value
    return value


def _words(values: Any) -> tuple[str, ...]:
    if type(values) is not list:
        raise TypeError  # not a TOML array: the models say what is wrong
    if not values:
        return ()
    try:
        folds = list(map(_WORDS.__getitem__, values))
    except (KeyError, TypeError):  # a word not seen yet, or not a str at all
        folds = [_remember(_WORDS, sys.intern(_text(v)), one_line(v).casefold()) for v in values]
    if len(set(folds)) < len(folds):
        _repeated(values)
    return tuple(map(sys.intern, values))


def _text(value: Any) -> str:
    if type(value) is not str:
        raise TypeError
    return value
