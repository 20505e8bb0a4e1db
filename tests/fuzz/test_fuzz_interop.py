"""Mutated MCP ``server.json`` and tools files (``hub import mcp``) and Agent Skills folders
(``hub import skill``): no internal error, and what an import writes validates."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from tests.cli.test_interop import REMOTE_SERVER, STDIO_SERVER, TOOLS_LIST
from tests.fuzz.known import HITS, budget, cli, count, no_internal_error
from tests.fuzz.mutations import json_dump, json_mutant
from tests.fuzz.registry import example, replaced, seeds
from tests.fuzz.test_fuzz_manifests import skill_md_mutant

SKILL_DOCS = {  # renamed, so that an import is not refused as taken
    rel: data.replace(b"\nname: ", b"\nname: fuzzed-", 1)
    for rel, data in seeds().items()
    if rel.endswith("/SKILL.md")
}


@pytest.fixture(scope="module")
def hub(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return example(tmp_path_factory.mktemp("fuzz") / "hub")


def _imported_validates(hub: Path, stdout: str) -> None:
    """The files an import wrote (named on stdout) have no error finding."""
    written = stdout.split(" into ")[-1].split(" as ")[-1].split(" ")[0].rstrip("/")
    run = cli("validate", str(hub / written), "--root", str(hub), "--format", "json")
    assert run.exit_code == 0, (stdout, run.stdout)


@budget(ci=60, share=0.06)
@given(
    st.one_of(json_mutant(STDIO_SERVER), json_mutant(REMOTE_SERVER)),
    st.one_of(
        st.just(json_dump(TOOLS_LIST)),
        json_mutant(TOOLS_LIST),
        st.just(json_dump(TOOLS_LIST["tools"])),
        st.none(),
    ),
    st.lists(st.sampled_from(["--remote", "--action=query", "--name=weather-x"]), unique=True),
)
def test_import_mcp(hub: Path, server: bytes, tools: bytes | None, extra: list[str]) -> None:
    count("interop, import mcp")
    args = ["import", "mcp", str(hub / "in/server.json"), "--root", str(hub), *extra]
    if tools is not None:
        args += ["--tools", str(hub / "in/tools.json")]
    sample = (server, tools, extra)
    with (
        replaced(hub, "in/server.json", server),
        replaced(hub, "in/tools.json", tools or b"{}"),
        no_internal_error("import mcp", sample) as guard,
    ):
        run = cli(*args)
        if guard.ok:
            assert run.exit_code in (0, 2), (run.exit_code, run.stderr)
            assert "Traceback" not in run.stderr
            if run.exit_code == 0:
                _imported_validates(hub, run.stdout)


# Issue 18 item 9: --team is never name-checked, so an import for a team that does not exist
# succeeds and leaves a skill that fails validation.
NO_TEAM_CHECK = "import-skill-unknown-team (item 9)"
EVALS = {"evals": [{"id": 1, "prompt": "Summarise", "expected_output": "x", "files": []}]}


@budget(ci=60, share=0.06)
@given(
    st.sampled_from(sorted(SKILL_DOCS)).flatmap(
        lambda rel: st.tuples(st.just(rel), skill_md_mutant(SKILL_DOCS[rel]))
    ),
    st.one_of(st.none(), json_mutant(EVALS)),
    st.sampled_from([None, "sre", "platform", "nobody"]),
)
def test_import_skill(
    hub: Path, doc: tuple[str, bytes], evals: bytes | None, team: str | None
) -> None:
    count("interop, import skill")
    rel, content = doc
    name = rel.split("/")[-2]
    try:  # the folder is named after the skill, as the Agent Skills rules want
        front = yaml.safe_load(content.split(b"---", 2)[1])
        given = front.get("name") if isinstance(front, dict) else None
        name = given if isinstance(given, str) else name  # a mapping or list names no folder
    except (yaml.YAMLError, IndexError, ValueError):
        pass
    if "/" in name or name in ("", ".", "..") or "\x00" in name or len(name.encode()) > 200:
        name = "x"  # a name no folder can have (the test's limit, not hub's)
    folder = f"in/{name}"
    args = ["import", "skill", str(hub / folder), "--root", str(hub)]
    args += ["--team", team] if team else []
    with (
        replaced(hub, f"{folder}/SKILL.md", content),
        replaced(hub, f"{folder}/evals/evals.json", evals or json_dump(EVALS)),
        replaced(hub, f"{folder}/scripts/run.py", b"print('hi')\n"),
        no_internal_error("import skill", (content, evals, team)) as guard,
    ):
        run = cli(*args)
        if guard.ok:
            assert run.exit_code in (0, 2), (run.exit_code, run.stderr)
            assert "Traceback" not in run.stderr
            if run.exit_code == 0 and team == "nobody":
                HITS[NO_TEAM_CHECK] += 1  # to be exit 2: then remove this branch
            elif run.exit_code == 0:
                _imported_validates(hub, run.stdout)
