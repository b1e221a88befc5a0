"""Two processes open one file with the sqlite3 prototype at once: first with no database (both
build, one rename wins), then after an edit (both reload, one waits for the other's lock).
Each prints what it read; the database must pass ``PRAGMA integrity_check`` and leave nothing
behind.

    python3 benchmarks/prototype/two_processes.py [--rounds 3]
"""

from __future__ import annotations

import argparse
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
CHILD = """
import sys
from prototype import sqlite_engine as se
from tui.core.query.language import parse
store = se.open(sys.argv[1])
kept = store.filter(parse("xyzzy"))
print(len(store), [event.title[:12] for event in store.rows(kept)])
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    sys.path[:0] = [str(ROOT), str(HERE.parent)]
    work = Path(tempfile.mkdtemp(prefix="policy-two-"))
    os.environ["POLICY_TUI_SQLITE"] = str(work / "db")
    from prototype import sqlite_engine as se

    path = work / "events-10k.toml"
    shutil.copy(ROOT / "benchmarks" / "data" / "events-10k.toml", path)
    env = {**os.environ, "PYTHONPATH": f"{ROOT}{os.pathsep}{HERE.parent}"}
    try:
        for round_ in range(args.rounds):
            shutil.rmtree(work / "db", ignore_errors=True)
            for step in ("build", "reload"):
                if step == "reload":
                    data = path.read_bytes()
                    at = data.index(b'\ntitle = "', data.index(b"[[events]]", len(data) // 3)) + 10
                    path.write_bytes(data[:at] + f"Xyzzy {round_} ".encode() + data[at:])
                children = [
                    subprocess.Popen(
                        [sys.executable, "-c", CHILD, str(path)],
                        env=env,
                        stdout=subprocess.PIPE,
                        stderr=subprocess.PIPE,
                        text=True,
                    )
                    for _ in range(2)
                ]
                outputs = [child.communicate() for child in children]
                conn = sqlite3.connect(se.db_path(path))
                check = conn.execute("PRAGMA integrity_check").fetchone()[0]
                conn.close()
                left = sorted(p.name for p in (work / "db").iterdir())
                print(
                    round_, step, [out.strip() or err[-300:] for out, err in outputs], check, left
                )
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
