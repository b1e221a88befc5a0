"""The problems panel: why the file on disk does not load, while the last good data stays shown."""

from __future__ import annotations

from rich.text import Text
from textual.containers import Vertical
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from tui.core.timeline.errors import Problem, TimelineError


class ProblemsPanel(Vertical):
    """Lists every problem as ``validate`` prints it; ``e`` opens the editor at the selected one.

    Empty until the first problem: most sessions never show it, and its list (an OptionList,
    styles and all) cost the app's first paint a few milliseconds.
    """

    DEFAULT_CSS = """
    ProblemsPanel {
        display: none;
        height: auto;
        max-height: 12;
        border-top: heavy $error;
        background: $error-muted;
    }
    ProblemsPanel.-visible { display: block; }
    ProblemsPanel > #problems-title { padding: 0 1; text-style: bold; }
    ProblemsPanel > OptionList { height: auto; max-height: 10; background: $surface; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.problems: list[Problem] = []

    def _list(self) -> OptionList | None:
        return self.query_one("#problems-list", OptionList) if self.children else None

    def show_error(self, error: TimelineError) -> None:
        self.problems = list(error.problems)
        count = len(self.problems)
        noun = "problem" if count == 1 else "problems"
        if error.unreadable:
            title = (
                "The file cannot be read now (see below); showing the last good version. "
                "This panel closes by itself when the file is back."
            )
        else:
            title = (
                f"The file on disk has {count} {noun}; showing the last good version. "
                "Fix and save: this panel closes by itself. p focuses this list; e opens "
                "the editor at the selected problem."
            )
        options = self._list()
        if options is None:
            options = OptionList(id="problems-list")
            self.mount(Static("", id="problems-title"), options)
        self.query_one("#problems-title", Static).update(Text(title))
        options.clear_options()
        # Problem.format() is already sanitised; Text keeps it from being read as markup.
        options.add_options([Option(Text(p.format())) for p in self.problems])
        if self.problems:
            options.highlighted = 0
        self.add_class("-visible")

    def focus_list(self) -> None:
        if (options := self._list()) is not None:
            options.focus()

    def clear(self) -> None:
        self.problems = []
        if (options := self._list()) is not None:
            options.clear_options()
        self.remove_class("-visible")

    # Not ``visible``: that is Widget's own (read-write, from the ``visibility`` style), and
    # this panel hides by ``display`` instead.
    @property
    def showing(self) -> bool:
        return self.has_class("-visible")

    @property
    def selected(self) -> Problem | None:
        options = self._list()
        index = options.highlighted if options is not None else None
        if index is None or not 0 <= index < len(self.problems):
            return self.problems[0] if self.problems else None
        return self.problems[index]
