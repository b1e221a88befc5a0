"""How events read as text: list rows, durations, status words. Pure: the UI and CLI share it.

Every string returned here is already sanitised (see ``tui.core.text.sanitize``).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from tui.core.text.sanitize import clean
from tui.core.time.span import Kind, span
from tui.core.timeline.dates import describe_duration
from tui.core.timeline.event import Action, Event, Status

# Glyph and word together: the state never rests on colour alone.
STATUS_MARK: dict[Status, str] = {
    Status.ONGOING: "▶ ongoing",
    Status.ENDED: "",
    Status.UNKNOWN: "? unknown",
}

# What a lasting measure is called when describing how long it lasted.
_SPAN_VERB: dict[Action, str] = {
    Action.BLOCK: "blocked",
    Action.THROTTLE: "throttled",
    Action.RESTRICT: "restricted",
    Action.LAW: "in force",
    Action.DESIGNATION: "designated",
    Action.MANDATE: "mandated",
}


@dataclass(frozen=True, slots=True)
class Row:
    """The cells of one list row, each already safe to print."""

    date: str
    country: str
    action: str
    platforms: str
    status: str
    title: str


def row(event: Event) -> Row:
    return Row(
        date=event.date.iso(),
        country=event.country,
        action=event.action.value,
        platforms=clean(", ".join(event.platforms)),
        status=STATUS_MARK[event.status],
        title=clean(event.title),
    )


def dates_line(event: Event) -> str:
    """``16 April 2018 – 18 June 2020`` or ``14 March 2022 – today``."""
    start = event.date.human()
    if event.end_date is not None:
        if event.end_date == event.date:
            return f"{start} (ended the same day)"
        return f"{start} – {event.end_date.human()}"
    if span(event).kind is Kind.OPEN and event.status is Status.ONGOING:
        return f"{start} – today"
    return start


def _span(shortest: str, longest: str) -> str:
    """One length when the dates pin it down; else the honest range, never a made-up figure."""
    if shortest == longest:
        return shortest
    if shortest == "0 days":
        return f"at most {longest}"
    return f"between {shortest} and {longest}"


def duration_line(event: Event, today: date) -> str | None:
    """``blocked 2 years 2 months`` / ``ongoing — 3 years 3 months so far`` / None.

    A partial date stands for a period, so the length is computed for the shortest and the
    longest reading: "2 May 2016 – May 2016" is "at most 29 days", not "about 29 days".
    """
    start = event.date
    if event.end_date is not None:
        end = event.end_date
        if end == start:
            return None
        shortest = describe_duration(start.end, end.start) if end.start > start.end else "0 days"
        longest = describe_duration(start.start, end.end)
        verb = _SPAN_VERB.get(event.action, "lasted")
        return f"{verb} {_span(shortest, longest)}"
    if span(event).kind is Kind.OPEN and event.status is Status.ONGOING and start.start <= today:
        shortest = describe_duration(min(start.end, today), today)
        longest = describe_duration(start.start, today)
        return f"ongoing — {_span(shortest, longest)} so far"
    return None


def display_path(path: str | None, cwd: Path | None = None) -> str:
    """A path as a person would type it: relative to the current folder when inside it,
    ``~/…`` under the home folder, else as given."""
    if not path:
        return ""
    absolute = Path(path).absolute()
    base = (cwd or Path.cwd()).absolute()
    try:
        return clean(str(absolute.relative_to(base)))
    except ValueError:
        pass
    home = Path(os.path.expanduser("~")).absolute()
    try:
        return clean("~/" + str(absolute.relative_to(home)))
    except ValueError:
        return clean(str(path))


# Lines that start like list items keep their own line when a paragraph is re-flowed for display.
_ITEM_MARKS = ("- ", "* ", "• ")


def paragraphs(text: str, *, items: bool = False) -> list[str]:
    """The one paragraph re-flow: blank-line separated paragraphs, hard wraps removed.

    A line holding only whitespace is blank. Each paragraph's lines are joined and their runs of
    whitespace become one space. With ``items``, a line that starts like a list item
    (``- ``, ``* ``, ``• ``) keeps its own line (joined to the others by a newline).
    """
    out: list[str] = []
    lines: list[str] = []
    for raw in text.splitlines():
        line = " ".join(raw.split())
        if not line:
            if lines:
                out.append("\n".join(lines))
                lines = []
        elif lines and not (items and line.startswith(_ITEM_MARKS)):
            lines[-1] = f"{lines[-1]} {line}"
        else:
            lines.append(line)
    if lines:
        out.append("\n".join(lines))
    return out


def reflow(text: str) -> str:
    """Join the hard-wrapped lines of each paragraph so the pane can wrap them to its width.

    Summaries are typed in an editor at ~80 columns; keeping those line breaks would make
    ragged text in any other width. Blank lines still separate paragraphs, and lines that
    start like list items keep their own line.
    """
    return "\n\n".join(paragraphs(text, items=True))


def fill(paragraphs: list[str], width: int = 80) -> str:
    """The inverse of ``paragraphs``: a multi-line summary as people write it, each paragraph
    wrapped at ``width``, blank lines between, a final newline.

    Greedy, at spaces only (a long word or URL stays whole): what ``textwrap.fill`` does with
    ``break_long_words`` and ``break_on_hyphens`` off, for single-spaced text, several times
    faster.
    """
    out = []
    for paragraph in paragraphs:
        words = paragraph.split()
        if not words:
            continue
        lines: list[str] = []
        line = words[0]
        for word in words[1:]:
            if len(line) + 1 + len(word) <= width:
                line += " " + word
            else:
                lines.append(line)
                line = word
        lines.append(line)
        out.append("\n".join(lines))
    return "\n\n".join(out) + "\n"
