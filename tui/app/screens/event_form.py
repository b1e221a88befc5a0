"""The add-event form (``n``, and ``c`` for a copy of the highlighted event).

Every field of the format, checked as you type by the loader's model; saving appends one
``[[events]]`` table through ``tui.core.files.write.append_event``. Nothing typed is ever lost: a
refused or failed save keeps the form open with its input, and Esc asks before discarding.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import ClassVar, cast

from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Button, Input, Label, Select, Static, TextArea

from tui.app.widgets.form_fields import FormInput, SourceRow, error_line, harmless
from tui.app.widgets.key_footer import KeyFooter
from tui.core.text.present import display_path
from tui.core.text.sanitize import clean, quote
from tui.core.timeline.draft import (
    DERIVED,
    SOURCE_KEYS,
    FormValues,
    check,
    notes,
    suggested_id,
    without_controls,
)
from tui.core.timeline.event import Action, Event, Status, Timeline

# key -> (label, placeholder) of the one-line text fields. A placeholder must never pass for a
# value: it is a format hint (YYYY-MM-DD) or says "e.g." before an example, and is drawn muted.
TEXT_FIELDS: dict[str, tuple[str, str]] = {
    "id": ("Id", "e.g. ru-2018-telegram-block (country-year-words)"),
    "title": ("Title", "one line, e.g. Roskomnadzor starts blocking Telegram"),
    "date": ("Date", "YYYY, YYYY-MM or YYYY-MM-DD"),
    "end_date": ("End date", "optional: YYYY, YYYY-MM or YYYY-MM-DD, when it ended"),
    "country": ("Country", "ISO code, e.g. RU, BR, IN; or EU"),
    "platforms": ("Platforms", "comma-separated, e.g. Telegram, WhatsApp"),
    "authority": ("Authority", "comma-separated, e.g. Roskomnadzor, Tagansky District Court"),
    "tags": ("Tags", "comma-separated, e.g. encryption, fsb-keys"),
    "related": ("Related", "comma-separated ids of events in this file"),
}
FIELD_ORDER = (
    "id", "title", "date", "end_date", "status", "country", "action",
    "platforms", "authority", "tags", "summary", "sources", "related",
)  # fmt: skip
STATUS_OPTIONS: list[tuple[str, str]] = [
    ("derived — from the action and the end date", DERIVED),
    *((status.value, status.value) for status in Status),
]
ACTION_OPTIONS: list[tuple[str, str]] = [
    (a.value if a.label == a.value else f"{a.value} — {a.label}", a.value) for a in Action
]


class FormTextArea(TextArea):
    """A multi-line field whose pasted text is cleaned of terminal control characters."""

    async def _on_paste(self, event: events.Paste) -> None:
        event.text = without_controls(event.text, block=True)
        await super()._on_paste(event)

    def get_line(self, line_index: int) -> Text:
        # As FormInput draws its value: what could reorder the terminal's text is drawn harmless.
        return harmless(super().get_line(line_index))


class ConfirmDiscard(ModalScreen[bool]):
    """Asks before the form's input is thrown away; True means discard."""

    CSS_PATH = "event_form.tcss"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "answer(True)", "Discard"),
        Binding("n,escape", "answer(False)", "Keep editing"),
    ]

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm"):
            yield Static(Text("Discard this new event?", style="bold"))
            yield Static(Text("Everything typed in the form will be lost."))
            with Horizontal(id="confirm-buttons"):
                yield Button("Keep editing (n)", id="keep", variant="primary")
                yield Button("Discard (y)", id="discard", variant="error")

    def on_mount(self) -> None:
        self.query_one("#keep", Button).focus()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "discard")

    def action_answer(self, discard: bool) -> None:
        self.dismiss(discard)


