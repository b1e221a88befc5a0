"""The sanitiser: nothing a terminal could act on survives; everything else passes unchanged."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tui.core.sanitize import clean, clean_block, quote

# What must never reach a terminal raw: C0 (bar tab and, in blocks, newline), DEL, C1, the
# bidi controls and the invisible format characters the module lists.
UNSAFE = re.compile(
    "[\x00-\x08\x0a-\x1f\x7f-\x9f\u061c\u200b-\u200f\u202a-\u202e\u2028\u2029"
    "\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb\ud800-\udfff]"
)


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("\x1b[31mred\x1b[0m", "\\x1b[31mred\\x1b[0m"),  # CSI colour
        ("\x1b[2J\x1b[H", "\\x1b[2J\\x1b[H"),  # clear screen
        ("\x1b]52;c;aGVsbG8=\x07", "\\x1b]52;c;aGVsbG8=\\x07"),  # OSC 52 clipboard write
        (
            "\x1b]8;;https://evil.example\x1b\\click\x1b]8;;\x1b\\",
            "\\x1b]8;;https://evil.example\\x1b\\click\\x1b]8;;\\x1b\\",
        ),  # OSC 8 hyperlink
        ("a\x9b31mb", "a\\x9b31mb"),  # C1 one-byte CSI
        ("a\x9d0;title\x9c", "a\\x9d0;title\\x9c"),  # C1 OSC ... ST
        ("a\x85b", "a\\x85b"),  # NEL
        ("bell\x07", "bell\\x07"),
        ("nul\x00", "nul\\x00"),
        ("del\x7f", "del\\x7f"),
        ("back\x08space", "back\\x08space"),
        ("cr\roverwrite", "cr\\x0doverwrite"),
        ("two\nlines", "two\\x0alines"),
        ("tab\there", "tab here"),
    ],
)
def test_controls_and_escape_sequences_are_made_visible(raw: str, shown: str) -> None:
    assert clean(raw) == shown


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("abc\u202edcba", "abc\\u202edcba"),  # right-to-left override
        ("\u202dx\u202c", "\\u202dx\\u202c"),  # LRO ... PDF
        ("\u202ax\u202b", "\\u202ax\\u202b"),  # embeddings
        ("\u2066x\u2069", "\\u2066x\\u2069"),  # LRI ... PDI isolate
        ("\u2067x\u2068", "\\u2067x\\u2068"),  # RLI, FSI
        ("\u200ex\u200f\u061c", "\\u200ex\\u200f\\u061c"),  # marks
        ("zero\u200bwidth", "zero\\u200bwidth"),
        ("line\u2028sep", "line\\u2028sep"),
        ("\ufeffbom", "\\ufeffbom"),
        ("lone\udcffsurrogate", "lone\\udcffsurrogate"),
    ],
)
def test_bidi_and_invisible_characters_are_made_visible(raw: str, shown: str) -> None:
    assert clean(raw) == shown
    assert clean_block(raw) == shown
    shown.encode("utf-8")  # printable anywhere: no lone surrogate survives


@pytest.mark.parametrize(
    "text",
    [
        "[bold red]x[/]",
        "[/]",
        "[@click=app.quit]q[/]",
        "[link=https://x]y[/link]",
        "[$accent]z",
        "\\[escaped]",
        "Roskomnadzor — «Telegram» 16 April 2018, 日本語, emoji 🎉",
        "tab-free plain text with 'quotes' and \"double quotes\"",
    ],
)
def test_printable_text_and_markup_look_alikes_pass_unchanged(text: str) -> None:
    # Not parsing markup is the UI's job; the sanitiser must neither escape nor strip it.
    assert clean(text) == text
    assert clean_block(text) == text


def test_clean_block_keeps_lines_and_tabs() -> None:
    assert clean_block("a\r\nb\n\tc") == "a\nb\n\tc"
    assert clean_block("a\x1b[1mb\rc") == "a\\x1b[1mb\\x0dc"
    assert clean_block("a\u2028b") == "a\\u2028b"


def test_quote_is_short_safe_and_never_cuts_an_escape() -> None:
    assert quote("x") == "'x'"
    assert quote("a" * 100) == "'" + "a" * 59 + "…'"
    long = quote("\x1b" * 40)
    assert long.endswith("\\x1b…'")  # whole escapes only
    assert len(long) <= 62
    assert quote("\x1b[31m") == "'\\x1b[31m'"


@given(st.text())
def test_clean_leaves_nothing_unsafe_and_is_idempotent(text: str) -> None:
    safe = clean(text)
    assert not UNSAFE.search(safe)
    assert "\t" not in safe
    assert clean(safe) == safe


@given(st.text())
def test_clean_block_leaves_only_newlines_and_tabs(text: str) -> None:
    safe = clean_block(text)
    assert not UNSAFE.search(safe.replace("\n", ""))
    assert "\r" not in safe
    assert clean_block(safe) == safe


@given(st.text(alphabet=st.characters(blacklist_categories=("Cc", "Cf", "Cs", "Zl", "Zp"))))
def test_printable_text_is_untouched(text: str) -> None:
    assert clean(text) == text
    assert clean_block(text) == text


@given(st.text(), st.integers(min_value=2, max_value=80))
def test_quote_respects_its_limit(text: str, limit: int) -> None:
    quoted = quote(text, limit)
    assert len(quoted) <= limit + 2
    assert not UNSAFE.search(quoted)
