"""The help screen: every binding, read from the BINDINGS declarations so it cannot drift."""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from tui.core.query.language import SYNTAX


def describe_key(binding: Binding) -> str:
    keys = []
    for key in binding.key.split(","):
        key = key.strip()
        keys.append(binding.key_display or _pretty(key))
    return " ".join(dict.fromkeys(keys))


def _pretty(key: str) -> str:
    names = {
        "question_mark": "?",
        "slash": "/",
        "escape": "Esc",
        "backspace": "Backspace",
        "enter": "Enter",
        "space": "Space",
        "pageup": "PgUp",
        "pagedown": "PgDn",
        "home": "Home",
        "end": "End",
        "up": "↑",
        "down": "↓",
        "left": "←",
        "right": "→",
        "tab": "Tab",
        "shift+tab": "Shift+Tab",
    }
    if key in names:
        return names[key]
    if key.startswith("ctrl+"):
        return "Ctrl+" + key[5:].upper()
    return key


def binding_rows(groups: Iterable[tuple[str, Iterable[BindingType]]]) -> list[tuple[str, str, str]]:
    """(group, keys, description): keys that do the same thing share one row."""
    rows: list[tuple[str, str, str]] = []
    for group, bindings in groups:
        by_description: dict[str, list[str]] = {}
        for item in bindings:
            if not isinstance(item, Binding):
                continue
            description = item.tooltip or item.description
            by_description.setdefault(description, []).append(describe_key(item))
        for description, keys in by_description.items():
            rows.append((group, _compact(list(dict.fromkeys(keys))), description))
    return rows


def _compact(keys: list[str]) -> str:
    """``1, 2, … 9`` reads better as ``1–9``."""
    digits = [k for k in keys if k.isdigit()]
    if len(digits) > 2 and digits == [str(n) for n in range(int(digits[0]), int(digits[-1]) + 1)]:
        keys = [k for k in keys if not k.isdigit()] + [f"{digits[0]}–{digits[-1]}"]
    return ", ".join(keys)


class HelpBody(VerticalScroll):
    """The help's scrolling text: the arrows, PgUp/PgDn and Home/End (Textual's), and the
    list's letters."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j", "scroll_down", "Scroll down", show=False),
        Binding("k", "scroll_up", "Scroll up", show=False),
        Binding("g", "scroll_home", "Scroll to the top", show=False),
        Binding("G", "scroll_end", "Scroll to the bottom", show=False),
    ]


class HelpScreen(ModalScreen[None]):
    """Every key, from the same declarations the footer and command palette read."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,question_mark,q", "dismiss", "Close help"),
    ]

    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > HelpBody {
        width: 90%; max-width: 100; height: 90%;
        border: round $primary; background: $surface; padding: 0 1;
    }
    """

    def __init__(self, groups: list[tuple[str, Iterable[BindingType]]]) -> None:
        super().__init__()
        self._groups = groups

    def compose(self) -> ComposeResult:
        keys = Table(box=None, expand=True, show_header=True, header_style="bold")
        keys.add_column("Where", style="dim", no_wrap=True)
        keys.add_column("Keys", style="bold", no_wrap=True)
        keys.add_column("What it does")
        for group, key_text, description in binding_rows(self._groups):
            keys.add_row(Text(group), Text(key_text), Text(description))
        query = Table(box=None, expand=True, show_header=False)
        query.add_column(style="bold", no_wrap=True)
        query.add_column()
        for row in SYNTAX:
            query.add_row(Text("  ".join(row.examples)), Text(row.meaning))
        with HelpBody():
            yield Static(Text("policy-tui — keys", style="bold"))
            yield Static(keys)
            yield Static(Text("\nThe search box (/) takes queries", style="bold"))
            yield Static(query)
            yield Static(
                Text(
                    "\nj / k scroll, g / G go to the top / bottom; Esc, ? or q closes this help.",
                    style="dim",
                )
            )
