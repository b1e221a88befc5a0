"""Exports (tui.core.export): golden files for every format, and each format read back.

Golden files live in tests/golden/. After an intended change to an export, regenerate them with

    UPDATE_GOLDEN=1 python3 -m pytest -q tests/test_export.py

and review the diff before committing: the golden files are what users get.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import stat
from datetime import UTC, date, datetime
from pathlib import Path

import icalendar
import pytest

from tui.core.export import FORMATS, render
from tui.core.export.common import dumps, event_record, uri
from tui.core.export.csv import COLUMNS, defuse
from tui.core.export.ics import default_stamp
from tui.core.files.atomic import WriteError, write_atomically
from tui.core.files.load import load_text, load_timeline
from tui.core.query.evaluate import Index
from tui.core.query.language import parse
from tui.core.text.present import paragraphs
from tui.core.text.sanitize import clean_block
from tui.core.timeline.event import EVENT_FIELDS, Timeline

# A reader of the CSV export, by its documented rules (tui.core.export.csv, docs/publishing.md):
# one item per line in a list cell; a ``'`` before what a spreadsheet would run as a formula.
LIST_COLUMNS = ("platforms", "authority", "tags", "source_publishers", "source_urls", "related")
DEFUSED = tuple("'" + c for c in "=+-@\t\r'")


def decode_cell(cell: str) -> str:
    """The text of a cell as written: the ``'`` added against formulas removed."""
    return cell[1:] if cell.startswith(DEFUSED) else cell


def decode_list(cell: str) -> list[str]:
    """The items of a list field's cell (an empty cell is an empty list)."""
    text = decode_cell(cell)
    return text.split("\n") if text else []


HERE = Path(__file__).parent
FIXTURE = HERE / "fixtures" / "query" / "timeline.toml"
GOLDEN = HERE / "golden"
UPDATE = os.environ.get("UPDATE_GOLDEN") == "1"

# name -> (format, query, options)
GOLDEN_CASES: dict[str, tuple[str, str, dict[str, str]]] = {
    "all.json": ("json", "", {}),
    "all.csv": ("csv", "", {}),
    "all.md": ("markdown", "", {}),
    "all.timelinejs.json": ("timelinejs", "", {}),
    "all.ics": ("ics", "", {}),
    "ru-telegram.md": ("markdown", "country:RU platform:telegram", {}),
    "in-force-2021.platform.timelinejs.json": (
        "timelinejs",
        "asof:2021-06-01",
        {"group": "platform"},
    ),
}


@pytest.fixture(scope="module")
def timeline() -> Timeline:
    return load_timeline(FIXTURE)


def selection(timeline: Timeline, text: str) -> list:
    index = Index(timeline.events, today=date(2025, 6, 30))
    query = parse(text)
    return [timeline.events[i] for i in index.filter(query)]


def rendered(timeline: Timeline, fmt: str, text: str = "", **options: str) -> str:
    return render(fmt, timeline, selection(timeline, text), query=parse(text), **options)


@pytest.mark.parametrize("name", sorted(GOLDEN_CASES))
def test_golden(timeline: Timeline, name: str) -> None:
    fmt, text, options = GOLDEN_CASES[name]
    output = rendered(timeline, fmt, text, **options)
    path = GOLDEN / name
    if UPDATE:
        GOLDEN.mkdir(exist_ok=True)
        path.write_bytes(output.encode("utf-8"))
    assert path.exists(), f"missing {path}: run with UPDATE_GOLDEN=1"
    assert output.encode("utf-8") == path.read_bytes(), f"{name} differs: see module docstring"


def test_every_format_has_a_golden_file() -> None:
    assert {case[0] for case in GOLDEN_CASES.values()} == set(FORMATS)


def test_unknown_format() -> None:
    with pytest.raises(ValueError):
        render("pdf", Timeline(), [])


# --- JSON -------------------------------------------------------------------------------------


