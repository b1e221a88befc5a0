"""How events read: date lines and durations never claim more precision than the file has."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from tui.core.text.present import dates_line, display_path, duration_line, reflow, row
from tui.core.timeline.event import Event
from tui.core.timeline.model import validate_event

TODAY = date(2026, 6, 1)


def event(**fields: object) -> Event:
    base: dict[str, object] = {
        "id": "ru-2018-x",
        "date": date(2018, 4, 16),
        "title": "T",
        "country": "RU",
        "action": "block",
        "summary": "S",
        "sources": [{"publisher": "P", "url": "https://example.org"}],
    }
    return validate_event({**base, **fields})


def test_a_day_precise_span_has_an_exact_length() -> None:
    e = event(end_date=date(2020, 6, 18))
    assert dates_line(e) == "16 April 2018 – 18 June 2020"
    assert duration_line(e, TODAY) == "blocked 2 years 2 months"


def test_a_partial_end_gives_a_bound_not_a_made_up_length() -> None:
    e = event(date=date(2016, 5, 2), end_date="2016-05")
    assert dates_line(e) == "2 May 2016 – May 2016"
    assert duration_line(e, TODAY) == "blocked at most 29 days"


def test_partial_dates_on_both_ends_give_a_range() -> None:
    e = event(date="2018", end_date="2020")
    assert duration_line(e, TODAY) == "blocked between 1 year and 2 years 11 months"


def test_an_ongoing_measure_runs_to_today() -> None:
    e = event()
    assert dates_line(e) == "16 April 2018 – today"
    assert duration_line(e, TODAY) == "ongoing — 8 years 1 month so far"


def test_a_same_day_span_says_so_and_has_no_length() -> None:
    e = event(end_date=date(2018, 4, 16))
    assert dates_line(e) == "16 April 2018 (ended the same day)"
    assert duration_line(e, TODAY) is None


def test_one_off_events_have_no_duration() -> None:
    assert duration_line(event(action="ruling"), TODAY) is None


def test_rows_mark_ongoing_with_a_glyph_and_a_word() -> None:
    assert row(event()).status == "▶ ongoing"
    assert row(event(end_date=date(2020, 6, 18))).status == ""


def test_reflow_joins_hard_wrapped_lines_and_keeps_paragraphs() -> None:
    assert reflow("one\ntwo\n\nthree\n- a\n- b") == "one two\n\nthree\n- a\n- b"


def test_display_path_is_relative_inside_the_current_folder(tmp_path: Path) -> None:
    assert display_path(str(tmp_path / "a" / "t.toml"), cwd=tmp_path) == "a/t.toml"
    assert display_path("/elsewhere/t.toml", cwd=tmp_path) == "/elsewhere/t.toml"
