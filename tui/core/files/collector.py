"""Pauses of Python's cyclic garbage collector while many long-lived objects are made.

Reference counting frees almost everything this program drops; the cyclic collector only adds
passes over objects that will live as long as the process (modules, widgets, events). Each pass
walks the young heap, and a full one the whole heap: while an index, a timeline or the app
itself is built, those passes cost more than the building.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_pauses = 0
_was_enabled = True
_start_paused = False


def pause() -> None:
    """Begin a pause; pauses nest and may be taken by several threads."""
    global _pauses, _was_enabled
    with _lock:
        if _pauses == 0:
            _was_enabled = gc.isenabled()
        _pauses += 1
        gc.disable()


def resume() -> None:
    """End a pause; the collector runs again when the last one ends (if it ran before)."""
    global _pauses
    with _lock:
        _pauses -= 1
        if _pauses == 0 and _was_enabled:
            gc.enable()


@contextmanager
def paused() -> Iterator[None]:
    """No collections inside (nesting and threads allowed)."""
    pause()
    try:
        yield
    finally:
        resume()


def pause_for_start() -> None:
    """Pause from the explorer's start to its first frame (``end_start``).

    Measured on the shipped timeline: 116 young, 10 middle and one full collection before
    the first frame, 40-55 ms of it; the minimal Textual app pays ~15 ms.
    """
    global _start_paused
    if not _start_paused:
        _start_paused = True
        pause()


def end_start() -> None:
    """The first frame is drawn: collect what the start left, keep what it built out of later
    full collections (``gc.freeze``: modules, widgets, styles live as long as the app), and end
    the start's pause. One collection here (~20-30 ms on the shipped timeline) instead of one
    in the middle of the first keystroke.

    While another pause holds (a loader building a big timeline), the start's pause just ends:
    a collection now would walk the records being made, and the loader freezes them itself."""
    global _start_paused
    if not _start_paused:
        return
    _start_paused = False
    with _lock:
        alone = _pauses == 1
    if alone:
        gc.collect()
        gc.freeze()
    resume()
