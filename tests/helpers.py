"""Helpers shared by the tests: build registries from text, run the CLI."""

from __future__ import annotations

import json
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from hubrails.cli import main
from hubrails.core.registry.findings import Finding
from hubrails.resources import data_dir

EXAMPLE = data_dir()


def copy_example(dest: Path) -> Path:
    """Copy the shipped example registry (and hub.yaml) into ``dest``."""
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copy(EXAMPLE / "hub.yaml", dest / "hub.yaml")
    shutil.copytree(EXAMPLE / "registry", dest / "registry")
    return dest


def write(root: Path, files: dict[str, str | bytes]) -> None:
    """Write ``{relative path: content}`` under ``root``."""
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")


def edit(path: Path, old: str, new: str, count: int = 1) -> None:
    """Replace ``old`` by ``new`` in a file, insisting that ``old`` is there."""
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, count), encoding="utf-8")


@dataclass
class Run:
    """The outcome of one CLI invocation."""

    exit_code: int
    stdout: str
    stderr: str

    def json(self) -> Any:
        """stdout parsed as JSON."""
        return json.loads(self.stdout)

    def rules(self) -> set[tuple[str, str, int]]:
        """(rule, path, line) of every finding in a JSON validation report."""
        return {(f["rule"], f["path"], f["line"]) for f in self.json()["findings"]}


def run_cli(*args: str, stdin: str | None = None) -> Run:
    """Invoke ``hub ARGS`` in-process through :func:`hubrails.cli.main`, the error boundary;
    with ``HUB_DEBUG=1``, so that an internal error propagates and tests see real bugs."""
    runner = CliRunner(env={"HUB_DEBUG": "1"})
    with runner.isolation(input=stdin) as streams:
        code = main(list(args))
        sys.stdout.flush()
        sys.stderr.flush()
        out, err = streams[0].getvalue().decode(), streams[1].getvalue().decode()
    return Run(code, out, err)


def line_of(path: Path, needle: str) -> int:
    """The 1-based line of the first line containing ``needle``."""
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if needle in line:
            return number
    raise AssertionError(f"{needle!r} not in {path}")


SEED: dict[str, Any] = {
    "team": "billing-ops",
    "agent": "invoice-triage",
    "model": "sonnet",
    "input_tokens": 18420,
    "output_tokens": 2110,
    "tool_calls": 3,
    "human_review_minutes": 4,
    "task_outcome": "resolved",
    "ts": "2026-06-06T14:21:00Z",
}


def record(**changes: Any) -> dict[str, Any]:
    """The seed ledger record with ``changes`` (a value of ``None`` removes the field)."""
    merged = {**SEED, **changes}
    return {k: v for k, v in merged.items() if v is not None}


def jsonl(path: Path, records: list[Any]) -> Path:
    """Write records (dicts as JSON, strings as they are) one per line."""
    lines = [r if isinstance(r, str) else json.dumps(r) for r in records]
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return path


def stored(url: str, columns: str = "*", where: str = "") -> list[dict[str, Any]]:
    """Rows of the ledger at ``url``, ordered by key."""
    from sqlalchemy import create_engine, text

    from hubrails.store import normalise_url

    engine = create_engine(normalise_url(url, Path.cwd()))
    try:
        with engine.connect() as conn:
            sql = f"SELECT {columns} FROM ledger_runs {where} ORDER BY run_key"
            return [dict(r._mapping) for r in conn.execute(text(sql))]
    finally:
        engine.dispose()


def expect_focused_runs_to_match(root: Path, paths: list[str]) -> dict[str, list[Finding]]:
    """Each path alone (with the cache cold, then warm) reports what the whole run without any
    cache reports about it; the findings of each."""
    from hubrails.core.registry.config import load_config
    from hubrails.core.validate.run import _concerns, validate

    config = load_config(root)
    full = validate(config, use_cache=False).findings
    found = {}
    for path in paths:
        expected = [f for f in full if _concerns(f, {path})]
        assert validate(config, [root / path]).findings == expected, path
        found[path] = validate(config, [root / path]).findings
        assert found[path] == expected, f"{path}, warm"
    return found


def sigint_as_a_terminal_has_it() -> None:
    """``preexec_fn`` for a child a test sends Ctrl-C: SIGINT back to its default disposition.
    A shell that starts the tests in the background ignores SIGINT, and an ignored signal is
    inherited through exec, so Python would never raise KeyboardInterrupt there."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_DFL)


@dataclass(frozen=True)
class Imported:
    """What a ``hub`` process loaded: its exit code, output, and which of the modules asked
    about it imported."""

    exit_code: int
    stdout: str
    loaded: list[str]


def imports_of(args: list[str], modules: tuple[str, ...], cwd: Path) -> Imported:
    """Run ``hub ARGS`` in a fresh interpreter (as the hook or a shell does) and say which of
    ``modules`` it imported."""
    import subprocess

    code = (
        "import json, sys\n"
        f"sys.argv = ['hub', *{args!r}]\n"
        "from hubrails.cli import main\n"
        "code = main()\n"
        f"loaded = [m for m in {modules!r} if m in sys.modules]\n"
        "sys.stderr.write('\\n' + json.dumps([code, loaded]))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=cwd, check=False
    )
    last = done.stderr.rstrip().rsplit("\n", 1)[-1]
    try:
        exit_code, loaded = json.loads(last)
    except ValueError:
        raise AssertionError(f"hub {' '.join(args)} did not finish: {done.stderr}") from None
    return Imported(exit_code, done.stdout, loaded)
