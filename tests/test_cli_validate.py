"""`policy-tui validate` as a user runs it: a real subprocess, exit codes and output."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from tui.cli import main

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
    # the shipped timeline, whose summary no longer lists every country code (22 of them)
    shipped = tomllib.loads((ROOT / "timeline.toml").read_text(encoding="utf-8"))
    assert f"timeline.toml: {len(shipped['events'])} events" in result.stdout
    assert f"{len({e['country'] for e in shipped['events']})} countries" in result.stdout


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


# -- added with the core hardening (issue #2) ---------------------------------------------

FIXTURES = ROOT / "tests" / "fixtures" / "core"


def cli(capsys: pytest.CaptureFixture[str], *args: str) -> subprocess.CompletedProcess[str]:
    """In-process run of the same entry point: quick, for the many cases; `run` proves the rest."""
    code = main(list(args))
    out, err = capsys.readouterr()
    return subprocess.CompletedProcess(args, code, out, err)


LINE_FORM = re.compile(
    r"^(?P<path>[^:]+):(?P<line>\d+):(?P<col>\d+): error: "
    r"(?:event (?:'[a-z0-9]+(?:-[a-z0-9]+)*'|#\d+): )?(?:[^:]+: )?\S.*$"
)


def test_every_problem_line_has_the_documented_form() -> None:
    result = run("validate", str(FIXTURES / "problems.toml"))
    assert result.returncode == 1 and result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 16
    for line in lines:
        match = LINE_FORM.match(line)
        assert match, line
        assert match["path"] == str(FIXTURES / "problems.toml")
    assert (
        f"{FIXTURES / 'problems.toml'}:24:1: error: event 'ok-2018-first': id: duplicate id: "
        "already used by event #1 (line 6)"
    ) in lines
    assert f"{FIXTURES / 'problems.toml'}:14:1: error: event #2: id: is required" in lines


def test_one_summary_line_per_valid_file_and_the_worst_exit_code(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    valid, problems = FIXTURES / "valid.toml", FIXTURES / "problems.toml"
    both = cli(capsys, "validate", str(valid), str(problems), str(FIXTURES / "crlf.toml"))
    assert both.returncode == 1
    assert both.stdout.splitlines() == [
        f"{valid}: 3 events, 2018-04-13 to 2022, 2 countries (EU, RU)",
        f"{FIXTURES / 'crlf.toml'}: 3 events, 2018-04-13 to 2022, 2 countries (EU, RU)",
    ]
    with_missing = cli(capsys, "validate", str(problems), str(tmp_path / "gone.toml"), str(valid))
    assert with_missing.returncode == 2
    assert with_missing.stdout.count("\n") == 1
    assert f"{tmp_path / 'gone.toml'}: error: no such file" in with_missing.stderr
    assert cli(capsys, "validate", str(valid)).returncode == 0


@pytest.mark.parametrize(
    ("name", "code", "message"),
    [
        ("utf16-bom.toml", 1, ":1:1: error: not UTF-8; looks like UTF-16: save it as UTF-8"),
        ("utf16le-no-bom.toml", 1, ":1:1: error: not UTF-8; looks like UTF-16"),
        ("latin1.toml", 1, ":3:30: error: not UTF-8: the byte e9 cannot be read as text"),
        ("utf8-bom.toml", 0, ""),
    ],
)
def test_encodings(name: str, code: int, message: str, capsys: pytest.CaptureFixture[str]) -> None:
    result = cli(capsys, "validate", str(FIXTURES / name))
    assert result.returncode == code
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_a_folder_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    result = cli(capsys, "validate", str(tmp_path))
    assert result.returncode == 2
    assert result.stderr == f"{tmp_path}: error: is a folder, not a timeline file\n"


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ('"Moscow court orders Telegram blocked"', '"Evil \\u001b]52;c;aGk=\\u0007 title"'),
        ('"ru-2018-telegram-ruling"', '"\\u001b[2J"'),
        ('"https://tass.com/politics/999001"', '"https://e.org/\\u001b]8;;x"'),
        ('country = "RU"', 'country = "R\\u001bU"'),
        ('id = "eu-2022-dsa"', 'id = "eu-2022-dsa"\n"ti\\u001btle" = 1'),
    ],
)
def test_user_text_in_errors_is_escaped_on_stderr(
    tmp_path: Path, old: str, new: str, capsys: pytest.CaptureFixture[str]
) -> None:
    text = (FIXTURES / "valid.toml").read_text(encoding="utf-8")
    assert old in text
    bad = tmp_path / "bad.toml"
    bad.write_text(text.replace(old, new, 1), encoding="utf-8")
    result = cli(capsys, "validate", str(bad))
    assert result.returncode == 1
    assert "\x1b" not in result.stderr and "\x07" not in result.stderr
    assert "\\x1b" in result.stderr
    assert all(LINE_FORM.match(line) for line in result.stderr.splitlines()), result.stderr


def test_a_file_name_with_control_characters_is_escaped(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    odd = tmp_path / "a\x1b[31mb.toml"
    odd.write_bytes((FIXTURES / "valid.toml").read_bytes())
    result = cli(capsys, "validate", str(odd))
    assert result.returncode == 0
    assert "\x1b" not in result.stdout and "a\\x1b[31mb.toml: 3 events" in result.stdout


def test_markup_in_user_text_is_printed_as_is(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = (FIXTURES / "valid.toml").read_text(encoding="utf-8")
    bad = tmp_path / "bad.toml"
    bad.write_text(text.replace('country = "EU"', 'country = "[bold red]x[/]"'), encoding="utf-8")
    result = cli(capsys, "validate", str(bad))
    assert "'[bold red]x[/]' is not an ISO 3166-1 alpha-2 country code" in result.stderr


def test_help_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["validate", "--help"])
    result = subprocess.CompletedProcess([], caught.value.code, *capsys.readouterr())
    assert result.returncode == 0
    assert "PATH:LINE:COL: error: event 'ID': FIELD: message" in result.stdout


def test_escapes_survive_the_real_process(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    text = (FIXTURES / "valid.toml").read_text(encoding="utf-8")
    bad.write_text(text.replace('"RU"', '"\\u001b]52;c;aGk=\\u0007"', 1), encoding="utf-8")
    result = run("validate", str(bad))
    assert result.returncode == 1
    assert "\x1b" not in result.stderr and "\\x1b]52;c;aGk=\\x07" in result.stderr


def test_an_ascii_terminal_gets_escapes_not_a_crash(tmp_path: Path) -> None:
    text = (FIXTURES / "valid.toml").read_text(encoding="utf-8")
    odd = tmp_path / "caf\u00e9.toml"
    odd.write_text(text, encoding="utf-8")
    bad = tmp_path / "bad.toml"
    bad.write_text(text.replace('"EU"', '"\u00c9U"'), encoding="utf-8")
    result = run("validate", str(odd), str(bad), env={"PYTHONIOENCODING": "ascii"})
    assert result.returncode == 1, result.stderr
    assert "caf\\xe9.toml: 3 events" in result.stdout
    assert "'\\xc9U' is not an ISO 3166-1" in result.stderr
    assert "Traceback" not in result.stderr
