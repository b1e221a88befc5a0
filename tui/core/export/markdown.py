"""Markdown: a heading, a table of the events and, below it, each event's sources.

Text from the file is sanitised and Markdown-escaped (a title holding ``|``, ``*`` or ``<b>``
shows as written and never breaks the table or becomes markup); link targets are wrapped in
``<…>`` and percent-encoded where a URI may not hold a character.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from tui.core.export.common import human_span, uri
from tui.core.query.language import Query
from tui.core.text.present import row
from tui.core.text.sanitize import clean
from tui.core.timeline.event import Event, Source, Timeline

_SPECIAL = re.compile(r"([\\`*_\[\]<>|&~#])")
HEADER = ("Date", "Event", "ID", "Country", "Action", "Platforms", "Status")


def escape(text: str) -> str:
    """Sanitised text with Markdown's inline specials backslash-escaped (CommonMark)."""
    return _escape_clean(clean(text))


def _escape_clean(text: str) -> str:
    """Already sanitised text (``present.row``'s cells) with Markdown's specials escaped."""
    return _SPECIAL.sub(r"\\\1", text)


def link_target(url: str) -> str:
    return f"<{uri(url)}>"


def code(text: str) -> str:
    """A code span that holds ``text`` whatever backticks it contains."""
    text = clean(text)
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def source_line(source: Source) -> str:
    if source.title:
        link = f"[{escape(source.title)}]({link_target(source.url)})"
    else:
        link = link_target(source.url)  # an autolink: the URL is its own label
    line = f"{escape(source.publisher)}: {link}"
    if source.date:
        line += f", {source.date.human()}"
    return line


def render(timeline: Timeline, events: Sequence[Event], *, query: Query | None = None) -> str:
    lines = [f"# {escape(timeline.info.title)}", ""]
    if timeline.info.description.strip():
        lines += [escape(" ".join(timeline.info.description.split())), ""]
    noun = "event" if len(events) == 1 else "events"
    count = f"{len(events)} {noun}"
    if query is not None and not query.is_empty:
        count += f" matching {code(query.text.strip())}"
    lines += [count + ".", ""]
    lines.append("| " + " | ".join(HEADER) + " |")
    lines.append("|" + " --- |" * len(HEADER))
    for event in events:
        shared = row(event)  # the cells every list of events shows alike
        cells = (
            escape(human_span(event)),
            _escape_clean(shared.title),
            code(event.id),
            _escape_clean(shared.country),
            _escape_clean(shared.action),
            _escape_clean(shared.platforms),
            escape(event.status.value),
        )
        lines.append("| " + " | ".join(cells) + " |")
    if events:
        lines += ["", "## Sources", ""]
        for event in events:
            lines.append(f"- {code(event.id)} {escape(event.title)}")
            lines += [f"  - {source_line(s)}" for s in event.sources]
    return "\n".join(lines) + "\n"
