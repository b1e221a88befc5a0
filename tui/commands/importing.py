"""``policy-tui import``: a timeline from Access Now's STOP sheet, any spreadsheet, or the tool's
own JSON, every row accounted for (docs/importing.md). Never imports Textual."""

from __future__ import annotations

import argparse
import sys
import textwrap
from collections.abc import Sequence
from pathlib import Path

from tui.commands.common import EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE, Fail, Parser
from tui.core.files.atomic import WriteError, write_atomically
from tui.core.importing import cells, jsonin, stop, table
from tui.core.importing.report import Report, check_rendered, render_timeline
from tui.core.importing.sheet import SheetError
from tui.core.text.sanitize import clean, quote
from tui.core.timeline.errors import TimelineError
from tui.core.timeline.event import Timeline

PROG = "policy-tui import"

EPILOG = """\
kinds:
  stop FILE.csv                 Access Now's STOP sheet (both header generations)
  csv FILE.csv --map FIELD=COLUMN ... [--set FIELD=VALUE ...] [--preset timelinejs]
                                any spreadsheet, one column per field
  json FILE.json                policy-tui's own export --to json / list --format json

Each data row ends as an imported event, as one already in the timeline (same id: a
re-import adds only new rows; a note names what the file now gives differently), or as a line
FILE:ROW: skipped: REASON. The summary line gives rows read, imported, already present and
skipped. -o writes a new file (never over an existing one); --append adds to a timeline
through the same atomic, verified write as the app's add-event form. Rules and examples:
docs/importing.md.

Exit status: 0 every row imported or already present, 1 some row skipped (or the timeline to
append to has problems), 2 usage error, a file of another kind, or a file that cannot be read
or written."""

STOP_EPILOG = (
    """\
mapping (docs/importing.md has every rule, with example rows):
  start_date, end_date  M/D/YYYY, ISO, month or year only, Excel day numbers; end_date
                        Ongoing -> status ongoing; Unknown -> unknown; blank -> the
                        shutdown_status column, else unknown; an end before the start: skipped
  country               UN names -> ISO codes through pycountry ('Iran (Islamic Republic of)'
                        -> IR); an unknown name or several countries: skipped, with a hint
  shutdown_type         Shutdown -> block; Throttle -> throttle; 'Shutdown, Throttle' -> block
                        and tag throttling; Unknown -> other and tag type-unknown
  shutdown_extent       Full network -> platforms from affected_network ('Mobile internet',
                        'Broadband internet', 'Internet'), tag full-network; Service-based ->
                        the services whose *_affected column says Yes and those named in the
                        other-services cell, tag service-based
  geo_scope, area_name  tag scope-<scope>; the area is named in the title unless national
  decision_maker, ordered_by -> authority; actual_cause -> tags cause-<cause>; election,
                        violence, hr_abuse_reported, gov_ack = Yes -> tags
  info_source_link (news_link), an_link -> one source per http(s) link, the site's name as
                        publisher; every event also cites the dataset (--dataset-url) with the
                        file, row and ID
  all other cells       -> the summary, as 'Label: value.' sentences; event, notes as paragraphs
  id                    stop-<ID> (2020 sheet) or stop-<cc>-<year>-<hash of the key cells>,
                        never the row number: a newer copy of the sheet adds only new rows

example (current sheet): start_date 1/5/2023, country Ethiopia, geo_scope Regional,
  area_name Amhara, shutdown_type Shutdown, affected_network Mobile, shutdown_extent Full
  network, end_date blank, shutdown_status Ongoing
  -> "Mobile internet shutdown in Amhara, Ethiopia": ET, 2023-01-05, block, ongoing,
     platforms Mobile internet, tags stop, full-network, scope-regional

"""
    + EPILOG
)

