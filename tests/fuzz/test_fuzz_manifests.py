"""Mutated manifests and SKILL.md files of the example registry: validate (whole and focused)
and certify never end in an internal error, and a one-file run agrees with the whole run."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from tests.fuzz.known import budget, cli, count, no_internal_error
from tests.fuzz.mutations import byte_mutant, line_mutant, tree_mutant, yaml_dump, yaml_mutant
from tests.fuzz.registry import example, replaced, seeds
from tests.helpers import expect_focused_runs_to_match


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return example(tmp_path_factory.mktemp("fuzz") / "hub")


SEEDS = seeds()


@st.composite
def skill_md_mutant(draw: st.DrawFn, seed: bytes) -> bytes:
    """A mutant of a SKILL.md: its front matter mutated as data, or its lines, or its bytes."""
    text = seed.decode("utf-8")
    how = draw(st.sampled_from(["front", "front", "line", "byte"]))
    if how == "front":
        _, front, body = text.split("---\n", 2)
        data = draw(tree_mutant(yaml.safe_load(front)))
        return b"---\n" + yaml_dump(data) + b"---\n" + body.encode()
    if how == "line":
        return draw(line_mutant(text)).encode("utf-8", "surrogatepass")
    return draw(byte_mutant(seed))


@st.composite
def mutated_file(draw: st.DrawFn) -> tuple[str, bytes]:
    """A registry path and a mutant of its content."""
    rel = draw(st.sampled_from(sorted(SEEDS)))
    seed = SEEDS[rel]
    return rel, draw(skill_md_mutant(seed) if rel.endswith(".md") else yaml_mutant(seed))


@budget(ci=120, share=0.325)  # the shares of every test add up to 1
@given(mutated_file())
def test_focused_validate_agrees_with_the_whole_run(root: Path, sample: tuple[str, bytes]) -> None:
    count("manifests, validate focused vs whole")
    rel, content = sample
    with replaced(root, rel, content), no_internal_error("validate", sample):
        expect_focused_runs_to_match(root, [rel])


@budget(ci=30, share=0.10)
@given(mutated_file(), st.sampled_from(["json", "sarif"]))
def test_cli_validate_and_certify_json_parses(
    root: Path, sample: tuple[str, bytes], fmt: str
) -> None:
    count("manifests, CLI validate + certify")
    rel, content = sample
    with replaced(root, rel, content) as path:
        commands: list[tuple[str, ...]] = [
            ("validate", "--root", str(root), "--format", fmt),
            ("validate", str(path), "--root", str(root), "--format", "json"),
            ("certify", "--all", "--root", str(root), "--format", fmt),
            ("policy", "incident-triage", "--root", str(root), "--format", "json"),
            ("catalog", "ls", "--root", str(root), "--format", "json"),
        ]
        for args in commands:
            with no_internal_error(" ".join(args[:2]), sample) as guard:
                run = cli(*args)
            if not guard.ok:
                continue
            assert run.exit_code in (0, 1, 2), (args, run.exit_code, run.stderr)
            assert "Traceback" not in run.stderr
            if (run.exit_code != 2 and args[0] != "policy") or run.exit_code == 0:
                json.loads(run.stdout)
