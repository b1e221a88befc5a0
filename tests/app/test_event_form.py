"""The add-event form (`n`, `c`): live checks, saving, and never losing what was typed.

Every test works on a copy of the fixture in tmp_path; the repository is never written.
"""

from __future__ import annotations

import os
import re
import shutil
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Input, Select, Static, TextArea

from tui.app.app import PolicyApp, make_app
from tui.app.screens.event_form import ConfirmDiscard, EventForm
from tui.app.screens.main import MainScreen
from tui.app.widgets.event_list import EventList
from tui.core.files.load import load_bytes, load_timeline
from tui.core.files.write import file_digest
from tui.core.timeline.draft import SOURCE_KEYS

from .screen import screen_text, settle, wait_until

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "app" / "timeline.toml"
TODAY = date(2026, 6, 1)
SIZE = (120, 40)


@pytest.fixture
def timeline_file(tmp_path: Path) -> Path:
    copy = tmp_path / "timeline.toml"
    shutil.copyfile(FIXTURE, copy)
    return copy


def open_app(path: Path, **kwargs: Any) -> PolicyApp:
    """The app as the CLI opens it: the timeline and the digest of the bytes it came from."""
    data = path.read_bytes()
    return make_app(load_bytes(data, str(path)), today=TODAY, digest=file_digest(data), **kwargs)


async def open_form(pilot, key: str = "n") -> EventForm:  # type: ignore[no-untyped-def]
    await settle(pilot)
    await pilot.press(key)
    await pilot.pause()
    form = pilot.app.screen
    assert isinstance(form, EventForm)
    return form


def set_fields(form: EventForm, **values: str) -> None:
    """Set fields as a paste would (each fires its Changed message, as typing does)."""
    for key, value in values.items():
        widget = form.query_one(f"#f-{key}")
        if isinstance(widget, Input):
            widget.value = value
        elif isinstance(widget, TextArea):
            widget.text = value
        elif isinstance(widget, Select):
            widget.value = value


def set_source(form: EventForm, index: int, **values: str) -> None:
    row = form._rows()[index]
    for key, value in values.items():
        row.query_one(f".source-{key}", Input).value = value


def fill_valid(form: EventForm) -> None:
    set_fields(
        form,
        title="Russia restricts calls on WhatsApp and Telegram",
        date="2025-08-13",
        country="RU",
        action="restrict",
        platforms="WhatsApp, Telegram",
        authority="Roskomnadzor",
        summary="Calls were restricted.\nVoice and video only.",
        related="ru-2018-telegram-block",
    )
    set_source(form, 0, publisher="Reuters", url="https://www.reuters.com/a", date="2025-08")


NEW_ID = "ru-2025-russia-restricts-calls"


# -- the form in the app ------------------------------------------------------------------------


async def test_n_checks_as_you_type_then_saves_appends_and_highlights(timeline_file: Path) -> None:
    old_bytes = timeline_file.read_bytes()
    app = open_app(timeline_file)
    async with app.run_test(size=SIZE) as pilot:
        form = await open_form(pilot)
        assert timeline_file.name in screen_text(app)  # the title names the file written
        fill_valid(form)
        # A bad date, typed: the error shows next to the field while typing.
        date_input = form.query_one("#f-date", Input)
        date_input.value = ""
        date_input.focus()
        await pilot.press(*"April 2018")
        await pilot.pause()
        text = screen_text(app)
        assert "'April 2018' is not a date; type 2018-04-16 (day)" in text
        # A bad URL, typed.
        url = form._rows()[0].query_one(".source-url", Input)
        url.value = ""
        url.focus()
        await pilot.press(*"ftp://x")
        await pilot.pause()
        assert "'ftp://x' is not an http:// or https:// URL" in screen_text(app)
        # Saving now is refused, the file untouched, the form open.
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is form
        assert "Not saved: 2 fields need fixing" in screen_text(app)
        assert app.focused is date_input  # the first field to fix
        assert timeline_file.read_bytes() == old_bytes
        # Fix both; the errors go away.
        date_input.value = "2025-08-13"
        url.value = "https://www.reuters.com/a"
        await pilot.pause()
        text = screen_text(app)
        assert "is not a date" not in text and "is not an http" not in text
        assert form.query_one("#f-id", Input).value == NEW_ID
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: app.timeline.get(NEW_ID) is not None)
        await wait_until(pilot, lambda: app.query_one(EventList).highlighted.id == NEW_ID)
        assert not isinstance(app.screen, EventForm)
    new_bytes = timeline_file.read_bytes()
    assert new_bytes.startswith(old_bytes)
    timeline = load_bytes(new_bytes, str(timeline_file))
    saved = timeline.get(NEW_ID)
    assert saved is not None
    assert saved.date.iso() == "2025-08-13"
    assert saved.platforms == ("WhatsApp", "Telegram")
    assert saved.summary == "Calls were restricted.\nVoice and video only.\n"
    assert saved.sources[0].date is not None and saved.sources[0].date.iso() == "2025-08"
    assert len(timeline.events) == len(load_bytes(old_bytes).events) + 1


