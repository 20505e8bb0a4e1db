"""Ctrl-C at any moment of a command, even while the application is still being imported (the
first ~100 ms), is exit 130 with one line and no traceback."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

# Raises KeyboardInterrupt (what SIGINT does) the moment MODULE is first imported, then runs
# hub as its console script does.
_WRAPPER = """
import sys
class Interrupt:
    def find_spec(self, name, path=None, target=None):
        if name == {module!r}:
            raise KeyboardInterrupt
        return None
sys.meta_path.insert(0, Interrupt())
from hubrails.cli import main
sys.exit(main({args!r}))
"""


@pytest.mark.parametrize(
    ("module", "args"),
    [
        ("typer", ["validate", "--strict"]),
        ("hubrails.cli.app", ["validate", "--strict"]),
        ("hubrails.cli.validate", ["validate", "--strict"]),
        ("hubrails.cli.validate_run", ["validate"]),  # the hook's form, before typer
        ("hubrails.core.registry.config", ["catalog", "ls"]),
        ("yaml", ["validate"]),
    ],
)
def test_ctrl_c_while_importing_is_exit_130(registry: Path, module: str, args: list[str]) -> None:
    code = _WRAPPER.format(module=module, args=args)
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=registry,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert (done.returncode, done.stderr) == (130, "hub: interrupted\n")