_FIELDS = textwrap.fill(
    "fields: " + ", ".join(table.FIELDS), 94, subsequent_indent="  ", break_on_hyphens=False
)
CSV_EPILOG = f"""\
{_FIELDS}
  date/end_date take M/D/YYYY, YYYY-MM-DD, YYYY-MM, YYYY, M/YYYY, 'March 2020' or an Excel day
  number (or date.year/.month/.day columns); country takes an ISO code or a name
  ('Viet Nam', 'Iran (Islamic Republic of)'); authority, platforms and tags split on ';', '|'
  or line breaks (commas when none of those); sources.url takes one or several http(s) links.
  --set fills a field for every row whose cell is blank (or that has no column); for list
  fields it adds to the cell's items.

--preset timelinejs maps Knight Lab's sheet template: Year/Month/Day -> date, End Year/End
Month/End Day -> end_date, Headline -> title, Text (HTML) -> summary (its links become
sources), Media -> sources.url, Media Credit -> sources.publisher, Media Caption ->
sources.title, Group -> country. The row of Type 'title' names the timeline; 'era' rows are
skipped. Give what the template lacks: --set action=block (and --set country=XX when Group
is not a country).

example:
  policy-tui import csv sheet.csv --map date=When --map title=What --map country=Country \\
      --map sources.url=Link --set action=block --set summary='From our tracker.' -o t.toml
  turns the row  When=3/4/2022, What=Facebook blocked, Country=Russian Federation,
  Link="https://a.example/1; https://b.example/2"  into an event dated 2022-03-04 in RU,
  action block, titled "Facebook blocked", with the summary 'From our tracker.' and two
  sources (publishers a.example and b.example, the sites' names)."""


