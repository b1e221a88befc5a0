"""TOML 1.0, parsed fast: toml-rs (Rust) in its TOML 1.0 mode, tomllib where it says no.

The fast paths (the loader's chunks, the preview's head) parse with ``parse``; the careful path
keeps tomllib for its error positions. No pydantic here: the preview imports this before it.
"""

from __future__ import annotations

import threading
import tomllib
from collections.abc import Callable
from typing import Any, TypeVar

import toml_rs

T = TypeVar("T")

# toml-rs recurses once per level of nested arrays and inline tables, with no limit of its own
# (~2 KB of stack a level): nesting deep enough overflows the stack, a crash and not an error.
# It runs on a stack with 4 KB a level (``deep``), given a text with fewer brackets than that.
_STACK = 256 << 20
_LEVELS = _STACK >> 12
_local = threading.local()


def parse(chunk: str) -> dict[str, Any] | None:
    """A chunk's data as tomllib gives it, or None if it does not parse (the caller gives up)."""
    # A byte-order mark at the start: toml-rs skips it, TOML 1.0 (tomllib) says no.
    if not chunk.startswith("\ufeff") and chunk.count("[") + chunk.count("{") < _LEVELS:
        try:
            return deep(toml_rs.loads, chunk, toml_version="1.0.0")
        except Exception:  # an error (tomllib says which), or no thread to be had
            pass
    try:
        return tomllib.loads(chunk)
    except (tomllib.TOMLDecodeError, RecursionError, ValueError):
        return None


def deep(function: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """``function(*args, **kwargs)`` on a stack of ``_STACK`` bytes: in this thread if ``deep``
    started it, else in a thread started for the call."""
    if getattr(_local, "deep", False):
        return function(*args, **kwargs)
    done: list[T] = []
    failed: list[BaseException] = []

    def run() -> None:
        _local.deep = True
        try:
            done.append(function(*args, **kwargs))
        except BaseException as exc:
            failed.append(exc)

    previous = threading.stack_size(_STACK)
    try:
        thread = threading.Thread(target=run, name="policy-tui deep stack", daemon=True)
        thread.start()
    finally:
        threading.stack_size(previous)
    thread.join()
    if failed:
        raise failed[0]
    return done[0]
