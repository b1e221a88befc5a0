"""Where things are in a TOML text: lines and columns of table headers, keys and array elements.

tomllib returns plain data without positions, so errors would otherwise say only "event #7".
This module recovers positions from the text itself with one pass of a small, forgiving lexer.
It is meant for text that tomllib has accepted, but it never raises and always advances on any
text, so a bug here can cost a position, never a problem report.

Paths mirror the parsed data: ``("events", 3, "sources", 0, "url")``. Lines are counted on
``\\n`` only, as tomllib counts them (``str.splitlines`` would also split on U+2028 and friends,
which TOML allows inside strings and comments).
"""

from __future__ import annotations

import bisect
import re
from typing import Any

Path = tuple[str | int, ...]
Position = tuple[int, int]  # 1-based line and column

_EVENTS_HEADER = re.compile(r"^[ \t]*\[\[[ \t]*events[ \t]*\]\]", re.MULTILINE)
# Anything else that could define events: a quoted or spaced-out header, or an inline array.
_OTHER_EVENTS = re.compile(
    r"""^[ \t]*(?:\[\[[^\]\n]*["']events["']|["']?events["']?[ \t]*[.=])""", re.MULTILINE
)

_BLANK = re.compile(r"[ \t\r]*")
# Inside arrays (and, forgivingly, inline tables) newlines and comments may separate items.
_GAP = re.compile(r"(?:[ \t\r\n]|#[^\n]*)*")
_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
# Unterminated strings end at the line's end: the lexer must survive text tomllib rejected.
_BASIC = re.compile(r'"(?:[^"\\\n]|\\.)*"?')
_LITERAL = re.compile(r"'[^'\n]*'?")
# A date-time may contain one space ("1979-05-27 07:32:00Z"); other scalars run to a delimiter.
_SCALAR = re.compile(
    r"\d{4}-\d{2}-\d{2}(?:[Tt ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:[Zz]|[+-]\d{2}:\d{2})?)?"
    r"|[^\s,\]\}#\[\{\"']+"
)
# Beyond this nesting the lexer still skips values but records nothing: tomllib gives up far
# sooner, and ever longer paths would make pathological text quadratic.
_DEEPEST = 100
_ESCAPE = re.compile(r"\\(?:u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8})|x([0-9A-Fa-f]{2})|(.))", re.DOTALL)
_SIMPLE_ESCAPES = {"b": "\b", "t": "\t", "n": "\n", "f": "\f", "r": "\r", "e": "\x1b"}


def _unescape(body: str) -> str:
    """A basic string's escapes, so that ``"ti\\u0074le"`` is found as the key ``title``."""

    def one(match: re.Match[str]) -> str:
        code = match.group(1) or match.group(2) or match.group(3)
        if code:
            value = int(code, 16)
            return chr(value) if value <= 0x10FFFF else match.group()
        char = match.group(4)
        return _SIMPLE_ESCAPES.get(char, char)

    return _ESCAPE.sub(one, body) if "\\" in body else body


