"""`policy-tui list` and `policy-tui export` as a user runs them: real subprocesses."""

from __future__ import annotations

import csv
import io
import json
import os
import pty
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import icalendar
import pytest
from rich.cells import cell_len
from rich.console import Console

from tui.commands.listing import TABLE_HEADER, rich_table, table_rows
from tui.core.files.load import load_timeline

# The columns a terminal table never wraps (tui.commands.listing: "Short columns never wrap").
SHORT_COLUMNS = ("DATE", "COUNTRY", "ACTION", "STATUS")

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = Path(__file__).parent / "fixtures" / "query" / "timeline.toml"
GOLDEN = Path(__file__).parent / "golden"


def run(
    *args: str, cwd: Path | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[bytes]:
    full_env = {**os.environ, **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "tui", *args],
        capture_output=True,
        cwd=cwd,
        env=full_env,
        timeout=60,
    )


def out(result: subprocess.CompletedProcess[bytes]) -> str:
    return result.stdout.decode("utf-8")


def err(result: subprocess.CompletedProcess[bytes]) -> str:
    return result.stderr.decode("utf-8")


@pytest.fixture
def timeline(tmp_path: Path) -> Path:
    """A private copy, so a test that writes next to it never touches the fixture."""
    path = tmp_path / "timeline.toml"
    shutil.copyfile(FIXTURE, path)
    return path


# --- list -------------------------------------------------------------------------------------


def test_list_prints_an_aligned_table_when_piped(timeline: Path) -> None:
    result = run("list", str(timeline), "--query", "country:RU platform:telegram")
    assert result.returncode == 0, err(result)
    lines = out(result).splitlines()
    assert lines[0].split() == ["DATE", "ID", "COUNTRY", "ACTION", "STATUS", "PLATFORMS", "TITLE"]
    assert [line.split()[1] for line in lines[1:]] == [
        "ru-2018-telegram-ruling",
        "ru-2018-telegram-block",
        "ru-2020-telegram-lift",
        "ru-2025-calls-restrict",
    ]
    # Columns line up: every ID starts at the same offset.
    assert len({line.index(line.split()[1]) for line in lines}) == 1
    assert "2018-04-16/2020-06-18" in lines[2]
    assert "\x1b" not in out(result)  # no colour when piped


def test_list_formats(timeline: Path) -> None:
    query = ("--query", "tag:encryption")
    data = json.loads(out(run("list", str(timeline), *query, "--format", "json")))
    ids = [d["id"] for d in data]
    assert ids == [
        "ru-2018-telegram-ruling",
        "ru-2018-telegram-block",
        "eu-2022-chat-control-proposal",
        "gb-2023-online-safety-act",
    ]
    assert data[1]["start"] == "2018-04-16" and data[1]["end_date"] == "2020-06-18"
    raw = run("list", str(timeline), *query, "--format", "csv").stdout
    assert raw.count(b"\r\n") >= 5  # CRLF line ends reach the file untranslated
    rows = list(csv.DictReader(io.StringIO(raw.decode(), newline="")))
    assert [r["id"] for r in rows] == ids
    markdown = out(run("list", str(timeline), *query, "--format", "markdown"))
    assert "4 events matching `tag:encryption`." in markdown
    assert markdown.count("\n| ") == 2 + 4


@pytest.mark.parametrize(
    "sort",
    [
        ["--sort=-date"],
        ["--sort", "-date"],  # as docs/query.md writes it: the '-' is a value, not an option
        ["--sort", "-date", "--format", "table"],
    ],
)
def test_list_sorts_newest_first(timeline: Path, sort: list[str]) -> None:
    result = run("list", str(timeline), "--query", "tag:encryption", *sort)
    assert result.returncode == 0, err(result)
    ids = [line.split()[1] for line in out(result).splitlines()[1:]]
    assert ids == [
        "gb-2023-online-safety-act",
        "eu-2022-chat-control-proposal",
        "ru-2018-telegram-block",
        "ru-2018-telegram-ruling",
    ]


