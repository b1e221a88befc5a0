"""The tool's own JSON (``export --to json``, ``list --format json``) read back as events.

Every field of the export is read; the derived ones (``start``, ``end``, ``country_name``) are
left out, as the loader derives them again. The export trims the whitespace around a summary;
the summary is written back in the form the add-event form and the format's examples use (a
multi-line summary ends with a line break), so a timeline written that way round-trips exactly.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tui.core.importing.report import Report
from tui.core.importing.sheet import SheetError
from tui.core.text.sanitize import quote
from tui.core.timeline.errors import did_you_mean

KNOWN = (
    "id", "date", "end_date", "start", "end", "status", "title", "country", "country_name",
    "authority", "platforms", "action", "tags", "summary", "sources", "related",
)  # fmt: skip
DERIVED = ("start", "end", "country_name")


def read(path: Path) -> list[tuple[int, Any]]:
    """The items of the file's array, each with the line its ``{`` is on."""
    name = str(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise SheetError(name, "no such file", usage=True) from None
    except OSError as exc:
        raise SheetError(name, f"cannot read: {exc.strerror or exc}", usage=True) from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SheetError(
            name, f"not UTF-8 (byte {exc.start}): JSON files are UTF-8", usage=True
        ) from None
    decoder = json.JSONDecoder()
    position = _skip(text, 0)
    if not text.startswith("[", position):
        try:
            whole = json.loads(text)
        except ValueError as exc:
            raise SheetError(name, f"not JSON: {exc}", usage=True) from None
        except RecursionError:
            raise SheetError(name, "nested too deep to read", usage=True) from None
        if isinstance(whole, dict) and isinstance(whole.get("events"), list):
            return [(1, item) for item in whole["events"]]
        raise SheetError(
            name,
            "not a policy-tui JSON export: expected an array of events "
            "(policy-tui export --to json)",
            usage=True,
        )
    items: list[tuple[int, Any]] = []
    position = _skip(text, position + 1)
    try:
        while not text.startswith("]", position):
            item, end = decoder.raw_decode(text, position)
            items.append((text.count("\n", 0, position) + 1, item))
            position = _skip(text, end)
            if text.startswith(",", position):
                position = _skip(text, position + 1)
            elif not text.startswith("]", position):
                raise ValueError(
                    f"expected ',' or ']' at line {text.count(chr(10), 0, position) + 1}"
                )
        if _skip(text, position + 1) != len(text):
            raise ValueError("extra data after the array")
    except ValueError as exc:
        raise SheetError(name, f"not valid JSON: {exc}", usage=True) from None
    except RecursionError:
        raise SheetError(name, "arrays or objects nested too deep to read", usage=True) from None
    return items


def _skip(text: str, position: int) -> int:
    while position < len(text) and text[position] in " \t\r\n":
        position += 1
    return position


def _summary(value: Any) -> Any:
    if not isinstance(value, str):
        return value
    value = value.strip()
    return value + "\n" if "\n" in value else value


def import_items(items: list[tuple[int, Any]], report: Report) -> None:
    report.row_label = "line"
    for line, item in items:
        report.rows_read += 1
        if not isinstance(item, dict):
            report.skip(line, "not an event: an item of the array must be an object")
            continue
        unknown = [k for k in item if k not in KNOWN]
        if unknown:
            hints = "; ".join(f"{quote(k)}{did_you_mean(k, KNOWN)}" for k in unknown)
            report.skip(line, f"unknown field: {hints}")
            continue
        data = {k: v for k, v in item.items() if k not in DERIVED and v is not None}
        for key in ("authority", "platforms", "tags", "related"):
            if data.get(key) == []:
                del data[key]
        if "summary" in data:
            data["summary"] = _summary(data["summary"])
        sources = data.get("sources")
        if isinstance(sources, list):
            data["sources"] = [
                {k: v for k, v in s.items() if v is not None} if isinstance(s, dict) else s
                for s in sources
            ]
        report.add(line, data)


def drop_dangling(report: Report, known: set[str]) -> None:
    """Events whose ``related`` names an id neither imported nor in the timeline are skipped."""
    while True:
        ids = known | {event.id for event in report.events}
        bad = [(row, e) for row, e in report.imported if any(r not in ids for r in e.related)]
        if not bad:
            return
        for row, event in bad:
            missing = [r for r in event.related if r not in ids]
            report.skip(
                row,
                f"related: no event has the id {quote(missing[0])} (not imported, not in the "
                "timeline)",
            )
        report.imported = [(row, e) for row, e in report.imported if (row, e) not in bad]
