"""The text of new manifests (``hub new``): valid at once, with comments that say what to fill.

Values are inserted as JSON strings, which YAML reads back unchanged whatever they contain;
names are written plain unless YAML would read them as something else (``42``, ``no``).
"""

from __future__ import annotations

import json

_ENVELOPE = """\
# yaml-language-server: $schema={schema}
apiVersion: hubrails/v1
kind: {kind}
metadata:
  name: {name}
{team}  version: "0.1.0"
  description: {description}
  lifecycle: experimental       # experimental | production | deprecated
  labels: {{}}
spec:
"""

_SPECS = {
    "Team": """\
  display_name: {title}
  owners:                       # code-host handles written to CODEOWNERS
{owners}
  contact:
    email: {email}
  budget:
    monthly_usd: 500
  platform: {platform}
""",
    "Tool": """\
  status: proposed              # proposed until the platform team vets it
  risk: high                    # low | medium | high; lower it once vetted
  data_classification: internal # public | internal | confidential | restricted
  scopes: []
  mcp:
    transport: stdio            # stdio | streamable-http | sse (then give url: instead)
    command: npx
    args: ["-y", "@example/{name}-mcp"]
  actions:                      # one per MCP tool of the server
    - name: example_action
      description: Replace with the server's real tools.
      risk: high
      annotations:              # MCP defaults: nothing looks safe by omission
        readOnlyHint: false
        destructiveHint: true
        idempotentHint: false
        openWorldHint: true
""",
    "Skill": """\
  tools: []                     # e.g. - {{name: github, version: "^2.0.0", actions: [search_code]}}
  prompts: []
  evals: []                     # cases in the evals/evals.json shape
""",
    "Prompt": """\
  template: |
    You are {title}. Answer the request below.

    {{{{ request }}}}
  variables:
    - name: request
      description: What the user asks for.
      required: true
""",
    "Guardrail": """\
  scope: {scope}                    # hub | team
  enforcement: advisory         # required | advisory
  policy:
    logging:
      required: true
      min_retention_days: 30
""",
    "Agent": """\
  model: {model}
  data_classification: internal
{uses}  logging:
    enabled: true
    retention_days: 90
  telemetry:
    enabled: true
    exporter: otlp
""",
    "Waiver": """\
  agent: replace-me             # the agent whose check is waived (its metadata.name)
  check: approvals              # a check id from docs/checks.md
  reason: Say why the exception is acceptable and what replaces the check meanwhile.
  granted_by: "@replace-me"     # who grants it: a platform team owner
  expires: "{expires}"          # quoted; past this day the waiver no longer counts
""",
}

SKILL_DOC = """\
---
name: {name}
description: {description}
---

# {title}

Write the instructions the agent follows when it uses this skill: when to use it, the steps,
and what to return. Put scripts in `scripts/` and longer references in `references/`.
"""


def _q(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)


def plain(value: str) -> str:
    """``value`` as a plain YAML scalar when YAML reads it back as this same string, else as a
    JSON string (a name such as ``42``, ``007`` or ``yes``)."""
    import yaml

    try:
        same = yaml.safe_load(value) == value
    except yaml.YAMLError:
        same = False
    return value if same else _q(value)


def manifest(
    kind: str,
    name: str,
    *,
    schema: str,
    team: str | None,
    description: str,
    owners: tuple[str, ...] = (),
    email: str = "",
    platform: bool = False,
    model: str = "claude-sonnet-4-5",
    scope: str = "hub",
    skills: tuple[tuple[str, str], ...] = (),
    tools: tuple[tuple[str, str, tuple[str, ...]], ...] = (),
) -> str:
    """A new ``kind`` manifest called ``name``; an agent's ``skills`` are (name, range) and its
    ``tools`` (name, range, actions)."""
    title = name.replace("-", " ").capitalize()
    head = _ENVELOPE.format(
        schema=schema,
        kind=kind,
        name=plain(name),
        team=f"  team: {plain(team)}\n" if team and kind != "Team" else "",
        description=_q(description),
    )
    body = _SPECS[kind].format(
        name=name,
        title=_q(title) if kind == "Team" else title,
        owners="\n".join(f"    - {_q(o)}" for o in owners),
        email=_q(email),
        platform="true" if platform else "false",
        model=_q(model),
        scope=scope,
        expires=_in_days(30),
        uses=_uses(skills, tools),
    )
    return head + body


def _in_days(days: int) -> str:
    import datetime

    return (datetime.date.today() + datetime.timedelta(days=days)).isoformat()


def skill_doc(name: str, description: str) -> str:
    """A new ``SKILL.md`` that agrees with its ``skill.yaml``."""
    title = name.replace("-", " ").capitalize()
    return SKILL_DOC.format(name=plain(name), description=_q(description), title=title)


def _uses(
    skills: tuple[tuple[str, str], ...], tools: tuple[tuple[str, str, tuple[str, ...]], ...]
) -> str:
    """An agent's ``skills:`` and ``tools:`` lines."""
    lines = []
    if skills:
        lines.append("  skills:")
        lines += [f"    - {{name: {plain(n)}, version: {_q(r)}}}" for n, r in skills]
    else:
        lines.append(
            '  skills: []                    # e.g. - {name: incident-summary, version: "^1.0.0"}'
        )
    if tools:
        lines.append("  tools:")
        for n, r, actions in tools:
            lines += [f"    - name: {plain(n)}", f"      version: {_q(r)}"]
            lines.append(f"      actions: [{', '.join(plain(a) for a in actions)}]")
    else:
        lines.append(
            "  tools: []                     "
            '# e.g. - {name: github, version: "^2.0.0", actions: [...]}'
        )
    return "\n".join(lines) + "\n"
