"""Rough edges of issue #13, each driven as a user meets it."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from tui.app.app import PolicyApp, make_app
from tui.core.files.load import load_timeline

from .screen import screen_text, settle, wait_until

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "app"
TODAY = date(2026, 6, 1)
WIDE = (120, 40)
NARROW = (80, 24)


def app(query: str = "", goto: str | None = None) -> PolicyApp:
    return make_app(load_timeline(FIXTURES / "timeline.toml"), query=query, goto=goto, today=TODAY)


def first_line(pilot_app: PolicyApp) -> str:
    return screen_text(pilot_app).splitlines()[0]


# -- headers cut at 80 columns say so -------------------------------------------------------------


async def test_a_header_too_long_for_80_columns_ends_in_an_ellipsis() -> None:
    async with app(query="country:RU platform:telegram,whatsapp").run_test(size=NARROW) as pilot:
        await settle(pilot)
        header = first_line(pilot.app)
        assert "filter: country: RU" in header
        # Cut where the width ends, on one line, and marked as cut.
        assert header.rstrip().endswith("…"), header
        assert len(header.rstrip()) == NARROW[0] - 1  # the padding's last column stays blank


async def test_a_header_that_fits_is_not_marked_cut() -> None:
    async with app().run_test(size=WIDE) as pilot:
        await settle(pilot)
        header = first_line(pilot.app)
        assert "…" not in header
        assert header.rstrip().endswith("timeline.toml")


async def test_the_as_of_header_too_long_for_80_columns_ends_in_an_ellipsis() -> None:
    async with app(query="country:RU platform:telegram,whatsapp").run_test(size=NARROW) as pilot:
        await settle(pilot)
        await pilot.press("a")
        await settle(pilot)
        header = first_line(pilot.app)
        assert header.lstrip().startswith("In force on ")
        assert header.rstrip().endswith("…"), header


# -- `c` is named for what it does -----------------------------------------------------------------


async def test_c_is_named_for_opening_the_form_in_the_palette_and_the_help() -> None:
    from tui.app.screens.event_form import EventForm
    from tui.app.screens.help import HelpScreen

    async with app(goto="ru-2018-telegram-block").run_test(size=WIDE) as pilot:
        await settle(pilot)
        commands = {c.title: c for c in pilot.app.get_system_commands(pilot.app.screen)}
        assert "Copy event" not in commands  # it copies nothing: `y` copies
        assert commands["New event from this one"].help == "Key: c"
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(pilot.app.screen, HelpScreen)
        help_text = screen_text(pilot.app)
        assert "pre-filled from the highlighted one" in help_text
        assert "Copy event" not in help_text
        await pilot.press("escape")
        await pilot.pause()
        # The palette's command does what its name says.
        await commands["New event from this one"].callback()  # run_action: a coroutine
        await settle(pilot)
        assert isinstance(pilot.app.screen, EventForm)
        assert "copied from 'ru-2018-telegram-block'" in screen_text(pilot.app)


# -- g / G in the detail, j / k in the help --------------------------------------------------------


async def test_g_and_G_go_to_the_top_and_bottom_of_the_detail() -> None:
    from tui.app.widgets.detail import EventDetail

    # A small terminal, so the detail of an event with sources and related events scrolls.
    async with app(goto="ru-2018-telegram-block").run_test(size=NARROW) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        detail = pilot.app.query_one(EventDetail)
        assert pilot.app.focused is detail
        assert detail.max_scroll_y > 0
        await pilot.press("G")
        await wait_until(pilot, lambda: detail.scroll_y == detail.max_scroll_y)
        await pilot.press("g")
        await wait_until(pilot, lambda: detail.scroll_y == 0)
        # The keys moved the detail's scroll, not the highlighted event.
        assert (
            pilot.app.main_screen.current_event is not None
            and pilot.app.main_screen.current_event.id == "ru-2018-telegram-block"
        )


async def test_j_and_k_scroll_the_help() -> None:
    from textual.containers import VerticalScroll

    from tui.app.screens.help import HelpScreen

    async with app().run_test(size=NARROW) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(pilot.app.screen, HelpScreen)
        body = pilot.app.screen.query_one(VerticalScroll)
        assert body.max_scroll_y > 2
        await pilot.press("j", "j")
        await wait_until(pilot, lambda: body.scroll_y == 2)
        await pilot.press("k")
        await wait_until(pilot, lambda: body.scroll_y == 1)
        await pilot.press("G")
        await wait_until(pilot, lambda: body.scroll_y == body.max_scroll_y)
        await pilot.press("g")
        await wait_until(pilot, lambda: body.scroll_y == 0)


async def test_the_help_lists_the_details_keys() -> None:
    from tui.app.widgets.detail import EventDetail

    async with app().run_test(size=WIDE) as pilot:
        groups = dict(pilot.app.binding_groups())
        assert groups["Detail"] is EventDetail.BINDINGS
        keys = {b.key for b in EventDetail.BINDINGS}  # type: ignore[union-attr]
        assert {"g", "G", "j", "k"} <= keys


# -- facet rows: a glyph for ticked, the count always in view --------------------------------------


def test_fit_cuts_the_label_never_the_count() -> None:
    from rich.cells import cell_len

    from tui.app.widgets.filter_pane import fit

    assert fit("RU", " (28)", 10) == "RU (28)   "
    assert fit("Messaging services", " (3)", 12) == "Messagi… (3)"
    assert fit("Messaging services", " (3)", 22) == "Messaging services (3)"
    assert fit("日本語のプラットフォーム", " (3)", 12) == "日本語… (3) "
    assert cell_len(fit("日本語のプラットフォーム", " (3)", 12)) == 12
    assert fit("Messaging services", " (12345)", 6) == " (1234"  # no room even for the count


def facet_rows(pilot_app: PolicyApp, facet: str) -> list[str]:
    """The facet list's rows as drawn, inside its border."""
    from tui.app.widgets.filter_pane import FacetList

    widget = pilot_app.query_one(f"#facet-{facet}", FacetList)
    region = widget.content_region
    lines = screen_text(pilot_app).splitlines()[region.y : region.bottom]
    return [line[region.x : region.right].rstrip() for line in lines]