def test_json_has_every_field_and_reads_back(timeline: Timeline) -> None:
    data = json.loads(rendered(timeline, "json"))
    assert [d["id"] for d in data] == [e.id for e in timeline.events]
    for record, event in zip(data, timeline.events, strict=True):
        assert set(EVENT_FIELDS) <= set(record)
        assert record == event_record(event)
    block = next(d for d in data if d["id"] == "br-2016-whatsapp-block")
    assert (block["date"], block["end_date"]) == ("2016-05-02", "2016-05")
    assert (block["start"], block["end"]) == ("2016-05-02", "2016-05-31")
    year = next(d for d in data if d["id"] == "ir-2019-instagram-throttle")
    assert (year["date"], year["start"], year["end"]) == ("2019", "2019-01-01", "2019-12-31")
    assert json.loads(render("json", timeline, [])) == []


def test_end_is_empty_for_what_has_no_known_last_day(timeline: Timeline) -> None:
    # An ongoing measure's `end` was its start day: in a spreadsheet that reads as ended then.
    data = {d["id"]: d for d in json.loads(rendered(timeline, "json"))}
    rows = {r["id"]: r for r in csv.DictReader(io.StringIO(rendered(timeline, "csv"), newline=""))}
    expected = {
        "in-2020-tiktok-block": None,  # ongoing, dated to the day
        "ru-2022-meta-designation": None,  # ongoing, dated to the month
        "cn-2017-whatsapp-block": None,  # unknown: not known to have ended
        "ru-2018-telegram-block": "2020-06-18",  # its end_date
        "br-2016-whatsapp-block": "2016-05-31",  # an end_date "2016-05" covers all of May
        "ru-2018-telegram-ruling": "2018-04-13",  # a one-off event ends the day it happens
        "ir-2019-instagram-throttle": "2019-12-31",  # ended, some time in its year
    }
    for ident, end in expected.items():
        assert data[ident]["end"] == end, ident
        assert rows[ident]["end"] == (end or ""), ident
    for event in timeline.events:
        no_known_end = event.end_date is None and event.status.value != "ended"
        assert (data[event.id]["end"] is None) == no_known_end, event.id
        assert data[event.id]["start"] == event.date.start.isoformat()


def test_json_escapes_unsafe_characters_but_keeps_the_data() -> None:
    value = "a\u202eb\x9bc\x1bd\u00a0e\U000e0001f ё中 واتس\u200cاپ\u200f \ud800"
    text = dumps([value])
    assert clean_block(text) == text  # nothing unsafe is left raw
    assert "ё中" in text  # printable non-ASCII stays readable
    assert "واتس\u200cاپ\u200f" in text and "\u00a0" in text  # so do joiners, marks, NBSP
    assert "\\u202e" in text and "\\udb40\\udc01" in text and "\\ud800" in text
    assert json.loads(text) == [value]


SCRIPTS = HERE / "fixtures" / "app" / "scripts.toml"
# The invisible characters that Persian, Arabic, Hebrew, Devanagari and emoji spelling needs.
JOINERS_AND_MARKS = "\u200c\u200d\u200e\u200f\u061c\ufe0f"


@pytest.mark.parametrize("fmt", ["csv", "json", "markdown", "timelinejs", "ics"])
def test_every_format_keeps_joiners_and_marks_as_text(fmt: str) -> None:
    timeline = load_timeline(SCRIPTS)
    text = render(fmt, timeline, timeline.events)
    if fmt == "ics":
        text = text.replace("\r\n ", "")  # unfold the 75-octet lines
    for char in JOINERS_AND_MARKS:
        assert f"\\u{ord(char):04x}" not in text.lower(), (fmt, hex(ord(char)))
    for event in timeline.events:
        assert event.title in text, (fmt, event.id)
        for platform in event.platforms:
            assert platform in text, (fmt, platform)
    if fmt != "markdown":  # the Markdown table has no summaries
        assert "می\u200cگویند" in text, fmt


