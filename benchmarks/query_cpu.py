"""The query engine alone, at engine level (issue #17): what an ``Index`` costs to build and to ask.

    python benchmarks/query_cpu.py benchmarks/data/events-100k.toml words
    python benchmarks/query_cpu.py benchmarks/data/events-100k.toml nowords

The timeline comes through ``load_cached`` (the load is not what is measured here). Then, on
one index, each part is built in the order ``Index.warm`` builds them and timed apart (each
facet, the time columns, the ids, the search texts, with ``words`` the word index), and the
process's memory is noted: the resident size gained by the index (``/proc/self/statm``) and
the peak (``ru_maxrss``). Then the keystrokes: every prefix of six searches, each a filter and
the five facet counts the app asks for, two rounds with the index's caches emptied between
them; p50 and p90 of both rounds, in wall time and in the thread's CPU time (steadier when
other work shares the machine); the same for free text typed after a field term (``MIXED``).
Last, on a fresh index, ``warm()`` in a thread while this thread sleeps 1 ms at a time, as a
UI thread waiting for keys would: the warm time and the longest this thread waited for the
GIL (the UI's worst stall while the index warms).
"""

from __future__ import annotations

import gc
import os
import resource
import sys
import threading
import time
from functools import partial
from pathlib import Path

from tui.core.files.cache import load_cached
from tui.core.query.evaluate import Index
from tui.core.query.language import parse

WORDS = ["telegram", "court order", "country:RU", "encryption", "blocked users", "vpn"]
# Free text typed after a field term: narrowed text searches, and the term asked again.
MIXED = [("country:RU", "court"), ("during:2020", "blocked"), ("id:sa-*", "vpn")]
FACETS = ("country", "platform", "action", "tag", "status")


def rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def forget(index: Index) -> None:
    """Empty whatever answers the index keeps, so that a round asks afresh."""
    for holder in (index, index._text):
        for name in ("_cache", "_partial"):
            cache = getattr(holder, name, None)
            if cache is not None:
                cache.clear()


def main() -> None:
    path, mode = sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else "words"
    timeline, _ = load_cached(Path(path))
    gc.collect()
    before = rss_mb()
    print(f"{len(timeline.events)} events; rss {before:.0f} MB, peak {peak_mb():.0f} MB")

    index = Index(timeline.events)
    steps = [(f, partial(index._values, f)) for f in (*FACETS, "authority")]
    steps += [("time", index._times), ("ids", index._ids), ("texts", index._text.build)]
    if mode == "words":
        steps.append(("words", index._text.build_words))
    total = cpu_total = 0.0
    for name, build in steps:
        t0, c0 = time.perf_counter(), time.thread_time()
        build()
        took, cpu = time.perf_counter() - t0, time.thread_time() - c0
        total += took
        cpu_total += cpu
        print(f"build {name:10} {took * 1000:7.1f} ms (cpu {cpu * 1000:7.1f} ms)")
    gc.collect()
    print(f"build total      {total * 1000:7.1f} ms (cpu {cpu_total * 1000:7.1f} ms)")
    print(f"index rss +{rss_mb() - before:.0f} MB, peak {peak_mb():.0f} MB")

    typed = [word[:k] for word in WORDS for k in range(1, len(word) + 1)]
    mixed = [f"{term} {word[:k]}" for term, word in MIXED for k in range(1, len(word) + 1)]
    for name, texts in (("", typed), ("mixed ", mixed)):
        lat: list[float] = []
        cpus: list[float] = []
        for rnd in range(2):
            for text in texts:
                try:
                    query = parse(text)
                except Exception:
                    continue
                t0, c0 = time.perf_counter(), time.thread_time()
                kept = index.filter(query)
                for facet in FACETS:
                    index.facet_counts(query, facet)
                took = time.perf_counter() - t0
                lat.append(took)
                cpus.append(time.thread_time() - c0)
                if rnd == 0:
                    print(f"{text!r:24} {len(kept):6} {took * 1000:7.1f} ms")
            forget(index)
        for what, times in (("", lat), (" cpu", cpus)):
            times.sort()
            p50, p90 = times[len(times) // 2] * 1000, times[int(len(times) * 0.9)] * 1000
            print(f"{name}p50 {p50:.1f} ms  p90 {p90:.1f} ms{what}")

    del index
    gc.collect()
    fresh = Index(timeline.events)
    done = threading.Event()
    took_warm = [0.0, 0.0]

    def warm() -> None:
        t0, c0 = time.perf_counter(), time.thread_time()
        fresh.warm()
        took_warm[:] = time.perf_counter() - t0, time.thread_time() - c0
        done.set()

    waits: list[float] = []
    worker = threading.Thread(target=warm)
    worker.start()
    while not done.is_set():
        t0 = time.perf_counter()
        time.sleep(0.001)
        waits.append(time.perf_counter() - t0)
    worker.join()
    waits.sort()
    print(
        f"warm {took_warm[0] * 1000:.0f} ms (cpu {took_warm[1] * 1000:.0f} ms); "
        "the sleeping thread waited at most "
        f"{waits[-1] * 1000:.1f} ms, p99 {waits[int(len(waits) * 0.99)] * 1000:.1f} ms"
    )


if __name__ == "__main__":
    main()
