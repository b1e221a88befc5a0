"""A synthetic STOP sheet, and how long ``policy-tui import stop`` takes on it.

    python3 benchmarks/stop.py                 # 10,000 rows, 3 runs
    python3 benchmarks/stop.py --rows 50000 --runs 1

Writes ``benchmarks/data/stop-<N>.csv`` (git-ignored) from a fixed seed: the current STOP header,
UN country names, M/D/YYYY dates (some Excel day numbers, ``Ongoing``, ``Unknown``, blank), one
to three links per cell separated as real sheets do, a paragraph of event text, and 2% rows that
are skipped (an unknown country). Then times, each in a fresh process: a new file (``-o``), and
the same sheet appended to that file again (every row already present: the re-import case).
"""

from __future__ import annotations

import argparse
import csv
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
SEED = 20_261_206

HEADER = (
    "start_date_type", "start_date", "country", "geo_scope", "area_name", "shutdown_type",
    "affected_network", "shutdown_extent", "ordered_by", "decision_maker", "actual_cause",
    "actual_cause_details", "info_source", "info_source_link", "shutdown_status", "end_date",
    "duration", "gov_justification", "gov_ack", "facebook_affected", "twitter_affected",
    "whatsapp_affected", "instagram_affected", "telegram_affected", "other_affected",
    "sms_affected", "phonecall_affected", "telcos_involved", "election", "violence",
    "hr_abuse_reported", "users_targeted", "users_target_detail", "event", "an_link", "region",
)  # fmt: skip
COUNTRIES = (
    "India", "Iran (Islamic Republic of)", "Myanmar", "Ethiopia", "Pakistan", "Iraq",
    "Syrian Arab Republic", "Venezuela (Bolivarian Republic of)", "Viet Nam", "Sudan",
    "Tanzania, United Republic of", "Russian Federation", "Türkiye", "Bangladesh", "Algeria",
    "Jordan", "Egypt", "Uganda", "Kazakhstan", "Cuba", "Senegal", "Guinea", "Togo", "Mali",
)  # fmt: skip
WORDS = (
    "protest", "exam", "election", "curfew", "district", "authorities", "order", "mobile",
    "network", "residents", "journalists", "access", "restored", "week", "security", "police",
    "government", "region", "users", "report", "blackout", "internet", "services", "army",
)  # fmt: skip


def row(rng: random.Random, n: int) -> list[str]:
    start = date(2016, 1, 1) + timedelta(days=rng.randrange(3000))
    cells = dict.fromkeys(HEADER, "")
    cells["start_date_type"] = rng.choice(["Exact", "Approximate"])
    cells["start_date"] = (
        str((start - date(1899, 12, 30)).days)
        if rng.random() < 0.05
        else f"{start.month}/{start.day}/{start.year}"
    )
    cells["country"] = "Atlantis" if rng.random() < 0.02 else rng.choice(COUNTRIES)
    scope = rng.choice(["National", "Regional", "Local"])
    cells["geo_scope"] = scope
    cells["area_name"] = "" if scope == "National" else f"Area {rng.randrange(500)}"
    cells["shutdown_type"] = rng.choice(["Shutdown"] * 6 + ["Throttle", "Shutdown, Throttle"])
    cells["affected_network"] = rng.choice(["Mobile", "Broadband", "Mobile, Broadband"])
    full = rng.random() < 0.6
    cells["shutdown_extent"] = "Full network" if full else "Service-based"
    for column in ("facebook", "twitter", "whatsapp", "instagram", "telegram"):
        cells[f"{column}_affected"] = "Yes" if full or rng.random() < 0.4 else "No"
    if not full and rng.random() < 0.3:
        cells["other_affected"] = rng.choice(["YouTube", "TikTok, Signal", "Skype; Viber"])
    if not full and not any(cells[f"{c}_affected"] == "Yes" for c in ("facebook", "twitter")):
        cells["whatsapp_affected"] = "Yes"
    cells["ordered_by"] = rng.choice(["Government", "Court", "Unknown"])
    cells["decision_maker"] = rng.choice(["Ministry of Interior", "Telecom regulator", ""])
    cells["actual_cause"] = rng.choice(["Protests", "Exams", "Elections", "Unknown"])
    cells["info_source"] = rng.choice(["Media", "Civil society", "Government"])
    links = [f"https://news{rng.randrange(90)}.example/{n}/{i}" for i in range(rng.randint(1, 3))]
    cells["info_source_link"] = rng.choice(["; ", ", ", "\n", " "]).join(links)
    end = rng.random()
    if end < 0.7:
        stop = start + timedelta(days=rng.randrange(60))
        cells["end_date"] = f"{stop.month}/{stop.day}/{stop.year}"
    elif end < 0.8:
        cells["end_date"] = "Ongoing"
    elif end < 0.9:
        cells["end_date"] = "Unknown"
    cells["gov_justification"] = rng.choice(["National security", "Exams", ""])
    cells["gov_ack"] = rng.choice(["Yes", "No"])
    cells["sms_affected"] = rng.choice(["Yes", "No", "Unknown"])
    cells["election"] = rng.choice(["Yes", "No"])
    cells["violence"] = rng.choice(["Yes", "No"])
    cells["event"] = " ".join(rng.choice(WORDS) for _ in range(rng.randint(15, 40))).capitalize()
    cells["an_link"] = "https://www.accessnow.org/keepiton/" if rng.random() < 0.2 else ""
    cells["region"] = "Somewhere"
    return [cells[h] for h in HEADER]


def generate(rows: int) -> Path:
    path = DATA / f"stop-{rows}.csv"
    if path.exists():
        return path
    DATA.mkdir(parents=True, exist_ok=True)
    rng = random.Random(SEED)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        writer.writerows(row(rng, n) for n in range(rows))
    return path


def timed(*argv: str) -> tuple[float, float]:
    """Wall-clock and CPU (user + system) seconds of one ``policy-tui import`` process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    began = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "tui", "import", *argv], cwd=ROOT, capture_output=True, text=True
    )
    elapsed = time.perf_counter() - began
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if done.returncode not in (0, 1):
        raise SystemExit(done.stderr)
    print("   ", done.stdout.strip().splitlines()[-1])
    return elapsed, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    sheet = generate(args.rows)
    new, again = [], []
    for _ in range(args.runs):
        with tempfile.TemporaryDirectory() as folder:
            out = Path(folder) / "stop.toml"
            new.append(timed("stop", str(sheet), "-o", str(out)))
            again.append(timed("stop", str(sheet), "--append", str(out)))
            size = out.stat().st_size
    print(f"{args.rows} rows ({sheet.stat().st_size / 1e6:.1f} MB CSV, {size / 1e6:.1f} MB TOML)")
    for label, runs in (("import -o (new file)", new), ("import --append (all present)", again)):
        wall = statistics.median(w for w, _ in runs)
        cpu = statistics.median(c for _, c in runs)
        print(f"  {label:30} median wall {wall:.2f} s, CPU {cpu:.2f} s ({len(runs)} runs)")


if __name__ == "__main__":
    main()