# --- CSV --------------------------------------------------------------------------------------


def test_csv_is_rfc4180_and_reads_back(timeline: Timeline) -> None:
    text = rendered(timeline, "csv")
    assert text.endswith("\r\n")
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    assert list(rows[0]) == list(COLUMNS)
    assert [r["id"] for r in rows] == [e.id for e in timeline.events]
    block = next(r for r in rows if r["id"] == "ru-2018-telegram-block")
    assert block["authority"] == "Roskomnadzor\nTagansky District Court"
    assert block["source_urls"] == (
        "https://example.org/ru-2018-block\nhttps://example.org/ru-2018-block-2"
    )
    assert "\n\nEnforcement failed" in block["summary"]  # paragraphs survive inside quotes
    fine = next(r for r in rows if r["id"] == "us-2023-x-fine")
    assert fine["title"] == 'Regulator fines <X> & "partners" | case [1]'
    assert rendered(timeline, "csv", "platform:signal") == ",".join(COLUMNS) + "\r\n"


# List items that hold what a naive separator would split on: `; ` (the old separator), commas,
# quotes of both kinds, a leading `=` or `'`, a URL with `;` in its query.
AMBIGUOUS = r"""
[timeline]
title = "Lists"

[[events]]
id = "ru-2020-lists"
date = 2020-01-01
title = "'=quoted' title"
country = "RU"
authority = ["Ministry of Justice; Russia", "Court, Moscow", "\"Quoted\" body", "=SUM(1)", "'x"]
platforms = ["Telegram", "A; B", "-minus"]
tags = ["a,b", "c;d", "it's"]
action = "block"
summary = "Lists."
related = ["ru-2020-other"]

[[events.sources]]
publisher = "Reuters; Moscow bureau"
url = "https://example.org/a?x=1;y=2"

[[events.sources]]
publisher = "Publisher, \"Quoted\""
url = "https://example.org/b,c"

[[events.sources]]
publisher = "'=Third"
url = "https://example.org/c"

[[events]]
id = "ru-2020-other"
date = 2020-01-02
title = "Other"
country = "RU"
action = "ruling"
summary = "No lists."

[[events.sources]]
publisher = "P"
url = "https://example.org/d"
"""


def test_csv_list_cells_round_trip_exactly() -> None:
    timeline = load_text(AMBIGUOUS)
    text = render("csv", timeline, timeline.events)
    rows = {r["id"]: r for r in csv.DictReader(io.StringIO(text, newline=""))}
    for event in timeline.events:
        row = rows[event.id]
        assert decode_list(row["platforms"]) == list(event.platforms)
        assert decode_list(row["authority"]) == list(event.authority)
        assert decode_list(row["tags"]) == list(event.tags)
        assert decode_list(row["related"]) == list(event.related)
        publishers = decode_list(row["source_publishers"])
        urls = decode_list(row["source_urls"])
        assert list(zip(publishers, urls, strict=True)) == [
            (s.publisher, s.url) for s in event.sources
        ]  # publishers and URLs line up
        assert decode_cell(row["title"]) == event.title
    lists = rows["ru-2020-lists"]
    assert lists["authority"].startswith("Ministry of Justice; Russia\n")  # readable as is
    assert rows["ru-2020-other"]["platforms"] == ""  # an empty list is an empty cell
    assert set(LIST_COLUMNS) <= set(COLUMNS)


def test_csv_defused_cells_decode_exactly() -> None:
    for text in ("=1+1", "+1", "-1", "@x", "'=1", "''=1", "'plain", "plain", "", "'"):
        cell = defuse(text)
        assert not cell.startswith(("=", "+", "-", "@"))
        assert decode_cell(cell) == text


