"""What the command line's parts share: exit codes, the parser, and the options and steps of
``list`` and ``export`` (and the explorer's ``--view``/``--query``).

``tui.cli`` and every command import from here, never from each other, so there is no import
cycle between the entry point and its commands. Light at import time (argparse and the
sanitiser): the core modules a step needs are imported by that step, so ``validate`` and
``schema`` do not pay for the query language.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from tui.core.text.sanitize import clean, quote
from tui.core.timeline.errors import did_you_mean

if TYPE_CHECKING:
    from tui.core.query.evaluate import Index
    from tui.core.query.language import Query, QueryError
    from tui.core.timeline.event import Event, Timeline

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2


class Parser(argparse.ArgumentParser):
    """Usage errors exit 2 with one line, as the exit-status contract says."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n")


QUERY_HELP = (
    "filter with the query language, e.g. 'country:RU platform:telegram after:2018' "
    "(docs/query.md); write --query='-platform:x' when it starts with '-'"
)
STATUS_EPILOG = (
    "Exit status: 0 ok (also when nothing matches), 1 the timeline has problems, "
    "2 usage or query error, or the file cannot be read."
)


class Fail(Exception):
    """A reason to stop: the message is already printable; ``status`` is the exit code."""

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.status = status


def add_selection_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("path", nargs="?", type=Path, metavar="PATH", help="timeline file")
    parser.add_argument("-q", "--query", metavar="Q", default="", help=QUERY_HELP)
    parser.add_argument(
        "--view",
        metavar="NAME",
        help="a saved view of the file's [views] table; with --query, both apply",
    )


def glue_values(argv: Sequence[str], parser: argparse.ArgumentParser) -> list[str]:
    """``--query -platform:x`` -> ``--query=-platform:x``; ``--sort -date`` likewise.

    argparse takes a value starting with '-' for an option; a negated query term, or the
    reversed sort order, is a value. A following word that is one of the parser's own options
    is left alone. Options the parser does not have are left alone too.
    """
    takes_text = {"-q", "--query", "--view", "--sort"}
    known = set(parser._option_string_actions)
    out: list[str] = []
    items = list(argv)
    i = 0
    while i < len(items):
        word = items[i]
        if (
            word in takes_text
            and word in known
            and i + 1 < len(items)
            and items[i + 1].startswith("-")
            and items[i + 1].split("=", 1)[0] not in known
        ):
            out.append(f"{word}={items[i + 1]}")
            i += 2
            continue
        out.append(word)
        i += 1
    return out


def load(path: Path | None) -> Timeline:
    """The timeline for ``list`` and ``export``: through the cache, as the explorer reads it."""
    from tui.core.files.cache import load_cached
    from tui.core.files.paths import default_timeline
    from tui.core.timeline.errors import TimelineError

    try:
        return load_cached(path or default_timeline())[0]
    except TimelineError as exc:
        raise Fail(exc.format(), EXIT_USAGE if exc.unreadable else EXIT_PROBLEMS) from None


def query_error(prog: str, source: str, text: str, exc: QueryError) -> Fail:
    return Fail(f"{prog}: error: {source}: {clean(str(exc))}\n{exc.pointer(text)}", EXIT_USAGE)


def query_text(prog: str, text: str, view: str | None, views: Mapping[str, str]) -> str:
    """``--view`` and ``--query`` as one query's text (both apply); errors name which one is
    wrong. The one resolution for the explorer's command line and for ``list`` and ``export``.
    ``views`` is the timeline's ``[views]`` table (read only when ``view`` is given)."""
    from tui.core.query.language import QueryError, parse

    parts: list[str] = []
    if view is not None:
        if view not in views:
            names = sorted(views)
            if names:
                hint = did_you_mean(view, names)
                listed = ", ".join(clean(n) for n in names)
                message = f"no view named {quote(view)}{hint} (views in this file: {listed})"
            else:
                message = f"no view named {quote(view)}: the file has no [views] table"
            raise Fail(f"{prog}: error: --view: {message}", EXIT_USAGE)
        parts.append(views[view])
        try:
            parse(parts[-1])
        except QueryError as exc:
            raise query_error(prog, f"view {quote(view)}", parts[-1], exc) from None
    if text.strip():
        try:
            parse(text)
        except QueryError as exc:
            raise query_error(prog, "--query", text, exc) from None
        parts.append(text)
    # Each part parses on its own, so joined by a space they parse as the AND of both.
    return " ".join(parts)


def resolve_query(prog: str, timeline: Timeline, text: str, view: str | None) -> Query:
    """``query_text`` parsed: the ``Query`` that ``list`` and ``export`` select with."""
    from tui.core.query.language import parse

    return parse(query_text(prog, text, view, timeline.views))


def select(prog: str, args: argparse.Namespace) -> tuple[Timeline, Query, Index, list[Event]]:
    """The timeline, the query, its index and the events selected, in date order."""
    from tui.core.query.evaluate import Index

    timeline = load(args.path)
    query = resolve_query(prog, timeline, args.query, args.view)
    index = Index(timeline.events)
    events = [timeline.events[i] for i in index.filter(query)]
    if not events:
        notes = "".join(f"\n  {note}" for note in index.hints(query))
        print(f"{prog}: no events match{notes}", file=sys.stderr)
    return timeline, query, index, events


def write_stdout(text: str) -> None:
    """Bytes as rendered: no newline translation (CSV and iCalendar lines end in CRLF)."""
    sys.stdout.flush()
    buffer = getattr(sys.stdout, "buffer", None)
    if buffer is None:
        sys.stdout.write(text)
    else:
        buffer.write(text.encode("utf-8"))
        buffer.flush()
