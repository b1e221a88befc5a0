"""The editor command: which editor, how each family is told the line, and running it safely."""

from __future__ import annotations

import os
import signal
import stat
from pathlib import Path

import pytest

from tui.core.files.editor import EditorError, describe, editor_command, run_editor

FILE = Path("/data/timeline.toml")


def on_path(*names: str):
    """A fake ``shutil.which`` that finds exactly ``names`` (and any absolute path)."""

    def which(name: str) -> str | None:
        if os.path.isabs(name) or name in names:
            return name if os.path.isabs(name) else f"/usr/bin/{name}"
        return None

    return which


def command(visual: str, line: int | None = 42, path: Path = FILE) -> list[str]:
    program = visual.split()[0].strip("'\"")
    return editor_command(path, line, env={"VISUAL": visual}, which=on_path(program))


@pytest.mark.parametrize(
    ("visual", "expected"),
    [
        ("vi", ["vi", "+42", str(FILE)]),
        ("vim", ["vim", "+42", str(FILE)]),
        ("nvim", ["nvim", "+42", str(FILE)]),
        ("nano", ["nano", "+42", str(FILE)]),
        ("emacs -nw", ["emacs", "-nw", "+42", str(FILE)]),
        ("emacsclient -t", ["emacsclient", "-t", "+42", str(FILE)]),
        ("micro", ["micro", "+42", str(FILE)]),
        ("kak", ["kak", "+42", str(FILE)]),
        ("/usr/local/bin/NVim", ["/usr/local/bin/NVim", "+42", str(FILE)]),
        ("hx", ["hx", f"{FILE}:42"]),
        ("helix", ["helix", f"{FILE}:42"]),
        ("code", ["code", "--wait", "-g", f"{FILE}:42"]),
        ("code --wait", ["code", "--wait", "-g", f"{FILE}:42"]),
        ("code -w --new-window", ["code", "-w", "--new-window", "-g", f"{FILE}:42"]),
        ("code-insiders", ["code-insiders", "--wait", "-g", f"{FILE}:42"]),
        ("codium", ["codium", "--wait", "-g", f"{FILE}:42"]),
        ("cursor", ["cursor", "--wait", "-g", f"{FILE}:42"]),
        ("subl", ["subl", "--wait", f"{FILE}:42"]),
        ("subl -w", ["subl", "-w", f"{FILE}:42"]),
        ("zed", ["zed", "--wait", f"{FILE}:42"]),
        ("mate", ["mate", "--wait", "--line", "42", str(FILE)]),
        ("kate", ["kate", "--block", "--line", "42", str(FILE)]),
        ("pycharm", ["pycharm", "--wait", "--line", "42", str(FILE)]),
        ("gvim", ["gvim", "-f", "+42", str(FILE)]),
        ("gvim --nofork", ["gvim", "--nofork", "+42", str(FILE)]),
        ("notepad++.exe", ["notepad++.exe", "-n42", str(FILE)]),
        ("notepad", ["notepad", str(FILE)]),
        # Unknown editors get the widespread +LINE convention (see tui/core/files/editor.py).
        ("my-editor --flag", ["my-editor", "--flag", "+42", str(FILE)]),
    ],
)
def test_each_editor_family_gets_the_line_its_way(visual: str, expected: list[str]) -> None:
    assert command(visual) == expected


@pytest.mark.parametrize(
    ("visual", "expected"),
    [
        ("vim", ["vim", str(FILE)]),
        ("code", ["code", "--wait", str(FILE)]),
        ("hx", ["hx", str(FILE)]),
        ("kate", ["kate", "--block", str(FILE)]),
    ],
)
def test_without_a_line_only_the_file_is_named(visual: str, expected: list[str]) -> None:
    assert command(visual, line=None) == expected
    assert command(visual, line=0) == expected


def test_visual_wins_over_editor() -> None:
    env = {"VISUAL": "nvim", "EDITOR": "nano"}
    assert editor_command(FILE, 3, env=env, which=on_path("nvim", "nano"))[0] == "nvim"


def test_editor_is_used_when_visual_is_empty_or_blank() -> None:
    for visual in ("", "   "):
        env = {"VISUAL": visual, "EDITOR": "nano"}
        assert editor_command(FILE, 3, env=env, which=on_path("nano")) == ["nano", "+3", str(FILE)]


