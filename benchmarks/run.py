"""The performance benchmark: one table, medians of several runs, with machine and versions.

    python3 benchmarks/generate.py     # once: synthetic timelines in benchmarks/data/
    python3 benchmarks/run.py          # everything, 3 runs each (a few minutes)
    python3 benchmarks/run.py --quick  # 1k and 10k only, 1 run, 20 keys: a smoke test

Sections (docs/performance.md says what each measures and why):

- load: ``load_timeline`` per size in a fresh interpreter (cold: parse and validate), and its
  ratio to the bare parse of the same file by the fastest TOML parser installed; warm:
  ``load_cached`` reading the cache entry an earlier ``load_cached`` wrote.
- paint: process start -> first event row on screen, in tmux; the shipped timeline, each size,
  a minimal Textual app (one Static) as the floor, and VisiData on the same rows as TSV (first
  rows, and its status line reaching all rows). For the app also: every event loaded (the header
  shows the full count), and the peak RSS (VmHWM) at that moment.
- filter: keystroke -> updated list (the list's view replaced and its rows drawn again), typed
  into the search box, and a facet toggle (space on a facet value); p50/p90 per size.
- nav: ``down`` -> the cursor row redrawn, at 100 and 100k events.

Keys are posted through the driver as a terminal would send them, and the time is taken when
the list has drawn the new state; ``Pilot.press`` is not used (it sleeps between keys).
"""

from __future__ import annotations

import argparse
import asyncio
import compileall
import contextlib
import json
import os
import platform
import re
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
DATA = BENCH / "data"
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(BENCH))

import generate  # noqa: E402

SHIPPED = ROOT / "timeline.toml"
COLUMNS, LINES = 160, 45
TMUX = ["tmux", "-L", f"policy-bench-{os.getpid()}"]
PARSERS = ("tomllib", "toml_rs", "rtoml", "tomli", "pytomlpp")


def env_for(cache: Path | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    env["PYTHONPATH"] = str(ROOT)
    env["XDG_CACHE_HOME"] = str(cache or Path(tempfile.mkdtemp(prefix="policy-bench-cache-")))
    return env


def child(*args: str, cache: Path | None = None, timeout: float = 600) -> dict[str, Any]:
    """Run this script as a child measurement; it prints one JSON line."""
    result = subprocess.run(
        [sys.executable, str(Path(__file__)), "--child", *args],
        capture_output=True,
        text=True,
        env=env_for(cache),
        timeout=timeout,
    )
    if result.returncode != 0:
        raise RuntimeError(f"child {args} failed:\n{result.stderr[-3000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = (len(ordered) - 1) * p
    low = int(k)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (k - low)


def data_file(label: str, kind: str = "toml") -> Path:
    toml_path, tsv_path = generate.paths(label)
    if not toml_path.exists() or not tsv_path.exists():
        generate.generate([label])
    return toml_path if kind == "toml" else tsv_path


# -- children: each runs in a fresh interpreter --------------------------------------------------


def _maxrss_mb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child_load(path: str) -> dict[str, Any]:
    from tui.core.files.load import load_timeline

    start = time.perf_counter()
    timeline = load_timeline(path)
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "events": len(timeline), "rss_mb": _maxrss_mb()}


def child_load_cached(path: str) -> dict[str, Any]:
    from tui.core.files.cache import load_cached

    start = time.perf_counter()
    timeline, _ = load_cached(Path(path))
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "events": len(timeline), "rss_mb": _maxrss_mb()}


def child_parse(parser: str, path: str) -> dict[str, Any]:
    module = __import__(parser)
    options = {"toml_version": "1.0.0"} if parser == "toml_rs" else {}  # the loader's mode
    start = time.perf_counter()
    text = Path(path).read_text("utf-8")
    module.loads(text, **options)
    return {"seconds": time.perf_counter() - start, "rss_mb": _maxrss_mb()}


def _post_key(app: Any, key: str, char: str | None) -> None:
    from textual import events

    event = events.Key(key, char)
    event.set_sender(app)
    app._driver.send_message(event)


class _Drawn:
    """Records when the event list last drew a row."""

    def __init__(self, widget: Any) -> None:
        self.last = 0.0
        original = widget.render_line

        def render_line(y: int) -> Any:
            self.last = time.perf_counter()
            return original(y)

        widget.render_line = render_line


