"""The sanitiser: nothing a terminal could act on survives; everything else passes unchanged."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tui.core.text.sanitize import clean, clean_block, quote

# What must never reach a terminal raw: C0 (bar tab and, in blocks, newline), DEL, C1, line
# separators, the bidi embeddings, overrides and isolates, and what hides text (deprecated
# format controls, interlinear annotations, tag characters outside an emoji flag).
UNSAFE = re.compile(
    "[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u206f"
    "\ufff9-\ufffb\ud800-\udfff]|(?<!\U0001f3f4)(?<![\U000e0030-\U000e007a])[\U000e0000-\U000e007f]"
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
        ("line\u2028sep", "line\\u2028sep"),
        ("para\u2029sep", "para\\u2029sep"),
        ("(\u206aswap)", "(\\u206aswap)"),  # deprecated: inhibit symmetric swapping
        ("shown\ufff9hidden\ufffaannotation\ufffb", "shown\\ufff9hidden\\ufffaannotation\\ufffb"),
        ("x\U000e0041\U000e0042", "x\\U000e0041\\U000e0042"),  # tags: invisible ASCII
        ("\U0001f3f4\U000e0041\U000e007f", "\U0001f3f4\\U000e0041\\U000e007f"),  # no flag
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


# Ordinary text in the scripts the timeline's readers use: joiners, marks, variation selectors
# and the other format characters that spelling needs pass unchanged (they were shown as
# "\u200c" and the like).
SCRIPTS = [
    "واتس\u200cاپ را فیلتر کرد",  # Persian: ZWNJ inside a word
    "می\u200cشود \u200fتلگرام\u200f",  # Persian: ZWNJ and RLM
    "حجب تطبيق تيليجرام\u061c 2018",  # Arabic: ALM
    "\u0600\u0661\u0662",  # Arabic number sign (Cf) before digits
    "חסימת טלגרם \u200e(2018)\u200e",  # Hebrew: LRM around a parenthesis
    "क्\u200dष और क्\u200cष",  # Devanagari: ZWJ and ZWNJ
    "family \U0001f468\u200d\U0001f469\u200d\U0001f467",  # emoji ZWJ sequence
    "\u2764\ufe0f \u0031\ufe0f\u20e3",  # variation selector 16, keycap
    "\U0001f3f4\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f",  # Scotland flag
    "zero\u200bwidth, word\u2060joiner, soft\u00adhyphen, \ufeffzwnbsp, nbsp\u00a0x",
]


@pytest.mark.parametrize("text", SCRIPTS)
def test_joiners_marks_and_script_format_characters_are_text(text: str) -> None:
    assert clean(text) == text
    assert clean_block(text) == text
    assert clean_block(f"{text}\n{text}") == f"{text}\n{text}"
    assert quote(text, 200) == f"'{text}'"
    assert "\\u" not in clean(text) and "\\U" not in clean(text)


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


SAFE_FORMAT = st.characters(whitelist_categories=("Cf",)).filter(
    lambda c: not UNSAFE.search(c) and not "\U000e0000" <= c <= "\U000e007f"
)


@given(
    st.text(
        alphabet=st.characters(blacklist_categories=("Cc", "Cf", "Cs", "Zl", "Zp")) | SAFE_FORMAT
    )
)
def test_printable_text_is_untouched(text: str) -> None:
    assert clean(text) == text
    assert clean_block(text) == text


@given(st.text(), st.integers(min_value=2, max_value=80))
def test_quote_respects_its_limit(text: str, limit: int) -> None:
    quoted = quote(text, limit)
    assert len(quoted) <= limit + 2
    assert not UNSAFE.search(quoted)
