"""The one-line summary that `policy-tui validate` prints for a valid file."""

from __future__ import annotations

from tui.core.files.load import load_text
from tui.core.text.summary import LIST_ALL_COUNTRIES, one_line_summary
from tui.core.timeline.event import Timeline

CODES = ("AU", "BR", "CN", "DE", "EU", "FR", "GB", "IN", "IR", "JP", "KZ", "RU", "TR", "US")


def timeline_of(codes: tuple[str, ...]) -> Timeline:
    tables = [
        f'[[events]]\nid = "e-{i}"\ndate = 2020-01-{i + 1:02d}\ntitle = "Event {i}"\n'
        f'country = "{code}"\naction = "law"\nsummary = "S."\n'
        f'sources = [{{ publisher = "P", url = "https://example.org/{i}" }}]\n'
        for i, code in enumerate(codes)
    ]
    return load_text("\n".join(tables), "t.toml")


def test_nine_countries_are_all_listed() -> None:
    # The reported case: nine countries shown as eight and an ellipsis hiding the ninth.
    line = one_line_summary(timeline_of(("AU", "BR", "CN", "EU", "GB", "IN", "IR", "RU", "US")))
    assert line.endswith("9 countries (AU, BR, CN, EU, GB, IN, IR, RU, US)")
    assert "…" not in line


def test_every_country_is_listed_up_to_twelve() -> None:
    assert LIST_ALL_COUNTRIES == 12
    for n in range(1, LIST_ALL_COUNTRIES + 1):
        codes = CODES[:n]
        line = one_line_summary(timeline_of(codes))
        places = "country" if n == 1 else "countries"
        assert line.endswith(f"{n} {places} ({', '.join(sorted(codes))})"), line


def test_longer_lists_say_how_many_are_left_out() -> None:
    line = one_line_summary(timeline_of(CODES[:13]))
    assert line.endswith("13 countries (AU, BR, CN, DE, EU, FR, GB, IN, IR, JP, … 3 more)")
    line = one_line_summary(timeline_of(CODES))
    assert line.endswith("14 countries (AU, BR, CN, DE, EU, FR, GB, IN, IR, JP, … 4 more)")


def test_the_rest_of_the_line() -> None:
    assert one_line_summary(timeline_of(("RU", "BR"))) == (
        "t.toml: 2 events, 2020-01-01 to 2020-01-02, 2 countries (BR, RU)"
    )
    assert one_line_summary(Timeline()) == "<timeline>: no events"
