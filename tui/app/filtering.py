"""Filter scheduling for the explorer: the newest query wins, and the slow redraws settle.

No debounce (it delayed every key of a burst by its length): a query runs at once unless one is
running; then the newest text waits for it, and only the newest runs. The list and the header
answer each result; the facets, the command line and a hidden timeline follow once results stop
arriving for ``delay`` seconds (each of those redraws re-lays out the screen, ~50-80 ms, which
per keystroke made typing lag).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from textual.message_pump import MessagePump
from textual.timer import Timer

from tui.core.query import evaluate
from tui.core.query import language as q
from tui.core.query.shown import Shown


@dataclass(frozen=True, slots=True)
class FilterResult:
    text: str
    query: q.Query
    shown: Shown  # the kept events, for the list and the timeline view
    index: evaluate.Index  # what filtered it (a reload may have replaced it since)


class FilterScheduler:
    """Latest wins plus settle. ``run(text, query)`` starts a filter (a worker) that must call
    ``finished()`` when it ends; ``settled(result)`` gets the last result once results pause."""

    def __init__(
        self,
        owner: MessagePump,
        run: Callable[[str, q.Query], None],
        settled: Callable[[FilterResult], None],
        delay: float,
    ) -> None:
        self._owner = owner
        self._run = run
        self._settled_callback = settled
        self._delay = delay
        self.running = False
        self.waiting: tuple[str, q.Query] | None = None
        self.settled: FilterResult | None = None  # the result whose slow redraws wait
        self._timer: Timer | None = None

    def request(self, text: str, query: q.Query) -> None:
        """Filter by ``query``: now if no filter runs, else when the running one ends."""
        self.waiting = (text, query)
        if not self.running:
            self._start()

    def _start(self) -> None:
        if self.waiting is None:
            return
        text, query = self.waiting
        self.waiting = None
        self.running = True
        self._run(text, query)

    def finished(self, *, start_next: bool = True) -> bool:
        """The running filter ended. True when its result is the newest asked for (show it);
        False when a newer query waited (it starts now, unless ``start_next`` is False)."""
        self.running = False
        if self.waiting is None:
            return True
        if start_next:
            self._start()
        return False

    def settle(self, result: FilterResult) -> None:
        """A result is on screen: its slow redraws follow once no newer one lands for a while."""
        self.settled = result
        if self._timer is not None:
            self._timer.stop()
        self._timer = self._owner.set_timer(self._delay, self.flush)

    @property
    def settling(self) -> bool:
        """True while the slow redraws have not caught up with the list yet."""
        return self.settled is not None

    def flush(self) -> None:
        """Do the waiting slow redraws now (the timer's end, or a test that cannot wait)."""
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        result, self.settled = self.settled, None
        if result is not None:
            self._settled_callback(result)
