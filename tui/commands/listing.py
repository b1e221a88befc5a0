"""``policy-tui list``: the events a query selects, as a table, JSON, CSV or Markdown.

Never imports Textual. What it shares with ``policy-tui export`` (loading the timeline,
turning ``--query``/``--view`` into a ``Query``, writing output bytes) is in
``tui.commands.common``.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from tui.commands.common import (
    EXIT_OK,
    STATUS_EPILOG,
    Fail,
    Parser,
    add_selection_options,
    glue_values,
    select,
    write_stdout,
)
from tui.core.text import present
from tui.core.timeline.event import Event

if TYPE_CHECKING:
    from rich.table import Table

LIST_FORMATS = ("table", "json", "csv", "markdown")


def parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog="policy-tui list",
        description="List the events of a timeline that match a query, in date order.",
        epilog=STATUS_EPILOG,
    )
    add_selection_options(parser)
    parser.add_argument(
        "--sort", choices=("date", "-date"), default="date", help="date order (default) or reversed"
    )
    parser.add_argument(
        "--format",
        choices=LIST_FORMATS,
        default="table",
        help="table (aligned text when piped), json, csv or markdown",
    )
    return parser


# --- the table -------------------------------------------------------------------------------

TABLE_HEADER = ("DATE", "ID", "COUNTRY", "ACTION", "STATUS", "PLATFORMS", "TITLE")


def date_cell(event: Event) -> str:
    """``2018-04-16/2020-06-18``: ISO 8601 interval, each date at its written precision."""
    if event.end_date is not None and event.end_date != event.date:
        return f"{event.date.iso()}/{event.end_date.iso()}"
    return event.date.iso()


def table_rows(events: Sequence[Event]) -> list[tuple[str, ...]]:
    """The table's cells: those it shares with the explorer's list from ``present.row`` (one
    row formatter); the date as an ISO interval and the status as its word, for scripts."""
    rows: list[tuple[str, ...]] = []
    for e in events:
        cells = present.row(e)
        rows.append(
            (
                date_cell(e),
                e.id,
                cells.country,
                cells.action,
                e.status.value,
                cells.platforms,
                cells.title,
            )
        )
    return rows


def plain_table(events: Sequence[Event]) -> str:
    """Aligned columns for pipes and files: no colour, no box drawing, nothing truncated."""
    from rich.cells import cell_len

    rows = [TABLE_HEADER, *table_rows(events)]
    widths = [max(cell_len(row[c]) for row in rows) for c in range(len(TABLE_HEADER) - 1)]
    lines = []
    for row in rows:
        cells = [cell + " " * (w - cell_len(cell)) for cell, w in zip(row, widths, strict=False)]
        lines.append("  ".join([*cells, row[-1]]).rstrip())
    return "\n".join(lines) + "\n"


# On a terminal the table must fit its width. Short columns never wrap (a date or an action
# broken over two lines reads as two values) and keep their full width; the title takes what is
# left and wraps by words. While the title would get less than MIN_TITLE, the columns of least
# use on a terminal give way: the id goes (long, and shown by `| cat` or --format), then COUNTRY
# is headed CC (its cells are two letters wide), then the platforms go.
DROP_ORDER = ("ID", "PLATFORMS")
MIN_TITLE = 30
PLATFORMS_WIDTH = 18  # at most: a longer list wraps by words within it
COLUMN_GAP = 2  # Rich's default padding: one space each side, none at the table's edges


@dataclass(frozen=True)
class TableLayout:
    """Which columns a terminal table shows, their headers, and the fixed widths."""

    columns: tuple[str, ...]  # names from TABLE_HEADER, in its order
    headers: dict[str, str]
    widths: dict[str, int]  # every column but the title
    hidden: tuple[str, ...]


def table_layout(rows: Sequence[tuple[str, ...]], width: int) -> TableLayout:
    from rich.cells import cell_len

    def natural(name: str, header: str) -> int:
        index = TABLE_HEADER.index(name)
        return max([cell_len(header), *(cell_len(row[index]) for row in rows)])

    def layout(hidden: tuple[str, ...], short_country: bool) -> TableLayout:
        columns = tuple(c for c in TABLE_HEADER if c not in hidden)
        headers = {c: c for c in columns}
        if short_country:
            headers["COUNTRY"] = "CC"
        widths = {c: natural(c, headers[c]) for c in columns if c != "TITLE"}
        if "PLATFORMS" in widths:
            widths["PLATFORMS"] = min(widths["PLATFORMS"], PLATFORMS_WIDTH)
        return TableLayout(columns, headers, widths, hidden)

    def title_width(candidate: TableLayout) -> int:
        used = sum(candidate.widths.values()) + COLUMN_GAP * (len(candidate.columns) - 1)
        return width - used

    candidates = [
        layout((), short_country=False),
        layout(DROP_ORDER[:1], short_country=False),
        layout(DROP_ORDER[:1], short_country=True),
        layout(DROP_ORDER, short_country=True),
    ]
    for candidate in candidates:
        if title_width(candidate) >= MIN_TITLE:
            return candidate
    return candidates[-1]  # narrower than any table: the title gets what is left


def rich_table(events: Sequence[Event], width: int) -> Table:
    """The table for a terminal ``width`` columns wide (see ``table_layout``)."""
    from rich.table import Table
    from rich.text import Text

    rows = table_rows(events)
    layout = table_layout(rows, width)
    table = Table(box=None, header_style="bold", pad_edge=False)
    for name in layout.columns:
        header = layout.headers[name]
        if name == "TITLE":
            table.add_column(header, overflow="fold")
        elif name == "PLATFORMS":
            table.add_column(header, overflow="fold", max_width=layout.widths[name])
        else:
            # A set width and no wrapping: Rich narrows the title and the platforms instead,
            # and the layout has left them room.
            fixed = layout.widths[name]
            table.add_column(header, no_wrap=True, width=fixed, min_width=fixed)
    keep = [TABLE_HEADER.index(name) for name in layout.columns]
    for row in rows:
        table.add_row(*(Text(row[i]) for i in keep))
    if layout.hidden and rows:
        hidden = " and ".join(name.lower() for name in layout.hidden)
        table.caption = Text(
            f"{hidden} hidden to fit {width} columns; | cat shows every column",
            style="dim",
        )
        table.caption_justify = "left"
    return table


def print_rich_table(events: Sequence[Event]) -> None:
    from rich.console import Console

    console = Console(highlight=False, markup=False, emoji=False)
    console.print(rich_table(events, console.width))


def run(argv: Sequence[str]) -> int:
    prog = "policy-tui list"
    cli = parser()
    args = cli.parse_args(glue_values(argv, cli))
    try:
        timeline, query, _, events = select(prog, args)
    except Fail as exc:
        print(exc, file=sys.stderr)
        return exc.status
    if args.sort == "-date":
        events.reverse()
    if args.format == "table":
        if sys.stdout.isatty():
            print_rich_table(events)
        else:
            write_stdout(plain_table(events))
        return EXIT_OK
    from tui.core.export import render

    write_stdout(render(args.format, timeline, events, query=query))
    return EXIT_OK
