"""The add-event form's model (``tui.core.timeline.draft``), without a screen or Textual."""

from __future__ import annotations

from pathlib import Path

from tui.core.files.load import load_timeline
from tui.core.time.span import derived_status
from tui.core.timeline.draft import (
    DERIVED,
    FormValues,
    candidate,
    check,
    country_code,
    error_key,
    join_list,
    list_problem,
    notes,
    split_list,
    suggested_id,
    values_from_event,
    without_controls,
)

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "app" / "timeline.toml"


def test_lists_are_comma_separated_and_quotes_keep_commas() -> None:
    assert split_list(" Roskomnadzor, FSB ,, ") == ["Roskomnadzor", "FSB"]
    assert split_list("") == []
    items = ["Ministry of Justice, Russia", 'A "quoted" body', "FSB"]
    assert split_list(join_list(items)) == items
    assert join_list(["a", "b"]) == "a, b"


def test_terminal_controls_are_dropped_from_input() -> None:
    assert without_controls("a\x1b[2Jb\x9bc\td") == "a[2Jbc d"
    assert without_controls("one\ntwo\x07", block=True) == "one\ntwo"
    assert without_controls("plain, printable") == "plain, printable"


def test_check_reports_each_field_in_the_loaders_words() -> None:
    taken = {"ru-2018-telegram-block"}
    values = FormValues(
        {
            "id": "Bad Id",
            "date": "April 2018",
            "end_date": "2017",
            "status": "derived",
            "title": "t",
            "country": "rus",
            "action": "",
            "summary": "s",
            "related": "ru-2018-telegram-blok",
        },
        [{"publisher": "P", "url": "ftp://x"}, {"url": "https://a.example"}],
    )
    event, errors = check(values, taken)
    assert event is None
    assert "is not a valid id" in errors["id"]
    assert errors["date"].startswith("'April 2018' is not a date; type 2018-04-16 (day)")
    assert "did you mean 'RU'" in errors["country"]
    assert errors["action"] == "is required"
    assert "is not an http:// or https:// URL" in errors["sources.0.url"]
    assert errors["sources.1.publisher"] == "is required"
    assert "did you mean 'ru-2018-telegram-block'" in errors["related"]
    assert not any("Input should" in m or "Value error" in m for m in errors.values())


def test_check_refuses_a_taken_id_and_accepts_a_complete_event() -> None:
    event = load_timeline(FIXTURE).events[3]
    values = values_from_event(event)
    values.fields["id"] = event.id
    _, errors = check(values, {event.id, *event.related})
    assert "already used" in errors["id"]
    values.fields["id"] = "ru-2018-follow-up"
    new, errors = check(values, {event.id, *event.related})
    assert errors == {}
    assert new is not None
    assert new._replace(id="") == event._replace(id="")


def test_suggested_id_from_country_year_and_title() -> None:
    values = FormValues({"country": "RU", "date": "2018-04", "title": "Telegram blocked"}, [])
    assert suggested_id(values, set()) == "ru-2018-telegram-blocked"
    assert suggested_id(values, {"ru-2018-telegram-blocked"}) == "ru-2018-telegram-blocked-2"


def form_values(**fields: str):  # type: ignore[no-untyped-def]
    base = {
        "id": "ru-2025-new",
        "date": "2025-08-13",
        "status": "derived",
        "title": "Russia restricts calls",
        "country": "RU",
        "action": "restrict",
        "platforms": "WhatsApp, Telegram",
        "summary": "Calls were restricted.",
    }
    return FormValues({**base, **fields}, [{"publisher": "P", "url": "https://a.example"}])


def test_a_malformed_list_is_an_error_naming_the_problem() -> None:
    cases = {
        '"unterminated': "'\"unterminated' has no closing quote",
        "a,,b": "item 2 is empty (two commas in a row)",
        "a, b,": "ends with a comma",
        ", a": "starts with a comma",
        'a, "b" c': "'c' follows a closing \"",
        '"", a': 'item 1 is empty ("")',
    }
    for text, problem in cases.items():
        for key in ("platforms", "authority", "tags", "related"):
            event, errors = check(form_values(**{key: text}), set())
            assert event is None, (key, text)
            assert errors[key].startswith(problem), (key, text, errors[key])
    # Well-formed lists, quoted commas and doubled quotes included, pass.
    for text in ('"Ministry of Justice, Russia", FSB', 'A ""quoted"" body', '"x""y", z', "a"):
        event, errors = check(form_values(authority=text), set())
        assert "authority" not in errors, (text, errors)


def test_a_country_in_lower_case_is_saved_upper_case_and_the_form_says_so() -> None:
    event, errors = check(form_values(country="ru"), set())
    assert errors == {}
    assert event is not None and event.country == "RU"
    assert notes(form_values(country=" ru ")) == {"country": "saved as 'RU'"}
    assert notes(form_values(country="RU")) == {}
    _, errors = check(form_values(country="rus"), set())
    assert "did you mean 'RU'" in errors["country"]  # a near miss is still an error


# -- what the tests above reach only through check ---------------------------------------------


def test_well_formed_and_empty_lists_have_no_problem() -> None:
    for text in ("", "   ", "a", "a, b", '"a, b", c', 'A ""quoted"" body', ' "x" , y'):
        assert list_problem(text) is None, text


def test_join_list_quotes_only_what_split_list_would_misread() -> None:
    items = ['"leading quote', "a, b", "plain"]
    assert join_list(items) == '"""leading quote", "a, b", plain'
    assert split_list(join_list(items)) == items
    assert join_list([" padded "]) == '" padded "'


def test_the_candidate_leaves_out_what_was_left_empty() -> None:
    values = FormValues(
        {
            "id": " ru-2025-x ",
            "date": "2025",
            "status": DERIVED,
            "title": "",
            "country": "ru",
            "summary": "one\ntwo\n\n",
            "tags": " , ",
        },
        [{"publisher": " P ", "url": "", "title": "", "date": ""}, {}],
    )
    assert candidate(values) == {
        "id": "ru-2025-x",
        "date": "2025",
        "country": "RU",
        "summary": "one\ntwo\n",
        "sources": [{"publisher": "P"}, {}],
    }
    assert candidate(FormValues({"summary": " one line \n"}))["summary"] == "one line"


def test_a_country_code_is_upper_cased_only_when_it_is_letters() -> None:
    assert country_code(" ru ") == "RU"
    assert country_code("Россия") == "Россия"  # not ASCII: left for the model to refuse
    assert country_code("r1") == "r1"
    assert notes(FormValues()) == {}


def test_errors_are_shown_by_field_and_by_source_field() -> None:
    assert error_key(("sources", 0, "url")) == "sources.0.url"
    assert error_key(("sources",)) == "sources"
    assert error_key(("authority", 1)) == "authority"
    assert error_key(()) == "id"


def test_a_derived_status_is_copied_as_derived_and_a_stated_one_as_stated() -> None:
    timeline = load_timeline(FIXTURE)
    for event in timeline.events:
        values = values_from_event(event)
        assert values.get("id") == ""
        derived = derived_status(event.end_date, event.action)
        stated = DERIVED if event.status == derived else event.status.value
        assert values.get("status") == stated
        values.fields["id"] = "zz-2000-copy"
        copy, errors = check(values, {e.id for e in timeline.events})
        assert errors == {}, (event.id, errors)
        assert copy is not None
        assert copy._replace(id=event.id) == event
