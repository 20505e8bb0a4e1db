"""``hub init`` and ``hub new``: the files a new registry or a new manifest consists of.

Plans are ``{relative path: text}``; :func:`write_new` writes one, refusing to overwrite
anything, and removes what it wrote when it cannot finish.
"""

from __future__ import annotations

import json
import os
import re
import shlex
from pathlib import Path

from hubrails.core.registry import layout
from hubrails.core.registry.layout import CODEOWNERS, check_name
from hubrails.core.scaffold.pins import Pins, choose
from hubrails.core.scaffold.templates import manifest, plain, skill_doc
from hubrails.errors import HubError

HUB_FOLDERS = ("teams", "tools", "skills", "prompts", "guardrails", "spokes")
SPOKE_FOLDERS = ("skills", "agents", "prompts", "guardrails")
SCHEMA_URL = "https://hubrails.dev/schemas/v1/"
HUB_ONLY = ("Tool", "Team", "Waiver")  # the hub's own: its catalog, teams and exceptions
NEW_KINDS = ("skill", "tool", "prompt", "guardrail", "agent", "team", "waiver")  # hub new

Plan = dict[str, str | bytes]


def schema_ref(root: Path, rel: str, kind: str) -> str:
    """The ``$schema`` of a modeline for the file ``rel``: the repository's ``schemas/`` copy
    when there is one, else the schema's published URL."""
    file = f"{kind.lower()}.schema.json"
    if (root / "schemas" / file).is_file():
        return os.path.relpath(root / "schemas" / file, (root / rel).parent).replace(os.sep, "/")
    return SCHEMA_URL + file


def schema_files() -> Plan:
    """The JSON Schemas, as ``hub schema export`` and ``hub init`` write them."""
    from hubrails.resources import schemas_dir

    return {
        f"schemas/{p.name}": p.read_text(encoding="utf-8")
        for p in sorted(schemas_dir().glob("*.schema.json"))
    }


def init_plan(
    *,
    role: str,
    team: str,
    hub_url: str | None = None,
    hub_ref: str = "main",
    owners: tuple[str, ...] = (),
    email: str | None = None,
    example: bool = False,
    pins: Pins | None = None,
) -> Plan:
    """Every file of a new hub or spoke registry; ``pins`` say where the hook and CI's
    hubrails come from (default: what holds for the installed hubrails)."""
    pins = pins or choose()
    check_name(team, "team name")
    plan: Plan = {"hub.yaml": _hub_yaml(role, team, hub_url, hub_ref)}
    plan.update(schema_files())
    if example:
        plan.update(_example())
    else:
        folders = HUB_FOLDERS if role == "hub" else SPOKE_FOLDERS
        plan.update({f"registry/{folder}/.gitkeep": "" for folder in folders})
        if role == "hub":
            plan.update(_platform(team, owners, email))
    if pins.hook_repo is None:
        plan[".pre-commit-config.yaml"] = PRE_COMMIT_LOCAL
    else:
        plan[".pre-commit-config.yaml"] = PRE_COMMIT.format(url=pins.hook_repo, rev=pins.hook_rev)
    checks = CODEOWNERS_STEP if role == "hub" else ""
    caveat = f"        # {pins.caveat}\n" if pins.caveat else ""
    plan[".github/workflows/hub.yaml"] = WORKFLOW.format(
        install=caveat + "        run: " + json.dumps(f"pip install {shlex.quote(pins.install)}"),
        codeowners=checks,
        require_hub="" if role == "hub" else " --require-hub",  # a spoke checks hub references
    )
    plan[".gitignore"] = "# hubrails local state (caches, the embedded ledger)\n.hub/\n"
    if role == "hub":
        plan[CODEOWNERS] = ""  # reserved here, so an existing one is refused; filled after
        from hubrails.core.scaffold.mcp_workflow import mcp_workflow

        plan[".github/workflows/mcp-verify.yaml"] = mcp_workflow(pins.install, pins.caveat)

    return plan


def _hub_yaml(role: str, team: str, hub_url: str | None, hub_ref: str) -> str:
    lines = [
        "# yaml-language-server: $schema=./schemas/hub-config.schema.json",
        "apiVersion: hubrails/v1",
        "kind: HubConfig",
        f"role: {role}",
    ]
    if role == "spoke":
        lines += [
            f"team: {plain(team)}",
            "hub:",
            f"  url: {json.dumps(hub_url)}",
            f"  ref: {json.dumps(hub_ref)}",
        ]
    lines += [
        "registry: registry",
        "ledger:",
        '  url: "sqlite:///.hub/ledger.db"',
        "  review_hourly_usd: 90   # USD per hour of human review: reports price review time at it",
    ]
    return "\n".join(lines) + "\n"