async def test_a_long_facet_value_is_cut_with_an_ellipsis_and_its_count_shown() -> None:
    from tui.app.widgets.filter_pane import FacetList

    long = "Messaging services of every kind and size"
    async with app().run_test(size=(160, 50)) as pilot:
        await settle(pilot)
        platforms = pilot.app.query_one("#facet-platform", FacetList)
        platforms.show_counts([(long, 12345), ("Telegram", 8)], set())
        await pilot.pause()
        rows = facet_rows(pilot.app, "platform")
        assert rows[0].startswith("[ ] Messaging servic")
        assert rows[0].endswith("… (12345)"), rows
        assert rows[1].startswith("[ ] Telegram (8)")


async def test_ticked_and_unticked_facets_differ_by_glyph_even_without_colour(
    monkeypatch,  # type: ignore[no-untyped-def]
) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    async with app(query="country:BR").run_test(size=WIDE) as pilot:
        await settle(pilot)
        assert pilot.app.no_color
        rows = facet_rows(pilot.app, "country")
        assert "[✓] BR (" in "\n".join(rows)
        assert all(row.startswith(("[✓] ", "[ ] ")) for row in rows if row), rows
        assert sum(row.startswith("[✓]") for row in rows) == 1
        assert "▐X▌" not in screen_text(pilot.app)


async def test_space_ticks_a_facet_and_its_glyph_follows_at_once() -> None:
    from tui.app.widgets.filter_pane import FacetList

    async with app().run_test(size=WIDE) as pilot:
        await settle(pilot)
        countries = pilot.app.query_one("#facet-country", FacetList)
        countries.focus()
        await pilot.pause()
        first = facet_rows(pilot.app, "country")[0]
        assert first.startswith("[ ] ")
        await pilot.press("space")
        await pilot.pause()
        # Drawn from the list's own state: no waiting for the query to settle.
        assert facet_rows(pilot.app, "country")[0] == "[✓]" + first[3:]


# -- the as-of board reads a typed date as the query does ------------------------------------------


async def test_the_as_of_date_box_takes_what_the_query_takes() -> None:
    from textual.widgets import Input

    from tui.app.screens.asof import AsOfScreen
    from tui.core.query import language as q

    async with app().run_test(size=WIDE) as pilot:
        await settle(pilot)
        await pilot.press("a")
        await settle(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, AsOfScreen)
        box = screen.query_one("#asof-date", Input)
        for text, day in (
            ("2022-04-01", date(2022, 4, 1)),
            ("today", TODAY),
            ("2021-03", date(2021, 3, 1)),
            ("April 2022", date(2022, 4, 1)),  # as the app writes dates
            ("16 Apr 2018", date(2018, 4, 16)),
            (" Today ", TODAY),
        ):
            q.parse(f'asof:"{text}"')  # the query takes it
            await pilot.press("d", *text, "enter")
            await settle(pilot)
            assert screen.day == day, text
            assert not box.has_class("-visible")
        # What the query refuses, the box refuses, in the query's words.
        notes: list[str] = []
        pilot.app.notify = lambda message, **_: notes.append(message)  # type: ignore[method-assign]
        for text in ("Sometime 2022", "2022-13"):
            try:
                q.parse(f'asof:"{text}"')
            except q.QueryError as exc:
                assert exc.message == f"'{text}' is not a date"
            else:
                raise AssertionError(f"the query took {text!r}")
            notes.clear()
            await pilot.press("d", *text, "enter")
            await settle(pilot)
            assert screen.day == TODAY
            assert box.has_class("-visible")
            assert notes == [
                f"'{text}' is not a date — write 2018, 2018-04, 2018-04-16, "
                '"April 2018", "16 April 2018" or today'
            ]
            await pilot.press("escape")