async def test_the_id_follows_country_year_and_title_until_typed(timeline_file: Path) -> None:
    app = open_app(timeline_file, watch=False)
    async with app.run_test(size=SIZE) as pilot:
        form = await open_form(pilot)
        id_input = form.query_one("#f-id", Input)
        set_fields(form, country="BR", date="2022-03", title="Telegram suspended")
        await pilot.pause()
        assert id_input.value == "br-2022-telegram-suspended"
        # An id already in the file is refused as you type.
        id_input.focus()
        id_input.value = "ru-2018-telegram-block"
        await pilot.pause()
        assert "'ru-2018-telegram-block' is already used" in screen_text(app)
        id_input.value = "br-2022-my-own-id"
        set_fields(form, title="Telegram suspended nationwide")
        await pilot.pause()
        assert id_input.value == "br-2022-my-own-id"  # the user's id is kept
        id_input.value = ""  # clearing it hands the id back to the suggestion
        set_fields(form, title="Telegram suspended again")
        await pilot.pause()
        assert id_input.value == "br-2022-telegram-suspended-again"
        # Pasted escape sequences never reach the screen; brackets are text, never markup.
        set_fields(form, title="[bold]x[/] \x1b]52;c;cHduZWQ=\x07\x9b31m", country="[red]")
        await pilot.pause()
        assert form.values().get("title") == "[bold]x[/] ]52;c;cHduZWQ=31m"
        text = screen_text(app)
        assert "[bold]x[/] ]52;c;cHduZWQ=31m" in text
        assert "\x1b" not in text and "\x9b" not in text
        assert "'[red]' is not an ISO 3166-1 alpha-2 country code" in text


async def test_c_prefills_from_the_highlighted_event_with_a_new_id(
    timeline_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import tui.core.files.paths

    # Opened from the copy shipped with the package: the title says which file is written.
    monkeypatch.setattr(tui.core.files.paths, "shipped_timeline", lambda: timeline_file)
    app = open_app(timeline_file, goto="ru-2018-telegram-block", watch=False)
    async with app.run_test(size=SIZE) as pilot:
        form = await open_form(pilot, "c")
        original = app.timeline.get("ru-2018-telegram-block")
        assert original is not None
        values = form.values()
        assert values.get("title") == original.title
        assert values.get("date") == original.date.iso()
        assert values.get("action") == original.action.value
        assert values.get("platforms") == ", ".join(original.platforms)
        assert [s["url"] for s in values.sources] == [s.url for s in original.sources]
        assert values.get("id") not in {"", original.id}
        assert values.get("id").startswith("ru-2018-")
        assert form.errors == {}
        assert "copied from 'ru-2018-telegram-block'" in screen_text(app)
        title = str(form.query_one("#form-title", Static).content)
        assert str(timeline_file) in title
        assert "the timeline shipped with policy-tui" in title
        # Nothing typed yet: Esc closes without asking.
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, EventForm)


async def test_source_rows_are_added_and_removed(timeline_file: Path) -> None:
    app = open_app(timeline_file, watch=False)
    async with app.run_test(size=SIZE) as pilot:
        form = await open_form(pilot)
        set_source(form, 0, publisher="First", url="https://a.example")
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert len(form._rows()) == 2
        second = form._rows()[1]
        assert app.focused is second.query_one(".source-publisher")  # ready to type
        set_source(form, 1, publisher="Second")
        await pilot.press("ctrl+n")
        await pilot.pause()
        set_source(form, 2, publisher="Third", url="https://c.example")
        assert [r.values()["publisher"] for r in form._rows()] == ["First", "Second", "Third"]
        # ctrl+r removes the row that has the focus; the others are renumbered.
        form._rows()[1].query_one(".source-url", Input).focus()
        await pilot.press("ctrl+r")
        await pilot.pause()
        assert [r.values()["publisher"] for r in form._rows()] == ["First", "Third"]
        assert "Source 2" in screen_text(app) and "Source 3" not in screen_text(app)
        # The row's own button removes it too.
        await pilot.click(form._rows()[1].query_one(".remove-source"))
        await pilot.pause()
        assert [r.values()["publisher"] for r in form._rows()] == ["First"]
        # The last row stays: an event needs at least one source.
        form._rows()[0].query_one(".source-publisher", Input).focus()
        await pilot.press("ctrl+r")
        await pilot.pause()
        assert len(form._rows()) == 1
        assert "needs at least one source" in form.status


