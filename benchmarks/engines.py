"""Engine-level measurements for issue #17: today's engine against the sqlite3 prototype.

    python3 benchmarks/engines.py --sizes 100k --runs 3 --json engines.json

Each measurement runs in a fresh interpreter with its own cache folder. Per size and run:

- cold: no cache. Today's engine as the app drives it (``opening.begin`` then ``stages``: the
  first events from the preview, then the whole timeline and its Index, the cache written, then
  ``Index.warm``); the prototype ``sqlite_engine.open`` (the first chunk, then all rows with
  2 worker processes, then the FTS5 index).
- warm: the same again with the cache the cold run left.
- filter: the keystrokes ``benchmarks/run.py``'s filter section types (each valid prefix of its
  six words), engine-level: parse + evaluate (all kept positions, in date order) + the first 50
  rows read; the prototype also before its FTS index (``scan_``) and as count + first screen
  by LIMIT (``page_``); and the five facet counts.
- reload: a one-event title edit saved to a copy of the file, then the time until the edited
  title can be read (today: ``load_cached`` + ``Index`` as the app's reload worker does).

Peak RSS is the measuring process's ``ru_maxrss`` (VmHWM); the prototype's worker processes
are reported apart (the largest one: ``RUSAGE_CHILDREN``). CPU is user + system time of the
process and of its waited-for children.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(BENCH))

WORDS = ["telegram", "court order", "country:RU", "encryption", "blocked users", "vpn"]
FACETS = ("country", "platform", "action", "tag", "status")
SCREEN = 50


def _rss() -> dict[str, float]:
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return {
        "rss_mb": own.ru_maxrss / 1024,
        "children_rss_mb": kids.ru_maxrss / 1024,
        "cpu_s": own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime,
    }


def _prefixes() -> list[str]:
    from tui.core.query.language import QueryError, parse

    typed = []
    for word in WORDS:
        for n in range(1, len(word) + 1):
            with_prefix = word[:n]
            try:
                parse(with_prefix)
            except QueryError:
                continue
            typed.append(with_prefix)
    return typed


def _latencies(run: Any) -> dict[str, float]:
    from tui.core.query.language import parse

    times, cpu = [], []
    for text in _prefixes():
        start, start_cpu = time.perf_counter(), time.thread_time()
        run(parse(text))
        times.append(time.perf_counter() - start)
        cpu.append(time.thread_time() - start_cpu)
    ordered, ordered_cpu = sorted(times), sorted(cpu)
    p90 = int(0.9 * (len(ordered) - 1))
    return {
        "filter_p50": statistics.median(times),
        "filter_p90": ordered[p90],
        "filter_max": ordered[-1],
        "filter_cpu_p50": statistics.median(cpu),
        "filter_cpu_p90": ordered_cpu[p90],
        "keys": len(times),
    }


# -- children ----------------------------------------------------------------------------------


def child_today(path: str) -> dict[str, Any]:
    start = time.perf_counter()
    from datetime import date

    from tui.core.files.opening import First, Loaded, begin, stages
    from tui.core.query.language import parse

    out: dict[str, Any] = {}
    opening = begin(Path(path))
    loaded = None
    for stage in stages(opening, date.today(), lambda note: None):
        if isinstance(stage, First) and "first" not in out:
            rows = stage.timeline.events[:SCREEN]
            assert rows
            out["first"] = time.perf_counter() - start
        elif isinstance(stage, Loaded):
            loaded = stage
            out["loaded"] = time.perf_counter() - start
            kept = stage.index.filter(parse("country:RU telegram"))
            [stage.timeline.events[i] for i in kept[:SCREEN]]
            out["filterable"] = time.perf_counter() - start
            out.update({f"{k}_at_filterable": v for k, v in _rss().items()})
    assert loaded is not None
    out.setdefault("first", out["loaded"])
    out["stored"] = time.perf_counter() - start  # the cache entry written (cold)
    index, events = loaded.index, loaded.timeline.events
    index.warm()
    out["search_ready"] = time.perf_counter() - start
    out.update(_latencies(lambda q: [events[i] for i in index.filter(q)[:SCREEN]]))
    out["facets"] = _facets(lambda q, f: index.facet_counts(q, f))
    out["events"] = len(events)
    out.update(_rss())
    return out


def child_sqlite(path: str, mode: str, workers: str) -> dict[str, Any]:
    start = time.perf_counter()
    from prototype import sqlite_engine as se

    from tui.core.query.language import parse

    out: dict[str, Any] = {}

    def first(store: Any) -> None:
        assert store.first(SCREEN)
        out["first"] = time.perf_counter() - start

    store = se.open(path, mode=mode, workers=int(workers), on_first=first)
    out["loaded"] = time.perf_counter() - start
    if "first" not in out:  # warm: the first screen from the database
        assert store.first(SCREEN)
        out["first"] = time.perf_counter() - start
    store.rows(store.filter(parse("country:RU telegram"))[:SCREEN])
    out["filterable"] = time.perf_counter() - start
    out.update({f"{k}_at_filterable": v for k, v in _rss().items()})
    scan = _latencies(lambda q: store.rows(store.filter(q)[:SCREEN]))
    out.update({f"scan_{k}": v for k, v in scan.items()})
    begin = time.perf_counter()
    store.build_search()  # nothing to do when the database has it already (warm)
    out["fts_build"] = time.perf_counter() - begin
    out.update(_latencies(lambda q: store.rows(store.filter(q)[:SCREEN])))
    # On demand instead: the count and the first screen by LIMIT, no list of kept rowids.
    if hasattr(store, "page"):
        paged = _latencies(lambda q: store.page(q, 0, SCREEN))
        out.update({f"page_{k}": v for k, v in paged.items()})
    out["facets"] = _facets(store.facet_counts)
    out["events"] = len(store)
    out["db_mb"] = store.db.stat().st_size / 1e6
    out.update(_rss())
    return out


def _facets(counts: Any) -> float:
    """Median CPU time of the five facet counts, over a few of the typed queries."""
    from tui.core.query.language import parse

    times = []
    for text in ("", "telegram", "country:RU", "court order", "vpn"):
        query = parse(text)
        begin = time.thread_time()
        for facet in FACETS:
            counts(query, facet)
        times.append(time.thread_time() - begin)
    return statistics.median(times)


def _edit(path: Path) -> tuple[str, str]:
    """Give the event in the middle of the file a new title; (its id, the title)."""
    data = path.read_bytes()
    at = data.index(b"\n[[events]]", len(data) // 2) + 1
    ident_at = data.index(b'\nid = "', at) + 7
    ident = data[ident_at : data.index(b'"', ident_at)].decode()
    title_at = data.index(b'\ntitle = "', at) + 10
    end = data.index(b'"', title_at)
    title = f"Edited title {time.time_ns()}"
    path.write_bytes(data[:title_at] + title.encode() + data[end:])
    return ident, title


def child_reload_today(path: str, preimport: str) -> dict[str, Any]:
    from datetime import date

    from tui.core.files.cache import load_cached
    from tui.core.files.chunks import Reuse
    from tui.core.query.evaluate import Index

    reuse = Reuse()  # as the app holds one per file: what the last load lends the next
    timeline, _ = load_cached(Path(path), reuse)  # warm: the cache entry is there
    index = Index(timeline.events, today=date.today())
    index.warm()
    if preimport == "yes":  # as after a cold opening: the loader is imported already
        import tui.core.files.load  # noqa: F401
    ident, title = _edit(Path(path))
    start = time.perf_counter()
    cpu = time.process_time()
    timeline, _ = load_cached(Path(path), reuse, keep=False)
    index = Index(timeline.events, today=date.today())
    found = timeline.get(ident)
    assert found is not None and found.title == title
    return {
        "reload": time.perf_counter() - start,
        "reload_cpu": time.process_time() - cpu,
        "chunks_parsed": reuse.parsed,
    }


def child_reload_sqlite(path: str, preimport: str) -> dict[str, Any]:
    from prototype import sqlite_engine as se

    from tui.core.query.language import parse

    store = se.open(path)  # warm
    if preimport == "yes":
        import tui.core.files.load  # noqa: F401  (and with it pydantic and the models)
    ident, title = _edit(Path(path))
    start = time.perf_counter()
    cpu = time.process_time()
    parsed = store.reload()
    (event,) = store.rows(store.filter(parse(f"id:{ident}")))
    assert event.title == title
    return {
        "reload": time.perf_counter() - start,
        "reload_cpu": time.process_time() - cpu,
        "chunks_parsed": parsed,
    }


CHILDREN = {
    "today": child_today,
    "sqlite": child_sqlite,
    "reload_today": child_reload_today,
    "reload_sqlite": child_reload_sqlite,
}


# -- the parent --------------------------------------------------------------------------------


def child(cache: Path, *args: str) -> dict[str, Any]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    env["PYTHONPATH"] = str(ROOT)
    env["XDG_CACHE_HOME"] = str(cache)
    env.pop("POLICY_TUI_CACHE", None)
    env.pop("POLICY_TUI_SQLITE", None)
    result = subprocess.run(
        [sys.executable, str(Path(__file__)), "--child", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=900,
    )
    if result.returncode != 0:
        raise RuntimeError(f"child {args} failed:\n{result.stderr[-3000:]}")
    found: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
    found["load_avg"] = os.getloadavg()[0]
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10k,100k")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--engines", default="today,attach,shared")
    parser.add_argument("--reload", default="yes", help="measure reloads too (yes/no)")
    parser.add_argument("--json", type=Path, default=None)
    parser.add_argument("--child", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    if args.child:
        name, *rest = args.child
        print(json.dumps(CHILDREN[name](*rest)))
        return
    import generate

    results: dict[str, Any] = {}
    for size in args.sizes.split(","):
        source = generate.paths(size)[0]
        if not source.exists():
            generate.generate([size])
        for run in range(args.runs):
            for engine in args.engines.split(","):
                work = Path(tempfile.mkdtemp(prefix="policy-engines-"))
                try:
                    copy = work / source.name
                    shutil.copy(source, copy)
                    cache = work / "cache"
                    what = ("today", str(copy)) if engine == "today" else ("sqlite", str(copy))
                    extra = () if engine == "today" else (engine, "2")
                    # "shared" differs from "attach" only in how a first build writes.
                    phases = ("cold",) if engine == "shared" else ("cold", "warm")
                    for phase in phases:
                        found = child(cache, *what, *extra)
                        results.setdefault(f"{size} {engine} {phase}", []).append(found)
                        print(size, engine, phase, run, _brief(found), flush=True)
                    if args.reload == "yes" and engine != "shared":
                        kind = "reload_today" if engine == "today" else "reload_sqlite"
                        for pre in ("no", "yes"):
                            found = child(cache, kind, str(copy), pre)
                            results.setdefault(f"{size} {engine} reload pre={pre}", []).append(
                                found
                            )
                            print(size, engine, "reload", pre, run, _brief(found), flush=True)
                finally:
                    shutil.rmtree(work, ignore_errors=True)
    if args.json:
        args.json.write_text(json.dumps(results, indent=1))
    print()
    for key, runs in results.items():
        fields = sorted({k for r in runs for k, v in r.items() if isinstance(v, int | float)})
        medians = {k: statistics.median(r[k] for r in runs if k in r) for k in fields}
        print(key, f"(runs {len(runs)})", _brief(medians))


def _brief(found: dict[str, Any]) -> str:
    return ", ".join(
        f"{k} {v:.3f}" if isinstance(v, float) else f"{k} {v}" for k, v in found.items()
    )


if __name__ == "__main__":
    main()
