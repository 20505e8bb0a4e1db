"""Agent Skills folders in and out: the SKILL.md frontmatter check, reading a folder (hidden
files left out; links outside, non-regular files, set-id bits and oversize files refused), the
executables, the imported ``skill.yaml``, the eval cases, and the import and export plans."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
import yaml

from hubrails.core.interop import agent_skills as skills
from hubrails.errors import HubError
from tests.helpers import EXAMPLE, write

SCHEMA = "../../schemas/skill.schema.json"
DOC = """---
name: {name}
description: Summarise an incident timeline for the on-call channel.
{extra}---

# Steps

1. Read the timeline.
"""


def _folder(tmp_path: Path, name: str = "incident-notes", extra: str = "",
            files: dict[str, str | bytes] | None = None) -> Path:  # fmt: skip
    folder = tmp_path / name
    write(folder, {"SKILL.md": DOC.format(name=name, extra=extra), **(files or {})})
    return folder


def test_a_valid_frontmatter_is_returned(tmp_path: Path) -> None:
    front = skills.check_skill_doc(DOC.format(name="x-y", extra="license: MIT\n"), "SKILL.md")
    assert front["name"] == "x-y" and front["license"] == "MIT"


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("# no frontmatter\n", None),
        (DOC.format(name="Bad_Name", extra=""), 2),
        ("---\nname: x\n---\nbody\n", None),  # no description
    ],
)
def test_a_broken_rule_is_an_error_at_its_place(text: str, line: int | None) -> None:
    with pytest.raises(HubError) as caught:
        skills.check_skill_doc(text, "dir/SKILL.md")
    assert caught.value.path == "dir/SKILL.md" and caught.value.hint
    if line is not None:
        assert caught.value.line == line


def test_several_broken_rules_are_counted_in_the_message() -> None:
    with pytest.raises(HubError, match=r"\(and \d+ more\)$"):
        skills.check_skill_doc("---\nname: Bad_Name\n---\n", "SKILL.md")


def test_read_folder_takes_every_file_but_hidden_ones(tmp_path: Path) -> None:
    extra: dict[str, str | bytes] = {"scripts/run.sh": "echo hi\n", ".env": "SECRET=1",
                                     ".git/config": "x", "assets/logo.png": b"\x89PNG"}  # fmt: skip
    folder = _folder(tmp_path, files=extra)
    found = skills.read_folder(folder)
    assert sorted(found) == ["SKILL.md", "assets/logo.png", "scripts/run.sh"]
    assert found["assets/logo.png"] == b"\x89PNG"


def test_a_folder_without_skill_md_is_refused(tmp_path: Path) -> None:
    with pytest.raises(HubError, match=r"holds no SKILL\.md") as caught:
        skills.read_folder(tmp_path)
    assert caught.value.hint == "an Agent Skills folder has SKILL.md"


def test_a_link_inside_the_folder_is_read_and_one_outside_refused(tmp_path: Path) -> None:
    folder = _folder(tmp_path, files={"references/a.md": "A"})
    (folder / "references" / "b.md").symlink_to("a.md")
    assert skills.read_folder(folder)["references/b.md"] == b"A"
    (tmp_path / "secret.txt").write_text("key")
    (folder / "references" / "c.md").symlink_to(tmp_path / "secret.txt")
    with pytest.raises(HubError, match=r"^references/c\.md: links outside the skill folder$"):
        skills.read_folder(folder)


def test_a_fifo_is_refused_without_blocking(tmp_path: Path) -> None:
    folder = _folder(tmp_path)
    os.mkfifo(folder / "pipe")
    with pytest.raises(HubError, match=r"^pipe: "):
        skills.read_folder(folder)


def test_a_setuid_script_is_refused(tmp_path: Path) -> None:
    folder = _folder(tmp_path, files={"scripts/run.sh": "echo\n"})
    (folder / "scripts" / "run.sh").chmod(0o4755)
    with pytest.raises(HubError, match=r"^scripts/run\.sh is setuid or setgid: refused$") as caught:
        skills.read_folder(folder)
    assert caught.value.hint == "a skill's scripts run as the user: chmod ug-s scripts/run.sh"


def test_a_file_over_the_limit_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = _folder(tmp_path, files={"assets/big.bin": b"x" * 1001})
    monkeypatch.setattr(skills, "MAX_FILE_BYTES", 1000)
    with pytest.raises(HubError, match=r"^assets/big\.bin: file is 1001 bytes, over the limit"):
        skills.read_folder(folder)


def test_executables_are_the_files_their_owner_may_run(tmp_path: Path) -> None:
    folder = _folder(tmp_path, files={"scripts/run.sh": "echo\n", "scripts/lib.sh": "x\n"})
    (folder / "scripts" / "run.sh").chmod(0o755)
    files = skills.read_folder(folder)
    assert skills.executables(folder, files) == frozenset({"scripts/run.sh"})
    assert skills.executables(folder, {"gone.sh": b""}) == frozenset()


def test_the_imported_manifest_keeps_name_description_and_a_semver_version() -> None:
    front = {"name": "x", "description": "D.", "metadata": {"version": "1.2.3"}}
    text = skills.skill_manifest(front, "sre", [{"id": 1}], SCHEMA)
    assert text.startswith(f"# yaml-language-server: $schema={SCHEMA}\n")
    data = yaml.safe_load(text)
    assert data["metadata"] == {"name": "x", "team": "sre", "version": "1.2.3",
                                "description": "D.", "lifecycle": "experimental",
                                "annotations": {"imported-from": "agent-skills"}}  # fmt: skip
    assert data["spec"] == {"tools": [], "prompts": [], "evals": [{"id": 1}]}


@pytest.mark.parametrize("metadata", [None, {}, {"version": "1.0"}, {"version": 2}])
def test_a_missing_or_loose_version_becomes_0_1_0(metadata: object) -> None:
    front = {"name": "x", "description": "D.", "metadata": metadata}
    data = yaml.safe_load(skills.skill_manifest(front, "sre", [], SCHEMA))
    assert data["metadata"]["version"] == "0.1.0" and "evals" not in data["spec"]


def test_evals_are_read_wrapped_or_bare(tmp_path: Path) -> None:
    assert skills.read_evals({}, tmp_path) == []
    assert skills.read_evals({skills.EVALS: b'{"evals": [{"id": 1}]}'}, tmp_path) == [{"id": 1}]
    assert skills.read_evals({skills.EVALS: b'[{"id": 2}]'}, tmp_path) == [{"id": 2}]


@pytest.mark.parametrize(
    ("content", "message"),
    [(b"{oops", "evals/evals.json is not valid JSON: "),
     (b'{"evals": {}}', "evals/evals.json holds no list of evals"),
     (b'"text"', "evals/evals.json holds no list of evals")],
)  # fmt: skip
def test_broken_evals_are_refused(tmp_path: Path, content: bytes, message: str) -> None:
    with pytest.raises(HubError, match=message) as caught:
        skills.read_evals({skills.EVALS: content}, tmp_path)
    assert caught.value.path == str(tmp_path / skills.EVALS)


def test_read_skill_reads_front_files_evals_and_executables(tmp_path: Path) -> None:
    folder = _folder(tmp_path, files={"evals/evals.json": '[{"id": 1}]', "scripts/a.sh": "x"})
    (folder / "scripts" / "a.sh").chmod(0o700)
    skill = skills.read_skill(folder)
    assert skill.name == "incident-notes" and skill.front["name"] == "incident-notes"
    assert sorted(skill.files) == ["SKILL.md", "evals/evals.json", "scripts/a.sh"]
    assert (skill.evals, skill.executable) == ([{"id": 1}], frozenset({"scripts/a.sh"}))


def test_a_folder_named_unlike_its_skill_is_refused(tmp_path: Path) -> None:
    folder = _folder(tmp_path, "incident-notes")
    folder.rename(tmp_path / "notes")
    with pytest.raises(HubError) as caught:
        skills.read_skill(tmp_path / "notes")
    assert caught.value.message == (
        "the folder is named 'notes' but its SKILL.md names the skill 'incident-notes'"
    )


def test_a_skill_md_that_is_not_utf8_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "x"
    write(folder, {"SKILL.md": b"---\nname: x\ndescription: \xff\n---\n"})
    with pytest.raises(HubError):
        skills.read_skill(folder)


def test_the_import_plan_copies_the_files_and_adds_the_manifest(tmp_path: Path) -> None:
    skill = skills.read_skill(_folder(tmp_path, files={"references/r.md": b"R"}))
    plan = skills.import_plan(skill, "sre", "registry/skills/incident-notes", SCHEMA)
    assert sorted(plan) == ["registry/skills/incident-notes/SKILL.md",
                            "registry/skills/incident-notes/references/r.md",
                            "registry/skills/incident-notes/skill.yaml"]  # fmt: skip
    assert plan["registry/skills/incident-notes/references/r.md"] == b"R"
    manifest = yaml.safe_load(plan["registry/skills/incident-notes/skill.yaml"])
    assert manifest["metadata"]["team"] == "sre"


def test_an_import_whose_manifest_breaks_the_schema_is_refused(tmp_path: Path) -> None:
    skill = skills.read_skill(_folder(tmp_path))
    with pytest.raises(HubError) as caught:
        skills.import_plan(skill, "Not A Team", "registry/skills/incident-notes", SCHEMA)
    assert caught.value.path == "registry/skills/incident-notes/skill.yaml"


def _registry_skill(tmp_path: Path, name: str = "sql-report") -> Path:
    dest = tmp_path / name
    shutil.copytree(EXAMPLE / "registry" / "skills" / name, dest)
    return dest


def test_the_export_plan_drops_the_manifest_and_writes_the_evals(tmp_path: Path) -> None:
    folder = _registry_skill(tmp_path)
    spec = yaml.safe_load((folder / "skill.yaml").read_text())["spec"]
    files = skills.export_plan(folder, spec, "sql-report")
    assert "skill.yaml" not in files and "SKILL.md" in files
    evals = json.loads(files[skills.EVALS])
    assert evals == {"skill_name": "sql-report", "evals": spec["evals"]}


def test_the_export_keeps_the_folders_own_evals_and_writes_none_without(tmp_path: Path) -> None:
    folder = _registry_skill(tmp_path)
    write(folder, {skills.EVALS: "[]"})
    assert skills.export_plan(folder, {"evals": [{"id": 1}]}, "sql-report")[skills.EVALS] == b"[]"
    (folder / skills.EVALS).unlink()
    assert skills.EVALS not in skills.export_plan(folder, {}, "sql-report")


def test_an_export_of_a_skill_whose_skill_md_names_another_is_refused(tmp_path: Path) -> None:
    folder = _registry_skill(tmp_path)
    with pytest.raises(HubError, match=r"SKILL\.md names 'sql-report', but the skill is 'other'"):
        skills.export_plan(folder, {}, "other")
