"""Data-quality checks for the curated timeline that ships with policy-tui.

These tests read ``timeline.toml`` with ``tomllib`` directly, so they do not
depend on the package's internals; the last test also runs the real loader
(``tui.core.load.load_timeline``) over the file. No network access.
"""

from __future__ import annotations

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


def test_at_least_40_events(events):
    assert len(events) >= 40, f"only {len(events)} events; the curated timeline needs at least 40"


def test_at_least_6_countries(events):
    countries = {e["country"] for e in events}
    assert len(countries) >= 6, f"only {len(countries)} countries or blocs: {sorted(countries)}"


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
    from tui.core.errors import TimelineError
    from tui.core.load import load_timeline

    try:
        timeline = load_timeline(TIMELINE)
    except TimelineError as exc:  # pragma: no cover - failure path
        pytest.fail(
            "loader rejected timeline.toml:\n" + "\n".join(p.format() for p in exc.problems)
        )
    assert len(timeline.events) >= 40
