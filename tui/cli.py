"""The ``policy-tui`` command: the app, and subcommands that never import Textual.

Textual is imported only on the path that runs the app, so ``validate`` (and the other
subcommands) start quickly and work where Textual could not.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from pathlib import Path

from tui import __version__
from tui.commands.common import (
    EXIT_OK,
    EXIT_PROBLEMS,
    EXIT_USAGE,
    Fail,
    Parser,
    glue_values,
    query_text,
)
from tui.core.files.paths import ENV_VAR, default_timeline

DESCRIPTION = """\
A terminal timeline explorer for digital-policy events: states blocking, throttling or
restricting online platforms, and the fights over encryption behind them."""

EPILOG = f"""\
commands:
  policy-tui [PATH]             open the explorer on a timeline
  policy-tui validate [PATH ...]
                                check timeline files; problems as PATH:LINE:COL: error: ...
  policy-tui schema [--write DIR]
                                the JSON Schema of the file format (for editors)
  policy-tui list [PATH] [--query Q] [--view NAME] [--format table|json|csv|markdown]
                                the events a query selects (docs/query.md)
  policy-tui export [PATH] --to json|csv|markdown|timelinejs|ics [-o FILE]
                                publish a view (docs/publishing.md)
  policy-tui import stop|csv|json FILE (-o OUT | --append TIMELINE) [--dry-run]
                                a timeline from Access Now's STOP sheet, any spreadsheet
                                or the JSON export; every row accounted for (docs/importing.md)

Without PATH the timeline is ${ENV_VAR}, else ./timeline.toml, else the curated
timeline shipped with policy-tui. Run 'policy-tui COMMAND --help' for a command's options.
The explorer caches files that load cleanly (validated) in $XDG_CACHE_HOME/policy-tui
(~/.cache/policy-tui); POLICY_TUI_CACHE=DIR moves it, POLICY_TUI_CACHE=off turns it off.
Exit status: 0 ok, 1 the file has problems, 2 usage error or unreadable file."""


def _app_parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog="policy-tui",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("path", nargs="?", type=Path, metavar="PATH", help="timeline file")
    parser.add_argument("--goto", metavar="ID", help="open with this event highlighted")
    parser.add_argument(
        "--query", metavar="Q", default="", help="open with this query (see docs/query.md)"
    )
    parser.add_argument("--view", metavar="NAME", help="open with a saved view of the file")
    parser.add_argument("--version", action="version", version=f"policy-tui {__version__}")
    return parser


def cmd_app(argv: Sequence[str]) -> int:
    from tui.core import tuning

    # No garbage collections until the first frame is drawn (the app ends the pause): they
    # were 40-55 ms of the shipped timeline's first paint (docs/performance.md).
    tuning.gc_pause_for_start()
    parser = _app_parser()
    args = parser.parse_args(glue_values(argv, parser))
    from tui.core.files.opening import begin
    from tui.core.text.sanitize import quote
    from tui.core.timeline.errors import TimelineError

    path: Path = args.path or default_timeline()
    try:
        # A small file (or one whose views --view needs) is loaded now; a big one is read and
        # hashed on another core while Textual is imported below.
        opening = begin(path, load=True if args.view else None)
    except TimelineError as exc:
        print(exc.format(), file=sys.stderr)
        return EXIT_USAGE if exc.unreadable else EXIT_PROBLEMS
    timeline = opening.timeline
    if timeline is not None and args.goto and timeline.get(args.goto) is None:
        print(f"policy-tui: error: --goto: no event has the id {quote(args.goto)}", file=sys.stderr)
        return EXIT_USAGE
    try:
        query = query_text("policy-tui", args.query, args.view, timeline.views if timeline else {})
    except Fail as exc:
        print(exc, file=sys.stderr)
        return exc.status
    from tui.app.app import make_app

    if opening.prefetch is not None:
        # A slow disk: the app then opens without the first rows (they come once read).
        opening.prefetch.wait(timeout=2.0)
    app = make_app(path, opening=opening, goto=args.goto, query=query)
    app.run()
    if app.load_errors:
        print(app.load_errors, file=sys.stderr)
    return app.return_code or EXIT_OK


# Subcommand -> module with ``run(argv) -> int``; imported only when that command runs.
COMMANDS: dict[str, str] = {
    "validate": "tui.commands.validate",
    "schema": "tui.commands.schema",
    "list": "tui.commands.listing",
    "export": "tui.commands.export",
    "import": "tui.commands.importing",
}


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        if argv and argv[0] in COMMANDS:
            module = importlib.import_module(COMMANDS[argv[0]])
            return int(module.run(argv[1:]))
        return cmd_app(argv)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # `policy-tui list | head`: the reader left; that is not an error worth a traceback.
        sys.stderr.close()
        return EXIT_OK


def run() -> None:
    sys.exit(main())
