"""``hub init --hub`` writes a scheduled ``hub mcp verify`` workflow (a spoke does not)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import yaml

from tests.helpers import run_cli

WORKFLOW = ".github/workflows/mcp-verify.yaml"


def test_init_hub_writes_a_daily_mcp_verify_workflow(tmp_path: Path) -> None:
    hub = tmp_path / "hub"
    assert run_cli("init", str(hub), "--hub", "--install", "hubrails==1.2.3").exit_code == 0
    # A GitHub workflow: its 'on:' key is YAML 1.1's true.
    workflow = yaml.safe_load((hub / WORKFLOW).read_text(encoding="utf-8"))
    assert workflow[True]["schedule"] == [{"cron": "17 5 * * *"}]
    steps = [s.get("run", "") for s in workflow["jobs"]["mcp-verify"]["steps"]]
    assert "pip install 'hubrails[mcp]==1.2.3'" in steps
    assert "hub mcp verify --format github" in steps
    done = subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--builtin-schema", "vendor.github-workflows",
         WORKFLOW],
        cwd=hub, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    assert run_cli("mcp", "verify", "--root", str(hub)).exit_code == 0  # no vetted tool yet


def test_a_requirement_other_than_hubrails_gets_the_extra_s_own(tmp_path: Path) -> None:
    hub = tmp_path / "hub"
    assert run_cli("init", str(hub), "--hub", "--install", "./dist/h.whl").exit_code == 0
    text = (hub / WORKFLOW).read_text(encoding="utf-8")
    assert "pip install ./dist/h.whl 'mcp>=1.30,<2' 'rfc8785>=0.1.4'" in text
    spoke = tmp_path / "spoke"
    assert (
        run_cli("init", str(spoke), "--spoke", "--team", "sre", "--hub-url", "../hub").exit_code
        == 0
    )
    assert not (spoke / WORKFLOW).exists()
