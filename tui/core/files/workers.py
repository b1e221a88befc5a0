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
    while (request := _read(source)) is not None:
        found = load.parse_events(request.decode("utf-8", "surrogatepass"))
        sent: Sent | None = None
        if found is not None:
            data, events, offsets, plain = found
            sent = (data, marshal.dumps(rows.to_rows(events)), offsets, plain)
        _write(sink, pickle.dumps(sent, pickle.HIGHEST_PROTOCOL))


class _Worker:
    """One worker process and the thread that feeds it chunks, one at a time, in order."""

    def __init__(self) -> None:
        self._jobs: queue.SimpleQueue[tuple[str, Future[Sent | None]] | None] = queue.SimpleQueue()
        self._process = subprocess.Popen(
            [sys.executable, "-c", _SERVE, _ROOT],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
        self._thread = threading.Thread(target=self._run, name="policy-tui parser", daemon=True)
        self._thread.start()

    def submit(self, chunk: str) -> Future[Sent | None]:
        future: Future[Sent | None] = Future()
        self._jobs.put((chunk, future))
        return future

    def stop(self) -> None:
        self._jobs.put(None)

    def _run(self) -> None:
        process = self._process
        assert process.stdin is not None and process.stdout is not None
        try:
            while (job := self._jobs.get()) is not None:
                chunk, future = job
                try:
                    _write(process.stdin, chunk.encode("utf-8", "surrogatepass"))
                    answer = _read(process.stdout)
                    if answer is None:
                        raise EOFError("a worker stopped")
                    future.set_result(pickle.loads(answer))
                except Exception as exc:
                    future.set_exception(exc)
                    break
        finally:
            with contextlib.suppress(OSError):
                process.stdin.close()
            process.wait()
            # Whatever was still queued is answered, so that no reader waits for ever.
            while not self._jobs.empty():
                left = self._jobs.get_nowait()
                if left is not None:
                    left[1].set_exception(EOFError("a worker stopped"))


def parsed(
    jobs: Iterable[Job],
    chunk_of: Callable[[Job], str | None],
    processes: int,
) -> Generator[tuple[Job, load.Parsed | None], None, None]:
    """Each job with its chunk's ``load.parse_events``, in order. ``chunk_of`` gives the chunk a
    job needs parsed (None: nothing to parse). The first chunk is parsed here while the
    ``processes`` start; the others by them, a few ahead."""
    workers: list[_Worker] = []
    rebuild = rows.Rebuild()
    ahead: deque[tuple[Job, str | None, Future[Sent | None] | None]] = deque()
    turn = 0

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
                if not workers:
                    # Started now: they start while this process parses this first chunk.
                    workers = [_Worker() for _ in range(processes)]
                else:
                    sent = workers[turn % processes].submit(chunk)
                    turn += 1
            ahead.append((job, chunk, sent))
            while ahead and (ahead[0][2] is None or len(ahead) > 4 * processes):
                yield done(*ahead.popleft())
        while ahead:
            yield done(*ahead.popleft())
    finally:
        for worker in workers:
            worker.stop()