async def test_a_file_changed_on_disk_is_refused_and_the_form_kept(timeline_file: Path) -> None:
    app = open_app(timeline_file)
    async with app.run_test(size=SIZE) as pilot:
        form = await open_form(pilot)
        fill_valid(form)
        await pilot.pause()
        typed = form.values()
        # Someone saves the file in an editor while the form is open.
        edited = timeline_file.read_bytes() + b"# edited elsewhere\n"
        timeline_file.write_bytes(edited)
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: "Not saved" in screen_text(app))
        assert "the file changed on disk since it was loaded" in form.status
        assert "Everything you typed is still here" in form.status
        assert app.screen is form and form.values() == typed
        assert timeline_file.read_bytes() == edited
        # Once the app has reloaded the edited file, saving again appends to it.
        await wait_until(pilot, lambda: app.file_digest == file_digest(edited))
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: app.timeline.get(NEW_ID) is not None)
    assert timeline_file.read_bytes().startswith(edited)


async def test_a_failed_write_keeps_the_form_and_says_why(
    timeline_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    old_bytes = timeline_file.read_bytes()

    def refuse(*args: object) -> None:
        raise PermissionError(13, "Permission denied")

    app = open_app(timeline_file, watch=False)
    async with app.run_test(size=SIZE) as pilot:
        form = await open_form(pilot)
        fill_valid(form)
        await pilot.pause()
        typed = form.values()
        monkeypatch.setattr(os, "replace", refuse)
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: "Not saved" in screen_text(app))
        assert "cannot write the file: permission denied" in form.status
        assert "Everything you typed is still here" in form.status
        assert app.screen is form and form.values() == typed
        assert timeline_file.read_bytes() == old_bytes
        assert sorted(p.name for p in timeline_file.parent.iterdir()) == ["timeline.toml"]
        # The disk is writable again: the same input saves.
        monkeypatch.undo()
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: not isinstance(app.screen, EventForm))
    assert load_bytes(timeline_file.read_bytes()).get(NEW_ID) is not None


async def test_a_read_only_file_is_refused_naming_it_and_the_form_kept(
    timeline_file: Path,
) -> None:
    """A 0444 file in a writable folder was replaced through the atomic rename ("Saved");
    tests run as root, which may write anything: the mode bits themselves say no."""
    old_bytes = timeline_file.read_bytes()
    timeline_file.chmod(0o444)
    app = open_app(timeline_file, watch=False)
    async with app.run_test(size=SIZE) as pilot:
        form = await open_form(pilot)
        fill_valid(form)
        await pilot.pause()
        typed = form.values()
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: "Not saved" in form.status)
        assert "read-only" in form.status and str(timeline_file) in form.status
        assert "Everything you typed is still here" in form.status
        assert app.screen is form and form.values() == typed
        assert not any("Saved" in str(n.message) for n in app._notifications)
    assert timeline_file.read_bytes() == old_bytes
    assert sorted(p.name for p in timeline_file.parent.iterdir()) == ["timeline.toml"]


async def test_escape_asks_before_discarding_typed_input(timeline_file: Path) -> None:
    old_bytes = timeline_file.read_bytes()
    app = open_app(timeline_file, watch=False)
    async with app.run_test(size=SIZE) as pilot:
        form = await open_form(pilot)
        await pilot.press(*"Half")
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDiscard)
        await pilot.press("n")  # keep editing
        await pilot.pause()
        assert app.screen is form
        assert form.values().get("title") == "Half"
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("y")  # discard
        await pilot.pause()
        assert not isinstance(app.screen, (EventForm, ConfirmDiscard))
        # An untouched form closes at once.
        await open_form(pilot)
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, (EventForm, ConfirmDiscard))
    assert timeline_file.read_bytes() == old_bytes


def test_the_form_lists_its_keys_with_descriptions() -> None:
    keys = {b.key: b.description for b in EventForm.BINDINGS}  # type: ignore[union-attr]
    assert keys == {
        "ctrl+s": "Save",
        "ctrl+n": "Add source",
        "ctrl+r": "Remove source",
        "escape": "Cancel",
    }
    app_keys = {b.key: b.description for b in MainScreen.BINDINGS}  # type: ignore[union-attr]
    assert app_keys["n"] == "New event" and app_keys["c"] == "New event from this one"


