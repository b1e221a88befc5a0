"""The README's promises: its set-up commands are the ones CI runs, its example event is real."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from tui.core.files.load import load_text

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text()


def test_ci_runs_exactly_the_readme_test_command() -> None:
    blocks = re.findall(r"```sh\n(.*?)```", README, re.S)
    test_command = next(b.strip() for b in blocks if "pytest" in b)
    ci = (ROOT / ".ci" / "run").read_text().splitlines()
    # Whole lines, in a run: the command is continued over two lines in both places.
    lines = test_command.splitlines()
    assert any(ci[i : i + len(lines)] == lines for i in range(len(ci)))


def test_the_readme_example_event_is_the_shipped_one_and_loads() -> None:
    example = re.search(r"```toml\n(.*?)```", README, re.S)
    assert example is not None
    shipped = load_text((ROOT / "timeline.toml").read_text(), "timeline.toml")
    data = tomllib.loads(example.group(1))
    event = data["events"][0]
    real = shipped.get(event["id"])
    assert real is not None
    assert real.title == event["title"] and real.date.iso() == event["date"].isoformat()
    assert [s.url for s in real.sources] == [s["url"] for s in event["sources"]]


def test_the_readme_screenshot_exists_and_is_made_by_the_script() -> None:
    assert "docs/screenshot.svg" in README
    assert (ROOT / "docs" / "screenshot.svg").is_file()
    assert "scripts/screenshot.py" in README


def test_the_curated_timeline_is_as_big_as_the_readme_says() -> None:
    claim = re.search(r"timeline of (\d+) events in (\d+) countries and blocs", README)
    assert claim, "the README no longer says how big the curated timeline is"
    events = tomllib.loads((ROOT / "timeline.toml").read_text(encoding="utf-8"))["events"]
    countries = {e["country"] for e in events}
    assert (int(claim.group(1)), int(claim.group(2))) == (len(events), len(countries))