def _platform(team: str, owners: tuple[str, ...], email: str | None) -> Plan:
    from hubrails.resources import data_dir

    rel = f"registry/teams/{team}.yaml"
    text = manifest(
        "Team",
        team,
        schema="../../schemas/team.schema.json",
        team=None,
        description="The platform team: owns the hub, its tool catalog and shared library.",
        owners=owners or (f"@your-org/{team}",),
        email=email or f"{team}@example.com",
        platform=True,
    )
    pricing = (data_dir() / "registry" / "pricing.yaml").read_text(encoding="utf-8")
    pricing = re.sub(r"(?m)^  team: \S+$", f"  team: {team}", pricing, count=1)
    return {rel: text, "registry/pricing.yaml": pricing}


def _example() -> Plan:
    from hubrails.resources import data_dir

    base = data_dir() / "registry"
    return {
        f"registry/{'/'.join(parts)}": base.joinpath(*parts).read_bytes()
        for parts in layout.walk(base)
    }


PRE_COMMIT = """\
# pre-commit (https://pre-commit.com): validate manifests before every commit.
# Install once per clone: pre-commit install
repos:
  - repo: {url}
    rev: {rev}
    hooks:
      - id: hub-validate
"""

PRE_COMMIT_LOCAL = """\
# pre-commit (https://pre-commit.com): validate manifests before every commit.
# Install once per clone: pre-commit install
# A local hook: it runs the hub on your PATH (hubrails was installed from a local folder);
# 'hub init --hook-rev REV' pins the project's hook repository instead.
repos:
  - repo: local
    hooks:
      - id: hub-validate
        name: hub validate
        entry: hub validate
        language: system
        files: ^(hub\\.yaml|.*registry/.*\\.(ya?ml|md))$
        always_run: true
"""

WORKFLOW = """\
# Validate every manifest and verify agent certificates on each push and pull request.
name: hub
on:
  push:
    branches: [main]
  pull_request:
jobs:
  hub:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
        with:
          fetch-depth: 0  # --verify checks each certificate's hub commit in the history
      - uses: actions/setup-python@v5
        with:
          python-version: "3.12"
      - name: Install hubrails
{install}
      - name: Validate manifests
        run: hub validate --format github{require_hub}
      - name: Verify agent certificates
        run: hub certify --all --verify
{codeowners}"""

CODEOWNERS_STEP = """\
      - name: CODEOWNERS matches the Team manifests
        run: hub codeowners --check
"""


def manifest_path(
    role: str, kind: str, name: str, team: str | None, platform_team: str | None
) -> str:
    """Where a new ``kind`` manifest of ``team`` belongs: the hub library for the platform
    team's assets (and every Tool and Team), ``spokes/TEAM/`` for other teams' in a hub."""
    folder = layout.FOLDER_OF_KIND[kind]
    if role == "spoke":
        if kind in HUB_ONLY:
            raise HubError(
                f"a {kind} belongs in the hub repository, not in a spoke",
                hint="run this in the hub repository, or propose it to the platform team",
            )
        base = f"registry/{folder}"
    elif kind in HUB_ONLY:
        base = f"registry/{folder}"
    elif kind == "Agent" or (team is not None and team != platform_team):
        base = f"registry/spokes/{team}/{folder}"
    else:
        base = f"registry/{folder}"
    return f"{base}/{name}/{layout.SKILL_MANIFEST}" if kind == "Skill" else f"{base}/{name}.yaml"


def new_plan(
    root: Path,
    role: str,
    kind: str,
    name: str,
    *,
    team: str | None,
    description: str | None,
    platform_team: str | None,
    model: str,
    skills: tuple[tuple[str, str], ...] = (),
    tools: tuple[tuple[str, str, tuple[str, ...]], ...] = (),
) -> Plan:
    """The file(s) of a new ``kind`` manifest called ``name`` in the registry at ``root``."""
    check_name(name)
    description = description or f"Describe what {name} does, in one or two sentences."
    rel = manifest_path(role, kind, name, team, platform_team)
    base = rel.rsplit("/", 2 if kind == "Skill" else 1)[0]
    text = manifest(
        kind,
        name,
        schema=schema_ref(root, rel, kind),
        team=team,
        description=description,
        owners=(f"@your-org/{name}",),
        email=f"{name}@example.com",
        model=model,
        scope="team" if "/spokes/" in rel or role == "spoke" else "hub",
        skills=skills,
        tools=tools,
    )
    plan: Plan = {rel: text}
    if kind == "Skill":
        plan[f"{base}/{name}/{layout.SKILL_DOC}"] = skill_doc(name, description)
    return plan
