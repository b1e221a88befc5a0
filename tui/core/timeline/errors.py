"""The one error type the loader raises, carrying every problem found with its position."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from tui.core.text.sanitize import clean, quote


@dataclass(frozen=True, slots=True)
class Problem:
    path: str
    message: str
    line: int | None = None
    column: int | None = None
    event: str | None = None  # "'ru-2018-telegram-block'" or "#7": already display-ready
    field: str | None = None

    def __post_init__(self) -> None:
        # Everything but the path is shown as is by the CLI and the app: make it safe once,
        # here. The path stays raw because callers open it; format() cleans it for display.
        for name in ("message", "event", "field"):
            value = getattr(self, name)
            if value is not None:
                object.__setattr__(self, name, clean(value))

    def format(self) -> str:
        """``PATH:LINE:COL: error: event 'ID': FIELD: message`` — what editors and CI read."""
        where = clean(self.path)
        if self.line is not None:
            where += f":{self.line}:{self.column or 1}"
        parts = [f"{where}: error"]
        if self.event:
            parts.append(f"event {self.event}")
        if self.field:
            parts.append(clean(self.field))
        parts.append(clean(self.message))
        return ": ".join(parts)

    @property
    def sort_key(self) -> tuple[int, int]:
        return (self.line or 0, self.column or 0)


class TimelineError(Exception):
    """A timeline could not be loaded. ``problems`` lists every problem, in file order."""

    def __init__(self, problems: Iterable[Problem], *, unreadable: bool = False) -> None:
        self.problems: list[Problem] = sorted(problems, key=lambda p: p.sort_key)
        # True when the file could not be read at all (missing, a folder, no permission):
        # the CLI exits 2 for that, 1 for a file with problems.
        self.unreadable = unreadable
        super().__init__(self.format())

    def format(self) -> str:
        return "\n".join(p.format() for p in self.problems)


def did_you_mean(word: str, choices: Sequence[str]) -> str:
    """``; did you mean 'title'?`` or an empty string."""
    close = difflib.get_close_matches(word.lower(), choices, n=1, cutoff=0.6)
    return f"; did you mean {quote(close[0])}?" if close else ""