def test_arguments_are_split_like_a_shell_would() -> None:
    env = {"EDITOR": "'/opt/My Editor/bin/vim' -u NONE"}
    assert editor_command(FILE, 7, env=env, which=on_path()) == [
        "/opt/My Editor/bin/vim",
        "-u",
        "NONE",
        "+7",
        str(FILE),
    ]


def test_fallbacks_are_nano_then_vi() -> None:
    assert editor_command(FILE, 1, env={}, which=on_path("nano", "vi"))[0] == "nano"
    assert editor_command(FILE, 1, env={}, which=on_path("vi"))[0] == "vi"


def test_no_editor_at_all_is_a_clear_error() -> None:
    with pytest.raises(EditorError, match=r"no editor found: set \$VISUAL or \$EDITOR"):
        editor_command(FILE, 1, env={}, which=on_path())


def test_a_configured_editor_that_is_not_installed_is_named() -> None:
    with pytest.raises(EditorError, match=r"editor not found: 'sublime' \(from \$VISUAL\)"):
        editor_command(FILE, 1, env={"VISUAL": "sublime"}, which=on_path("vi"))


def test_unbalanced_quotes_are_a_clear_error() -> None:
    with pytest.raises(EditorError, match=r"cannot read \$EDITOR"):
        editor_command(FILE, 1, env={"EDITOR": "'vim"}, which=on_path("vim"))


def test_a_relative_path_that_looks_like_an_option_is_made_absolute(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    cmd = editor_command(Path("-rf.toml"), 2, env={"EDITOR": "vim"}, which=on_path("vim"))
    assert cmd == ["vim", "+2", str(tmp_path / "-rf.toml")]


def test_describe_is_safe_to_show() -> None:
    assert describe(["vim", "+3", "/a b/\x1b[31m.toml"]) == "vim +3 '/a b/\\x1b[31m.toml'"


# --------------------------------------------------------------------------------------------
# Running a real (fake) editor


def fake_editor(folder: Path, body: str) -> Path:
    script = folder / "fake-editor"
    script.write_text("#!/bin/sh\n" + body)
    script.chmod(script.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return script


def test_fake_editor_receives_the_line_and_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    record = tmp_path / "args.txt"
    timeline = tmp_path / "timeline.toml"
    timeline.write_text("# empty\n")
    # Records its arguments, then edits the last one (the file) as a user would.
    body = f'printf "%s\\n" "$@" > "{record}"\nfor last; do :; done\necho "# edited" >> "$last"\n'
    script = fake_editor(tmp_path, body)
    monkeypatch.setenv("EDITOR", f"{script} --flag")
    monkeypatch.delenv("VISUAL", raising=False)

    cmd = editor_command(timeline, 12)
    assert run_editor(cmd) is None
    assert record.read_text().splitlines() == ["--flag", "+12", str(timeline)]
    assert timeline.read_text() == "# empty\n# edited\n"


def test_a_failing_editor_reports_its_status(tmp_path: Path) -> None:
    script = fake_editor(tmp_path, "exit 3\n")
    assert run_editor([str(script), "x"]) == "the editor '" + str(script) + "' exited with status 3"


def test_an_editor_killed_by_a_signal_is_reported(tmp_path: Path) -> None:
    script = fake_editor(tmp_path, "kill -TERM $$\n")
    message = run_editor([str(script)])
    assert message is not None and f"stopped by signal {int(signal.SIGTERM)}" in message


def test_a_missing_editor_binary_is_a_message_not_a_crash(tmp_path: Path) -> None:
    message = run_editor([str(tmp_path / "no-such-editor"), "file"])
    assert message is not None and message.startswith("editor not found:")
    assert run_editor([]) == "no editor command to run"


def test_an_editor_that_cannot_be_executed_is_a_message(tmp_path: Path) -> None:
    script = tmp_path / "not-executable"
    script.write_text("#!/bin/sh\n")
    script.chmod(0o644)  # no x bit: even root may not execute it
    message = run_editor([str(script)])
    assert message is not None and "permission denied" in message


def test_a_folder_as_editor_is_a_message(tmp_path: Path) -> None:
    assert run_editor([str(tmp_path)]) == f"cannot run the editor '{tmp_path}': permission denied"
