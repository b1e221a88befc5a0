"""Partial dates: the accepted forms, the rejected ones, the extremes and the documented order."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tui.core.timeline.dates import (
    PartialDate,
    Precision,
    describe_duration,
    months_between,
)


def overlaps(value: PartialDate, first: date, last: date) -> bool:
    """Some day of ``value``'s period lies in ``first``..``last`` (a point's span)."""
    return value.start <= last and value.end >= first


@pytest.mark.parametrize(
    ("value", "iso", "human", "precision"),
    [
        (date(2018, 4, 16), "2018-04-16", "16 April 2018", Precision.DAY),
        ("2018-04-16", "2018-04-16", "16 April 2018", Precision.DAY),
        ("2018-04", "2018-04", "April 2018", Precision.MONTH),
        ("2018", "2018", "2018", Precision.YEAR),
        ("0001", "0001", "1", Precision.YEAR),
        ("9999-12", "9999-12", "December 9999", Precision.MONTH),
    ],
)
def test_accepted_forms_keep_their_precision(
    value: object, iso: str, human: str, precision: Precision
) -> None:
    parsed = PartialDate.parse(value)
    assert parsed.iso() == iso
    assert str(parsed) == iso
    assert parsed.human() == human
    assert parsed.precision is precision


def test_a_partial_date_is_a_period() -> None:
    assert PartialDate.parse("2018-04").start == date(2018, 4, 1)
    assert PartialDate.parse("2018-04").end == date(2018, 4, 30)
    assert PartialDate.parse("2020-02").end == date(2020, 2, 29)  # leap year
    assert PartialDate.parse("2018").start == date(2018, 1, 1)
    assert PartialDate.parse("2018").end == date(2018, 12, 31)
    day = PartialDate.parse("2018-04-16")
    assert day.start == day.end == date(2018, 4, 16)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("April 2018", "'April 2018' is not a date"),
        ("16/04/2018", "'16/04/2018' is not a date"),
        ("2018-4", "'2018-4' is not a date"),
        ("2018-04-16T10:00:00", "'2018-04-16T10:00:00' is not a date"),
        ("", "'' is not a date"),
        ("２０１８", "is not a date"),  # fullwidth digits: ASCII only
        ("٢٠١٨", "is not a date"),  # Arabic-Indic digits
    ],
)
def test_strings_in_other_forms_are_rejected_with_the_accepted_forms(
    value: str, expected: str
) -> None:
    with pytest.raises(ValueError) as caught:
        PartialDate.parse(value)
    message = str(caught.value)
    assert expected in message
    assert '"2018-04"' in message and '"2018"' in message and "2018-04-16" in message


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("0000", "years run from 0001 to 9999"),
        ("2018-13", "there is no month 13"),
        ("2018-00", "there is no month 00"),
        ("2018-02-29", "February 2018 has 28 days"),
        ("2018-04-31", "April 2018 has 30 days"),
        ("2018-04-00", "April 2018 has 30 days"),
    ],
)
def test_impossible_dates_say_what_is_wrong(value: str, reason: str) -> None:
    with pytest.raises(ValueError, match="is not a real date") as caught:
        PartialDate.parse(value)
    assert reason in str(caught.value)


def test_leap_day_is_real() -> None:
    assert PartialDate.parse("2020-02-29").end == date(2020, 2, 29)


@pytest.mark.parametrize(
    "value",
    [
        datetime(2018, 4, 16, 10, 0),
        datetime(2018, 4, 16, 10, 0, tzinfo=timezone(timedelta(hours=3))),
    ],
)
def test_datetimes_are_rejected_with_the_date_to_write(value: datetime) -> None:
    with pytest.raises(ValueError, match=r"is a date-time; write only the date, e\.g\. 2018-04-16"):
        PartialDate.parse(value)


def test_a_time_is_rejected() -> None:
    with pytest.raises(ValueError, match="is a time, not a date"):
        PartialDate.parse(time(10, 0))


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (2018, 'a year alone needs quotes: "2018"'),
        (20180416, "must be a date, not a number"),
        (1.5, "must be a date, not a number"),
        (True, "true is not a date"),
        ([2018], "must be a date, not a list"),
        ({"y": 1}, "must be a date, not a table"),
    ],
)
def test_other_values_are_rejected(value: object, expected: str) -> None:
    with pytest.raises(ValueError) as caught:
        PartialDate.parse(value)
    assert expected in str(caught.value)


def test_user_text_in_messages_is_sanitised() -> None:
    with pytest.raises(ValueError) as caught:
        PartialDate.parse("\x1b]52;c;aGk=\x07")
    assert "\x1b" not in str(caught.value) and "\\x1b" in str(caught.value)


def test_the_extremes_never_overflow() -> None:
    first, last = PartialDate.parse("0001-01-01"), PartialDate.parse("9999-12-31")
    assert first.end == date(1, 1, 1) and last.start == date(9999, 12, 31)
    assert PartialDate.parse("9999").end == date.max
    assert PartialDate.parse("9999-12").end == date.max
    assert PartialDate.parse("0001").start == date.min
    assert first < last and last > first
    assert last.start <= date.max and last.end >= date.min
    assert first.start <= date.max and first.end >= date.min
    assert overlaps(PartialDate.parse("9999"), date.max, date.max)
    assert not overlaps(first, date(1, 1, 2), date.max)
    assert describe_duration(date.min, date.max) == "9998 years 11 months"
    assert months_between(date.min, date.max) == 9998 * 12 + 11
    assert last.sort_key > first.sort_key
    assert first.toml_value() == date.min and PartialDate.parse("9999").toml_value() == "9999"


def test_overlaps_uses_whole_periods() -> None:
    year = PartialDate.parse("2020")
    assert overlaps(year, date(2020, 3, 1), date(2020, 3, 31))
    assert not overlaps(year, date(2021, 1, 1), date(2021, 12, 31))
    assert overlaps(PartialDate.parse("2020-03"), date(2020, 3, 31), date(2020, 4, 30))
    assert not overlaps(PartialDate.parse("2020-03"), date(2020, 4, 1), date(2020, 4, 30))


def test_order_less_precise_first_on_the_same_first_day() -> None:
    dates = [PartialDate.parse(v) for v in ("2018-01-01", "2018-01", "2017-12-31", "2018")]
    assert [d.iso() for d in sorted(dates)] == ["2017-12-31", "2018", "2018-01", "2018-01-01"]
    year, month, day = (PartialDate.parse(v) for v in ("2018", "2018-01", "2018-01-01"))
    assert year < month < day
    assert year <= year and day >= month and not (month > day)
    assert year != month and PartialDate.parse("2018") == year
    assert hash(PartialDate.parse("2018-01")) == hash(month)


def test_comparing_with_other_types_is_a_type_error_not_a_wrong_answer() -> None:
    with pytest.raises(TypeError):
        _ = PartialDate.parse("2018") < date(2018, 1, 1)  # type: ignore[operator]
    assert PartialDate.parse("2018") != "2018"


def test_describe_duration() -> None:
    assert describe_duration(date(2018, 4, 16), date(2020, 6, 18)) == "2 years 2 months"
    assert describe_duration(date(2018, 4, 16), date(2018, 4, 28)) == "12 days"
    assert describe_duration(date(2018, 4, 16), date(2018, 4, 17)) == "1 day"
    assert describe_duration(date(2018, 1, 31), date(2018, 3, 1)) == "1 month"
    assert describe_duration(date(2018, 1, 1), date(2019, 1, 1)) == "1 year"
    assert months_between(date(2020, 1, 1), date(2019, 1, 1)) == 0


days = st.dates(min_value=date.min, max_value=date.max)
partials = st.one_of(
    days.map(PartialDate.from_date),
    days.map(lambda d: PartialDate(d.year, d.month)),
    days.map(lambda d: PartialDate(d.year)),
)


@given(partials)
def test_iso_round_trips_and_periods_are_ordered(value: PartialDate) -> None:
    assert PartialDate.parse(value.iso()) == value
    assert PartialDate.parse(value.toml_value()) == value
    assert value.start <= value.end
    assert overlaps(value, value.start, value.start) and overlaps(value, value.end, value.end)
    assert value.sort_key == (value.start.toordinal(), int(value.precision))


@given(partials, partials)
def test_order_is_total_and_agrees_with_equality(a: PartialDate, b: PartialDate) -> None:
    assert (a < b) + (a == b) + (a > b) == 1
    assert (a <= b) == (a < b or a == b)
    assert (a == b) == (a.sort_key == b.sort_key)
    if a.start < b.start:
        assert a < b
