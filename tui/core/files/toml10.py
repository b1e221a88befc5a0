"""TOML 1.0, parsed fast: rtoml (Rust) where it is sure to agree with tomllib, tomllib elsewhere.

The fast paths (the loader's chunks, the preview's head) parse with ``parse``; the careful path
keeps tomllib for its error positions. No pydantic here: the preview imports this before it.
"""

from __future__ import annotations

import re
import tomllib
from typing import Any

import rtoml

# What rtoml (TOML 1.1) accepts and TOML 1.0 (tomllib) rejects, as found with the toml-test
# suite: \x and \e escapes, times without seconds, a byte-order mark after the start, and inline
# tables over several lines or with a trailing comma. A chunk showing any sign of the first three
# is parsed by tomllib; inline tables are checked one by one (``inline_tables_are_toml10``).
# The definition, a regex, is in tests/test_perf_fastpaths.py; ``has_toml11_signs`` decides
# the same much faster. A time's colon: a literal first character lets the regex engine skip
# ahead with a fast scan, where the definition tries a match at every character; the hour
# before it is then checked where it stands.
_TIME_COLON = re.compile(r":\d\d(?!:)")
_HOUR = re.compile(r"(?<![\d:])\d\d")
# Where an inline table can start: as a value, after "=", "[" or "," (comments and newlines may
# stand between in arrays), and the rest of its line. Matches inside strings only cost a check.
_INLINE_TABLE = re.compile(r"[=\[,](?:[ \t\r\n]|#[^\n]*)*\{(?=([^\n]*))")
_ONE_LINE_STRING = re.compile(r""""(?:[^"\\\n]|\\.)*"|'[^'\n]*'""")
_TRAILING_COMMA = re.compile(r",[ \t]*$")


def inline_tables_are_toml10(chunk: str) -> bool:
    """Whether every inline table in ``chunk`` sits on one line without a trailing comma.

    Conservative: nested tables, multi-line strings or comments inside a table answer False
    (tomllib then parses the chunk), never a wrong True.
    """
    for match in _INLINE_TABLE.finditer(chunk):
        line = match[1]
        if '"""' in line or "'''" in line:
            return False
        bare = _ONE_LINE_STRING.sub('""', line)
        close = bare.find("}")
        if close < 0:
            return False
        inside = bare[:close]
        if "{" in inside or "#" in inside or _TRAILING_COMMA.search(inside):
            return False
    return True


def has_toml11_signs(chunk: str) -> bool:
    """Whether ``chunk`` shows a sign of the first three (above): \\x or \\e escapes, a
    byte-order mark, a time without seconds; by substring scans and a literal-led regex."""
    # A backslash is rare and one character's search is far quicker than two characters'.
    if ("\\" in chunk and ("\\x" in chunk or "\\e" in chunk)) or "\ufeff" in chunk:
        return True
    colons = (match.start() for match in _TIME_COLON.finditer(chunk))
    return any(_HOUR.fullmatch(chunk, at - 2, at) for at in colons)


def parse(chunk: str) -> dict[str, Any] | None:
    """A chunk's data as tomllib gives it, or None if it does not parse (the caller gives up)."""
    # tomllib reads a CRLF inside a multi-line string as "\n", rtoml keeps the "\r" (which no
    # title or summary may hold): rtoml gets LF line ends. Outside strings a CRLF is a newline to
    # both, and a string on one line cannot hold one; a CR left over stood alone, which TOML 1.0
    # allows nowhere (and "\r\r\n" must not become a CRLF): tomllib says so.
    lf = chunk.replace("\r\n", "\n") if "\r" in chunk else chunk
    if (
        "\r" not in lf
        and not has_toml11_signs(lf)
        and ("{" not in lf or inline_tables_are_toml10(lf))
    ):
        try:
            return rtoml.loads(lf)
        except Exception:  # it rejects a few things tomllib reads (1e400): ask tomllib
            pass
    try:
        return tomllib.loads(chunk)
    except (tomllib.TOMLDecodeError, RecursionError, ValueError):
        return None
