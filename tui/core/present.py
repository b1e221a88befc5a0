"""How events read as text: list rows, durations, status words. Pure: the UI and CLI share it.

Every string returned here is already sanitised (see ``tui.core.sanitize``).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from tui.core.dates import Precision, describe_duration
from tui.core.model import Action, Event, Status
from tui.core.sanitize import clean

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
        status=STATUS_MARK[event.state],
        title=clean(event.title),
    )


def dates_line(event: Event) -> str:
    """``16 April 2018 – 18 June 2020`` or ``14 March 2022 – (ongoing)``."""
    start = event.date.human()
    if event.end_date is not None:
        if event.end_date == event.date:
            return f"{start} (ended the same day)"
        return f"{start} – {event.end_date.human()}"
    if event.state is Status.ONGOING and event.action.lasting:
        return f"{start} – (ongoing)"
    return start


def duration_line(event: Event, today: date) -> str | None:
    """``blocked 2 years 2 months`` / ``ongoing — 3 years 3 months so far`` / None.

    Partial dates make a duration approximate, and it says so ("about").
    """
    approximate = event.date.precision is not Precision.DAY
    if event.end_date is not None:
        if event.end_date == event.date:
            return None
        approximate = approximate or event.end_date.precision is not Precision.DAY
        span = describe_duration(event.date.start, event.end_date.end)
        verb = _SPAN_VERB.get(event.action, "lasted")
        return f"{verb} {'about ' if approximate else ''}{span}"
    if event.state is Status.ONGOING and event.action.lasting and event.date.start <= today:
        span = describe_duration(event.date.start, today)
        return f"ongoing — {'about ' if approximate else ''}{span} so far"
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


def reflow(text: str) -> str:
    """Join the hard-wrapped lines of each paragraph so the pane can wrap them to its width.

    Summaries are typed in an editor at ~80 columns; keeping those line breaks would make
    ragged text in any other width. Blank lines still separate paragraphs, and lines that
    start like list items keep their own line.
    """
    paragraphs = []
    for block in text.strip().replace("\r\n", "\n").split("\n\n"):
        lines: list[str] = []
        for line in block.split("\n"):
            stripped = line.strip()
            if lines and not stripped.startswith(("- ", "* ", "• ")):
                lines[-1] = f"{lines[-1]} {stripped}"
            else:
                lines.append(stripped)
        paragraphs.append("\n".join(lines))
    return "\n\n".join(p for p in paragraphs if p)
