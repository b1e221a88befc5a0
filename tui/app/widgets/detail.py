"""The detail pane: everything about one event, built as Text objects (never markup)."""

from __future__ import annotations

from datetime import date
from typing import ClassVar

from rich.console import Group
from rich.style import Style
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widgets import Static

from tui.core.text.present import STATUS_MARK, dates_line, duration_line, reflow
from tui.core.text.sanitize import clean, clean_block
from tui.core.timeline.event import Event, Timeline


def _link_style(url: str) -> Style:
    # Only http(s) URLs pass the loader; the check here keeps that promise local too.
    if url.lower().startswith(("http://", "https://")):
        return Style(link=url, underline=True)
    return Style()


def render_event(event: Event, timeline: Timeline, today: date) -> Group:
    """The full detail of an event as Rich renderables built from plain text."""
    title = Text(clean(event.title), style="bold")
    facts = Table.grid(padding=(0, 1))
    facts.add_column(style="dim", no_wrap=True)
    facts.add_column()

    def fact(label: str, value: str | Text) -> None:
        facts.add_row(label, value if isinstance(value, Text) else Text(value))

    when = dates_line(event)
    duration = duration_line(event, today)
    fact("When", when + (f"  ({duration})" if duration else ""))
    status = STATUS_MARK[event.status] or event.status.value
    fact("Status", status)
    fact("Country", f"{event.country_name} ({event.country})")
    action = event.action.value
    fact("Action", action if action == event.action.label else f"{action} — {event.action.label}")
    if event.platforms:
        fact("Platforms", clean(", ".join(event.platforms)))
    if event.authority:
        fact("Authority", clean("; ".join(event.authority)))
    if event.tags:
        fact("Tags", clean(", ".join(event.tags)))
    fact("Id", event.id)

    summary = Text(clean_block(reflow(event.summary)))

    sources = Text(overflow="fold")
    for number, source in enumerate(event.sources, start=1):
        sources.append(f"{number}. ", style="bold")
        sources.append(clean(source.publisher), style="bold")
        if source.title:
            sources.append(f" — {clean(source.title)}")
        if source.date:
            sources.append(f" ({source.date.human()})", style="dim")
        sources.append("\n   ")
        sources.append(clean(source.url), style=_link_style(source.url))
        sources.append("\n")
    sources.rstrip()

    parts: list[object] = [title, Text(), facts, Text(), summary, Text()]
    parts.append(Text("Sources (o opens the first, 1–9 open source N)", style="bold underline"))
    parts.append(sources)
    if event.related:
        parts.append(Text())
        parts.append(Text("Related (r follows, backspace goes back)", style="bold underline"))
        related = Text()
        for other_id in event.related:
            other = timeline.get(other_id)
            label = f"{other.date.iso()}  {clean(other.title)}" if other else "(missing)"
            related.append(f"• {other_id}", style="bold")
            related.append(f"  {label}\n")
        related.rstrip()
        parts.append(related)
    return Group(*parts)  # type: ignore[arg-type]


class EventDetail(VerticalScroll, can_focus=True):
    """Scrollable detail of the highlighted event."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j", "scroll_down", "Scroll down", show=False),
        Binding("k", "scroll_up", "Scroll up", show=False),
        Binding("space", "page_down", "Page down"),
        # As in the list: g / G go to the top / bottom (Home / End, which Textual binds, too).
        Binding("g", "scroll_home", "Scroll to the top", show=False),
        Binding("G", "scroll_end", "Scroll to the bottom", show=False),
    ]

    DEFAULT_CSS = """
    EventDetail { padding: 0 1; }
    EventDetail > #detail-body { width: 1fr; }
    """

    def compose(self) -> ComposeResult:
        # Blank until the first filter result picks the event: "No event selected" flashed
        # there while events were listed. (Drawing the event in the first frame instead cost
        # it 8%: a rich Table's measuring, 110M instructions.)
        yield Static(Text(""), id="detail-body")

    _shown: str | None = None  # the id of the event on show

    def show(self, event: Event | None, timeline: Timeline, today: date) -> None:
        """Draw ``event``; another event starts at the top, the same one (a reload, a filter
        that kept it) where the reader was."""
        body = self.query_one("#detail-body", Static)
        if event is None:
            body.update(Text("No event selected.", style="dim"))
        else:
            body.update(render_event(event, timeline, today))
        shown = None if event is None else event.id
        if shown != self._shown or shown is None:
            self.scroll_home(animate=False)
        self._shown = shown
