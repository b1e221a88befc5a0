"""``policy-tui import stop``: both header generations, every quirk, every row accounted for."""

from __future__ import annotations

import csv
import re
import shutil
from pathlib import Path

import pytest

from tui.cli import main
from tui.core.files.load import load_timeline
from tui.core.files.write import WriteError, append_events, load_with_digest
from tui.core.importing import cells

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "imports"
STOP_2020 = FIXTURES / "stop-2020.csv"
STOP_CURRENT = FIXTURES / "stop-current.csv"
STOP_UTF16 = FIXTURES / "stop-current-utf16.txt"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(["import", *argv])
    out, err = capsys.readouterr()
    return status, out, err


def records(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle))


def write_records(path: Path, rows: list[list[str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)


def test_the_2020_sheet_imports_with_every_row_accounted_for(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out_file = tmp_path / "stop.toml"
    status, out, err = run(capsys, "stop", str(STOP_2020), "-o", str(out_file))
    assert status == 1  # rows were skipped
    name = str(STOP_2020)
    assert out.strip() == (
        f"{name}: 9 rows read (2 blank rows not counted), 5 imported, 0 already present, "
        f"4 skipped; wrote 5 to '{out_file}'"
    )
    lines = err.splitlines()
    assert f"{name}: note: row 1 above the header (row 2) read as a note, not data" in lines
    assert (
        f"{name}:6: skipped: country: 'Russia' is not a country that ISO 3166-1 lists; "
        "did you mean RU (Russian Federation)?"
    ) in lines
    assert f"{name}:7: skipped: end_date 2019-05-01 is before start_date 2019-05-10" in err
    assert f"{name}:9: skipped: country: 'Syrian Arab Republic, Iraq' names several" in err
    assert f"{name}:11: skipped: duplicate of row 10 (both give the id 'stop-108')" in lines
    assert f"{name}:8: note: news_link: not an http(s) link, not used as a source" in err
    skipped = [line for line in lines if ": skipped: " in line]
    assert len(skipped) == 4

    timeline = load_timeline(out_file)  # passes validate
    by_id = {e.id: e for e in timeline.events}
    assert set(by_id) == {"stop-101", "stop-102", "stop-103", "stop-106", "stop-108"}
    kashmir = by_id["stop-101"]
    assert kashmir.country == "IN"
    assert kashmir.platforms == ("Mobile internet", "Broadband internet")
    assert "full-network" in kashmir.tags and "scope-regional" in kashmir.tags
    assert kashmir.title == "Mobile and broadband internet shutdown in Jammu and Kashmir, India"
    # Stray quotes around two links: one source each, the publisher from the site's name.
    assert [(s.publisher, s.url) for s in kashmir.sources][:3] == [
        ("a.example", "https://a.example/x.cms"),
        ("b.example", "https://b.example/y"),
        ("Access Now", "https://www.accessnow.org/kashmir/"),
    ]
    assert kashmir.sources[-1].title == "STOP data: stop-2020.csv, row 3, ID 101"
    assert kashmir.end_date is not None and kashmir.end_date.iso() == "2020-03-04"
    assert 'He said "it is ""temporary"""' in kashmir.summary  # doubled quotes survive
    assert "Revocation of Article 370. Communications cut" in kashmir.summary
    iran = by_id["stop-102"]
    assert (iran.country, iran.action.value, iran.status.value) == ("IR", "block", "ongoing")
    assert iran.platforms == ("WhatsApp", "Instagram", "Signal", "Skype")
    assert "service-based" in iran.tags and "Unclear whether affected: Telegram" in iran.summary
    venezuela = by_id["stop-103"]
    assert (venezuela.country, venezuela.action.value) == ("VE", "throttle")
    assert venezuela.status.value == "unknown"
    # No news link: the dataset is still cited.
    assert [s.publisher for s in venezuela.sources] == ["Access Now STOP dataset"]
    tanzania = by_id["stop-106"]  # Excel day numbers
    assert (tanzania.date.iso(), tanzania.country) == ("2019-11-01", "TZ")
    assert "throttling" in tanzania.tags
    syria = by_id["stop-108"]  # a month-only date, type Unknown
    assert (syria.date.iso(), syria.action.value, syria.status.value) == (
        "2019-06",
        "other",
        "unknown",
    )
    # Reads like a hand-written file: one [[events]] table each, multi-line summaries.
    text = out_file.read_text()
    assert text.count("[[events]]") == 5 and 'summary = """\n' in text


def test_the_current_sheet_in_utf8_with_bom_and_in_excel_unicode_text_give_the_same_events(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    results = []
    for source in (STOP_CURRENT, STOP_UTF16):
        out_file = tmp_path / f"{source.stem}.toml"
        status, out, err = run(capsys, "stop", str(source), "-o", str(out_file))
        assert status == 1
        assert "5 rows read, 3 imported, 0 already present, 2 skipped" in out
        assert f"{source}:4: skipped: country: 'Kosovo' is not a country" in err
        assert f"{source}:5: skipped: shutdown_type 'Blackout' is not Shutdown" in err
        results.append(load_timeline(out_file).events)
    assert "read as UTF-16" in err
    first, second = results
    assert [e.id for e in first] == [e.id for e in second]
    ethiopia = first[0]
    assert ethiopia.id.startswith("stop-et-2023-")
    assert (ethiopia.status.value, ethiopia.platforms) == ("ongoing", ("Mobile internet",))
    # A link cell split by a comma and a line break.
    assert [s.url for s in ethiopia.sources][:2] == [
        "https://d.example/eth",
        "https://e.example/eth2",
    ]
    senegal = next(e for e in first if e.country == "SN")
    assert senegal.platforms == ("Facebook", "Twitter", "WhatsApp", "TikTok", "YouTube")
    assert senegal.end_date is not None and senegal.end_date.iso() == "2023-03-10"
    cuba = next(e for e in first if e.country == "CU")
    assert (cuba.date.iso(), cuba.action.value) == ("2023-03", "throttle")


def test_append_adds_only_new_rows_and_a_second_import_leaves_the_file_byte_identical(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # An older copy of the sheet: the Senegal row missing.
    header, *rows = records(STOP_CURRENT)
    older = tmp_path / "older.csv"
    write_records(older, [header, *(r for r in rows if "Senegal" not in r)])
    timeline = tmp_path / "t.toml"
    status, out, _ = run(capsys, "stop", str(older), "-o", str(timeline))
    assert "4 rows read, 2 imported" in out
    # The newer copy, rows in another order: only Senegal is new.
    newer = tmp_path / "newer.csv"
    write_records(newer, [header, *reversed(rows)])
    status, out, _ = run(capsys, "stop", str(newer), "--append", str(timeline))
    assert "5 rows read, 1 imported, 2 already present, 2 skipped" in out
    assert status == 1
    after = timeline.read_bytes()
    assert len(load_timeline(timeline).events) == 3
    status, out, _ = run(capsys, "stop", str(newer), "--append", str(timeline))
    assert "0 imported, 3 already present, 2 skipped" in out and "unchanged" in out
    assert timeline.read_bytes() == after
    # The file's own bytes before the appended tables are untouched.
    status, out, _ = run(capsys, "stop", str(STOP_2020), "--append", str(timeline))
    assert timeline.read_bytes().startswith(after)


def test_dry_run_writes_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out_file = tmp_path / "new.toml"
    status, out, _ = run(capsys, "stop", str(STOP_2020), "-o", str(out_file), "--dry-run")
    assert status == 1 and "dry run: nothing written" in out
    assert not out_file.exists()
    timeline = tmp_path / "t.toml"
    shutil.copy(FIXTURES.parent / "write" / "lf.toml", timeline)
    before = timeline.read_bytes()
    status, out, _ = run(capsys, "stop", str(STOP_2020), "--append", str(timeline), "--dry-run")
    assert "5 imported" in out and timeline.read_bytes() == before


def test_append_refuses_a_read_only_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    timeline = tmp_path / "t.toml"
    shutil.copy(FIXTURES.parent / "write" / "lf.toml", timeline)
    timeline.chmod(0o444)
    before = timeline.read_bytes()
    status, _out, err = run(capsys, "stop", str(STOP_2020), "--append", str(timeline))
    assert status == 2
    assert "not saved: the file" in err and "read-only" in err
    assert timeline.read_bytes() == before and oct(timeline.stat().st_mode)[-3:] == "444"
    assert [p.name for p in tmp_path.iterdir()] == ["t.toml"]  # no temporary file left


def test_append_refuses_a_file_that_does_not_load(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    timeline = tmp_path / "t.toml"
    timeline.write_text('[[events]]\nid = "x"\n')
    status, _, err = run(capsys, "stop", str(STOP_2020), "--append", str(timeline))
    assert status == 1
    assert "does not load; fix it first" in err and "is required" in err
    assert timeline.read_text() == '[[events]]\nid = "x"\n'


def test_append_refuses_a_file_changed_since_it_was_read(tmp_path: Path) -> None:
    timeline = tmp_path / "t.toml"
    shutil.copy(FIXTURES.parent / "write" / "lf.toml", timeline)
    loaded, digest = load_with_digest(timeline)
    timeline.write_bytes(timeline.read_bytes() + b"# edited meanwhile\n")
    changed = timeline.read_bytes()
    with pytest.raises(WriteError) as caught:
        append_events(timeline, [loaded.events[0]._replace(id="another-id")], digest)
    assert caught.value.kind == "changed"
    assert timeline.read_bytes() == changed


def test_output_never_overwrites_an_existing_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    existing = tmp_path / "mine.toml"
    existing.write_text("precious")
    status, _, err = run(capsys, "stop", str(STOP_2020), "-o", str(existing))
    assert status == 2 and "exists" in err and "--append" in err
    assert existing.read_text() == "precious"


def test_another_kind_of_csv_gets_one_error_naming_the_missing_columns(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    other = tmp_path / "other.csv"
    other.write_text("start_date,country,title\n1/1/2020,India,x\n")
    status, out, err = run(capsys, "stop", str(other), "-o", str(tmp_path / "o.toml"))
    assert status == 2 and out == ""
    assert err.strip() == (
        f"{other}: error: not a STOP sheet: no header row has the columns geo_scope, "
        "shutdown_type or shutdown_type_new (the closest is row 1)"
    )


def test_windows_1252_is_read_and_undecodable_bytes_are_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = STOP_CURRENT.read_text(encoding="utf-8-sig").replace("Amhara", "Amhara – Gondar")
    legacy = tmp_path / "cp1252.csv"
    legacy.write_bytes(text.replace("\n", "\r\n").encode("cp1252"))
    out_file = tmp_path / "o.toml"
    status, out, err = run(capsys, "stop", str(legacy), "-o", str(out_file))
    assert "read as Windows-1252" in err and "3 imported" in out
    assert "Amhara – Gondar, Ethiopia" in out_file.read_text()
    broken = tmp_path / "broken.csv"
    broken.write_bytes(text.encode("utf-8").replace(b"Amhara", b"Amh\x81ra"))
    status, out, err = run(capsys, "stop", str(broken), "-o", str(tmp_path / "b.toml"))
    assert status == 2
    assert "line 2: the byte 81 is neither UTF-8 nor Windows-1252" in err
    assert "--encoding" in err


def test_hostile_cells_are_data_on_the_terminal(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = STOP_CURRENT.read_text(encoding="utf-8-sig").replace("Kosovo", "Kos\x1b]52;c;ovo\u202e")
    hostile = tmp_path / "hostile.csv"
    hostile.write_text(text)
    _status, out, err = run(capsys, "stop", str(hostile), "--dry-run")
    assert "\x1b" not in err + out and "\u202e" not in err + out
    assert "\\u202e" in err


def test_ids_do_not_depend_on_row_order_or_file_name(tmp_path: Path) -> None:
    from tui.core.importing import stop
    from tui.core.importing.report import Report

    def ids(path: Path) -> list[str]:
        report = Report(str(path))
        stop.import_rows(stop.read(path), report)
        return sorted(e.id for e in report.events)

    header, *rows = records(STOP_CURRENT)
    shuffled = tmp_path / "renamed.csv"
    write_records(shuffled, [header, *reversed(rows)])
    assert ids(STOP_CURRENT) == ids(shuffled)


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("3/15/2020", "2020-03-15"),
        ("2020-03-15", "2020-03-15"),
        ("2020-03", "2020-03"),
        ("2020", "2020"),
        ("3/2020", "2020-03"),
        ("March 2020", "2020-03"),
        ("15 March 2020", "2020-03-15"),
        ("Mar 15, 2020", "2020-03-15"),
        ("43905", "2020-03-15"),
        ("3/15/2020 0:00:00", "2020-03-15"),
    ],
)
def test_date_cells(cell: str, expected: str) -> None:
    assert cells.parse_date(cell).iso() == expected


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        ("13/1/2020", "there is no month 13"),
        ("2/30/2020", "not a real date"),
        ("soon", "is not a date; write M/D/YYYY"),
    ],
)
def test_bad_date_cells_say_why(cell: str, message: str) -> None:
    with pytest.raises(cells.CellError, match=re.escape(message)):
        cells.parse_date(cell)


@pytest.mark.parametrize(
    ("cell", "code"),
    [
        ("Iran (Islamic Republic of)", "IR"),
        ("Venezuela (Bolivarian Republic of)", "VE"),
        ("Viet Nam", "VN"),
        ("Tanzania, United Republic of", "TZ"),
        ("Syrian Arab Republic", "SY"),
        ("Democratic Republic of the Congo", "CD"),
        ("Republic of Korea", "KR"),
        ("Bolivia (Plurinational State of)", "BO"),
        ("Türkiye", "TR"),
        ("IN", "IN"),
    ],
)
def test_country_names_as_the_un_writes_them(cell: str, code: str) -> None:
    assert cells.country_code(cell) == code


def test_link_cells() -> None:
    urls, other = cells.split_links('"https://a.example/x.cms;" https://b.example/y')
    assert (urls, other) == (["https://a.example/x.cms", "https://b.example/y"], [])
    urls, other = cells.split_links("https://a.example/q?a=1,2, www.c.example\nN/A ftp://d.e/x")
    assert urls == ["https://a.example/q?a=1,2"]
    assert other == ["www.c.example", "N/A", "ftp://d.e/x"]
    assert cells.split_links("   ") == ([], [])


def test_import_is_listed_in_the_help(capsys: pytest.CaptureFixture[str]) -> None:
    # (Not main(["--help"]): the app's path pauses the garbage collector before parsing.)
    from tui.cli import _app_parser

    assert "policy-tui import stop|csv|json" in _app_parser().format_help()
    with pytest.raises(SystemExit) as exited:
        main(["import"])
    assert exited.value.code == 2


def test_the_documented_example_row_is_what_the_import_writes() -> None:
    from tui.core.files.write import render_event
    from tui.core.importing import stop
    from tui.core.importing.report import Report

    docs = (FIXTURES.parent.parent.parent / "docs" / "importing.md").read_text()
    example = re.search(r"becomes:\n\n```toml\n(.*?)```", docs, re.S)
    assert example is not None
    report = Report(str(STOP_CURRENT))
    stop.import_rows(stop.read(STOP_CURRENT), report)
    ethiopia = next(e for e in report.events if e.country == "ET")
    assert example.group(1) == render_event(ethiopia)


def test_broken_files_get_one_clear_error_each(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    header, *_rows = records(STOP_CURRENT)
    unclosed = tmp_path / "unclosed.csv"
    unclosed.write_text(",".join(header) + '\n1,"2/2/2020,India\n' + "x," * 40 + "\n")
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    nul = tmp_path / "nul.csv"
    nul.write_bytes(b"start_date,country\x00\n" * 10)
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 100_000)
    for path, kind, message in [
        (unclosed, "stop", "row 2 (line 3): not valid CSV: unexpected end of data"),
        (empty, "stop", "the file holds no rows"),
        (nul, "stop", "a NUL character"),
        (tmp_path / "missing.csv", "stop", "no such file"),
        (deep, "json", "nested too deep"),
    ]:
        status, out, err = run(capsys, kind, str(path), "--dry-run")
        assert status == 2 and out == "", (path, err)
        assert err.count("\n") == 1 and message in err, err
    for name in ("base64", "no-such-codec\u202e"):
        status, _, err = run(capsys, "stop", str(STOP_CURRENT), "--encoding", name, "--dry-run")
        assert status == 2 and "unknown encoding" in err and "\u202e" not in err
    status, _, err = run(
        capsys, "stop", str(STOP_CURRENT), "--dataset-url", "file:///x", "--dry-run"
    )
    assert status == 2 and "--dataset-url 'file:///x' is not one http(s) URL" in err


def test_a_row_with_more_cells_than_the_header_is_skipped_not_cut(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    header, *rows = records(STOP_CURRENT)
    sheet = tmp_path / "extra.csv"
    write_records(sheet, [header, rows[0] + ["stray", "cells"], *rows[1:]])
    _status, out, err = run(capsys, "stop", str(sheet), "--dry-run")
    assert f"{sheet}:2: skipped: 38 cells but the header has 36" in err
    assert "5 rows read, 2 imported, 0 already present, 3 skipped" in out


def test_append_refuses_a_timeline_saved_while_the_sheet_was_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from tui.core.importing import stop

    timeline = tmp_path / "t.toml"
    shutil.copy(FIXTURES.parent / "write" / "lf.toml", timeline)
    original = stop.import_rows

    def editor_saves_meanwhile(*args: object, **kwargs: object) -> None:
        timeline.write_bytes(timeline.read_bytes() + b"# saved in an editor\n")
        original(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(stop, "import_rows", editor_saves_meanwhile)
    status, out, err = run(capsys, "stop", str(STOP_2020), "--append", str(timeline))
    assert status == 2 and "changed on disk since it was loaded" in err
    assert timeline.read_bytes().endswith(b"# saved in an editor\n")
    assert "5 imported" in out and out.rstrip().endswith("; nothing written")


def test_country_names_without_their_spaces() -> None:
    assert cells.country_code("Vietnam") == "VN"


def test_without_a_destination_it_asks_for_one(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(capsys, "stop", str(STOP_2020))
    assert status == 2 and out == ""
    assert "-o OUT (a new file) or --append TIMELINE; or --dry-run" in err


def test_an_output_folder_that_refuses_writes_is_reported(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from tui.core.files import atomic

    def full_disk(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(atomic.os, "fsync", full_disk)
    status, out, err = run(capsys, "stop", str(STOP_2020), "-o", str(tmp_path / "o.toml"))
    monkeypatch.undo()
    assert status == 2 and "cannot be written: cannot write the file: the disk is full" in err
    assert out.rstrip().endswith("; nothing written")
    assert not (tmp_path / "o.toml").exists()


def test_an_exclusive_write_never_replaces_a_file_and_leaves_no_temporary(
    tmp_path: Path,
) -> None:
    from tui.core.files.atomic import write_atomically

    target = tmp_path / "new.toml"
    write_atomically(target, b"one", exclusive=True)
    with pytest.raises(WriteError) as info:
        write_atomically(target, b"two", exclusive=True)
    assert info.value.kind == "exists"
    assert target.read_bytes() == b"one"
    assert [p.name for p in tmp_path.iterdir()] == ["new.toml"]


def test_a_row_now_different_is_present_and_its_changes_are_named(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    header, *rows = records(STOP_CURRENT)
    timeline = tmp_path / "t.toml"
    assert run(capsys, "stop", str(STOP_CURRENT), "-o", str(timeline))[0] == 1
    before = timeline.read_bytes()
    # The newer copy: the Ethiopian shutdown has ended.
    ethiopia = next(r for r in rows if "Ethiopia" in r)
    ethiopia[header.index("end_date")] = "2/20/2023"
    ethiopia[header.index("shutdown_status")] = "Ended"
    newer = tmp_path / "newer.csv"
    write_records(newer, [header, *rows])
    _status, out, err = run(capsys, "stop", str(newer), "--append", str(timeline))
    assert "0 imported, 3 already present (1 differ, see the notes), 2 skipped" in out
    assert (
        f"{newer}:2: note: already present as 'stop-et-2023-567916c1', but the file now gives "
        "end_date 2023-02-20 (the timeline: none); status ended (the timeline: ongoing); "
        "the timeline is not changed (edit it by hand)"
    ) in err
    assert timeline.read_bytes() == before
