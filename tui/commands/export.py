"""``policy-tui export``: publish (a filtered view of) a timeline as JSON, CSV, Markdown,
TimelineJS or iCalendar, to stdout or atomically to a file. Never imports Textual."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from tui.commands.common import (
    EXIT_OK,
    EXIT_USAGE,
    STATUS_EPILOG,
    Fail,
    Parser,
    add_selection_options,
    glue_values,
    select,
    write_stdout,
)
from tui.core.export import FORMATS, GROUPS, render
from tui.core.export.timelinejs import MAX_READABLE_ROWS, rows_warning
from tui.core.files.atomic import WriteError, write_atomically
from tui.core.text.sanitize import clean, quote


def parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog="policy-tui export",
        description="Export the events that match a query. "
        "See docs/publishing.md for TimelineJS and calendar apps.",
        epilog=STATUS_EPILOG,
    )
    add_selection_options(parser)
    parser.add_argument("--to", required=True, choices=FORMATS, help="the format")
    parser.add_argument(
        "--group",
        choices=GROUPS,
        default=None,
        help="timelinejs only: one row per country (default), per first platform, or none; "
        f"more than {MAX_READABLE_ROWS} rows crowd out the slides of an embed, and a warning "
        "says so",
    )
    parser.add_argument(
        "-o",
        "--output",
        type=Path,
        metavar="FILE",
        help="write to FILE (atomically; a read-only FILE is refused) instead of stdout",
    )
    return parser


def stamp_from_env() -> datetime | None:
    """``SOURCE_DATE_EPOCH`` (the reproducible-builds convention) fixes the iCalendar DTSTAMP."""
    value = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not value:
        return None
    try:
        return datetime.fromtimestamp(int(value), tz=UTC)
    except (ValueError, OverflowError, OSError):
        raise Fail(
            f"policy-tui export: error: SOURCE_DATE_EPOCH={quote(value)} is not a Unix time",
            EXIT_USAGE,
        ) from None


def shown(path: Path) -> str:
    """A path for a message: quoted and sanitised, but never shortened like ``quote`` does."""
    return f"'{clean(str(path))}'"


def check_target(target: Path, protect: Path) -> Path:
    """The file to write; refuses the timeline itself (by path or as the same file) or a folder."""
    resolved = target.resolve()
    same = resolved == protect.resolve()
    if not same and resolved.exists():
        try:
            same = os.path.samefile(resolved, protect)
        except OSError:
            same = False
    if same:
        raise Fail(
            f"policy-tui export: error: -o {shown(target)} is the timeline file itself; "
            "choose another file",
            EXIT_USAGE,
        )
    if resolved.is_dir():
        raise Fail(f"policy-tui export: error: -o {shown(target)} is a folder", EXIT_USAGE)
    if not resolved.parent.is_dir():
        raise Fail(f"policy-tui export: error: -o {shown(target)}: no such folder", EXIT_USAGE)
    return resolved


def run(argv: Sequence[str]) -> int:
    prog = "policy-tui export"
    cli = parser()
    args = cli.parse_args(glue_values(argv, cli))
    if args.group is not None and args.to != "timelinejs":
        cli.error("--group applies only to --to timelinejs")
    try:
        stamp = stamp_from_env() if args.to == "ics" else None
        timeline, query, _, events = select(prog, args)
        target = None
        if args.output is not None:
            target = check_target(args.output, Path(timeline.path or ""))
        group = args.group or "country"
        text = render(args.to, timeline, events, query=query, group=group, stamp=stamp)
        if args.to == "timelinejs":
            warning = rows_warning(events, group)
            if warning is not None:
                print(f"{prog}: warning: {warning}", file=sys.stderr)
        if target is None:
            write_stdout(text)
        else:
            try:
                write_atomically(target, text.encode("utf-8"))
            except WriteError as exc:
                raise Fail(f"{prog}: error: not written: {exc.reason}", EXIT_USAGE) from None
            noun = "event" if len(events) == 1 else "events"
            print(f"{prog}: wrote {len(events)} {noun} to {shown(args.output)}", file=sys.stderr)
    except Fail as exc:
        print(exc, file=sys.stderr)
        return exc.status
    return EXIT_OK
