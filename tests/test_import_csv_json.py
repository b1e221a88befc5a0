"""``policy-tui import csv`` (column maps, constants, the TimelineJS preset) and ``import json``
(the export read back: a lossless round trip)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from tui.cli import main
from tui.core.export import render
from tui.core.files.load import load_timeline

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "imports"
TIMELINEJS = FIXTURES / "timelinejs.csv"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(["import", *argv])
    out, err = capsys.readouterr()
    return status, out, err


def write_csv(path: Path, rows: list[list[str]], **options: str) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, **options).writerows(rows)  # type: ignore[arg-type]
    return path


def test_the_timelinejs_preset(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out_file = tmp_path / "t.toml"
    status, out, err = run(
        capsys, "csv", str(TIMELINEJS), "--preset", "timelinejs", "--set", "action=block",
        "-o", str(out_file),
    )  # fmt: skip
    assert status == 1
    assert "6 rows read, 2 imported, 0 already present, 4 skipped" in out
    name = str(TIMELINEJS)
    assert f"{name}:2: note: the TimelineJS title slide: used as the timeline's title" in err
    assert f"{name}:5: skipped: a TimelineJS era" in err
    assert f"{name}:6: skipped: sources.url: no http(s) link in 'Media'" in err
    assert f"{name}:7: skipped: date: year '2021', month '13'" in err
    assert f"{name}:8: skipped: country ('Group'): 'Messaging' is not a country" in err
    timeline = load_timeline(out_file)
    assert timeline.info.title == "Messaging blocks, 2018-2022"
    assert timeline.info.description.startswith("Our newsroom's timeline.")
    telegram, instagram = timeline.events
    assert (telegram.date.iso(), telegram.end_date and telegram.end_date.iso()) == (
        "2018-04-16",
        "2020-06-18",
    )
    assert telegram.country == "RU" and telegram.action.value == "block"
    # HTML text: paragraphs kept, entities read, its links become sources.
    assert telegram.summary == "Roskomnadzor began blocking Telegram.\n\nSee TASS & others.\n"
    assert [(s.publisher, s.url) for s in telegram.sources] == [
        ("Meduza", "https://meduza.io/en/news/2018/04/16/x"),
        ("tass.com", "https://tass.com/economy/999993"),
    ]
    assert instagram.date.iso() == "2022-03"


def test_map_and_set_with_names_codes_lists_and_several_links(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sheet = write_csv(
        tmp_path / "sheet.csv",
        [
            ["When", "Until", "What", "Where", "Apps", "Who", "Links", "Notes"],
            ["2022-03-04", "", "Facebook blocked", "Russian Federation", "Facebook",
             "Roskomnadzor; Prosecutor General", "https://a.example/1 https://b.example/2",
             "Line one.\n\nLine two."],
            ["16/4/2018", "18/6/2020", "Telegram blocked", "RU", "Telegram|VPNs", "",
             "https://c.example", ""],
            ["2019", "", "No link", "BR", "", "", "N/A", "x"],
        ],
    )  # fmt: skip
    out_file = tmp_path / "t.toml"
    args = [
        "csv", str(sheet), "--map", "date=When", "--map", "end_date=Until", "--map", "title=What",
        "--map", "country=Where", "--map", "platforms=Apps", "--map", "authority=Who",
        "--map", "sources.url=Links", "--map", "summary=Notes", "--set", "action=block",
        "--set", "summary=From our tracker.", "--set", "tags=imported", "--day-first",
        "-o", str(out_file),
    ]  # fmt: skip
    status, out, err = run(capsys, *args)
    assert status == 1 and "3 rows read, 2 imported, 0 already present, 1 skipped" in out
    assert f"{sheet}:4: note: sources.url: not an http(s) link, not used as a source: 'N/A'" in err
    assert f"{sheet}:4: skipped: sources.url: no http(s) link in 'Links'" in err
    facebook, telegram = load_timeline(out_file).events[::-1]
    assert facebook.authority == ("Roskomnadzor", "Prosecutor General")
    assert [s.url for s in facebook.sources] == ["https://a.example/1", "https://b.example/2"]
    assert facebook.summary == "Line one.\n\nLine two.\n"
    assert facebook.tags == ("imported",)
    assert telegram.summary == "From our tracker.\n"  # the constant fills a blank cell
    assert telegram.platforms == ("Telegram", "VPNs")
    assert (telegram.date.iso(), telegram.end_date and telegram.end_date.iso()) == (
        "2018-04-16",
        "2020-06-18",
    )
    # Ids are stable: the same sheet appended again adds nothing.
    before = out_file.read_bytes()
    args[-2:] = ["--append", str(out_file)]
    status, out, _ = run(capsys, *args)
    assert "0 imported, 2 already present, 1 skipped" in out
    assert out_file.read_bytes() == before


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--map", "titel=What"], "no field 'titel'; did you mean 'title'?"),
        (["--map", "title"], "write FIELD=VALUE"),
        (["--map", "title=What"], "no column or constant for date, country, action, summary"),
        (["--map", "date=When", "--map", "title=What", "--map", "country=Where",
          "--map", "summary=Notes", "--map", "sources.url=Links", "--set", "action=blok"],
         "'blok' is not an action; did you mean 'block'?"),
    ],
)  # fmt: skip
def test_usage_errors_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    sheet = write_csv(tmp_path / "s.csv", [["When", "What"], ["2020", "x"]])
    status, out, err = run(capsys, "csv", str(sheet), *argv, "--dry-run")
    assert status == 2 and message in err and out == ""


def test_a_sheet_without_the_mapped_columns_names_them(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sheet = write_csv(tmp_path / "s.csv", [["When", "What"], ["2020", "x"]])
    status, _, err = run(
        capsys, "csv", str(sheet), "--map", "date=When", "--map", "title=Headline",
        "--map", "country=Country", "--set", "action=block", "--set", "summary=s",
        "--set", "sources.url=https://example.org/sheet", "--dry-run",
    )  # fmt: skip
    assert status == 2
    assert "no header row has the columns 'Headline', 'Country'" in err


def test_export_json_then_import_json_is_a_lossless_round_trip(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sources = (ROOT / "timeline.toml", ROOT / "tests" / "fixtures" / "query" / "timeline.toml")
    # Named by their place in the list: the checkout's folder may share a name with a fixture's.
    for number, source in enumerate(sources):
        original = load_timeline(source)
        exported = tmp_path / f"source-{number}.json"
        exported.write_text(render("json", original, original.events))
        out_file = tmp_path / f"source-{number}.toml"
        status, out, err = run(capsys, "json", str(exported), "-o", str(out_file))
        assert status == 0, err
        n = len(original.events)
        assert f"{n} rows read, {n} imported, 0 already present, 0 skipped" in out
        assert load_timeline(out_file).events == original.events
        # And back again into the same file: everything is already present.
        status, out, _ = run(capsys, "json", str(exported), "--append", str(out_file))
        assert status == 0 and f"0 imported, {n} already present" in out


def test_json_items_that_are_not_events_are_skipped_with_their_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    original = load_timeline(ROOT / "tests" / "fixtures" / "query" / "timeline.toml")
    records = json.loads(render("json", original, original.events[:3]))
    records[1]["titel"] = "x"
    records.append(42)
    path = tmp_path / "e.json"
    path.write_text(json.dumps(records, indent=2))
    status, out, err = run(capsys, "json", str(path), "--dry-run")
    assert status == 1 and "4 rows read, 2 imported, 0 already present, 2 skipped" in out
    lines = path.read_text().splitlines()
    second = [i for i, line in enumerate(lines, 1) if line == "  {"][1]
    assert f"{path}:{second}: skipped: unknown field: 'titel'; did you mean 'title'?" in err
    assert "skipped: not an event" in err
    bad = tmp_path / "bad.json"
    bad.write_text('{"a": 1}')
    status, _, err = run(capsys, "json", str(bad), "--dry-run")
    assert status == 2 and "not a policy-tui JSON export" in err


def test_the_example_in_import_csv_help_does_what_it_says(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sheet = write_csv(
        tmp_path / "sheet.csv",
        [
            ["When", "What", "Country", "Link"],
            ["3/4/2022", "Facebook blocked", "Russian Federation",
             "https://a.example/1; https://b.example/2"],
        ],
    )  # fmt: skip
    out_file = tmp_path / "t.toml"
    status, _, err = run(
        capsys, "csv", str(sheet), "--map", "date=When", "--map", "title=What",
        "--map", "country=Country", "--map", "sources.url=Link", "--set", "action=block",
        "--set", "summary=From our tracker.", "-o", str(out_file),
    )  # fmt: skip
    assert status == 0, err
    (event,) = load_timeline(out_file).events
    assert (event.date.iso(), event.country, event.action.value) == ("2022-03-04", "RU", "block")
    assert (event.title, event.summary) == ("Facebook blocked", "From our tracker.\n")
    assert [s.publisher for s in event.sources] == ["a.example", "b.example"]


def test_a_json_event_related_to_one_not_imported_is_skipped_with_the_id(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    original = load_timeline(ROOT / "timeline.toml")
    linked = next(e for e in original.events if e.related)
    path = tmp_path / "one.json"
    path.write_text(render("json", original, [linked]))
    status, out, err = run(capsys, "json", str(path), "--dry-run")
    assert status == 1 and "1 rows read, 0 imported, 0 already present, 1 skipped" in out
    assert f"skipped: related: no event has the id '{linked.related[0]}'" in err
    # Appended (under a new id) to a timeline that has the related event, it is imported.
    records = json.loads(path.read_text())
    records[0]["id"] = "a-brand-new-id"
    path.write_text(json.dumps(records))
    timeline = tmp_path / "t.toml"
    timeline.write_bytes((ROOT / "timeline.toml").read_bytes())
    status, out, err = run(capsys, "json", str(path), "--append", str(timeline))
    assert status == 0, err
    assert "1 imported, 0 already present, 0 skipped" in out
    added = load_timeline(timeline).get("a-brand-new-id")
    assert added is not None and added.related == linked.related
