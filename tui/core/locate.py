"""Where things are in a TOML text: lines and columns of table headers and keys.

tomllib returns plain data without positions, so errors would otherwise say only "event #7".
This module recovers positions from the text itself. It runs on text that tomllib has already
accepted, so it can be a small lexer: it only has to tell strings, comments and brackets apart.

Paths mirror the parsed data: ``("events", 3, "sources", 0, "url")``.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field

Path = tuple[str | int, ...]
Position = tuple[int, int]  # 1-based line and column

_HEADER = re.compile(r"[ \t]*(\[\[?)[ \t]*([^\]#]+?)[ \t]*\]\]?[ \t]*(?:#.*)?")
_EVENTS_HEADER = re.compile(r"^[ \t]*\[\[[ \t]*events[ \t]*\]\]", re.MULTILINE)
_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")


def _split_dotted(name: str) -> tuple[str, ...]:
    parts = []
    for part in re.findall(r'"(?:[^"\\]|\\.)*"|\'[^\']*\'|[^.]+', name):
        part = part.strip()
        if part[:1] in "\"'":
            part = part[1:-1]
        parts.append(part)
    return tuple(parts)


@dataclass
class Section:
    """A table header and the lines up to the next one."""

    line: int  # 1-based line of the header (0 for the keys before any header)
    path: Path
    end: int = 0  # first line of the next section (exclusive), 1-based
    positions: dict[Path, Position] | None = field(default=None, repr=False)


def _multiline_quote_state(line: str, state: str | None) -> str | None:
    """The open multi-line string delimiter after ``line``, given the one before it."""
    i, n = 0, len(line)
    while i < n:
        if state is not None:
            end = line.find(state, i)
            if end < 0:
                return state
            i = end + 3
            state = None
            continue
        ch = line[i]
        if ch == "#":
            return None
        if ch in "\"'":
            triple = ch * 3
            if line.startswith(triple, i):
                state = triple
                i += 3
                continue
            # A one-line string: skip to its closing quote.
            j = i + 1
            while j < n and line[j] != ch:
                j += 2 if (ch == '"' and line[j] == "\\") else 1
            i = j + 1
            continue
        i += 1
    return state


def scan_sections(lines: list[str]) -> list[Section]:
    """Every table header, skipping header-like lines inside multi-line strings."""
    sections = [Section(line=0, path=())]
    counters: dict[Path, int] = {}
    state: str | None = None
    for number, text in enumerate(lines, start=1):
        if state is None and "[" in text:
            match = _HEADER.fullmatch(text)
            if match:
                names = _split_dotted(match.group(2))
                is_array = match.group(1) == "[["
                sections.append(Section(line=number, path=_resolve(names, is_array, counters)))
                continue
        if '"""' in text or "'''" in text or state is not None:
            state = _multiline_quote_state(text, state)
    for before, after in itertools.pairwise(sections):
        before.end = after.line
    sections[-1].end = len(lines) + 1
    return sections


def _resolve(names: tuple[str, ...], is_array: bool, counters: dict[Path, int]) -> Path:
    """Turn a header's names into a data path, numbering arrays of tables as TOML does."""
    path: Path = ()
    for depth, name in enumerate(names):
        path = (*path, name)
        last = depth == len(names) - 1
        if last and is_array:
            index = counters.get(path, 0)
            counters[path] = index + 1
            # A new element resets the numbering of arrays nested below it.
            for key in [k for k in counters if len(k) > len(path) and k[: len(path)] == path]:
                del counters[key]
            path = (*path, index)
        elif path in counters:
            path = (*path, counters[path] - 1)
    return path


def event_header_lines(text: str, expected: int) -> list[int] | None:
    """1-based header lines of the ``[[events]]`` tables, fast.

    A regex finds candidates; when their number differs from the number of events the parser
    found (a header-like line inside a multi-line string), the careful scan decides.
    """
    starts = [m.start() for m in _EVENTS_HEADER.finditer(text)]
    if len(starts) == expected:
        result, line, previous = [], 1, 0
        for start in starts:
            line += text.count("\n", previous, start)
            previous = start
            result.append(line)
        return result
    sections = scan_sections(text.splitlines())
    found = [s.line for s in sections if len(s.path) == 2 and s.path[0] == "events"]
    return found if len(found) == expected else None


