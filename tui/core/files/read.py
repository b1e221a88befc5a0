"""A timeline file's bytes -> text -> TOML data, each failure one TimelineError in plain words.

``read_bytes`` says why a file cannot be read, ``decode`` why its bytes are not UTF-8 text, and
``parse`` where its TOML is wrong, with a hint for the mistakes people make most by hand.
"""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO

from tui.core import tuning
from tui.core.text.sanitize import quote
from tui.core.timeline.errors import Problem, TimelineError

_BOM = b"\xef\xbb\xbf"
_TOML_POSITION = re.compile(r"\(at line (\d+), column (\d+)\)")
_QUOTED = r"""(?:'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")"""
_TOML_KEY_TUPLE = re.compile(rf"\({_QUOTED}(?:, ?{_QUOTED})*,?\)")
# Python refuses to convert integers longer than sys.get_int_max_str_digits() (4300).
_BIG_INTEGER = re.compile(r"[0-9][0-9_]{4000,}")


def read_bytes(path: Path) -> bytes:
    """The file's bytes, or a TimelineError (``unreadable``) saying plainly why not."""
    name = str(path)

    def fail(message: str) -> TimelineError:
        return TimelineError([Problem(name, message)], unreadable=True)

    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise fail("no such file") from None
    except IsADirectoryError:
        raise fail("is a folder, not a timeline file") from None
    except NotADirectoryError:
        raise fail("no such file: a part of the path is a file, not a folder") from None
    except PermissionError:
        raise fail("permission denied: you may not read this file") from None
    except OSError as exc:
        raise fail(f"cannot read: {exc.strerror or exc}") from None
    except ValueError:  # a NUL character in the name
        raise fail("cannot read: the file name contains a NUL character") from None


