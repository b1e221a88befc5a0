"""Events for tests that need only a few fields to differ: validated as the loader does."""

from __future__ import annotations

from typing import Any

from tui.core.timeline.event import Action, Event
from tui.core.timeline.model import validate_event


def ev(
    id: str,
    when: Any,
    action: Action | str = "block",
    platforms: tuple[str, ...] = ("Telegram",),
    *,
    end: Any = None,
    status: str | None = None,
    country: str = "RU",
) -> Event:
    """An event ``id`` on ``when`` (a date or a partial-date string), titled by its id."""
    data: dict[str, Any] = {
        "id": id,
        "date": when,
        "title": id,
        "country": country,
        "platforms": list(platforms),
        "action": str(action),
        "summary": "s",
        "sources": [{"publisher": "p", "url": "https://example.org/"}],
    }
    if end is not None:
        data["end_date"] = end
    if status is not None:
        data["status"] = status
    return validate_event(data)