def test_query_md_lists_the_csv_columns_in_order() -> None:
    doc = (HERE.parent / "docs" / "query.md").read_text(encoding="utf-8")
    bullet = doc[doc.index("- `csv` is RFC 4180") :].split("\n- ", 1)[0]
    named = [name for name in re.findall(r"`([a-z_]+)`", bullet) if name in COLUMNS]
    assert list(dict.fromkeys(named)) == list(COLUMNS)


# --- Markdown ---------------------------------------------------------------------------------


def test_markdown_count_line_is_where_publishing_md_says(timeline: Timeline) -> None:
    doc = " ".join((HERE.parent / "docs" / "publishing.md").read_text(encoding="utf-8").split())
    assert "(line 5, or line 3 for a timeline without a description)" in doc
    lines = rendered(timeline, "markdown", "country:RU platform:telegram").splitlines()
    assert timeline.info.description.strip()
    assert lines[4] == "4 events matching `country:RU platform:telegram`."
    assert "4 events matching `country:RU platform:telegram`." in doc
    info = timeline.info._replace(description="")
    bare = timeline.replace(info=info)
    assert render("markdown", bare, timeline.events[:1]).splitlines()[2] == "1 event."


def test_markdown_table_keeps_its_columns_whatever_the_titles_hold(timeline: Timeline) -> None:
    text = rendered(timeline, "markdown")
    rows = [line for line in text.splitlines() if line.startswith("| ")]
    assert len(rows) == 2 + len(timeline.events)  # header and its rule
    for row in rows:
        # Unescaped pipes delimit cells: seven columns on every row.
        assert row.replace("\\|", "").count("|") == 8, row
    assert 'Regulator fines \\<X\\> \\& "partners" \\| case \\[1\\]' in text
    assert "(<https://example.org/us-2023?a=1&b=%3C2%3E>)" in text
    assert "## Sources" in text
    empty = rendered(timeline, "markdown", "platform:signal")
    assert "0 events matching `platform:signal`." in empty and "## Sources" not in empty


# --- TimelineJS -------------------------------------------------------------------------------


def test_timelinejs_has_the_required_fields_and_honours_precision(timeline: Timeline) -> None:
    data = json.loads(rendered(timeline, "timelinejs"))
    assert set(data) == {"title", "events"}
    assert data["title"]["text"]["headline"] == "Query test timeline"
    assert "start_date" not in data["title"]
    slides = data["events"]
    assert [s["unique_id"] for s in slides] == [e.id for e in timeline.events]
    by_id = {e.id: e for e in timeline.events}
    for slide in slides:
        event = by_id[slide["unique_id"]]
        start = slide["start_date"]
        assert isinstance(start["year"], int)
        expected = {"year": event.date.year}
        if event.date.month is not None:
            expected["month"] = event.date.month
        if event.date.day is not None:
            expected["day"] = event.date.day
        assert start == expected
        if event.end_date is None:
            assert "end_date" not in slide
        else:
            assert slide["end_date"]["year"] == event.end_date.year
            end = event.end_date.end
            assert slide["end_date"] == {"year": end.year, "month": end.month, "day": end.day}
        assert slide["text"]["headline"]
        assert slide["group"] == event.country_name
        assert slide["autolink"] is False
        for source in event.sources:
            assert (
                "href=" in slide["text"]["text"]
                and source.publisher.split()[0] in (slide["text"]["text"])
            )
    year_only = next(s for s in slides if s["unique_id"] == "ir-2019-instagram-throttle")
    assert year_only["start_date"] == {"year": 2019} and year_only["display_date"] == "2019"
    month_end = next(s for s in slides if s["unique_id"] == "br-2016-whatsapp-block")
    # A span ends on the last day of its end_date's period (TimelineJS would put
    # {"year": 2016, "month": 5} on 1 May, before the start).
    assert month_end["end_date"] == {"year": 2016, "month": 5, "day": 31}
    assert month_end["display_date"] == "2 May 2016 – May 2016"


