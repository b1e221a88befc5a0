"""Any spreadsheet -> events, with a column for each field (``--map``) and constants (``--set``).

The TimelineJS preset maps Knight Lab's Google-Sheet template. The rules are documented, with
example rows, in ``docs/importing.md``.
"""

from __future__ import annotations

import hashlib
import html
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tui.core.importing import cells
from tui.core.importing.cells import CellError
from tui.core.importing.report import Report, RowSkip
from tui.core.importing.sheet import Sheet, column_key, extra_cells, read_sheet
from tui.core.text.present import fill
from tui.core.text.sanitize import quote
from tui.core.timeline.dates import PartialDate
from tui.core.timeline.errors import did_you_mean
from tui.core.timeline.event import Action, Status

SINGLE = ("id", "date", "end_date", "status", "title", "country", "action", "summary")
LISTS = ("authority", "platforms", "tags")
SOURCE = ("sources.url", "sources.publisher", "sources.title")
PARTS = tuple(f"{d}.{p}" for d in ("date", "end_date") for p in ("year", "month", "day"))
FIELDS: tuple[str, ...] = (*SINGLE, *LISTS, *SOURCE, *PARTS)
# A field needs a column or a constant for every row to be an event.
NEEDED = ("date", "title", "country", "action", "summary", "sources.url")

PRESETS: dict[str, dict[str, str]] = {
    # Knight Lab's TimelineJS Google-Sheet template (timeline.knightlab.com).
    "timelinejs": {
        "date.year": "Year",
        "date.month": "Month",
        "date.day": "Day",
        "end_date.year": "End Year",
        "end_date.month": "End Month",
        "end_date.day": "End Day",
        "title": "Headline",
        "summary": "Text",
        "sources.url": "Media",
        "sources.publisher": "Media Credit",
        "sources.title": "Media Caption",
        "country": "Group",
    },
}
PRESET_REQUIRED = {"timelinejs": ("Year", "Headline")}


class MapError(ValueError):
    """A usage error in --map/--set/--preset; the message is ready to print."""


@dataclass
class ColumnMap:
    columns: dict[str, str] = field(default_factory=dict)  # field -> column name
    constants: dict[str, str] = field(default_factory=dict)  # field -> value
    preset: str | None = None
    day_first: bool = False