class _Lexer:
    """Records the position of every key and array element in one section."""

    def __init__(self, lines: list[str], first: int, end: int, base: Path) -> None:
        self.lines = lines
        self.line = first  # 0-based index into lines
        self.end = end
        self.col = 0
        self.base = base
        self.found: dict[Path, Position] = {}

    def _peek(self) -> str:
        while self.line < self.end:
            text = self.lines[self.line]
            while self.col < len(text) and text[self.col] in " \t\r":
                self.col += 1
            if self.col < len(text) and text[self.col] != "#":
                return text[self.col]
            self.line += 1
            self.col = 0
        return ""

    def _here(self) -> Position:
        return (self.line + 1, self.col + 1)

    def run(self) -> dict[Path, Position]:
        guard = 0
        while self._peek() and guard < 1_000_000:
            guard += 1
            if not self._key_value(self.base):
                self.line += 1
                self.col = 0
        return self.found

    def _key_value(self, path: Path) -> bool:
        start = self._here()
        names = self._key()
        if not names:
            return False
        self.found.setdefault((*path, names[0]), start)
        if self._peek() != "=":
            return False
        self.col += 1
        self._value((*path, *names))
        return True

    def _key(self) -> tuple[str, ...]:
        names: list[str] = []
        while True:
            ch = self._peek()
            text = self.lines[self.line] if self.line < self.end else ""
            if ch in "\"'":
                names.append(self._string())
            else:
                match = _BARE_KEY.match(text, self.col)
                if not match:
                    return tuple(names)
                names.append(match.group())
                self.col = match.end()
            if self._peek() != ".":
                return tuple(names)
            self.col += 1

    def _value(self, path: Path) -> None:
        ch = self._peek()
        if ch == "[":
            self.col += 1
            index = 0
            while (ch := self._peek()) and ch != "]":
                if ch == ",":
                    self.col += 1
                    continue
                self.found.setdefault((*path, index), self._here())
                self._value((*path, index))
                index += 1
            self.col += 1
        elif ch == "{":
            self.col += 1
            while (ch := self._peek()) and ch != "}":
                if ch == ",":
                    self.col += 1
                    continue
                if not self._key_value(path):
                    break
            self.col += 1
        elif ch in "\"'":
            self._string()
        elif ch:
            text = self.lines[self.line]
            j = self.col
            while j < len(text) and text[j] not in ",]}#":
                j += 1
            self.col = max(j, self.col + 1)

    def _string(self) -> str:
        text = self.lines[self.line]
        quote = text[self.col]
        triple = text.startswith(quote * 3, self.col)
        if triple:
            delim = quote * 3
            self.col += 3
            parts = []
            while self.line < self.end:
                text = self.lines[self.line]
                found = self._find_close(text, delim, self.col, quote == '"')
                if found >= 0:
                    # Up to two extra quotes may belong to the content.
                    while text.startswith(quote, found + 3):
                        found += 1
                    parts.append(text[self.col : found])
                    self.col = found + 3
                    return "\n".join(parts)
                parts.append(text[self.col :])
                self.line += 1
                self.col = 0
            return "\n".join(parts)
        j = self._find_close(text, quote, self.col + 1, quote == '"')
        value = text[self.col + 1 : j if j >= 0 else len(text)]
        self.col = (j + 1) if j >= 0 else len(text)
        return value

    @staticmethod
    def _find_close(text: str, delim: str, start: int, escapes: bool) -> int:
        i = start
        while True:
            j = text.find(delim, i)
            if j < 0 or not escapes:
                return j
            backslashes = 0
            k = j - 1
            while k >= start and text[k] == "\\":
                backslashes += 1
                k -= 1
            if backslashes % 2 == 0:
                return j
            i = j + 1


class Locator:
    """Answers "where is this path?" for a parsed TOML text, lexing sections on demand."""

    def __init__(self, text: str) -> None:
        self.lines = text.splitlines()
        self.sections = scan_sections(self.lines)

    def position(self, path: Path) -> Position | None:
        """The position of ``path``, else of the closest enclosing key or header found."""
        candidates = [s for s in self.sections if path[: len(s.path)] == s.path]
        for section in sorted(candidates, key=lambda s: len(s.path), reverse=True):
            found = self._positions(section)
            for cut in range(len(path), len(section.path), -1):
                if path[:cut] in found:
                    return found[path[:cut]]
            if section.line:
                text = self.lines[section.line - 1]
                return (section.line, len(text) - len(text.lstrip()) + 1)
        return None

    def header_line(self, path: Path) -> int | None:
        for section in self.sections:
            if section.path == path:
                return section.line
        return None

    def _positions(self, section: Section) -> dict[Path, Position]:
        if section.positions is None:
            first = section.line  # 0-based index of the line after the header
            lexer = _Lexer(self.lines, first, section.end - 1, section.path)
            section.positions = lexer.run()
        return section.positions
