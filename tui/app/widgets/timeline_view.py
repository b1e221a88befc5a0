"""The timeline view: one lane per platform (or country, or action) on a time axis.

A line-API ``ScrollView`` like the event list: it draws only the lines on screen, from a
placement that ``tui.core.time.place`` computes (where every bar and marker goes, how
overlapping bars stack). The placement depends on the view, the scale, the lane kind and the
width; the core's ``LayoutCache`` keeps the last few, and the view only remembers which one it
shows. Views larger than ``SYNC_LIMIT`` events are laid out in a thread worker, and the
previous placement stays on screen until the new one is ready.

The first three lines stay put while the lanes scroll under them: a caption (lane kind,
window, legend), the axis labels and the axis rule.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING, ClassVar

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual import events, work
from textual.binding import Binding, BindingType
from textual.geometry import Region, Size
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.worker import get_current_worker

from tui.app.widgets.messages import EventHighlighted, EventSelected
from tui.core.query.shown import Shown
from tui.core.timeline.event import Event

if TYPE_CHECKING:
    # The layout modules are imported when the view is first laid out, i.e. shown: the view is
    # composed hidden, and importing them at start cost the app's first paint ~5-20 ms.
    from tui.core.time.draw import Cell
    from tui.core.time.lanes import LaneBy
    from tui.core.time.place import LayoutCache, Placement
    from tui.core.time.scale import Scale

LANE_CYCLE: tuple[LaneBy, ...] = ("platform", "country", "action")
LANE_TITLES: dict[str, str] = {"platform": "Platform", "country": "Country", "action": "Action"}
HEADER = 3  # caption, axis labels, axis rule: fixed above the scrolling lanes
# Views up to this many events are laid out at once (about 0.1 s); larger ones in a worker.
SYNC_LIMIT = 1000
ZOOM_STEP = 2.0  # + and - zoom by this (tests/test_axis.py steps through the levels by it)
LEGEND = "━ span  ▶ ongoing  ? unknown  ◆ one-off  ┄ approximate"


def _fit_text(text: str, width: int) -> str:
    """Pad or cut ``text`` to exactly ``width`` cells; an ellipsis marks a cut."""
    if width <= 0:
        return ""
    if cell_len(text) <= width:
        return set_cell_size(text, width)
    return set_cell_size(text, width - 1) + "…"


def gutter_width(width: int) -> int:
    """Columns for lane labels: a fifth of the pane, between 8 and 24."""
    return max(8, min(24, width // 5))


def _mark_hidden(cells: list[Cell], left: int, right: int) -> None:
    """``◁3`` / ``3▷`` at the ends of a lane's first row: events outside the window, when
    the columns there are free."""
    from tui.core.time.draw import Cell

    for count, at_right in ((left, False), (right, True)):
        if not count:
            continue
        mark = f"{count}▷" if at_right else f"◁{count}"
        if len(mark) + 1 > len(cells):
            continue
        start = len(cells) - len(mark) if at_right else 0
        span_ = range(start - 1, start + len(mark) + 1)
        if all(cells[c].event_index is None for c in span_ if 0 <= c < len(cells)):
            for offset, char in enumerate(mark):
                cells[start + offset] = Cell(char, "hidden", None)


class TimelineView(ScrollView, can_focus=True):
    """The events of the current view as bars and markers in lanes on a time axis.

    | Key | Action |
    | :- | :- |
    | left / right | the previous / next event in time |
    | up / down | the nearest event in the lane above / below |
    | + / - | zoom in / out around the highlighted event |
    | 0 | fit every event of the view |
    | L | lanes per platform, country or action |
    | enter | read the event in the detail pane |
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("left", "step(-1)", "Earlier event", show=False),
        Binding("h", "step(-1)", "Earlier event", show=False),
        Binding("right", "step(1)", "Later event", show=False),
        Binding("l", "step(1)", "Later event", show=False),
        Binding("up", "lane(-1)", "Lane above", show=False),
        Binding("k", "lane(-1)", "Lane above", show=False),
        Binding("down", "lane(1)", "Lane below", show=False),
        Binding("j", "lane(1)", "Lane below", show=False),
        Binding("plus", f"zoom({ZOOM_STEP})", "Zoom in", key_display="+"),
        Binding("equals_sign", f"zoom({ZOOM_STEP})", "Zoom in", key_display="=", show=False),
        Binding("minus", f"zoom({1 / ZOOM_STEP})", "Zoom out", key_display="-"),
        Binding("0", "fit", "Fit all", show=False),
        Binding("L", "cycle_lanes", "Lanes", tooltip="Lanes per platform, country or action"),
        Binding("enter", "select", "Read", tooltip="Focus the detail of this event"),
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "timeline-view--caption",
        "timeline-view--axis",
        "timeline-view--label",
        "timeline-view--label-current",
        "timeline-view--bar",
        "timeline-view--open",
        "timeline-view--unknown",
        "timeline-view--marker",
        "timeline-view--approximate",
        "timeline-view--clipped",
        "timeline-view--hidden",
        "timeline-view--selected",
    }

    DEFAULT_CSS = """
    TimelineView {
        background: $surface;
        scrollbar-size-vertical: 1;
        overflow-x: hidden;
        & > .timeline-view--caption { color: $text-muted; }
        & > .timeline-view--axis { color: $text-muted; }
        & > .timeline-view--label { color: $text; }
        & > .timeline-view--label-current { color: $text-accent; text-style: bold; }
        & > .timeline-view--bar { color: $text-primary; }
        & > .timeline-view--open { color: $text-warning; }
        & > .timeline-view--unknown { color: $text-muted; }
        & > .timeline-view--marker { color: $text-accent; }
        & > .timeline-view--approximate { color: $text-muted; }
        & > .timeline-view--clipped { color: $text-muted; }
        & > .timeline-view--hidden { color: $text-muted; text-style: italic; }
        & > .timeline-view--selected { text-style: reverse; }
        &:focus > .timeline-view--selected { text-style: reverse bold; }
    }
    """

    class Highlighted(EventHighlighted):
        """The user moved the highlight to another event in the timeline (never to none)."""

        event: Event

    class Selected(EventSelected):
        """Enter (or a double click) on an event."""

    def __init__(
        self,
        shown: Shown | None = None,
        *,
        today: date | None = None,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.today = today or date.today()
        self._view: Shown = shown if shown is not None else Shown.every(())
        self._view_events: tuple[Event, ...] | None = None
        self._token = 0  # bumped whenever the view changes: part of every cache key
        self._by: LaneBy = "platform"
        self._scale: Scale | None = None  # None: fit the view at the next layout
        self._laid: Placement | None = None
        self._laid_for: tuple[object, ...] | None = None  # the ``_want()`` it was laid out for
        # Spans, lanes, stacking order and the last few placements of the view: a zoom, pan or
        # resize only re-places, and going back to a window finds it placed.
        self._prepared_layouts: LayoutCache | None = None
        self._pending: tuple[object, ...] | None = None
        self._selected: str | None = None
        self._lane = 0
        self._styles: dict[str, Style] = {}

    # -- the model ---------------------------------------------------------------------------

    @property
    def view(self) -> Sequence[int]:
        """The positions shown, into the timeline's events."""
        return self._view.kept

    @property
    def lane_by(self) -> LaneBy:
        return self._by

    @property
    def scale(self) -> Scale | None:
        """The window on screen (None until the first layout)."""
        return self._laid.scale if self._laid else None

    @property
    def laid(self) -> Placement | None:
        return self._laid

    @property
    def selected_id(self) -> str | None:
        return self._selected

    @property
    def current_lane(self) -> int:
        return self._lane

    @property
    def pending(self) -> bool:
        """True while a worker lays out a large view."""
        return self._pending is not None

    @property
    def _layouts(self) -> LayoutCache:
        if self._prepared_layouts is None:
            from tui.core.time.place import LayoutCache

            self._prepared_layouts = LayoutCache()
        return self._prepared_layouts

    def _events_of_view(self) -> tuple[Event, ...]:
        if self._view_events is None:
            # A tuple: the layout cache knows it again without comparing every event.
            events = self._view.events
            self._view_events = tuple([events[i] for i in self._view.kept])
        return self._view_events

    def _event(self, event_id: str | None) -> Event | None:
        position = self._view.position_of(event_id)
        return self._view[position] if position is not None else None

    def set_view(self, view: Shown, keep: str | None = None) -> None:
        """Show these events; the window is fitted to them."""
        self._view = view
        self._view_events = None
        self._token += 1
        self._scale = None
        if self._prepared_layouts is not None:
            self._prepared_layouts.clear()
        if keep is not None:
            self._selected = keep
        self._update_layout()

    def highlight(self, event_id: str | None) -> None:
        """Highlight an event chosen elsewhere (the list, a link); posts no message."""
        if (
            event_id is not None
            and event_id == self._selected
            and self._laid
            and self._shows(self._lane, event_id)
        ):
            return
        self._selected = event_id
        self._reveal_selected()

    # -- layout ------------------------------------------------------------------------------

    def _plot_width(self) -> int:
        width = self.size.width
        # One column stays free for the scrollbar, so the scale does not change when it shows.
        return width - gutter_width(width) - 2

    def _want(self) -> tuple[object, ...]:
        return (self._token, self._scale, self._by, self._plot_width())

    def _update_layout(self) -> None:
        """Bring the layout in line with the view, scale, lane kind and width."""
        width = self._plot_width()
        if not self.is_mounted or width < 1 or self.size.height < 1:
            return  # hidden (display: none) or not laid out yet: work when shown
        if self._scale is not None and self._scale.width != width:
            self._scale = self._scale.resized(width)
        key = self._want()
        if self._laid is not None and key == self._laid_for:
            self._pending = None
            return
        events = self._events_of_view()
        # With its lanes prepared, a view of any size is placed in tens of milliseconds (or
        # found placed): a worker would only add a thread hop and a frame of the old picture.
        if len(events) <= SYNC_LIMIT or self._layouts.prepared(events, self._by, self.today):
            self._pending = None
            self._store(key, self._compute(events, self._scale, self._by, width))
            return
        if self._pending == key:
            return
        self._pending = key
        self.refresh()
        self._layout_worker(key, events, self._scale, self._by, width)

    def _compute(
        self, events: Sequence[Event], scale: Scale | None, by: LaneBy, width: int
    ) -> Placement:
        if scale is None:
            scale = self._layouts.fit(events, width, self.today)
        return self._layouts.layout(events, scale, by, self.today)

    # A description, so Textual does not build one from repr() of every event of the view.
    @work(
        thread=True,
        exclusive=True,
        group="timeline-layout",
        exit_on_error=False,
        description="timeline layout",
    )
    def _layout_worker(
        self,
        key: tuple[object, ...],
        events: Sequence[Event],
        scale: Scale | None,
        by: LaneBy,
        width: int,
    ) -> None:
        worker = get_current_worker()
        laid = self._compute(events, scale, by, width)
        if not worker.is_cancelled:
            self.app.call_from_thread(self._layout_ready, key, laid)

    def _layout_ready(self, key: tuple[object, ...], laid: Placement) -> None:
        if key != self._want():
            return  # superseded while it was computed
        self._pending = None
        self._store(key, laid)

    def _store(self, key: tuple[object, ...], laid: Placement) -> None:
        if self._scale is None:
            # A fitted window becomes the window: zooming and panning start from it.
            self._scale = laid.scale
            key = self._want()
        self._laid_for = key
        self._set_laid(laid)

    def _set_laid(self, laid: Placement) -> None:
        self._laid = laid
        self.virtual_size = Size(0, HEADER + len(laid.rows))
        if self._lane >= len(laid.lanes):
            self._lane = 0
        if self._selected is not None and not self._shows(self._lane, self._selected):
            lanes = laid.lanes_of.get(self._selected)
            if lanes:
                self._lane = lanes[0]
        self._scroll_to_selected()
        self.refresh()

    def _shows(self, lane: int, event_id: str) -> bool:
        return self._laid is not None and (lane, event_id) in self._laid.lines_of

    def _reveal_selected(self) -> None:
        """Pan (keeping the zoom) so that the highlighted event is in the window."""
        if self._scale is None:
            return  # not laid out yet: the first layout fits every event and picks the lane
        from tui.core.time.spans import span

        event = self._event(self._selected)
        if event is not None:
            s = span(event, self.today)
            if s.end < self._scale.start or s.start > self._scale.end:
                self._scale = self._scale.reveal(s.start, s.end)
        selected = self._selected
        if (
            self._laid is not None
            and selected is not None
            and not self._shows(self._lane, selected)
        ):
            lanes = self._laid.lanes_of.get(selected)
            if lanes:
                self._lane = lanes[0]
        self._update_layout()
        self._scroll_to_selected()
        self.refresh()

    def _scroll_to_selected(self) -> None:
        laid = self._laid
        if laid is None or not self.is_mounted or not laid.first_line:
            return
        line = laid.lines_of.get((self._lane, self._selected or ""))
        if line is None:
            line = laid.first_line[min(self._lane, len(laid.first_line) - 1)]
        lines = max(self.scrollable_content_region.height - HEADER, 1)
        first = laid.first_line[laid.rows[line][0]]
        top = round(self.scroll_offset.y)
        # Show the lane's label with the item when both fit.
        want_top = first if line - first < lines else line
        if want_top < top:
            top = want_top
        elif line >= top + lines:
            top = line - lines + 1
        self.scroll_to(y=top, animate=False, force=True, immediate=True)

    def on_resize(self) -> None:
        self._update_layout()

    def on_show(self) -> None:
        self._update_layout()

    # -- actions -----------------------------------------------------------------------------

    def _move(self, event_id: str, lane: int | None = None) -> None:
        """Highlight ``event_id`` (in ``lane`` if given) and tell the app."""
        self._selected = event_id
        if lane is not None:
            self._lane = lane
        self._reveal_selected()
        event = self._event(event_id)
        if event is not None:
            self.post_message(self.Highlighted(self, event))

    def action_step(self, step: int) -> None:
        order = self._view.ids()
        position = self._view.position_of(self._selected)
        if position is not None:
            # The same answer as neighbour_in_time, without its linear search of 100k ids.
            target: str | None = order[max(0, min(position + step, len(order) - 1))]
        else:
            from tui.core.time.navigate import neighbour_in_time

            target = neighbour_in_time(order, self._selected, step)
        if target is not None:
            self._move(target)

    def action_lane(self, step: int) -> None:
        if self._laid is None:
            return
        from tui.core.time.navigate import lane_above, lane_below

        find = lane_above if step < 0 else lane_below
        found = find(self._laid.lanes, self._lane, self._selected)
        if found is not None:
            lane, event_id = found
            self._move(event_id, lane)

    def action_zoom(self, factor: float) -> None:
        scale = self._laid.scale if self._laid else None
        if scale is None:
            return
        from tui.core.time.spans import span

        event = self._event(self._selected)
        if event is not None:
            around = span(event, self.today).start
        else:
            around = scale.date_at(scale.width // 2)
        self._scale = scale.zoom(factor, around)
        self._update_layout()

    def action_fit(self) -> None:
        self._scale = None
        self._update_layout()

    def action_cycle_lanes(self) -> None:
        self._by = LANE_CYCLE[(LANE_CYCLE.index(self._by) + 1) % len(LANE_CYCLE)]
        self._lane = 0
        self._update_layout()
        self.scroll_to(y=0, animate=False, immediate=True)
        self._scroll_to_selected()

    def action_select(self) -> None:
        event = self._event(self._selected)
        if event is not None:
            self.post_message(self.Selected(self, event))

    def on_click(self, event: events.Click) -> None:
        laid = self._laid
        if laid is None or event.y < HEADER:
            return
        line = event.y - HEADER + round(self.scroll_offset.y)
        if not 0 <= line < len(laid.rows):
            return
        lane, row = laid.rows[line]
        x = event.x - gutter_width(self.size.width) - 1
        for item in laid.lanes[lane].rows[row]:
            if item.col_start <= x <= item.col_end:
                self._move(item.event_id, lane)
                if event.chain >= 2:
                    self.action_select()
                return

    # -- rendering ---------------------------------------------------------------------------

    def render_lines(self, crop: Region) -> list[Strip]:
        self._styles = {}  # styles may have changed (theme, focus): resolve them once per paint
        return super().render_lines(crop)

    def _style(self, name: str) -> Style:
        style = self._styles.get(name)
        if style is None:
            if name:
                style = self.rich_style + self.get_component_rich_style(f"timeline-view--{name}")
            else:
                style = self.rich_style
            self._styles[name] = style
        return style

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        gutter = gutter_width(self.size.width)
        laid = self._laid
        if laid is None or not self._view:
            text = ""
            if y == 0:
                text = "No events in this view." if not self._view else "Laying out the timeline…"
            return self._line([(_fit_text(text, width), "caption")], width)
        from tui.core.time.axis import axis_lines
        from tui.core.time.draw import render_row, runs

        if y == 0:
            return self._caption(laid, gutter, width)
        if y < HEADER:
            labels, rule = axis_lines(laid.scale)
            if y == 1:
                head = " " * (gutter + 1)
                return self._line([(head, ""), (labels, "axis")], width)
            return self._line([("─" * gutter + "┼", "axis"), (rule, "axis")], width)
        line = y - HEADER + round(self.scroll_offset.y)
        if not 0 <= line < len(laid.rows):
            return Strip.blank(width, self.rich_style)
        lane_index, row_index = laid.rows[line]
        lane = laid.lanes[lane_index]
        current = lane_index == self._lane
        # The label sits on a lane's first row, and on its top visible row when that has
        # scrolled away, so every lane on screen is named.
        if row_index == 0 or y == HEADER:
            text = lane.lane.label if cell_len(lane.lane.label) <= gutter else lane.lane.short
            label = _fit_text(text, gutter)
        else:
            label = " " * gutter
        parts: list[tuple[str, str]] = [(label, "label-current" if current else "label")]
        parts.append(("│", "axis"))
        cells = render_row(lane.rows[row_index], laid.scale.width, selected=self._selected)
        if row_index == 0:
            _mark_hidden(cells, lane.hidden_left, lane.hidden_right)
        parts.extend(runs(cells))
        return self._line(parts, width)

    def _caption(self, laid: Placement, gutter: int, width: int) -> Strip:
        from tui.core.time.scale import caption

        head = _fit_text(f"{LANE_TITLES[laid.by]} lanes", gutter) + " "
        text = caption(laid.scale)
        if self._pending:
            text += "  (laying out…)"
        room = width - len(head) - cell_len(text) - 3
        if room >= cell_len(LEGEND):
            text += " " * (room - cell_len(LEGEND) + 3) + LEGEND
        return self._line([(head, "label"), (text, "caption")], width)

    def _line(self, parts: list[tuple[str, str]], width: int) -> Strip:
        segments = [Segment(text, self._style(style)) for text, style in parts if text]
        return Strip(segments).adjust_cell_length(width, self.rich_style)