def _pairs(items: list[str], option: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for item in items:
        name, sep, value = item.partition("=")
        name = name.strip()
        if not sep or not name:
            raise MapError(
                f"{option} {quote(item)}: write FIELD=VALUE, e.g. {option} title=Headline"
            )
        if name not in FIELDS:
            hint = did_you_mean(name, FIELDS) or f" (fields: {', '.join(FIELDS)})"
            raise MapError(f"{option} {quote(item)}: no field {quote(name)}{hint}")
        if name in out:
            raise MapError(f"{option}: {quote(name)} given twice")
        out[name] = value
    return out


def make_mapping(
    maps: list[str], sets: list[str], preset: str | None, day_first: bool = False
) -> ColumnMap:
    columns = dict(PRESETS[preset]) if preset else {}
    constants = _pairs(sets, "--set")
    for name in constants:
        columns.pop(name, None)  # a constant replaces a preset's column
    columns.update(_pairs(maps, "--map"))
    for name, column in columns.items():
        if not column.strip():
            raise MapError(f"--map {name}=: name a column")
    if "date" in columns and any(p.startswith("date.") for p in columns):
        raise MapError("--map date and date.year/month/day: give one or the other")
    for name, value in constants.items():
        if name in PARTS:
            raise MapError(f"--set {name}: give --set {name.split('.')[0]}=YYYY-MM-DD instead")
        if not value.strip():
            raise MapError(f"--set {name}=: give a value")
    missing = []
    for name in NEEDED:
        have = name in columns or name in constants
        if name == "date":
            have = have or "date.year" in columns
        if not have:
            missing.append(name)
    if missing:
        raise MapError(
            "no column or constant for "
            + ", ".join(missing)
            + ": add --map FIELD=COLUMN or --set FIELD=VALUE for each (e.g. --set action=other)"
        )
    mapping = ColumnMap(columns, constants, preset, day_first)
    _check_constants(mapping)
    return mapping


def _check_constants(mapping: ColumnMap) -> None:
    """Constants are checked once, before any row: a bad one is a usage error."""
    for name, value in mapping.constants.items():
        try:
            if name in ("date", "end_date"):
                cells.parse_date(value, mapping.day_first)
            elif name == "country":
                cells.country_code(value)
            elif name == "action":
                _action(value)
            elif name == "status":
                _status(value)
            elif name == "sources.url":
                urls, rest = cells.split_links(value)
                if not urls or rest:
                    raise CellError(f"{quote(value)} is not an http(s) link")
        except (CellError, RowSkip) as exc:
            raise MapError(f"--set {name}: {exc}") from None


def read(path: Path, mapping: ColumnMap, encoding: str | None = None) -> Sheet:
    if mapping.preset:
        names = [c for f, c in mapping.columns.items() if PRESETS[mapping.preset].get(f) != c]
        names += list(PRESET_REQUIRED[mapping.preset])
        kind = "a TimelineJS sheet"
    else:
        names = list(mapping.columns.values())
        kind = "the sheet the --map options describe"
    names = list(dict.fromkeys(names))
    required = [(column_key(n),) for n in names]
    return read_sheet(path, required, [quote(n) for n in names], kind, encoding)


def _action(value: str) -> str:
    word = cells.text(value).casefold()
    words = [a.value for a in Action]
    if word not in words:
        hint = did_you_mean(word, words)
        raise RowSkip(f"{quote(value)} is not an action{hint} (one of: {', '.join(words)})")
    return word


def _status(value: str) -> str:
    word = cells.text(value).casefold()
    if word not in [s.value for s in Status]:
        raise RowSkip(f"{quote(value)} is not a status: use ongoing, ended or unknown")
    return word


_TAG = re.compile(r"<[^>]*>")
_BREAK = re.compile(r"<\s*(?:br|/p|/div|/li|/h[1-6])\s*/?\s*>", re.I)
_HREF = re.compile(r"""<a\s[^>]*href\s*=\s*["']?([^"'\s>]+)""", re.I)


def _html_text(value: str) -> tuple[str, list[str]]:
    """TimelineJS text is HTML: its words with paragraphs kept, and the links it holds."""
    links = [html.unescape(m) for m in _HREF.findall(value)]
    plain = html.unescape(_TAG.sub("", _BREAK.sub("\n\n", value)))
    return plain, links


def import_rows(sheet: Sheet, mapping: ColumnMap, report: Report) -> tuple[str, str] | None:
    """Map every row; return the title and text of a TimelineJS title row, if there is one."""
    positions = {f: sheet.column(column_key(c)) for f, c in mapping.columns.items()}
    type_column = sheet.column("type") if mapping.preset == "timelinejs" else None
    report.blank_rows = sheet.blank_rows
    for note in sheet.notes:
        report.note(None, note)
    title_row: tuple[str, str] | None = None
    for row, record in sheet.rows:

        def cell(name: str, record: list[str] = record) -> str:
            position = positions.get(name)
            value = record[position] if position is not None else ""
            return value if value.strip() else mapping.constants.get(name, "")

        def column(name: str) -> str:
            return quote(mapping.columns[name]) if name in mapping.columns else f"--set {name}"

        kind = cells.text(record[type_column]).casefold() if type_column is not None else ""
        if kind == "title" and title_row is None:
            # The title slide, like the header, is not a data row.
            title_row = (cells.text(cell("title")), cells.block(_html_text(cell("summary"))[0]))
            report.note(row, "the TimelineJS title slide: used as the timeline's title")
            continue
        report.rows_read += 1
        try:
            if kind == "title":
                raise RowSkip("a second TimelineJS title slide (the first names the timeline)")
            if extra_cells(sheet, record):
                raise RowSkip(
                    f"{len(record)} cells but the header has {len(sheet.header)}: a cell holds "
                    "an unquoted separator?"
                )
            if kind == "era":
                raise RowSkip("a TimelineJS era (a span shown behind events), not an event")
            data = _event(cell, column, mapping, report, row)
        except RowSkip as exc:
            report.skip(row, str(exc))
            continue
        report.add(row, data)
    return title_row


def _date(
    cell: Any, column: Any, mapping: ColumnMap, name: str, required: bool
) -> PartialDate | None:
    if f"{name}.year" in mapping.columns:
        year, month, day = (cells.text(cell(f"{name}.{p}")) for p in ("year", "month", "day"))
        if not year:
            if month or day or required:
                raise RowSkip(f"{name}: the year ({column(name + '.year')}) is empty")
            return None
        try:
            parts = [int(float(v)) if v else None for v in (year, month, day)]
            if parts[2] is not None and parts[1] is None:
                raise ValueError("a day without a month")
            assert parts[0] is not None
            return PartialDate(parts[0], parts[1], parts[2])
        except (ValueError, OverflowError) as exc:
            raise RowSkip(
                f"{name}: year {quote(year)}, month {quote(month)}, day {quote(day)} "
                f"is not a real date ({exc})"
            ) from None
    value = cell(name)
    if not cells.text(value):
        if required:
            raise RowSkip(f"{name}: {column(name)} is empty")
        return None
    try:
        return cells.parse_date(value, mapping.day_first)
    except CellError as exc:
        raise RowSkip(f"{name} ({column(name)}): {exc}") from None


def _event(cell: Any, column: Any, mapping: ColumnMap, report: Report, row: int) -> dict[str, Any]:
    start = _date(cell, column, mapping, "date", True)
    assert start is not None
    end = _date(cell, column, mapping, "end_date", False)
    title = cells.text(cell("title"))
    if not title:
        raise RowSkip(f"title: {column('title')} is empty")
    try:
        country = cells.country_code(cell("country"))
    except CellError as exc:
        hint = "" if "country" in mapping.constants else " (or give --set country=XX)"
        raise RowSkip(f"country ({column('country')}): {exc}{hint}") from None
    action = _action(cell("action")) if cells.text(cell("action")) else ""
    if not action:
        raise RowSkip(f"action: {column('action')} is empty")
    raw_summary = cell("summary")
    links: list[str] = []
    if mapping.preset == "timelinejs":
        raw_summary, links = _html_text(raw_summary)
    summary = cells.block(raw_summary)
    if not summary:
        raise RowSkip(f"summary: {column('summary')} is empty (--set summary=… fills blanks)")
    data: dict[str, Any] = {
        "date": start.toml_value(),
        "title": title,
        "country": country,
        "action": action,
        "summary": fill(summary.split("\n\n")),
    }
    if end is not None:
        data["end_date"] = end.toml_value()
    if cells.text(cell("status")):
        data["status"] = _status(cell("status"))
    for name in LISTS:
        items = cells.split_list(cell(name))
        constant = mapping.constants.get(name)
        if constant and name in mapping.columns:
            items += [i for i in cells.split_list(constant) if i.casefold() not in
                      {x.casefold() for x in items}]  # fmt: skip
        if items:
            data[name] = items
    data["sources"] = _sources(cell, column, links, report, row)
    ident = cells.text(cell("id"))
    data["id"] = cells.slug(ident) if ident else _id(country, start, title)
    return data


def _sources(
    cell: Any, column: Any, extra: list[str], report: Report, row: int
) -> list[dict[str, Any]]:
    urls, rest = cells.split_links(cell("sources.url"))
    if rest:
        shown = ", ".join(quote(r, 40) for r in rest[:3]) + (" …" if len(rest) > 3 else "")
        report.note(row, f"sources.url: not an http(s) link, not used as a source: {shown}")
    own = len(urls)  # the sheet's publisher cell names these; links found in the text do not
    for url in extra:
        found, _ = cells.split_links(url)
        urls += [u for u in found if u not in urls]
    if not urls:
        raise RowSkip(
            f"sources.url: no http(s) link in {column('sources.url')}; every event needs a "
            "source (--set sources.url=URL cites one for rows without)"
        )
    publishers = cells.split_list(cell("sources.publisher"))
    title = cells.text(cell("sources.title"))
    sources = []
    for position, url in enumerate(urls):
        if position < own and len(publishers) == own:
            publisher = publishers[position]
        elif position < own and len(publishers) == 1:
            publisher = publishers[0]
        else:
            publisher = cells.publisher(url)
        source: dict[str, Any] = {"publisher": publisher, "url": url}
        if title and own == 1 and position == 0:
            source["title"] = title
        sources.append(source)
    return sources


def _id(country: str, start: PartialDate, title: str) -> str:
    """Readable and stable: country, year, title words and a hash of date, country and title.

    The row number is never part of it, so a sheet re-sorted or grown gives the same ids.
    """
    from tui.core.files.write import suggest_id

    key = f"{start.iso()}|{country}|{' '.join(title.casefold().split())}"
    digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:6]
    return f"{suggest_id(country, start.year, title, words=4)}-{digest}"