def test_sort_still_refuses_an_unknown_order_and_a_missing_one(timeline: Path) -> None:
    for args in (["--sort", "-title"], ["--sort", "--format", "json"], ["--sort"]):
        result = run("list", str(timeline), *args)
        assert result.returncode == 2, args
        assert "--sort" in err(result) and "Traceback" not in err(result)


def test_a_query_may_start_with_minus(timeline: Path) -> None:
    for args in (
        ["--query", "-platform:telegram country:RU"],
        ["--query", "-platform:telegram", "--format", "json"],
        ["-q", "-platform:telegram"],
        ["--query=-platform:telegram"],
    ):
        result = run("list", str(timeline), *args)
        assert result.returncode == 0, (args, err(result))
        assert "ru-2018-telegram-block" not in out(result)
        assert "ru-2016-linkedin-block" in out(result)


def test_views_and_their_combination_with_a_query(timeline: Path) -> None:
    view = run("list", str(timeline), "--view", "ru-messaging", "--format", "json")
    assert view.returncode == 0, err(view)
    ids = [d["id"] for d in json.loads(out(view))]
    assert ids == [
        "ru-2018-telegram-ruling",
        "ru-2018-telegram-block",
        "ru-2020-telegram-lift",
        "ru-2025-calls-restrict",
    ]
    both = run(
        "list", str(timeline), "--view", "ru-messaging", "--query", "action:block", "--format=json"
    )
    assert [d["id"] for d in json.loads(out(both))] == ["ru-2018-telegram-block"]


def test_unknown_view_exits_2_with_a_guess_and_the_list(timeline: Path) -> None:
    result = run("list", str(timeline), "--view", "ru-mesaging")
    assert result.returncode == 2
    assert err(result).strip() == (
        "policy-tui list: error: --view: no view named 'ru-mesaging'; did you mean "
        "'ru-messaging'? (views in this file: in-force-mid-2021, ru-messaging)"
    )


def test_the_explorer_resolves_view_and_query_as_list_does(timeline: Path) -> None:
    """One resolution of --view and --query (tui.commands.common.query_text): the explorer's
    command line refuses what list refuses, with the same words, before drawing anything."""
    result = run(str(timeline), "--view", "ru-mesaging")
    assert result.returncode == 2 and out(result) == ""
    assert err(result).strip() == (
        "policy-tui: error: --view: no view named 'ru-mesaging'; did you mean "
        "'ru-messaging'? (views in this file: in-force-mid-2021, ru-messaging)"
    )
    result = run(str(timeline), "--query", "country:RU platfrom:telegram")
    assert result.returncode == 2
    assert err(result).splitlines()[0] == (
        "policy-tui: error: --query: unknown field 'platfrom' — did you mean 'platform'? "
        "(at column 12)"
    )


def test_view_in_a_file_without_views(tmp_path: Path) -> None:
    path = tmp_path / "t.toml"
    path.write_text(
        FIXTURE.read_text().split("[views]")[0]
        + "[[events]]"
        + FIXTURE.read_text().split("[[events]]", 1)[1]
    )
    result = run("list", str(path), "--view", "x")
    assert result.returncode == 2
    assert "the file has no [views] table" in err(result)


def test_a_broken_view_names_itself(timeline: Path) -> None:
    text = timeline.read_text().replace(
        'ru-messaging = "', 'broken = "platfrom:x"\nru-messaging = "'
    )
    timeline.write_text(text)
    result = run("list", str(timeline), "--view", "broken")
    # Since the loader checks views (2782970), a broken view is a problem of the file: exit 1,
    # printed as validate prints it, at the view's line.
    assert result.returncode == 1 and out(result) == ""
    assert "views.broken: not a valid query: unknown field 'platfrom'" in err(result)
    assert err(result) == run("validate", str(timeline)).stderr.decode()


def test_query_errors_exit_2_with_a_caret(timeline: Path) -> None:
    result = run("list", str(timeline), "--query", "country:RU platfrom:telegram")
    assert result.returncode == 2
    assert out(result) == ""
    assert err(result).splitlines() == [
        "policy-tui list: error: --query: unknown field 'platfrom' — did you mean 'platform'? "
        "(at column 12)",
        "  country:RU platfrom:telegram",
        "             ^^^^^^^^",
    ]
    for query in ('"open', "after:2018-13", "status:gone", "country:Russia", "-"):
        result = run("export", str(timeline), "--to", "json", "--query", query)
        assert result.returncode == 2, query
        assert "Traceback" not in err(result)


