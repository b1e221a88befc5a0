"""A query printed for people (``describe``) and for shells (``command_line``)."""

from __future__ import annotations

import shlex

from tui.core.query.language import Query
from tui.core.text.sanitize import clean


def describe(query: Query) -> str:
    """``country: RU · platform: telegram, whatsapp · text: "block"`` (sanitised, one line)."""
    parts: list[str] = []
    texts: list[str] = []
    not_texts: list[str] = []
    for term in query.terms:
        if term.is_text:
            (not_texts if term.negated else texts).append(f'"{clean(term.values[0])}"')
            continue
        prefix = "not " if term.negated else ""
        parts.append(f"{prefix}{term.field}: " + ", ".join(clean(v) for v in term.values))
    if texts:
        parts.append("text: " + ", ".join(texts))
    if not_texts:
        parts.append("not text: " + ", ".join(not_texts))
    return " · ".join(parts) if parts else "all events"


def command_line(query_text: str, path: str | None, view: str | None = None) -> str:
    """The shell command that lists this view: ``policy-tui list PATH --query '...'``.

    Not sanitised: it is meant to be copied exactly; ``clean`` it before showing it.
    """
    words = ["policy-tui", "list"]
    if path:
        words.append(shlex.quote("./" + path if path.startswith("-") else path))
    for option, value in (("--view", view), ("--query", query_text.strip())):
        if value:
            # `--query=-x` keeps a leading '-' from being read as an option by any parser.
            sep = "=" if value.startswith("-") else " "
            words.append(f"{option}{sep}{shlex.quote(value)}")
    return " ".join(words)
