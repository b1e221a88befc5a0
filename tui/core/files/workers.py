"""Parsing a file's chunks on other cores: worker processes that send back rows.

Parsing and validating is nearly all of a first opening's time, and one process holds one core
(the interpreter lock). A big file with nothing to borrow (``chunks.Reuse``) is parsed by
worker processes, a chunk at a time, a few chunks ahead of the loader, which takes the results
in file order: each chunk's events as rows of builtins (``rows``, marshalled), rebuilt here into
the same records the loader would have made.

A worker is a fresh interpreter running ``serve`` on this very package, talking over its
standard input and output; never a fork (the app runs threads, and a fork copies their locks
held), and not ``multiprocessing`` either, whose spawned children run the parent's main script
again. Its standard error goes nowhere: nothing of it reaches the terminal the app draws on. It
ignores Ctrl-C (closing its input stops it). A worker that fails in any way fails the load's
fast path: the loader then takes its careful path.
"""

from __future__ import annotations

import contextlib
import marshal
import os
import pickle
import queue
import signal
import subprocess
import sys
import threading
from collections import deque
from collections.abc import Callable, Generator, Iterable
from concurrent.futures import Future
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, TypeVar

from tui.core import tuning
from tui.core.files import rows

if TYPE_CHECKING:
    from tui.core.files import load

Job = TypeVar("Job")
# What ``load.parse_events`` gives for a chunk, with its events as marshalled rows.
Sent = tuple[dict[str, Any], bytes, list[int] | None, int, bool]

_ROOT = str(Path(__file__).resolve().parents[3])  # the folder holding this ``tui`` package
_SERVE = "; ".join(
    (
        "import sys",
        "sys.path[:0] = sys.argv[1:]",
        "from tui.core.files import workers",
        "workers.serve()",
    )
)


ENV_VAR = "POLICY_TUI_WORKERS"


def _command() -> list[str]:
    """How a worker starts: ``-S``, this process's module path instead (where ``site`` found
    the packages, without running its start-up files again); ``-P`` and no current folder, so
    that a ``queue.py`` there is never imported in place of the standard library's."""
    try:
        here = os.path.realpath(os.getcwd())
    except OSError:
        here = ""
    path = [p for p in sys.path if os.path.isabs(p) and os.path.realpath(p) != here]
    return [sys.executable, "-S", "-P", "-c", _SERVE, _ROOT, *path]


def count() -> int:
    """How many workers a load may start: none on one core, at most ``$POLICY_TUI_WORKERS``."""
    setting = os.environ.get(ENV_VAR, "").strip()
    most = int(setting) if setting.isdecimal() else tuning.PARSE_WORKERS
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not on Linux
        cores = os.cpu_count() or 1
    if cores < 2 or not sys.executable:
        return 0
    return min(cores, most)


def _write(stream: IO[bytes], data: bytes) -> None:
    stream.write(len(data).to_bytes(8, "little"))
    stream.write(data)
    stream.flush()


def _read(stream: IO[bytes]) -> bytes | None:
    head = stream.read(8)
    if len(head) < 8:
        return None
    size = int.from_bytes(head, "little")
    data = stream.read(size)
    if len(data) != size:
        raise EOFError("a worker's answer was cut short")
    return data


def serve() -> None:
    """A worker's loop until the input closes: a chunk in, its ``Sent`` (or None) out."""
    from tui.core.files import toml10

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    served = False

    def loop() -> None:
        nonlocal served
        served = True
        _serve()

    try:
        toml10.deepest(loop)  # then a parse starts no thread of its own
    except Exception:
        if served:
            raise
        _serve()  # no such stack to be had: each parse asks for one


def _serve() -> None:
    from tui.core.files import load

    source, sink = sys.stdin.buffer, sys.stdout.buffer
    sys.stdout = sys.stderr  # a stray print must not break the answers' framing
    while (request := _read(source)) is not None:
        answer: Any = None
        # What a chunk makes is freed by reference counting when its answer has gone: the
        # collector's passes over it would only cost time (``tuning``).
        with tuning.gc_paused():
            found = load.parse_events(request.decode("utf-8", "surrogatepass"))
            if found is not None:
                data, events, offsets, newlines, lendable = found
                answer = (data, marshal.dumps(rows.to_rows(events)), offsets, newlines, lendable)
            _write(sink, pickle.dumps(answer, pickle.HIGHEST_PROTOCOL))


