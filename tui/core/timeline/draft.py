"""The add-event form's model: what the user typed -> a candidate event and errors per field.

A draft validates with the loader's own model (``Event``) and the loader's own wording
(``tui.core.files.problems.describe``), so a form that shows no errors holds an event
``validate`` accepts. Plain Python: the form's screen draws it, the tests check it without one.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any

from tui.core.text.sanitize import controls, quote
from tui.core.time.span import derived_status
from tui.core.timeline.dates import ACCEPTED_FORMS, PartialDate
from tui.core.timeline.errors import did_you_mean
from tui.core.timeline.event import EVENT_FIELDS, Event

DERIVED = "derived"  # the status select's value for "leave it out; the loader derives it"
LIST_FIELDS = ("authority", "platforms", "tags", "related")
SCALAR_FIELDS = ("id", "date", "end_date", "status", "title", "country", "action", "summary")
SOURCE_KEYS = ("publisher", "url", "title", "date")
FORM_DATE_FORMS = "type 2018-04-16 (day), 2018-04 (month) or 2018 (year)"


@dataclass
class FormValues:
    """The form's raw text, exactly as typed: one string per field, one dict per source row."""

    fields: dict[str, str] = field(default_factory=dict)
    sources: list[dict[str, str]] = field(default_factory=list)

    def get(self, key: str) -> str:
        return self.fields.get(key, "")


def split_list(text: str) -> list[str]:
    """``Roskomnadzor, "Ministry of Justice, Russia"`` -> two items; empty items dropped.

    Commas separate items; an item that itself holds a comma is written in double quotes
    (``join_list`` does that when pre-filling), as in a CSV line.
    """
    if not text.strip():
        return []
    import csv  # the form's path only; the filter pane's fields import this module at start

    row = next(csv.reader([text], skipinitialspace=True), [])
    return [item.strip() for item in row if item.strip()]


def list_problem(text: str) -> str | None:
    """What ``split_list`` would have to guess at in ``text``, said for the field, or None.

    ``split_list`` reads leniently (an unterminated quote runs to the end, empty items are
    dropped); the form must not save a silently rewritten list, so these are errors there.
    """
    if not text.strip():
        return None
    items = 0
    pos, end = 0, len(text)
    while True:
        while pos < end and text[pos] == " ":
            pos += 1
        start = pos
        if pos < end and text[pos] == '"':
            pos += 1
            while True:
                close = text.find('"', pos)
                if close < 0:
                    return (
                        f"{quote(text[start : start + 20])} has no closing quote: end the item "
                        'with " (an item holding a comma goes in double quotes)'
                    )
                if text.startswith('""', close):
                    pos = close + 2  # a doubled quote is a quote inside the item
                    continue
                pos = close + 1
                break
            empty = not text[start + 1 : pos - 1].replace('""', '"').strip()
            while pos < end and text[pos] == " ":
                pos += 1
            if pos < end and text[pos] != ",":
                return (
                    f'{quote(text[pos : pos + 20])} follows a closing ": put a comma between '
                    'items (a " inside a quoted item is written "")'
                )
        else:
            comma = text.find(",", pos)
            pos = end if comma < 0 else comma
            empty = not text[start:pos].strip()
        items += 1
        if empty and text[start : start + 1] == '"':
            return f'item {items} is empty (""): remove it'
        if empty:
            if pos >= end:
                return "ends with a comma: add an item after it or remove it"
            if items == 1:
                return "starts with a comma: remove it"
            return f"item {items} is empty (two commas in a row): remove one comma"
        if pos >= end:
            return None
        pos += 1  # past the comma


def join_list(items: Collection[str]) -> str:
    """The inverse of ``split_list``: quotes only the items that need it."""
    parts = []
    for item in items:
        if "," in item or item.startswith('"') or item != item.strip():
            parts.append('"' + item.replace('"', '""') + '"')
        else:
            parts.append(item)
    return ", ".join(parts)


def _summary(text: str) -> str:
    # Trailing blank lines are never meant; a multi-line summary ends with a newline so its
    # closing """ sits on a line of its own, as the format's examples write it.
    text = text.strip()
    return text + "\n" if "\n" in text else text


def candidate(values: FormValues) -> dict[str, Any]:
    """The event as the loader would see it in the file: empty fields left out."""
    data: dict[str, Any] = {}
    for key in SCALAR_FIELDS:
        raw = values.get(key)
        text = _summary(raw) if key == "summary" else raw.strip()
        if key == "status" and text == DERIVED:
            continue
        if key == "country":
            text = country_code(text)
        if text:
            data[key] = text
    for key in LIST_FIELDS:
        items = split_list(values.get(key))
        if items:
            data[key] = items
    sources = []
    for row in values.sources:
        source = {k: row.get(k, "").strip() for k in SOURCE_KEYS}
        sources.append({k: v for k, v in source.items() if v})
    data["sources"] = sources
    return data


