"""The official toml-test suite through our loader: never a traceback, syntax judged right.

The suite is not copied into this repository. It is looked for beside the clone
(``../shared/toml-test``, as CI lays it out) and at ``/work/shared/toml-test``; when neither
exists, this module is skipped with that reason.

Valid files hold no events, so the loader must reject them for what they lack (``no events``,
unknown top-level keys), never for their syntax. Invalid files must give a TimelineError.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tui.core.files.load import load_bytes
from tui.core.files.locate import Locator
from tui.core.timeline.errors import TimelineError
from tui.core.timeline.event import Timeline

ROOT = Path(__file__).resolve().parent.parent
CANDIDATES = (ROOT.parent / "shared" / "toml-test", Path("/work/shared/toml-test"))
SUITE = next((c for c in CANDIDATES if (c / "valid").is_dir() and (c / "invalid").is_dir()), None)

if SUITE is None:
    pytest.skip(
        "toml-test suite not found at ../shared/toml-test or /work/shared/toml-test",
        allow_module_level=True,
    )
assert SUITE is not None

VALID = sorted((SUITE / "valid").rglob("*.toml"))
INVALID = sorted((SUITE / "invalid").rglob("*.toml"))

# What a file that tomllib cannot read is reported as; a valid file must show none of these.
UNREADABLE = ("TOML syntax:", "not UTF-8", "NUL character", "nested too deep", "too large")


def unreadable(message: str) -> bool:
    return any(words in message for words in UNREADABLE)


def name(path: Path) -> str:
    return str(path.relative_to(SUITE))


def test_the_suite_is_complete() -> None:
    assert len(VALID) > 200 and len(INVALID) > 450


@pytest.mark.parametrize("path", VALID, ids=name)
def test_valid_files_are_not_syntax_errors(path: Path) -> None:
    try:
        result = load_bytes(path.read_bytes(), name(path))
    except TimelineError as exc:
        for problem in exc.problems:
            assert not unreadable(problem.message), problem.format()
            assert "internal error" not in problem.message, problem.format()
        assert not exc.unreadable
    else:
        assert isinstance(result, Timeline)


@pytest.mark.parametrize("path", INVALID, ids=name)
def test_invalid_files_give_a_timeline_error(path: Path) -> None:
    data = path.read_bytes()
    with pytest.raises(TimelineError) as caught:
        load_bytes(data, name(path))
    problems = caught.value.problems
    assert all("internal error" not in p.message for p in problems)
    if _tomllib_rejects(data):
        # Rejected for what it is (a newer TOML may accept some of these files: then the
        # file is merely not a timeline, which the raise above already checked).
        assert unreadable(problems[0].message), problems[0].format()
        if problems[0].message.startswith("TOML syntax:"):
            assert problems[0].line is not None


def _tomllib_rejects(data: bytes) -> bool:
    try:
        tomllib.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError, RecursionError, ValueError):
        return True
    return False


def _paths(data: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    items = data.items() if isinstance(data, dict) else enumerate(data)
    for key, value in items:
        yield (*prefix, key)
        if isinstance(value, dict | list):
            yield from _paths(value, (*prefix, key))


@pytest.mark.parametrize("path", VALID, ids=name)
def test_the_locator_places_every_key_of_valid_files(path: Path) -> None:
    text = path.read_bytes().decode("utf-8-sig")
    locator = Locator(text)
    lines = text.split("\n")
    for where in _paths(tomllib.loads(text)):
        assert where in locator.positions, where
        line, column = locator.positions[where]
        here = lines[line - 1][column - 1 :]
        if isinstance(where[-1], str):
            assert here.startswith((where[-1], '"', "'", "[")), (where, here[:40])
