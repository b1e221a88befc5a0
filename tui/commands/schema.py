"""``policy-tui schema``: print the JSON Schema of the timeline format; never imports Textual."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from tui.cli import EXIT_OK, Parser
from tui.core.schema import COMMITTED_PATH, schema_text


def parser() -> argparse.ArgumentParser:
    return Parser(
        prog="policy-tui schema",
        description="Print the JSON Schema (draft-07) of the timeline format, generated from the "
        "data model. Editors such as Taplo and Even Better TOML use it to validate and complete "
        "fields while you type (see docs/editing.md).",
        epilog=f"The repository keeps a copy: policy-tui schema > {COMMITTED_PATH}",
    )


def run(argv: Sequence[str]) -> int:
    parser().parse_args(argv)
    sys.stdout.write(schema_text())
    return EXIT_OK