async def _until(condition: Any, timeout: float = 30.0, what: str = "") -> None:
    deadline = time.perf_counter() + timeout
    while not condition():
        if time.perf_counter() > deadline:
            raise TimeoutError(f"the list never updated after {what}")
        await asyncio.sleep(0.0005)


async def _idle(app: Any, seconds: float = 0.25) -> None:
    """Let debounce windows pass and workers finish, as between a person's keystrokes."""
    await asyncio.sleep(seconds)
    for _ in range(2000):
        if not any(w.is_running for w in app.workers):
            break
        await asyncio.sleep(0.005)


def _valid(text: str) -> bool:
    from tui.core.query.language import QueryError, parse

    try:
        parse(text)
    except QueryError:
        return False
    return True


async def _filter(path: str, keys: int) -> dict[str, Any]:
    from textual.widgets import Input

    from tui.app.app import make_app
    from tui.app.widgets.event_list import EventList
    from tui.app.widgets.filter_pane import FacetList
    from tui.core.files.load import load_timeline

    timeline = load_timeline(path)
    app = make_app(timeline)
    typing: list[float] = []
    toggles: list[float] = []
    async with app.run_test(size=(COLUMNS, LINES)) as pilot:
        await pilot.pause()
        await _idle(app)
        events = app.query_one(EventList)
        drawn = _Drawn(events)
        search = app.query_one("#search", Input)
        words = ["telegram", "court order", "country:RU", "encryption", "blocked users", "vpn"]
        done = 0
        while done < keys:
            for word in words:
                search.focus()
                await _idle(app)
                for typed, char in enumerate(word, 1):
                    before = events.view
                    key = "space" if char == " " else ("colon" if char == ":" else char)
                    start = time.perf_counter()
                    _post_key(app, key, char)
                    if not _valid(word[:typed]):
                        await _idle(app)  # "country:" alone: the box shows an error instead
                        continue
                    # An empty result hides the list (a message shows instead): then the
                    # time is taken when the view is replaced.
                    await _until(
                        lambda b=before, t=start: (
                            events.view is not b and (drawn.last > t or not events.view)
                        ),
                        what=repr(word[:typed]),
                    )
                    end = drawn.last if events.view else time.perf_counter()
                    typing.append(end - start)
                    done += 1
                    await _idle(app)
                search.value = ""
                await _idle(app)
                if done >= keys:
                    break
        # Facet toggles: space on a value of the country facet, on and off again.
        facet = app.query_one("#facet-country", FacetList)
        for round_ in range(max(4, keys // 4)):
            facet.focus()
            await _idle(app)
            facet.highlighted = round_ // 2 % 5
            await _idle(app, 0.05)
            before = events.view
            start = time.perf_counter()
            _post_key(app, "space", " ")
            await _until(lambda b=before, t=start: events.view is not b and drawn.last > t)
            toggles.append(drawn.last - start)
            await _idle(app)
    return {"typing": typing, "toggle": toggles, "events": len(timeline)}


async def _nav(path: str, keys: int) -> dict[str, Any]:
    from tui.app.app import make_app
    from tui.app.widgets.event_list import EventList
    from tui.core.files.load import load_timeline

    timeline = load_timeline(path)
    app = make_app(timeline)
    latencies: list[float] = []
    async with app.run_test(size=(COLUMNS, LINES)) as pilot:
        await pilot.pause()
        await _idle(app)
        events = app.query_one(EventList)
        events.focus()
        drawn = _Drawn(events)
        await _idle(app)
        for _ in range(keys):
            before = events.cursor
            start = time.perf_counter()
            _post_key(app, "down", None)
            await _until(lambda b=before, t=start: events.cursor != b and drawn.last > t)
            latencies.append(drawn.last - start)
            await asyncio.sleep(0.02)
    return {"down": latencies, "events": len(timeline)}


def run_child(argv: list[str]) -> None:
    kind, *rest = argv
    if kind == "load":
        result = child_load(rest[0])
    elif kind == "load-cached":
        result = child_load_cached(rest[0])
    elif kind == "parse":
        result = child_parse(rest[0], rest[1])
    elif kind == "filter":
        result = asyncio.run(_filter(rest[0], int(rest[1])))
    elif kind == "nav":
        result = asyncio.run(_nav(rest[0], int(rest[1])))
    elif kind == "hello":
        from textual.app import App
        from textual.widgets import Static

        class Hello(App[None]):
            def compose(self) -> Any:
                yield Static("hello, first paint")

        Hello().run()
        return
    else:
        raise SystemExit(f"unknown child {kind}")
    print(json.dumps(result))


# -- tmux ----------------------------------------------------------------------------------------


class Pane:
    """One program in a fresh tmux session: read its screen, its peak RSS, then stop it."""

    count = 0

    def __init__(self, argv: list[str], env: dict[str, str]) -> None:
        exports = " ".join(f"{k}={_sh(v)}" for k, v in env.items() if k in _PASSED)
        # The pane inherits the tmux server's environment, i.e. this process's: drop the
        # PYTHON* variables env_for leaves out (PYTHONDONTWRITEBYTECODE would make every run
        # compile the modules changed since their .pyc was written).
        unset = " ".join(f"-u {k}" for k in os.environ if k.startswith("PYTHON") and k not in env)
        command = f"exec env {unset} {exports} " + " ".join(_sh(a) for a in argv)
        Pane.count += 1
        self.name = f"bench{Pane.count}"
        # In this repository: ``python -m tui`` imports the ``tui`` of its working folder
        # before PYTHONPATH's, so from another checkout it would measure that one.
        options = ["-d", "-s", self.name, "-c", str(ROOT), "-P", "-F", "#{pane_pid}"]
        options += ["-x", str(COLUMNS)]
        self.start = time.perf_counter()
        out = subprocess.run(
            [*TMUX, "new-session", *options, "-y", str(LINES), command],
            capture_output=True,
            text=True,
        )
        if out.returncode != 0:
            raise RuntimeError(f"tmux: {out.stderr.strip()}")
        self.pid = int(out.stdout.strip())
        # Screens are asked for through one control-mode client: a look is a command to the
        # server (~0.1 ms), not a tmux process started (~2 ms of CPU), which at the rate the
        # waits look took a quarter of a core from the program measured.
        self._control = subprocess.Popen(
            [*TMUX, "-C", "attach", "-t", self.name],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            errors="replace",
        )
        self._ask("refresh-client -f no-output")  # no copy of the program's output sent here

    def screen(self) -> str:
        return self._ask(f"capture-pane -p -t {self.name}")

    def _ask(self, command: str) -> str:
        """The output of a tmux command, through the control client ("" once it is gone)."""
        control = self._control
        assert control.stdin is not None and control.stdout is not None
        try:
            control.stdin.write(command + "\n")
            control.stdin.flush()
        except OSError:
            return ""
        lines: list[str] = []
        guard = None  # the time, number and flags of the answer's %begin, once inside it
        for line in control.stdout:
            if guard is None:
                # Before it: notifications, and the (empty) answer to the attach itself (its
                # flags 0: not a command of this client's).
                if line.startswith("%begin ") and line.split()[3:] == ["1"]:
                    guard = line.split()[1:]
                elif line.startswith("%exit"):
                    return ""
            # The output is not escaped: a screen line may start with "%end " too.
            elif line.startswith(("%end ", "%error ")) and line.split()[1:] == guard:
                return "".join(lines)
            else:
                lines.append(line)
        return ""

    def wait_for(self, found: Any, timeout: float = 300.0) -> float:
        """Seconds from process start until ``found(screen)`` is true."""
        deadline = self.start + timeout
        while time.perf_counter() < deadline:
            screen = self.screen()
            now = time.perf_counter()
            if found(screen):
                return now - self.start
            # 1% of the time waited so far keeps the precision at 1%.
            time.sleep(max(0.005, (now - self.start) / 100))
        raise TimeoutError(f"never appeared; screen:\n{self.screen()}")

    def peak_rss_mb(self) -> float:
        try:
            status = Path(f"/proc/{self.pid}/status").read_text()
        except OSError:
            return float("nan")
        match = re.search(r"VmHWM:\s+(\d+) kB", status)
        return int(match.group(1)) / 1024 if match else float("nan")

    def quit(self, key: str = "q", timeout: float = 60.0) -> None:
        """Quit as a person does and wait for the process to end (it may finish writing its
        cache entry), then close the session."""
        subprocess.run([*TMUX, "send-keys", "-t", self.name, key], capture_output=True)
        deadline = time.perf_counter() + timeout
        while _running(self.pid) and time.perf_counter() < deadline:
            time.sleep(0.05)
        self.close()

    def close(self) -> None:
        subprocess.run([*TMUX, "kill-session", "-t", self.name], capture_output=True)
        if self._control.stdin is not None:
            with contextlib.suppress(OSError):
                self._control.stdin.close()
        try:
            self._control.wait(5)
        except subprocess.TimeoutExpired:
            self._control.kill()


def _running(pid: int) -> bool:
    """Whether ``pid`` still runs: an exited process the tmux server has not reaped yet (a
    zombie, which can stay one for minutes) has ended."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    return re.search(r"^State:\s+Z", status, re.MULTILINE) is None


_PASSED = ("PYTHONPATH", "XDG_CACHE_HOME", "HOME", "PATH", "LANG", "LC_ALL")


def _sh(text: str) -> str:
    import shlex

    return shlex.quote(text)


# A row of the event list: date, country code, action word.
EVENT_ROW = re.compile(
    r"\b\d{4}(?:-\d\d){0,2} +[A-Z]{2} +(?:block|throttle|restrict|law|proposal|ruling|lawsuit"
    r"|designation|fine|demand|lift|mandate|other)\b"
)


def paint_app(path: Path, cache: Path) -> dict[str, float]:
    pane = Pane([sys.executable, "-m", "tui", str(path)], env_for(cache))
    try:
        first = pane.wait_for(lambda s: EVENT_ROW.search(s))
        full = re.compile(r"([\d,]+) / \1 events")
        loaded = pane.wait_for(lambda s: full.search(s) and "loading" not in s)
        rss = pane.peak_rss_mb()
        # Quit with `q`, as a person does: the next ("warm") run then finds the cache entry
        # this one wrote, not one cut off by killing the terminal.
        pane.quit()
    finally:
        pane.close()
    return {"first": first, "loaded": loaded, "rss": rss}


def paint_hello() -> float:
    pane = Pane([sys.executable, str(Path(__file__)), "--child", "hello"], env_for())
    try:
        return pane.wait_for(lambda s: "hello, first paint" in s)
    finally:
        pane.close()


def paint_visidata(tsv: Path) -> dict[str, float]:
    first_id = tsv.read_text("utf-8").split("\n", 2)[1].split("\t", 1)[0][:16]
    rows = tsv.read_text("utf-8").count("\n") - 1
    home = Path(tempfile.mkdtemp(prefix="policy-bench-vd-"))
    env = {**env_for(), "HOME": str(home)}
    pane = Pane([shutil.which("vd") or "vd", str(tsv)], env)
    done = re.compile(rf"\b{rows} rows")
    try:
        first = pane.wait_for(lambda s: first_id in s)
        loaded = pane.wait_for(lambda s: done.search(s) and "loading" not in s)
        rss = pane.peak_rss_mb()
    finally:
        pane.close()
    return {"first": first, "loaded": loaded, "rss": rss}


# -- the table -----------------------------------------------------------------------------------


def versions() -> str:
    import importlib.metadata as md

    names = ["textual", "pydantic", "rich", "toml-rs", "visidata"]
    found = []
    for name in names:
        try:
            found.append(f"{name} {md.version(name)}")
        except md.PackageNotFoundError:
            found.append(f"{name} -")
    cpu = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    commit = subprocess.run(
        ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True, text=True
    ).stdout.strip()
    return (
        f"machine: {platform.machine()}, {os.cpu_count()} cores, {cpu}; "
        f"{platform.system()} {platform.release()}\n"
        f"python {platform.python_version()}; " + ", ".join(found) + f"; commit {commit or '-'}"
    )


def fastest_parser(sample: Path) -> str:
    timings = {}
    for name in PARSERS:
        try:
            __import__(name)
        except ImportError:
            continue
        timings[name] = child("parse", name, str(sample))["seconds"]
    return min(timings, key=timings.__getitem__)


def fmt(seconds: float) -> str:
    if seconds != seconds:
        return "-"
    if seconds < 0.01:
        return f"{seconds * 1000:.1f} ms"
    return f"{seconds * 1000:.0f} ms" if seconds < 1 else f"{seconds:.2f} s"


def main() -> None:
    parser = argparse.ArgumentParser(description="policy-tui benchmarks (docs/performance.md)")
    parser.add_argument("--quick", action="store_true", help="1k and 10k, one run, few keys")
    parser.add_argument("--runs", type=int, default=None, help="runs per measurement (3)")
    parser.add_argument(
        "--sizes", default=None, help="comma-separated: 1k,10k,100k; none: no generated file"
    )
    parser.add_argument(
        "--only", default="load,paint,filter,nav", help="sections: load,paint,filter,nav"
    )
    parser.add_argument("--keys", type=int, default=None, help="keystrokes per filter run (60)")
    parser.add_argument("--json", type=Path, help="also write the raw numbers here")
    parser.add_argument("--child", nargs=argparse.REMAINDER, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        run_child(args.child)
        return
    runs = args.runs or (1 if args.quick else 3)
    sizes = (args.sizes or ("1k,10k" if args.quick else "1k,10k,100k")).split(",")
    if sizes == ["none"]:
        sizes = []  # paint: the floor and the shipped timeline; nav: the 100-event file
    keys = args.keys or (20 if args.quick else 60)
    sections = set(args.only.split(","))
    if "load" in sections and not sizes:
        raise SystemExit("the load section needs a size")
    if "paint" in sections:
        if shutil.which("tmux") is None:
            raise SystemExit("the paint section needs tmux")
        # As an installed package has them: no run pays for compiling the app's modules.
        compileall.compile_dir(ROOT / "tui", quiet=1)
        # A session that outlives the measured ones keeps the server up between them.
        subprocess.run([*TMUX, "new-session", "-d", "-s", "keeper", "sleep 86400"], check=True)
    raw: dict[str, Any] = {"sizes": sizes, "runs": runs}
    lines = [versions(), f"medians of {runs} run(s); sizes: {', '.join(sizes) or 'none'}", ""]

    def emit(line: str = "") -> None:
        lines.append(line)
        print(line, flush=True)

    print("\n".join(lines), flush=True)

    if "load" in sections:
        best = fastest_parser(data_file(sizes[0]))
        emit(f"LOAD (a fresh interpreter each; bare parse by {best}, the fastest)")
        emit("     (cold = load_timeline; warm = load_cached reading the entry it wrote before)")
        emit(f"{'size':>6}  {'bare parse':>10}  {'cold load':>10}  {'ratio':>6}  "
             f"{'warm load':>10}  {'cold RSS':>9}  {'warm RSS':>9}")  # fmt: skip
        for label in sizes:
            path = data_file(label)
            bare, cold, warm, cold_rss, warm_rss = [], [], [], [], []
            for _ in range(runs):
                bare.append(child("parse", best, str(path))["seconds"])
                cache = Path(tempfile.mkdtemp(prefix="policy-bench-cache-"))
                first = child("load", str(path), cache=cache)
                child("load-cached", str(path), cache=cache)  # a miss: writes the entry
                second = child("load-cached", str(path), cache=cache)
                cold.append(first["seconds"])
                cold_rss.append(first["rss_mb"])
                warm.append(second["seconds"])
                warm_rss.append(second["rss_mb"])
                shutil.rmtree(cache, ignore_errors=True)
            raw[f"load/{label}"] = {"bare": bare, "cold": cold, "warm": warm,
                                    "cold_rss": cold_rss, "warm_rss": warm_rss}  # fmt: skip
            emit(
                f"{label:>6}  {fmt(median(bare)):>10}  {fmt(median(cold)):>10}  "
                f"{median(cold) / median(bare):>5.2f}x  {fmt(median(warm)):>10}  "
                f"{median(cold_rss):>6.0f} MB  {median(warm_rss):>6.0f} MB"
            )
        emit()

    if "paint" in sections:
        emit("PAINT (tmux, process start -> on screen; RSS = peak when all rows are loaded;")
        emit("       cold = an empty cache folder, warm = the entry the cold run wrote)")
        emit(f"{'what':<28}  {'first rows':>10}  {'all rows':>10}  {'warm first':>10}  "
             f"{'warm all':>10}  {'peak RSS':>9}  {'warm RSS':>9}")  # fmt: skip
        hello: list[float] = []
        targets = [("shipped timeline", SHIPPED)] + [(f"{s} events", data_file(s)) for s in sizes]
        peer = sizes[-1] if sizes and shutil.which("vd") else None
        cold_of: dict[str, list[dict[str, float]]] = {name: [] for name, _ in targets}
        warm_of: dict[str, list[dict[str, float]]] = {name: [] for name, _ in targets}
        vd: list[dict[str, float]] = []
        # Every program is measured once per round, in turn: load from other processes on
        # the machine then weighs on both sides of each comparison (the floor and the shipped
        # timeline, VisiData and the biggest file) alike, and each round gives a paired ratio.
        for _ in range(runs):
            hello.append(paint_hello())
            for name, path in targets:
                cache = Path(tempfile.mkdtemp(prefix="policy-bench-cache-"))
                cold_of[name].append(paint_app(path, cache))
                warm_of[name].append(paint_app(path, cache))
                shutil.rmtree(cache, ignore_errors=True)
            if peer is not None:
                vd.append(paint_visidata(data_file(peer, "tsv")))
        raw["paint/hello"] = hello
        emit(f"{'minimal Textual app':<28}  {fmt(median(hello)):>10}")
        for name, _path in targets:
            cold_runs, warm_runs = cold_of[name], warm_of[name]
            raw[f"paint/{name}"] = {"cold": cold_runs, "warm": warm_runs}
            emit(
                f"{'policy-tui, ' + name:<28}  "
                f"{fmt(median([r['first'] for r in cold_runs])):>10}  "
                f"{fmt(median([r['loaded'] for r in cold_runs])):>10}  "
                f"{fmt(median([r['first'] for r in warm_runs])):>10}  "
                f"{fmt(median([r['loaded'] for r in warm_runs])):>10}  "
                f"{median([r['rss'] for r in cold_runs]):>6.0f} MB  "
                f"{median([r['rss'] for r in warm_runs]):>6.0f} MB"
            )
        if peer is not None:
            raw[f"paint/visidata/{peer}"] = vd
            emit(
                f"{'VisiData, ' + peer + ' TSV':<28}  "
                f"{fmt(median([r['first'] for r in vd])):>10}  "
                f"{fmt(median([r['loaded'] for r in vd])):>10}  {'':>10}  {'':>10}  "
                f"{median([r['rss'] for r in vd]):>6.0f} MB"
            )
        elif sizes:
            emit("VisiData: not installed (pip install visidata), not measured")
        # The targets as ratios of runs taken side by side (medians over the rounds).
        shipped = "shipped timeline"
        emit("ratios, median of the rounds' (each round measures all of them in turn):")
        for kind in ("cold", "warm"):
            runs_of = cold_of if kind == "cold" else warm_of
            ratios = [r["first"] / h for r, h in zip(runs_of[shipped], hello, strict=True)]
            emit(f"  shipped first paint / minimal app, {kind}: {median(ratios):.2f}x "
                 f"({min(ratios):.2f}-{max(ratios):.2f})")  # fmt: skip
        if peer is not None:
            big = f"{peer} events"
            for kind in ("cold", "warm"):
                runs_of = cold_of if kind == "cold" else warm_of
                pairs = list(zip(runs_of[big], vd, strict=True))
                first = [r["first"] / v["first"] for r, v in pairs]
                loaded = [r["loaded"] / v["loaded"] for r, v in pairs]
                emit(f"  {peer} / VisiData, {kind}: first rows {median(first):.2f}x "
                     f"({min(first):.2f}-{max(first):.2f}), all rows {median(loaded):.2f}x "
                     f"({min(loaded):.2f}-{max(loaded):.2f})")  # fmt: skip
        emit()

    if "filter" in sections:
        emit(f"FILTER (keystroke -> list redrawn; {keys} keys typed, idle between keys)")
        emit(f"{'size':>6}  {'type p50':>9}  {'type p90':>9}  {'facet p50':>9}  {'facet p90':>9}")
        for label in sizes:
            path = data_file(label)
            typing, toggle = [], []
            for _ in range(runs):
                result = child("filter", str(path), str(keys))
                typing += result["typing"]
                toggle += result["toggle"]
            raw[f"filter/{label}"] = {"typing": typing, "toggle": toggle}
            emit(
                f"{label:>6}  {fmt(percentile(typing, 0.5)):>9}  {fmt(percentile(typing, 0.9)):>9}"
                f"  {fmt(percentile(toggle, 0.5)):>9}  {fmt(percentile(toggle, 0.9)):>9}"
            )
        emit()

    if "nav" in sections:
        emit("NAVIGATION (down -> cursor row redrawn)")
        emit(f"{'size':>6}  {'p50':>9}  {'p90':>9}")
        generate.generate(["100"])
        for label in ["100", *(s for s in sizes if s == "100k")]:
            path = data_file(label)
            latencies: list[float] = []
            for _ in range(runs):
                latencies += child("nav", str(path), str(max(keys, 50)))["down"]
            raw[f"nav/{label}"] = latencies
            emit(
                f"{label:>6}  {fmt(percentile(latencies, 0.5)):>9}  "
                f"{fmt(percentile(latencies, 0.9)):>9}"
            )
        emit()

    subprocess.run([*TMUX, "kill-server"], capture_output=True)
    if args.json:
        args.json.write_text(json.dumps(raw, indent=1))


if __name__ == "__main__":
    main()
