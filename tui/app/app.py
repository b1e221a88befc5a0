"""The Textual app: what is app-wide (the file, loading it, help, quit, the command palette);
the explorer's panes and keys are its main screen's (tui.app.screens.main)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from textual import events
from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.screen import Screen

from tui.app.loading import Loader, LoadProgress
from tui.app.screens.main import MainScreen
from tui.app.widgets.detail import EventDetail
from tui.app.widgets.event_list import EventList
from tui.app.widgets.filter_pane import FacetList, FilterPane
from tui.app.widgets.timeline_view import TimelineView
from tui.core.files.cache import Prefetch
from tui.core.files.chunks import Reuse
from tui.core.query import evaluate
from tui.core.query.shown import Shown
from tui.core.text.sanitize import clean
from tui.core.timeline.event import Timeline, TimelineInfo
from tui.core.tuning import gc_end_start

if TYPE_CHECKING:
    from tui.core.files.opening import Opening

NARROW_BELOW = 100  # columns: below this the filter pane collapses to the search line


class PolicyApp(App[int]):
    """Browse a timeline: list, detail and filter panes."""

    CSS_PATH = "app.tcss"
    TITLE = "policy-tui"

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
        self.today = today or date.today()
        # SHA-256 of the bytes the shown timeline came from: saving refuses when the file differs.
        self.file_digest = digest
        self.loading = timeline is None
        self.load_errors: str | None = None
        # Without a timeline the app opens at once and loads `path` in a worker (big files).
        load_path = path if timeline is None else None
        # A cached big file's first events, read while the UI was being imported: the first
        # frame shows them, the worker reads the rest.
        prefetch = prefetch if timeline is None else None
        head_shown = False
        if prefetch is not None and prefetch.head is not None:
            timeline = prefetch.head
            head_shown = True
        self.loader = Loader(
            self,
            load_path,
            prefetch=prefetch,
            head_shown=head_shown,
            watch=watch,
            reuse=reuse if reuse is not None else Reuse(),
        )
        self.timeline = timeline or Timeline(
            info=TimelineInfo(title="Loading…"), path=str(path) if path else None
        )
        self._goto = goto
        self._query = query

    def get_default_screen(self) -> Screen[Any]:
        index = evaluate.Index(self.timeline.events, today=self.today)
        every = Shown.every(self.timeline.events, self.timeline.get)
        return MainScreen(
            self, every, index, query=self._query, goto=self._goto, today=self.today, id="_default"
        )

    def on_mount(self) -> None:
        # The CLI pauses the garbage collector for the start; it runs again after the first
        # frame, with what the start built frozen out of its passes (tui.core.tuning), and
        # without a collection first when a load begins at that frame.
        self.call_after_refresh(gc_end_start, collect=self.loader.path is None)
        self._apply_width(self.size.width)

    def on_load_progress(self, message: LoadProgress) -> None:
        self.loader.show_progress(message.note)

    def on_resize(self, event: events.Resize) -> None:
        # The event carries the new size; self.size may still be the old one here.
        self._apply_width(event.size.width)

    def _apply_width(self, width: int) -> None:
        self.main_screen.set_class(width < NARROW_BELOW, "-narrow")

    @property
    def main_screen(self) -> MainScreen:
        """The explorer's screen, even while a dialog (help, a form) is on top of it."""
        return cast(MainScreen, self.screen_stack[0])

    @property
    def closing(self) -> bool:
        """The app has begun to close (its widgets and screens go), while timers and workers
        may still call back: each such callback checks this first."""
        return not self.is_running or not self.screen_stack

    # -- the file ----------------------------------------------------------------------------

    @property
    def load_path(self) -> Path | None:
        """The file a worker loads at the start (a big one); None when it came loaded."""
        return self.loader.path

    @property
    def file_path(self) -> Path | None:
        return Path(self.timeline.path) if self.timeline.path else self.loader.path

    @property
    def expected_events(self) -> int | None:
        """While loading: how many events the file is estimated to hold."""
        return self.loader.expected_events

    def replace_timeline(
        self, timeline: Timeline, index: evaluate.Index | None = None, *, loading: bool = False
    ) -> None:
        """Show another version of the timeline, keeping the query and the highlighted event."""
        if self.closing:
            return
        self.timeline = timeline
        self.loading = loading
        index = index or evaluate.Index(timeline.events, today=self.today)
        self.main_screen.timeline_replaced(index, loading=loading)

    def reload_now(self) -> None:
        """Load the file again in a worker; keeps the query, the highlight and the scroll."""
        self.loader.reload()

    # -- help, quit and the command palette ---------------------------------------------------

    # Screens are imported when first opened: the as-of board alone (DataTable, tui.core.time.asof)
    # costs the first paint ~10 ms.

    def action_help(self) -> None:
        from tui.app.screens.help import HelpScreen

        self.push_screen(HelpScreen(self.binding_groups()))

    def binding_groups(self) -> list[tuple[str, Iterable[BindingType]]]:
        from tui.app.screens.asof import AsOfScreen

        return [
            ("App", MainScreen.BINDINGS),
            ("List", EventList.BINDINGS),
            ("Detail", EventDetail.BINDINGS),
            ("Filters", [*FilterPane.BINDINGS, *FacetList.BINDINGS]),
            ("Timeline", TimelineView.BINDINGS),
            ("As-of board", AsOfScreen.BINDINGS),
            ("App", [Binding("tab", "focus_next", "Next pane (Shift+Tab: previous)")]),
            ("App", [Binding("ctrl+p", "command_palette", "Command palette")]),
        ]

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

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        main = self.main_screen
        seen: set[str] = set()
        for binding in MainScreen.BINDINGS:
            if not isinstance(binding, Binding) or binding.action in seen:
                continue
            if binding.action.startswith("open_source(") and binding.action != "open_source(1)":
                continue
            seen.add(binding.action)
            if binding.action == "app.quit":
                continue  # Textual's own Quit command is already listed
            yield SystemCommand(
                binding.description,
                f"Key: {binding.key_display or binding.key}",
                lambda action=binding.action: self.run_action(action, main),
            )
        for name, text in self.timeline.views.items():
            yield SystemCommand(
                f"View: {clean(name)}",
                clean(text),
                lambda name=name: main.apply_view(name),
            )


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
