"""Letting the UI thread in: long layout loops run in a worker thread and hold the GIL."""

from __future__ import annotations

import threading
import time

CHUNK = 4096  # events between two chances for other threads to take the GIL

_BREATH = 0.002  # seconds of work between two breaths
_breaths = threading.local()


def breathe() -> None:
    """Let the UI thread take the GIL, if this thread has held it for a while.

    A big view is laid out in a worker thread. Its loops hold the GIL, and the UI thread, which
    gives the GIL up at every read and write, would wait for it each time; sleeping hands it
    over. Each sleep costs a system call (milliseconds on a busy machine), hence the rate
    limit. The UI thread itself never needs to."""
    if threading.current_thread() is threading.main_thread():
        return
    now = time.perf_counter()
    if now - getattr(_breaths, "last", 0.0) >= _BREATH:
        time.sleep(0)
        _breaths.last = time.perf_counter()
