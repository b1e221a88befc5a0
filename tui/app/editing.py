"""Changing the file from the explorer: the add-event form, and $EDITOR at an event's line."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import SuspendNotSupported

from tui.core.files.editor import EditorError, editor_command, run_editor
from tui.core.text.present import display_path
from tui.core.text.sanitize import quote
from tui.core.timeline.event import Event

if TYPE_CHECKING:
    from tui.app.app import PolicyApp
    from tui.app.screens.main import MainScreen


def open_event_form(screen: MainScreen, template: Event | None) -> None:
    """The add-event form, blank or filled in from ``template``; a saved event is highlighted
    once the file is read again."""
    from tui.app.screens.event_form import EventForm
    from tui.core.files.paths import shipped_timeline
    from tui.core.timeline.draft import values_from_event

    app = screen.explorer
    path = app.file_path
    if path is None or app.loading:
        reason = "still loading" if app.loading else "not read from a file"
        app.notify(f"Cannot add events: the timeline is {reason}.", markup=False)
        return
    form = EventForm(
        path,
        timeline=lambda: app.timeline,
        digest=lambda: app.file_digest,
        values=values_from_event(template) if template else None,
        copy_of=template.id if template else None,
        shipped=path.resolve() == shipped_timeline().resolve(),
    )

    def saved(event_id: str | None) -> None:
        if event_id is None:
            return
        app.notify(f"Saved {quote(event_id)} to {display_path(str(path))}.", markup=False)
        screen.goto_after_reload(event_id)  # highlighted once the reload has replaced the data
        app.reload_now()

    app.push_screen(form, saved)


def edit_file(app: PolicyApp, line: int | None) -> None:
    """Hand the terminal to $VISUAL/$EDITOR at ``line``, then read the file again."""
    path = app.file_path
    if path is None:
        return
    try:
        command = editor_command(path, line)
    except EditorError as exc:
        app.notify(str(exc), severity="error", markup=False)
        return
    try:
        with app.suspend():
            problem = run_editor(command)
    except SuspendNotSupported:
        problem = "this terminal cannot hand the screen to an editor; edit the file directly"
    if problem:
        app.notify(problem, severity="error", markup=False, timeout=8)
    app.reload_now()
