"""Data-quality checks for the curated timeline that ships with policy-tui.

These tests read ``timeline.toml`` with ``tomllib`` directly, so they do not
depend on the package's internals; the last test also runs the real loader
(``tui.core.files.load.load_timeline``) over the file. No network access.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
import tomllib
from pathlib import Path

import pytest

TIMELINE = Path(__file__).resolve().parent.parent / "timeline.toml"

ID_RE = re.compile(r"^(?P<cc>[a-z]{2})-(?P<year>\d{4})-[a-z0-9]+(-[a-z0-9]+)*$")


@pytest.fixture(scope="module")
def events() -> list[dict]:
    with TIMELINE.open("rb") as fh:
        data = tomllib.load(fh)
    return data["events"]


def _label(event: dict, index: int) -> str:
    return str(event.get("id") or f"#{index + 1}")


def _year_of(value: object) -> int:
    """Year of an event date: a TOML date, or a "YYYY[-MM[-DD]]" string."""
    if isinstance(value, dt.date):
        return value.year
    return int(str(value)[:4])


def _by_id(events: list[dict]) -> dict[str, dict]:
    return {e["id"]: e for e in events}


def _period(value: object) -> tuple[dt.date, dt.date]:
    """First and last day of a date: a TOML date, or a "YYYY", "YYYY-MM" or "YYYY-MM-DD" string."""
    if isinstance(value, dt.date):
        return value, value
    text = str(value)
    parts = [int(x) for x in text.split("-")]
    if len(parts) == 3:
        day = dt.date(*parts)
        return day, day
    if len(parts) == 2:
        year, month = parts
        return dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])
    return dt.date(parts[0], 1, 1), dt.date(parts[0], 12, 31)


def _platforms(event: dict) -> set[str]:
    return {p.casefold() for p in event.get("platforms", [])}


# Measures that cut a platform off or slow it down, and that a `lift` event can end.
CURBS = {"block", "throttle", "restrict"}


def _lifts_about(measure: dict, events: list[dict]) -> list[dict]:
    """The `lift` events about `measure`.

    A lift is about a block, throttle or restriction when it is in the same country,
    names at least one of its platforms (compared case-insensitively) and falls within
    the measure's span: it starts no earlier than the first day of the measure's `date`
    and, when the measure has an `end_date`, no later than the last day of that end.
    A lift after a measure that had already ended is about some later measure, not
    this one.
    """
    start = _period(measure["date"])[0]
    end = _period(measure["end_date"])[1] if "end_date" in measure else None
    found = []
    for e in events:
        if e is measure or e["action"] != "lift" or e["country"] != measure["country"]:
            continue
        if not _platforms(e) & _platforms(measure):
            continue
        lift_start = _period(e["date"])[0]
        if lift_start < start or (end is not None and lift_start > end):
            continue
        found.append(e)
    return found


def _superseding_blocks(measure: dict, events: list[dict]) -> dict[str, list[dict]] | None:
    """The later blocks that superseded a throttle or restriction, by platform.

    The rule in docs/contributing-data.md: a throttle or a feature restriction
    without an `end_date` is superseded when, for every one of its platforms, the
    same country later (a later first day) blocked that platform outright. Returns
    None when the measure is not superseded.
    """
    if measure["action"] not in {"throttle", "restrict"} or "end_date" in measure:
        return None
    start = _period(measure["date"])[0]
    by_platform: dict[str, list[dict]] = {}
    for platform in _platforms(measure):
        by_platform[platform] = [
            e
            for e in events
            if e["action"] == "block"
            and e["country"] == measure["country"]
            and platform in _platforms(e)
            and _period(e["date"])[0] > start
        ]
    if not by_platform or not all(by_platform.values()):
        return None
    return by_platform


def test_at_least_100_events(events):
    assert len(events) >= 100, f"only {len(events)} events; the curated timeline needs at least 100"


def test_at_least_20_countries(events):
    countries = {e["country"] for e in events}
    assert len(countries) >= 20, f"only {len(countries)} countries or blocs: {sorted(countries)}"


def test_every_source_is_https_with_publisher(events):
    problems = []
    for i, e in enumerate(events):
        sources = e.get("sources") or []
        if not sources:
            problems.append(f"{_label(e, i)}: no sources")
        for n, s in enumerate(sources, 1):
            if not str(s.get("url", "")).startswith("https://"):
                problems.append(f"{_label(e, i)}: source {n} url is not https: {s.get('url')!r}")
            if not str(s.get("publisher", "")).strip():
                problems.append(f"{_label(e, i)}: source {n} has no publisher")
    assert not problems, "\n".join(problems)


def test_ids_follow_the_convention(events):
    problems = []
    for i, e in enumerate(events):
        eid = e.get("id", "")
        m = ID_RE.match(eid)
        if not m:
            problems.append(f"{_label(e, i)}: id does not match <cc>-<year>-<slug>")
            continue
        if m["cc"] != e["country"].lower():
            problems.append(f"{eid}: id country {m['cc']!r} != country {e['country']!r}")
        if int(m["year"]) != _year_of(e["date"]):
            problems.append(f"{eid}: id year {m['year']} != year of date {e['date']}")
    assert not problems, "\n".join(problems)


def test_ids_unique(events):
    seen: dict[str, int] = {}
    dupes = []
    for i, e in enumerate(events):
        if e["id"] in seen:
            dupes.append(f"{e['id']}: used by events #{seen[e['id']] + 1} and #{i + 1}")
        seen.setdefault(e["id"], i)
    assert not dupes, "\n".join(dupes)


def test_related_ids_resolve_and_are_not_self(events):
    ids = {e["id"] for e in events}
    problems = []
    for e in events:
        for r in e.get("related", []):
            if r == e["id"]:
                problems.append(f"{e['id']}: related lists the event itself")
            elif r not in ids:
                problems.append(f"{e['id']}: related id {r!r} does not exist")
    assert not problems, "\n".join(problems)


def test_titles_unique_case_insensitive(events):
    seen: dict[str, str] = {}
    dupes = []
    for e in events:
        key = e["title"].strip().casefold()
        if key in seen:
            dupes.append(f"{e['id']}: title {e['title']!r} already used by {seen[key]}")
        seen.setdefault(key, e["id"])
    assert not dupes, "\n".join(dupes)


def test_unconfirmed_tag_iff_single_source(events):
    problems = []
    for e in events:
        n = len(e.get("sources") or [])
        tagged = "unconfirmed" in (e.get("tags") or [])
        if n == 1 and not tagged:
            problems.append(f"{e['id']}: rests on one source but lacks the 'unconfirmed' tag")
        if n != 1 and tagged:
            problems.append(f"{e['id']}: tagged 'unconfirmed' but has {n} sources")
    assert not problems, "\n".join(problems)


def test_curbs_link_to_their_lifts_both_ways(events):
    problems = []
    for m in events:
        if m["action"] not in CURBS:
            continue
        for lift in _lifts_about(m, events):
            shared = ", ".join(sorted(_platforms(m) & _platforms(lift)))
            if lift["id"] not in m.get("related", []):
                problems.append(
                    f"{m['id']}: lift event {lift['id']} ({lift['date']}, {shared}) falls within "
                    f"this {m['action']} but is not in its related list"
                )
            if m["id"] not in lift.get("related", []):
                problems.append(
                    f"{lift['id']}: lifts {m['action']} {m['id']} ({shared}) but does not "
                    f"list it in related"
                )
    assert not problems, "\n".join(problems)


def test_superseded_measures_are_unknown_and_link_to_the_block(events):
    problems = []
    for m in events:
        superseding = _superseding_blocks(m, events)
        if superseding is None:
            continue
        later = sorted({b["id"] for blocks in superseding.values() for b in blocks})
        if m.get("status") != "unknown":
            problems.append(
                f"{m['id']}: superseded by the later block(s) {', '.join(later)}, so its "
                f"status must be 'unknown', not {m.get('status', 'left out')!r}"
            )
        related = set(m.get("related", []))
        for platform, blocks in sorted(superseding.items()):
            if not related & {b["id"] for b in blocks}:
                problems.append(
                    f"{m['id']}: its {platform} part was superseded by "
                    f"{', '.join(b['id'] for b in blocks)}; list one of them in related"
                )
    assert not problems, "\n".join(problems)


# The three core stories, with the dates that must never drift.
CORE = [
    # (description, action, country, platform, date, end_date or None)
    ("Telegram court ruling", "ruling", "RU", "telegram", dt.date(2018, 4, 13), None),
    ("Telegram block", "block", "RU", "telegram", dt.date(2018, 4, 16), dt.date(2020, 6, 18)),
    ("Telegram block lifted", "lift", "RU", "telegram", dt.date(2020, 6, 18), None),
    ("Facebook block", "block", "RU", "facebook", dt.date(2022, 3, 4), None),
    ("Instagram block", "block", "RU", "instagram", dt.date(2022, 3, 14), None),
    ("Meta 'extremist' designation", "designation", "RU", "meta", dt.date(2022, 3, 21), None),
    (
        "WhatsApp/Telegram call restriction",
        "restrict",
        "RU",
        "whatsapp",
        dt.date(2025, 8, 13),
        None,
    ),
]


@pytest.mark.parametrize(
    "what,action,country,platform,date,end_date", CORE, ids=[c[0] for c in CORE]
)
def test_core_story_present_with_exact_dates(
    events, what, action, country, platform, date, end_date
):
    candidates = [
        e
        for e in events
        if e["action"] == action
        and e["country"] == country
        and platform in {p.casefold() for p in e.get("platforms", [])}
    ]
    assert candidates, f"core event missing: {what} ({country}, {action}, {platform})"
    exact = [e for e in candidates if e["date"] == date]
    assert exact, f"core event {what}: expected date {date}, found " + ", ".join(
        f"{e['id']}={e['date']}" for e in candidates
    )
    if end_date is not None:
        for e in exact:
            assert e.get("end_date") == end_date, (
                f"{e['id']}: expected end_date {end_date}, found {e.get('end_date')}"
            )


def test_call_restriction_covers_both_messengers(events):
    calls = [
        e
        for e in events
        if e["action"] == "restrict" and e["date"] == dt.date(2025, 8, 13) and e["country"] == "RU"
    ]
    assert calls, "core event missing: 2025-08-13 call restriction"
    for e in calls:
        platforms = {p.casefold() for p in e.get("platforms", [])}
        assert {"whatsapp", "telegram"} <= platforms, f"{e['id']}: platforms {e.get('platforms')}"


def test_real_loader_accepts_the_file():
    """The app's own loader must accept the shipped file without a single problem.

    Imported inside the test so that the plain-TOML checks above run even while
    the core package is being written.
    """
    from tui.core.files.load import load_timeline
    from tui.core.timeline.errors import TimelineError

    try:
        timeline = load_timeline(TIMELINE)
    except TimelineError as exc:  # pragma: no cover - failure path
        pytest.fail(
            "loader rejected timeline.toml:\n" + "\n".join(p.format() for p in exc.problems)
        )
    assert len(timeline.events) >= 40
