"""The daily ``hub mcp verify`` workflow: the pip requirements with the MCP extra (or its own
requirements beside a spec that is not hubrails'), quoted into valid YAML, with the caveat."""

from __future__ import annotations

import shlex

import pytest
import yaml

from hubrails.core.scaffold.mcp_workflow import mcp_workflow, with_mcp

OWN = ["mcp>=1.30,<2", "rfc8785>=0.1.4"]


@pytest.mark.parametrize(
    ("install", "expected"),
    [
        ("hubrails==0.1.0", "hubrails[mcp]==0.1.0"),
        ("hubrails", "hubrails[mcp]"),
        ("  hubrails  ", "hubrails[mcp]"),
        ("hubrails == 0.1.0", "hubrails[mcp] == 0.1.0"),
        ("hubrails @ git+https://x/hubrails@abc", "hubrails[mcp] @ git+https://x/hubrails@abc"),
    ],
)
def test_a_hubrails_requirement_gets_the_mcp_extra(install: str, expected: str) -> None:
    assert with_mcp(install) == [expected]


@pytest.mark.parametrize(
    "install",
    [
        "hubrails>=0.1",  # only an exact pin or a URL gets the extra
        "hubrails-fork==1.0",
        "hubrails[dev]==0.1.0",
        "./dist/hubrails-0.1.0-py3-none-any.whl",
        "git+https://x/hubrails@abc",
    ],
)
def test_any_other_spec_is_kept_beside_the_extras_own_requirements(install: str) -> None:
    assert with_mcp(install) == [install, *OWN]


def steps(text: str) -> list[dict[str, object]]:
    workflow = yaml.safe_load(text)
    assert workflow["name"] == "mcp-verify"
    result: list[dict[str, object]] = workflow["jobs"]["mcp-verify"]["steps"]
    return result


def test_the_workflow_installs_with_the_extra_then_verifies() -> None:
    text = mcp_workflow("hubrails==0.1.0", None)
    (install,) = [s for s in steps(text) if s.get("name") == "Install hubrails with the MCP SDK"]
    assert install["run"] == "pip install 'hubrails[mcp]==0.1.0'"
    assert steps(text)[-1]["run"] == "hub mcp verify --format github"
    assert "${{ secrets.GITHUB_PERSONAL_ACCESS_TOKEN }}" in text  # braces survive formatting
    assert 'cron: "17 5 * * *"' in text


def test_a_spec_with_quotes_and_spaces_stays_one_argument_in_valid_yaml() -> None:
    spec = "hubrails @ git+https://x/it's here@main"
    (install,) = [s for s in steps(mcp_workflow(spec, None)) if "Install" in str(s.get("name"))]
    command = install["run"]
    assert isinstance(command, str)
    assert shlex.split(command) == ["pip", "install", spec.replace("hubrails", "hubrails[mcp]", 1)]


def test_the_caveat_is_a_comment_above_the_install_command() -> None:
    text = mcp_workflow("hubrails==0.1.0", "installed from a local folder")
    lines = text.splitlines()
    at = lines.index("        # installed from a local folder")
    assert lines[at - 1] == "      - name: Install hubrails with the MCP SDK"
    assert lines[at + 1] == "        run: \"pip install 'hubrails[mcp]==0.1.0'\""
    assert steps(text) == steps(mcp_workflow("hubrails==0.1.0", None))
    assert "# installed" not in mcp_workflow("hubrails==0.1.0", "")
