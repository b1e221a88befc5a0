"""What is wrong with a parsed timeline, each problem placed and said in our words.

``Checker`` validates parsed TOML data into a Timeline and collects every problem it finds, with
the line and column the locator gives it. ``describe`` turns pydantic's errors into our wording;
the loader, the add-event form and the importers all speak through it.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, time
from typing import Any

from pydantic import ValidationError

from tui.core.files.locate import Locator, event_header_lines
from tui.core.text.sanitize import quote
from tui.core.timeline.errors import Problem, did_you_mean
from tui.core.timeline.event import Event, Timeline, TimelineInfo
from tui.core.timeline.model import (
    EVENT_FIELDS,
    INFO_FIELDS,
    SOURCE_FIELDS,
    Action,
    EventModel,
    to_event,
    validate_info,
)
from tui.core.timeline.rules import ID_PATTERN, TOP_LEVEL_KEYS, status_conflict


class Checker:
    """Parsed data -> Timeline, collecting every problem rather than stopping at the first.

    ``info`` and ``views`` serve the loader's fast path too, which validates the events itself.
    """

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
        info = self.info(data.get("timeline"))
        views = self.views(data.get("views"))
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

    def info(self, raw: Any) -> TimelineInfo:
        if raw is None:
            return TimelineInfo()
        if not isinstance(raw, dict):
            self.add(
                f"must be a table ([timeline] with title and description), not {type_name(raw)}",
                ("timeline",),
                field="timeline",
            )
            return TimelineInfo()
        try:
            return validate_info(raw)
        except ValidationError as exc:
            for loc, message in describe(exc, INFO_FIELDS):
                self.add(message, ("timeline", *loc), field="timeline." + field_name(loc))
            return TimelineInfo()

    def views(self, raw: Any) -> dict[str, str]:
        if raw is None:
            return {}
        if not isinstance(raw, dict):
            self.add(
                f'must be a table of name = "query" lines under [views], not {type_name(raw)}',
                ("views",),
                field="views",
            )
            return {}
        from tui.core.query.language import QueryError, parse

        for name, query in raw.items():
            if not isinstance(query, str):
                self.add(
                    f'a view must be a query in quotes (name = "query"), not {type_name(query)}',
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
                f"must be [[events]] tables, not {type_name(raw)}", ("events",), field="events"
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
                    f"an event must be a table ([[events]]), not {type_name(item)}",
                    ("events", index),
                    event=label,
                )
                continue
            self._related(item, index, label, first_index)
            try:
                event = to_event(EventModel.model_validate(item))
            except ValidationError as exc:
                reported = set()
                for loc, message in describe(exc, EVENT_FIELDS):
                    reported.add(loc)
                    self.add(message, ("events", index, *loc), event=label, field=field_name(loc))
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


def field_name(loc: tuple[str | int, ...]) -> str:
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


def describe(
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
                yield loc, f"must be an action word in quotes ({listed}), not {type_name(value)}"
        elif kind == "enum":  # the status
            if isinstance(value, str):
                yield loc, f"{quote(value)} is not a status: use ongoing, ended or unknown"
            else:
                yield loc, f'must be "ongoing", "ended" or "unknown", not {type_name(value)}'
        elif kind == "list_type" and last == "sources":
            yield loc, f"must be a list of sources ({_SOURCES_FORMS}), not {type_name(value)}"
        elif kind in _WANTED:
            yield loc, f"must be {_WANTED[kind]}, not {type_name(value)}"
        elif kind == "too_short":
            yield loc, f"needs at least one source ({_SOURCES_FORMS})"
        elif kind == "value_error":
            message = error["msg"]
            yield loc, message.removeprefix("Value error, ")
        else:
            # Not reachable with our models (a test feeds every kind of TOML value to every
            # field); kept so a future field cannot turn into a traceback.
            yield loc, f"is not valid ({kind})"


# In order: a bool is an int, a datetime a date, to isinstance.
_KINDS: tuple[tuple[type | tuple[type, ...], str], ...] = (
    (bool, "true/false"),
    ((int, float), "a number"),
    (str, "a string"),
    (list, "a list"),
    (dict, "a table"),
    (datetime, "a date-time"),
    (date, "a date"),
    (time, "a time"),
)


def type_name(value: Any) -> str:
    """How a message names the kind of a TOML value: ``a string``, ``true/false``, ``a date``."""
    return next((name for kind, name in _KINDS if isinstance(value, kind)), type(value).__name__)