def parser() -> argparse.ArgumentParser:
    cli = Parser(
        prog=PROG,
        description="Import a timeline from a spreadsheet or from policy-tui's own JSON.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    kinds = cli.add_subparsers(dest="kind", metavar="KIND", parser_class=Parser, required=True)
    stop_cli, csv_cli, json_cli = (
        kinds.add_parser(
            name,
            help=short,
            description=description,
            epilog=epilog,
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        for name, short, description, epilog in (
            (
                "stop",
                "Access Now's STOP sheet",
                "Import Access Now's STOP sheet (shutdowns and platform blocks).",
                STOP_EPILOG,
            ),
            (
                "csv",
                "any spreadsheet, with a column for each field",
                "Import any spreadsheet saved as CSV, with a column for each field.",
                CSV_EPILOG,
            ),
            (
                "json",
                "policy-tui's own JSON export",
                "Import policy-tui's own JSON (export --to json, list --format json).",
                EPILOG,
            ),
        )
    )
    for sub in (stop_cli, csv_cli, json_cli):
        sub.add_argument("file", type=Path, metavar="FILE", help="the file to import")
        where = sub.add_mutually_exclusive_group()
        where.add_argument(
            "-o", "--output", type=Path, metavar="OUT", help="write a new timeline file"
        )
        where.add_argument(
            "--append",
            type=Path,
            metavar="TIMELINE",
            help="add the rows the timeline does not have yet",
        )
        sub.add_argument("--dry-run", action="store_true", help="print the report; write nothing")
        sub.add_argument("--title", help="the new timeline's title (with -o)")
    for sub in (stop_cli, csv_cli):
        sub.add_argument(
            "--encoding",
            metavar="NAME",
            help="the file's encoding when it is not UTF-8 (e.g. cp1252, utf-16); "
            "read otherwise: UTF-8 with or without BOM, UTF-16, else Windows-1252",
        )
    stop_cli.add_argument(
        "--dataset-url",
        default=stop.DATASET_URL,
        metavar="URL",
        help=f"the address every event cites for the dataset (default {stop.DATASET_URL})",
    )
    csv_cli.add_argument(
        "--map", action="append", default=[], metavar="FIELD=COLUMN", help="a field's column"
    )
    csv_cli.add_argument(
        "--set", action="append", default=[], metavar="FIELD=VALUE", help="a field's constant"
    )
    csv_cli.add_argument("--preset", choices=sorted(table.PRESETS), help="a known sheet layout")
    csv_cli.add_argument(
        "--day-first", action="store_true", help="read 3/4/2020 as 3 April (D/M/YYYY)"
    )
    return cli


def shown(path: Path) -> str:
    return f"'{clean(str(path))}'"


def _target(args: argparse.Namespace) -> tuple[Timeline | None, str | None]:
    """The timeline to append to (and its digest), or None for a new file."""
    if args.append is None:
        if args.output is not None:
            out: Path = args.output
            if out.exists() or out.is_symlink():
                raise Fail(
                    f"{PROG}: error: -o {shown(out)} exists; import into a new file, or add "
                    f"to it with --append {shown(out)}",
                    EXIT_USAGE,
                )
            if not out.resolve().parent.is_dir():
                raise Fail(f"{PROG}: error: -o {shown(out)}: no such folder", EXIT_USAGE)
        return None, None
    from tui.core.files.write import load_with_digest

    try:
        return load_with_digest(args.append)
    except TimelineError as exc:
        status = EXIT_USAGE if exc.unreadable else EXIT_PROBLEMS
        raise Fail(
            f"{exc.format()}\n{PROG}: error: --append {shown(args.append)} does not load; "
            "fix it first (policy-tui validate)",
            status,
        ) from None


def _read(args: argparse.Namespace, report: Report) -> tuple[str, str]:
    """Map every row into ``report``; return the new timeline's title and description."""
    name = cells.text(args.file.name) or "the import"
    description = f"Imported with policy-tui import {args.kind} from {name}."
    if args.kind == "stop":
        urls, rest = cells.split_links(args.dataset_url)
        if len(urls) != 1 or rest or urls[0] != args.dataset_url.strip():
            raise Fail(
                f"{PROG} stop: error: --dataset-url {quote(args.dataset_url)} is not one "
                "http(s) URL",
                EXIT_USAGE,
            )
        sheet = stop.read(args.file, args.encoding)
        stop.import_rows(sheet, report, urls[0])
        return f"{stop.DATASET}: {name}", description
    if args.kind == "csv":
        try:
            mapping = table.make_mapping(args.map, args.set, args.preset, args.day_first)
        except table.MapError as exc:
            raise Fail(f"{PROG} csv: error: {exc}", EXIT_USAGE) from None
        sheet = table.read(args.file, mapping, args.encoding)
        title_slide = table.import_rows(sheet, mapping, report)
        if title_slide is not None and title_slide[0]:
            text = title_slide[1]
            return title_slide[0], (text + "\n\n" if text else "") + description
        return f"Imported from {name}", description
    items = jsonin.read(args.file)
    jsonin.import_items(items, report)
    return f"Imported from {name}", description


def run(argv: Sequence[str]) -> int:
    args = parser().parse_args(argv)
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="backslashreplace")
    try:
        return _run(args)
    except Fail as exc:
        print(exc, file=sys.stderr)
        return exc.status
    except SheetError as exc:
        print(f"{exc}", file=sys.stderr)
        return EXIT_USAGE
    except (KeyboardInterrupt, BrokenPipeError):
        raise
    except Exception as exc:
        # A bug of ours must reach the user as one line, not a traceback; nothing was written
        # (every write is the last step and atomic).
        print(
            f"{PROG}: error: internal error ({type(exc).__name__}: {clean(str(exc))}); "
            "nothing was written; please report it",
            file=sys.stderr,
        )
        return EXIT_USAGE


def _run(args: argparse.Namespace) -> int:
    if args.output is None and args.append is None and not args.dry_run:
        raise Fail(
            f"{PROG}: error: say where the events go: -o OUT (a new file) or --append "
            "TIMELINE; or --dry-run to only see the report",
            EXIT_USAGE,
        )
    if args.title is not None and args.output is None:
        raise Fail(f"{PROG}: error: --title names a new file: use it with -o", EXIT_USAGE)
    timeline, digest = _target(args)
    report = Report(str(args.file))
    default_title, description = _read(args, report)
    report.dedupe(timeline)
    if args.kind == "json":
        jsonin.drop_dangling(report, set() if timeline is None else {e.id for e in timeline.events})
    for line in report.lines():
        print(line, file=sys.stderr)
    events = report.events
    done = ""
    if args.dry_run:
        done = "; dry run: nothing written"
    elif args.append is not None:
        if events:
            from tui.core.files.write import append_events

            assert digest is not None
            try:
                append_events(args.append, events, digest)
            except WriteError as exc:
                print(report.summary() + "; nothing written")
                raise Fail(f"{PROG}: error: {exc}", EXIT_USAGE) from None
            done = f"; appended {len(events)} to {shown(args.append)}"
        else:
            done = f"; {shown(args.append)} unchanged"
    elif args.output is not None:
        if not events:
            print(report.summary() + "; nothing written")
            raise Fail(f"{PROG}: error: no row imported: nothing to write", EXIT_PROBLEMS)
        title = cells.text(args.title or default_title)
        text = render_timeline(title, description, events)
        check_rendered(text, str(args.output), events)
        try:
            write_atomically(args.output, text.encode("utf-8"), exclusive=True)
        except WriteError as exc:
            print(report.summary() + "; nothing written")
            if exc.kind == "exists":
                reason = "was created meanwhile; not overwritten"
            else:
                reason = f"cannot be written: {exc.reason}"
            raise Fail(f"{PROG}: error: -o {shown(args.output)} {reason}", EXIT_USAGE) from None
        done = f"; wrote {len(events)} to {shown(args.output)}"
    print(report.summary() + done)
    return EXIT_PROBLEMS if report.skipped else EXIT_OK