def test_no_match_is_not_an_error(timeline: Path) -> None:
    result = run("list", str(timeline), "--query", "platform:telegarm", "--format", "json")
    assert result.returncode == 0
    assert json.loads(out(result)) == []
    assert err(result) == (
        "policy-tui list: no events match\n"
        "  no event has platform 'telegarm'; did you mean 'Telegram'?\n"
    )
    table = run("list", str(timeline), "--query", "zzz")
    assert table.returncode == 0 and out(table).split() == [
        "DATE", "ID", "COUNTRY", "ACTION", "STATUS", "PLATFORMS", "TITLE",
    ]  # fmt: skip
    ics = run("export", str(timeline), "--to", "ics", "--query", "zzz")
    assert ics.returncode == 0 and "BEGIN:VCALENDAR" in out(ics) and "VEVENT" not in out(ics)


def test_a_timeline_with_problems_exits_1_as_validate_prints_them(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text(FIXTURE.read_text().replace('title = "Iran throttles Instagram"', 'titel = "x"'))
    for args in (["list", str(bad)], ["export", str(bad), "--to", "csv"]):
        result = run(*args)
        assert result.returncode == 1
        assert out(result) == ""
        assert f"{bad}:" in err(result) and "titel: unknown field; did you mean 'title'?" in (
            err(result)
        )
        assert err(result) == run("validate", str(bad)).stderr.decode()


def test_a_missing_file_exits_2(tmp_path: Path) -> None:
    result = run("list", str(tmp_path / "nope.toml"))
    assert result.returncode == 2 and "no such file" in err(result)


def test_default_file_is_the_env_var_s(timeline: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    result = run(
        "list", "--query", "country:IR", cwd=elsewhere, env={"POLICY_TUI_TIMELINE": str(timeline)}
    )
    assert result.returncode == 0, err(result)
    assert "ir-2019-instagram-throttle" in out(result)


def test_usage_errors_exit_2(timeline: Path) -> None:
    assert run("list", str(timeline), "--format", "pdf").returncode == 2
    assert run("export", str(timeline)).returncode == 2  # --to is required
    result = run("export", str(timeline), "--to", "csv", "--group", "platform")
    assert result.returncode == 2 and "--group applies only to --to timelinejs" in err(result)


def on_terminal(*args: str, columns: int) -> str:
    """What ``policy-tui ARGS`` shows on a terminal ``columns`` wide (a pty), colours removed."""
    primary, secondary = pty.openpty()
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "tui", *args],
            stdout=secondary,
            stderr=subprocess.PIPE,
            env={**os.environ, "COLUMNS": str(columns), "LINES": "40", "TERM": "xterm"},
            timeout=60,
        )
        os.close(secondary)
        chunks = []
        while True:
            try:
                chunk = os.read(primary, 65536)
            except OSError:
                break
            if not chunk:
                break
            chunks.append(chunk)
    finally:
        os.close(primary)
    assert proc.returncode == 0, proc.stderr
    text = b"".join(chunks).decode("utf-8", "replace").replace("\r\n", "\n")
    return re.sub(r"\x1b\[[0-9;]*m", "", text)


def test_list_on_a_terminal_uses_rich_and_sanitises(tmp_path: Path) -> None:
    path = tmp_path / "t.toml"
    path.write_text(
        FIXTURE.read_text().replace("Iran throttles Instagram", "Iran [bold]throttles\\u202e")
    )
    text = on_terminal("list", str(path), "--query", "country:IR,BR", columns=160)
    assert "ir-2019-instagram-throttle" in text and "br-2015-whatsapp-block" in text
    assert "Iran [bold]throttles\\u202e" in text  # markup shown as text, bidi escaped
    assert "\u202e" not in text


# The curated timeline (long titles, ISO intervals, several platforms) and the query fixture
# (titles full of brackets and quotes).
TABLE_SOURCES = (ROOT / "timeline.toml", FIXTURE)


