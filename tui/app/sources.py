"""Leaving the app with an event: opening its sources' links and copying to the clipboard."""

from __future__ import annotations

from typing import Any

from textual.app import App

from tui.core.text.sanitize import clean, quote
from tui.core.timeline.event import Event


def open_source(app: App[Any], event: Event | None, number: int) -> None:
    """Open the event's source ``number`` (1-based) in a browser; only http(s) links."""
    if event is None:
        app.notify("No event selected.", severity="warning", markup=False)
        return
    if not 1 <= number <= len(event.sources):
        app.notify(
            f"This event has {len(event.sources)} source(s); there is no source {number}.",
            severity="warning",
            markup=False,
        )
        return
    url = event.sources[number - 1].url
    if not url.lower().startswith(("http://", "https://")):
        app.notify(
            f"Refused to open {quote(url)}: only http(s) links are opened.",
            severity="error",
            markup=False,
        )
        return
    if browser_available():
        app.open_url(url)
        app.notify(f"Opening {quote(url, 200)}", markup=False)
        return
    # Over SSH there is no browser to open: hand the URL over instead of failing silently.
    app.copy_to_clipboard(url)
    app.notify(
        f"No browser on this machine. The URL, sent to your terminal's clipboard "
        f"(OSC 52): {clean(url)}",
        severity="warning",
        markup=False,
        timeout=12,
    )


def copy_link(app: App[Any], event: Event | None) -> None:
    """The event's id and first source's URL, to the terminal's clipboard."""
    if event is None:
        return
    text = clean(f"{event.id} {event.sources[0].url}")
    app.copy_to_clipboard(text)
    app.notify(f"Sent to the terminal's clipboard (OSC 52): {text}", markup=False)


def copy_command(app: App[Any], command: str) -> None:
    """A shell command to the clipboard, exact (unsanitised: it is for pasting)."""
    app.copy_to_clipboard(command)
    app.notify(f"Sent to the terminal's clipboard (OSC 52): {clean(command)}", markup=False)


def browser_available() -> bool:
    """Whether opening a URL can show a browser: a desktop session, or $BROWSER set."""
    import os
    import sys
    import webbrowser

    if sys.platform in ("darwin", "win32") or os.environ.get("BROWSER"):
        return True
    if not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        return False  # e.g. SSH: a text browser would fight the app for the terminal
    try:
        webbrowser.get()
    except webbrowser.Error:
        return False
    return True
