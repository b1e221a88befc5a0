"""``python -m tui``: the same as the ``policy-tui`` command."""

from tui.cli import run

if __name__ == "__main__":
    run()
