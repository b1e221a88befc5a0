"""The as-of board: which measures were in force on one day, as a grid of country × platform.

The rule of what is "in force" lives in ``tui.core.time.asof`` (the same as the query's ``asof:``);
this screen only draws ``tui.core.time.asof.board`` and moves its date. Every text from the file is
cleaned and put in ``Text`` objects, never in markup.
"""

from __future__ import annotations

import calendar
from collections import Counter
from collections.abc import Callable, Sequence
from contextlib import suppress
from datetime import date
from typing import Any, ClassVar

from rich.segment import Segment
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.coordinate import Coordinate
from textual.geometry import Offset, Region
from textual.screen import ModalScreen
from textual.strip import Strip
from textual.widgets import DataTable, Input, Static
from textual.widgets.data_table import CellDoesNotExist, ColumnDoesNotExist, RowDoesNotExist
from textual.worker import get_current_worker

from tui.app.screens.pick import PickScreen
from tui.app.widgets.key_footer import KeyFooter
from tui.core.query import edit, evaluate, printing
from tui.core.query import language as q
from tui.core.query.language import parse_date
from tui.core.text.sanitize import clean
from tui.core.time.asof import Board, Entry, Platform, Unit, board, move
from tui.core.timeline.event import Event

# Boards of more events than this are computed in a thread worker (about 10 µs an event).
SYNC_LIMIT = 5000
EventsOn = Callable[[date], Sequence[Event]]
COUNTRY_COLUMN = "country"
CELL_LINES = 6  # a cell taller than this shows a count instead: the grid stays a grid


def long_date(day: date) -> str:
    """``Tuesday 1 March 2022`` (built by hand: strftime is unreliable before 1000)."""
    weekday = calendar.day_name[day.weekday()]
    return f"{weekday} {day.day} {calendar.month_name[day.month]} {day.year:04d}"


def entry_text(entry: Entry) -> Text:
    """``block ru-2022-facebook-block ≈?``: the action, the event id and its flags."""
    text = Text(no_wrap=True)
    text.append(clean(entry.label), style="bold")
    text.append(" ")
    text.append(clean(entry.event_id))
    flags = ("≈" if entry.approximate else "") + ("?" if entry.uncertain else "")
    if flags:
        text.append(f" {flags}", style="dim")
    return text


def cell_text(entries: Sequence[Entry]) -> Text:
    """Up to ``CELL_LINES`` entries, then how many more (Enter lists them all)."""
    if not entries:
        return Text("·", style="dim")
    shown = entries if len(entries) <= CELL_LINES else entries[: CELL_LINES - 1]
    text = Text("\n").join(entry_text(e) for e in shown)
    if len(shown) < len(entries):
        text.append(f"\n… {len(entries) - len(shown)} more (Enter lists them)", style="dim")
    return text


def column_order(result: Board) -> list[Platform]:
    """The board's platforms, those with the most measures in force first, then by name.

    The busiest columns are the ones a reader comes for (Telegram and WhatsApp in Russia), and
    they must not sit off-screen behind an alphabet of platforms with one law each. Events
    without platforms ("(none)") come last whatever their number.
    """
    counts: Counter[str] = Counter()
    for (_country, key), entries in result.cells.items():
        counts[key] += len(entries)
    return sorted(
        result.platforms,
        key=lambda p: (p.key == "", -counts[p.key], p.label.casefold(), p.key),
    )


