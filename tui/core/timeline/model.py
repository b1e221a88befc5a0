"""Validation: the pydantic models of the file format, and their rules.

The loader validates each ``[[events]]`` table with ``EventModel`` and keeps the result as an
``Event`` record (``tui.core.timeline.event``); nothing else holds models. Field documentation
lives in ``docs/format.md``; the descriptions here feed the JSON Schema.
"""

from __future__ import annotations

import sys
from typing import Annotated, Any

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

from tui.core.time.span import derived_status
from tui.core.timeline import rules
from tui.core.timeline.dates import PartialDate
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
from tui.core.timeline.rules import (
    end_not_before,
    http_url,
    no_controls,
    not_blank,
    one_line,
    parse_date,
    plain_event,
    related_to_others,
    slug,
    status_conflict,
    unique_items,
)

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
    BeforeValidator(parse_date),
    PlainSerializer(lambda d: d.iso(), return_type=str),
    WithJsonSchema(DATE_SCHEMA),
]


OneLine = Annotated[str, AfterValidator(one_line)]
Text = Annotated[str, AfterValidator(not_blank)]
Slug = Annotated[str, AfterValidator(slug)]
Words = Annotated[list[OneLine], AfterValidator(unique_items)]


class StrictModel(BaseModel):
    # Unknown keys are errors: a typo must never vanish silently. Models are immutable so the
    # UI and caches can share them freely.
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=False)


class SourceModel(StrictModel):
    model_config = ConfigDict(title="Source")

    publisher: Annotated[str, AfterValidator(one_line), AfterValidator(sys.intern)] = Field(
        description="Who published it (Reuters, Official Gazette)."
    )
    url: Annotated[str, AfterValidator(http_url)] = Field(
        description="An absolute http:// or https:// URL."
    )
    title: OneLine | None = Field(default=None, description="Headline or document title.")
    date: DateField | None = Field(default=None, description="Publication date.")


def _sources(values: Any, full: ValidatorFunctionWrapHandler) -> tuple[Source, ...]:
    # Checked as SourceModel tables, kept as the records ``to_event`` puts in the Event.
    models: list[SourceModel] = full(values)
    return tuple(Source(s.publisher, s.url, s.title, s.date) for s in models)


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
    # rules.country: in the class body, ``country`` is this field.
    country: Annotated[str, AfterValidator(rules.country)] = Field(
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
        if end is not None and start is not None:
            return end_not_before(start, end)
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
        return related_to_others(info.data.get("id"), related)


class InfoModel(StrictModel):
    model_config = ConfigDict(title="TimelineInfo")

    title: OneLine = Field(default="Untitled timeline", description="Shown in the app header.")
    description: Annotated[str, AfterValidator(no_controls)] = Field(
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
    return plain_event(data) or to_event(EventModel.model_validate(data))


def validate_info(data: Any) -> TimelineInfo:
    info = InfoModel.model_validate(data)
    return TimelineInfo(info.title, info.description)


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
