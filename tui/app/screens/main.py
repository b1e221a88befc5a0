"""The explorer's screen: the panes, the filter pipeline and the keys that act on the events."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on, work
from textual.actions import SkipAction
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Input, Static
from textual.worker import get_current_worker

from tui.app import editing, search, sources
from tui.app.filtering import FilterResult, FilterScheduler
from tui.app.widgets.detail import EventDetail
from tui.app.widgets.event_list import EventList
from tui.app.widgets.filter_pane import FacetList, FilterPane
from tui.app.widgets.header import TimelineHeader
from tui.app.widgets.key_footer import KeyFooter
from tui.app.widgets.problems import ProblemsPanel
from tui.app.widgets.timeline_view import TimelineView
from tui.core.query import edit, evaluate, printing
from tui.core.query import language as q
from tui.core.query.shown import Shown
from tui.core.text.sanitize import clean, quote
from tui.core.timeline.event import Event

if TYPE_CHECKING:
    from tui.app.app import PolicyApp

SETTLE_DELAY = 0.2  # seconds after the last result before facets and command line redraw


class MainScreen(Screen[None]):
    """The explorer: list, detail, filter pane and, once asked for, the timeline view.

    The list has the focus from the start. (With Textual's default, the search box took it
    first and gave it up in on_mount: two more styling passes and a footer update before the
    first frame.)"""

    AUTO_FOCUS = "#events"

    # Order is the footer's order: what a reader needs first, then the rest (all in `?`).
    # Help and Quit are the app's actions, bound here to keep their place in that order.
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("question_mark", "app.help", "Help", key_display="?"),
        # A priority binding: the screen sees `/` before the keys typed after it are handed to
        # the focused pane (see action_focus_search).
        Binding("slash", "focus_search", "Search", key_display="/", priority=True),
        Binding("f", "toggle_filters", "Filters"),
        Binding("o", "open_source(1)", "Open source"),
        Binding("r", "follow_related", "Related"),
        # Time views (issue #6): the timeline in the list's place, and the as-of board.
        Binding("t", "toggle_timeline", "Timeline view"),
        Binding("a", "asof_board", "As-of board"),
        Binding("e", "edit", "Edit", tooltip="Open the file in $VISUAL/$EDITOR at this event"),
        # The add-event form (issue #5): a new event, or a copy of the highlighted one.
        Binding("n", "new_event", "New event", tooltip="Add an event through a form"),
        Binding("q", "app.quit", "Quit"),
        Binding("escape", "focus_list", "Back to list", show=False),
        *(Binding(str(n), f"open_source({n})", "Open source N", show=False) for n in range(1, 10)),
        Binding("backspace", "back", "Back", show=False),
        Binding("y", "copy", "Copy id+URL", show=False),
        Binding("Y", "copy_command", "Copy command line", show=False),
        Binding("v", "views", "Views", show=False),
        Binding("x", "clear_filters", "Clear filters", show=False),
        Binding("p", "focus_problems", "Problems", show=False, tooltip="Focus the problems panel"),
        # It opens the add-event form, filled in from the highlighted event: it copies nothing
        # to the clipboard (`y` does), so the palette must not call it "Copy".
        Binding(
            "c",
            "copy_event",
            "New event from this one",
            show=False,
            tooltip="Add an event through a form pre-filled from the highlighted one",
        ),
    ]

    def __init__(
        self,
        explorer: PolicyApp,
        every: Shown,
        index: evaluate.Index,
        *,
        query: str = "",
        goto: str | None = None,
        today: date,
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        # Held, not looked up (``self.app``): timers and workers may call back once the app's
        # context is gone, and must still find out that it is closing.
        self._explorer = explorer
        self.today = today
        self._every = every  # the timeline's events, all kept: filter results are its views
        self._index = index
        self.query_box = search.QueryBox(query)
        self._current: Event | None = None
        self._goto = goto  # highlighted once the file is loaded
        self._pending_goto: str | None = None  # highlighted with the next filter result
        self._keep_scroll: float | None = None
        self.filters = FilterScheduler(self, self._start_filter, self._apply_settled, SETTLE_DELAY)
        self._empty_message = ""  # #empty starts blank and the screen without -empty
        self._back: list[str] = []
        # Ids around the highlighted event before a reload (EventList.neighbours), for the
        # first result after it: a deleted event's neighbour is highlighted, not the first.
        self._neighbours: list[str] | None = None
        self._timeline_view: TimelineView | None = None  # mounted by the first `t`
        self._shown_index: evaluate.Index | None = None  # the index of the result on screen
        self._follow_pending = False
        self._warm_started = False
        self._mounted = False
        self._early: FilterResult | None = None  # the first result, if in before the panes

    def compose(self) -> ComposeResult:
        # The first filter starts before the panes are made, at once (no debounce): its result
        # is then usually in for the first frame (begun in on_mount, it came a frame later).
        self._run_filter(self.query_box.initial, immediate=True)
        yield TimelineHeader(id="header")
        with Horizontal(id="body"):
            yield FilterPane(id="filters")
            with Vertical(id="main"):
                yield EventList(self._every, id="events")
                yield Static("", id="empty")
                yield EventDetail(id="detail")
        yield ProblemsPanel(id="problems")
        yield KeyFooter()

    @property
    def explorer(self) -> PolicyApp:
        return self._explorer

    @property
    def closing(self) -> bool:
        return self._explorer.closing

    @property
    def index(self) -> evaluate.Index:
        return self._index

    def showing(self, index: evaluate.Index) -> bool:
        return self._shown_index is index  # asked by the reload worker too: a read, no lock

    @property
    def current_event(self) -> Event | None:
        return self._current

    def on_mount(self) -> None:
        self._show_query_message()  # an invalid --query, said under the box now it is there
        # The Input.Changed this fires is recognised as already requested (see compose).
        self.query_one("#search", Input).value = self.query_box.initial
        self.query_one(EventList).focus()
        if self.explorer.load_path is None and self._goto:
            # Applied with the first filter result, so the initial query cannot undo it.
            self._pending_goto, self._goto = self._goto, None
        early, self._early = self._early, None
        self._mounted = True
        if early is not None:
            self._apply_filter(early)
        self.explorer.loader.start()

    def timeline_replaced(self, index: evaluate.Index, *, loading: bool) -> None:
        """Another version of the timeline: keep the query, the highlighted event, the scroll."""
        self._index = index
        self._every = Shown.every(self.explorer.timeline.events, self.explorer.timeline.get)
        events = self.query_one(EventList)
        self._keep_scroll = events.scroll_y
        if self._neighbours is None:  # (a second replace before the filter keeps the first's)
            # Where to go if the highlighted event is gone from the new version (deleted in
            # the editor): the next event of the list, else the previous one.
            self._neighbours = events.neighbours()
        events.set_view(self._every.keep([]))
        if self._timeline_view is not None:
            self._timeline_view.set_view(self._every.keep([]))
        if not loading and self._goto:
            # Highlighted when the filter below has refilled the list (see _apply_filter).
            self._pending_goto, self._goto = self._goto, None
        # (Not ``immediate``: a word still being typed in the box stays held back.)
        self._run_filter(self.query_box.requested or "")

    def goto_after_reload(self, event_id: str) -> None:
        self._goto = event_id

    # -- filtering ---------------------------------------------------------------------------

    @on(Input.Changed, "#search")
    def _search_changed(self, event: Input.Changed) -> None:
        if event.value != self.query_box.requested:
            self._run_filter(event.value)

    @on(Input.Submitted, "#search")
    def _search_submitted(self) -> None:
        if self.query_box.word_timer is not None:
            self._run_whole_word()  # Enter means the word as typed: no need to pause
        self.action_focus_list()

    def _run_filter(self, text: str, immediate: bool = False) -> None:
        """Filter by ``text``: the list, the header and the line under the box always describe
        the same query, the one whose result is on screen (see _show_query_message).

        ``platform:`` with no value yet, a trailing ``,`` or ``-`` filter by the text before
        them, with a quiet hint; a bare word that begins a field name (``plat`` on the way to
        ``platform:``) is searched as text only once typing pauses (WORD_PAUSE) or on Enter,
        so the list does not empty and refill while a field name is typed."""
        box = self.query_box
        asked = box.ask(text, immediate=immediate)
        self._show_query_message()
        if asked is None:
            if self._shown_index is not self._index:
                # Nothing shown yet for this timeline (an invalid --query at the start, or a
                # reload while the box holds an unfinished query): show the last valid one's.
                self.filters.request(box.text, box.query)
            return
        if box.holds_word:
            box.word_timer = self.set_timer(search.WORD_PAUSE, self._run_whole_word)
        self.filters.request(*asked)

    def _run_whole_word(self) -> None:
        """Typing paused on a word that begins a field name: search it as text after all."""
        if self.closing:
            self.query_box.stop_word_timer()
            return
        asked = self.query_box.whole_word()
        if asked is not None:
            self._show_query_message()
            self.filters.request(*asked)

    def _show_query_message(self) -> None:
        """The line under the query box, about the query whose result is on screen now (the
        header's and the list's): called when the box changes and when a result lands."""
        panes = None if self.closing else self.query(FilterPane)
        if panes:
            message, quiet = self.query_box.message()
            panes.first().show_error(message, quiet=quiet)

    def _start_filter(self, text: str, query: q.Query) -> None:
        self._filter_worker(text, query, self._index, self._every)

    @work(thread=True, group="filter", exit_on_error=False)
    def _filter_worker(
        self, text: str, query: q.Query, index: evaluate.Index, every: Shown
    ) -> None:
        result = None
        try:
            # Only the list: the facet counts wait until typing pauses (see _apply_settled).
            result = FilterResult(text, query, every.keep(index.filter(query)), index)
        finally:
            self.app.call_from_thread(self.filter_done, result)

    def filter_done(self, result: FilterResult | None) -> None:
        """The filter worker ended (``result`` is None when it failed)."""
        # Typed on meanwhile: this result is already out of date, the newest query runs now.
        current = self.filters.finished(start_next=not self.closing)
        if current and not self.closing and result is not None and result.index is self._index:
            if self._mounted:
                self._apply_filter(result)
            else:
                self._early = result  # before the panes: shown once they are mounted

    def _apply_filter(self, result: FilterResult) -> None:
        self._shown_index = result.index
        self.query_box.applied(result.text, result.query)
        if self.query_box.has_message:
            self._show_query_message()  # it names the query on screen: this one now
        events = self.query_one(EventList)
        if self._follow_pending:
            self.follow_highlight()  # the detail's event is what the new view keeps
        goto, self._pending_goto = self._pending_goto, None
        keep = goto or (self._current.id if self._current else None)
        # The detail follows once the list is on screen (follow_highlight), and only if the
        # highlighted event changed: redrawing it re-lays out the screen.
        fallback, self._neighbours = self._neighbours or (), None
        with self.prevent(EventList.Highlighted):
            events.set_view(result.shown, keep=keep, scroll_y=self._keep_scroll, fallback=fallback)
        if not self._follow_pending:
            self._follow_pending = True
            self.call_after_refresh(self._follow_later)
        self._keep_scroll = None
        if goto is not None and (event := self.explorer.timeline.get(goto)) is not None:
            self.show(event)
            if events.highlighted is None or events.highlighted.id != goto:
                self.notify(
                    f"{quote(goto)} is hidden by the current filter; x clears it.",
                    severity="warning",
                    markup=False,
                )
        self.update_header()
        self._update_empty_state()
        if not result.shown:
            self.show(None)
        # The list and the header answer the keystroke; the facets, the command line and a
        # hidden timeline follow once typing pauses (FilterScheduler); counting the facets
        # cost the list a few more ms.
        if self.has_class("-timeline"):
            assert self._timeline_view is not None  # made by the first `t`
            self._timeline_view.set_view(result.shown, keep=keep)
        self.filters.settle(result)
        self._paint_now()
        if not self._warm_started and self.explorer.load_path is None:
            # A timeline handed over loaded: build its search structures once the first view is
            # on screen (the load and reload workers do this for what they load).
            self._warm_started = True
            self.call_after_refresh(self._warm_worker, self._index)

    def _paint_now(self) -> None:
        """Draw the new list now instead of at Textual's next frame. The search box was just
        repainted for the keystroke, and after a paint Textual's frame timer (60 fps) waits one
        to two frames, 17-33 ms, before the next: that wait was most of a fast query's lag.

        Private Textual 8 API (the version is pinned): a widget tells its screen what to redraw
        when it next idles (``_check_refresh``); asked now, the screen has the news before the
        callback below, which does what its frame timer does (as ``Pilot.pause`` does too)."""
        if not self.is_current:
            return
        for widget in (self.query_one(EventList), self.query_one(TimelineHeader)):
            widget._check_refresh()
        self.call_later(self._on_timer_update)

    @work(thread=True, group="warm", exit_on_error=False)
    def _warm_worker(self, index: evaluate.Index) -> None:
        index.warm()

    def _follow_later(self) -> None:
        if self._follow_pending:
            self.follow_highlight()

    def follow_highlight(self) -> None:
        """After a new view is drawn: the detail shows the list's highlighted event."""
        self._follow_pending = False
        lists = None if self.closing else self.query(EventList)
        if not lists:
            return
        event = lists.first().highlighted
        if event is not None and event is not self._current:
            self.show(event)

    def _apply_settled(self, result: FilterResult) -> None:
        if self.closing:
            return
        keep = self._current.id if self._current else None
        # A timer: it may fire while a dialog is on top, or after the app began to close.
        panes = self.query(FilterPane)
        if not panes:
            return
        if self._timeline_view is not None:
            self._timeline_view.set_view(result.shown, keep=keep)
        panes.first().show_command(self.command_line() if result.text.strip() else "")
        panes.first().build()  # the date range even if counting the facets were to fail
        panes.first().show_range(*edit.range_values(result.query))
        self._facets_worker(result)

    @work(thread=True, exclusive=True, group="facets", exit_on_error=False)
    def _facets_worker(self, result: FilterResult) -> None:
        worker = get_current_worker()
        facets = {facet: self._index.facet_counts(result.query, facet) for facet in q.FACETS}
        if not worker.is_cancelled:
            self.app.call_from_thread(self.show_facets, result, facets)

    def show_facets(self, result: FilterResult, facets: dict[str, list[tuple[str, int]]]) -> None:
        """The facets worker counted ``result``'s facets."""
        if result.query is not self.query_box.query:
            return  # a newer result is on screen; its own counts follow
        panes = None if self.closing else self.query(FilterPane)
        if panes:
            chosen = {facet: edit.selected(result.query, facet) for facet in facets}
            panes.first().show_facets(facets, chosen)

    def update_header(self) -> None:
        explorer, query = self.explorer, self.query_box.query
        self.query_one(TimelineHeader).show(
            explorer.timeline.info.title,
            explorer.timeline.path,
            len(self.query_one(EventList).view),
            len(explorer.timeline.events),
            printing.describe(query) if not query.is_empty else "",
            loading=explorer.loading,
            expected=explorer.expected_events if explorer.loading else None,
        )

    def _update_empty_state(self) -> None:
        shown = len(self.query_one(EventList).view)
        events = len(self.explorer.timeline.events)
        message = self.query_box.empty_message(shown, events, loading=self.explorer.loading)
        if message != self._empty_message:  # an update re-lays out the screen: only on change
            self._empty_message = message
            self.query_one("#empty", Static).update(Text(message))
            self.set_class(bool(message), "-empty")

    @on(FilterPane.FacetsChanged)
    def _facets_changed(self, message: FilterPane.FacetsChanged) -> None:
        text = self.query_box.with_facet(message.facet, message.values)
        if text is not None:
            self._set_query_text(text)

    @on(FilterPane.RangeChanged)
    def _range_changed(self, message: FilterPane.RangeChanged) -> None:
        try:
            text = edit.with_range(
                self.query_box.text, message.after, message.before, keep=message.unchanged
            )
        except q.QueryError as exc:
            hint = f" — {exc.hint}" if exc.hint else ""
            self.notify(f"Dates: {exc.message}{hint}", severity="error", markup=False)
            return
        self._set_query_text(text)

    def _set_query_text(self, text: str) -> None:
        search = self.query_one("#search", Input)
        search.value = text  # fires Input.Changed, which filters
        search.cursor_position = len(text)

    def command_line(self) -> str:
        """The shell command that lists the current view (exact, unsanitised: for copying)."""
        return self.query_box.command_line(self.explorer.timeline.path)

    # -- the current event -------------------------------------------------------------------

    @on(EventList.Highlighted)
    def _highlighted(self, message: EventList.Highlighted) -> None:
        if message.event is not None:
            self.show(message.event)

    @on(TimelineView.Highlighted)
    def _timeline_highlighted(self, message: TimelineView.Highlighted) -> None:
        self.query_one(EventList).go_to(message.event.id)
        self.show(message.event)

    @on(EventList.Selected)
    @on(TimelineView.Selected)
    def _selected(self, message: EventList.Selected | TimelineView.Selected) -> None:
        self.show(message.event)
        self.query_one(EventDetail).focus()

    def show(self, event: Event | None) -> None:
        """Show ``event`` in the detail pane (and highlight it in the timeline view)."""
        self._current = event
        self.query_one(EventDetail).show(event, self.explorer.timeline, self.today)
        if self._timeline_view is not None:
            self._timeline_view.highlight(event.id if event else None)

    def show_event(self, event_id: str, *, push: bool = True) -> bool:
        """Show an event by id, in the list when the current filter shows it."""
        event = self.explorer.timeline.get(event_id)
        if event is None:
            self.notify(f"No event has the id {quote(event_id)}.", severity="error", markup=False)
            return False
        if push and self._current is not None and self._current.id != event_id:
            self._back.append(self._current.id)
        if not self.query_one(EventList).go_to(event_id):
            self.notify(
                "That event is hidden by the current filter; showing its detail only.",
                markup=False,
            )
        self.show(event)
        return True

    def _show_chosen(self, event_id: str | None) -> None:
        if event_id:
            self.show_event(event_id)

    # -- actions -----------------------------------------------------------------------------

    def action_focus_search(self) -> None:
        # A fast typist's (or a paste's) `/telegram` arrives at once: the keys after `/` were
        # handed to the list before a non-priority binding ran, and Widget.focus() takes effect
        # after queued keys too, so `t`, `e`, ... ran as the list's shortcuts. Focus is set now,
        # by a priority binding; a `/` typed into a text box, or on another screen, is theirs.
        if not self.is_current or isinstance(self.focused, Input):
            raise SkipAction()
        self.set_focus(self.query_one("#search", Input))

    def action_focus_list(self) -> None:
        if self.has_class("-timeline") and self._timeline_view is not None:
            self._timeline_view.focus()
            return
        self.query_one(EventList).focus()

    def action_toggle_filters(self) -> None:
        self.toggle_class("-filters-toggled")
        if self.has_class("-narrow"):  # the facets take the list's place, and its keys
            if self.has_class("-filters-toggled"):
                self.query(FacetList).first().focus()
            else:
                self.action_focus_list()

    def action_open_source(self, number: int) -> None:
        sources.open_source(self.app, self._current, number)

    def action_copy(self) -> None:
        sources.copy_link(self.app, self._current)

    def action_copy_command(self) -> None:
        sources.copy_command(self.app, self.command_line())

    # Screens are imported when first opened: the as-of board alone (DataTable, tui.core.time.asof)
    # costs the first paint ~10 ms.

    def action_follow_related(self) -> None:
        from tui.app.screens.pick import PickScreen

        event = self._current
        if event is None or not event.related:
            self.notify("This event has no related events.", severity="warning", markup=False)
            return
        if len(event.related) == 1:
            self.show_event(event.related[0])
            return
        items = []
        for other_id in event.related:
            other = self.explorer.timeline.get(other_id)
            label = f"{other.date.iso()}  {other.title}" if other else other_id
            items.append((other_id, label))
        self.app.push_screen(PickScreen("Follow which related event?", items), self._show_chosen)

    def action_back(self) -> None:
        if not self._back:
            self.notify(
                "No earlier event: Backspace goes back to the event you came from "
                "after r (or a link) took you to another.",
                severity="warning",
                markup=False,
            )
            return
        self.show_event(self._back.pop(), push=False)

    def action_views(self) -> None:
        from tui.app.screens.pick import PickScreen

        views = self.explorer.timeline.views
        if not views:
            self.notify(search.NO_VIEWS, severity="warning", markup=False, timeout=8)
            return
        items = [(name, f"{name}  —  {text}") for name, text in views.items()]
        self.app.push_screen(PickScreen("Apply which saved view?", items), self.apply_view)

    def apply_view(self, name: str | None) -> None:
        if name is None:
            return
        text = self.explorer.timeline.views.get(name)
        if text is None:
            return
        self._set_query_text(text)
        self.notify(f"View {quote(name)}: {clean(text)}", markup=False)

    def action_clear_filters(self) -> None:
        self._set_query_text("")

    async def action_toggle_timeline(self) -> None:
        """The timeline view in the list's place, or back; the same event stays highlighted."""
        view = self._timeline_view
        if view is None:
            # Made when first asked for: most sessions never open it, and it cost every first
            # frame ~1.5% (21M instructions).
            events = self.query_one(EventList)
            view = TimelineView(today=self.today, id="timeline")
            view.set_view(events.shown, keep=self._current.id if self._current else None)
            await self.query_one("#main").mount(view, after=events)
            self._timeline_view = view
        self.toggle_class("-timeline")
        if self.has_class("-timeline"):
            view.focus()
        else:
            self.query_one(EventList).focus()

    def action_asof_board(self) -> None:
        from tui.app.screens.asof import board_for

        timeline = self.explorer.timeline
        board = board_for(self.query_box.query, self._index, timeline.events, self.today)
        self.app.push_screen(board, self._show_chosen)

    def action_new_event(self) -> None:
        editing.open_event_form(self, None)

    def action_copy_event(self) -> None:
        if self._current is None:
            self.notify("No event selected to copy.", severity="warning", markup=False)
            return
        editing.open_event_form(self, self._current)

    def action_edit(self) -> None:
        panel = self.query_one(ProblemsPanel)
        line: int | None = None
        if panel.showing and panel.selected is not None:
            line = panel.selected.line
        elif self._current is not None:
            line = self.explorer.timeline.lines.get(self._current.id)
        editing.edit_file(self.explorer, line)

    def action_focus_problems(self) -> None:
        panel = self.query_one(ProblemsPanel)
        if panel.showing:
            panel.focus_list()
        else:
            self.notify("The file loads without problems.", markup=False)
