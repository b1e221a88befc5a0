"""The core and the subcommands never import Textual: checked in fresh interpreters.

Modules are discovered with pkgutil, so a new module under ``tui.core`` or ``tui.commands`` is
covered without touching this file.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = ROOT / "timeline.toml"
HEADLESS_PACKAGES = ("tui.core", "tui.commands")


def python(*args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    env["POLICY_TUI_TIMELINE"] = str(SHIPPED)
    return subprocess.run(
        [sys.executable, *args], capture_output=True, text=True, cwd=ROOT, env=env, timeout=120
    )


DISCOVER = """
import importlib, json, pkgutil, sys
found = []
for package_name in {packages!r}:
    package = importlib.import_module(package_name)
    for info in pkgutil.walk_packages(package.__path__, package_name + "."):
        importlib.import_module(info.name)
        found.append(info.name)
leaked = sorted(m for m in sys.modules if m == "textual" or m.startswith("textual."))
print(json.dumps({{"modules": found, "textual": leaked}}))
"""


def test_every_headless_module_imports_without_textual() -> None:
    result = python("-c", DISCOVER.format(packages=HEADLESS_PACKAGES))
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    # The discovery really ran over the packages (and would see new modules).
    assert {"tui.core.files.load", "tui.core.files.locate", "tui.commands.validate"} <= set(
        report["modules"]
    )
    assert report["textual"] == [], f"Textual imported by a headless module: {report}"


def test_each_headless_module_alone_imports_without_textual() -> None:
    """Names every offending module, not only the first one imported."""
    listing = python(
        "-c",
        "import importlib, pkgutil\n"
        f"for p in {HEADLESS_PACKAGES!r}:\n"
        "    m = importlib.import_module(p)\n"
        "    for i in pkgutil.walk_packages(m.__path__, p + '.'): print(i.name)",
    )
    assert listing.returncode == 0, listing.stderr
    modules = listing.stdout.split()
    assert "tui.core.timeline.model" in modules
    check = textwrap.dedent(
        """
        import importlib, sys
        offenders = []
        for name in sys.argv[1:]:
            before = set(sys.modules)
            importlib.import_module(name)
            if any(m == "textual" or m.startswith("textual.") for m in sys.modules):
                offenders.append(name)
                for m in set(sys.modules) - before:
                    del sys.modules[m]
        print(",".join(offenders))
        """
    )
    # One interpreter for all keeps this fast; forgetting what an offender imported lets the
    # next module be judged on its own imports.
    result = python("-c", check, *modules)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "", f"these modules import Textual: {result.stdout}"


def test_validate_runs_without_importing_textual_importtime() -> None:
    result = python("-X", "importtime", "-m", "tui", "validate", str(SHIPPED))
    assert result.returncode == 0, result.stderr
    imported = [
        line.rsplit("|", 1)[-1].strip()
        for line in result.stderr.splitlines()
        if line.startswith("import time:")
    ]
    assert "tui.core.files.load" in imported  # the trace is real
    leaked = [m for m in imported if m == "textual" or m.startswith("textual.")]
    assert leaked == []


def test_validate_runs_without_importing_textual_wrapper() -> None:
    wrapper = textwrap.dedent(
        f"""
        import runpy, sys
        sys.argv = ["policy-tui", "validate", {str(SHIPPED)!r}]
        try:
            runpy.run_module("tui", run_name="__main__", alter_sys=True)
        except SystemExit as exc:
            code = exc.code
        leaked = sorted(m for m in sys.modules if m.split(".")[0] == "textual")
        print("EXIT", code, "TEXTUAL", leaked, file=sys.stderr)
        """
    )
    result = python("-c", wrapper)
    assert "EXIT 0 TEXTUAL []" in result.stderr, result.stderr
    assert " events, " in result.stdout


@pytest.mark.parametrize("module", ["tui.cli", "tui.commands.validate"])
def test_the_cli_entry_points_do_not_import_textual(module: str) -> None:
    result = python("-c", f"import sys, {module}; print('textual' in sys.modules)")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"
