"""Which timeline file to open when none is named."""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path

ENV_VAR = "POLICY_TUI_TIMELINE"


def shipped_timeline() -> Path:
    """The curated timeline inside the installed package.

    A wheel carries the repository's top-level ``timeline.toml`` as ``tui/timeline.toml``; an
    editable install or a source checkout reads the top-level file itself (one source of truth).
    """
    packaged = Path(str(resources.files("tui"))) / "timeline.toml"
    if packaged.is_file():
        return packaged
    return packaged.parent.parent / "timeline.toml"


def default_timeline(cwd: Path | None = None) -> Path:
    """``$POLICY_TUI_TIMELINE``, else ``./timeline.toml``, else the shipped timeline."""
    env = os.environ.get(ENV_VAR)
    if env:
        return Path(env)
    local = (cwd or Path.cwd()) / "timeline.toml"
    if local.is_file():
        return local
    return shipped_timeline()
