"""Path -> validated Timeline, or one TimelineError that carries every problem found."""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from tui.core.errors import Problem, TimelineError, did_you_mean
from tui.core.locate import Locator, event_header_lines
from tui.core.model import (
    EVENT_FIELDS,
    INFO_FIELDS,
    SOURCE_FIELDS,
    TOP_LEVEL_KEYS,
    Action,
    Event,
    Timeline,
    TimelineInfo,
)
from tui.core.sanitize import quote

_BOM = b"\xef\xbb\xbf"
_TOML_POSITION = re.compile(r"\(at line (\d+), column (\d+)\)")
_TYPE_ERRORS = ("string_type", "list_type", "dict_type", "model_type", "model_attributes_type")
_ID_LIKE = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


def read_text(path: Path) -> str:
    """The file's text, or a TimelineError saying plainly why it cannot be read."""
    name = str(path)

    def fail(message: str) -> TimelineError:
        return TimelineError([Problem(name, message)], unreadable=True)

    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise fail("no such file") from None
    except IsADirectoryError:
        raise fail("is a folder, not a timeline file") from None
    except PermissionError:
        raise fail("permission denied: you may not read this file") from None
    except OSError as exc:
        raise fail(f"cannot read: {exc.strerror or exc}") from None
    return decode(data, name)


def decode(data: bytes, name: str) -> str:
    if data.startswith(_BOM):  # legal in TOML, but tomllib rejects it in the text
        data = data[len(_BOM) :]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        hint = ""
        head = data[:200]
        if head[:2] in (b"\xff\xfe", b"\xfe\xff") or head.count(b"\x00") > len(head) // 4:
            hint = "; it looks like UTF-16: save it as UTF-8"
        raise TimelineError(
            [Problem(name, f"not UTF-8 (byte {exc.start}){hint}", line=line, column=1)]
        ) from None


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
            message = message.replace("(at end of document)", "").rstrip()
        raise TimelineError(
            [Problem(name, f"TOML syntax: {message}", line=line, column=column)]
        ) from None
    except RecursionError:
        raise TimelineError([Problem(name, "TOML nesting is too deep to read")]) from None
    except ValueError as exc:  # e.g. an integer too large to convert
        raise TimelineError([Problem(name, f"TOML value cannot be read: {exc}")]) from None


def load_timeline(path: str | os.PathLike[str]) -> Timeline:
    """Read, parse and validate a timeline file."""
    path = Path(path)
    text = read_text(path)
    return load_text(text, str(path))


def load_text(text: str, name: str = "<text>") -> Timeline:
    data = parse(text, name)
    checker = _Checker(text, name)
    timeline = checker.check(data)
    if checker.problems:
        raise TimelineError(checker.problems)
    assert timeline is not None
    return timeline


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
                hint = did_you_mean(key, TOP_LEVEL_KEYS)
                self.add(f"unknown top-level key {quote(key)}{hint}", (key,))
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
            self.add("[timeline] must be a table", ("timeline",), field="timeline")
            return TimelineInfo()
        try:
            return TimelineInfo.model_validate(raw)
        except ValidationError as exc:
            for problem in _describe(exc, INFO_FIELDS):
                loc, message = problem
                self.add(message, ("timeline", *loc), field="timeline." + _field_name(loc))
            return TimelineInfo()

    def _views(self, raw: Any) -> dict[str, str]:
        if raw is None:
            return {}
        if not isinstance(raw, dict):
            self.add('[views] must be a table of name = "query"', ("views",), field="views")
            return {}
        for name, query in raw.items():
            if not isinstance(query, str):
                self.add("a view must be a query string", ("views", name), field=f"views.{name}")
        return {k: v for k, v in raw.items() if isinstance(v, str)}

    def _events(self, raw: Any) -> list[Event]:
        if raw is None:
            self.add("no events: add [[events]] tables (see docs/format.md)")
            return []
        if isinstance(raw, dict):
            self.add(
                "events must be an array of tables: write [[events]], not [events]",
                ("events",),
                field="events",
            )
            return []
        if not isinstance(raw, list) or not raw:
            self.add("no events: add [[events]] tables (see docs/format.md)", ("events",))
            return []
        events: list[Event] = []
        first_line: dict[str, int] = {}
        for index, item in enumerate(raw):
            label = _label(item, index)
            if not isinstance(item, dict):
                self.add("an event must be a table", ("events", index), event=label)
                continue
            try:
                event = Event.model_validate(item)
            except ValidationError as exc:
                for loc, message in _describe(exc, EVENT_FIELDS):
                    self.add(message, ("events", index, *loc), event=label, field=_field_name(loc))
                continue
            if event.id in first_line:
                self.add(
                    f"duplicate id: already used by event #{first_line[event.id] + 1}",
                    ("events", index, "id"),
                    event=label,
                    field="id",
                )
                continue
            first_line[event.id] = index
            events.append(event)
        known = set(first_line)
        raw_index = {e.id: first_line[e.id] for e in events}
        for event in events:
            for position, other in enumerate(event.related):
                if other not in known:
                    hint = did_you_mean(other, sorted(known))
                    self.add(
                        f"no event has the id {quote(other)}{hint}",
                        ("events", raw_index[event.id], "related", position),
                        event=f"'{event.id}'",
                        field="related",
                    )
        return events


def _label(item: Any, index: int) -> str:
    """How a message names an event: its id when it has a usable one, else its position."""
    if isinstance(item, dict):
        ident = item.get("id")
        if isinstance(ident, str) and _ID_LIKE.fullmatch(ident):
            return f"'{ident}'"
    return f"#{index + 1}"


def _field_name(loc: tuple[str | int, ...]) -> str:
    """``sources[1].url``: list positions shown 1-based, as people count sources."""
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part + 1}]"
        else:
            text += ("." if text else "") + part
    return text


def _describe(
    exc: ValidationError, fields: tuple[str, ...]
) -> Iterator[tuple[tuple[str | int, ...], str]]:
    """Pydantic's errors as (location, message) in our words, with did-you-mean hints."""
    for error in exc.errors(include_url=False, include_input=True):
        loc = tuple(error["loc"])
        kind = error["type"]
        value = error.get("input")
        if kind == "extra_forbidden":
            key = str(loc[-1])
            choices = SOURCE_FIELDS if "sources" in loc[:-1] else fields
            yield loc, f"unknown field{did_you_mean(key, choices)}"
        elif kind == "missing":
            yield loc, "is required"
        elif kind == "enum" and loc and loc[-1] == "action":
            words = [a.value for a in Action]
            given = value if isinstance(value, str) else repr(value)
            hint = did_you_mean(given, words)
            yield loc, f"{quote(given)} is not an action{hint} (one of: {', '.join(words)})"
        elif kind == "enum" and loc and loc[-1] == "status":
            given = value if isinstance(value, str) else repr(value)
            yield loc, f"{quote(given)} is not a status: use ongoing, ended or unknown"
        elif kind in _TYPE_ERRORS:
            wanted = {
                "string_type": "a string",
                "list_type": 'a list, e.g. ["a", "b"]',
            }.get(kind, "a table")
            yield loc, f"must be {wanted}, not {_type_name(value)}"
        elif kind == "too_short" and loc and loc[-1] == "sources":
            yield loc, "needs at least one source"
        else:
            message = error["msg"]
            if message.startswith("Value error, "):
                message = message[len("Value error, ") :]
            yield loc, message


def _type_name(value: Any) -> str:
    return {
        bool: "true/false",
        int: "a number",
        float: "a number",
        str: "a string",
        list: "a list",
        dict: "a table",
    }.get(type(value), type(value).__name__)