class Pool:
    """Worker processes, each fed by a thread of its own from one queue of requests: a worker
    that finishes a chunk takes the next, so a long chunk never holds the others up."""

    def __init__(self, processes: int) -> None:
        """Start ``processes`` workers: as many as can start (a process limit), at least one."""
        self._jobs: queue.SimpleQueue[tuple[bytes, Future[Any]]] = queue.SimpleQueue()
        self._stopped = threading.Event()
        self._threads: list[threading.Thread] = []
        for _ in range(processes):
            try:
                process = subprocess.Popen(
                    _command(),
                    stdin=subprocess.PIPE,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.DEVNULL,
                )
            except Exception:
                if not self._threads:
                    raise
                return
            except BaseException:
                self.stop()  # the workers started so far exit
                raise
            thread = threading.Thread(
                target=self._feed, args=(process,), name="policy-tui parser", daemon=True
            )
            thread.start()
            self._threads.append(thread)

    def __len__(self) -> int:
        return len(self._threads)

    def submit(self, chunk: str) -> Future[Sent | None]:
        """``load.parse_events`` of ``chunk``, its events as marshalled rows."""
        future: Future[Sent | None] = Future()
        self._jobs.put((chunk.encode("utf-8", "surrogatepass"), future))
        if self._stopped.is_set():
            self._fail_queued()  # no thread may be left to answer it
        return future

    def stop(self) -> None:
        """No more requests: each worker's input is closed, and it exits."""
        self._stopped.set()
        for _ in self._threads:
            self._jobs.put((b"", Future()))  # wakes a waiting thread to see the flag

    def _fail_queued(self) -> None:
        with contextlib.suppress(queue.Empty):
            while True:
                _request, future = self._jobs.get_nowait()
                if not future.done():
                    future.set_exception(EOFError("the workers were stopped"))
        for _ in self._threads:  # the stop's wake-ups may have gone with them
            self._jobs.put((b"", Future()))

    def _feed(self, process: subprocess.Popen[bytes]) -> None:
        assert process.stdin is not None and process.stdout is not None
        room = _widen(process.stdin)
        sent: deque[tuple[int, Future[Any]]] = deque()  # written, not answered yet
        held: tuple[bytes, Future[Any]] | None = None  # taken, not written yet
        try:
            while True:
                if held is None and len(sent) < 2:
                    with contextlib.suppress(queue.Empty):
                        held = self._jobs.get(block=not sent)
                    if held is not None and self._stopped.is_set():
                        held[1].set_exception(EOFError("the workers were stopped"))
                        for _size, future in sent:  # their answers are not waited for
                            future.set_exception(EOFError("the workers were stopped"))
                        break
                try:
                    # The next request goes before this answer is read when both fit in the
                    # worker's pipe (it reads a request whole before it answers): then the
                    # worker never waits for this thread between chunks.
                    size = 8 + len(held[0]) if held is not None else 0  # with its length
                    if held is not None and (not sent or sent[0][0] + size <= room):
                        _write(process.stdin, held[0])
                        sent.append((size, held[1]))
                        held = None
                        continue
                    answer = _read(process.stdout)
                    if answer is None:
                        raise EOFError("a worker stopped")
                    sent.popleft()[1].set_result(pickle.loads(answer))
                except Exception as exc:
                    # A worker gone: its chunks, and every chunk still queued, fail the load
                    # (whose careful path follows) rather than wait for ever.
                    for _size, future in sent:
                        future.set_exception(exc)
                    if held is not None:
                        held[1].set_exception(exc)
                    self._stopped.set()
                    self._fail_queued()
                    break
        finally:
            with contextlib.suppress(OSError):
                process.stdin.close()
            # Before the wait: a worker writing an answer no one will read then stops at once.
            process.stdout.close()
            process.wait()


def _widen(pipe: IO[bytes]) -> int:
    """The bytes ``pipe`` holds: made 1 MiB where the system lets it."""
    try:
        import fcntl

        fcntl.fcntl(pipe.fileno(), fcntl.F_SETPIPE_SZ, 1 << 20)
        return int(fcntl.fcntl(pipe.fileno(), fcntl.F_GETPIPE_SZ))
    except (ImportError, AttributeError, OSError):
        return 0  # unknown: one request at a time


def parsed(
    jobs: Iterable[Job],
    chunk_of: Callable[[Job], str | None],
    processes: int,
) -> Generator[tuple[Job, load.Parsed | None], None, None]:
    """Each job with its chunk's ``load.parse_events``, in order. ``chunk_of`` gives the chunk a
    job needs parsed (None: nothing to parse). The first is parsed here while ``processes``
    workers start; they parse the others, a few ahead."""
    from tui.core.files import load

    rebuild = rows.Rebuild()
    pool: Pool | None = None
    ahead: deque[tuple[Job, str | None, Future[Sent | None] | None]] = deque()

    def done(job: Job, chunk: str | None, sent: Future[Sent | None] | None) -> Any:
        if sent is None:
            return job, None if chunk is None else load.parse_events(chunk)
        result = sent.result()
        if result is None:
            return job, None
        data, packed, offsets, newlines, lendable = result
        return job, (data, rebuild.events(marshal.loads(packed)), offsets, newlines, lendable)

    try:
        for job in jobs:
            chunk = chunk_of(job)
            sent = None
            if chunk is not None:
                if pool is None:
                    # Started now: they start while this process parses this first chunk.
                    pool = Pool(processes)
                else:
                    sent = pool.submit(chunk)
            ahead.append((job, chunk, sent))
            while ahead and (ahead[0][2] is None or len(ahead) > 4 * processes):
                yield done(*ahead.popleft())
        while ahead:
            yield done(*ahead.popleft())
    finally:
        if pool is not None:
            pool.stop()