def test_timelinejs_escapes_html_from_the_file(timeline: Timeline) -> None:
    data = json.loads(rendered(timeline, "timelinejs"))
    fine = next(s for s in data["events"] if s["unique_id"] == "us-2023-x-fine")
    assert (
        fine["text"]["headline"]
        == "Regulator fines &lt;X&gt; &amp; &quot;partners&quot; | case [1]"
    )
    body = fine["text"]["text"]
    assert "<b>" not in body and "&lt;b&gt;bold&lt;/b&gt;" in body
    assert 'href="https://example.org/us-2023?a=1&amp;b=&lt;2&gt;"' in body
    assert "Example &lt;Times&gt;" in body


def test_timelinejs_groups(timeline: Timeline) -> None:
    by_platform = json.loads(rendered(timeline, "timelinejs", group="platform"))
    groups = {s["unique_id"]: s["group"] for s in by_platform["events"]}
    assert groups["ru-2025-calls-restrict"] == "WhatsApp"  # the first platform listed
    assert groups["in-2020-tiktok-block"] == "TikTok"
    none = json.loads(rendered(timeline, "timelinejs", group="none"))
    assert all("group" not in s for s in none["events"])
    with pytest.raises(ValueError):
        rendered(timeline, "timelinejs", group="colour")


# --- iCalendar --------------------------------------------------------------------------------


def test_ics_reads_back_with_icalendar(timeline: Timeline) -> None:
    text = rendered(timeline, "ics")
    assert "\r\n" in text and all(len(line.encode()) <= 75 for line in text.split("\r\n"))
    calendar = icalendar.Calendar.from_ical(text)
    assert str(calendar["version"]) == "2.0"
    events = {str(v["uid"]): v for v in calendar.walk("VEVENT")}
    assert set(events) == {f"{e.id}@policy-tui" for e in timeline.events}
    for event in timeline.events:
        item = events[f"{event.id}@policy-tui"]
        start, end = item.decoded("dtstart"), item.decoded("dtend")
        assert type(start) is date and type(end) is date  # all-day: VALUE=DATE
        assert start == event.date.start
        last = (event.end_date or event.date).end
        assert (end - last).days == 1  # DTEND is exclusive
        assert str(item["summary"]) == event.title
        assert str(item["url"]) == uri(event.sources[0].url)
        description = str(item["description"])
        for source in event.sources:
            assert source.url in description
        assert item.decoded("dtstamp") == datetime(2025, 8, 1, tzinfo=UTC)
    year = events["ir-2019-instagram-throttle@policy-tui"]
    assert (year.decoded("dtstart"), year.decoded("dtend")) == (date(2019, 1, 1), date(2020, 1, 1))


def test_ics_stamp_is_derived_from_the_file_or_given(timeline: Timeline) -> None:
    assert default_stamp(timeline) == datetime(2025, 8, 1, tzinfo=UTC)
    stamp = datetime(2001, 2, 3, 4, 5, 6, tzinfo=UTC)
    text = render("ics", timeline, timeline.events[:1], stamp=stamp)
    assert "DTSTAMP:20010203T040506Z" in text
    assert render("ics", timeline, []).count("BEGIN:VEVENT") == 0


def _one_event(date_line: str, end_line: str = "") -> Timeline:
    return load_text(
        f'[[events]]\nid = "x-1"\n{date_line}\n{end_line}\ntitle = "T"\ncountry = "RU"\n'
        'action = "block"\nsummary = "s"\nsources = [{publisher = "p", url = "https://e.org"}]\n'
    )


