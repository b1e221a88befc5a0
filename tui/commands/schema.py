"""``policy-tui schema``: print the JSON Schema of the timeline format, or write it beside a
timeline for Taplo's ``#:schema`` directive; never imports Textual."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from tui.commands.common import EXIT_OK, EXIT_USAGE, Parser
from tui.core.timeline.schema import COMMITTED_PATH, DIRECTIVE, FILE_NAME, schema_text

PROG = "policy-tui schema"


def parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog=PROG,
        description="Print the JSON Schema (draft-07) of the timeline format, generated from the "
        "data model. Editors such as Taplo and Even Better TOML use it to validate and complete "
        "fields while you type (see docs/editing.md).",
        epilog=f"With --write, start the timeline with the line '{DIRECTIVE}': Taplo finds the "
        "schema beside the file, offline, at the version you have installed. Run it again after "
        f"upgrading policy-tui. The repository keeps a copy: {PROG} > {COMMITTED_PATH}",
    )
    parser.add_argument(
        "--write",
        type=Path,
        metavar="DIR",
        help=f"write {FILE_NAME} into DIR (or beside DIR, when it is a timeline file) "
        "instead of printing it",
    )
    return parser


def _shown(path: Path) -> str:
    from tui.core.text.sanitize import clean

    return f"'{clean(str(path))}'"


def _directive_note(timeline: Path) -> str | None:
    """What to change in ``timeline``'s first line, or None when it already points here."""
    try:
        with timeline.open(encoding="utf-8-sig", errors="replace") as handle:
            first = handle.readline().rstrip("\r\n")
    except OSError:
        return None
    if first.strip() == DIRECTIVE:
        return None
    if first.lstrip().startswith("#:schema"):
        return f"{_shown(timeline)} starts with '{first.strip()}': change that line to {DIRECTIVE}"
    return f"{_shown(timeline)}: add this first line: {DIRECTIVE}"


def write_schema(target: Path) -> int:
    """Write the schema into the folder ``target`` (or beside the file ``target``)."""
    from tui.core.files.atomic import WriteError, write_atomically

    timelines: list[Path]
    if target.is_file():
        folder, timelines = target.parent, [target]
    elif target.is_dir():
        folder = target
        timelines = sorted(p for p in target.glob("*.toml") if p.is_file())
    else:
        print(f"{PROG}: error: --write {_shown(target)}: no such folder", file=sys.stderr)
        return EXIT_USAGE
    path = folder / FILE_NAME
    text = schema_text().encode("utf-8")
    try:
        unchanged = path.is_file() and path.read_bytes() == text
        if not unchanged:
            write_atomically(path, text)
    except WriteError as exc:
        print(f"{PROG}: error: not written: {exc.reason}", file=sys.stderr)
        return EXIT_USAGE
    except OSError as exc:  # reading the schema already there
        reason = exc.strerror or str(exc)
        print(f"{PROG}: error: cannot read {_shown(path)}: {reason}", file=sys.stderr)
        return EXIT_USAGE
    done = "is up to date" if unchanged else "written"
    print(f"{PROG}: {_shown(path)} {done}", file=sys.stderr)
    notes = [note for t in timelines if (note := _directive_note(t)) is not None]
    if notes:
        for note in notes:
            print(f"{PROG}: {note}", file=sys.stderr)
    elif not timelines:
        print(f"{PROG}: start a timeline in that folder with the line {DIRECTIVE}", file=sys.stderr)
    return EXIT_OK


def run(argv: Sequence[str]) -> int:
    args = parser().parse_args(argv)
    if args.write is not None:
        return write_schema(args.write)
    sys.stdout.write(schema_text())
    return EXIT_OK
