"""``policy-tui validate``: check timeline files; never imports Textual."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from tui.commands.common import EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE, Parser
from tui.core.files.load import load_timeline
from tui.core.files.paths import default_timeline
from tui.core.text.summary import one_line_summary
from tui.core.timeline.errors import TimelineError


def parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog="policy-tui validate",
        description="Check timeline files. Prints one summary line per valid file on stdout and "
        "every problem on stderr as PATH:LINE:COL: error: event 'ID': FIELD: message.",
        epilog="Exit status: 0 all valid, 1 any file has problems, 2 usage error or a file "
        "that cannot be read.",
    )
    parser.add_argument("paths", nargs="*", type=Path, metavar="PATH", help="timeline files")
    return parser


def run(argv: Sequence[str]) -> int:
    args = parser().parse_args(argv)
    _tolerant_output()
    status = EXIT_OK
    for path in args.paths or [default_timeline()]:
        try:
            timeline = load_timeline(path)
        except TimelineError as exc:
            print(exc.format(), file=sys.stderr)
            status = max(status, EXIT_USAGE if exc.unreadable else EXIT_PROBLEMS)
            continue
        print(one_line_summary(timeline))
    return status


def _tolerant_output() -> None:
    """Characters the terminal's encoding lacks (…, é in a path) print escaped, not as a crash."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="backslashreplace")
