"""Validation: the pydantic models of the file format, and their rules.

The loader validates each ``[[events]]`` table with ``EventModel`` and keeps the result as an
``Event`` record (``tui.core.timeline.event``); nothing else holds models. Field documentation
lives in ``docs/format.md``; the descriptions here feed the JSON Schema.
"""

from __future__ import annotations

import re
import sys
from datetime import date
from typing import Annotated, Any, TypeGuard
from urllib.parse import urlsplit

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    GetPydanticSchema,
    PlainSerializer,
    ValidationInfo,
    ValidatorFunctionWrapHandler,
    WithJsonSchema,
    WrapValidator,
    field_validator,
)

from tui.core import tuning
from tui.core.text.sanitize import controls, quote
from tui.core.time.span import derived_status
from tui.core.timeline.countries import country_name, suggest_code
from tui.core.timeline.dates import PartialDate, of_day
from tui.core.timeline.event import (
    ACTION_LABELS,
    EVENT_FIELDS,
    INFO_FIELDS,
    LASTING_ACTIONS,
    SOURCE_FIELDS,
    Action,
    Event,
    Source,
    Status,
    Timeline,
    TimelineInfo,
)

ID_PATTERN = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


def _parse_date(value: Any) -> PartialDate:
    # A TOML date (nearly every date): the day's one PartialDate, without parse's type tests.
    if type(value) is date:
        return of_day(value)
    return PartialDate.parse(value)


# The written date forms as JSON Schema patterns, exactly the dates the loader accepts
# (PartialDate.parse): years 0001-9999, months 01-12, and only days the month has (29 February
# in leap years only). ASCII digits only, no lookaround (editors' regex engines differ), and the
# white space around the value that the loader strips.
_YEAR = "(?:[0-9]{3}[1-9]|[0-9]{2}[1-9][0-9]|[0-9][1-9][0-9]{2}|[1-9][0-9]{3})"
_LEAP_YEAR = "(?:[0-9]{2}(?:0[48]|[2468][048]|[13579][26])|(?:0[48]|[2468][048]|[13579][26])00)"
_MONTH = "(?:0[1-9]|1[0-2])"
_DAY = (
    f"(?:{_YEAR}-{_MONTH}-(?:0[1-9]|1[0-9]|2[0-8])"
    f"|{_YEAR}-(?:0[13-9]|1[0-2])-(?:29|30)"
    f"|{_YEAR}-(?:0[13578]|1[02])-31"
    f"|{_LEAP_YEAR}-02-29)"
)
DAY_PATTERN = rf"^\s*{_DAY}\s*$"
MONTH_OR_YEAR_PATTERN = rf"^\s*{_YEAR}(?:-{_MONTH})?\s*$"

DATE_SCHEMA: dict[str, Any] = {
    "anyOf": [
        {"type": "string", "pattern": DAY_PATTERN},
        {"type": "string", "pattern": MONTH_OR_YEAR_PATTERN},
    ],
    "description": 'A TOML date (2018-04-16), or "2018-04" (month) or "2018" (year).',
}

DateField = Annotated[
    PartialDate,
    BeforeValidator(_parse_date),
    PlainSerializer(lambda d: d.iso(), return_type=str),
    WithJsonSchema(DATE_SCHEMA),
]


# Control characters (``sanitize.controls``: C0 but tab and newline, DEL, C1) can only get in
# through escapes such as "\u001b" (TOML forbids them raw); they never belong in a title or a
# summary, and a terminal would act on some of them. Bidi controls and the other characters
# the sanitiser escapes load, and are shown escaped.
_CONTROL = re.compile("[" + controls(keep="\t\n") + "]")


# The ASCII characters _CONTROL finds, as bytes.
_ASCII_CONTROLS = bytes(code for code in range(128) if _CONTROL.match(chr(code)))


# The common case in one C call: no control characters (so no line breaks either).
_NO_CONTROLS = re.compile(f"[^{controls()}]*")


def _one_line(text: str) -> str:
    # str.isprintable is False for every control character and line break: the common case in
    # one quick C call; the rest (a no-break space, a bidi mark) is decided by the pattern.
    if text and (text.isprintable() or _NO_CONTROLS.fullmatch(text)) and not text.isspace():
        return text
    if not text.strip():
        raise ValueError("must not be empty")
    if "\n" in text or "\r" in text:
        raise ValueError("must be one line")
    return _no_controls(text)


def _not_blank(text: str) -> str:
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
    return _no_controls(text)


def _no_controls(text: str) -> str:
    if _CONTROL.search(text):
        raise ValueError(f"{quote(text)} contains control characters; remove them")
    return text


