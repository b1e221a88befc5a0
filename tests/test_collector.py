"""The garbage collector's pauses: nested, across threads, and the one over the app's start."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator

import pytest

from tui.core.files import collector


@pytest.fixture(autouse=True)
def _collector_on() -> Iterator[None]:
    assert gc.isenabled()
    yield
    gc.unfreeze()
    gc.enable()


def test_pauses_nest_across_threads_and_restore_the_collector() -> None:
    entered, leave = threading.Event(), threading.Event()

    def other() -> None:
        with collector.paused():
            entered.set()
            leave.wait(5)

    thread = threading.Thread(target=other)
    with collector.paused():
        thread.start()
        entered.wait(5)
    assert not gc.isenabled()  # the other thread's pause still holds
    leave.set()
    thread.join(5)
    assert gc.isenabled()


def test_the_start_pause_ends_once_and_freezes_what_the_start_made() -> None:
    collector.pause_for_start()
    collector.pause_for_start()  # a second call is not a second pause
    assert not gc.isenabled()
    made = [[n] for n in range(1000)]
    before = gc.get_freeze_count()
    collector.end_start()
    assert gc.isenabled()
    assert gc.get_freeze_count() >= before + len(made)
    collector.end_start()  # nothing to end: no second freeze, no unbalanced resume
    assert gc.isenabled()
    with collector.paused():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_ending_the_start_inside_another_pause_waits_for_that_pause() -> None:
    collector.pause_for_start()
    with collector.paused():
        collector.end_start()
        assert not gc.isenabled()
    assert gc.isenabled()


def test_a_collector_switched_off_before_stays_off() -> None:
    gc.disable()
    collector.pause_for_start()
    collector.end_start()
    assert not gc.isenabled()


def test_the_start_pause_collects_its_garbage_before_freezing() -> None:
    import weakref

    class Node:
        pass

    collector.pause_for_start()
    cycle = Node()
    cycle.me = cycle  # type: ignore[attr-defined]
    dead = weakref.ref(cycle)
    del cycle
    collector.end_start()
    assert dead() is None  # collected, not frozen for the rest of the session


def test_the_start_pause_inside_a_loaders_pause_neither_collects_nor_freezes() -> None:
    collector.pause_for_start()
    collector.pause()  # a loader building a big timeline, in its worker
    before = gc.get_freeze_count()
    collector.end_start()
    assert gc.get_freeze_count() == before and not gc.isenabled()
    collector.resume()
    assert gc.isenabled()
