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

# toml-rs recurses without a limit of its own: once per level of nested arrays (~1.3 KB of stack
# a level, a character each) and inline tables (~1.9 KB, three characters at least), and once
# per character of a run of "=" or of signs. A long enough text overflows a thread's usual
# stack: a crash, not an error. So it runs on a stack of 2 KB for each character of the text
# (``deep``), and a text longer than LONGEST goes to tomllib.
_STACK_PER_CHARACTER = 2048
LONGEST = 1 << 20
_MEGABYTE = 1 << 20
_local = threading.local()
_starting = threading.Lock()  # the stack size a thread starts with is the process's


def parse(chunk: str) -> dict[str, Any] | None:
    """A chunk's data as tomllib gives it, or None if it does not parse (the caller gives up).

    Two differences, both in data no timeline holds (its fields are never tables or ints, so
    the loader's checks refuse them and the careful path says why): toml-rs 0.4 accepts a
    dotted key that extends an array of tables through its parent table, and an int of more
    than ``sys.get_int_max_str_digits()`` digits."""
    # A byte-order mark at the start: toml-rs skips it, TOML 1.0 (tomllib) says no.
    if not chunk.startswith("\ufeff") and len(chunk) <= LONGEST:
        try:
            stack = len(chunk) * _STACK_PER_CHARACTER
            return deep(stack, toml_rs.loads, chunk, toml_version="1.0.0")
        except Exception:  # an error (tomllib says which), or no thread to be had
            pass
    try:
        return tomllib.loads(chunk)
    except (tomllib.TOMLDecodeError, RecursionError, ValueError):
        return None


def deep(stack: int, function: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """``function(*args, **kwargs)`` on a stack of at least ``stack`` bytes: in this thread if
    ``deep`` started it with as much, else in a thread started for the call."""
    if getattr(_local, "stack", 0) >= stack:
        return function(*args, **kwargs)
    size = -(-max(stack, 8 * _MEGABYTE) // _MEGABYTE) * _MEGABYTE
    done: list[T] = []
    failed: list[BaseException] = []

    def run() -> None:
        _local.stack = size
        try:
            done.append(function(*args, **kwargs))
        except BaseException as exc:
            failed.append(exc)

    with _starting:
        previous = threading.stack_size(size)
        try:
            thread = threading.Thread(target=run, name="policy-tui deep stack", daemon=True)
            thread.start()
        finally:
            threading.stack_size(previous)
    thread.join()
    if failed:
        raise failed[0]
    return done[0]


def deepest(function: Callable[[], T]) -> T:
    """``function()`` on a stack on which every ``parse`` runs in place (a worker's loop)."""
    return deep(LONGEST * _STACK_PER_CHARACTER, function)
