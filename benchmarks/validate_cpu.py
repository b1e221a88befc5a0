"""CPU seconds of validating a big file's events, apart from parsing them (issue #17).

    python3 benchmarks/generate.py                  # once
    python3 benchmarks/validate_cpu.py              # 100k: parse, then validate (best of 3)
    python3 benchmarks/validate_cpu.py --profile    # and a cProfile of one validation pass
    python3 benchmarks/validate_cpu.py --file other.toml --repeat 5

The file is cut as the loader cuts it (``chunks.pieces``) and each chunk parsed with the
loader's ``toml10.parse`` (toml-rs where it can); what is timed, with ``time.process_time``, is
only what ``load.parse_events`` runs on the parsed events, ``rules.plain_event`` ("plain"), and
for comparison the models that check what it leaves, ``EventModel.model_validate`` and
``to_event`` ("models"), on every event. The parse is timed once too, for its share.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import pstats
import sys
import time
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(ROOT))

from tui.core.files import chunks  # noqa: E402
from tui.core.files.toml10 import parse as _parse_chunk  # noqa: E402
from tui.core.timeline.model import EventModel, to_event  # noqa: E402
from tui.core.timeline.rules import plain_event  # noqa: E402


def parsed_chunks(text: str) -> list[list[Any]]:
    """Each chunk's raw events, as the loader has them before validating."""
    out: list[list[Any]] = []
    for piece in chunks.pieces([text]):
        data = _parse_chunk(piece)
        if data is None:
            raise SystemExit("a chunk does not parse: is the file valid?")
        raw = data.get("events")
        if isinstance(raw, list):
            out.append(raw)
    return out


def plain(parts: list[list[Any]]) -> int:
    # The loader's line (load.parse_events), for a file whose every event is plain.
    return sum(len(list(map(plain_event, raw))) for raw in parts)


def models(parts: list[list[Any]]) -> int:
    return sum(len(list(map(to_event, map(EventModel.model_validate, raw)))) for raw in parts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--file", type=Path, default=BENCH / "data" / "events-100k.toml")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--profile", action="store_true", help="cProfile one plain pass")
    args = parser.parse_args()
    text = args.file.read_text(encoding="utf-8")

    gc.disable()  # as the loader runs: the collector paused while many objects are built
    started = time.process_time()
    parts = parsed_chunks(text)
    parse_cpu = time.process_time() - started
    count = sum(map(len, parts))
    print(f"{args.file.name}: {count} events in {len(parts)} chunks")
    print(f"parse (toml-rs/tomllib): {parse_cpu:.3f} s CPU")

    for validate in (plain, models):
        times = []
        for _ in range(args.repeat):
            started = time.process_time()
            validate(parts)
            times.append(time.process_time() - started)
            gc.collect()
        print(
            f"validate, {validate.__name__}: "
            + " ".join(f"{t:.3f}" for t in times)
            + f" s CPU; best {min(times):.3f}"
        )

    if args.profile:
        profile = cProfile.Profile()
        profile.runcall(plain, parts)
        pstats.Stats(profile).strip_dirs().sort_stats("tottime").print_stats(20)


if __name__ == "__main__":
    main()