# http(s), a host of ASCII letters, digits, dots and hyphens (no port, user or brackets), then
# printable ASCII: every check below would pass, so such a URL (nearly all of them) is accepted
# in one C call. Character classes only, no repeated group: the pattern's cost is per character.
_PLAIN_URL = re.compile(r"(?i:https?)://[A-Za-z0-9.-]+(?:[/?#][!-~]*)?")


def _http_url(url: str) -> str:
    # Only http(s) links with a host: javascript:, file:, data: and ftp: links never reach
    # a terminal's hyperlink or a browser from here.
    if _PLAIN_URL.fullmatch(url):
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


def _country(code: str) -> str:
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


def _slug(value: str) -> str:
    if not ID_PATTERN.fullmatch(value):
        raise ValueError(
            f"{quote(value)} is not a valid id: use lowercase letters, digits and single hyphens,"
            " e.g. 'ru-2018-telegram-block'"
        )
    return value


def _unique_items(values: list[str]) -> list[str]:
    if len(values) > 1 and len({value.casefold() for value in values}) < len(values):
        _repeated(values)
    # Platforms, tags and authorities repeat across thousands of events: one copy of each.
    values[:] = map(sys.intern, values)
    return values


def _words(values: Any, full: ValidatorFunctionWrapHandler) -> list[str]:
    # Platforms, tags and authorities come from a small vocabulary: a list of words the full
    # check has passed before (their casefolds told apart) is passed again in a few C calls,
    # not a validator call per word. Anything else is the full check's, which names the item
    # at fault; the words of a list it passes are known from then on.
    if type(values) is list:
        try:
            if len(set(map(_KNOWN_WORDS.__getitem__, values))) == len(values):
                return list(map(sys.intern, values))
        except (KeyError, TypeError):  # a word not known, not hashable, or a str subclass
            pass
    words: list[str] = full(values)
    if len(_KNOWN_WORDS) < tuning.KNOWN_WORDS:
        _KNOWN_WORDS.update(zip(words, map(str.casefold, words), strict=True))
    return words


# A word the full check passed -> its casefold.
_KNOWN_WORDS: dict[str, str] = {}


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


OneLine = Annotated[str, AfterValidator(_one_line)]
Text = Annotated[str, AfterValidator(_not_blank)]
Slug = Annotated[str, AfterValidator(_slug)]
Words = Annotated[list[OneLine], AfterValidator(_unique_items), WrapValidator(_words)]


class StrictModel(BaseModel):
    # Unknown keys are errors: a typo must never vanish silently. Models are immutable so the
    # UI and caches can share them freely.
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=False)


class SourceModel(StrictModel):
    model_config = ConfigDict(title="Source")

    publisher: Annotated[str, AfterValidator(_one_line), AfterValidator(sys.intern)] = Field(
        description="Who published it (Reuters, Official Gazette)."
    )
    url: Annotated[str, AfterValidator(_http_url)] = Field(
        description="An absolute http:// or https:// URL."
    )
    title: OneLine | None = Field(default=None, description="Headline or document title.")
    date: DateField | None = Field(default=None, description="Publication date.")


def _sources(values: Any, full: ValidatorFunctionWrapHandler) -> tuple[Source, ...]:
    # Each source a table of plain values (a one-line publisher and title, a URL _PLAIN_URL
    # takes, a TOML date): its record built here, as the full check would build it, without a
    # SourceModel and a validator call per value. Anything else is the full check's, which
    # names the source and the field at fault.
    if type(values) is list and values:
        records = []
        for source in values:
            if type(source) is not dict or not _SOURCE_KEYS.issuperset(source):
                break
            publisher, url = source.get("publisher"), source.get("url")
            title, day = source.get("title"), source.get("date")
            if not (
                _plain_line(publisher)
                and type(url) is str
                and _PLAIN_URL.fullmatch(url)
                and (title is None or _plain_line(title))
                and (day is None or type(day) is date)
            ):
                break
            if day is not None:
                day = of_day(day)
            records.append(_new(Source, (sys.intern(publisher), url, title, day)))
        else:
            return tuple(records)
    models: list[SourceModel] = full(values)
    return tuple(Source(s.publisher, s.url, s.title, s.date) for s in models)


# A record's own __new__ is Python code; this C call builds the same tuple (as rows.py does).
_new = tuple.__new__
_SOURCE_KEYS = frozenset(SourceModel.model_fields)


def _plain_line(text: Any) -> TypeGuard[str]:
    """A str that _one_line returns at its first test."""
    return type(text) is str and text.isprintable() and bool(text) and not text.isspace()


def _source_models(sources: tuple[Source, ...]) -> list[SourceModel]:
    # A dump shows the sources as SourceModel dumps them. A record does not say which values
    # were written: those that are None count as left out (TOML has no null to write).
    return [
        SourceModel.model_construct(
            {key for key, value in zip(SOURCE_FIELDS, source, strict=True) if value is not None},
            **source._asdict(),
        )
        for source in sources
    ]


