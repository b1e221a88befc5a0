"""`policy-tui validate` as a user runs it: a real subprocess, exit codes and output."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None):
    full_env = {**os.environ, **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "tui", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=full_env,
        timeout=60,
    )


def test_shipped_timeline_validates_from_an_empty_folder(tmp_path: Path) -> None:
    result = run("validate", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "events" in result.stdout and "RU" in result.stdout


def test_problems_are_reported_with_position_and_exit_1(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text(
        '[[events]]\nid = "x-1"\ndate = 2018-04-16\ntitel = "T"\ncountry = "RU"\n'
        'action = "block"\nsummary = "s"\nsources = [{publisher = "p", url = "https://e.org"}]\n'
    )
    result = run("validate", str(bad))
    assert result.returncode == 1
    assert f"{bad}:4:1: error: event 'x-1': titel: unknown field; did you mean 'title'?" in (
        result.stderr
    )
    assert f"{bad}:1:1: error: event 'x-1': title: is required" in result.stderr
    assert "Traceback" not in result.stderr


def test_missing_file_exits_2(tmp_path: Path) -> None:
    result = run("validate", str(tmp_path / "nope.toml"))
    assert result.returncode == 2
    assert "no such file" in result.stderr


def test_usage_error_exits_2() -> None:
    result = run("validate", "--bogus")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr


def test_env_var_chooses_the_file(tmp_path: Path) -> None:
    result = run("validate", cwd=tmp_path, env={"POLICY_TUI_TIMELINE": str(tmp_path / "x.toml")})
    assert result.returncode == 2
    assert "x.toml" in result.stderr
