"""Events for tests that need only a few fields to differ: validated as the loader does. And a
fresh interpreter for a test that must see what a process imports."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
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


ROOT = Path(__file__).resolve().parent.parent


def run_python(script: str, timeout: float = 60) -> str:
    """What ``script`` prints, run by a fresh interpreter in the project's folder with this
    package first on its path; a failure fails the test with its standard error."""
    done = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert done.returncode == 0, done.stderr
    return done.stdout
