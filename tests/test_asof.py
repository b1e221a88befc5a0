"""The "as of" board: what was in force on a day, by country and platform."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from builders import ev
from hypothesis import given, settings
from hypothesis import strategies as st

from tui.core.time.asof import Board, Country, Entry, board, move
from tui.core.time.span import span

TODAY = date(2026, 5, 1)


# The real Russian events the issue asks about (ids and dates as in timeline.toml).
RUSSIA = [
    ev("ru-2016-linkedin-block", date(2016, 11, 17), platforms=("LinkedIn",)),
    ev("ru-2018-telegram-block", date(2018, 4, 16), end=date(2020, 6, 18)),
    ev("ru-2022-facebook-block", date(2022, 3, 4), platforms=("Facebook",)),
    ev("ru-2022-twitter-block", date(2022, 3, 4), platforms=("Twitter",)),
    ev("ru-2022-instagram-block", date(2022, 3, 14), platforms=("Instagram",)),
]


def event_ids(b: Board, country: str, platform: str) -> list[str]:
    return [entry.event_id for entry in b.cell(country, platform)]


def grid(b: Board) -> dict[tuple[str, str], list[str]]:
    return {
        (c.code, p.label): event_ids(b, c.code, p.key)
        for c in b.countries
        for p in b.platforms
        if b.cell(c.code, p.key)
    }


class TestRussia2022:
    def test_1_march_2022_only_linkedin_is_blocked(self) -> None:
        b = board(RUSSIA, date(2022, 3, 1), TODAY)
        assert b.countries == (Country("RU", "Russian Federation"),)
        assert [p.label for p in b.platforms] == ["LinkedIn"]
        assert grid(b) == {("RU", "LinkedIn"): ["ru-2016-linkedin-block"]}
        assert b.cell("RU", "linkedin") == (
            Entry("ru-2016-linkedin-block", "block", approximate=False, uncertain=False),
        )

    def test_1_april_2022_meta_and_twitter_are_blocked_too(self) -> None:
        b = board(RUSSIA, date(2022, 4, 1), TODAY)
        assert [p.label for p in b.platforms] == ["Facebook", "Instagram", "LinkedIn", "Twitter"]
        assert grid(b) == {
            ("RU", "Facebook"): ["ru-2022-facebook-block"],
            ("RU", "Instagram"): ["ru-2022-instagram-block"],
            ("RU", "LinkedIn"): ["ru-2016-linkedin-block"],
            ("RU", "Twitter"): ["ru-2022-twitter-block"],
        }
        assert all(e.label == "block" for cell in b.cells.values() for e in cell)

    def test_in_force_lists(self) -> None:
        ids = [e.id for e in RUSSIA if span(e).in_force(date(2022, 3, 10))]
        assert ids == ["ru-2016-linkedin-block", "ru-2022-facebook-block", "ru-2022-twitter-block"]

    def test_the_telegram_block_counts_both_end_days(self) -> None:
        telegram = RUSSIA[1]
        assert not span(telegram).in_force(date(2018, 4, 15))
        assert span(telegram).in_force(date(2018, 4, 16))
        assert span(telegram).in_force(date(2020, 6, 18))
        assert not span(telegram).in_force(date(2020, 6, 19))
        assert grid(board(RUSSIA, date(2019, 1, 1), TODAY)) == {
            ("RU", "LinkedIn"): ["ru-2016-linkedin-block"],
            ("RU", "Telegram"): ["ru-2018-telegram-block"],
        }

    def test_the_shipped_timeline_agrees(self, shipped: Any) -> None:
        from tui.core.files.load import load_timeline

        events = load_timeline(shipped).events
        before = board(events, date(2022, 3, 1), TODAY)
        after = board(events, date(2022, 4, 1), TODAY)
        blocked = {
            day: {
                p.label for p in b.platforms if any(e.label == "block" for e in b.cell("RU", p.key))
            }
            for day, b in (("before", before), ("after", after))
        }
        assert {"LinkedIn"} <= blocked["before"]
        assert not {"Facebook", "Instagram", "Twitter", "Telegram"} & blocked["before"]
        assert {"Facebook", "Instagram", "Twitter", "LinkedIn"} <= blocked["after"]
        assert "Telegram" not in blocked["after"]


class TestRules:
    def test_one_off_events_are_never_in_force(self) -> None:
        ruling = ev("r", "2020-01-01", "ruling")
        assert not span(ruling).in_force(date(2020, 1, 1))
        # ... unless they have an end date: then they held for that period.
        assert span(ev("p", "2020-01-01", "proposal", end="2020-02")).in_force(date(2020, 2, 10))
        # ... or an explicit ongoing status: a pending lawsuit runs on (docs/format.md, "Span").
        lawsuit = ev("l", "2020-01-01", "lawsuit", status="ongoing")
        assert span(lawsuit).in_force(date(2021, 1, 1)) and not span(lawsuit).in_force(
            date(2019, 1, 1)
        )

    def test_a_lasting_measure_ended_on_an_unknown_day_is_never_claimed(self) -> None:
        ended = ev("x", "2020-01-01", status="ended")
        assert not span(ended).in_force(date(2020, 1, 1))

    def test_ongoing_and_unknown_measures_hold_after_their_start(self) -> None:
        ongoing = ev("o", "2020-01-01")
        unknown = ev("u", "2020-01-01", "throttle", status="unknown")
        for event in (ongoing, unknown):
            assert not span(event).in_force(date(2019, 12, 31))
            assert span(event).in_force(date(2020, 1, 1))
            assert span(event).in_force(date(9999, 12, 31))
        b = board([ongoing, unknown], date(2021, 1, 1), TODAY)
        assert [(e.event_id, e.uncertain) for e in b.cell("RU", "Telegram")] == [
            ("o", False),
            ("u", True),
        ]
        future = board([ongoing], date(2030, 1, 1), TODAY)
        assert future.cell("RU", "telegram")[0].uncertain

    def test_partial_start_counts_from_the_first_day_and_is_approximate(self) -> None:
        month = ev("m", "2018-04")
        assert not span(month).in_force(date(2018, 3, 31))
        april = board([month], date(2018, 4, 1), TODAY).cell("RU", "Telegram")
        assert [(e.event_id, e.approximate) for e in april] == [("m", True)]
        may = board([month], date(2018, 5, 1), TODAY).cell("RU", "Telegram")
        assert [(e.event_id, e.approximate) for e in may] == [("m", False)]
        year = ev("y", "2018")
        assert board([year], date(2018, 12, 31), TODAY).cell("RU", "Telegram")[0].approximate
        assert not board([year], date(2019, 1, 1), TODAY).cell("RU", "Telegram")[0].approximate

    def test_partial_end_counts_to_the_last_day_and_is_approximate(self) -> None:
        event = ev("e", "2018-04-16", end="2020-06")
        assert span(event).in_force(date(2020, 6, 30))
        assert not span(event).in_force(date(2020, 7, 1))
        assert board([event], date(2020, 6, 1), TODAY).cell("RU", "Telegram")[0].approximate
        assert not board([event], date(2020, 5, 31), TODAY).cell("RU", "Telegram")[0].approximate

    def test_platforms_merge_case_and_keep_the_first_spelling(self) -> None:
        events = [
            ev("a", "2020-01-01", "ruling", platforms=("WhatsApp",)),  # not in force: still names
            ev("b", "2020-01-01", platforms=("whatsapp", "Telegram")),
            ev("c", "2020-01-01", "law", platforms=()),
            ev("d", "2020-01-01", country="BR", platforms=("WHATSAPP",)),
        ]
        b = board(events, date(2021, 1, 1), TODAY)
        assert [c.code for c in b.countries] == ["BR", "RU"]
        assert [p.label for p in b.platforms] == ["Telegram", "WhatsApp", "(none)"]
        assert event_ids(b, "RU", "WHATSAPP") == ["b"]
        assert event_ids(b, "RU", "Telegram") == ["b"]
        assert event_ids(b, "RU", "") == ["c"]
        assert event_ids(b, "BR", "WhatsApp") == ["d"]
        assert event_ids(b, "BR", "Telegram") == []

    def test_an_empty_board(self) -> None:
        b = board(RUSSIA, date(2000, 1, 1), TODAY)
        assert b.empty and b.countries == () and b.platforms == ()
        assert board([], date.max, TODAY).empty


class TestMove:
    def test_days(self) -> None:
        assert move(date(2022, 3, 1), "day", -1) == date(2022, 2, 28)
        assert move(date(2024, 2, 28), "day", 1) == date(2024, 2, 29)

    def test_month_ends(self) -> None:
        assert move(date(2023, 1, 31), "month", 1) == date(2023, 2, 28)
        assert move(date(2024, 1, 31), "month", 1) == date(2024, 2, 29)
        assert move(date(2024, 3, 31), "month", -1) == date(2024, 2, 29)
        assert move(date(2022, 3, 1), "month", 1) == date(2022, 4, 1)
        assert move(date(2022, 12, 15), "month", 1) == date(2023, 1, 15)
        assert move(date(2022, 1, 15), "month", -13) == date(2020, 12, 15)

    def test_years(self) -> None:
        assert move(date(2024, 2, 29), "year", 1) == date(2025, 2, 28)
        assert move(date(2024, 2, 29), "year", 4) == date(2028, 2, 29)
        assert Board.move(date(2022, 3, 1), "year", -1) == date(2021, 3, 1)

    def test_clamps_at_the_calendar_ends(self) -> None:
        assert move(date.max, "day", 1) == date.max
        assert move(date.min, "day", -1) == date.min
        assert move(date(9999, 12, 15), "month", 1) == date.max
        assert move(date(1, 1, 15), "month", -1) == date.min
        assert move(date(9999, 3, 1), "year", 1) == date.max
        assert move(date(1, 6, 1), "year", -1) == date.min
        assert move(date(5000, 1, 1), "year", 10**9) == date.max

    def test_unknown_unit(self) -> None:
        with pytest.raises(ValueError):
            move(date(2020, 1, 1), "week", 1)  # type: ignore[arg-type]


@settings(max_examples=150, deadline=None)
@given(st.dates(), st.sampled_from(["day", "month", "year"]), st.integers(-(10**7), 10**7))
def test_move_never_raises_and_goes_the_right_way(day: date, unit: Any, n: int) -> None:
    moved = move(day, unit, n)
    assert date.min <= moved <= date.max
    if n > 0:
        assert moved >= day
    elif n < 0:
        assert moved <= day
    else:
        assert moved == day


@settings(max_examples=100, deadline=None)
@given(st.dates(), st.dates(), st.sampled_from(["ongoing", "unknown", "ended", None]))
def test_board_never_raises(start: date, day: date, status: str | None) -> None:
    event = ev("a", start, status=status)
    b = board([event], day, TODAY)
    assert (not b.empty) == (start <= day and status != "ended")