# The sources of an event: validated as a list of SourceModel tables, kept as the records
# ``to_event`` puts in the Event.
Sources = Annotated[
    tuple[Source, ...],
    GetPydanticSchema(lambda _, handler: handler(list[SourceModel])),
    WrapValidator(_sources),
    PlainSerializer(_source_models, return_type=list[SourceModel]),
]


# What an ``[[events]]`` table must hold (a docstring would become the schema's description);
# ``to_event`` makes the record the app uses.
class EventModel(StrictModel):
    model_config = ConfigDict(title="Event")

    id: Slug = Field(description="Unique, stable slug: lowercase letters, digits, hyphens.")
    date: DateField = Field(description="When it happened, at the precision known.")
    end_date: DateField | None = Field(
        default=None, description="When the measure ended; not before `date`."
    )
    status: Status | None = Field(
        default=None,
        description="ongoing | ended | unknown. Derived when left out (see docs/format.md).",
    )
    title: OneLine = Field(description="One line.")
    country: Annotated[str, AfterValidator(_country)] = Field(
        description="ISO 3166-1 alpha-2 code (RU, BR, IN) or a bloc (EU)."
    )
    authority: Words = Field(default_factory=list, description="The bodies that acted.")
    platforms: Words = Field(
        default_factory=list, description="Platforms concerned; compared case-insensitively."
    )
    action: Action = Field(description="What the state did, from a closed vocabulary.")
    tags: Words = Field(default_factory=list, description="Free words.")
    summary: Text = Field(description="What happened, in a few sentences.")
    sources: Sources = Field(min_length=1, description="At least one source.")
    related: list[Slug] = Field(default_factory=list, description="Ids of related events.")

    @field_validator("end_date")
    @classmethod
    def _end_not_before_start(cls, end: PartialDate | None, info: ValidationInfo) -> Any:
        start = info.data.get("date")
        if end is not None and start is not None and end.end < start.start:
            raise ValueError(f"{end.iso()} is before the event's date {start.iso()}")
        return end

    @field_validator("status")
    @classmethod
    def _status_agrees(cls, status: Status | None, info: ValidationInfo) -> Any:
        conflict = status_conflict(status, info.data.get("end_date") is not None)
        if conflict:
            raise ValueError(conflict)
        return status

    @field_validator("related")
    @classmethod
    def _not_self(cls, related: list[str], info: ValidationInfo) -> Any:
        if info.data.get("id") in related:
            raise ValueError("lists the event itself")
        seen: set[str] = set()
        for other in related:
            if other in seen:
                raise ValueError(f"lists {quote(other)} twice")
            seen.add(other)
        return related


class InfoModel(StrictModel):
    model_config = ConfigDict(title="TimelineInfo")

    title: OneLine = Field(default="Untitled timeline", description="Shown in the app header.")
    description: Annotated[str, AfterValidator(_no_controls)] = Field(
        default="", description="Shown in the app header."
    )


class TimelineFile(StrictModel):
    """The top level of the file, for the JSON Schema (the loader validates piece by piece)."""

    model_config = ConfigDict(
        extra="forbid",
        title="policy-tui timeline",
        json_schema_extra={"description": "A policy-tui timeline file (docs/format.md)."},
    )

    timeline: InfoModel | None = None
    events: list[EventModel] = Field(min_length=1)
    views: dict[str, str] = Field(default_factory=dict, description="Saved views: name -> query.")


def to_event(model: EventModel) -> Event:
    """The record of a validated event; the status, when left out, derived."""
    return Event(
        model.id,
        model.date,
        model.end_date,
        model.status or derived_status(model.end_date, model.action),
        model.title,
        model.country,
        tuple(model.authority),
        tuple(model.platforms),
        model.action,
        tuple(model.tags),
        model.summary,
        model.sources,
        tuple(model.related),
    )


def validate_event(data: Any) -> Event:
    """``data`` (a parsed ``[[events]]`` table) as an Event; pydantic's ValidationError if not."""
    return to_event(EventModel.model_validate(data))


def validate_info(data: Any) -> TimelineInfo:
    info = InfoModel.model_validate(data)
    return TimelineInfo(info.title, info.description)


TOP_LEVEL_KEYS: tuple[str, ...] = ("timeline", "events", "views")

# Re-exported: the vocabulary is part of the format this module defines.
__all__ = [
    "ACTION_LABELS",
    "EVENT_FIELDS",
    "INFO_FIELDS",
    "LASTING_ACTIONS",
    "SOURCE_FIELDS",
    "Action",
    "Event",
    "EventModel",
    "InfoModel",
    "Source",
    "SourceModel",
    "Status",
    "Timeline",
    "TimelineFile",
    "TimelineInfo",
    "to_event",
    "validate_event",
    "validate_info",
]
