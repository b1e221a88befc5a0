"""The footer line: the keys the focused pane answers, as Textual's ``Footer`` shows them.

Textual's ``Footer`` mounts one widget per key (13 on the main screen) and mounts them all
again on every focus change; building and styling them cost the first frame 8% of its
instructions (122M of 1,601M, counted with valgrind) and ~18 ms (docs/performance.md). This is
one widget that draws the same line itself. It also keeps whole keys: where the line is too
short, the keys that do not fit are left out instead of one being cut mid-word. A click on a
key presses it, as in Textual's footer.
"""

from __future__ import annotations

from typing import ClassVar, NamedTuple

from rich.cells import cell_len
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.widget import Widget


class _Key(NamedTuple):
    start: int  # cells, for the mouse
    end: int
    key: str
    enabled: bool
    first: int  # characters, for styling
    last: int


class KeyFooter(Widget, can_focus=False):
    """One line docked at the bottom: `key description` for each key shown, the command
    palette's key on the right."""

    ALLOW_SELECT = False
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "key-footer--key",
        "key-footer--description",
        "key-footer--separator",
        "key-footer--hover",
    }
    DEFAULT_CSS = """
    KeyFooter {
        dock: bottom;
        height: 1;
        color: $footer-foreground;
        background: $footer-item-background;
        .key-footer--key {
            color: $footer-key-foreground;
            background: $footer-key-background;
            text-style: bold;
        }
        .key-footer--description {
            color: $footer-description-foreground;
            background: $footer-description-background;
        }
        .key-footer--separator {
            color: $foreground 20%;
        }
        .key-footer--hover {
            background: $block-hover-background;
        }
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._keys: list[_Key] = []
        self._hover: str | None = None  # the key under the mouse

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, _screen: object) -> None:
        self._hover = None  # the keys under the mouse may be others now
        self.refresh()

    def shown_bindings(self) -> tuple[list[tuple[Binding, bool]], tuple[Binding, bool] | None]:
        """The keys to show, one per action in the focused pane's order, and the palette's."""
        active = self.screen.active_bindings
        palette_key = self.app.COMMAND_PALETTE_BINDING if self.app.ENABLE_COMMAND_PALETTE else None
        keys: list[tuple[Binding, bool]] = []
        actions: set[str] = set()
        palette: tuple[Binding, bool] | None = None
        for key, (_node, binding, enabled, _tooltip) in active.items():
            if key == palette_key:
                palette = (binding, enabled)
            elif binding.show and binding.action not in actions:
                actions.add(binding.action)
                keys.append((binding, enabled))
        return keys, palette

    def render(self) -> Text:
        keys, palette = self.shown_bindings()
        key_style = self.get_component_rich_style("key-footer--key", partial=True)
        description_style = self.get_component_rich_style("key-footer--description", partial=True)
        hover_style = self.get_component_rich_style("key-footer--hover", partial=True)
        dim = Style(dim=True)
        width = self.size.width
        display = self.app.get_key_display
        # Widths are added up piece by piece: Text.cell_len measures the whole text each time.
        tail: list[tuple[str, Style]] = []
        if palette is not None:
            binding, enabled = palette
            separator = self.get_component_rich_style("key-footer--separator", partial=True)
            tail = [
                ("▏", separator),
                (f"{display(binding)} ", key_style + (Style() if enabled else dim)),
                (f"{binding.description} ", description_style + (Style() if enabled else dim)),
            ]
        tail_cells = sum(cell_len(text) for text, _ in tail)
        if tail_cells > width:
            tail, tail_cells = [], 0  # too narrow for the palette's key: the room is for keys
        line = Text(no_wrap=True, overflow="crop", end="")
        placed: list[_Key] = []
        cells = chars = 0
        for binding, enabled in keys:
            key_text, description = f" {display(binding)} ", f"{binding.description} "
            size = cell_len(key_text) + cell_len(description)
            if cells + size > width - tail_cells:
                break  # whole keys only: the rest are in the help (?) and the palette
            extra = Style() if enabled else dim
            line.append(key_text, key_style + extra)
            line.append(description, description_style + extra)
            length = len(key_text) + len(description)
            placed.append(_Key(cells, cells + size, binding.key, enabled, chars, chars + length))
            cells, chars = cells + size, chars + length
        if palette is not None and tail and cells + tail_cells <= width:
            line.append(" " * (width - tail_cells - cells))
            chars += width - tail_cells - cells
            for text, style in tail:
                line.append(text, style)
            start, first = width - tail_cells + 1, chars + 1  # after the separator
            last = chars + sum(len(text) for text, _ in tail)
            placed.append(_Key(start, width, palette[0].key, palette[1], first, last))
        for key in placed:
            if key.key == self._hover:
                line.stylize(hover_style, key.first, key.last)
        self._keys = placed
        return line

    def key_at(self, x: int) -> str | None:
        """The key drawn at column ``x`` (None between keys)."""
        for key in self._keys:
            if key.start <= x < key.end:
                return key.key
        return None

    def on_mouse_move(self, event: events.MouseMove) -> None:
        hover = self.key_at(event.x)
        if hover != self._hover:
            self._hover = hover
            self.refresh()

    def on_leave(self, _event: events.Leave) -> None:
        self._hover = None
        self.refresh()

    def on_click(self, event: events.Click) -> None:
        for key in self._keys:
            if key.start <= event.x < key.end:
                if key.enabled:
                    self.app.simulate_key(key.key)
                else:
                    self.app.bell()
                return