class BoardGrid(DataTable[Text]):
    """The board's table: the country column stays while the others scroll past it.

    No column is shown cut at the left edge, where the tail of its text would sit beside the
    country ("CN China  oval") and read as part of the next column: moving right scrolls on to
    the next column's start, and a column still cut there (at the end of the table, or after a
    mouse scroll) is drawn blank.
    """

    def _fixed_width(self) -> int:
        columns = self.ordered_columns[: self.fixed_columns]
        return sum(column.get_render_width(self) for column in columns)

    def _first_whole_column(self, from_x: int) -> int:
        """Where the first scrolling column that starts at or after ``from_x`` starts."""
        start = self._fixed_width()
        for column in self.ordered_columns[self.fixed_columns :]:
            if start >= from_x:
                break
            start += column.get_render_width(self)
        return start

    def scroll_to_region(self, region: Region, **options: Any) -> Offset:
        """Bring ``region`` (the cursor's cell) into view, the first column shown whole.

        The least scroll to the right shows the cell at the right edge and cuts whatever column
        is then at the left; asking for a region as wide as the view and starting at a column's
        start scrolls a little further, to that start.
        """
        fixed = self._fixed_width()
        view = self.scrollable_content_region.width - fixed
        scroll_x = self.scroll_offset.x
        if (
            self.fixed_columns
            and fixed <= region.x
            and region.width < view
            and region.right > scroll_x + fixed + view
        ):
            least = region.right - view  # the view's left edge, in table columns, at least
            start = min(self._first_whole_column(least), region.x)
            region = Region(start, region.y, view, region.height)
        return super().scroll_to_region(region, **options)

    def render_line(self, y: int) -> Strip:
        strip = super().render_line(y)
        scroll_x = self.scroll_offset.x
        if not self.fixed_columns or scroll_x <= 0:
            return strip
        fixed = self._fixed_width()
        # Scrolled columns are drawn from x = fixed + scroll_x of the whole table onwards.
        view_start = fixed + scroll_x
        cut = min(self._first_whole_column(view_start) - view_start, strip.cell_length - fixed)
        if cut <= 0:
            return strip
        stub = strip.crop(fixed, fixed + cut)
        # Spaces in the stub's own styles: the row's background (and cursor) stay as they were.
        blank = Strip([Segment(" " * segment.cell_length, segment.style) for segment in stub], cut)
        return Strip.join([strip.crop(0, fixed), blank, strip.crop(fixed + cut)])


