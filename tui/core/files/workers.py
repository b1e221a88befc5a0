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
from typing import IO, Any, TypeVar

from tui.core import tuning
from tui.core.files import load, rows

Job = TypeVar("Job")
# What ``load.parse_events`` gives for a chunk, with its events as marshalled rows.
Sent = tuple[dict[str, Any], bytes, list[int] | None, bool]

_ROOT = str(Path(__file__).resolve().parents[3])  # the folder holding this ``tui`` package
_SERVE = "; ".join(
    (
        "import sys",
        "sys.path.insert(0, sys.argv[1])",
        "from tui.core.files import workers",
        "workers.serve()",
    )
)


ENV_VAR = "POLICY_TUI_WORKERS"


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
    """A worker's loop: a chunk in, its ``Sent`` (or None) out, until the input closes."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    source, sink = sys.stdin.buffer, sys.stdout.buffer
    sys.stdout = sys.stderr  # a stray print must not break the answers' framing
    while (request := _read(source)) is not None:
        found = load.parse_events(request.decode("utf-8", "surrogatepass"))
        sent: Sent | None = None
        if found is not None:
            data, events, offsets, plain = found
            sent = (data, marshal.dumps(rows.to_rows(events)), offsets, plain)
        _write(sink, pickle.dumps(sent, pickle.HIGHEST_PROTOCOL))


class _Pool:
    """Worker processes, each fed by a thread of its own from one queue of chunks: a worker
    that finishes a chunk takes the next, so a long chunk never holds the others up."""

    def __init__(self, processes: int) -> None:
        self._jobs: queue.SimpleQueue[tuple[str, Future[Sent | None]]] = queue.SimpleQueue()
        self._stopped = threading.Event()
        self._threads = []
        for _ in range(processes):
            try:
                # -P: the folder the app runs in is not on the worker's path (a queue.py there
                # must not be imported in place of the standard library's).
                process = subprocess.Popen(
                    [sys.executable, "-P", "-c", _SERVE, _ROOT],
                    stdin=subprocess.PIPE,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.DEVNULL,
                )
            except BaseException:
                self.stop()  # the workers started so far exit
                raise
            thread = threading.Thread(
                target=self._feed, args=(process,), name="policy-tui parser", daemon=True
            )
            thread.start()
            self._threads.append(thread)

    def submit(self, chunk: str) -> Future[Sent | None]:
        future: Future[Sent | None] = Future()
        self._jobs.put((chunk, future))
        if self._stopped.is_set():
            self._fail_queued()  # no thread may be left to answer it
        return future

    def stop(self) -> None:
        """No more chunks: each worker's input is closed, and it exits."""
        self._stopped.set()
        for _ in self._threads:
            self._jobs.put(("", Future()))  # wakes a waiting thread to see the flag

    def _fail_queued(self) -> None:
        with contextlib.suppress(queue.Empty):
            while True:
                _chunk, future = self._jobs.get_nowait()
                if not future.done():
                    future.set_exception(EOFError("the workers were stopped"))

    def _feed(self, process: subprocess.Popen[bytes]) -> None:
        assert process.stdin is not None and process.stdout is not None
        try:
            while True:
                chunk, future = self._jobs.get()
                if self._stopped.is_set():
                    future.set_exception(EOFError("the workers were stopped"))
                    break
                try:
                    _write(process.stdin, chunk.encode("utf-8", "surrogatepass"))
                    answer = _read(process.stdout)
                    if answer is None:
                        raise EOFError("a worker stopped")
                    future.set_result(pickle.loads(answer))
                except Exception as exc:
                    # A worker gone: its chunk, and every chunk still queued, fail the load
                    # (whose careful path follows) rather than wait for ever.
                    future.set_exception(exc)
                    self._stopped.set()
                    self._fail_queued()
                    break
        finally:
            with contextlib.suppress(OSError):
                process.stdin.close()
            process.wait()
            process.stdout.close()


def parsed(
    jobs: Iterable[Job],
    chunk_of: Callable[[Job], str | None],
    processes: int,
) -> Generator[tuple[Job, load.Parsed | None], None, None]:
    """Each job with its chunk's ``load.parse_events``, in order. ``chunk_of`` gives the chunk a
    job needs parsed (None: nothing to parse). The first chunk is parsed here while the
    ``processes`` start; the others by them, a few ahead."""
    pool: _Pool | None = None
    rebuild = rows.Rebuild()
    ahead: deque[tuple[Job, str | None, Future[Sent | None] | None]] = deque()

    def done(job: Job, chunk: str | None, sent: Future[Sent | None] | None) -> Any:
        if sent is None:
            return job, None if chunk is None else load.parse_events(chunk)
        result = sent.result()
        if result is None:
            return job, None
        data, packed, offsets, plain = result
        return job, (data, rebuild.events(marshal.loads(packed)), offsets, plain)

    try:
        for job in jobs:
            chunk = chunk_of(job)
            sent = None
            if chunk is not None:
                if pool is None:
                    # Started now: they start while this process parses this first chunk.
                    pool = _Pool(processes)
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