def read_table(lines: list[str]) -> tuple[list[str], list[dict[str, list[str]]]]:
    """The columns a rendered table shows and, per event, each column's text line by line.

    Columns are cut where the header's words start. A line with a date starts an event; on the
    lines after it, a short column must be blank, or its cell was broken across lines.
    """
    names = {"CC": "COUNTRY"}
    starts = [(m.start(), names.get(m.group(), m.group())) for m in re.finditer(r"\S+", lines[0])]
    columns = [name for _, name in starts]
    assert columns[0] == "DATE" and set(columns) <= set(TABLE_HEADER), lines[:3]  # one line
    events: list[dict[str, list[str]]] = []
    for line in lines[1:]:
        if "hidden to fit" in line:
            break  # the caption
        cells = {
            name: line[start : starts[i + 1][0] if i + 1 < len(starts) else None].strip()
            for i, (start, name) in enumerate(starts)
        }
        if cells["DATE"]:
            events.append({name: [cells[name]] for name in columns})
            continue
        for name in SHORT_COLUMNS:
            assert cells.get(name, "") == "", (name, line)
        for name in columns:
            if cells[name]:
                events[-1][name].append(cells[name])
    return columns, events


@pytest.mark.parametrize(
    ("width", "hidden"),
    [(80, {"ID", "PLATFORMS"}), (100, {"ID"}), (120, {"ID"}), (200, set())],
)
@pytest.mark.parametrize("source", TABLE_SOURCES, ids=lambda p: p.parent.name)
def test_the_terminal_table_fits_and_never_breaks_a_short_cell(
    source: Path, width: int, hidden: set[str]
) -> None:
    events = load_timeline(source).events
    console = Console(
        width=width,
        force_terminal=True,
        record=True,
        file=io.StringIO(),
        highlight=False,
        markup=False,
        emoji=False,
    )
    console.print(rich_table(events, width))
    lines = console.export_text().splitlines()
    assert all(cell_len(line) <= width for line in lines)
    columns, rows = read_table(lines)
    assert set(TABLE_HEADER) - set(columns) == hidden
    if hidden:
        assert " and ".join(sorted(hidden, key=TABLE_HEADER.index)).lower() in lines[-1]
    assert len(rows) == len(events)
    for shown, expected in zip(rows, table_rows(events), strict=True):
        cells = dict(zip(TABLE_HEADER, expected, strict=True))
        for name in (*SHORT_COLUMNS, "ID"):
            if name in columns:
                assert shown[name] == [cells[name]], (width, name, shown)
        # Titles and platform lists wrap between words, never inside one.
        for name in ("TITLE", "PLATFORMS"):
            if name in columns:
                assert " ".join(shown[name]) == " ".join(cells[name].split()), (width, shown)
    # Below 120 columns COUNTRY is headed CC: its cells are two letters wide.
    assert ("CC" if width < 120 else "COUNTRY") in lines[0].split()


def test_list_on_an_80_column_terminal() -> None:
    text = on_terminal("list", str(ROOT / "timeline.toml"), "--query", "country:RU", columns=80)
    lines = text.splitlines()
    assert lines[0].split() == ["DATE", "CC", "ACTION", "STATUS", "TITLE"]
    assert all(cell_len(line) <= 80 for line in lines)
    assert any(line.startswith("2018-04-16/2020-06-18  RU  block") for line in lines)
    assert "id and platforms hidden to fit 80 columns" in lines[-1]


# --- export -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fmt", "golden"),
    [
        ("json", "all.json"),
        ("csv", "all.csv"),
        ("markdown", "all.md"),
        ("timelinejs", "all.timelinejs.json"),
        ("ics", "all.ics"),
    ],
)
def test_export_to_stdout_matches_the_golden_files(timeline: Path, fmt: str, golden: str) -> None:
    result = run("export", str(timeline), "--to", fmt)
    assert result.returncode == 0, err(result)
    assert result.stdout == (GOLDEN / golden).read_bytes()


