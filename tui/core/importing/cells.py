"""Messy spreadsheet cells -> the format's values: dates, countries, links, lists, text.

Each parser returns a value or raises ``CellError`` with a message that quotes the cell
(sanitised) and says what would be accepted.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from datetime import date, timedelta
from functools import cache
from urllib.parse import urlsplit

from tui.core.text.present import paragraphs
from tui.core.text.sanitize import quote
from tui.core.timeline.countries import BLOCS, country_name
from tui.core.timeline.dates import MONTHS, PartialDate


class CellError(ValueError):
    """A cell that cannot become the value asked for; the message is ready to print."""


# Controls other than the line breaks and tabs a cell may hold: the format forbids them.
_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def text(cell: str) -> str:
    """One line: whitespace (line breaks included) collapsed, controls removed."""
    return " ".join(_CONTROLS.sub("", cell).split())


def block(cell: str) -> str:
    """Text that may span lines: each line's whitespace collapsed, blank runs kept as one."""
    return "\n\n".join(paragraphs(_CONTROLS.sub("", cell)))


def yes_no(cell: str) -> str | None:
    """``yes``, ``no``, ``unknown`` or None (blank), from Yes/No/Unknown/Y/N/TRUE/FALSE/1/0."""
    word = text(cell).casefold()
    if not word:
        return None
    if word in ("yes", "y", "true", "1", "x"):
        return "yes"
    if word in ("no", "n", "false", "0"):
        return "no"
    return "unknown"


def slug(value: str) -> str:
    """``Protests / unrest`` -> ``protests-unrest``: a tag or id part (ASCII, hyphens)."""
    folded = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode().lower()
    return "-".join(re.findall(r"[a-z0-9]+", folded))


def split_list(cell: str) -> list[str]:
    """List cells: ``;``, ``|`` or line breaks separate items; commas too when none of those do.

    Items are one line each, kept once (compared ignoring case), in order.
    """
    raw = re.split(r"[;|\n\r]+", cell) if re.search(r"[;|\n\r]", cell) else cell.split(",")
    items: list[str] = []
    seen: set[str] = set()
    for item in raw:
        value = text(item)
        if value and value.casefold() not in seen:
            seen.add(value.casefold())
            items.append(value)
    return items


# -- dates ---------------------------------------------------------------------------------------

DATE_FORMS = "M/D/YYYY, YYYY-MM-DD, YYYY-MM, YYYY, M/YYYY, 'March 2020' or an Excel day number"
_TIME = re.compile(
    r"[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:\s*[AaPp][Mm])?(?:Z|[+-]\d{2}:?\d{2})?$"
)
_ISO = re.compile(r"(\d{4})-(\d{1,2})(?:-(\d{1,2}))?")
_SLASHED = re.compile(r"(\d{1,2})[/.](\d{1,2})[/.](\d{4}|\d{2})")
_MONTH_YEAR = re.compile(r"(\d{1,2})/(\d{4})")
_WORDS = re.compile(r"(?:(\d{1,2})\s+)?([A-Za-z]+)\.?(?:\s+(\d{1,2}))?,?\s+(\d{4})")
_EXCEL_EPOCH = date(1899, 12, 30)  # Excel's day 0 on Windows (its 1900 leap-year bug included)
_MONTH_NAMES = (
    {m.casefold(): i for i, m in enumerate(MONTHS, 1)}
    | {m[:3].casefold(): i for i, m in enumerate(MONTHS, 1)}
    | {"sept": 9}
)


def parse_date(cell: str, day_first: bool = False) -> PartialDate:
    """A date cell at the precision it gives: ``3/15/2020``, ``2020-03``, ``2020``, ``43905``."""
    value = text(cell)
    value = _TIME.sub("", value) if _TIME.search(value) and len(value) > 8 else value
    try:
        return _parse(value, day_first)
    except ValueError as exc:
        if isinstance(exc, CellError):
            raise
        raise CellError(f"{quote(cell)} is not a real date: {exc}") from None


def _parse(value: str, day_first: bool) -> PartialDate:
    if re.fullmatch(r"\d{4}", value):
        return PartialDate(int(value))
    if match := _ISO.fullmatch(value):
        year, month, day = (int(g) if g else None for g in match.groups())
        assert year is not None and month is not None
        return PartialDate(year, month, day)
    if match := _SLASHED.fullmatch(value):
        first, second, year_text = match.groups()
        month, day = (int(second), int(first)) if day_first else (int(first), int(second))
        year = int(year_text) + (2000 if len(year_text) == 2 else 0)
        if month > 12 and day <= 12:
            order = "D/M/YYYY" if day_first else "M/D/YYYY"
            raise CellError(
                f"{quote(value)} is not a real date read as {order} (there is no month {month})"
            )
        return PartialDate(year, month, day)
    if match := _MONTH_YEAR.fullmatch(value):
        return PartialDate(int(match.group(2)), int(match.group(1)))
    if match := _WORDS.fullmatch(value):
        lead, word, trail, year_text = match.groups()
        month = _MONTH_NAMES.get(word.casefold())
        if month is not None and not (lead and trail):
            day_text = lead or trail
            return PartialDate(int(year_text), month, int(day_text) if day_text else None)
    if re.fullmatch(r"\d{5}(?:\.\d+)?", value):
        serial = int(float(value))
        if 20_000 <= serial <= 2_958_465:
            return PartialDate.from_date(_EXCEL_EPOCH + timedelta(days=serial))
    raise CellError(f"{quote(value)} is not a date; write {DATE_FORMS}")