def test_docs_list_every_key_of_the_form() -> None:
    docs = (Path(__file__).resolve().parents[2] / "docs" / "editing.md").read_text()
    section = docs.split("### The add-event form", 1)[1].split("\n## ", 1)[0]
    for binding in EventForm.BINDINGS:
        key = binding.key  # type: ignore[union-attr]
        shown = "Esc" if key == "escape" else "Ctrl+" + key.removeprefix("ctrl+").upper()
        assert f"`{shown}`" in section, shown


# -- placeholders and focus order ---------------------------------------------------------------


def all_placeholders() -> dict[str, str]:
    from tui.app.screens.event_form import TEXT_FIELDS
    from tui.app.widgets.form_fields import SourceRow

    found = {key: placeholder for key, (_, placeholder) in TEXT_FIELDS.items()}
    found.update({f"source {key}": text for key, text in SourceRow.PLACEHOLDERS.items()})
    return found


def test_placeholders_are_examples_or_format_hints_never_values() -> None:
    from tui.core.timeline.rules import ID_PATTERN

    timeline = load_timeline(FIXTURE)
    ids = {event.id for event in timeline.events}
    for key, text in all_placeholders().items():
        # Anything that could be a value (an id, a date, a code) comes after "e.g.".
        described = text.partition("e.g. ")[0]
        assert not re.search(r"\d", described), (key, text)
        assert not any(i in described for i in ids), (key, text)
        assert not ID_PATTERN.fullmatch(text.strip()), (key, text)
    # The id's example is an existing id: shown as one, it would read as filled in.
    assert all_placeholders()["id"].startswith("e.g. ru-2018-telegram-block")
    for key in ("date", "end_date", "source date"):
        assert "YYYY, YYYY-MM or YYYY-MM-DD" in all_placeholders()[key]


async def test_placeholders_are_drawn_muted_and_in_italics(timeline_file: Path) -> None:
    app = open_app(timeline_file, watch=False)
    async with app.run_test(size=SIZE) as pilot:
        form = await open_form(pilot)
        id_input = form.query_one("#f-id", Input)
        assert id_input.value == ""
        assert "e.g. ru-2018-telegram-block" in screen_text(app)
        placeholder = id_input.get_component_rich_style("input--placeholder")
        assert placeholder.italic
        value_style = form.query_one("#f-title", Input).rich_style
        assert placeholder.color != value_style.color


async def test_tab_follows_the_source_row_as_it_reads(timeline_file: Path) -> None:
    app = open_app(timeline_file, watch=False)
    async with app.run_test(size=SIZE) as pilot:
        form = await open_form(pilot)
        await pilot.press("ctrl+n")  # a second row: the order holds from row to row
        await pilot.pause()
        form.query_one("#f-summary", TextArea).focus()
        await pilot.pause()
        expected = []
        for row in form._rows():
            expected += [row.query_one(f".source-{key}", Input) for key in SOURCE_KEYS]
            expected.append(row.query_one(".remove-source"))
        expected.append(form.query_one("#add-source"))
        focused = []
        for _ in expected:
            await pilot.press("tab")
            await pilot.pause()
            focused.append(app.focused)
        assert focused == expected
        # What Tab reaches next is also what comes next on screen.
        tops = [widget.region.y for widget in expected]
        assert tops == sorted(tops)
        # Typing after a Tab from the summary lands in the publisher.
        form.query_one("#f-summary", TextArea).focus()
        await pilot.press("tab", *"Reuters")
        await pilot.pause()
        assert form._rows()[0].values()["publisher"] == "Reuters"


async def test_c_copies_a_bidi_override_but_never_draws_it(tmp_path: Path) -> None:
    # The loader keeps a bidi override in a title or summary (the list and detail show it
    # escaped); `c` copies it into the form, which must keep it without sending it to the
    # terminal, where it would reorder what follows on the line.
    path = tmp_path / "bidi.toml"
    path.write_text(
        '[[events]]\nid = "ru-2020-bidi"\ndate = 2020-01-01\ntitle = "Block \\u202eevil"\n'
        'country = "RU"\naction = "block"\nsummary = "One \\u2067line"\n'
        'sources = [{ publisher = "p", url = "https://example.org/" }]\n',
        encoding="utf-8",
    )
    async with open_app(path).run_test(size=(120, 40)) as pilot:
        form = await open_form(pilot, "c")
        title = form.query_one("#f-title", Input)
        summary = form.query_one("#f-summary", TextArea)
        assert title.value == "Block \u202eevil"  # the value as the file has it
        assert "\u2067" in summary.text
        title.focus()
        title.action_end()
        await settle(pilot)
        shown = screen_text(pilot.app)
        assert "Block \u200bevil" in shown and "One \u200bline" in shown
        assert "\u202e" not in shown and "\u2067" not in shown
        assert title.cursor_position == len(title.value)
