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
from tui.core.text.sanitize import clean
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
        self._reloads = 0  # reloads begun; only the newest one's result counts
        self._numbers = threading.Lock()  # the UI thread and workers number reloads
        self._read_lock = threading.Lock()  # the watcher reads in one worker at a time
        self._reading = False  # a worker reads what the last look asked for
        self._making: int | None = None  # the reload a changed read began, until it is shown

    def start(self) -> None:
        if self.path is not None:
            # Set by the first frame itself: the load need not ask the UI thread when it is drawn.
            first_frame = threading.Event()
            self.app.call_after_refresh(first_frame.set)
            self.app.run_worker(
                partial(self._load, self.path, first_frame),
                thread=True,
                exclusive=True,
                group="load",
                exit_on_error=False,
            )
        self.start_watching()

    # -- the first load ----------------------------------------------------------------------

    def _load(self, path: Path, first_frame: threading.Event) -> None:
        """Paint the first events quickly, then the whole file; keys stay answered meanwhile."""
        from tui.core.files.opening import Estimate, First, Opening, stages

        app = self.app
        opening = Opening(path, prefetch=self._prefetch, reuse=self._reuse)
        index = None
        if self._head_shown:
            first_frame.wait(1.0)  # the first frame, with the head's rows, comes first
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
        except Exception as exc:  # a bug of ours: said, not a screen left "loading…" for good
            if index is None:
                app.call_from_thread(self._load_crashed, path, exc)
                return
            raise
        # Build the search structures here, off the UI thread, before the first keystroke needs
        # them (filtering works meanwhile; the index yields the GIL between slices).
        if index is not None:
            index.warm()
            # An opening from the cache imported no loader and left what the entry outlined
            # folded: the first save's reload would pay for both while the user waits.
            from tui.core.files import load  # noqa: F401

            self._reuse.unfold()

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

    def _load_crashed(self, path: Path, error: Exception) -> None:
        name = clean(f"{type(error).__name__}: {error}")
        self.app.load_errors = (
            f"policy-tui: error: {clean(str(path))}: could not be loaded: an internal error "
            f"({name}); please report it"
        )
        self.app.exit(return_code=1)

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
        """On the UI thread: one stat; a file that may have changed is read by a worker."""
        watcher = self._watcher
        if watcher is None or self.app.loading or self._reading:
            return
        # While a save is being loaded, reading the file again only for its fresh timestamps
        # would take a core from that load: those reads wait until it is shown.
        if not watcher.look(racy=self._making is None):
            return
        path = self.app.file_path
        if path is not None:
            self._reading = True  # one read at a time: the next look waits until it is done
            # Its own group, never cancelled by another worker before it runs: it ends the read.
            work = partial(self._reload, path, asked=False)
            self.app.run_worker(work, thread=True, group="watch", exit_on_error=False)

    def reload(self) -> None:
        """Load the file again in a worker; keeps the query, the highlight and the scroll."""
        path = self.app.file_path
        if path is not None:
            # A thread worker cannot be stopped: a newer save's reload may finish first, and
            # then an older one's result must neither be shown nor kept.
            self._claim()
            self.app.run_worker(
                partial(self._reload, path, asked=True),
                thread=True,
                exclusive=True,
                group="load",
                exit_on_error=False,
            )

    def _claim(self) -> int:
        """A reload's number: only the newest one's result is shown."""
        with self._numbers:
            self._reloads += 1
            return self._reloads

    def _read(self, asked: bool) -> tuple[bytes | None, str | None, int] | None:
        """In a worker: the watcher reads the file and hashes it, once. None when the bytes
        are those of the last read (a ``touch``, the same text saved again) and no reload
        was ``asked`` for; else the bytes and their digest (None: not a readable file, or no
        watcher: the loader reads it) and the reload's number."""
        watcher = self._watcher
        if watcher is None:
            return None, None, self._claim()
        # One read at a time, numbered as read: the newest bytes are the newest reload's.
        with self._read_lock:
            change = watcher.read(always=asked)
            if not change.changed and not asked:
                return None
            number = self._making = self._claim()
            return change.data, change.state.digest, number

    def _reload(self, path: Path, *, asked: bool) -> None:
        """``asked``: a reload asked for (the editor, the form), else the watcher's look saw
        the stat change."""
        from tui.core.files import cache

        app = self.app
        try:
            found = self._read(asked)
        finally:
            if not asked:
                self._reading = False
        if found is None:
            return  # the same bytes as the last read
        data, sha256, number = found
        del found
        try:
            try:
                # The bytes the watcher hashed, parsed as they are: the digest is theirs.
                timeline, digest = cache.load_cached(
                    path, self._reuse, keep=False, data=data, sha256=sha256
                )
                del data  # not held while the index is built and shown
                index = evaluate.Index(timeline.events, today=app.today)
                # Evaluated here, the query on screen is in the index's cache when the
                # screen's filter asks for it right after.
                index.filter(app.main_screen.query_box.query)
            except TimelineError as exc:
                app.call_from_thread(self.reload_failed, exc, number)
                return
            app.call_from_thread(self.reloaded, timeline, index, digest, number)
            # Writing the cache entry and the word index hold the GIL for long stretches:
            # they wait until the edit is on screen (or a while, if another filter came first).
            deadline = time.monotonic() + SHOWN_WAIT
            while not app.main_screen.showing(index) and time.monotonic() < deadline:
                if app.closing or number != self._reloads:
                    return  # closing, or a newer reload does this
                time.sleep(0.01)
        finally:
            if self._making == number:
                self._making = None  # the reads for fresh timestamps may go on
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