# -- countries -------------------------------------------------------------------------------------


def _country_key(name: str) -> str:
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().casefold()
    folded = folded.replace("&", " and ")
    words = re.findall(r"[a-z0-9]+", folded)
    return " ".join(w for w in words if w != "the")


@cache
def _country_index() -> dict[str, str]:
    """Normalised names (UN and ISO spellings, codes) -> alpha-2 code, from pycountry."""
    import pycountry

    index: dict[str, str] = {}
    derived: dict[str, set[str]] = {}
    for country in pycountry.countries:
        code = country.alpha_2
        index[code.casefold()] = code
        index[country.alpha_3.casefold()] = code
        for attr in ("name", "official_name", "common_name"):
            name = getattr(country, attr, None)
            if not name:
                continue
            index[_country_key(name)] = code
            if "," in name:
                # "Iran, Islamic Republic of" is also written "Islamic Republic of Iran" (the
                # UN's form), and often just "Iran".
                head, _, tail = name.partition(",")
                for form in (f"{tail} {head}", head):
                    derived.setdefault(_country_key(form), set()).add(code)
    for key, codes in derived.items():
        if key not in index and len(codes) == 1:  # "Korea" names two countries: not derived
            index[key] = next(iter(codes))
    # "Vietnam" for "Viet Nam": the names without their spaces, where that names one country.
    joined: dict[str, set[str]] = {}
    for key, code in index.items():
        if " " in key:
            joined.setdefault(key.replace(" ", ""), set()).add(code)
    for key, codes in joined.items():
        if key not in index and len(codes) == 1:
            index[key] = next(iter(codes))
    for code, name in BLOCS.items():
        index[code.casefold()] = code
        index[_country_key(name)] = code
    return index


def country_code(cell: str) -> str:
    """An ISO 3166-1 alpha-2 code (or a bloc) for a country cell; else a CellError with a hint."""
    code, error = _country(text(cell))
    if error is not None:
        raise CellError(error)
    assert code is not None
    return code


@cache
def _country(value: str) -> tuple[str | None, str | None]:
    """(code, None) or (None, the error): a sheet names the same countries thousands of times."""
    try:
        return _lookup(value), None
    except CellError as exc:
        return None, str(exc)


def _lookup(value: str) -> str:
    if not value:
        raise CellError("is empty")
    index = _country_index()
    code = index.get(_country_key(value))
    if code is not None:
        return code
    parts = [p for p in re.split(r"\s*(?:[;/&|]|,|\band\b)\s*", value) if p.strip()]
    if len(parts) > 1:
        found = [index.get(_country_key(p)) for p in parts]
        if sum(1 for f in found if f) >= 2:
            named = ", ".join(f for f in found if f)
            raise CellError(
                f"{quote(value)} names several countries ({named}); an event has one country: "
                "split the row into one row per country"
            )
    key = _country_key(value)
    close = difflib.get_close_matches(key, list(index), n=1, cutoff=0.75)
    if not close and len(key) >= 4:  # "Russia" -> "russian federation"
        close = sorted(k for k in index if k.startswith(key))[:1]
    hint = ""
    if close:
        code = index[close[0]]
        hint = f"; did you mean {code} ({country_name(code)})?"
    raise CellError(f"{quote(value)} is not a country that ISO 3166-1 lists{hint}")


# -- links -----------------------------------------------------------------------------------------

_URL_START = re.compile(r"https?://", re.I)
_URL_BODY = re.compile(r"[^\s;\"'<>]+")
_TRAILING = ",.;:!?'\""


def split_links(cell: str) -> tuple[list[str], list[str]]:
    """The http(s) links in a cell, in order, once each; and the other words found there.

    Links may be separated by ``;``, ``,``, spaces or line breaks and wrapped in stray quotes
    (``\"\"\"https://a.example/x;\"\" https://b.example/y\"``). Anything else (``www.x.com``,
    ``N/A``, ``ftp://…``) is returned as "other" so that the caller can say it was not used.
    """
    from tui.core.timeline.rules import http_url

    urls: list[str] = []
    other: list[str] = []
    position = 0
    starts = [m.start() for m in _URL_START.finditer(cell)]
    for i, start in enumerate(starts):
        if start < position:
            continue
        other.extend(_words(cell[position:start]))
        limit = starts[i + 1] if i + 1 < len(starts) else len(cell)
        match = _URL_BODY.match(cell, start, limit)
        url = match.group() if match else ""
        position = start + len(url)
        url = url.rstrip(_TRAILING)
        if url.endswith(")") and url.count("(") < url.count(")"):
            url = url[:-1]
        try:
            url = http_url(url)
        except ValueError:
            other.append(url)
            continue
        if url not in urls:
            urls.append(url)
    other.extend(_words(cell[position:]))
    return urls, other


def _words(gap: str) -> list[str]:
    return [w for w in re.split(r"[\s;,\"']+", gap) if w.strip(_TRAILING + "()[]-")]


def publisher(url: str) -> str:
    """The site's name for a source the sheet names no publisher for: ``bbc.co.uk``."""
    host = (urlsplit(url).hostname or url).lower()
    return host.removeprefix("www.")
