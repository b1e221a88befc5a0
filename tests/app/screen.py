"""Read the app's screen as plain text, the way a user sees it."""

from __future__ import annotations

from textual.app import App


def screen_text(app: App) -> str:
    """Every line of the current screen (all layers composited), as plain text."""
    strips = app.screen._compositor.render_strips()
    return "\n".join(strip.text for strip in strips)


async def settle(pilot) -> None:  # type: ignore[no-untyped-def]
    """Wait until no worker runs (filtering is debounced and cancels older runs), then paint."""
    import asyncio

    for _ in range(500):
        await pilot.pause()
        busy = any(worker.is_running for worker in pilot.app.workers)
        filters = getattr(getattr(pilot.app, "main_screen", None), "filters", None)
        if not busy and filters is not None and filters.settling:
            filters.flush()  # as if typing had paused: no need to sit out the timer
            continue
        if not busy:
            break
        await asyncio.sleep(0.01)
    await pilot.pause()


async def wait_until(pilot, condition, seconds: float = 5.0) -> None:  # type: ignore[no-untyped-def]
    """Settle until `condition()` holds: for what the app does after a refresh (focus scrolls its
    widget into view after one, with an animation), which a loaded machine can delay."""
    import asyncio

    for _ in range(int(seconds / 0.05)):
        await settle(pilot)
        if condition():
            return
        await asyncio.sleep(0.05)
    raise AssertionError("condition never became true")


# What a hostile file could smuggle to a terminal: screen clearing, an OSC 52 clipboard write,
# an OSC 8 link, a C1 CSI and a bidi override. The loader rejects C0/C1 controls, so these are
# injected after loading: the UI must be safe on its own.
NASTY = (
    "\x1b[2J\x1b[H \x1b]52;c;cHduZWQ=\x07 \x1b]8;;https://evil.example\x07L\x1b]8;;\x07"
    " \x9b31m \u202eRLO"
)


def hostile_timeline(path):  # type: ignore[no-untyped-def]
    """The hostile fixture with control sequences added to every text field of its first event."""
    from tui.core.files.load import load_timeline

    timeline = load_timeline(path)
    event = timeline.events[0]
    source = event.sources[0]._replace(
        publisher=event.sources[0].publisher + NASTY, title="T" + NASTY
    )
    dirty = event._replace(
        title=event.title + NASTY,
        authority=tuple(a + NASTY for a in event.authority),
        platforms=tuple(p + NASTY for p in event.platforms),
        tags=tuple(t + NASTY for t in event.tags),
        summary=event.summary + NASTY,
        sources=(source,),
    )
    info = timeline.info._replace(title=timeline.info.title + NASTY)
    return timeline.replace(info=info, events=[dirty, *timeline.events[1:]])
