"""The four private Textual hooks the app relies on exist, with the parameters it passes.

Each one saves a visible cost (docs/performance.md): a list that repaints before the screen's
next idle (``Widget._check_refresh``), the highlighted row kept in view on every size change
(``ScrollView._size_updated``), a date box rewritten without a layout pass
(``Input._watch_value``), pasted text cleaned before a text area inserts it
(``TextArea._on_paste``). pyproject.toml pins Textual to the minor series they were checked
against; this test is what fails first when a new series drops or changes one.
"""

from __future__ import annotations

import inspect

import pytest
from textual.scroll_view import ScrollView
from textual.widget import Widget
from textual.widgets import Input, TextArea

HOOKS = [
    (Widget, "_check_refresh", []),
    (ScrollView, "_size_updated", ["size", "virtual_size", "container_size", "layout"]),
    (Input, "_watch_value", ["value"]),
    (TextArea, "_on_paste", ["event"]),
]


@pytest.mark.parametrize(("cls", "name", "params"), HOOKS, ids=lambda x: getattr(x, "__name__", x))
def test_a_private_hook_the_app_uses_is_still_there(
    cls: type, name: str, params: list[str]
) -> None:
    hook = getattr(cls, name, None)
    assert callable(hook), f"{cls.__name__}.{name} is gone: see pyproject.toml's textual pin"
    found = [p for p in inspect.signature(hook).parameters if p != "self"]
    assert found == params, f"{cls.__name__}.{name} now takes {found}"
