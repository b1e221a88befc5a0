"""tui.core.tuning: the garbage collector's pauses (nested, across threads, the one over the
app's start) and the freeze after many objects."""

from __future__ import annotations

import gc
import threading
import weakref
from collections.abc import Iterator

import pytest

from tui.core import tuning


@pytest.fixture(autouse=True)
def _collector_on() -> Iterator[None]:
    assert gc.isenabled()
    yield
    gc.unfreeze()
    gc.enable()


def test_pauses_nest_across_threads_and_restore_the_collector() -> None:
    entered, leave = threading.Event(), threading.Event()

    def other() -> None:
        with tuning.gc_paused():
            entered.set()
            leave.wait(5)

    thread = threading.Thread(target=other)
    with tuning.gc_paused():
        thread.start()
        entered.wait(5)
    assert not gc.isenabled()  # the other thread's pause still holds
    leave.set()
    thread.join(5)
    assert gc.isenabled()


def test_the_start_pause_ends_once_and_freezes_what_the_start_made() -> None:
    tuning.gc_pause_for_start()
    tuning.gc_pause_for_start()  # a second call is not a second pause
    assert not gc.isenabled()
    made = [[n] for n in range(1000)]
    before = gc.get_freeze_count()
    tuning.gc_end_start()
    assert gc.isenabled()
    assert gc.get_freeze_count() >= before + len(made)
    tuning.gc_end_start()  # nothing to end: no second freeze, no unbalanced resume
    assert gc.isenabled()
    with tuning.gc_paused():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_ending_the_start_inside_another_pause_waits_for_that_pause() -> None:
    tuning.gc_pause_for_start()
    with tuning.gc_paused():
        tuning.gc_end_start()
        assert not gc.isenabled()
    assert gc.isenabled()


def test_a_collector_switched_off_before_stays_off() -> None:
    gc.disable()
    tuning.gc_pause_for_start()
    tuning.gc_end_start()
    assert not gc.isenabled()


def garbage_of_the_start() -> weakref.ref[object]:
    """A cycle made and dropped while the start's pause holds: only a collection frees it."""

    class Node:
        pass

    tuning.gc_pause_for_start()
    cycle = Node()
    cycle.me = cycle  # type: ignore[attr-defined]
    return weakref.ref(cycle)


def test_the_start_pause_collects_its_garbage_before_freezing() -> None:
    dead = garbage_of_the_start()
    tuning.gc_end_start()
    assert dead() is None  # collected, not frozen for the rest of the session


def test_the_start_pause_inside_a_loaders_pause_neither_collects_nor_freezes() -> None:
    tuning.gc_pause_for_start()
    with tuning.gc_paused():  # a loader building a big timeline, in its worker
        before = gc.get_freeze_count()
        tuning.gc_end_start()
        assert gc.get_freeze_count() == before and not gc.isenabled()
    assert gc.isenabled()


def test_the_start_pause_can_end_without_its_collection() -> None:
    """A load begins at the first frame: the start's garbage is frozen, not collected, and no
    collection is due when the pause ends."""
    alive = garbage_of_the_start()
    before = gc.get_freeze_count()
    tuning.gc_end_start(collect=False)
    assert alive() is not None and gc.get_freeze_count() > before
    assert gc.isenabled() and gc.get_count()[0] < 100


def test_only_many_objects_are_frozen() -> None:
    before = gc.get_freeze_count()
    tuning.freeze_if_many(tuning.FREEZE_FROM - 1)
    assert gc.get_freeze_count() == before
    made = [[n] for n in range(10)]
    tuning.freeze_if_many(tuning.FREEZE_FROM)
    assert gc.get_freeze_count() >= before + len(made)
