"""The Textual app: renders the timeline and routes keys; the domain rules live in tui.core."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import events, on, work
from textual.actions import SkipAction
from textual.app import App, ComposeResult, SuspendNotSupported, SystemCommand
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Input, Static
from textual.worker import get_current_worker

from tui.app.filtering import FilterResult, FilterScheduler
from tui.app.screens.main import MainScreen
from tui.app.widgets.detail import EventDetail
from tui.app.widgets.event_list import EventList
from tui.app.widgets.filter_pane import FilterPane
from tui.app.widgets.header import TimelineHeader
from tui.app.widgets.key_footer import KeyFooter
from tui.app.widgets.problems import ProblemsPanel
from tui.app.widgets.timeline_view import TimelineView
from tui.core.files.cache import Prefetch
from tui.core.files.chunks import Reuse
from tui.core.files.collector import end_start
from tui.core.files.digest import file_digest
from tui.core.files.editor import EditorError, editor_command, run_editor
from tui.core.files.watch import FileWatcher
from tui.core.query import edit, evaluate, printing
from tui.core.query import language as q
from tui.core.text.present import display_path
from tui.core.text.sanitize import clean, quote
from tui.core.timeline.errors import TimelineError
from tui.core.timeline.event import Event, Timeline, TimelineInfo

if TYPE_CHECKING:
    from tui.core.files.opening import Opening

NARROW_BELOW = 100  # columns: below this the filter pane collapses to the search line
SETTLE_DELAY = 0.2  # seconds after the last result before facets and command line redraw
WORD_PAUSE = 0.4  # seconds of no typing before a word that begins a field name is searched
WATCH_INTERVAL = 0.3  # seconds between looks at the file: a save shows within a second


class PolicyApp(App[int]):
    """Browse a timeline: list, detail and filter panes."""

    CSS_PATH = "app.tcss"
    TITLE = "policy-tui"

    # Order is the footer's order: what a reader needs first, then the rest (all in `?`).
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("question_mark", "help", "Help", key_display="?"),
        # A priority binding: the app sees `/` before the keys typed after it are handed to the
        # focused pane (see action_focus_search).
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
        Binding("q", "quit", "Quit"),
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
        timeline: Timeline | None,
        *,
        path: Path | None = None,
        goto: str | None = None,
        query: str = "",
        today: date | None = None,
        digest: str | None = None,
        watch: bool = True,
        prefetch: Prefetch | None = None,
        reuse: Reuse | None = None,
    ) -> None:
        super().__init__()
        # What the last load of the file lends the next: a reload reparses only edited chunks.
        self._reuse = reuse or Reuse()
        self.today = today or date.today()
        # SHA-256 of the bytes the shown timeline came from: saving refuses when the file differs.
        self.file_digest = digest
        self._watch = watch
        self._watcher: FileWatcher | None = None
        # Without a timeline the app opens at once and loads `path` in a worker (big files).
        self._load_path = path if timeline is None else None
        self.loading = timeline is None
        self.load_errors: str | None = None
        # A cached big file's first events, read while the UI was being imported: the first
        # frame shows them, the worker reads the rest.
        self._prefetch = prefetch if timeline is None else None
        self._head_shown = False
        if self._prefetch is not None and self._prefetch.head is not None:
            timeline = self._prefetch.head
            self._head_shown = True
        self.timeline = timeline or Timeline(
            info=TimelineInfo(title="Loading…"), path=str(path) if path else None
        )
        self._goto = goto
        self._initial_query = query
        self._index = evaluate.Index(self.timeline.events, today=self.today)
        self._query_text = ""
        self._requested: str | None = None
        self._query = q.parse("")
        self._current: Event | None = None
        self._keep_scroll: float | None = None
        self._pending_goto: str | None = None
        self.filters = FilterScheduler(self, self._start_filter, self._apply_settled, SETTLE_DELAY)
        self._empty_message = ""  # #empty starts blank and the screen without -empty
        self._word_timer: Timer | None = None  # searches a held-back word when typing pauses
        self._query_error: q.QueryError | None = None  # the box's text does not parse
        self._unfinished: edit.Unfinished | None = None  # the box's last term, held back
        self._back: list[str] = []
        # Ids around the highlighted event before a reload (EventList.neighbours), for the
        # first result after it: a deleted event's neighbour is highlighted, not the first.
        self._neighbours: list[str] | None = None
        self._timeline_view: TimelineView | None = None  # mounted by the first `t`

    # -- layout ------------------------------------------------------------------------------

    def get_default_screen(self) -> Screen[Any]:
        return MainScreen(id="_default")

    def compose(self) -> ComposeResult:
        yield TimelineHeader(id="header")
        with Horizontal(id="body"):
            yield FilterPane(id="filters")
            with Vertical(id="main"):
                yield EventList(self.timeline.events, id="events")
                yield Static("", id="empty")
                yield EventDetail(id="detail")
        yield ProblemsPanel(id="problems")
        yield KeyFooter()

    def on_mount(self) -> None:
        # The CLI pauses the garbage collector for the start; it runs again after the first
        # frame, with what the start built frozen out of its passes (tui.core.files.collector).
        self.call_after_refresh(end_start)
        self._apply_width(self.size.width)
        # Filter at once (no debounce) for the first paint; the Input.Changed that setting the
        # value fires is then recognised as already requested.
        self._run_filter(self._initial_query, immediate=True)
        self.query_one("#search", Input).value = self._initial_query
        events = self.query_one(EventList)
        events.focus()
        if self._load_path is not None:
            self._load_worker(self._load_path)
        elif self._goto:
            # Applied with the first filter result, so the initial query cannot undo it.
            self._pending_goto, self._goto = self._goto, None
        self._start_watching()

    def on_resize(self, event: events.Resize) -> None:
        # The event carries the new size; self.size may still be the old one here.
        self._apply_width(event.size.width)

    @property
    def main_screen(self) -> Screen[Any]:
        """The explorer's screen, even while a dialog (help, a form) is on top of it."""
        return self.screen_stack[0]

    @property
    def closing(self) -> bool:
        """The app has begun to close (its widgets and screens go), while timers and workers
        may still call back: each such callback checks this first."""
        return not self.is_running or not self.screen_stack

    def _apply_width(self, width: int) -> None:
        self.main_screen.set_class(width < NARROW_BELOW, "-narrow")

    # -- loading -----------------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="load", exit_on_error=False)
    def _load_worker(self, path: Path) -> None:
        """Paint the first events quickly, then the whole file; keys stay answered meanwhile."""
        from tui.core.files.opening import Estimate, First, Opening, stages

        if self._head_shown:
            self._wait_for_paint()  # the first frame, with the head's rows, comes first
        opening = Opening(path, prefetch=self._prefetch, reuse=self._reuse)
        index = None
        try:
            for stage in stages(opening, self.today, self._progress, head_shown=self._head_shown):
                if isinstance(stage, Estimate):
                    self.call_from_thread(self._set_expected, stage.events)
                elif isinstance(stage, First):
                    self.call_from_thread(
                        self.replace_timeline, stage.timeline, stage.index, loading=True
                    )
                    self._wait_for_paint()
                else:
                    index = stage.index
                    self.file_digest = stage.digest
                    self.call_from_thread(
                        self.replace_timeline, stage.timeline, index, loading=False
                    )
                    self._watch_loaded(path, stage.digest)
        except TimelineError as exc:
            self.call_from_thread(self._load_failed, exc)
            return
        # Build the search structures here, off the UI thread, before the first keystroke needs
        # them (filtering works meanwhile; the index yields the GIL between slices).
        if index is not None:
            index.warm()

    def _progress(self, note: str) -> None:
        """From the load worker: a note for the header."""
        self.call_from_thread(self._show_progress, note)

    def _set_expected(self, expected: int) -> None:
        self._expected_events = expected
        if self.loading and not self.closing:
            self._update_header()

    _expected_events: int | None = None  # the estimate above, until the whole file is read

    def _wait_for_paint(self) -> None:
        """From the load worker: loading holds the GIL in long stretches, so let the rows on
        screen be drawn first (at most a second)."""
        painted = threading.Event()
        self.call_from_thread(self.call_after_refresh, painted.set)
        painted.wait(1.0)

    def _show_progress(self, note: str) -> None:
        if not self.closing:
            self.query_one(TimelineHeader).set_progress(note)

    def _load_failed(self, error: TimelineError) -> None:
        # The CLI prints these after the terminal is restored, exactly as `validate` does.
        self.load_errors = error.format()
        self.exit(return_code=2 if error.unreadable else 1)

    def replace_timeline(
        self, timeline: Timeline, index: evaluate.Index | None = None, *, loading: bool = False
    ) -> None:
        """Show another version of the timeline, keeping the query and the highlighted event."""
        if self.closing:
            return
        self.timeline = timeline
        self._index = index or evaluate.Index(timeline.events, today=self.today)
        self.loading = loading
        events = self.query_one(EventList)
        self._keep_scroll = events.scroll_y
        if self._neighbours is None:  # (a second replace before the filter keeps the first's)
            # Where to go if the highlighted event is gone from the new version (deleted in
            # the editor): the next event of the list, else the previous one.
            self._neighbours = events.neighbours()
        events.set_events(timeline.events, view=[])
        if self._timeline_view is not None:
            self._timeline_view.set_events(timeline.events, view=[])
        if not loading and self._goto:
            # Highlighted when the filter below has refilled the list (see _apply_filter).
            self._pending_goto, self._goto = self._goto, None
        # (Not ``immediate``: a word still being typed in the box stays held back.)
        self._run_filter(self._requested or "")

    # -- live reload -------------------------------------------------------------------------

    def _start_watching(self, watcher: FileWatcher | None = None) -> None:
        path = self.file_path
        if not self._watch or path is None or self._watcher is not None:
            return
        if watcher is None:
            if self._load_path is not None:
                # The load worker starts the watch once it has read the file (_watch_loaded):
                # a watcher hashes the file when made, and hashing 100 MB here, on the UI
                # thread, held the first frame back by 75-150 ms.
                return
            if self.file_digest is None:
                with contextlib.suppress(OSError):
                    self.file_digest = file_digest(path.read_bytes())
            watcher = FileWatcher(path, self.file_digest)
        self._watcher = watcher
        self.set_interval(WATCH_INTERVAL, self._poll_file, name="watch")

    def _watch_loaded(self, path: Path, digest: str) -> None:
        """From the load worker: watch the file it loaded. Made here, off the UI thread; if the
        file already differs from the bytes loaded, the watcher's first poll reloads it."""
        if self._watch:
            self.call_from_thread(self._start_watching, FileWatcher(path, digest))

    @property
    def file_path(self) -> Path | None:
        return Path(self.timeline.path) if self.timeline.path else self._load_path

    def _poll_file(self) -> None:
        if self._watcher is not None and not self.loading and self._watcher.poll():
            self.reload_now()

    def reload_now(self) -> None:
        """Load the file again in a worker; keeps the query, the highlight and the scroll."""
        path = self.file_path
        if path is not None:
            self._reload_worker(path)

    @work(thread=True, exclusive=True, group="load", exit_on_error=False)
    def _reload_worker(self, path: Path) -> None:
        from tui.core.files import cache

        try:
            timeline, digest = cache.load_cached(path, self._reuse, keep=False)
            index = evaluate.Index(timeline.events, today=self.today)
        except TimelineError as exc:
            self.call_from_thread(self._reload_failed, exc)
            return
        self.call_from_thread(self._reloaded, timeline, index, digest)
        # After the edit is on screen: the next opening of the file needs no parse.
        cache.keep(path, digest, timeline, self._reuse)
        index.warm()

    def _reloaded(self, timeline: Timeline, index: evaluate.Index, digest: str) -> None:
        if self.closing:
            return
        self.file_digest = digest
        self.query_one(ProblemsPanel).clear()
        self.replace_timeline(timeline, index)

    def _reload_failed(self, error: TimelineError) -> None:
        # The last good data stays on screen; the panel says what is wrong and where.
        self.file_digest = None  # the file on disk is not what is shown: saving must refuse
        if self.closing:
            return
        self.query_one(ProblemsPanel).show_error(error)

    def action_focus_problems(self) -> None:
        panel = self.query_one(ProblemsPanel)
        if panel.showing:
            panel.focus_list()
        else:
            self.notify("The file loads without problems.", markup=False)

    def action_edit(self) -> None:
        path = self.file_path
        if path is None:
            return
        panel = self.query_one(ProblemsPanel)
        line: int | None = None
        if panel.showing and panel.selected is not None:
            line = panel.selected.line
        elif self._current is not None:
            line = self.timeline.lines.get(self._current.id)
        try:
            command = editor_command(path, line)
        except EditorError as exc:
            self.notify(str(exc), severity="error", markup=False)
            return
        try:
            with self.suspend():
                problem = run_editor(command)
        except SuspendNotSupported:
            problem = "this terminal cannot hand the screen to an editor; edit the file directly"
        if problem:
            self.notify(problem, severity="error", markup=False, timeout=8)
        self.reload_now()

    # -- filtering ---------------------------------------------------------------------------

    @on(Input.Changed, "#search")
    def _search_changed(self, event: Input.Changed) -> None:
        if event.value != self._requested:
            self._run_filter(event.value)

    @on(Input.Submitted, "#search")
    def _search_submitted(self) -> None:
        if self._word_timer is not None:
            self._run_whole_word()  # Enter means the word as typed: no need to pause
        self.action_focus_list()

    def _run_filter(self, text: str, immediate: bool = False) -> None:
        """Filter by ``text``: the list, the header and the line under the box always describe
        the same query, the one whose result is on screen (see _show_query_message).

        A last term still being typed is held back (``edit.split_unfinished``): ``platform:`` with
        no value yet, a trailing ``,`` or ``-`` filter by the text before them, with a quiet
        hint; a bare word that begins a field name (``plat`` on the way to ``platform:``) is
        searched as text only once typing pauses (WORD_PAUSE) or on Enter, so the list does
        not empty and refill while a field name is typed."""
        self._requested = text
        if self._word_timer is not None:
            self._word_timer.stop()
            self._word_timer = None
        shown, unfinished = edit.split_unfinished(text)
        held_word = unfinished is not None and unfinished.kind == "field"
        if held_word and (immediate or text == self._query_text):
            # --query at the start, or a reload after the word was searched: as it is.
            shown, unfinished = text, None
        try:
            query = q.parse(shown)
        except q.QueryError as exc:
            self._query_error, self._unfinished = exc, None
            self._show_query_message()
            if self._shown_index is not self._index:
                # Nothing shown yet for this timeline (an invalid --query at the start, or a
                # reload while the box holds an unfinished query): show the last valid one's.
                self.filters.request(self._query_text, self._query)
            return
        self._query_error, self._unfinished = None, unfinished
        self._show_query_message()
        if unfinished is not None and unfinished.kind == "field":
            self._word_timer = self.set_timer(WORD_PAUSE, self._run_whole_word)
        self.filters.request(shown, query)

    def _run_whole_word(self) -> None:
        """Typing paused on a word that begins a field name: search it as text after all."""
        if self._word_timer is not None:
            self._word_timer.stop()
            self._word_timer = None
        text = self._requested
        if self.closing or text is None or self._unfinished is None:
            return
        self._unfinished = None
        try:
            query = q.parse(text)
        except q.QueryError:  # cannot happen: split_unfinished parsed it; be safe anyway
            return
        self._show_query_message()
        self.filters.request(text, query)

    def _show_query_message(self) -> None:
        """The line under the query box, about the query whose result is on screen now (the
        header's and the list's): called when the box changes and when a result lands. (Worded
        from the query asked for when the box changed, it said "no filter" while a result still
        on its way, for the box's text a few keys earlier, then filled the list.)"""
        panes = None if self.closing else self.main_screen.query(FilterPane)
        if not panes:
            return
        applied = printing.describe(self._query) if not self._query.is_empty else "no filter"
        if self._query_error is not None:
            panes.first().show_error(
                f"{self._query_error}. The list still shows the last valid query: {applied}."
            )
        elif self._unfinished is not None and self._unfinished.hint:
            panes.first().show_error(
                f"{self._unfinished.hint}. The list shows: {applied}.", quiet=True
            )
        else:
            panes.first().show_error(None)

    def _start_filter(self, text: str, query: q.Query) -> None:
        self._filter_worker(text, query, self._index)

    @work(thread=True, group="filter", exit_on_error=False)
    def _filter_worker(self, text: str, query: q.Query, index: evaluate.Index) -> None:
        result = None
        try:
            # Only the list: the facet counts wait until typing pauses (see _apply_settled).
            result = FilterResult(text, query, index.filter(query), index)
        finally:
            self.call_from_thread(self._filter_done, result)

    def _filter_done(self, result: FilterResult | None) -> None:
        # Typed on meanwhile: this result is already out of date, the newest query runs now.
        current = self.filters.finished(start_next=not self.closing)
        if current and not self.closing and result is not None and result.index is self._index:
            self._apply_filter(result)

    _shown_index: evaluate.Index | None = None  # the index of the result on screen

    def _apply_filter(self, result: FilterResult) -> None:
        self._shown_index = result.index
        self._query_text = result.text
        self._query = result.query
        if self._query_error is not None or self._unfinished is not None:
            self._show_query_message()  # it names the query on screen: this one now
        events = self.query_one(EventList)
        if self._follow_pending:
            self._follow_highlight()  # the detail's event is what the new view keeps
        goto, self._pending_goto = self._pending_goto, None
        keep = goto or (self._current.id if self._current else None)
        # The detail follows once the list is on screen (_follow_highlight), and only if the
        # highlighted event changed: redrawing it re-lays out the screen.
        fallback, self._neighbours = self._neighbours or (), None
        with self.prevent(EventList.Highlighted):
            events.set_view(result.view, keep=keep, scroll_y=self._keep_scroll, fallback=fallback)
        if not self._follow_pending:
            self._follow_pending = True
            self.call_after_refresh(self._follow_highlight)
        self._keep_scroll = None
        if goto is not None and (event := self.timeline.get(goto)) is not None:
            self._show(event)
            if events.highlighted is None or events.highlighted.id != goto:
                self.notify(
                    f"{quote(goto)} is hidden by the current filter; x clears it.",
                    severity="warning",
                    markup=False,
                )
        self._update_header()
        self._update_empty_state()
        if not result.view:
            self._show(None)
        # The list and the header answer the keystroke; the facets, the command line and a
        # hidden timeline follow once typing pauses (FilterScheduler); counting the facets
        # cost the list a few more ms.
        if self.main_screen.has_class("-timeline"):
            assert self._timeline_view is not None  # made by the first `t`
            self._timeline_view.set_view(result.view, keep=keep)
        self.filters.settle(result)
        self._paint_now()
        if not self._warm_started and self._load_path is None:
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
        screen = self.main_screen
        if not screen.is_current:
            return
        for widget in (self.query_one(EventList), self.query_one(TimelineHeader)):
            widget._check_refresh()
        screen.call_later(screen._on_timer_update)

    _warm_started = False

    @work(thread=True, group="warm", exit_on_error=False)
    def _warm_worker(self, index: evaluate.Index) -> None:
        index.warm()

    @property
    def settling(self) -> bool:
        """True while the facets and command line have not caught up with the list yet."""
        return self.filters.settling

    def flush_settled(self) -> None:
        """Redraw the facets and command line now instead of when typing pauses (tests)."""
        self.filters.flush()

    _follow_pending = False

    def _follow_highlight(self) -> None:
        if not self._follow_pending:
            return
        self._follow_pending = False
        lists = None if self.closing else self.main_screen.query(EventList)
        if not lists:
            return
        event = lists.first().highlighted
        if event is not None and event is not self._current:
            self._show(event)

    def _apply_settled(self, result: FilterResult) -> None:
        if self.closing:
            return
        keep = self._current.id if self._current else None
        # A timer: it may fire while a dialog is on top, or after the app began to close.
        panes = self.main_screen.query(FilterPane)
        if not panes:
            return
        if self._timeline_view is not None:
            self._timeline_view.set_view(result.view, keep=keep)
        panes.first().show_command(self.command_line() if result.text.strip() else "")
        panes.first().build()  # the date range even if counting the facets were to fail
        panes.first().show_range(*edit.range_values(result.query))
        self._facets_worker(result)

    @work(thread=True, exclusive=True, group="facets", exit_on_error=False)
    def _facets_worker(self, result: FilterResult) -> None:
        worker = get_current_worker()
        facets = {facet: self._index.facet_counts(result.query, facet) for facet in q.FACETS}
        if not worker.is_cancelled:
            self.call_from_thread(self._show_facets, result, facets)

    def _show_facets(self, result: FilterResult, facets: dict[str, list[tuple[str, int]]]) -> None:
        if result.query is not self._query:
            return  # a newer result is on screen; its own counts follow
        panes = None if self.closing else self.main_screen.query(FilterPane)
        if panes:
            chosen = {facet: edit.selected(result.query, facet) for facet in facets}
            panes.first().show_facets(facets, chosen)

    def _update_header(self) -> None:
        self.query_one(TimelineHeader).show(
            self.timeline.info.title,
            self.timeline.path,
            len(self.query_one(EventList).view),
            len(self.timeline.events),
            printing.describe(self._query) if not self._query.is_empty else "",
            loading=self.loading,
            expected=self._expected_events if self.loading else None,
        )

    def _update_empty_state(self) -> None:
        empty = self.query_one("#empty", Static)
        shown = len(self.query_one(EventList).view)
        if not self.timeline.events and self.loading:
            message = "Loading the timeline…  (q quits)"
        elif not self.timeline.events:
            message = (
                "This timeline has no events yet. Add [[events]] tables to the file "
                "(see docs/format.md), then open it again."
            )
        elif shown == 0:
            message = (
                f"No event matches {clean(printing.describe(self._query))}.\n"
                "Press x to clear all filters, or / to edit the search."
            )
        else:
            message = ""
        if message != self._empty_message:  # an update re-lays out the screen: only on change
            self._empty_message = message
            empty.update(Text(message))
            self.main_screen.set_class(bool(message), "-empty")

    @on(FilterPane.FacetsChanged)
    def _facets_changed(self, message: FilterPane.FacetsChanged) -> None:
        current = {v.casefold() for v in edit.selected(self._query, message.facet)}
        if {v.casefold() for v in message.values} == current:
            return  # the list was redrawn from the query; nothing new from the user
        self._set_query_text(edit.with_facet(self._query_text, message.facet, message.values))

    @on(FilterPane.RangeChanged)
    def _range_changed(self, message: FilterPane.RangeChanged) -> None:
        try:
            text = edit.with_range(
                self._query_text, message.after, message.before, keep=message.unchanged
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

    # -- the current event -------------------------------------------------------------------

    @on(EventList.Highlighted)
    def _highlighted(self, message: EventList.Highlighted) -> None:
        if message.event is not None:
            self._show(message.event)

    @on(EventList.Selected)
    def _selected(self, message: EventList.Selected) -> None:
        self._show(message.event)
        self.query_one(EventDetail).focus()

    def _show(self, event: Event | None) -> None:
        self._current = event
        self.query_one(EventDetail).show(event, self.timeline, self.today)
        if self._timeline_view is not None:
            self._timeline_view.highlight(event.id if event else None)

    def show_event(self, event_id: str, *, push: bool = True) -> bool:
        """Show an event by id, in the list when the current filter shows it."""
        event = self.timeline.get(event_id)
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
        self._show(event)
        return True

    # -- actions -----------------------------------------------------------------------------

    def action_focus_search(self) -> None:
        # A fast typist's (or a paste's) `/telegram` arrives at once: the keys after `/` were
        # handed to the list before a non-priority binding ran, and Widget.focus() takes effect
        # after queued keys too, so `t`, `e`, ... ran as the list's shortcuts. Focus is set now,
        # by a priority binding; a `/` typed into a text box, or on another screen, is theirs.
        if self.screen is not self.main_screen or isinstance(self.focused, Input):
            raise SkipAction()
        self.main_screen.set_focus(self.main_screen.query_one("#search", Input))

    def action_focus_list(self) -> None:
        if self.main_screen.has_class("-timeline") and self._timeline_view is not None:
            self._timeline_view.focus()
            return
        self.query_one(EventList).focus()

    def action_toggle_filters(self) -> None:
        self.main_screen.toggle_class("-filters-toggled")

    # Screens are imported when first opened: the as-of board alone (DataTable, tui.core.time.asof)
    # costs the first paint ~10 ms.

    def action_help(self) -> None:
        from tui.app.screens.help import HelpScreen

        self.push_screen(HelpScreen(self.binding_groups()))

    def binding_groups(self) -> list[tuple[str, Iterable[BindingType]]]:
        from tui.app.screens.asof import AsOfScreen

        return [
            ("App", self.BINDINGS),
            ("List", EventList.BINDINGS),
            ("Detail", EventDetail.BINDINGS),
            ("Filters", FilterPane.BINDINGS),
            ("Timeline", TimelineView.BINDINGS),
            ("As-of board", AsOfScreen.BINDINGS),
            ("App", [Binding("tab", "focus_next", "Next pane (Shift+Tab: previous)")]),
            ("App", [Binding("ctrl+p", "command_palette", "Command palette")]),
        ]

    def action_open_source(self, number: int) -> None:
        event = self._current
        if event is None:
            self.notify("No event selected.", severity="warning", markup=False)
            return
        if not 1 <= number <= len(event.sources):
            self.notify(
                f"This event has {len(event.sources)} source(s); there is no source {number}.",
                severity="warning",
                markup=False,
            )
            return
        url = event.sources[number - 1].url
        if not url.lower().startswith(("http://", "https://")):
            self.notify(
                f"Refused to open {quote(url)}: only http(s) links are opened.",
                severity="error",
                markup=False,
            )
            return
        if browser_available():
            self.open_url(url)
            self.notify(f"Opening {quote(url, 200)}", markup=False)
            return
        # Over SSH there is no browser to open: hand the URL over instead of failing silently.
        self.copy_to_clipboard(url)
        self.notify(
            f"No browser on this machine. The URL, sent to your terminal's clipboard "
            f"(OSC 52): {clean(url)}",
            severity="warning",
            markup=False,
            timeout=12,
        )

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
            other = self.timeline.get(other_id)
            label = f"{other.date.iso()}  {other.title}" if other else other_id
            items.append((other_id, label))

        def chosen(event_id: str | None) -> None:
            if event_id:
                self.show_event(event_id)

        self.push_screen(PickScreen("Follow which related event?", items), chosen)

    async def action_back(self) -> None:  # (async as App.action_back, which it overrides)
        if not self._back:
            self.notify(
                "No earlier event: Backspace goes back to the event you came from "
                "after r (or a link) took you to another.",
                severity="warning",
                markup=False,
            )
            return
        self.show_event(self._back.pop(), push=False)

    def action_copy(self) -> None:
        event = self._current
        if event is None:
            return
        text = clean(f"{event.id} {event.sources[0].url}")
        self.copy_to_clipboard(text)
        self.notify(f"Sent to the terminal's clipboard (OSC 52): {text}", markup=False)

    def command_line(self) -> str:
        """The shell command that lists the current view (exact, unsanitised: for copying)."""
        path = display_path(self.timeline.path) if self.timeline.path else None
        return printing.command_line(self._query_text, path)

    def action_copy_command(self) -> None:
        command = self.command_line()
        self.copy_to_clipboard(command)
        self.notify(f"Sent to the terminal's clipboard (OSC 52): {clean(command)}", markup=False)

    def action_views(self) -> None:
        from tui.app.screens.pick import PickScreen

        views = self.timeline.views
        if not views:
            self.notify(
                "This timeline has no saved views. Add a [views] table to the file, e.g. "
                'ru-messaging = "country:RU platform:telegram,whatsapp" (docs/query.md).',
                severity="warning",
                markup=False,
                timeout=8,
            )
            return
        items = [(name, f"{name}  —  {text}") for name, text in views.items()]
        self.push_screen(PickScreen("Apply which saved view?", items), self.apply_view)

    def apply_view(self, name: str | None) -> None:
        if name is None:
            return
        text = self.timeline.views.get(name)
        if text is None:
            return
        self._set_query_text(text)
        self.notify(f"View {quote(name)}: {clean(text)}", markup=False)

    def action_clear_filters(self) -> None:
        self._set_query_text("")

    # -- time views (issue #6): timeline view and as-of board --------------------------------

    @on(TimelineView.Highlighted)
    def _timeline_highlighted(self, message: TimelineView.Highlighted) -> None:
        self.query_one(EventList).go_to(message.event.id)
        self._show(message.event)

    @on(TimelineView.Selected)
    def _timeline_selected(self, message: TimelineView.Selected) -> None:
        self._show(message.event)
        self.query_one(EventDetail).focus()

    async def action_toggle_timeline(self) -> None:
        """The timeline view in the list's place, or back; the same event stays highlighted."""
        view = self._timeline_view
        if view is None:
            # Made when first asked for: most sessions never open it, and it cost every first
            # frame ~1.5% (21M instructions).
            events = self.main_screen.query_one(EventList)  # (the palette may run this)
            view = TimelineView(self.timeline.events, today=self.today, id="timeline")
            view.set_view(events.view, keep=self._current.id if self._current else None)
            await self.main_screen.query_one("#main").mount(view, after=events)
            self._timeline_view = view
        self.main_screen.toggle_class("-timeline")
        if self.main_screen.has_class("-timeline"):
            view.focus()
        else:
            self.query_one(EventList).focus()

    def asof_day(self) -> date:
        """The day of the query's first ``asof:`` term (a period's first day), else today."""
        for term in self._query.terms:
            if term.field == "asof" and not term.negated and term.dates:
                first = term.dates[0]
                return first.start if first is not None else self.today
        return self.today

    def action_asof_board(self) -> None:
        from tui.app.screens.asof import AsOfScreen

        # The board picks its own day, so the query's time terms are left out; the index
        # answers `asof:DAY` (the board's own rule) so the board sees only measures in force.
        kept = edit.without_fields(self._query.text, q.TIME_FIELDS)
        index, events = self._index, self.timeline.events
        scope = "all events"
        if not q.parse(kept).is_empty:
            scope = f"events matching {printing.describe(q.parse(kept))}"

        def events_on(day: date) -> list[Event]:
            query = q.parse(edit.with_field(kept, "asof", day.isoformat()))
            return [events[i] for i in index.filter(query)]

        def chosen(event_id: str | None) -> None:
            if event_id:
                self.show_event(event_id)

        self.push_screen(AsOfScreen(events_on, self.asof_day(), self.today, scope=scope), chosen)

    # -- the add-event form (n, c) ------------------------------------------------------------

    def action_new_event(self) -> None:
        self._open_event_form(None)

    def action_copy_event(self) -> None:
        if self._current is None:
            self.notify("No event selected to copy.", severity="warning", markup=False)
            return
        self._open_event_form(self._current)

    def _open_event_form(self, template: Event | None) -> None:
        from tui.app.screens.event_form import EventForm
        from tui.core.files.paths import shipped_timeline
        from tui.core.timeline.draft import values_from_event

        path = self.file_path
        if path is None or self.loading:
            reason = "still loading" if self.loading else "not read from a file"
            self.notify(f"Cannot add events: the timeline is {reason}.", markup=False)
            return
        form = EventForm(
            path,
            timeline=lambda: self.timeline,
            digest=lambda: self.file_digest,
            values=values_from_event(template) if template else None,
            copy_of=template.id if template else None,
            shipped=path.resolve() == shipped_timeline().resolve(),
        )

        def saved(event_id: str | None) -> None:
            if event_id is None:
                return
            self.notify(f"Saved {quote(event_id)} to {display_path(str(path))}.", markup=False)
            self._goto = event_id  # highlighted once the reload below has replaced the data
            self.reload_now()

        self.push_screen(form, saved)

    async def action_quit(self) -> None:
        """Quit, but never drop what was typed into the add-event form without asking."""
        from tui.app.screens.event_form import ConfirmDiscard, EventForm

        form = next((s for s in self.screen_stack if isinstance(s, EventForm)), None)
        if form is None or not form.dirty:
            self.exit()
            return

        def answered(discard: bool | None) -> None:
            if discard:
                self.exit()

        self.push_screen(ConfirmDiscard(), answered)

    # -- command palette ---------------------------------------------------------------------

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        seen: set[str] = set()
        for binding in self.BINDINGS:
            if not isinstance(binding, Binding) or binding.action in seen:
                continue
            if binding.action.startswith("open_source(") and binding.action != "open_source(1)":
                continue
            seen.add(binding.action)
            if binding.action == "quit":
                continue  # Textual's own Quit command is already listed
            yield SystemCommand(
                binding.description,
                f"Key: {binding.key_display or binding.key}",
                lambda action=binding.action: self.run_action(action),
            )
        for name, text in self.timeline.views.items():
            yield SystemCommand(
                f"View: {clean(name)}",
                clean(text),
                lambda name=name: self.apply_view(name),
            )


def browser_available() -> bool:
    """Whether opening a URL can show a browser: a desktop session, or $BROWSER set."""
    import os
    import sys
    import webbrowser

    if sys.platform in ("darwin", "win32") or os.environ.get("BROWSER"):
        return True
    if not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        return False  # e.g. SSH: a text browser would fight the app for the terminal
    try:
        webbrowser.get()
    except webbrowser.Error:
        return False
    return True


def make_app(
    timeline: Timeline | Path | None = None,
    *,
    path: Path | None = None,
    goto: str | None = None,
    query: str = "",
    today: date | None = None,
    digest: str | None = None,
    watch: bool = True,
    prefetch: Prefetch | None = None,
    opening: Opening | None = None,
    reuse: Reuse | None = None,
) -> PolicyApp:
    """The one factory the CLI and the tests share.

    Give a file's path (what the CLI does): the opening pipeline (tui.core.files.opening) loads a
    small file now, and a big one in the background after its first events are shown;
    ``opening``, begun on that path before the UI was imported, hands over what it has read.
    Or give a loaded ``timeline``; or only ``path=`` to open the app at once and load the file
    in the background whatever its size (``prefetch``: as ``opening`` does for big files).
    Raises TimelineError when a file loaded up front has problems.
    """
    if isinstance(timeline, Path):
        from tui.core.files.opening import begin

        opening = opening or begin(timeline)
        timeline, path = opening.timeline, opening.path
        digest, prefetch, reuse = opening.digest, opening.prefetch, opening.reuse
    if timeline is None and path is None:
        raise ValueError("make_app needs a timeline or a path")
    return PolicyApp(
        timeline,
        path=path,
        goto=goto,
        query=query,
        today=today,
        digest=digest,
        watch=watch,
        prefetch=prefetch,
        reuse=reuse,
    )
