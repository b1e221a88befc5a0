"""Saved views are checked when the file loads, so a broken one never reaches a teammate."""

from __future__ import annotations

import pytest

from tui.core.files.load import load_text
from tui.core.timeline.errors import TimelineError

EVENT = """
[[events]]
id = "ru-2018-x"
date = "2018"
title = "T"
country = "RU"
action = "law"
summary = "S"
sources = [{ publisher = "P", url = "https://example.org" }]
"""


def test_a_valid_view_loads() -> None:
    timeline = load_text('[views]\nru = "country:RU -action:lift"\n' + EVENT)
    assert timeline.views == {"ru": "country:RU -action:lift"}


def test_a_view_that_does_not_parse_is_a_problem_at_its_line() -> None:
    text = '[views]\nok = "country:RU"\nbroken = "platfrom:x"\n' + EVENT
    with pytest.raises(TimelineError) as caught:
        load_text(text, "t.toml")
    [problem] = caught.value.problems
    assert problem.line == 3
    assert problem.field == "views.broken"
    assert "unknown field 'platfrom'" in problem.message and "platform" in problem.message
