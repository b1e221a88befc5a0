"""Drawing a lane's row as cells: glyphs per kind of span, readable without colour.

Cells carry style *names*; the widget maps them to colours.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import NamedTuple

from tui.core.time.spans import Kind
from tui.core.time.stack import Item


class Glyphs(NamedTuple):
    bar: str
    start: str
    end: str
    single: str  # a bar one column wide
    open: str
    unknown: str
    marker: str
    approximate: str
    clipped_left: str
    clipped_right: str


UNICODE = Glyphs("━", "┣", "┫", "┃", "▶", "?", "◆", "┄", "◀", "▶")
ASCII = Glyphs("=", "[", "]", "|", ">", "?", "*", "~", "<", ">")


class Cell(NamedTuple):
    char: str
    style: str  # "", a Kind value, "approximate", "clipped" or "selected"
    event_index: int | None  # the event drawn here, for colours and mouse clicks


BLANK = Cell(" ", "", None)


def _draw(item: Item, g: Glyphs) -> list[tuple[str, str]]:
    a, b = item.col_start, item.col_end
    kind = item.kind
    if kind is Kind.MARKER:
        if a == b:
            return [(g.marker, "marker")]
        cells = [(g.approximate, "approximate")] * (b - a + 1)
        cells[(b - a) // 2] = (g.marker, "marker")
        return cells
    cells = [(g.bar, kind.value)] * (b - a + 1)
    if item.fuzzy_start_end >= a:
        for c in range(a, min(item.fuzzy_start_end, b) + 1):
            cells[c - a] = (g.approximate, "approximate")
    if item.fuzzy_end_start >= 0:
        for c in range(max(item.fuzzy_end_start, a), b + 1):
            cells[c - a] = (g.approximate, "approximate")
    end_glyph = {Kind.OPEN: g.open, Kind.UNKNOWN: g.unknown}.get(kind, g.end)
    if a == b:
        if item.clipped_left:
            return [(g.clipped_left, "clipped")]
        if item.clipped_right:
            return [(g.clipped_right, "clipped")]
        if kind is not Kind.BAR:
            return [(end_glyph, kind.value)]
        if item.approximate_start or item.approximate_end:
            return [(g.approximate, "approximate")]
        return [(g.single, kind.value)]
    if item.clipped_left:
        cells[0] = (g.clipped_left, "clipped")
    elif not item.approximate_start:
        cells[0] = (g.start, kind.value)
    if item.clipped_right:
        cells[-1] = (g.clipped_right, "clipped")
    elif kind is not Kind.BAR or not item.approximate_end:
        cells[-1] = (end_glyph, kind.value)
    return cells


def render_row(
    items: Iterable[Item], width: int, *, selected: str | None = None, ascii: bool = False
) -> list[Cell]:
    """Exactly ``width`` cells for one row of a lane; the event ``selected`` (an id) is styled
    ``selected``. Readable without colour: every kind has its own glyphs."""
    g = ASCII if ascii else UNICODE
    cells = [BLANK] * width
    for item in items:
        style_all = "selected" if item.event_id == selected else None
        for offset, (char, style) in enumerate(_draw(item, g)):
            col = item.col_start + offset
            if 0 <= col < width:
                cells[col] = Cell(char, style_all or style, item.event_index)
    return cells


def runs(cells: Sequence[Cell]) -> list[tuple[str, str]]:
    """Adjacent cells of the same style joined: fewer segments for the renderer."""
    out: list[tuple[str, str]] = []
    for cell in cells:
        if out and out[-1][1] == cell.style:
            out[-1] = (out[-1][0] + cell.char, cell.style)
        else:
            out.append((cell.char, cell.style))
    return out
