"""What happened to every row, and the timeline text an import writes.

A mapping module turns each data row into an event (through the format's own model, so an
imported event is exactly as valid as a hand-written one) or a reason to skip it. ``Report``
collects both, drops in-sheet duplicates and rows the timeline already has (by id), and says
so for each.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import tomli_w
from pydantic import ValidationError

from tui.core.text.sanitize import clean, quote
from tui.core.timeline.errors import TimelineError
from tui.core.timeline.event import Event, Timeline


class RowSkip(Exception):
    """A row that does not become an event; the message is the reason (already safe)."""


@dataclass
class Report:
    path: str
    rows_read: int = 0
    blank_rows: int = 0
    imported: list[tuple[int, Event]] = field(default_factory=list)
    present: list[tuple[int, str]] = field(default_factory=list)
    skipped: list[tuple[int, str]] = field(default_factory=list)
    notes: list[tuple[int | None, str]] = field(default_factory=list)
    row_label: str = "row"  # "line" for JSON, whose items have no row numbers
    changed: int = 0  # present rows whose main fields differ from the timeline's event

    def skip(self, row: int, reason: str) -> None:
        self.skipped.append((row, reason))

    def note(self, row: int | None, message: str) -> None:
        self.notes.append((row, message))

    def add(self, row: int, data: dict[str, Any]) -> None:
        """Validate one row's event table; a row the model refuses is skipped with its reasons."""
        from tui.core.timeline.model import validate_event

        try:
            event = validate_event(data)
        except ValidationError as exc:
            self.skip(row, model_reasons(exc))
            return
        self.imported.append((row, event))

    def dedupe(self, timeline: Timeline | None = None) -> None:
        """Skip rows whose id an earlier row gave; count ids the timeline has as present."""
        first: dict[str, int] = {}
        kept: list[tuple[int, Event]] = []
        for row, event in self.imported:
            existing = timeline.get(event.id) if timeline is not None else None
            if existing is not None:
                self.present.append((row, event.id))
                changes = differences(existing, event)
                if changes:
                    self.changed += 1
                    self.note(
                        row,
                        f"already present as {quote(event.id)}, but the file now gives "
                        f"{'; '.join(changes)}; the timeline is not changed (edit it by hand)",
                    )
            elif event.id in first:
                self.skip(
                    row,
                    f"duplicate of {self.row_label} {first[event.id]} "
                    f"(both give the id {quote(event.id)})",
                )
            else:
                first[event.id] = row
                kept.append((row, event))
        self.imported = kept

    @property
    def events(self) -> list[Event]:
        return [event for _, event in self.imported]

    def lines(self) -> list[str]:
        """``FILE:ROW: skipped: REASON`` and ``FILE:ROW: note: …``, in row order."""
        name = clean(self.path)
        out: list[tuple[int, int, str]] = []
        for row, message in self.notes:
            where = f"{name}:{row}" if row is not None else name
            out.append((row or 0, 0, f"{where}: note: {message}"))
        for row, reason in self.skipped:
            out.append((row, 1, f"{name}:{row}: skipped: {reason}"))
        return [line for _, _, line in sorted(out, key=lambda item: (item[0], item[1]))]

    def summary(self) -> str:
        blank = f" ({self.blank_rows} blank rows not counted)" if self.blank_rows else ""
        differ = f" ({self.changed} differ, see the notes)" if self.changed else ""
        return (
            f"{clean(self.path)}: {self.rows_read} rows read{blank}, "
            f"{len(self.imported)} imported, {len(self.present)} already present{differ}, "
            f"{len(self.skipped)} skipped"
        )


# The fields a re-import compares with the event already in the timeline: what a newer copy of
# a sheet corrects or completes (an end date, a status). Summaries and sources name the file and
# row they came from, so they differ between copies anyway.
COMPARED = ("date", "end_date", "status", "country", "action", "platforms", "title")


def differences(existing: Event, new: Event) -> list[str]:
    """``end_date 2020-03-04 (the timeline: none)`` for each compared field that differs."""

    def shown(value: object) -> str:
        if value is None or value == ():
            return "none"
        if isinstance(value, tuple):
            return ", ".join(clean(str(v)) for v in value)
        return (
            quote(str(value), 50) if isinstance(value, str) and " " in value else clean(str(value))
        )

    out = []
    for name in COMPARED:
        old, now = getattr(existing, name), getattr(new, name)
        if old != now:
            out.append(f"{name} {shown(now)} (the timeline: {shown(old)})")
    return out


def model_reasons(exc: ValidationError) -> str:
    """The model's complaints in the loader's words: ``end_date: 2019-01-02 is before …``."""
    from tui.core.files.problems import describe, field_name
    from tui.core.timeline.model import EVENT_FIELDS

    return "; ".join(
        f"{field_name(loc)}: {message}" for loc, message in describe(exc, EVENT_FIELDS)
    )


def render_timeline(title: str, description: str, events: Iterable[Event]) -> str:
    """A new timeline file: ``[timeline]``, then one ``[[events]]`` table per event, by date."""
    from tui.core.files.write import render_event

    info = {"timeline": {"title": title, "description": description}}
    head = tomli_w.dumps(info, multiline_strings=True)
    ordered = sorted(events, key=lambda e: e.sort_key)
    return head + "".join("\n" + render_event(event) for event in ordered)


def check_rendered(text: str, name: str, events: list[Event]) -> None:
    """The written text must load through the real loader to exactly these events."""
    from tui.core.files.load import load_text

    try:
        loaded = load_text(text, name)
    except TimelineError as exc:  # a bug of ours: never write such a file
        first = exc.problems[0].format() if exc.problems else str(exc)
        raise RuntimeError(f"the imported timeline would not load: {first}") from None
    if loaded.events != sorted(events, key=lambda e: e.sort_key):
        raise RuntimeError("the imported timeline would not read back as imported")
