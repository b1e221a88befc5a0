"""Reading the file for the app: in the background at the start (a big file), and again
whenever it changes on disk. The app keeps the query, the highlight and the scroll across."""

from __future__ import annotations

import contextlib
import threading
import time
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from textual.message import Message

from tui.app.widgets.header import TimelineHeader
from tui.app.widgets.problems import ProblemsPanel
from tui.core import tuning
from tui.core.files.digest import file_digest
from tui.core.files.watch import FileWatcher
from tui.core.query import evaluate
from tui.core.timeline.errors import TimelineError
from tui.core.timeline.event import Timeline

if TYPE_CHECKING:
    from tui.app.app import PolicyApp
    from tui.core.files.cache import Prefetch
    from tui.core.files.chunks import Reuse


class LoadProgress(Message):
    """What the load worker is doing, for the header (``Loader.show_progress``)."""

    def __init__(self, note: str) -> None:
        self.note = note
        super().__init__()


SHOWN_WAIT = 3.0  # seconds a reload's background work waits for its result to be shown


class Loader:
    """The load and reload workers, and the watch on the file."""

    def __init__(
        self,
        app: PolicyApp,
        path: Path | None,
        *,
        prefetch: Prefetch | None,
        head_shown: bool,
        watch: bool,
        reuse: Reuse,
    ) -> None:
        self.app = app
        # What the last load of the file lends the next: a reload reparses only edited chunks.
        self._reuse = reuse
        self.path = path  # loaded by a worker at the start; None: the timeline came loaded
        self._prefetch = prefetch
        self._head_shown = head_shown
        self._watch = watch
        self._watcher: FileWatcher | None = None
        self.expected_events: int | None = None  # the estimate, until the whole file is read
        self._reloads = 0  # reloads asked for; only the newest one's result counts

    def start(self) -> None:
        if self.path is not None:
            self.app.run_worker(
                partial(self._load, self.path),
                thread=True,
                exclusive=True,
                group="load",
                exit_on_error=False,
            )
        self.start_watching()

    # -- the first load ----------------------------------------------------------------------

    def _load(self, path: Path) -> None:
        """Paint the first events quickly, then the whole file; keys stay answered meanwhile."""
        from tui.core.files.opening import Estimate, First, Opening, stages

        app = self.app
        if self._head_shown:
            self._wait_for_paint()  # the first frame, with the head's rows, comes first
        opening = Opening(path, prefetch=self._prefetch, reuse=self._reuse)
        index = None
        try:
            for stage in stages(opening, app.today, self._progress, head_shown=self._head_shown):
                if isinstance(stage, Estimate):
                    app.call_from_thread(self._set_expected, stage.events)
                elif isinstance(stage, First):
                    app.call_from_thread(
                        app.replace_timeline, stage.timeline, stage.index, loading=True
                    )
                    self._wait_for_paint()
                else:
                    index = stage.index
                    app.file_digest = stage.digest
                    app.call_from_thread(app.replace_timeline, stage.timeline, index, loading=False)
                    self._watch_loaded(path, stage.digest)
        except TimelineError as exc:
            app.call_from_thread(self._load_failed, exc)
            return
        # Build the search structures here, off the UI thread, before the first keystroke needs
        # them (filtering works meanwhile; the index yields the GIL between slices).
        if index is not None:
            index.warm()

    def _progress(self, note: str) -> None:
        """From the load worker: a note for the header. Posted, not called: the load goes on
        while the screen catches up (a hundred waits for it once made a load seconds slower)."""
        self.app.post_message(LoadProgress(note))

    def _set_expected(self, expected: int) -> None:
        self.expected_events = expected
        if self.app.loading and not self.app.closing:
            self.app.main_screen.update_header()

    def _wait_for_paint(self) -> None:
        """From the load worker: loading holds the GIL in long stretches, so let the rows on
        screen be drawn first (at most a second)."""
        painted = threading.Event()
        self.app.call_from_thread(self.app.call_after_refresh, painted.set)
        painted.wait(1.0)

    def show_progress(self, note: str) -> None:
        if not self.app.closing:
            self.app.query_one(TimelineHeader).set_progress(note)

    def _load_failed(self, error: TimelineError) -> None:
        # The CLI prints these after the terminal is restored, exactly as `validate` does.
        self.app.load_errors = error.format()
        self.app.exit(return_code=2 if error.unreadable else 1)

    # -- live reload -------------------------------------------------------------------------

    def start_watching(self, watcher: FileWatcher | None = None) -> None:
        app = self.app
        path = app.file_path
        if not self._watch or path is None or self._watcher is not None:
            return
        if watcher is None:
            if self.path is not None:
                # The load worker starts the watch once it has read the file (_watch_loaded):
                # a watcher hashes the file when made, and hashing 100 MB here, on the UI
                # thread, held the first frame back by 75-150 ms.
                return
            if app.file_digest is None:
                with contextlib.suppress(OSError):
                    app.file_digest = file_digest(path.read_bytes())
            watcher = FileWatcher(path, app.file_digest)
        self._watcher = watcher
        app.set_interval(tuning.WATCH_SECONDS, self._poll_file, name="watch")

    def _watch_loaded(self, path: Path, digest: str) -> None:
        """From the load worker: watch the file it loaded. Made here, off the UI thread; if the
        file already differs from the bytes loaded, the watcher's first poll reloads it."""
        if self._watch:
            self.app.call_from_thread(self.start_watching, FileWatcher(path, digest))

    def _poll_file(self) -> None:
        if self._watcher is not None and not self.app.loading and self._watcher.poll():
            self.reload()

    def reload(self) -> None:
        """Load the file again in a worker; keeps the query, the highlight and the scroll."""
        path = self.app.file_path
        if path is not None:
            # A thread worker cannot be stopped: a newer save's reload may finish first, and
            # then an older one's result must neither be shown nor kept.
            self._reloads += 1
            self.app.run_worker(
                partial(self._reload, path, self._reloads),
                thread=True,
                exclusive=True,
                group="load",
                exit_on_error=False,
            )

    def _reload(self, path: Path, number: int) -> None:
        from tui.core.files import cache

        app = self.app
        try:
            timeline, digest = cache.load_cached(path, self._reuse, keep=False)
            index = evaluate.Index(timeline.events, today=app.today)
            # Evaluated here, the query on screen is in the index's cache when the screen's
            # filter asks for it right after.
            index.filter(app.main_screen.query_box.query)
        except TimelineError as exc:
            app.call_from_thread(self.reload_failed, exc, number)
            return
        app.call_from_thread(self.reloaded, timeline, index, digest, number)
        # Writing the cache entry and the word index hold the GIL for long stretches: they
        # wait until the edit is on screen (or a while, if another filter came first).
        deadline = time.monotonic() + SHOWN_WAIT
        while not app.main_screen.showing(index) and time.monotonic() < deadline:
            if app.closing or number != self._reloads:
                return  # closing, or a newer reload does this
            time.sleep(0.01)
        if number == self._reloads:
            # The next opening of the file needs no parse.
            cache.keep(path, digest, timeline, self._reuse)
            index.warm()

    def reloaded(
        self, timeline: Timeline, index: evaluate.Index, digest: str, number: int | None = None
    ) -> None:
        app = self.app
        if app.closing or (number is not None and number != self._reloads):
            return  # closing, or a newer save is being read
        app.file_digest = digest
        app.query_one(ProblemsPanel).clear()
        app.replace_timeline(timeline, index)

    def reload_failed(self, error: TimelineError, number: int | None = None) -> None:
        if number is not None and number != self._reloads:
            return  # a newer save is being read
        # The last good data stays on screen; the panel says what is wrong and where.
        self.app.file_digest = None  # the file on disk is not what is shown: saving must refuse
        if not self.app.closing:
            self.app.query_one(ProblemsPanel).show_error(error)