def test_ics_at_the_end_of_the_calendar_does_not_overflow() -> None:
    for timeline, start, end in [
        (_one_event("date = 9999-12-31"), date(9999, 12, 31), None),
        (_one_event('date = "9999"'), date(9999, 1, 1), date(9999, 12, 31)),
        (
            _one_event("date = 2020-01-01", 'end_date = "9999-12"'),
            date(2020, 1, 1),
            date(9999, 12, 31),
        ),
    ]:
        item = next(
            iter(
                icalendar.Calendar.from_ical(render("ics", timeline, timeline.events)).walk(
                    "VEVENT"
                )
            )
        )
        assert item.decoded("dtstart") == start
        assert (item.decoded("dtend") if "dtend" in item else None) == end
        assert render("timelinejs", timeline, timeline.events)


# --- sanitising -------------------------------------------------------------------------------

# What the loader lets through: bidi controls and invisible characters (it rejects C0/C1).
HOSTILE = r'''
[timeline]
title = "Evil \u202e title"

[[events]]
id = "x-2020-evil"
date = 2020-01-01
title = "=HYPERLINK(\"http://evil\") red\u202e gnp.exe"
country = "RU"
platforms = ["Tele\u2066gram"]
tags = ["\u2067hidden"]
action = "block"
summary = """
Line one \u202d
line two \u2066 isolate
"""
sources = [{ publisher = "P\u202eub", url = "https://e.org/x", title = "T\u2069" }]
'''
UNSAFE = ["\x1b", "\x07", "\x9b", "\u202e", "\u202d", "\u2067", "\u2066", "\u2069"]


def hostile() -> Timeline:
    """The loadable hostile file plus, should the loader ever let them in, terminal controls."""
    loaded = load_text(HOSTILE)
    event = loaded.events[0]
    worse = event._replace(
        id="x-2020-worse",
        title="\x1b]52;c;ZXZpbA==\x07 \x1b[31mred\x9b",
        summary="one \x1b[2J\ntwo\x07",
        tags=("\x1b[1mbold",),
        sources=(event.sources[0]._replace(publisher="P\x1bub", title="T\x07"),),
    )
    info = loaded.info._replace(title="Evil \x1b[2J title")
    return Timeline(info=info, events=[event, worse])


@pytest.mark.parametrize("fmt", ["csv", "markdown", "timelinejs", "ics", "json"])
def test_no_format_emits_terminal_controls_or_bidi_overrides(fmt: str) -> None:
    timeline = hostile()
    text = render(fmt, timeline, timeline.events)
    for char in UNSAFE:
        assert char not in text, (fmt, char)


def test_csv_defuses_formulas_and_json_keeps_the_exact_data() -> None:
    timeline = hostile()
    rows = list(csv.DictReader(io.StringIO(render("csv", timeline, timeline.events), newline="")))
    assert rows[0]["title"].startswith("'=HYPERLINK(")
    assert "\\u202e" in rows[0]["title"]  # shown, not obeyed
    assert "\\x1b[31m" in rows[1]["title"]
    data = json.loads(render("json", timeline, timeline.events))
    assert [d["title"] for d in data] == [e.title for e in timeline.events]


# --- helpers ----------------------------------------------------------------------------------


def test_paragraphs_and_uri() -> None:
    assert paragraphs("a\nb\n\n  c  \n \n\n") == ["a b", "c"]
    assert uri('https://e.org/a b<c>?q="ё"&x=%20') == (
        "https://e.org/a%20b%3Cc%3E?q=%22%D1%91%22&x=%20"
    )


def test_write_atomic_replaces_and_keeps_the_mode(tmp_path: Path) -> None:
    target = tmp_path / "out.json"
    write_atomically(target, b"one")
    assert target.read_bytes() == b"one"
    assert stat.S_IMODE(target.stat().st_mode) & 0o600 == 0o600
    target.chmod(0o640)
    write_atomically(target, b"two")
    assert target.read_bytes() == b"two"
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.json"]


def test_write_atomic_leaves_the_old_file_when_it_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "out.ics"
    target.write_bytes(b"old")

    def broken(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken)
    with pytest.raises(WriteError, match="the disk is full"):
        write_atomically(target, b"new")
    assert target.read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.ics"]