class AsOfScreen(ModalScreen[str | None]):
    """A day, and the measures in force that day by country (rows) and platform (columns).

    Dismissed with the id of an event chosen from a cell, or None (Esc). A modal screen that
    fills the terminal: the main screen's keys (``/``, ``t``, ``a``…) are off while it is up,
    so the footer shows only the board's own.

    ``events`` are the events to consider, or a function giving them for a day: the app passes
    one that asks the query index for ``asof:DAY`` (the same rule, answered from bitsets), so a
    board of a 100,000-event file only looks at the few thousand measures in force.

    | Key | Action |
    | :- | :- |
    | , / . (< / >) | a day earlier / later |
    | [ / ] | a month earlier / later |
    | { / } | a year earlier / later |
    | d | type a date: 2022, 2022-03, 2022-03-01 or today |
    | arrows, enter | move between cells; list the events of a cell |
    | escape | close the board |
    | ? | help |
    | q | quit the app |

    Columns are platforms, the most measures in force first (``column_order``).
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("comma", "move('day', -1)", "−day", key_display=",", tooltip="A day earlier"),
        Binding("full_stop", "move('day', 1)", "+day", key_display=".", tooltip="A day later"),
        Binding(
            "less_than_sign",
            "move('day', -1)",
            "−day",
            key_display="<",
            show=False,
            tooltip="A day earlier",
        ),
        Binding(
            "greater_than_sign",
            "move('day', 1)",
            "+day",
            key_display=">",
            show=False,
            tooltip="A day later",
        ),
        Binding(
            "left_square_bracket",
            "move('month', -1)",
            "−month",
            key_display="[",
            tooltip="A month earlier",
        ),
        Binding(
            "right_square_bracket",
            "move('month', 1)",
            "+month",
            key_display="]",
            tooltip="A month later",
        ),
        Binding(
            "left_curly_bracket",
            "move('year', -1)",
            "−year",
            key_display="{",
            tooltip="A year earlier",
        ),
        Binding(
            "right_curly_bracket",
            "move('year', 1)",
            "+year",
            key_display="}",
            tooltip="A year later",
        ),
        Binding("d", "type_date", "Date", tooltip="Type a date (2022, 2022-03, 2022-03-01, today)"),
        Binding("escape", "close", "Close", tooltip="Close the board (or the date box)"),
        # The app's own keys, which a modal screen would otherwise swallow.
        Binding("question_mark", "app.help", "Help", key_display="?"),
        Binding("q", "app.quit", "Quit"),
    ]

    DEFAULT_CSS = """
    AsOfScreen { layout: vertical; background: $background; }
    AsOfScreen #asof-title {
        height: 1; padding: 0 1; background: $panel; text-wrap: nowrap; text-overflow: ellipsis;
    }
    AsOfScreen #asof-note { height: auto; padding: 0 1; color: $text-muted; }
    AsOfScreen #asof-date { display: none; margin: 0 1; }
    AsOfScreen #asof-date.-visible { display: block; }
    AsOfScreen #asof-grid { height: 1fr; }
    AsOfScreen #asof-empty { display: none; padding: 1 2; color: $text-warning; }
    AsOfScreen.-empty #asof-empty { display: block; }
    AsOfScreen.-empty #asof-grid { display: none; }
    """

    def __init__(
        self,
        events: Sequence[Event] | EventsOn,
        day: date,
        today: date,
        *,
        scope: str = "",
    ) -> None:
        super().__init__()
        self._events_on: EventsOn = events if callable(events) else (lambda _day: events)
        self._events: Sequence[Event] = ()  # those the board on screen was computed from
        self._day = day
        self._today = today
        self._scope = scope
        self._board: Board | None = None

    # -- the model ---------------------------------------------------------------------------

    @property
    def day(self) -> date:
        return self._day

    @property
    def board(self) -> Board | None:
        """The board on screen (None until the first one is computed)."""
        return self._board

    def compose(self) -> ComposeResult:
        yield Static(id="asof-title")
        yield Static(id="asof-note")
        yield Input(
            placeholder="A date: 2022, 2022-03, 2022-03-01 or today (Enter)", id="asof-date"
        )
        yield BoardGrid(id="asof-grid", cursor_type="cell")
        yield Static(id="asof-empty")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one(DataTable).focus()
        self._update()

    def set_day(self, day: date) -> None:
        self._day = day
        self._update()

    def _update(self) -> None:
        self._show_title(updating=True)
        events = self._events_on(self._day)
        if len(events) <= SYNC_LIMIT:
            self._show_board(board(events, self._day, self._today), events)
        else:
            self._board_worker(events, self._day)

    # A description, so Textual does not build one from repr() of thousands of events.
    @work(
        thread=True,
        exclusive=True,
        group="asof-board",
        exit_on_error=False,
        description="as-of board",
    )
    def _board_worker(self, events: Sequence[Event], day: date) -> None:
        worker = get_current_worker()
        result = board(events, day, self._today)
        if not worker.is_cancelled:
            self.app.call_from_thread(self._board_ready, result, events)

    def _board_ready(self, result: Board, events: Sequence[Event]) -> None:
        if result.day == self._day:  # a newer date is on its way otherwise
            self._show_board(result, events)

    # -- drawing -----------------------------------------------------------------------------

    def _show_title(self, updating: bool = False) -> None:
        title = Text(no_wrap=True, overflow="ellipsis")
        title.append("In force on ")
        title.append(long_date(self._day), style="bold")
        b = self._board if self._board is not None and self._board.day == self._day else None
        if b is not None:
            measures = len({e.event_id for entries in b.cells.values() for e in entries})
            title.append(
                f"  ·  {measures} measure{'s' if measures != 1 else ''} in "
                f"{len(b.countries)} countr{'ies' if len(b.countries) != 1 else 'y'}"
            )
        elif updating:
            title.append("  ·  updating…", style="dim")
        if self._scope:
            title.append(f"  ·  {clean(self._scope)}", style="dim")
        self.query_one("#asof-title", Static).update(title)
        note = Text()
        if self._day > self._today:
            note.append(
                f"After today ({self._today.isoformat()}): measures without an end are assumed "
                "to continue (marked ?).\n"
            )
        note.append("≈ partial date: may not have started or ended that day · ")
        note.append("? status unknown, or after today · ")
        note.append("Enter: a cell's events · d: type a date · Esc: close")
        self.query_one("#asof-note", Static).update(note)

    def _show_board(self, result: Board, events: Sequence[Event]) -> None:
        self._board = result
        self._events = events
        table = self.query_one(DataTable)
        keep = self._cursor_keys()
        old = table.cursor_coordinate
        table.clear(columns=True)
        table.add_column(Text("Country"), key=COUNTRY_COLUMN)
        platforms = column_order(result)
        for platform in platforms:
            table.add_column(Text(clean(platform.label)), key=f"p:{platform.key}")
        for country in result.countries:
            cells = [Text(f"{clean(country.code)} {clean(country.name)}", style="bold")]
            height = 1
            for platform in platforms:
                entries = result.cell(country.code, platform.key)
                height = max(height, min(len(entries), CELL_LINES))
                cells.append(cell_text(entries))
            table.add_row(*cells, height=height, key=country.code)
        table.fixed_columns = 1
        self._restore_cursor(keep, old)
        empty = self.query_one("#asof-empty", Static)
        empty.update(
            Text(
                f"Nothing was in force on {long_date(self._day)} among these events.\n"
                "Move the date with , . [ ] { } or type one with d."
            )
        )
        self.set_class(result.empty, "-empty")
        self._show_title()

    def _cursor_keys(self) -> tuple[str, str] | None:
        table = self.query_one(DataTable)
        if not table.row_count:
            return None
        try:
            cell = table.coordinate_to_cell_key(table.cursor_coordinate)
        except CellDoesNotExist:
            return None
        return str(cell.row_key.value), str(cell.column_key.value)

    def _restore_cursor(self, keys: tuple[str, str] | None, old: Coordinate) -> None:
        """Keep the cursor on the same country and platform when both are still shown."""
        table = self.query_one(DataTable)
        if not table.row_count:
            return
        row, column = old.row, old.column
        if keys is not None:
            # A country or platform that left the board leaves the cursor where it was.
            with suppress(RowDoesNotExist):
                row = table.get_row_index(keys[0])
            with suppress(ColumnDoesNotExist):
                column = table.get_column_index(keys[1])
        row = max(0, min(row, table.row_count - 1))
        column = max(0, min(column, len(table.columns) - 1))
        table.cursor_coordinate = Coordinate(row, column)

    # -- cells -------------------------------------------------------------------------------

    def entries_at(self, country: str, column: str) -> list[Entry]:
        """A cell's entries; the country column gives every entry of the row, once each."""
        b = self._board
        if b is None:
            return []
        if column != COUNTRY_COLUMN:
            return list(b.cell(country, column.removeprefix("p:")))
        seen: dict[str, Entry] = {}
        for platform in b.platforms:
            for entry in b.cell(country, platform.key):
                seen.setdefault(entry.event_id, entry)
        return list(seen.values())

    @on(DataTable.CellSelected)
    def _cell_selected(self, message: DataTable.CellSelected) -> None:
        country = str(message.cell_key.row_key.value)
        column = str(message.cell_key.column_key.value)
        entries = self.entries_at(country, column)
        if not entries:
            self.notify("Nothing in force in this cell that day.", markup=False)
            return
        by_id = {e.id: e for e in self._events}
        items = []
        for entry in entries:
            event = by_id.get(entry.event_id)
            label = (
                f"{event.date.iso()}  {entry.label}  {event.title}  ({entry.event_id})"
                if event
                else entry.event_id
            )
            items.append((entry.event_id, label))
        title = f"In force on {long_date(self._day)}: show which event?"
        self.app.push_screen(PickScreen(title, items), self._picked)

    def _picked(self, event_id: str | None) -> None:
        if event_id:
            self.dismiss(event_id)

    # -- actions -----------------------------------------------------------------------------

    def action_move(self, unit: Unit, n: int) -> None:
        self.set_day(move(self._day, unit, n))

    def action_type_date(self) -> None:
        box = self.query_one("#asof-date", Input)
        box.add_class("-visible")
        box.value = ""
        box.focus()

    @on(Input.Submitted, "#asof-date")
    def _date_typed(self, message: Input.Submitted) -> None:
        # Read as the query reads asof: (one implementation): `today` too, the same wording.
        try:
            parsed = parse_date(message.value)
        except ValueError as exc:
            self.notify(clean(str(exc)), severity="error", markup=False)
            return
        self._close_date_box()
        self.set_day(self._today if parsed is None else parsed.start)

    def _close_date_box(self) -> None:
        self.query_one("#asof-date", Input).remove_class("-visible")
        self.query_one(DataTable).focus()

    def action_close(self) -> None:
        if self.query_one("#asof-date", Input).has_class("-visible"):
            self._close_date_box()
            return
        self.dismiss(None)


def asof_day(query: q.Query, today: date) -> date:
    """The day of the query's first ``asof:`` term (a period's first day), else today."""
    for term in query.terms:
        if term.field == "asof" and not term.negated and term.dates:
            first = term.dates[0]
            return first.start if first is not None else today
    return today


def board_for(
    query: q.Query, index: evaluate.Index, events: Sequence[Event], today: date
) -> AsOfScreen:
    """The board of the explorer's query, on its ``asof:`` day (else today).

    The board picks its own day, so the query's time terms are left out; the index answers
    `asof:DAY` (the board's own rule) so the board sees only measures in force."""
    kept = edit.without_fields(query.text, q.TIME_FIELDS)
    scope = "all events"
    if not q.parse(kept).is_empty:
        scope = f"events matching {printing.describe(q.parse(kept))}"

    def events_on(day: date) -> list[Event]:
        on_day = q.parse(edit.with_field(kept, "asof", day.isoformat()))
        return [events[i] for i in index.filter(on_day)]

    return AsOfScreen(events_on, asof_day(query, today), today, scope=scope)
