"""User text -> text that is safe to put on a terminal, in the TUI and the CLI alike.

**The rule.** A character is *unsafe* — shown escaped (``\\x1b``, ``\\u202e``) instead of sent
raw — when a terminal would act on it or when it can reorder or hide the text a reader sees:

- *controls*: C0 (U+0000–U+001F; ESC starts CSI, OSC 52 clipboard writes and OSC 8 links), DEL
  and C1 (U+0080–U+009F, where 0x9B is a one-byte CSI). A tab becomes a space on one line and
  stays in a block; a newline stays in a block only (CRLF is folded to it).
- *line and paragraph separators* (U+2028, U+2029): line breaks that a line may not hold.
- *bidi embeddings, overrides and isolates* (U+202A–U+202E, U+2066–U+2069): they reorder what
  a reader sees ("Trojan Source").
- *what hides or disguises text*: the interlinear annotation controls (U+FFF9–U+FFFB), the
  deprecated format controls (U+206A–U+206F; they swap mirrored brackets and digit shapes) and
  tag characters (U+E0000–U+E007F, invisible ASCII) except in an emoji tag sequence such as
  the flag of Scotland (U+1F3F4, 2–7 tag letters or digits, U+E007F).
- lone surrogates (from a file name that is not UTF-8): they cannot be encoded for output.

Everything else is ordinary text and passes unchanged, including the invisible characters that
spelling needs: the zero-width non-joiner and joiner (U+200C, U+200D: Persian ``واتس‌اپ``,
Devanagari ``क्‍ष``, emoji sequences such as 👨‍👩‍👧), the direction marks LRM, RLM and ALM
(U+200E, U+200F, U+061C), variation selectors (U+FE0F, Mn, not Cf), the zero-width space and
word joiner, the soft hyphen, U+FEFF and the other format characters (category Cf) that
scripts use, such as the Arabic number signs (U+0600–U+0605).

The loader (``tui.core.timeline.model``), the JSON Schema and the event form take their control
characters from here (``controls``). The result is plain text; callers must still never hand
it to a markup parser — the UI wraps it in ``Text``/``Content`` objects.
"""

from __future__ import annotations

import re
from collections.abc import Callable


def controls(keep: str = "") -> str:
    r"""The control characters (C0, DEL, C1) but those in ``keep``, as the inside of a regex
    character class (``\x00-\x08\x0b-\x1f\x7f-\x9f`` for ``keep="\t\n"``); valid in Python and
    in JSON Schema (ECMA-262) patterns alike."""
    codes = [c for c in [*range(0x20), *range(0x7F, 0xA0)] if chr(c) not in keep]
    ranges: list[list[int]] = []
    for code in codes:
        if ranges and ranges[-1][1] == code - 1:
            ranges[-1][1] = code
        else:
            ranges.append([code, code])
    return "".join(f"\\x{a:02x}" if a == b else f"\\x{a:02x}-\\x{b:02x}" for a, b in ranges)


# The characters that reorder text: bidi embeddings and overrides (LRE RLE PDF LRO RLO) and
# isolates (LRI RLI FSI PDI).
BIDI_CONTROLS = r"\u202a-\u202e\u2066-\u2069"
# Line breaks other than the newline.
SEPARATORS = r"\u2028\u2029"
# What hides or disguises text: deprecated format controls, interlinear annotations, tags.
_HIDING = r"\u206a-\u206f\ufff9-\ufffb\U000e0000-\U000e007f"
_SURROGATES = r"\ud800-\udfff"
# An emoji tag sequence (the flags of Scotland, England, Wales…) is text: kept whole.
_EMOJI_TAGS = r"\U0001f3f4[\U000e0030-\U000e0039\U000e0061-\U000e007a]{2,7}\U000e007f"


def _pattern(keep: str) -> re.Pattern[str]:
    unsafe = controls(keep) + SEPARATORS + BIDI_CONTROLS + _HIDING + _SURROGATES
    return re.compile(f"(?P<text>{_EMOJI_TAGS})|[{unsafe}]")


_UNSAFE_LINE = _pattern("")
_UNSAFE_BLOCK = _pattern("\t\n")


def replace_unsafe(text: str, replace: Callable[[str], str], *, block: bool = False) -> str:
    """``text`` with each unsafe character (see the module's rule) replaced by ``replace(char)``.

    With ``block``, tabs and newlines are text; otherwise they are unsafe too.
    """
    if text.isprintable():  # fast path: most text needs nothing
        return text
    pattern = _UNSAFE_BLOCK if block else _UNSAFE_LINE
    return pattern.sub(lambda m: m.group() if m.group("text") else replace(m.group()), text)


def _visible(char: str) -> str:
    code = ord(char)
    if char == "\t":
        return " "
    if code <= 0xFF:
        return f"\\x{code:02x}"
    if code <= 0xFFFF:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


def clean(text: str) -> str:
    """One line: every unsafe character, newlines included, shown escaped (tab -> space)."""
    return replace_unsafe(text, _visible)


def clean_block(text: str) -> str:
    """Multi-line text: newlines kept (CRLF folded), tabs kept, everything else as in `clean`."""
    return replace_unsafe(text.replace("\r\n", "\n"), _visible, block=True)


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
