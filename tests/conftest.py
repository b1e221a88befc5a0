"""Shared fixtures. Tests never touch the user's real files or environment."""

from __future__ import annotations

import gc
import sys
from collections.abc import Generator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def pytest_configure(config: pytest.Config) -> None:
    # Once a few apps have run, Textual's render caches hold ~450k small objects, and every full
    # collection walks them all (0.2-0.5 s); with the default thresholds that was ~30 a file of
    # Pilot tests, a quarter of their CPU. Young generations are still collected as usual; a full
    # collection comes after 1,000 of theirs instead of 10 (about one a worker a run; the
    # uncollected cycles cost ~450 MB of peak RSS a worker).
    young, middle, _ = gc.get_threshold()
    gc.set_threshold(young, middle, 1000)


@pytest.hookimpl(wrapper=True)
def pytest_collection(session: pytest.Session) -> Generator[None, object, object]:
    # PYTHONDONTWRITEBYTECODE also stops pytest caching the test modules it rewrites for its
    # assert messages, so each xdist worker would rewrite them all again (~4 s of CPU a worker).
    # Caching them in the git-ignored __pycache__ while collecting makes that a one-off.
    was = sys.dont_write_bytecode
    sys.dont_write_bytecode = False
    try:
        return (yield)
    finally:
        sys.dont_write_bytecode = was


@pytest.fixture(autouse=True)
def _isolate_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    # A developer's own timeline or colour settings must not leak into tests.
    monkeypatch.delenv("POLICY_TUI_TIMELINE", raising=False)
    monkeypatch.delenv("NO_COLOR", raising=False)
    # Each test starts with an empty cache of its own (subprocesses inherit it), never the
    # developer's ~/.cache.
    monkeypatch.setenv("POLICY_TUI_CACHE", str(tmp_path / "policy-tui-cache"))


@pytest.fixture
def shipped() -> Path:
    return ROOT / "timeline.toml"
