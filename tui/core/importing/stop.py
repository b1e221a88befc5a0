"""Access Now's STOP sheet (#KeepItOn shutdowns and platform blocks) -> events.

Both header generations are read: the 2020-era sheet (``ID``, ``shutdown_type_new``,
``full or service-based``, ``news_link``…) and the current one (``shutdown_type``,
``shutdown_extent``, ``info_source_link``…). Headers are matched ignoring case, spaces and
punctuation. The mapping, rule by rule with example rows, is in ``docs/importing.md``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tui.core.importing import cells
from tui.core.importing.cells import CellError
from tui.core.importing.report import Report, RowSkip
from tui.core.importing.sheet import Sheet, extra_cells, read_sheet
from tui.core.text.present import fill
from tui.core.text.sanitize import quote
from tui.core.timeline.countries import country_name

Cell = Callable[[str], str]  # a field's name -> its cell in the current row ("" if no column)

DATASET = "Access Now STOP dataset"
DATASET_URL = "https://www.accessnow.org/campaign/keepiton/"

# field -> column keys (see sheet.column_key) in the two generations, current first.
COLUMNS: dict[str, tuple[str, ...]] = {
    "id": ("id",),
    "start_date": ("start_date",),
    "start_date_type": ("start_date_type",),
    "end_date": ("end_date",),
    "status": ("shutdown_status",),
    "country": ("country",),
    "state": ("state_india",),
    "geo_scope": ("geo_scope",),
    "area_name": ("area_name",),
    "shutdown_type": ("shutdown_type", "shutdown_type_new"),
    "affected_network": ("affected_network",),
    "extent": ("shutdown_extent", "full_or_service_based"),
    "ordered_by": ("ordered_by",),
    "decision_maker": ("decision_maker",),
    "cause": ("actual_cause",),
    "cause_details": ("actual_cause_details", "other_cause_details"),
    "justification": ("gov_justification", "official_just"),
    "justification_details": ("other_just_details",),
    "gov_ack": ("gov_ack",),
    "statement": ("off_statement",),
    "info_source": ("info_source",),
    "links": ("info_source_link", "news_link"),
    "an_link": ("an_link",),
    "other_services": ("other_affected", "other_service_details_specify", "other_service_details"),
    "telcos": ("telcos_involved",),
    "users": ("users_targeted", "users_affected_targetted", "users_affected_targeted"),
    "users_detail": ("users_target_detail",),
    "election": ("election",),
    "violence": ("violence",),
    "hr_abuse": ("hr_abuse_reported",),
    "event": ("event",),
    "notes": ("notes",),
}
# Yes/No/Unknown columns naming one service each.
SERVICES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Facebook", ("facebook_affected",)),
    ("Twitter", ("twitter_affected",)),
    ("WhatsApp", ("whatsapp_affected",)),
    ("Instagram", ("instagram_affected",)),
    ("Telegram", ("telegram_affected",)),
    ("SMS", ("sms_affected",)),
    ("Phone calls", ("phonecall_affected", "phone_call_affected")),
)
# Columns kept as "label: value" lines of the summary; the rest of the sheet's columns are
# either mapped above or derived from them (continent, region, duration).
EXTRA: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Users notified", ("users_notified",)),
    ("Legal justification", ("legal_justif",)),
    ("Legal method", ("legal_method",)),
    ("Telecom operators' response", ("telco_resp",)),
    ("Telecom operators acknowledged", ("telco_ack",)),
    ("Economic impact", ("econ_impact",)),
)
REQUIRED = ("start_date", "country", "geo_scope", "shutdown_type")

_ACTIONS = {
    "shutdown": ("block",),
    "full shutdown": ("block",),
    "blocking": ("block",),
    "block": ("block",),
    "throttle": ("throttle",),
    "throttling": ("throttle",),
    "shutdown throttle": ("block", "throttle"),
    "shutdown and throttle": ("block", "throttle"),
    "throttle shutdown": ("block", "throttle"),
    "unknown": ("other",),
}
_ONGOING = {"ongoing", "on going", "still ongoing", "continuing"}
_UNKNOWN = {"unknown", "unclear", "n/a", "na", "not known"}
# What an "other services" cell holds when it names none.
_NOT_NAMES = {"yes", "no", "y", "n", "none", "unknown", "n/a", "na", "-", "0", "1"}


def read(path: Path, encoding: str | None = None) -> Sheet:
    required = [COLUMNS[name] for name in REQUIRED]
    labels = [" or ".join(COLUMNS[name]) for name in REQUIRED]
    return read_sheet(path, required, labels, "a STOP sheet", encoding)


def import_rows(sheet: Sheet, report: Report, dataset_url: str = DATASET_URL) -> None:
    columns = {name: sheet.column(*keys) for name, keys in COLUMNS.items()}
    services = [(label, sheet.column(*keys)) for label, keys in SERVICES]
    extra = [(label, sheet.column(*keys)) for label, keys in EXTRA]
    file_name = cells.text(Path(sheet.path).name) or "the sheet"
    # How the sheet itself heads each column, for messages ("news_link", "info_source_link").
    names = {name: sheet.name(pos) for name, pos in columns.items() if pos is not None}
    report.blank_rows = sheet.blank_rows
    for note in sheet.notes:
        report.note(None, note)
    for row, record in sheet.rows:
        report.rows_read += 1

        def cell(name: str, record: list[str] = record) -> str:
            position = columns[name]
            return record[position] if position is not None else ""

        try:
            if extra_cells(sheet, record):
                raise RowSkip(
                    f"{len(record)} cells but the header has {len(sheet.header)}: a cell holds "
                    "an unquoted separator?"
                )
            data = _event(row, cell, record, services, extra, names, file_name, dataset_url, report)
        except RowSkip as exc:
            report.skip(row, str(exc))
            continue
        report.add(row, data)


def _field(name: str, call: Any, *args: Any) -> Any:
    try:
        return call(*args)
    except CellError as exc:
        raise RowSkip(f"{name}: {exc}") from None


def _event(
    row: int,
    cell: Cell,
    record: list[str],
    services: list[tuple[str, int | None]],
    extra: list[tuple[str, int | None]],
    names: dict[str, str],
    file_name: str,
    dataset_url: str,
    report: Report,
) -> dict[str, Any]:
    start = _field("start_date", cells.parse_date, cell("start_date"))
    country = _field("country", cells.country_code, cell("country"))
    place_country = country_name(country) or country

    # -- what was done ---------------------------------------------------------------------
    kind = " ".join(cells.text(cell("shutdown_type")).casefold().replace(",", " ").split())
    if kind not in _ACTIONS:
        if not kind:
            raise RowSkip("shutdown_type is empty (Shutdown, Throttle or Unknown expected)")
        raise RowSkip(
            f"shutdown_type {quote(cells.text(cell('shutdown_type')))} is not Shutdown, "
            "Throttle, 'Shutdown, Throttle' or Unknown"
        )
    actions = _ACTIONS[kind]
    affected = {label: cells.yes_no(record[pos]) for label, pos in services if pos is not None}
    yes = [label for label, answer in affected.items() if answer == "yes"]
    unclear = [label for label, answer in affected.items() if answer == "unknown"]
    others = [o for o in cells.split_list(cell("other_services")) if o.casefold() not in _NOT_NAMES]
    extent_text = cells.text(cell("extent")).casefold()
    if "full" in extent_text:
        full = True
    elif "service" in extent_text:
        full = False
    else:  # no extent given: a shutdown that names no service is a full one
        full = not (yes or others)
    network = _networks(cells.text(cell("affected_network")))
    apps = [s for s in yes if s not in ("SMS", "Phone calls")] + others
    if full:
        platforms = network
    else:
        platforms = apps + [s for s in yes if s in ("SMS", "Phone calls")]
        if not platforms:
            raise RowSkip(
                "service-based, but no *_affected column says Yes and the other-services "
                "column is empty: which service was blocked?"
            )

    # -- where and when --------------------------------------------------------------------
    scope = cells.text(cell("geo_scope"))
    area = cells.text(cell("area_name"))
    state = cells.text(cell("state"))
    national = scope.casefold().startswith("nation") or not (area or state)
    place = place_country if national else f"{area or state}, {place_country}"
    end_text = cells.text(cell("end_date"))
    data: dict[str, Any] = {}
    if end_text.casefold() in _ONGOING:
        data["status"] = "ongoing"
    elif end_text.casefold() in _UNKNOWN:
        data["status"] = "unknown"
    elif end_text:
        end = _field("end_date", cells.parse_date, end_text)
        if end.end < start.start:
            raise RowSkip(
                f"end_date {end.iso()} is before start_date {start.iso()}; correct one of them"
            )
        data["end_date"] = end.toml_value()
    else:
        status = cells.text(cell("status")).casefold()
        data["status"] = (
            "ongoing"
            if status in _ONGOING
            else ("ended" if status in ("ended", "over", "restored") else "unknown")
        )

    # -- words -----------------------------------------------------------------------------
    title = _title(actions, full, network, platforms, place)
    tags = ["stop", "full-network" if full else "service-based"]
    if scope:
        tags.append("scope-" + cells.slug(scope))
    if len(actions) > 1:
        tags.append("throttling")
    if actions == ("other",):
        tags.append("type-unknown")
    for cause in cells.split_list(cell("cause")):
        if cells.slug(cause) and cause.casefold() != "unknown":
            tags.append("cause-" + cells.slug(cause))
    for name, tag in (
        ("election", "election"),
        ("violence", "violence"),
        ("hr_abuse", "hr-abuse-reported"),
        ("gov_ack", "gov-acknowledged"),
    ):
        if cells.yes_no(cell(name)) == "yes":
            tags.append(tag)
    authority = []
    for name in ("decision_maker", "ordered_by"):
        value = cells.text(cell(name))
        if value and value.casefold() not in _UNKNOWN:
            authority.append(value)

    stop_id = cells.text(cell("id"))
    origin = f"{file_name}, row {row}" + (f", ID {stop_id}" if stop_id else "")
    summary = _summary(cell, actions, full, network, yes, unclear, others, place, scope,
                       extra, record, origin)  # fmt: skip

    # -- sources ---------------------------------------------------------------------------
    sources: list[dict[str, Any]] = []
    for name in ("links", "an_link"):
        urls, rest = cells.split_links(cell(name))
        for url in urls:
            if not any(s["url"] == url for s in sources):
                site = "Access Now" if name == "an_link" else cells.publisher(url)
                sources.append({"publisher": site, "url": url})
        if rest:
            shown = ", ".join(quote(r, 40) for r in rest[:3]) + (" …" if len(rest) > 3 else "")
            column = names.get(name, name)
            report.note(row, f"{column}: not an http(s) link, not used as a source: {shown}")
    sources.append({"publisher": DATASET, "url": dataset_url, "title": f"STOP data: {origin}"})

    data.update(
        id=_id(stop_id, country, start, actions, full, network, platforms, scope, area or state),
        date=start.toml_value(),
        title=title,
        country=country,
        authority=_unique(authority),
        platforms=_unique(platforms),
        action=actions[0],
        tags=_unique(tags),
        summary=summary,
        sources=sources,
    )
    return data


def _unique(values: list[str]) -> list[str]:
    seen: set[str] = set()
    out = []
    for value in values:
        if value.casefold() not in seen:
            seen.add(value.casefold())
            out.append(value)
    return out


def _networks(value: str) -> list[str]:
    folded = value.casefold()
    found = []
    if "mobile" in folded or "cell" in folded:
        found.append("Mobile internet")
    if "broadband" in folded or "fixed" in folded or "landline" in folded:
        found.append("Broadband internet")
    return found or ["Internet"]


def _join(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _title(
    actions: tuple[str, ...], full: bool, network: list[str], platforms: list[str], place: str
) -> str:
    if actions == ("other",):
        what = "Network disruption"
    elif full:
        networks = _join([n.removesuffix(" internet") for n in network]).capitalize()
        noun = "internet" if network != ["Internet"] else ""
        kinds: dict[tuple[str, ...], str] = {("block",): "shutdown", ("throttle",): "throttling"}
        kind = kinds.get(actions, "shutdown and throttling")
        what = " ".join(p for p in (networks, noun, kind) if p).capitalize()
    else:
        names = platforms if len(platforms) <= 4 else [*platforms[:3], "other services"]
        verbs: dict[tuple[str, ...], str] = {("block",): "blocked", ("throttle",): "throttled"}
        verb = verbs.get(actions, "blocked and throttled")
        what = f"{_join(names)} {verb}"
    title = f"{what} in {place}"
    return title if len(title) <= 120 else title[:119] + "…"


def _summary(
    cell: Cell,
    actions: tuple[str, ...],
    full: bool,
    network: list[str],
    yes: list[str],
    unclear: list[str],
    others: list[str],
    place: str,
    scope: str,
    extra: list[tuple[str, int | None]],
    record: list[str],
    origin: str,
) -> str:
    kinds: dict[tuple[str, ...], str] = {
        ("block",): "Shutdown",
        ("throttle",): "Throttling",
        ("other",): "Disruption",
    }
    kind = kinds.get(actions, "Shutdown and throttling")
    if full:
        what = f"{kind} of {_join([n.lower() for n in network])} (full network)"
    else:
        what = f"{kind} of {_join(yes + others)} (service-based)"
    if actions == ("other",):
        what += ", of a type the dataset records as unknown,"
    lead = f"{what} in {place}" + (f", {scope.lower()} scope" if scope else "") + "."
    if full and (yes or others):
        lead += f" Services recorded as affected: {_join(yes + others)}."
    if unclear:
        lead += f" Unclear whether affected: {_join(unclear)}."
    paragraphs = [lead]
    facts = []
    for label, name, detail in (
        ("Ordered by", "ordered_by", None),
        ("Decision maker", "decision_maker", None),
        ("Cause", "cause", "cause_details"),
        ("Official justification", "justification", "justification_details"),
        ("Government acknowledged", "gov_ack", None),
        ("Official statement", "statement", None),
        ("Telecom operators involved", "telcos", None),
        ("Users targeted", "users", "users_detail"),
        ("Affected network", "affected_network", None),
        ("Start date type", "start_date_type", None),
        ("Election", "election", None),
        ("Violence", "violence", None),
        ("Human rights abuse reported", "hr_abuse", None),
        ("Information source", "info_source", None),
    ):
        value = cells.text(cell(name))
        more = cells.text(cell(detail)) if detail else ""
        if more and more.casefold() != value.casefold():
            value = f"{value} ({more})" if value else more
        if value:
            facts.append(f"{label}: {value.rstrip('.')}.")
    for label, position in extra:
        value = cells.text(record[position]) if position is not None else ""
        if value:
            facts.append(f"{label}: {value.rstrip('.')}.")
    if facts:
        paragraphs.append(" ".join(facts))
    for name in ("event", "notes"):
        value = cells.block(cell(name))
        if value:
            paragraphs.extend(value.split("\n\n"))
    paragraphs.append(f"Imported from the {DATASET} ({origin}).")
    return fill(paragraphs)


def _id(
    stop_id: str,
    country: str,
    start: Any,
    actions: tuple[str, ...],
    full: bool,
    network: list[str],
    platforms: list[str],
    scope: str,
    area: str,
) -> str:
    """``stop-<ID>`` from the sheet's own ID; else ``stop-<cc>-<year>-<hash of the key cells>``.

    Never the row number: a newer copy of the sheet may insert rows above.
    """
    if stop_id and cells.slug(stop_id):
        return f"stop-{cells.slug(stop_id)}"
    key = "|".join(
        [
            country,
            start.iso(),
            ",".join(actions),
            "full" if full else "service",
            ",".join(sorted(n.casefold() for n in network)),
            ",".join(sorted(p.casefold() for p in platforms)),
            " ".join(scope.casefold().split()),
            " ".join(area.casefold().split()),
        ]
    )
    digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:8]
    return f"stop-{country.lower()}-{start.year:04d}-{digest}"