class EventForm(ModalScreen[str | None]):
    """A new event for the timeline file; dismissed with the saved event's id, or None.

    | Key | Action |
    | :- | :- |
    | ctrl+s | save: append the event to the file |
    | ctrl+n | add a source row |
    | ctrl+r | remove the source row that has the focus |
    | tab / shift+tab | next / previous field |
    | escape | cancel (asks first when anything was typed) |

    ``timeline`` and ``digest`` are asked each time they are needed: the app may reload the
    file while the form is open. The form saves against the digest it opened with; when the
    file changed since, the save is refused once, and the next save goes against what the app
    has loaded by then.
    """

    CSS_PATH = "event_form.tcss"
    # The title first. (Textual's default focused the first focusable widget: the scrolling
    # body, whose focus and then blur restyled all ~100 widgets twice, 30 ms each.)
    AUTO_FOCUS = "#f-title"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Save", priority=True),
        Binding("ctrl+n", "add_source", "Add source"),
        Binding("ctrl+r", "remove_source", "Remove source"),
        Binding("escape", "cancel", "Cancel"),
    ]

    def __init__(
        self,
        path: Path,
        *,
        timeline: Callable[[], Timeline],
        digest: Callable[[], str | None],
        values: FormValues | None = None,
        copy_of: str | None = None,
        shipped: bool = False,
    ) -> None:
        super().__init__()
        self.path = Path(path)
        self._timeline = timeline
        self._taken_from: Timeline | None = None
        self._taken_ids: set[str] = set()
        self._digest_source = digest
        self._digest = digest()
        self._copy_of = copy_of
        self._shipped = shipped
        start = values or FormValues({}, [{}])
        self._start = FormValues(dict(start.fields), [dict(s) for s in start.sources] or [{}])
        # The id suggestion and the checks come after the first paint (see on_mount).
        self._suggested = ""
        self._id_edited = bool(self._start.get("id"))
        self._initial: FormValues | None = None
        self._touched: set[str] = set()
        self._show_all = False
        self._shown: dict[str, tuple[str | None, str | None]] = {}
        self._controls: dict[str, Widget] = {}
        self._status_text = ""
        self._saving = False
        self.event: Event | None = None
        self.errors: dict[str, str] = {}
        self.notes: dict[str, str] = {}  # what the form changes in what was typed (`ru` -> RU)

    # -- layout ------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        with Vertical(id="form"):
            yield Static(self._title(), id="form-title")
            with VerticalScroll(id="form-body"):
                for key in FIELD_ORDER:
                    if key == "sources":
                        yield Label(Text("Sources (at least one)", style="bold"), id="sources-head")
                        with Vertical(id="sources"):
                            for number, row in enumerate(self._start.sources, start=1):
                                yield SourceRow(row, number=number)
                        yield Button("Add source (ctrl+n)", id="add-source", compact=True)
                        continue
                    with Horizontal(classes="field", id=f"field-{key}"):
                        yield Label(self._label(key), classes="label")
                        with Vertical(classes="control"):
                            yield self._control(key)
                            if key == "id":
                                hint = "suggested from country, year and title; type your own"
                                yield Static(Text(hint, style="dim"), id="id-hint")
            yield Static("", id="form-status")
            with Horizontal(id="form-buttons"):
                yield Button("Save (ctrl+s)", id="save", variant="primary", compact=True)
                yield Button("Cancel (esc)", id="cancel", compact=True)
        yield KeyFooter()

    def _label(self, key: str) -> str:
        if key in TEXT_FIELDS:
            return TEXT_FIELDS[key][0]
        return {"status": "Status", "action": "Action", "summary": "Summary"}[key]

    def _control(self, key: str) -> Widget:
        value = self._start.get(key)
        if key == "status":
            return Select(
                STATUS_OPTIONS,
                value=value or DERIVED,
                allow_blank=False,
                id="f-status",
                compact=True,
            )
        if key == "action":
            return Select(
                ACTION_OPTIONS,
                prompt="choose what the state did",
                value=value if value in {a.value for a in Action} else Select.NULL,
                id="f-action",
                compact=True,
            )
        if key == "summary":
            return FormTextArea(value, id="f-summary", soft_wrap=True, compact=True)
        _, placeholder = TEXT_FIELDS[key]
        return FormInput(
            value, placeholder=placeholder, id=f"f-{key}", compact=True, select_on_focus=False
        )

    def _title(self) -> Text:
        title = Text(no_wrap=False)
        if self._copy_of:
            title.append(f"New event, copied from {quote(self._copy_of)}", style="bold")
        else:
            title.append("New event", style="bold")
        title.append(" — saved at the end of ")
        shown = str(self.path.absolute()) if self._shipped else display_path(str(self.path))
        title.append(clean(shown), style="bold")
        if self._shipped:
            title.append("  (the timeline shipped with policy-tui)", style="italic")
        return title

    def on_mount(self) -> None:
        self._initial = self.values()
        # Checked once the form is on screen: the first check imports the loader's model
        # (pydantic, ~0.1 s) and the id suggestion reads every id in the file; a key typed
        # meanwhile waits for it, and the form shows at once.
        self.call_after_refresh(self._refresh)

    # -- reading and checking ----------------------------------------------------------------

    def _control_of(self, key: str) -> Widget:
        # Looked up once: a CSS query per field on every keystroke made typing sluggish.
        if key not in self._controls:
            self._controls[key] = self.query_one(f"#f-{key}")
        return self._controls[key]

    def _rows(self) -> list[SourceRow]:
        return [row for row in self.query_one("#sources").children if isinstance(row, SourceRow)]

    def values(self) -> FormValues:
        """Everything typed, as text."""
        fields: dict[str, str] = {}
        for key in TEXT_FIELDS:
            fields[key] = cast(Input, self._control_of(key)).value
        status = cast(Select[str], self._control_of("status")).value
        fields["status"] = status if isinstance(status, str) else DERIVED
        action = cast(Select[str], self._control_of("action")).value
        fields["action"] = action if isinstance(action, str) else ""
        fields["summary"] = cast(TextArea, self._control_of("summary")).text
        sources = [row.values() for row in self._rows()]
        return FormValues(fields, sources)

    def _taken(self) -> set[str]:
        timeline = self._timeline()
        if timeline is not self._taken_from:
            # The app replaces the Timeline object on reload; until then the set stays valid.
            self._taken_from = timeline
            self._taken_ids = {event.id for event in timeline.events}
        return self._taken_ids

    def _suggestion(self, values: FormValues) -> str:
        if not (values.get("country").strip() or values.get("title").strip()):
            return ""
        return suggested_id(values, self._taken())

    @on(Input.Changed)
    @on(Select.Changed)
    @on(TextArea.Changed)
    def _changed(self, event: Input.Changed | Select.Changed | TextArea.Changed) -> None:
        if self._initial is None:
            return  # composing: the snapshot is taken on mount
        # A value the form wrote itself is not the user choosing an id; clearing the field
        # hands the id back to the suggestion.
        if (
            isinstance(event, Input.Changed)
            and event.input.id == "f-id"
            and event.value != self._suggested
        ):
            self._id_edited = bool(event.value)
        self._refresh()

    def _refresh(self) -> None:
        values = self.values()
        if not self._id_edited:
            suggestion = self._suggestion(values)
            id_input = cast(Input, self._control_of("id"))
            if id_input.value != suggestion:
                self._suggested = suggestion
                id_input.value = suggestion  # posts Input.Changed, which refreshes again
                return
        hint_line = self.query_one("#id-hint", Static)
        hint_line.set_class(not self._id_edited, "-visible")
        self.event, self.errors = check(values, self._taken())
        self.notes = notes(values)
        self._show_errors(values)

    def _visible(self, key: str, value: str) -> bool:
        return self._show_all or key in self._touched or bool(value.strip())

    def _show_errors(self, values: FormValues) -> None:
        initial = self._initial or values
        for key in FIELD_ORDER:
            if key == "sources":
                continue
            value = values.get(key)
            if value != initial.get(key):
                self._touched.add(key)
            message = self.errors.get(key) if self._visible(key, value) else None
            note = None if message else self.notes.get(key)
            if self._shown.get(key) == (message, note):
                continue  # an unchanged line costs no layout: typing stays fast
            self._shown[key] = (message, note)
            shown = message or note
            line = error_line(self._control_of(key), shown)
            if line is not None:
                line.set_class(bool(note), "-note")
            self._control_of(key).set_class(bool(message), "-invalid")
        for index, row in enumerate(self._rows()):
            row_values = values.sources[index]
            row.touched.update(k for k, v in row_values.items() if v != row.initial.get(k, ""))
            row_errors = {
                key: message
                for key in row_values
                if (message := self.errors.get(f"sources.{index}.{key}"))
                and (self._show_all or key in row.touched or row_values[key].strip())
            }
            row.show_errors(row_errors)

    @property
    def dirty(self) -> bool:
        """True when anything differs from what the form opened with (an id the form
        suggested is not something typed)."""
        if self._initial is None:
            return False
        values, initial = self.values(), self._initial
        if not self._id_edited:
            values.fields["id"] = initial.fields.get("id", "")
        return values != initial

    # -- sources -----------------------------------------------------------------------------

    async def action_add_source(self) -> None:
        container = self.query_one("#sources", Vertical)
        row = SourceRow(number=len(container.children) + 1)
        await container.mount(row)
        self._focus_row(row)

    def _focus_row(self, row: SourceRow) -> None:
        row.input("publisher").focus()
        self._refresh()

    def _focused_row(self) -> SourceRow | None:
        node = self.focused
        while node is not None and not isinstance(node, SourceRow):
            node = node.parent  # type: ignore[assignment]
        return node

    async def action_remove_source(self, row: SourceRow | None = None) -> None:
        row = row or self._focused_row()
        if row is None:
            self._status("Move to a source row first (Tab), then press ctrl+r to remove it.")
            return
        rows = list(self._rows())
        if len(rows) == 1:
            self._status("An event needs at least one source: this row cannot be removed.")
            return
        position = rows.index(row)
        await row.remove()
        rest = self._rows()
        for number, other in enumerate(rest, start=1):
            other.set_number(number)
        self._focus_row(rest[min(position, len(rest) - 1)])

    @on(Button.Pressed, ".remove-source")
    async def _remove_pressed(self, event: Button.Pressed) -> None:
        row = event.button.parent.parent if event.button.parent else None
        if isinstance(row, SourceRow):
            await self.action_remove_source(row)

    @on(Button.Pressed, "#add-source")
    async def _add_pressed(self) -> None:
        await self.action_add_source()

    # -- saving and cancelling ---------------------------------------------------------------

    @on(Button.Pressed, "#save")
    def _save_pressed(self) -> None:
        self.action_save()

    @on(Button.Pressed, "#cancel")
    def _cancel_pressed(self) -> None:
        self.action_cancel()

    @property
    def status(self) -> str:
        """The line above the buttons: why a save was refused, or what is happening."""
        return self._status_text

    def _status(self, message: str, *, error: bool = False) -> None:
        self._status_text = clean(message)
        status = self.query_one("#form-status", Static)
        status.update(Text(clean(message)) if message else "")
        status.set_class(error, "-error")

    def action_save(self) -> None:
        if self._saving:
            return
        self._show_all = True
        self._refresh()
        if self.event is None or self.errors:
            count = len(self.errors)
            noun = "field needs" if count == 1 else "fields need"
            self._status(f"Not saved: {count} {noun} fixing (marked in red).", error=True)
            self._focus_first_error()
            return
        expected = self._digest or self._digest_source()
        if expected is None:
            self._status(
                "Not saved: the file on disk is not the one shown here (it changed and does not"
                " load); fix it — the problems panel says what is wrong — then save again."
                " Everything you typed is still here.",
                error=True,
            )
            return
        self._saving = True
        self._status("Saving…")
        self._save_worker(self.event, expected)

    def _focus_first_error(self) -> None:
        rows = list(self._rows())
        for key in FIELD_ORDER:
            if key == "sources":
                for index, row in enumerate(rows):
                    for name in SOURCE_KEYS:
                        if f"sources.{index}.{name}" in self.errors:
                            row.query_one(f".source-{name}", Input).focus()
                            return
            elif key in self.errors:
                self.query_one(f"#f-{key}").focus()
                return

    @work(thread=True, exclusive=True, group="save", exit_on_error=False)
    def _save_worker(self, event: Event, expected: str) -> None:
        from tui.core.files.write import WriteError, append_event  # with the loader: not at start

        try:
            append_event(self.path, event, expected)
        except WriteError as exc:
            self.app.call_from_thread(self._save_failed, exc.reason, exc.kind)
            return
        except Exception as exc:
            # A bug must not take the form (and the user's input) down with it.
            reason = f"internal error ({type(exc).__name__}); please report it"
            self.app.call_from_thread(self._save_failed, reason, "io")
            return
        self.app.call_from_thread(self._saved, event.id)

    def _save_failed(self, reason: str, kind: str) -> None:
        self._saving = False
        if kind == "changed":
            # Save against the app's reloaded data next time: the user has now been told.
            self._digest = None
            advice = (
                " The app reloads a valid file by itself; press ctrl+s again to save to the"
                " file as it is now."
            )
        elif kind == "duplicate":
            advice = " Choose another id."
        else:
            advice = ""
        self._status(
            f"Not saved: {reason}.{advice} Everything you typed is still here.", error=True
        )
        if kind == "duplicate":
            self._refresh()
            self.query_one("#f-id", Input).focus()

    def _saved(self, event_id: str) -> None:
        self._saving = False
        self.dismiss(event_id)

    def action_cancel(self) -> None:
        if self._saving:
            return
        if not self.dirty:
            self.dismiss(None)
            return

        def answered(discard: bool | None) -> None:
            if discard:
                self.dismiss(None)

        self.app.push_screen(ConfirmDiscard(), answered)