class Locator:
    """Answers "where is this path?" for a TOML text.

    ``positions`` maps every key, table header and array element found to where it starts; a
    key written as a dotted key or a header also places each of its prefixes (first one wins).
    """

    def __init__(self, text: str) -> None:
        self.text = text
        self.positions: dict[Path, Position] = {}
        self.headers: list[tuple[Path, int]] = []  # (path, 1-based line), in file order
        self._line_starts = [0, *(m.end() for m in re.finditer("\n", text))]
        self._counters: dict[Path, int] = {}
        self._scan()

    # -- queries -----------------------------------------------------------------------------

    def position(self, path: Path) -> Position | None:
        """The position of ``path``, else of its closest enclosing key, header or element."""
        for cut in range(len(path), 0, -1):
            found = self.positions.get(path[:cut])
            if found is not None:
                return found
        return None

    # -- scanning ----------------------------------------------------------------------------

    def _where(self, offset: int) -> Position:
        index = bisect.bisect_right(self._line_starts, offset) - 1
        return (index + 1, offset - self._line_starts[index] + 1)

    def _mark(self, path: Path, offset: int) -> None:
        if path and path not in self.positions:
            self.positions[path] = self._where(offset)

    def _scan(self) -> None:
        text, pos, n = self.text, 0, len(self.text)
        base: Path = ()
        while pos < n:
            pos = _BLANK.match(text, pos).end()  # type: ignore[union-attr]
            char = text[pos : pos + 1]
            if char == "[":
                base, pos = self._header(pos)
            elif char not in ("#", "\n", ""):
                pos = self._key_value(pos, base)
            # The next statement starts on the next line; a value that spans lines has
            # already been consumed, so this only skips a comment or text tomllib rejected.
            newline = text.find("\n", pos)
            pos = n if newline < 0 else newline + 1

    def _header(self, start: int) -> tuple[Path, int]:
        """A ``[table]`` or ``[[array]]`` header: the path it opens, and the offset after it."""
        is_array = self.text.startswith("[[", start)
        names, pos = self._key(start + (2 if is_array else 1))
        if not names:
            return (), pos
        path: Path = ()
        for depth, (name, _offset) in enumerate(names):
            path = (*path, name)
            if depth == len(names) - 1 and is_array:
                self._mark(path, start)
                index = self._counters.get(path, 0)
                self._counters[path] = index + 1
                path = (*path, index)
            elif path in self._counters:
                # A header below an array of tables continues its latest element, as in TOML.
                path = (*path, self._counters[path] - 1)
            self._mark(path, start)
        self.headers.append((path, self._where(start)[0]))
        return path, pos

    def _key(self, pos: int) -> tuple[list[tuple[str, int]], int]:
        """A (dotted) key: its names with their offsets, and the offset after it."""
        text, names = self.text, []
        while True:
            pos = _BLANK.match(text, pos).end()  # type: ignore[union-attr]
            char = text[pos : pos + 1]
            if char == '"':
                match = _BASIC.match(text, pos)
                assert match is not None  # the pattern matches any opening quote
                names.append((_unescape(match.group()[1:-1]), pos))
            elif char == "'":
                match = _LITERAL.match(text, pos)
                assert match is not None
                names.append((match.group()[1:-1], pos))
            else:
                match = _BARE_KEY.match(text, pos)
                if match is None:
                    return names, pos
                names.append((match.group(), pos))
            pos = _BLANK.match(text, match.end()).end()  # type: ignore[union-attr]
            if text[pos : pos + 1] != ".":
                return names, pos
            pos += 1

    def _key_value(self, start: int, base: Path) -> int:
        """A ``key = value`` statement under the table ``base``; returns the offset after it."""
        names, pos = self._key(start)
        path = base
        for name, offset in names:
            path = (*path, name)
            self._mark(path, offset)
        pos = _BLANK.match(self.text, pos).end()  # type: ignore[union-attr]
        if not names or self.text[pos : pos + 1] != "=":
            return pos
        pos = _BLANK.match(self.text, pos + 1).end()  # type: ignore[union-attr]
        return self._value(pos, path)

    def _value(self, pos: int, path: Path) -> int:
        """Skip one value, recording array elements and inline-table keys; returns its end.

        Iterative, with an explicit stack: nesting depth never meets Python's recursion limit.
        """
        text, n = self.text, len(self.text)
        # Each frame: [is_array, path, next element index]
        stack: list[list[Any]] = []
        pending: Path | None = path  # a value is expected here, for this path
        while True:
            if pending is not None:
                target, pending = pending, None
                char = text[pos : pos + 1]
                if char == "[":
                    stack.append([True, target, 0])
                    pos += 1
                elif char == "{":
                    stack.append([False, target, 0])
                    pos += 1
                else:
                    pos = self._scalar(pos)
            if not stack:
                return pos
            pos = _GAP.match(text, pos).end()  # type: ignore[union-attr]
            if pos >= n:
                return pos
            frame = stack[-1]
            char = text[pos]
            deep = len(stack) > _DEEPEST
            if char == ("]" if frame[0] else "}"):
                stack.pop()
                pos += 1
            elif char == ",":
                pos += 1
            elif frame[0]:
                element: Path = frame[1] if deep else (*frame[1], frame[2])
                frame[2] += 1
                self._mark(element, pos)
                pending = element
            else:
                names, after = self._key(pos)
                after = _BLANK.match(text, after).end()  # type: ignore[union-attr]
                if not names or text[after : after + 1] != "=":
                    # Not a key = value: give up on this table, never loop on the same spot.
                    stack.pop()
                    pos = max(after, pos + 1)
                    continue
                target = frame[1]
                for name, offset in names:
                    if not deep:
                        target = (*target, name)
                        self._mark(target, offset)
                pos = _BLANK.match(text, after + 1).end()  # type: ignore[union-attr]
                pending = target

    def _scalar(self, pos: int) -> int:
        """Skip a string, number, boolean or date; at least one character unless at the end."""
        text = self.text
        if text.startswith(('"""', "'''"), pos):
            return self._multiline(pos)
        char = text[pos : pos + 1]
        if char == '"':
            match = _BASIC.match(text, pos)
        elif char == "'":
            match = _LITERAL.match(text, pos)
        else:
            match = _SCALAR.match(text, pos)
        if match is None:
            return min(pos + 1, len(text)) if char not in ("\n", "") else pos
        return match.end()

    def _multiline(self, pos: int) -> int:
        text = self.text
        delim = text[pos : pos + 3]
        escapes = delim == '"""'
        i = pos + 3
        while True:
            j = text.find(delim, i)
            if j < 0:
                return len(text)
            if escapes:
                backslashes = 0
                k = j - 1
                while k >= i and text[k] == "\\":
                    backslashes += 1
                    k -= 1
                if backslashes % 2:
                    i = j + 1
                    continue
            # Up to two more quotes may end the content: '''it's'''' is "it's'".
            end = j + 3
            extra = 0
            while extra < 2 and text.startswith(delim[0], end):
                end += 1
                extra += 1
            return end


def event_header_lines(text: str, expected: int) -> list[int] | None:
    """1-based lines of the ``[[events]]`` tables (or inline event tables), in file order.

    Valid files take a regex fast path. It is exact when every event has a plain
    ``[[events]]`` header: then a header-like line inside a multi-line string makes the count
    differ, and the lexer decides. ``None`` when the events cannot be placed.
    """
    starts = [m.start() for m in _EVENTS_HEADER.finditer(text)]
    if len(starts) == expected and not _OTHER_EVENTS.search(text):
        result, line, previous = [], 1, 0
        for start in starts:
            line += text.count("\n", previous, start)
            previous = start
            result.append(line)
        return result
    positions = Locator(text).positions
    found = [positions.get(("events", index)) for index in range(expected)]
    if any(p is None for p in found):
        return None
    return [p[0] for p in found if p is not None]
