"""The explorer's screen."""

from __future__ import annotations

from textual.screen import Screen


class MainScreen(Screen[None]):
    """The explorer's screen: the list has the focus from the start. (With Textual's default,
    the search box took it first and gave it up in on_mount: two more styling passes and a
    footer update before the first frame.)"""

    AUTO_FOCUS = "#events"