# -- the add-event form shows what it will not guess at --------------------------------------------


async def test_the_form_shows_list_errors_and_the_country_note_and_keeps_the_input(
    tmp_path: Path,
) -> None:
    import shutil

    from textual.widgets import Input

    from tui.app.screens.event_form import EventForm
    from tui.core.files.digest import file_digest
    from tui.core.files.load import load_bytes

    path = tmp_path / "timeline.toml"
    shutil.copyfile(FIXTURES / "timeline.toml", path)
    data = path.read_bytes()
    explorer = make_app(load_bytes(data, str(path)), today=TODAY, digest=file_digest(data))
    async with explorer.run_test(size=WIDE) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        form = pilot.app.screen
        assert isinstance(form, EventForm)
        platforms = form.query_one("#f-platforms", Input)
        platforms.focus()
        await pilot.press(*"WhatsApp,,Telegram")
        country = form.query_one("#f-country", Input)
        country.focus()
        await pilot.press(*"ru")
        await settle(pilot)
        text = screen_text(pilot.app)
        assert "item 2 is empty (two commas in a row): remove one comma" in text
        assert platforms.value == "WhatsApp,,Telegram"  # kept as typed
        assert platforms.has_class("-invalid")
        assert "saved as 'RU'" in text
        assert country.value == "ru" and not country.has_class("-invalid")
        assert "country" not in form.errors


# -- the timeline view's axis, zoomed all the way in -----------------------------------------------


async def test_the_timeline_axis_has_labels_at_the_deepest_zoom() -> None:
    from tui.app.widgets.timeline_view import TimelineView
    from tui.core.time.scale import MIN_DAYS

    async with app(goto="ru-2018-telegram-block").run_test(size=WIDE) as pilot:
        await settle(pilot)
        await pilot.press("t")
        await settle(pilot)
        view = pilot.app.query_one(TimelineView)
        for _ in range(20):
            await pilot.press("plus")
        await settle(pilot)
        assert view._laid is not None and view._laid.scale.days == MIN_DAYS
        region = view.content_region
        axis = screen_text(pilot.app).splitlines()[region.y + 1][region.x : region.right]
        assert "Apr 2018" in axis, axis
        assert sum(word.isdigit() for word in axis.split()) >= 5  # the week's days


# -- `n` opens the form at once --------------------------------------------------------------------


def test_the_form_module_does_not_import_the_loaders_model() -> None:
    """Opening the form the first time imported pydantic and the loader (~0.15 s) before its
    first paint; they come with the first check, after it."""
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    code = (
        "import sys, tui.app.app, tui.app.screens.event_form\n"
        "print(sorted(m for m in ('pydantic', 'tui.core.files.load', 'tui.core.timeline.model',"
        " 'tui.core.files.write')"
        " if m in sys.modules))"
    )
    root = Path(__file__).resolve().parents[2]
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=root, env=env, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


async def test_n_focuses_the_title_without_passing_through_the_form_body(
    tmp_path: Path,
    monkeypatch,  # type: ignore[no-untyped-def]
) -> None:
    import shutil

    from textual.widgets import Input

    from tui.app.screens.event_form import EventForm
    from tui.core.files.digest import file_digest
    from tui.core.files.load import load_bytes

    path = tmp_path / "timeline.toml"
    shutil.copyfile(FIXTURES / "timeline.toml", path)
    data = path.read_bytes()
    explorer = make_app(load_bytes(data, str(path)), today=TODAY, digest=file_digest(data))
    # Every widget the form focuses on its way to the title: Textual's default focused the
    # scrolling body first, and its focus and blur each restyled the whole form (~30 ms).
    focused: list[str | None] = []
    set_focus = EventForm.set_focus

    def recording(self, widget, *args, **kwargs):  # type: ignore[no-untyped-def]
        focused.append(getattr(widget, "id", None))
        return set_focus(self, widget, *args, **kwargs)

    monkeypatch.setattr(EventForm, "set_focus", recording)
    async with explorer.run_test(size=WIDE) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        form = pilot.app.screen
        assert isinstance(form, EventForm)
        assert form.focused is form.query_one("#f-title", Input)
        assert focused and set(focused) == {"f-title"}, focused
        assert form.dirty is False  # the suggested id, filled in after the paint, is not input
