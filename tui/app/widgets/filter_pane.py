"""The filter pane: the query box, facets with counts, and a date range.

The facets and the date range are views of the query text, not state of their own: ticking a
facet rewrites the text (``tui.core.query.edit.with_facet``) and parsing the text sets the
ticks. One query language serves the box, the facets and the command line.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import ClassVar

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.geometry import Size
from textual.message import Message
from textual.strip import Strip
from textual.widget import Widget
from textual.widgets import Input, Label, OptionList, SelectionList, Static
from textual.widgets.selection_list import Selection

from tui.app.widgets.form_fields import FormInput
from tui.core.query.language import FACETS
from tui.core.text.sanitize import clean

FACET_TITLES: dict[str, str] = {
    "country": "Country",
    "platform": "Platform",
    "action": "Action",
    "tag": "Tag",
    "status": "Status",
}

# Long facets (tags in a big dataset) show the selected values plus the most frequent ones.
MAX_FACET_VALUES = 40


# In the room SelectionList leaves for its checkbox ("▐X▌ "), with the option's left padding.
TICKED, UNTICKED = "[✓]", "[ ]"


def fit(label: str, count: str, width: int) -> str:
    """``label`` then ``count`` in exactly ``width`` cells: a label too long is cut with ``…``,
    so the count is always seen whole (when the width allows it at all)."""
    room = width - cell_len(count)
    if cell_len(label) > room:
        # (rstrip: a wide character cut in half leaves a space, and "…" follows the text)
        label = set_cell_size(label, room - 1).rstrip() + "…" if room > 0 else ""
    return set_cell_size(label + count, width)


class FacetList(SelectionList[str]):
    """One facet's values with their counts under the current query.

    Each row is ``[✓] value (count)`` or ``[ ] value (count)``: ticked and unticked differ by a
    glyph, not only by colour (SelectionList draws the same ``▐X▌`` for both), and a value too
    long for the pane is cut with ``…`` before its count, never the count.
    """

    # SelectionList's own space, named and shown: the footer and the help say how to tick.
    BINDINGS: ClassVar[list[BindingType]] = [Binding("space", "select", "Tick / untick")]

    def __init__(self, facet: str) -> None:
        super().__init__(id=f"facet-{facet}", classes="facet")
        self.facet = facet
        self.border_title = FACET_TITLES[facet]
        self._shown: list[tuple[str, int, bool]] = []

    def on_focus(self) -> None:
        # Tabbed into, a value is ready for space (there was no highlight to tick): the first
        # one in view, so nothing scrolls (a click that focuses the list lands where aimed).
        if self.highlighted is None and self.option_count:
            self.highlighted = min(int(self.scroll_y), self.option_count - 1)

    def show_counts(self, counts: Iterable[tuple[str, int]], chosen: set[str]) -> None:
        folded = {c.casefold() for c in chosen}
        rows = list(counts)
        picked = [r for r in rows if r[0].casefold() in folded]
        others = [r for r in rows if r[0].casefold() not in folded][:MAX_FACET_VALUES]
        shown = [(v, n, v.casefold() in folded) for v, n in picked + others]
        if shown == self._shown:
            return  # nothing changed: keep the highlight where the user left it
        self._shown = shown
        highlighted = self.highlighted
        with self.prevent(SelectionList.SelectedChanged, SelectionList.SelectionToggled):
            self.clear_options()
            # The prompt is the value alone; render_line draws the row (tick, value, count).
            self.add_options([Selection(Text(clean(v)), v, on) for v, n, on in shown])
        if highlighted is not None and shown:
            self.highlighted = min(highlighted, len(shown) - 1)

    def render_line(self, y: int) -> Strip:
        # The option as OptionList draws it (its highlight or hover style, the click's meta),
        # redrawn with the tick in place of SelectionList's checkbox and the count kept in view.
        line = OptionList.render_line(self, y)
        width = self.scrollable_content_region.width
        index = self.scroll_offset.y + y
        style = next(iter(line)).style if line.cell_length else None
        if not 0 <= index < len(self._shown) or style is None:
            return line.crop_extend(0, width, style)
        value, count, _ = self._shown[index]
        ticked = value in self.selected
        glyph_style = style
        if ticked:
            button = self.get_component_rich_style("selection-list--button-selected")
            glyph_style = style + Style(color=button.color, bold=True)
        glyph = Segment(TICKED if ticked else UNTICKED, glyph_style)
        text = fit(clean(value), f" ({count})", line.cell_length - 1)
        return Strip([glyph, Segment(f" {text} ", style)]).crop_extend(0, width, style)


class FacetScroll(VerticalScroll, can_focus=False):
    """The facets' scrolling column: Tab goes from the query box to the first facet, not to
    this column (focusing a facet scrolls it into view anyway)."""


class SearchInput(FormInput):
    """The query box.

    Textual's ``Input`` gives its virtual size the width of its text on every change, and
    ``virtual_size`` is a layout reactive: each keystroke re-laid out the whole screen before
    the filter even started. That size only bounds this box's own horizontal scrolling, so it
    is set here without asking for a layout (``Input._watch_value`` then finds it unchanged).
    """

    def _watch_value(self, value: str) -> None:
        self.set_reactive(Widget.virtual_size, Size(self.content_width, 1))
        super()._watch_value(value)


class FilterPane(Vertical):
    """Search box on top; facets and date range below (hidden when the pane is collapsed)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "app.focus_list", "To the list", show=False),
    ]

    class FacetsChanged(Message):
        """The user ticked or unticked a facet value."""

        def __init__(self, facet: str, values: list[str]) -> None:
            self.facet = facet
            self.values = values
            super().__init__()

    class RangeChanged(Message):
        """A date box was submitted; ``unchanged`` names the boxes still showing the query's
        own value (the query keeps its terms for those, even several ``after:``)."""

        def __init__(
            self, after: str | None, before: str | None, unchanged: frozenset[str]
        ) -> None:
            self.after = after
            self.before = before
            self.unchanged = unchanged
            super().__init__()

    _command = ""
    _error = ""

    def compose(self) -> ComposeResult:
        yield SearchInput(
            placeholder='/ search: words, "phrases", country:RU platform:telegram …',
            id="search",
        )
        yield Static("", id="query-error")
        yield Static("", id="command-line")
        # Filled by build() once typing first settles (or the first counts come): the lists
        # have nothing to show before the first counts, and building their ~10 widgets before
        # the first frame cost it ~10% of its instructions (168M of 1,762M, valgrind).
        yield FacetScroll(id="facets")

    _built = False
    _pending: tuple[Mapping[str, Iterable[tuple[str, int]]], Mapping[str, set[str]]] | None = None

    def show_facets(
        self, counts: Mapping[str, Iterable[tuple[str, int]]], chosen: Mapping[str, set[str]]
    ) -> None:
        """Each facet's values with their counts; ``chosen`` are the ones the query selects."""
        self._pending = (counts, chosen)
        if self._built:
            self._fill()  # lists still being mounted are filled too (the await below does it)
            return
        self.build()

    def build(self) -> None:
        """Mount the facet lists (empty until counts come) and the date range, once."""
        if self._built:
            return
        self._built = True
        mounted = self.query_one("#facets", FacetScroll).mount_all(
            [
                *(FacetList(facet) for facet in FACETS),
                Label("Dates (after: / before:)", id="range-title"),
                Horizontal(
                    FormInput(placeholder="after 2018", id="after", classes="range"),
                    FormInput(placeholder="before 2022-03", id="before", classes="range"),
                    id="range",
                ),
            ]
        )

        async def fill() -> None:
            await mounted
            self._fill()
            self.show_range(*self._range)

        self.call_later(fill)

    _range: tuple[str | None, str | None] = (None, None)

    def show_range(self, after: str | None, before: str | None) -> None:
        """The query's ``after:``/``before:`` values in the date boxes (a box being typed in
        is left alone)."""
        self._range = (after, before)
        for box_id, value in (("#after", after), ("#before", before)):
            boxes = self.query(box_id)
            if boxes:
                box = boxes.first(Input)
                if not box.has_focus and box.value != (value or ""):
                    box.value = value or ""

    def _fill(self) -> None:
        pending, self._pending = self._pending, None
        if pending is None:
            return
        counts, chosen = pending
        for facet_list in self.query(FacetList):
            facet_list.show_counts(counts[facet_list.facet], chosen[facet_list.facet])

    def on_selection_list_selected_changed(self, event: SelectionList.SelectedChanged[str]) -> None:
        event.stop()
        facet_list = event.selection_list
        if isinstance(facet_list, FacetList):
            self.post_message(self.FacetsChanged(facet_list.facet, list(facet_list.selected)))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id in ("after", "before"):
            event.stop()
            after = self.query_one("#after", Input).value.strip() or None
            before = self.query_one("#before", Input).value.strip() or None
            unchanged = frozenset(
                field
                for field, value, shown in (
                    ("after", after, self._range[0]),
                    ("before", before, self._range[1]),
                )
                if value == shown
            )
            self.post_message(self.RangeChanged(after, before, unchanged))

    def show_error(self, message: str | None, *, quiet: bool = False) -> None:
        """The line under the box: an error, or (``quiet``) a hint about a term being typed."""
        text = clean(message) if message else ""
        error = self.query_one("#query-error", Static)
        error.set_class(quiet, "-quiet")
        if text == self._error:
            return  # called on every keystroke; Static.update re-lays out the whole screen
        self._error = text
        error.update(Text(text))
        error.set_class(bool(text), "-visible")

    def show_command(self, command: str) -> None:
        """The equivalent shell command for the current view (Y copies it)."""
        line = self.query_one("#command-line", Static)
        text = f"$ {clean(command)}  (Y copies)" if command else ""
        if text == self._command:
            return  # Static.update re-lays out the whole screen: only when it changed
        self._command = text
        line.update(Text(text))
        line.set_class(bool(command), "-visible")