def test_export_to_a_file(timeline: Path, tmp_path: Path) -> None:
    target = tmp_path / "out" / "in-force.ics"
    target.parent.mkdir()
    result = run(
        "export", str(timeline), "--to", "ics", "--view", "in-force-mid-2021", "-o", str(target)
    )
    assert result.returncode == 0, err(result)
    assert out(result) == ""
    assert err(result) == f"policy-tui export: wrote 3 events to '{target}'\n"
    calendar = icalendar.Calendar.from_ical(target.read_bytes())
    assert sorted(str(e["uid"]) for e in calendar.walk("VEVENT")) == [
        "cn-2017-whatsapp-block@policy-tui",
        "in-2020-tiktok-block@policy-tui",
        "ru-2016-linkedin-block@policy-tui",
    ]
    assert sorted(p.name for p in target.parent.iterdir()) == ["in-force.ics"]


def test_export_refuses_to_overwrite_the_timeline(timeline: Path, tmp_path: Path) -> None:
    before = timeline.read_bytes()
    link = tmp_path / "link.toml"
    link.symlink_to(timeline)
    hard = tmp_path / "hard.toml"
    os.link(timeline, hard)
    for target in (timeline, link, hard, tmp_path / "." / "timeline.toml"):
        result = run("export", str(timeline), "--to", "json", "-o", str(target))
        assert result.returncode == 2, target
        assert "is the timeline file itself" in err(result)
    # The same file reached through the default resolution.
    result = run("export", "--to", "json", "-o", "timeline.toml", cwd=tmp_path)
    assert result.returncode == 2
    assert timeline.read_bytes() == before


def test_export_to_a_folder_or_nowhere_exits_2(timeline: Path, tmp_path: Path) -> None:
    assert run("export", str(timeline), "--to", "csv", "-o", str(tmp_path)).returncode == 2
    result = run("export", str(timeline), "--to", "csv", "-o", str(tmp_path / "no" / "x.csv"))
    assert result.returncode == 2 and "no such folder" in err(result)


def test_export_onto_a_read_only_file_is_refused(timeline: Path, tmp_path: Path) -> None:
    """The atomic rename replaced a 0444 file (needing only the folder); tests run as root,
    which os.access lets write anything: the mode bits decide
    (tui.core.files.write.check_writable)."""
    target = tmp_path / "out.json"
    target.write_bytes(b"keep me")
    target.chmod(0o444)
    result = run("export", str(timeline), "--to", "json", "-o", str(target))
    assert result.returncode == 2
    assert "read-only" in err(result) and str(target) in err(result)
    assert "Traceback" not in err(result)
    assert target.read_bytes() == b"keep me"
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


def test_export_timelinejs_group_option(timeline: Path) -> None:
    data = json.loads(
        out(run("export", str(timeline), "--to", "timelinejs", "--group", "platform"))
    )
    assert {s["group"] for s in data["events"]} >= {"WhatsApp", "Telegram", "TikTok"}


def test_source_date_epoch_fixes_the_calendar_stamp(timeline: Path) -> None:
    result = run("export", str(timeline), "--to", "ics", env={"SOURCE_DATE_EPOCH": "1700000000"})
    assert "DTSTAMP:20231114T221320Z" in out(result)
    bad = run("export", str(timeline), "--to", "ics", env={"SOURCE_DATE_EPOCH": "soon"})
    assert bad.returncode == 2 and "SOURCE_DATE_EPOCH" in err(bad)


def test_help_lists_the_commands() -> None:
    result = run("--help")
    assert "policy-tui list" in out(result) and "policy-tui export" in out(result)
    for command in ("list", "export"):
        result = run(command, "--help")
        assert result.returncode == 0 and "--query" in out(result)


