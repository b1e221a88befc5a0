"""The event list: a line-API ScrollView that renders only the rows on screen.

A widget per row (``ListView``) takes ~47 s to mount 10,000 items; this list draws rows on
demand from the filtered events (``tui.core.query.shown.Shown``, shared with the timeline
view), so 100,000 events mount and re-filter without creating a single child widget.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import chain
from typing import ClassVar, NamedTuple

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Region, Size
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from tui.app.widgets.messages import EventHighlighted, EventSelected
from tui.core.query.shown import Shown
from tui.core.text.present import row
from tui.core.timeline.event import Event, Status


def _fit(text: str, width: int) -> str:
    """Pad or cut ``text`` to exactly ``width`` cells (an ellipsis marks a cut)."""
    if width <= 0:
        return ""
    from rich.cells import cell_len, set_cell_size

    if cell_len(text) <= width:
        return set_cell_size(text, width)
    return set_cell_size(text, width - 1) + "…"


class _Styles(NamedTuple):
    """What every row of one drawing pass shares: the widths and each column's style, plain
    and under the cursor."""

    width: int
    scroll_y: int
    blank: Style
    platforms_w: int
    status_w: int
    # (plain, date, muted, ongoing) styles, without and with the cursor
    normal: tuple[Style, Style, Style, Style]
    cursor: tuple[Style, Style, Style, Style]


class EventList(ScrollView, can_focus=True):
    """The events of the current view, one row each, in date order.

    | Key | Action |
    | :- | :- |
    | up, k | previous event |
    | down, j | next event |
    | home, g | first event |
    | end, G | last event |
    | pageup / pagedown | a page up / down |
    | enter | read the event in the detail pane |
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("down", "cursor_down", "Next event", show=False),
        Binding("j", "cursor_down", "Next event", show=False),
        Binding("up", "cursor_up", "Previous event", show=False),
        Binding("k", "cursor_up", "Previous event", show=False),
        Binding("home", "first", "First event", show=False),
        Binding("g", "first", "First event", show=False),
        Binding("end", "last", "Last event", show=False),
        Binding("G", "last", "Last event", show=False),
        Binding("pageup", "page_up", "Page up", show=False),
        Binding("pagedown", "page_down", "Page down", show=False),
        Binding("enter", "select", "Read", tooltip="Focus the detail of this event"),
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "event-list--cursor",
        "event-list--date",
        "event-list--muted",
        "event-list--ongoing",
    }

    DEFAULT_CSS = """
    EventList {
        background: $surface;
        & > .event-list--cursor { background: $block-cursor-blurred-background; }
        &:focus > .event-list--cursor {
            background: $block-cursor-background;
            color: $block-cursor-foreground;
            text-style: bold;
        }
        & > .event-list--date { color: $text-accent; }
        & > .event-list--muted { color: $text-muted; }
        & > .event-list--ongoing { color: $text-warning; text-style: bold; }
    }
    """

    cursor: reactive[int] = reactive(0, always_update=True, init=False)

    class Highlighted(EventHighlighted):
        """The cursor moved to another event (``event`` is None when the view is empty)."""

    class Selected(EventSelected):
        """Enter (or a double click) on an event."""

    def __init__(
        self,
        shown: Shown | None = None,
        *,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._view: Shown = shown if shown is not None else Shown.every(())
        self._wanted_scroll: float | None = None
        self._placement = 0  # counts set_view calls: only the newest one places the rows
        self._pass: _Styles | None = None

    # -- the model ---------------------------------------------------------------------------

    @property
    def view(self) -> Sequence[int]:
        """The positions shown, into the timeline's events."""
        return self._view.kept

    @property
    def shown(self) -> Shown:
        return self._view

    @property
    def highlighted(self) -> Event | None:
        if not self._view:
            return None
        return self._view[self.cursor]

    def set_view(
        self,
        view: Shown,
        keep: str | None = None,
        scroll_y: float | None = None,
        fallback: Sequence[str] = (),
    ) -> None:
        """Show these events; keep the event with id ``keep`` highlighted if present
        (else the first of ``fallback`` that is, else the first event), and the list scrolled
        to ``scroll_y`` where that still shows it."""
        # The highlighted id is read from the old view, which may be of another timeline's
        # events (a reload).
        keep = keep if keep is not None else (self.highlighted.id if self.highlighted else None)
        self._view = view
        self._set_virtual_height(len(view))
        position = 0
        if keep is not None:
            found = view.position_of(keep)
            for other in fallback if found is None else ():
                found = view.position_of(other)
                if found is not None:
                    break
            position = found or 0
        self.cursor = self._clamp(position)
        # Place the rows once the layout has its final size: scrolling now could use a stale
        # height, and the result would depend on timing (seen as flaky snapshots). Only the
        # newest view is placed: a reload empties the list, then refills it asking for the old
        # scroll, and the emptying's placement ran last, centring the cursor (the scroll moved
        # when the problems panel closed).
        self._wanted_scroll = scroll_y
        self._placement += 1
        self.call_after_refresh(self._place_cursor, self._placement)
        self.refresh()

    def _set_virtual_height(self, rows: int) -> None:
        # Rows are cut to fit: never scroll sideways. Assigning ``virtual_size`` re-lays out the
        # whole screen (it is a layout reactive), which on every keystroke cost more than
        # drawing the rows; only this widget's scrollbar depends on it. Showing or hiding the
        # scrollbar still asks for a layout (``show_vertical_scrollbar`` does).
        size = Size(0, rows)
        if size == self.virtual_size:
            return
        self.set_reactive(ScrollView.virtual_size, size)
        self._scroll_update(size)
        self.refresh()

    def _place_cursor(self, placement: int | None = None) -> None:
        """Keep the given scroll when it shows the cursor; else put the cursor mid-pane."""
        if placement is not None and placement != self._placement:
            return  # a newer view was set meanwhile: its own placement follows
        height = self.scrollable_content_region.height
        if height <= 0:
            return
        wanted, self._wanted_scroll = self._wanted_scroll, None
        y = int(wanted) if wanted is not None else self.cursor - height // 2
        if not y <= self.cursor < y + height:
            y = self.cursor - height // 2
        y = max(0, min(y, len(self._view) - height))
        self.scroll_to(y=y, animate=False, immediate=True)

    def neighbours(self, limit: int = 50) -> list[str]:
        """Ids of the events around the highlighted one, nearest first: the following ones in
        order, then the preceding ones backwards (where to go when it disappears)."""
        if not self._view:
            return []
        at = self.cursor
        after = self._view[at + 1 : at + 1 + limit]
        before = self._view[max(0, at - limit) : at]
        return [event.id for event in chain(after, reversed(before))]

    def go_to(self, event_id: str) -> bool:
        position = self._view.position_of(event_id)
        if position is None:
            return False
        self.cursor = position
        return True

    def _clamp(self, value: int) -> int:
        return max(0, min(value, len(self._view) - 1)) if self._view else 0

    # -- reactive state ----------------------------------------------------------------------

    def validate_cursor(self, value: int) -> int:
        return self._clamp(value)

    def watch_cursor(self, old: int, new: int) -> None:
        self._refresh_row(old)
        self._refresh_row(new)
        self._scroll_to_cursor()
        self.post_message(self.Highlighted(self, self.highlighted))

    def _refresh_row(self, position: int) -> None:
        y = position - self.scroll_offset.y
        if 0 <= y < self.size.height:
            self.refresh(Region(0, y, self.size.width, 1))

    def _scroll_to_cursor(self) -> None:
        if self.is_mounted and self._view:
            region = Region(0, self.cursor, self.size.width, 1)
            self.scroll_to_region(region, animate=False, force=True, immediate=True)

    def on_resize(self) -> None:
        self.virtual_size = Size(0, len(self._view))
        self._scroll_to_cursor()

    def _size_updated(
        self, size: Size, virtual_size: Size, container_size: Size, layout: bool = True
    ) -> bool:
        """Keep the highlighted row in view whenever the list gets shorter or taller.

        A Resize event is not enough: when another widget appears (the problems panel under an
        invalid save), Textual 8 sometimes updates this widget's size without sending one, and
        the highlighted row was left below the shortened list while the detail still showed it.
        (Private Textual API, as ``_paint_now`` in the app; the version is pinned.)"""
        height = self.outer_size.height  # (``size`` reads the new layout already)
        changed = super()._size_updated(size, virtual_size, container_size, layout)
        if size.height != height and self._view:
            self.call_after_refresh(self._keep_cursor_in_view)
        return changed

    def _keep_cursor_in_view(self) -> None:
        if not self.is_mounted or not self._view:
            return
        height = self.scrollable_content_region.height
        top = int(self.scroll_offset.y)
        if height > 0 and not top <= self.cursor < top + height:
            self._scroll_to_cursor()

    # -- actions -----------------------------------------------------------------------------

    def action_cursor_down(self) -> None:
        self.cursor += 1

    def action_cursor_up(self) -> None:
        self.cursor -= 1

    def action_first(self) -> None:
        self.cursor = 0

    def action_last(self) -> None:
        self.cursor = len(self._view) - 1

    def action_page_down(self) -> None:
        self.cursor += max(1, self.scrollable_content_region.height - 1)

    def action_page_up(self) -> None:
        self.cursor -= max(1, self.scrollable_content_region.height - 1)

    def action_select(self) -> None:
        if self.highlighted is not None:
            self.post_message(self.Selected(self, self.highlighted))

    def on_click(self, event: events.Click) -> None:
        position = event.y + self.scroll_offset.y
        if 0 <= position < len(self._view):
            self.cursor = position
            if event.chain >= 2:
                self.action_select()

    # -- rendering ---------------------------------------------------------------------------

    def render_lines(self, crop: Region) -> list[Strip]:
        # The rows of one pass share their styles: look them up once, not per row (the base
        # style alone walks the styles of every ancestor, ~0.1 ms a row on a slow machine).
        self._pass = self._styles()
        try:
            return super().render_lines(crop)
        finally:
            self._pass = None

    def render_line(self, y: int) -> Strip:
        styles = self._pass or self._styles()
        position = y + styles.scroll_y
        if position >= len(self._view):
            return Strip.blank(styles.width, styles.blank)
        event = self._view[position]
        return self._render_row(event, styles, position == self.cursor)

    def _styles(self) -> _Styles:
        width = self.scrollable_content_region.width
        base = self.rich_style
        date = self.get_component_rich_style("event-list--date")
        muted = self.get_component_rich_style("event-list--muted")
        ongoing = self.get_component_rich_style("event-list--ongoing")
        cursor = self.get_component_rich_style("event-list--cursor")
        normal = (base, base + date, base + muted, base + ongoing)
        platforms_w, status_w = self._columns(width)
        return _Styles(
            width,
            self.scroll_offset.y,
            base,
            platforms_w,
            status_w,
            normal,
            (normal[0] + cursor, normal[1] + cursor, normal[2] + cursor, normal[3] + cursor),
        )

    def _columns(self, width: int) -> tuple[int, int]:
        """Widths of the platforms and status columns that fit beside a readable title."""
        fixed = 10 + 1 + 2 + 1 + 11 + 1
        platforms = 18 if width - fixed >= 70 else (12 if width - fixed >= 50 else 0)
        status = 9 if width - fixed - platforms >= 30 else 1
        return platforms, status

    def _render_row(self, event: Event, styles: _Styles, selected: bool) -> Strip:
        cells = row(event)
        width, platforms_w, status_w = styles.width, styles.platforms_w, styles.status_w
        plain, date_style, muted, ongoing = styles.cursor if selected else styles.normal
        status_text = cells.status if status_w > 1 else cells.status[:1]
        status_style = ongoing if event.status is Status.ONGOING else muted
        parts: list[tuple[str, Style]] = [
            (_fit(cells.date, 10) + " ", date_style),
            (_fit(cells.country, 2) + " ", plain),
            (_fit(cells.action, 11) + " ", muted),
        ]
        if platforms_w:
            parts.append((_fit(cells.platforms, platforms_w) + " ", plain))
        parts.append((_fit(status_text, status_w) + " ", status_style))
        used = sum(len(text) for text, _ in parts)
        parts.append((_fit(cells.title, max(width - used, 0)), plain))
        return Strip([Segment(text, style) for text, style in parts]).crop(0, width)
