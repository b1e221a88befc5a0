"""Open the timeline in the user's editor at a line: build the command, run it, report plainly.

Pure: the app runs ``run_editor`` inside ``App.suspend()`` and reloads afterwards.

Which editor: ``$VISUAL``, else ``$EDITOR`` (both may hold arguments, split like a shell would),
else ``nano`` or ``vi``, whichever is installed. How to pass the line depends on the editor:

==============================================  ==========================================
editor (by program name)                        arguments
==============================================  ==========================================
vi, vim, nvim, nano, emacs, micro, kak, joe…    ``+LINE FILE``
unknown editors                                 ``+LINE FILE``
helix (``hx``)                                  ``FILE:LINE``
VS Code, VSCodium, Cursor, Windsurf             ``--wait -g FILE:LINE``
Sublime Text (``subl``)                         ``--wait FILE:LINE``
Zed                                             ``--wait FILE:LINE``
TextMate (``mate``)                             ``--wait --line LINE FILE``
Kate                                            ``--block --line LINE FILE``
JetBrains IDEs (``idea``, ``pycharm``…)         ``--wait --line LINE FILE``
gvim, mvim                                      ``-f +LINE FILE``
Notepad++                                       ``-nLINE FILE``
Notepad                                         ``FILE`` (no way to pass a line)
macOS ``open``                                  ``-W FILE`` (no way to pass a line)
==============================================  ==========================================

Unknown editors get ``+LINE FILE``: it is what ``less``, ``more`` and ``git`` tooling pass to
any editor, and nearly every terminal editor understands it. An editor that does not would open
an extra, empty file named ``+LINE``; wrap such an editor in a small script that drops it. GUI
editors are told to wait (``--wait``, ``-f``, ``--block``) so that the app resumes, and reloads,
only when the file is closed.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from tui.core.text.sanitize import clean, quote

FALLBACK_EDITORS = ("nano", "vi")

_VSCODE = frozenset(
    {"code", "code-insiders", "codium", "codium-insiders", "vscodium", "cursor", "windsurf"}
)
_JETBRAINS = frozenset(
    {"idea", "pycharm", "charm", "webstorm", "phpstorm", "goland", "clion", "rubymine", "rider"}
)
_NO_LINE = frozenset({"notepad", "open", "textedit", "xdg-open"})

Which = Callable[[str], str | None]


class EditorError(Exception):
    """No usable editor; the message says what to set."""


def _program(argv0: str) -> str:
    """``/usr/local/bin/NVim.exe`` -> ``nvim``: the name that decides the line convention."""
    name = os.path.basename(argv0).lower()
    for suffix in (".exe", ".cmd", ".bat", ".sh", ".app"):
        if name.endswith(suffix):
            name = name[: -len(suffix)]
    return name


def _with_flag(argv: list[str], flags: Sequence[str]) -> list[str]:
    """``argv`` plus ``flags[0]`` unless one of ``flags`` is already there."""
    if any(arg in flags for arg in argv[1:]):
        return argv
    return [*argv, flags[0]]


def configured_editor(
    env: Mapping[str, str] = os.environ, which: Which = shutil.which
) -> list[str]:
    """The editor's argv before the file: ``$VISUAL``, ``$EDITOR``, then nano or vi."""
    for variable in ("VISUAL", "EDITOR"):
        value = env.get(variable, "").strip()
        if not value:
            continue
        try:
            argv = shlex.split(value)
        except ValueError as exc:
            raise EditorError(f"cannot read ${variable} {quote(value)}: {exc}") from None
        if not argv:
            continue
        if which(argv[0]) is None:
            raise EditorError(f"editor not found: {quote(argv[0], limit=200)} (from ${variable})")
        return argv
    for name in FALLBACK_EDITORS:
        if which(name) is not None:
            return [name]
    raise EditorError("no editor found: set $VISUAL or $EDITOR")


def wait_flags(program: str) -> list[str]:
    """The flag (and its aliases) that keeps a GUI editor in the foreground until closed."""
    if program in _VSCODE or program in ("subl", "sublime_text", "zed", "mate"):
        return ["--wait", "-w"]
    if program in _JETBRAINS:
        return ["--wait"]
    if program == "kate":
        return ["--block", "-b"]
    if program in ("gvim", "mvim"):
        return ["-f", "--nofork"]
    if program == "open":
        return ["-W", "--wait-apps"]
    return []


def file_arguments(program: str, path: str, line: int | None) -> list[str]:
    """The arguments that name the file and the line, in the editor's own convention."""
    if line is None or line < 1:
        return [path]
    if program in _VSCODE:
        return ["-g", f"{path}:{line}"]
    if program in ("subl", "sublime_text", "zed", "hx", "helix"):
        return [f"{path}:{line}"]
    if program in ("mate", "kate") or program in _JETBRAINS:
        return ["--line", str(line), path]
    if program == "notepad++":
        return [f"-n{line}", path]
    if program in _NO_LINE:
        return [path]
    return [f"+{line}", path]


def editor_command(
    path: Path,
    line: int | None,
    env: Mapping[str, str] = os.environ,
    which: Which = shutil.which,
) -> list[str]:
    """The argv that opens ``path`` at ``line`` (1-based; None for the top) in the editor.

    Raises ``EditorError`` when no editor is configured or installed. The path is made absolute
    so a file named ``-x.toml`` or ``+3.toml`` is never read as an option.
    """
    argv = configured_editor(env, which)
    program = _program(argv[0])
    flags = wait_flags(program)
    if flags:
        argv = _with_flag(argv, flags)
    return [*argv, *file_arguments(program, os.path.abspath(path), line)]


def describe(cmd: Sequence[str]) -> str:
    """The command as a user could type it, safe to show."""
    return clean(shlex.join(cmd))


def run_editor(cmd: Sequence[str]) -> str | None:
    """Run the editor and wait; None when it went well, else a message. Never raises.

    Call it inside ``App.suspend()``: the editor needs the terminal to itself.
    """
    if not cmd:
        return "no editor command to run"
    name = quote(cmd[0], limit=200)
    try:
        status = subprocess.call(list(cmd))
    except FileNotFoundError:
        return f"editor not found: {name}; set $VISUAL or $EDITOR"
    except PermissionError:
        return f"cannot run the editor {name}: permission denied"
    except OSError as exc:
        return f"cannot run the editor {name}: {clean(exc.strerror or str(exc))}"
    except KeyboardInterrupt:
        return f"the editor {name} was interrupted"
    if status < 0:
        return f"the editor {name} was stopped by signal {-status}"
    if status != 0:
        return f"the editor {name} exited with status {status}"
    return None