def test_list_and_export_never_import_textual(timeline: Path) -> None:
    code = (
        "import sys\n"
        "from tui.cli import main\n"
        f"assert main(['list', {str(timeline)!r}, '--format', 'json']) == 0\n"
        f"assert main(['export', {str(timeline)!r}, '--to', 'ics']) == 0\n"
        f"assert main(['export', {str(timeline)!r}, '--to', 'timelinejs']) == 0\n"
        "import tui.core.query.language, tui.core.query.edit, tui.core.query.evaluate\n"
        "import tui.core.query.printing, tui.core.query.textindex\n"
        "import tui.core.export.markdown, tui.core.export.csv\n"
        "bad = sorted(m for m in sys.modules if m == 'textual' or m.startswith('textual.'))\n"
        "assert not bad, bad\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, timeout=60, cwd=ROOT)
    assert result.returncode == 0, result.stderr.decode()


def test_every_command_in_publishing_md_runs(tmp_path: Path) -> None:
    import re
    import shlex

    doc = (ROOT / "docs" / "publishing.md").read_text(encoding="utf-8")
    commands = [
        shlex.split(line)
        for block in re.findall(r"```sh\n(.*?)```", doc, re.S)
        for line in block.splitlines()
        if line.startswith("policy-tui ")
    ]
    assert len(commands) >= 8
    shutil.copyfile(FIXTURE, tmp_path / "timeline.toml")
    for words in commands:
        result = run(*words[1:], cwd=tmp_path)
        assert result.returncode == 0, (words, err(result))
        if "-o" in words:
            assert (tmp_path / words[words.index("-o") + 1]).stat().st_size > 0


SCRIPTS = Path(__file__).parent / "fixtures" / "app" / "scripts.toml"


def test_list_shows_joiners_and_marks_as_text() -> None:
    # ZWNJ (Persian), ZWJ (Devanagari, emoji), LRM/RLM/ALM and U+FE0F are spelling, not
    # controls: they were printed as the six characters "\u200c".
    timeline = load_timeline(SCRIPTS)
    piped = out(run("list", str(SCRIPTS)))
    terminal = on_terminal("list", str(SCRIPTS), columns=200)
    for text in (piped, terminal):
        assert "\\u" not in text
        for event in timeline.events:
            assert event.title in text, event.id
        assert "واتس\u200cاپ, اینستاگرام" in text


def test_list_csv_is_the_export_csv_with_one_item_per_line(timeline: Path) -> None:
    listed = run("list", str(timeline), "--format", "csv").stdout
    assert listed == (GOLDEN / "all.csv").read_bytes()  # the export's bytes, list encoding too
    rows = {r["id"]: r for r in csv.DictReader(io.StringIO(listed.decode(), newline=""))}
    assert rows["ru-2018-telegram-block"]["authority"].split("\n") == [
        "Roskomnadzor",
        "Tagansky District Court",
    ]


def test_export_timelinejs_warns_about_an_unreadable_number_of_rows(tmp_path: Path) -> None:
    events = "".join(
        "[[events]]\n"
        f'id = "e{i}"\ndate = 2020-01-{i + 1:02d}\ntitle = "t"\ncountry = "RU"\n'
        f'platforms = ["P{i}"]\naction = "block"\nsummary = "s"\n'
        'sources = [{ publisher = "p", url = "https://example.org/" }]\n\n'
        for i in range(12)
    )
    path = tmp_path / "many.toml"
    path.write_text(events)
    result = run("export", str(path), "--to", "timelinejs", "--group", "platform")
    assert result.returncode == 0
    assert err(result).startswith("policy-tui export: warning: 12 rows (one per platform)")
    assert len(json.loads(out(result))["events"]) == 12
    quiet = run("export", str(path), "--to", "timelinejs")  # one row per country: one row
    assert quiet.returncode == 0 and err(quiet) == ""


def test_the_documented_examples_make_readable_timelinejs_embeds() -> None:
    from tui.core.export.timelinejs import rows_warning
    from tui.core.query.evaluate import Index
    from tui.core.query.language import parse

    text = (ROOT / "docs" / "publishing.md").read_text() + (ROOT / "README.md").read_text()
    commands = re.findall(
        r"^\s*(policy-tui export (?:timeline\.toml )?--to timelinejs .*)$", text, re.M
    )
    assert len(commands) >= 3
    curated = load_timeline(ROOT / "timeline.toml")
    index = Index(curated.events)
    for command in commands:
        words = shlex.split(command)
        query = words[words.index("--query") + 1] if "--query" in words else ""
        group = words[words.index("--group") + 1] if "--group" in words else "country"
        events = [curated.events[i] for i in index.filter(parse(query))]
        assert events, command
        assert rows_warning(events, group) is None, command
