"""Rewriting a skill manifest for the hub: owner, lineage and the schema modeline."""

from __future__ import annotations

import pytest

from hubrails.core.promote.handover import promoted_manifest, rewrite_modeline
from hubrails.core.promote.outcome import Lineage
from hubrails.core.registry import safeyaml

LINEAGE = Lineage("support", "1.2.0", "a" * 40, "git@github.com:acme/support.git")
OLD = "registry/spokes/support/skills/triage/skill.yaml"
NEW = "registry/skills/triage/skill.yaml"
TEXT = """\
# yaml-language-server: $schema=../../../../../schemas/skill.schema.json
apiVersion: hubrails/v1
kind: Skill
metadata:
  name: triage   # the folder name
  team: support
  version: "1.2.0"
  description: Triage things.
spec: {}
"""


def promoted(text: str) -> str:
    return promoted_manifest(text, owner="platform", lineage=LINEAGE, old_path=OLD, new_path=NEW)


def test_in_place_edit_keeps_comments_and_order() -> None:
    out = promoted(TEXT)
    assert out.splitlines()[0] == (
        "# yaml-language-server: $schema=../../../schemas/skill.schema.json"
    )
    assert "  name: triage   # the folder name\n  team: platform\n  promoted_from:\n" in out
    data = safeyaml.parse(out).data
    assert data["metadata"]["team"] == "platform"
    assert data["metadata"]["promoted_from"] == LINEAGE.to_dict()
    assert data["metadata"]["version"] == "1.2.0"


def test_crlf_line_endings_are_kept() -> None:
    out = promoted(TEXT.replace("\n", "\r\n"))
    assert "\r\n  promoted_from:\r\n" in out
    assert "\n" not in out.replace("\r\n", "")


@pytest.mark.parametrize(
    "text",
    [
        TEXT.replace(
            "metadata:\n  name: triage   # the folder name\n  team: support\n"
            '  version: "1.2.0"\n  description: Triage things.\n',
            'metadata: {name: triage, team: support, version: "1.2.0", description: Triage.}\n',
        ),
        TEXT.replace("  team: support\n", "  team:\n    support\n"),
        TEXT.replace(
            "  team: support\n",
            "  team: support\n  promoted_from: {team: x, version: 0.1.0, commit: b}\n",
        ),
    ],
    ids=["flow-mapping", "value-on-next-line", "earlier-lineage"],
)
def test_unusual_layouts_fall_back_to_a_clean_dump(text: str) -> None:
    out = promoted(text)
    assert out.startswith("# yaml-language-server: $schema=../../../schemas/skill.schema.json\n")
    meta = safeyaml.parse(out).data["metadata"]
    assert meta["team"] == "platform"
    assert meta["promoted_from"] == LINEAGE.to_dict()


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (
            "$schema=../../../../../schemas/skill.schema.json",
            "$schema=../../../schemas/skill.schema.json",
        ),
        ("$schema=https://hubrails.dev/schemas/v1/skill.schema.json", None),
        ("$schema=/abs/skill.schema.json", None),
        ("$schema=../../../../../../../outside.json", None),
    ],
)
def test_modeline(line: str, expected: str | None) -> None:
    text = f"# yaml-language-server: {line}\nkind: Skill\n"
    out = rewrite_modeline(text, OLD, NEW)
    assert out == (f"# yaml-language-server: {expected}\nkind: Skill\n" if expected else text)


def test_no_modeline_is_fine() -> None:
    assert rewrite_modeline("kind: Skill\n", OLD, NEW) == "kind: Skill\n"