def decode(data: bytes, name: str) -> str:
    """UTF-8 bytes -> text, one leading byte-order mark dropped; else a TimelineError."""
    if data.startswith(_BOM):  # legal in TOML, but tomllib rejects it in the text
        data = data[len(_BOM) :]
    guess = _utf16_or_32(data)
    if guess:
        raise TimelineError(
            [Problem(name, f"not UTF-8; looks like {guess}: save it as UTF-8", line=1, column=1)]
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line_start = data.rfind(b"\n", 0, exc.start) + 1
        column = len(data[line_start : exc.start].decode("utf-8", "replace")) + 1
        line = data.count(b"\n", 0, exc.start) + 1
        bad = data[exc.start : exc.end].hex(" ")
        raise TimelineError(
            [
                Problem(
                    name,
                    f"not UTF-8: the byte {bad} cannot be read as text; save the file as UTF-8",
                    line=line,
                    column=column,
                )
            ]
        ) from None
    if "\x00" in text:  # never legal in TOML, and a sign of a wrong encoding
        offset = text.index("\x00")
        line = text.count("\n", 0, offset) + 1
        column = offset - (text.rfind("\n", 0, offset) + 1) + 1
        raise TimelineError(
            [Problem(name, "contains a NUL character, which TOML does not allow", line, column)]
        )
    return text


def text_blocks(file: BinaryIO, sha: Any) -> Iterator[str]:
    """A valid file's text, a block of whole lines at a time, its bytes hashed into ``sha`` as
    they are read: a big file is never held whole. ValueError at anything ``decode`` would
    refuse: the caller then reads the file whole to say where."""
    rest, first = b"", True
    while data := file.read(tuning.TEXT_BLOCK_BYTES):
        sha.update(data)
        if first:
            first = False
            data = data.removeprefix(_BOM)
            if _utf16_or_32(data):
                raise ValueError("not UTF-8")
        data = rest + data
        end = data.rfind(b"\n") + 1
        rest = data[end:]
        if end:
            yield _checked(data[:end].decode("utf-8"))
    if rest:
        yield _checked(rest.decode("utf-8"))


def _checked(text: str) -> str:
    if "\x00" in text:
        raise ValueError("a NUL character")
    return text


def _utf16_or_32(data: bytes) -> str | None:
    """``"UTF-16"``/``"UTF-32"`` when the bytes look like that (byte-order mark or NUL pattern)."""
    if data.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        return "UTF-32"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "UTF-16"
    head = data[:400]
    if len(head) >= 4 and head.count(b"\x00") * 4 >= len(head):
        # ASCII text in UTF-16 is every other byte NUL; in UTF-32, three bytes of four.
        if head.count(b"\x00") * 4 >= len(head) * 3 - 4:
            return "UTF-32"
        return "UTF-16"
    return None


def parse(text: str, name: str) -> dict[str, Any]:
    """TOML text -> data; every failure becomes a TimelineError with the parser's position."""
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        match = _TOML_POSITION.search(message)
        line = column = None
        if match:
            line, column = int(match.group(1)), int(match.group(2))
            message = message[: match.start()].rstrip()
        elif "end of document" in message:
            line = text.count("\n") + 1
            column = len(text) - (text.rfind("\n") + 1) + 1
            message = message.replace("(at end of document)", "").rstrip()
        message = _TOML_KEY_TUPLE.sub(_dotted, message)
        if line is not None and column is not None:
            message += _syntax_hint(message, text, line, column)
        raise TimelineError(
            [Problem(name, f"TOML syntax: {message}", line=line, column=column)]
        ) from None
    except RecursionError:
        line, column = deepest(text)
        raise TimelineError(
            [Problem(name, "arrays or tables nested too deep to read", line, column)]
        ) from None
    except ValueError as exc:  # int() refuses integers of more than sys.get_int_max_str_digits()
        found = _BIG_INTEGER.search(text)
        if not found:
            raise TimelineError([Problem(name, f"a value cannot be read: {exc}")]) from None
        limit = sys.get_int_max_str_digits()
        line = text.count("\n", 0, found.start()) + 1
        column = found.start() - (text.rfind("\n", 0, found.start()) + 1) + 1
        message = f"a number has more than {limit} digits: too large to read"
        raise TimelineError([Problem(name, message, line, column)]) from None


_DATE_ATTEMPT = re.compile(r"=[ \t]*\d{1,4}[-./]\d")
_DATE_HINT = '; dates are written 2018-04-16, "2018-04" or "2018"'


def _syntax_hint(message: str, text: str, line: int, column: int) -> str:
    """A plain-words hint for the mistakes people make most when writing TOML by hand."""
    lines = text.split("\n")
    source = lines[line - 1] if line <= len(lines) else ""
    here = source[column - 1 : column]
    if message == "Invalid value" and here.isalpha():
        return '; text must be in quotes: title = "…"'
    if message.startswith("Expected newline") and _DATE_ATTEMPT.search(source):
        return _DATE_HINT
    if message == "Cannot overwrite a value":
        return "; is a key given twice?"
    if message == "Illegal character '\\n'" and here in ("", "\r"):
        return '; a string is not closed on its line (text over several lines goes in """…""")'
    if message == "Invalid initial character for a key part":
        if not source[column - 1 :].strip():
            return "; { … } must fit on one line: write [[events.sources]] tables instead"
        if here == "}":
            return "; remove the comma before }"
    return ""


def _dotted(match: re.Match[str]) -> str:
    """tomllib names keys as tuples, ``('events', 'x')``; people write ``events.x``."""
    try:
        parts = ast.literal_eval(match.group())
    except (ValueError, SyntaxError):
        return match.group()
    return quote(".".join(str(p) for p in parts))


def deepest(text: str) -> tuple[int | None, int | None]:
    """Where brackets nest deepest (a hint for the reader; strings are skipped roughly)."""
    depth = best = 0
    where = None
    quote_char = ""
    for offset, char in enumerate(text):
        if quote_char:
            if char == quote_char or char == "\n":
                quote_char = ""
        elif char in "\"'":
            quote_char = char
        elif char in "[{":
            depth += 1
            if depth > best:
                best, where = depth, offset
        elif char in "]}":
            depth = max(depth - 1, 0)
    if where is None:
        return None, None
    line = text.count("\n", 0, where) + 1
    return line, where - (text.rfind("\n", 0, where) + 1) + 1