def country_code(typed: str) -> str:
    """``ru`` means RU: a code of letters is taken in any case (anything else is left as typed,
    for the model to refuse in its own words)."""
    typed = typed.strip()
    return typed.upper() if typed.isascii() and typed.isalpha() else typed


def notes(values: FormValues) -> dict[str, str]:
    """What the form changes in what was typed, by field, to be shown (not an error)."""
    typed = values.get("country").strip()
    if country_code(typed) != typed:
        return {"country": f"saved as {quote(country_code(typed))}"}
    return {}


def error_key(loc: tuple[str | int, ...]) -> str:
    """Where an error is shown: ``date``, ``authority`` (any item), ``sources.0.url``."""
    if len(loc) >= 3 and loc[0] == "sources":
        return f"sources.{loc[1]}.{loc[2]}"
    return str(loc[0]) if loc else "id"


def _form_wording(message: str) -> str:
    # The loader speaks of the file ("a TOML date (no quotes)"); the form has no quotes.
    return message.replace(f"write {ACCEPTED_FORMS}", FORM_DATE_FORMS)


def check(values: FormValues, taken: Collection[str]) -> tuple[Event | None, dict[str, str]]:
    """The event, or the first problem of each field. ``taken``: the ids already in the file.

    Adds what the loader checks across the file: the id must be new, ``related`` ids must exist.
    """
    # Validation (pydantic, the loader) is imported when a form first checks, not when the app
    # starts: the explorer's first paint does not need it.
    from pydantic import ValidationError

    from tui.core.files.problems import describe
    from tui.core.timeline.model import validate_event
    from tui.core.timeline.rules import ID_PATTERN, status_conflict

    data = candidate(values)
    # A list the form would have to guess at is the first thing to fix in its field.
    errors: dict[str, str] = {
        key: problem for key in LIST_FIELDS if (problem := list_problem(values.get(key)))
    }
    event: Event | None = None
    try:
        event = validate_event(data)
    except ValidationError as exc:
        for loc, message in describe(exc, EVENT_FIELDS):
            errors.setdefault(error_key(loc), _form_wording(message))
        # As in the loader: pydantic skips the status check when the end_date is invalid.
        conflict = status_conflict(data.get("status"), "end_date" in data)
        if conflict:
            errors.setdefault("status", conflict)
    ident = data.get("id")
    if isinstance(ident, str) and ID_PATTERN.fullmatch(ident) and ident in taken:
        errors.setdefault("id", f"{quote(ident)} is already used by another event; choose another")
    for other in data.get("related", []):
        if ID_PATTERN.fullmatch(other) and other not in taken and other != ident:
            hint = did_you_mean(other, sorted(taken))
            errors.setdefault("related", f"no event has the id {quote(other)}{hint}")
    return (None if errors else event), errors


def suggested_id(values: FormValues, taken: Collection[str]) -> str:
    """``<cc>-<year>-<first words of the title>``, made unique against ``taken``."""
    from tui.core.files.write import suggest_id

    try:
        year: int | None = PartialDate.parse(values.get("date")).year
    except ValueError:
        year = None
    return suggest_id(values.get("country"), year, values.get("title"), taken)


def values_from_event(event: Event) -> FormValues:
    """A copy of an event as form text, without its id (a follow-up needs a new one)."""
    derived = derived_status(event.end_date, event.action)
    fields = {
        "id": "",
        "date": event.date.iso(),
        "end_date": event.end_date.iso() if event.end_date else "",
        "status": DERIVED if event.status in (None, derived) else event.status.value,
        "title": event.title,
        "country": event.country,
        "authority": join_list(event.authority),
        "platforms": join_list(event.platforms),
        "action": event.action.value,
        "tags": join_list(event.tags),
        "summary": event.summary.strip("\n"),
        "related": join_list(event.related),
    }
    sources = [
        {
            "publisher": s.publisher,
            "url": s.url,
            "title": s.title or "",
            "date": s.date.iso() if s.date else "",
        }
        for s in event.sources
    ]
    return FormValues(fields, sources)


# Characters a terminal acts on (ESC starts CSI and OSC 52 clipboard writes; 0x9B is a one-byte
# CSI). Textual draws an Input's or a TextArea's text as it is, so a pasted escape sequence
# would reach the terminal; the model refuses them in every field anyway, so they are dropped
# as they come in.
_LINE_CONTROLS = re.compile("[" + controls(keep="\t") + "]")
_BLOCK_CONTROLS = re.compile("[" + controls(keep="\t\n\r") + "]")


def without_controls(text: str, *, block: bool = False) -> str:
    """``text`` with terminal control characters removed (tabs become spaces on one line)."""
    if text.isprintable():
        return text
    if block:
        return _BLOCK_CONTROLS.sub("", text)
    return _LINE_CONTROLS.sub("", text.replace("\t", " "))
