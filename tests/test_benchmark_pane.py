"""The benchmark's looks at a screen through a tmux control-mode client (benchmarks/run.py)."""

from __future__ import annotations

import io
import sys
from pathlib import Path
from types import SimpleNamespace

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))

import run


def asked(stream: str) -> str:
    """What a look gives when the control client sends ``stream``."""
    pane = object.__new__(run.Pane)
    pane._control = SimpleNamespace(stdin=io.StringIO(), stdout=io.StringIO(stream))
    return pane._ask("capture-pane -p -t bench1")


def test_a_screen_line_like_the_end_of_the_block_is_part_of_the_screen() -> None:
    # The output of a command is not escaped: only the guard's whole line (time, number and
    # flags of its %begin) ends it.
    screen = "top\n%end 1 270 1\n%error 0 270 1\nbottom\n"
    stream = f"%begin 1796612357 0 0\n%end 1796612357 0 0\n%begin 1796612357 270 1\n{screen}"
    assert asked(stream + "%end 1796612357 270 1\n") == screen


def test_a_client_gone_gives_an_empty_screen() -> None:
    assert asked("%begin 1796612357 270 1\ntop\n") == ""
    assert asked("%exit\n") == ""
