"""A CSV file as spreadsheets export it: encoding, separator, a note above the header, rows.

Row numbers are the ones a spreadsheet shows: the first record of the file is row 1, and a cell
with line breaks does not add rows. Rows with every cell blank carry no data and are counted,
not imported (``Sheet.blank_rows``).
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from tui.core.text.sanitize import clean, quote

_BOM8 = b"\xef\xbb\xbf"
# How far down a header may sit (under notes or a title the sheet's authors put above it).
HEADER_SEARCH_ROWS = 20


class SheetError(Exception):
    """The file cannot be read as the expected sheet; the message names the file and why."""

    def __init__(self, path: str, message: str, usage: bool = False) -> None:
        self.path = path
        self.message = message
        # True when the file is not the kind asked for (or cannot be read): exit status 2.
        self.usage = usage
        super().__init__(f"{clean(path)}: error: {message}")


def column_key(name: str) -> str:
    """``'Info_source '``, ``'users_affected/targetted '`` -> ``info_source``, ``users_…``."""
    return re.sub(r"[^0-9a-z]+", "_", name.strip().casefold()).strip("_")


@dataclass
class Sheet:
    path: str
    encoding: str
    header_row: int  # the spreadsheet row of the header
    header: list[str]
    rows: list[tuple[int, list[str]]]  # non-blank data rows with their row numbers
    blank_rows: int = 0
    notes: list[str] = field(default_factory=list)  # said once, before the rows' report
    _index: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for position, name in enumerate(self.header):
            self._index.setdefault(column_key(name), position)

    def column(self, *aliases: str) -> int | None:
        """The position of the first column named by one of ``aliases`` (keys), or None."""
        for alias in aliases:
            if alias in self._index:
                return self._index[alias]
        return None

    def name(self, position: int) -> str:
        return self.header[position].strip()


def decode(data: bytes, path: str, encoding: str | None = None) -> tuple[str, str]:
    """The text and a description of the encoding it was read with; else a SheetError."""
    if encoding:
        try:
            codec = codecs.lookup(encoding).name
            if not codecs.lookup(encoding)._is_text_encoding:
                raise LookupError(encoding)
        except LookupError:
            raise SheetError(path, f"unknown encoding {quote(encoding)}", usage=True) from None
        if codec == "utf-8" and data.startswith(_BOM8):
            codec = "utf-8-sig"
        return _strict(data, codec, path, encoding), encoding
    if data.startswith(_BOM8):
        return _strict(data, "utf-8-sig", path, "UTF-8"), "UTF-8 with a byte-order mark"
    if data.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        return _strict(data, "utf-32", path, "UTF-32"), "UTF-32"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _strict(data, "utf-16", path, "UTF-16"), "UTF-16"
    head = data[:400]
    if len(head) >= 4 and head.count(b"\x00") * 4 >= len(head):
        # UTF-16 without a byte-order mark: ASCII text has every other byte NUL.
        codec = (
            "utf-16-le" if head[1::2].count(b"\x00") > head[0::2].count(b"\x00") else "utf-16-be"
        )
        return _strict(data, codec, path, "UTF-16"), "UTF-16 (no byte-order mark)"
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise SheetError(
            path,
            f"line {line}: the byte {data[exc.start : exc.end].hex()} is neither UTF-8 nor "
            "Windows-1252; save the sheet as CSV UTF-8, or name its encoding with --encoding",
            usage=True,
        ) from None
    return text, "Windows-1252 (not UTF-8; use --encoding to read it otherwise)"


def _strict(data: bytes, codec: str, path: str, label: str) -> str:
    try:
        return data.decode(codec)
    except UnicodeDecodeError as exc:
        raise SheetError(
            path,
            f"not valid {label}: the bytes at offset {exc.start} cannot be read "
            f"({data[exc.start : exc.end].hex()}); save the sheet as CSV UTF-8",
            usage=True,
        ) from None


def _delimiter(text: str) -> str:
    """Comma, tab (Excel's "Unicode text") or semicolon: the one the header-like lines use most."""
    lines = text.splitlines()[:HEADER_SEARCH_ROWS]
    best, best_count = ",", 0
    for candidate in (",", "\t", ";"):
        count = max((line.count(candidate) for line in lines), default=0)
        if count > best_count:
            best, best_count = candidate, count
    return best


def read_records(path: Path, encoding: str | None = None) -> tuple[list[list[str]], str]:
    """Every record of the file (a record per spreadsheet row) and the encoding used."""
    name = str(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise SheetError(name, "no such file", usage=True) from None
    except IsADirectoryError:
        raise SheetError(name, "is a folder, not a file", usage=True) from None
    except PermissionError:
        raise SheetError(
            name, "permission denied: you may not read this file", usage=True
        ) from None
    except OSError as exc:
        raise SheetError(name, f"cannot read: {exc.strerror or exc}", usage=True) from None
    text, used = decode(data, name, encoding)
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise SheetError(
            name, f"line {line}: a NUL character: this is not a text file (or not {used})", True
        )
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text), strict=True)
    records: list[list[str]] = []
    try:
        for record in reader:
            records.append(record)
    except csv.Error as exc:
        raise SheetError(
            name,
            f"row {len(records) + 1} (line {reader.line_num}): not valid CSV: {exc}; "
            "a quote is probably not closed",
            usage=True,
        ) from None
    return records, used


def read_sheet(
    path: Path,
    required: Sequence[tuple[str, ...]],
    labels: Sequence[str],
    kind: str,
    encoding: str | None = None,
) -> Sheet:
    """The sheet whose header holds a column for each of ``required`` (alias keys each).

    ``labels`` names each requirement in the error for a file of another kind.
    """
    records, used = read_records(path, encoding)
    name = str(path)
    best: tuple[int, int, list[str]] | None = None  # (found, row index, missing)
    for index, record in enumerate(records[:HEADER_SEARCH_ROWS]):
        keys = {column_key(cell) for cell in record}
        missing = [
            label
            for label, aliases in zip(labels, required, strict=True)
            if not any(a in keys for a in aliases)
        ]
        if not missing:
            sheet = _sheet(name, used, records, index)
            if index:
                plural = "s" if index > 1 else ""
                sheet.notes.append(
                    f"row{plural} 1{f'-{index}' if index > 1 else ''} above the header "
                    f"(row {index + 1}) read as a note, not data"
                )
            return sheet
        found = len(required) - len(missing)
        if any(c.strip() for c in record) and (best is None or found > best[0]):
            best = (found, index, missing)
    if best is None:
        raise SheetError(name, "the file holds no rows", usage=True)
    found, index, missing = best
    listed = ", ".join(missing)
    raise SheetError(
        name,
        f"not {kind}: no header row has the columns {listed} (the closest is row {index + 1})",
        usage=True,
    )


def _sheet(name: str, used: str, records: list[list[str]], index: int) -> Sheet:
    header = records[index]
    rows: list[tuple[int, list[str]]] = []
    blank = 0
    for number, record in enumerate(records[index + 1 :], start=index + 2):
        if not any(cell.strip() for cell in record):
            blank += 1
            continue
        if len(record) < len(header):
            record = record + [""] * (len(header) - len(record))
        rows.append((number, record))
    sheet = Sheet(name, used, index + 1, header, rows, blank)
    if not used.startswith("UTF-8"):
        sheet.notes.append(f"read as {used}")
    return sheet


def extra_cells(sheet: Sheet, record: list[str]) -> list[str]:
    """Non-blank cells beyond the header's last column: data the header does not name."""
    return [c for c in record[len(sheet.header) :] if c.strip()]
