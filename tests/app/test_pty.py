"""The installed `policy-tui` command in a real pseudo-terminal: start, read, move, quit."""

from __future__ import annotations

import os
import shutil
import sys
import time
from pathlib import Path

import pexpect
import pyte

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "app" / "timeline.toml"
COLUMNS, LINES = 100, 30


class Terminal:
    """A pexpect child read through pyte, so tests see the screen a user sees."""

    def __init__(self, argv: list[str]) -> None:
        self.screen = pyte.Screen(COLUMNS, LINES)
        self.stream = pyte.ByteStream(self.screen)
        env = {**os.environ, "TERM": "xterm-256color", "COLUMNS": str(COLUMNS), "LINES": str(LINES)}
        env.pop("NO_COLOR", None)
        self.child = pexpect.spawn(
            argv[0], argv[1:], dimensions=(LINES, COLUMNS), env=env, timeout=20
        )

    def pump(self) -> None:
        while True:
            try:
                data = self.child.read_nonblocking(65536, timeout=0.05)
            except (pexpect.TIMEOUT, pexpect.EOF):
                return
            self.stream.feed(data)

    def text(self) -> str:
        return "\n".join(self.screen.display)

    def wait_for(self, needle: str, timeout: float = 20.0) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.pump()
            if needle in self.text():
                return self.text()
        raise AssertionError(f"{needle!r} never appeared on screen:\n{self.text()}")


def command() -> list[str]:
    installed = shutil.which("policy-tui")
    return [installed] if installed else [sys.executable, "-m", "tui"]


def test_policy_tui_runs_in_a_terminal_moves_and_quits() -> None:
    term = Terminal([*command(), str(FIXTURE)])
    try:
        term.wait_for("Test timeline")
        first = term.wait_for("Brazil (BR)")  # the earliest event's detail
        assert "14 / 14 events" in first
        assert "Russia blocks LinkedIn" in first  # a later row of the list
        term.child.send("j")
        term.wait_for("Lagarto court blocks WhatsApp for 72 hours")  # the detail follows
        term.child.send("/")
        term.child.send("instagram")
        term.wait_for("2 / 14 events")
        term.child.send("\x1b")  # Esc back to the list
        time.sleep(0.3)
        term.child.send("q")
        term.child.expect(pexpect.EOF, timeout=20)
    finally:
        term.child.close()
    assert term.child.exitstatus == 0, term.text()


def test_a_broken_file_prints_errors_and_exits_1_without_drawing(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('[[events]]\nid = "x"\ndate = "April 2018"\n')
    child = pexpect.spawn(command()[0], [*command()[1:], str(bad)], timeout=20)
    output = child.read().decode()
    child.close()
    assert child.exitstatus == 1
    assert f"{bad}:3:1: error: event 'x': date:" in output
    assert "Traceback" not in output
    assert "\x1b[?1049h" not in output  # never switched to the alternate screen
