"""What the search box holds: the text typed, the query whose result is on screen, and why the
two differ (the text does not parse, or its last term is still being typed).

One object holds it all, so the list, the header, the line under the box, the facets and the
command line read the same query.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from tui.core.query import edit, printing
from tui.core.query import language as q
from tui.core.text.present import display_path
from tui.core.text.sanitize import clean

if TYPE_CHECKING:
    from textual.timer import Timer

# Saved views are named queries (the file's [views] table): what `v` says when there are none.
NO_VIEWS = (
    "This timeline has no saved views. Add a [views] table to the file, e.g. "
    'ru-messaging = "country:RU platform:telegram,whatsapp" (docs/query.md).'
)
WORD_PAUSE = 0.4  # seconds of no typing before a word that begins a field name is searched


class QueryBox:
    """The box's text as asked for, and the query on screen."""

    def __init__(self, initial: str = "") -> None:
        self.initial = initial  # the box's text at the start (--query)
        self.requested: str | None = None  # the box's text, as last asked for
        self.text = ""  # the text of the query whose result is on screen
        self.query = q.parse("")  # ... and that query
        self.error: q.QueryError | None = None  # the box's text does not parse
        self.unfinished: edit.Unfinished | None = None  # the box's last term, held back
        self.word_timer: Timer | None = None  # searches a held-back word when typing pauses

    def ask(self, text: str, *, immediate: bool = False) -> tuple[str, q.Query] | None:
        """The box now holds ``text``: the text and query to filter by, None if it does not
        parse. A last term still being typed is held back (``edit.split_unfinished``), except a
        word that begins a field name when ``immediate`` (--query at the start) or when it was
        searched already (a reload after the word's pause)."""
        self.requested = text
        self.stop_word_timer()
        shown, unfinished = edit.split_unfinished(text)
        held_word = unfinished is not None and unfinished.kind == "field"
        if held_word and (immediate or text == self.text):
            shown, unfinished = text, None
        try:
            query = q.parse(shown)
        except q.QueryError as exc:
            self.error, self.unfinished = exc, None
            return None
        self.error, self.unfinished = None, unfinished
        return shown, query

    @property
    def holds_word(self) -> bool:
        """A bare word that may begin a field name waits for a pause in typing."""
        return self.unfinished is not None and self.unfinished.kind == "field"

    def whole_word(self) -> tuple[str, q.Query] | None:
        """Typing paused on a held word: the box's whole text, the word searched as text."""
        self.stop_word_timer()
        text = self.requested
        if text is None or self.unfinished is None:
            return None
        self.unfinished = None
        try:
            return text, q.parse(text)
        except q.QueryError:  # cannot happen: split_unfinished parsed it; be safe anyway
            return None

    def stop_word_timer(self) -> None:
        if self.word_timer is not None:
            self.word_timer.stop()
            self.word_timer = None

    def applied(self, text: str, query: q.Query) -> None:
        """This query's result is on screen now."""
        self.text, self.query = text, query

    def with_facet(self, facet: str, values: Sequence[str]) -> str | None:
        """The text with ``facet`` set to ``values``; None when the query on screen has them
        already (the pane was redrawn from it: nothing new from the user)."""
        wanted = {v.casefold() for v in values}
        if wanted == {v.casefold() for v in edit.selected(self.query, facet)}:
            return None
        return edit.with_facet(self.text, facet, values)

    def command_line(self, path: str | None) -> str:
        """The shell command that lists the view on screen (exact, unsanitised: for copying)."""
        return printing.command_line(self.text, display_path(path) if path else None)

    @property
    def has_message(self) -> bool:
        return self.error is not None or self.unfinished is not None

    def message(self) -> tuple[str | None, bool]:
        """The line under the box and whether it is quiet: about the query on screen (worded
        from the query asked for, it said "no filter" while a result for the box's text a few
        keys earlier was still on its way)."""
        applied = printing.describe(self.query) if not self.query.is_empty else "no filter"
        if self.error is not None:
            return f"{self.error}. The list still shows the last valid query: {applied}.", False
        if self.unfinished is not None and self.unfinished.hint:
            return f"{self.unfinished.hint}. The list shows: {applied}.", True
        return None, False

    def empty_message(self, shown: int, events: int, *, loading: bool) -> str:
        """What the list's place says when it shows no event ("" when it shows some)."""
        if not events and loading:
            return "Loading the timeline…  (q quits)"
        if not events:
            return (
                "This timeline has no events yet. Add [[events]] tables to the file "
                "(see docs/format.md), then open it again."
            )
        if shown == 0:
            return (
                f"No event matches {clean(printing.describe(self.query))}.\n"
                "Press x to clear all filters, or / to edit the search."
            )
        return ""
