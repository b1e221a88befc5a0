"""The add-event form's fields: the one-line input, a source row, and the line under a field
that says what is wrong with it. What the fields mean is ``tui.core.timeline.draft``.
"""

from __future__ import annotations

from typing import Any, ClassVar, cast

from rich.cells import cell_len
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widget import Widget
from textual.widgets import Button, Input, Label, Static

from tui.core.text.sanitize import clean, replace_unsafe
from tui.core.timeline.draft import SOURCE_KEYS, without_controls


class FormInput(Input):
    """A one-line field that never holds (and so never draws) a terminal control character.

    Its placeholder is an example or a format hint, never a value: muted and in italics, so an
    empty field does not look filled in.
    """

    DEFAULT_CSS = """
    FormInput > .input--placeholder {
        color: $text-disabled;
        text-style: italic;
    }
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # The form marks a field -invalid from its own checks; Textual's Input, validating on
        # every change and blur (with no validators: always valid), took the mark off at the
        # next keystroke whenever the field's message stayed the same.
        kwargs.setdefault("validate_on", ())
        super().__init__(*args, **kwargs)

    def validate_value(self, value: str) -> str:
        return without_controls(value)

    @property
    def _value(self) -> Text:
        # A value copied from the file (c) may hold what reorders the terminal's text (a bidi
        # override): the field keeps it, but draws a harmless character of the same width, so
        # the cursor arithmetic on the value still holds.
        return harmless(super()._value)


def harmless(text: Text) -> Text:
    """``text`` with each unsafe character drawn as one of the same width: a zero-width space,
    or a replacement mark, character for character so that spans and offsets stay put."""
    shown = replace_unsafe(
        text.plain, lambda char: "\u200b" if cell_len(char) == 0 else "\ufffd", block=True
    )
    if shown == text.plain:
        return text
    copy = text.copy()
    copy.plain = shown
    return copy


def error_text(message: str) -> Text:
    """An error from user input, safe to show: sanitised, and never read as markup."""
    return Text(clean(message))


def error_line(control: Widget, message: str | None) -> Static | None:
    """Show ``message`` on the line under ``control`` (None clears it); the line, if any.

    The line is made the first time it has something to say: a form opens with none of its
    ~20, which made opening it ~10% slower (each widget is composed, styled and laid out)."""
    parent = control.parent
    if not isinstance(parent, Widget):
        return None  # not mounted: nowhere to show it
    lines = [w for w in parent.children if w.has_class("error")]
    if not lines and not message:
        return None
    if lines:
        line = cast(Static, lines[0])
        line.update(error_text(message) if message else "")
    else:
        line = Static(error_text(message or ""), classes="error")
        parent.mount(line)  # last: below an id hint too
    line.set_class(bool(message), "-visible")
    return line


class SourceRow(Vertical):
    """One source: publisher, URL, title and date, each with its error line below it, then the
    row's Remove button: Tab reaches them in the order they are read."""

    DEFAULT_CSS = """
    SourceRow > .source-foot {
        height: 1;
        align-horizontal: right;
    }
    """

    PLACEHOLDERS: ClassVar[dict[str, str]] = {
        "publisher": "who published it, e.g. Reuters, Official Gazette",
        "url": "https://…",
        "title": "optional: the headline or document title",
        "date": "optional: YYYY, YYYY-MM or YYYY-MM-DD",
    }
    LABELS: ClassVar[dict[str, str]] = {
        "publisher": "Publisher",
        "url": "URL",
        "title": "Title",
        "date": "Date",
    }

    def __init__(self, values: dict[str, str] | None = None, *, number: int = 1) -> None:
        super().__init__(classes="source-row")
        self._values = values or {}
        self._number = number
        # What the row started with, and the keys the user has changed since: an empty
        # required field is flagged only once touched (or on save), not while still unvisited.
        self.initial = {key: self._values.get(key, "") for key in SOURCE_KEYS}
        self.touched: set[str] = set()
        self._shown: dict[str, str | None] = {}
        self._inputs: dict[str, Input] = {}

    def compose(self) -> ComposeResult:
        with Horizontal(classes="source-head"):
            yield Label(Text(f"Source {self._number}", style="bold"), classes="source-number")
        for key in SOURCE_KEYS:
            with Horizontal(classes="field"):
                yield Label(self.LABELS[key], classes="label")
                with Vertical(classes="control"):
                    yield FormInput(
                        self._values.get(key, ""),
                        placeholder=self.PLACEHOLDERS[key],
                        classes=f"source-{key}",
                        compact=True,
                        select_on_focus=False,
                    )
        # Below the fields, not beside "Source N": focus follows the widgets' order, and a Tab
        # from the summary must reach the publisher, not this button.
        with Horizontal(classes="source-foot"):
            yield Button("Remove source", classes="remove-source", compact=True)

    def set_number(self, number: int) -> None:
        self._number = number
        self.query_one(".source-number", Label).update(Text(f"Source {number}", style="bold"))

    def input(self, key: str) -> Input:
        if key not in self._inputs:
            self._inputs[key] = self.query_one(f".source-{key}", Input)
        return self._inputs[key]

    def values(self) -> dict[str, str]:
        return {key: self.input(key).value for key in SOURCE_KEYS}

    def show_errors(self, errors: dict[str, str]) -> None:
        """``errors`` by source key (``url``); a key that is not given clears its line."""
        for key in SOURCE_KEYS:
            message = errors.get(key)
            if self._shown.get(key) == message:
                continue  # unchanged: no layout pass while typing
            self._shown[key] = message
            error_line(self.input(key), message)
            self.input(key).set_class(bool(message), "-invalid")
