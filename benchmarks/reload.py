"""Edit saved -> edited title on screen, in the real app in tmux, at 100,000 events.

    python3 benchmarks/generate.py                  # once
    python3 benchmarks/reload.py                    # 100k, 5 edits, warm and cold openings
    python3 benchmarks/reload.py --size 10k --edits 3

The app is opened on a copy of the generated file, a filter is typed into the search box, and
then, like a person saving in an editor, the title of the highlighted event is changed in the
file (written aside and renamed). The time is from the rename to the new title on screen; each
edit also checks that the query is still in the box and the cursor still on the edited event.
Both openings are measured: "cold" (no cache entry: the opening parsed the file) and "warm"
(the cache entry of an earlier run: the opening read no TOML at all).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

import run  # noqa: E402

QUERY = "country:RU"
PAUSE = 12.0  # seconds between two saves


def first_match(path: Path) -> str:
    """The id of the first event the query keeps: the one the cursor starts on."""
    sys.path.insert(0, str(run.ROOT))
    from tui.core.files.load import load_timeline
    from tui.core.query import language as q
    from tui.core.query.evaluate import Index

    timeline = load_timeline(path)
    index = Index(timeline.events)
    return timeline.events[index.filter(q.parse(QUERY))[0]].id


def retitle(path: Path, event_id: str, title: str) -> None:
    text = path.read_text("utf-8")
    at = text.index(f'id = "{event_id}"')
    start = text.index('title = "', at)
    end = text.index("\n", start)
    text = text[:start] + f'title = "{title}"' + text[end:]
    aside = path.with_name(path.name + ".saving")
    aside.write_text(text, "utf-8")
    os.replace(aside, path)  # as editors save: the watcher sees a new file


def measure(path: Path, cache: Path, event_id: str, edits: int) -> list[float]:
    pane = run.Pane([sys.executable, "-m", "tui", str(path)], run.env_for(cache))
    times = []
    try:
        full = re.compile(r"([\d,]+) / \1 events")
        pane.wait_for(lambda s: full.search(s) and "loading" not in s, timeout=600)
        subprocess.run([*run.TMUX, "send-keys", "-t", pane.name, "/"], check=True)
        subprocess.run([*run.TMUX, "send-keys", "-t", pane.name, "-l", QUERY], check=True)
        subprocess.run([*run.TMUX, "send-keys", "-t", pane.name, "Enter"], check=True)
        pane.wait_for(lambda s: re.search(r"[\d,]+ / 100,000 events|[\d,]+ / [\d,]+ events", s)
                      and QUERY in s and not full.search(s), timeout=120)  # fmt: skip
        time.sleep(PAUSE)  # the word index is built in the background; let it finish first
        for n in range(edits):
            title = f"Reloaded title {n} {time.time_ns() % 10**6}"
            retitle(path, event_id, title)
            saved = time.perf_counter()
            shown = False
            while time.perf_counter() - saved < 60:
                screen = pane.screen()
                # On the list row and in the detail pane: the cursor stayed on the event.
                if screen.count(title[:30]) >= 2 and QUERY in screen:
                    times.append(time.perf_counter() - saved)
                    shown = True
                    break
                time.sleep(0.005)
            if not shown:
                raise TimeoutError(f"the edited title never showed:\n{pane.screen()}")
            # A person reads the change before the next save: the reload's background work
            # (the cache entry, the word index) is done by then.
            time.sleep(PAUSE)
        pane.quit()
    finally:
        pane.close()
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size", default="100k")
    parser.add_argument("--edits", type=int, default=5)
    args = parser.parse_args()
    if shutil.which("tmux") is None:
        raise SystemExit("needs tmux")
    source = run.data_file(args.size)
    work = Path(tempfile.mkdtemp(prefix="policy-bench-reload-"))
    path = work / "timeline.toml"
    shutil.copyfile(source, path)
    event_id = first_match(path)
    subprocess.run([*run.TMUX, "new-session", "-d", "-s", "keeper", "sleep 86400"], check=False)
    try:
        print(run.versions())
        load = os.getloadavg()
        print(f"{args.size}: query {QUERY!r}, editing the title of {event_id}; load {load}")
        cache = work / "cache"
        for label in ("cold", "warm"):
            if label == "cold":
                shutil.rmtree(cache, ignore_errors=True)
            times = measure(path, cache, event_id, args.edits)
            print(
                f"{label} opening: edit saved -> title shown: median {statistics.median(times):.2f}"
                f" s, max {max(times):.2f} s over {len(times)} edits: "
                + ", ".join(f"{t:.2f}" for t in times)
            )
    finally:
        # The keeper's server, and with it the keeper's day-long sleep, goes with the run.
        subprocess.run([*run.TMUX, "kill-server"], capture_output=True)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
