"""User text -> text that is safe to put on a terminal, in the TUI and the CLI alike.

Everything that a terminal could act on is made visible instead: C0 controls (ESC starts CSI,
OSC 52 clipboard writes and OSC 8 links), DEL, C1 controls (U+0080–U+009F, where 0x9B is a
one-byte CSI) and the bidi controls that can reorder what a reader sees ("Trojan Source").
The result is plain text; callers must still never hand it to a markup parser — the UI wraps it
in ``Text``/``Content`` objects.
"""

from __future__ import annotations

import re

# Bidi embeddings, overrides and isolates, plus the invisible marks that steer them.
_BIDI = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
# Other invisible format characters that hide text or change how it is read, and the
# interlinear annotation controls.
_INVISIBLE = "\u200b\u200c\u200d\u2028\u2029\u2060-\u2064\u206a-\u206f\ufeff\ufff9-\ufffb"
# Lone surrogates (from a file name that is not UTF-8) cannot be encoded for output at all.
_SURROGATES = "\ud800-\udfff"

_UNSAFE_LINE = re.compile(f"[\x00-\x1f\x7f-\x9f{_BIDI}{_INVISIBLE}{_SURROGATES}]")
_UNSAFE_BLOCK = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f{_BIDI}{_INVISIBLE}{_SURROGATES}]")


def _visible(match: re.Match[str]) -> str:
    char = match.group()
    code = ord(char)
    if char == "\t":
        return " "
    if code <= 0xFF:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}"


def clean(text: str) -> str:
    """One line: every control character, newlines included, shown escaped (tab -> space)."""
    if text.isprintable():  # fast path: most text needs nothing
        return text
    return _UNSAFE_LINE.sub(_visible, text)


def clean_block(text: str) -> str:
    """Multi-line text: newlines kept (CRLF folded), tabs kept, everything else as in `clean`."""
    text = text.replace("\r\n", "\n")
    if text.isprintable():
        return text
    return _UNSAFE_BLOCK.sub(_visible, text)


def quote(text: str, limit: int = 60) -> str:
    """A short, safe, quoted excerpt of user text for error messages."""
    safe = clean(text)
    if len(safe) > limit:
        # Cut the text, not its escaped form, so that no escape is left half-written.
        cut = text[: limit - 1]
        while len(clean(cut)) > limit - 1:
            cut = cut[:-1]
        safe = clean(cut) + "…"
    return f"'{safe}'"
