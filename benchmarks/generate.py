"""Generate a synthetic hub registry for benchmarking ``hub validate``.

    python benchmarks/generate.py OUT_DIR --manifests N [--error-rate 0.03] [--seed 1]

writes ``OUT_DIR/hub.yaml`` (role hub) and ``OUT_DIR/registry/`` with ``N`` manifests of every
kind in the proportions of a real hub (a skill folder, ``skill.yaml`` plus ``SKILL.md``, counts as
one manifest), cross-referenced the way real ones are: agents use skills, tools (with actions the
tools define) and prompts; skills use tools and prompts; every version range is satisfied.

About ``--error-rate`` of the manifests then get one deliberate error each: a schema error, an
unresolved reference, an unknown tool action, an unsatisfiable version range, a duplicate key or
an unquoted version that YAML reads as a number (``version: 1.10``). With ``--error-rate 0`` the
registry passes ``hub validate`` (exit 0). The output depends only on the arguments.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import shutil
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

API_VERSION = "hubrails/v1"

# Share of the manifests per kind; spoke skills take what is left.
SHARES = {
    "teams": 0.02,
    "tools": 0.08,
    "skills": 0.25,
    "prompts": 0.15,
    "guardrails": 0.02,
    "agents": 0.40,
}
SPOKE_PROMPT_SHARE = 0.2  # of the prompts, the part that lives in a team's spoke folder
SPOKE_GUARDRAIL_SHARE = 0.5
ERROR_KINDS = (
    "schema-enum",
    "schema-required",
    "schema-unknown-field",
    "schema-pattern",
    "yaml-duplicate-key",
    "yaml-implicit-type",
    "ref-unresolved",
    "ref-action",
    "ref-version",
)
_REF_ERRORS = ("ref-unresolved", "ref-action", "ref-version")


def _split(text: str) -> tuple[str, ...]:
    return tuple(text.split())


_WORDS = _split(
    "incident billing invoice refund ticket release deploy runbook oncall alert metric "
    "report search triage summary review changelog customer dispute payment catalog order "
    "inventory shipping forecast budget churn onboarding lifecycle compliance audit access "
    "secret config schema migration backup restore capacity latency error trace log query "
    "dashboard vendor supplier hiring payroll expense travel survey feedback sentiment "
    "translation document contract policy risk fraud identity session cache queue"
)
_ROLES = _split(
    "assistant helper drafter checker router responder analyst writer reviewer planner "
    "monitor scout summariser classifier extractor notifier reconciler auditor"
)
_VERBS = {
    "low": ("list", "get", "search", "read", "describe", "count"),
    "medium": ("create", "update", "add", "post", "assign", "comment"),
    "high": ("delete", "merge", "refund", "close", "revoke", "deploy"),
}
_OBJECTS = _split(
    "issues incident incidents log_entries pages files records rows messages threads "
    "tickets invoices payments customers orders users channels reviews comments notes "
    "alerts schedules oncalls deployments releases builds secrets tables reports"
)
_VENDORS = _split(
    "Acme GitHub Atlassian PagerDuty Slack Zendesk Stripe Datadog Snowflake Notion "
    "Salesforce HubSpot Linear Sentry Okta"
)
_MODELS: tuple[tuple[str, tuple[str, ...], str, float, float], ...] = (
    ("claude-opus-4-5", ("opus", "claude-opus-4-5-20251101"), "premium", 5.0, 25.0),
    ("claude-opus-4-1", ("claude-opus-4-1-20250805",), "premium", 15.0, 75.0),
    ("claude-sonnet-4-5", ("sonnet", "claude-sonnet-4-5-20250929"), "standard", 3.0, 15.0),
    ("claude-sonnet-4", ("claude-sonnet-4-20250514",), "standard", 3.0, 15.0),
    ("claude-haiku-4-5", ("haiku", "claude-haiku-4-5-20251001"), "economy", 1.0, 5.0),
    ("claude-haiku-3-5", ("claude-3-5-haiku-20241022",), "economy", 0.8, 4.0),
)
_TEAM_SUFFIXES = ("ops", "eng", "core", "data", "web", "apps", "infra", "labs")
_CLASSES = ("public", "internal", "confidential", "restricted")

_PLAIN = re.compile(r"[A-Za-z][A-Za-z0-9 _.,()/'-]*[A-Za-z0-9.)]|[A-Za-z]")
_RESERVED = {"y", "n", "yes", "no", "on", "off", "true", "false", "null"}


# --------------------------------------------------------------------------- YAML emission


def _scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    text = str(value)
    if _PLAIN.fullmatch(text) and text.lower() not in _RESERVED:
        return text
    return json.dumps(text, ensure_ascii=False)


def _emit(value: Any, indent: int) -> list[str]:
    pad = " " * indent
    lines: list[str] = []
    if isinstance(value, dict):
        for key, item in value.items():
            if isinstance(item, dict | list) and item:
                lines.append(f"{pad}{key}:")
                lines.extend(_emit(item, indent + 2))
            elif isinstance(item, dict):
                lines.append(f"{pad}{key}: {{}}")
            elif isinstance(item, list):
                lines.append(f"{pad}{key}: []")
            elif isinstance(item, str) and "\n" in item:
                lines.append(f"{pad}{key}: |")
                lines.extend(
                    f"{pad}  {line}" if line else "" for line in item.rstrip("\n").split("\n")
                )
            else:
                lines.append(f"{pad}{key}: {_scalar(item)}")
        return lines
    for item in value:
        if isinstance(item, dict) and item:
            inner = _emit(item, indent + 2)
            lines.append(f"{pad}- {inner[0].lstrip()}")
            lines.extend(inner[1:])
        elif isinstance(item, list) and item:
            lines.append(f"{pad}-")
            lines.extend(_emit(item, indent + 2))
        else:
            lines.append(f"{pad}- {_scalar(item)}")
    return lines


def to_yaml(data: dict[str, Any], header: str = "") -> str:
    """Block-style YAML for ``data``; strings are quoted only where YAML needs it."""
    return header + "\n".join(_emit(data, 0)) + "\n"


# --------------------------------------------------------------------------- the model


@dataclass(slots=True)
class Entry:
    """One manifest to write: its path under the registry, its kind and its data."""

    path: str
    kind: str
    data: dict[str, Any]
    team: str
    doc_body: str = ""  # SKILL.md body, for skills
    extras: dict[str, str] = field(default_factory=dict)  # other files in a skill folder
    error: str | None = None

    @property
    def name(self) -> str:
        return str(self.data["metadata"]["name"])

    @property
    def version(self) -> str:
        return str(self.data["metadata"]["version"])


@dataclass(slots=True)
class Summary:
    """What :func:`generate` wrote."""

    root: Path
    manifests: int
    files: int
    by_kind: dict[str, int]
    errors: dict[str, int]
    error_paths: list[str]
    sample_agent: str  # an agent that, like everything it uses, has no deliberate error
    sample_tool: str


class _Generator:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.taken: dict[str, set[str]] = {}
        self.entries: list[Entry] = []

    # -- helpers -----------------------------------------------------------------------

    def unique(self, kind: str, base: str) -> str:
        taken = self.taken.setdefault(kind, set())
        name, n = base, 2
        while name in taken:
            name, n = f"{base}-{n}", n + 1
        taken.add(name)
        return name

    def word_name(self, kind: str, parts: int = 2) -> str:
        rng = self.rng
        words = [*rng.sample(_WORDS, parts - 1), rng.choice(_ROLES)]
        return self.unique(kind, "-".join(words))

    def version(self) -> str:
        rng = self.rng
        return f"{rng.choice((1, 1, 1, 2, 2, 3))}.{rng.randint(0, 12)}.{rng.randint(0, 9)}"

    def range_for(self, version: str) -> str:
        major, minor, _ = version.split(".")
        return self.rng.choice(
            (
                f"^{major}.{minor}.0",
                f"^{major}.0.0",
                f"~{major}.{minor}",
                f">={major}.0.0 <{int(major) + 1}.0.0",
                f"{major}.x",
            )
        )

    def sentence(self, subject: str, words: int) -> str:
        rng = self.rng
        body = " ".join(rng.choice(_WORDS) for _ in range(words))
        return f"{subject.replace('-', ' ').capitalize()}: {body}."

    def metadata(self, name: str, team: str | None, description: str) -> dict[str, Any]:
        rng = self.rng
        meta: dict[str, Any] = {"name": name}
        if team is not None:
            meta["team"] = team
        meta["version"] = self.version()
        meta["description"] = description
        if rng.random() < 0.15:
            meta["lifecycle"] = "experimental"
        meta["labels"] = {"domain": rng.choice(_WORDS)}
        if rng.random() < 0.5:
            meta["annotations"] = {
                "ticket": f"https://acme.atlassian.net/browse/AIP-{rng.randint(10, 9999)}",
                "reviewed-on": f"2025-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
            }
        return meta

    def add(self, path: str, kind: str, data: dict[str, Any], team: str, **kw: Any) -> Entry:
        entry = Entry(path, kind, data, team, **kw)
        self.entries.append(entry)
        return entry

    def envelope(self, kind: str, meta: dict[str, Any], spec: dict[str, Any]) -> dict[str, Any]:
        return {"apiVersion": API_VERSION, "kind": kind, "metadata": meta, "spec": spec}

    # -- kinds -------------------------------------------------------------------------

    def team(self, name: str, platform: bool) -> Entry:
        rng = self.rng
        spec: dict[str, Any] = {
            "display_name": name.replace("-", " ").title(),
            "owners": [f"@acme/{name}", f"@{rng.choice(_WORDS)}.{rng.choice(_ROLES)}"],
            "contact": {"email": f"{name}@acme.example", "chat": f"#{name}"},
            "budget": {"monthly_usd": rng.randrange(100, 5000, 50)},
            "platform": platform,
        }
        if rng.random() < 0.6:
            spec["contact"]["oncall"] = f"{name}-primary"
        meta = self.metadata(name, None, self.sentence(name, rng.randint(8, 18)))
        meta.pop("lifecycle", None)
        return self.add(f"teams/{name}.yaml", "Team", self.envelope("Team", meta, spec), name)

    def tool(self, team: str, status: str) -> Entry:
        rng = self.rng
        name = self.word_name("Tool")
        actions = []
        seen: set[str] = set()
        for _ in range(rng.randint(3, 12)):
            risk = rng.choice(("low", "low", "low", "medium", "medium", "high"))
            action = f"{rng.choice(_VERBS[risk])}_{rng.choice(_OBJECTS)}"
            if action in seen:
                continue
            seen.add(action)
            read_only = risk == "low"
            actions.append(
                {
                    "name": action,
                    "description": self.sentence(action.replace("_", " "), rng.randint(4, 10)),
                    "risk": risk,
                    "annotations": {
                        "readOnlyHint": read_only,
                        "destructiveHint": risk == "high",
                        "idempotentHint": read_only,
                        "openWorldHint": rng.random() < 0.3,
                    },
                }
            )
        vendor = rng.choice(_VENDORS)
        pkg = f"@{vendor.lower()}/{name}-mcp"
        pkg_version = f"{rng.randint(0, 3)}.{rng.randint(0, 20)}.{rng.randint(0, 9)}"
        mcp: dict[str, Any]
        if rng.random() < 0.75:
            mcp = {
                "transport": "stdio",
                "package": {"registry_type": "npm", "identifier": pkg, "version": pkg_version},
                "command": "npx",
                "args": ["-y", f"{pkg}@{pkg_version}"],
                "env": [f"{name.upper().replace('-', '_')}_TOKEN"],
            }
        else:
            mcp = {"transport": "streamable-http", "url": f"https://mcp.acme.example/{name}/mcp"}
        spec = {
            "status": status,
            "risk": max((a["risk"] for a in actions), key=("low", "medium", "high").index),
            "data_classification": rng.choice(_CLASSES[:3]),
            "vendor": vendor,
            "homepage": f"https://github.com/acme/{name}-mcp",
            "scopes": [f"{rng.choice(_OBJECTS)}:{rng.choice(('read', 'write'))}"],
            "mcp": mcp,
            "actions": actions,
        }
        meta = self.metadata(name, team, self.sentence(name, rng.randint(15, 35)))
        if status in ("deprecated", "revoked"):
            meta["lifecycle"] = "deprecated"
        data = self.envelope("Tool", meta, spec)
        return self.add(f"tools/{name}.yaml", "Tool", data, team)

    def prompt(self, team: str, spoke: bool) -> Entry:
        rng = self.rng
        name = self.word_name("Prompt")
        variables = [f"{rng.choice(_OBJECTS)}_{i}" for i in range(rng.randint(1, 5))]
        lines = [f"You are the {name.replace('-', ' ')} for the {team} team."]
        for _ in range(rng.randint(6, 24)):
            lines.append(self.sentence(rng.choice(_ROLES), rng.randint(6, 16)))
            if rng.random() < 0.3:
                lines.append(f"Input: {{{{ {rng.choice(variables)} }}}}")
                lines.append("")
        spec: dict[str, Any] = {
            "template": "\n".join(lines) + "\n",
            "variables": [
                {
                    "name": v,
                    "description": self.sentence(v, rng.randint(3, 8)),
                    "required": rng.random() < 0.7,
                }
                for v in variables
            ],
            "model_hints": {
                "temperature": rng.choice((0.0, 0.2, 0.5, 0.7)),
                "max_output_tokens": rng.choice((512, 1024, 2048, 4096)),
            },
        }
        meta = self.metadata(name, team, self.sentence(name, rng.randint(8, 20)))
        path = f"spokes/{team}/prompts/{name}.yaml" if spoke else f"prompts/{name}.yaml"
        return self.add(path, "Prompt", self.envelope("Prompt", meta, spec), team)

    def guardrail(self, team: str, spoke: bool) -> Entry:
        rng = self.rng
        name = self.word_name("Guardrail")
        policy: dict[str, Any] = {}
        if rng.random() < 0.7:
            policy["logging"] = {"required": True, "min_retention_days": rng.choice((30, 90, 365))}
        if rng.random() < 0.5:
            policy["telemetry"] = {"required": True, "ledger_window_days": 30}
        if rng.random() < 0.5:
            policy["approval"] = {"required_for_risk": "high", "destructive_actions": True}
        if rng.random() < 0.4:
            policy["models"] = {"allow": [m[0] for m in rng.sample(_MODELS, 3)], "deny": []}
        if rng.random() < 0.4:
            policy["limits"] = {
                "max_cost_usd_per_run": rng.choice((0.5, 1.5, 2.5)),
                "max_tool_calls_per_run": rng.choice((20, 30, 40)),
            }
        policy["data"] = {"max_classification": rng.choice(_CLASSES[1:])}
        spec = {
            "scope": "team" if spoke else "hub",
            "enforcement": rng.choice(("required", "advisory")),
            "policy": policy,
        }
        meta = self.metadata(name, team, self.sentence(name, rng.randint(10, 30)))
        path = f"spokes/{team}/guardrails/{name}.yaml" if spoke else f"guardrails/{name}.yaml"
        return self.add(path, "Guardrail", self.envelope("Guardrail", meta, spec), team)

    def tool_refs(self, tools: Sequence[Entry], count: int) -> list[dict[str, Any]]:
        refs = []
        for tool in self.rng.sample(list(tools), min(count, len(tools))):
            names = [a["name"] for a in tool.data["spec"]["actions"]]
            used = self.rng.sample(names, self.rng.randint(1, min(4, len(names))))
            refs.append(
                {"name": tool.name, "version": self.range_for(tool.version), "actions": used}
            )
        return refs

    def asset_refs(self, assets: Sequence[Entry], count: int) -> list[dict[str, Any]]:
        chosen = self.rng.sample(list(assets), min(count, len(assets)))
        return [{"name": a.name, "version": self.range_for(a.version)} for a in chosen]

    def skill(
        self, team: str, spoke: bool, tools: Sequence[Entry], prompts: Sequence[Entry]
    ) -> Entry:
        rng = self.rng
        name = self.word_name("Skill")
        description = self.sentence(name, rng.randint(15, 40))
        spec: dict[str, Any] = {}
        if rng.random() < 0.8:
            spec["tools"] = self.tool_refs(tools, rng.randint(1, 3))
        if rng.random() < 0.6:
            spec["prompts"] = self.asset_refs(prompts, rng.randint(1, 2))
        if rng.random() < 0.6:
            spec["evals"] = [
                {
                    "id": i + 1,
                    "prompt": self.sentence("please", rng.randint(6, 14)),
                    "expected_output": self.sentence("output", rng.randint(8, 20)),
                    "files": [],
                    "expectations": [
                        self.sentence("check", rng.randint(4, 9)) for _ in range(rng.randint(1, 3))
                    ],
                }
                for i in range(rng.randint(1, 3))
            ]
        meta = self.metadata(name, team, description)
        front = {
            "name": name,
            "description": description,
            "license": "Proprietary. Internal use at Acme only.",
            "metadata": {"owner": team, "version": meta["version"]},
        }
        body = [f"# {name.replace('-', ' ').capitalize()}", ""]
        for section in range(rng.randint(2, 5)):
            body += [f"## Step {section + 1}", ""]
            body += [self.sentence(rng.choice(_ROLES), rng.randint(10, 30)) for _ in range(3)]
            body.append("")
        doc = "---\n" + to_yaml(front) + "---\n\n" + "\n".join(body)
        extras = {}
        if rng.random() < 0.3:
            extras["references/notes.md"] = "# Notes\n\n" + self.sentence("notes", 40) + "\n"
        if rng.random() < 0.2:
            extras["scripts/run.sh"] = "#!/bin/sh\n# Helper script.\necho ok\n"
        folder = f"spokes/{team}/skills/{name}" if spoke else f"skills/{name}"
        data = self.envelope("Skill", meta, spec)
        return self.add(f"{folder}/skill.yaml", "Skill", data, team, doc_body=doc, extras=extras)

    def agent(
        self,
        team: str,
        skills: Sequence[Entry],
        tools: Sequence[Entry],
        prompts: Sequence[Entry],
    ) -> Entry:
        rng = self.rng
        name = self.word_name("Agent", 3)
        chosen = rng.sample(list(skills), min(rng.randint(1, 3), len(skills)))
        by_name = {t.name: t for t in tools}
        tool_refs: dict[str, dict[str, Any]] = {}
        for skill in chosen:  # an agent uses the tools its skills need
            for ref in skill.data["spec"].get("tools", []):
                mine = tool_refs.setdefault(
                    ref["name"], {"name": ref["name"], "version": ref["version"], "actions": []}
                )
                mine["actions"] += [a for a in ref["actions"] if a not in mine["actions"]]
        for ref in self.tool_refs(tools, rng.randint(0, 2)):
            if ref["name"] not in tool_refs:
                tool_refs[ref["name"]] = ref
        if not tool_refs:
            ref = self.tool_refs(tools, 1)[0]
            tool_refs[ref["name"]] = ref
        instructions = rng.choice(list(prompts))
        spec: dict[str, Any] = {
            "model": rng.choice(
                ("claude-sonnet-4-5", "sonnet", "claude-haiku-4-5", "haiku", "claude-opus-4-5")
            ),
            "data_classification": rng.choice(_CLASSES[:3]),
            "instructions": {
                "name": instructions.name,
                "version": self.range_for(instructions.version),
            },
            "skills": [{"name": s.name, "version": self.range_for(s.version)} for s in chosen],
            "tools": list(tool_refs.values()),
            "prompts": self.asset_refs(prompts, rng.randint(0, 2)),
            "logging": {
                "enabled": True,
                "retention_days": rng.choice((30, 90, 365)),
                "destination": f"s3://acme-agent-logs/{team}",
            },
            "telemetry": {
                "enabled": True,
                "exporter": "otlp",
                "endpoint": "https://otel.acme.example:4318",
            },
        }
        risky = [
            (t["name"], a)
            for t in spec["tools"]
            for a in t["actions"]
            if any(
                x["name"] == a and x["risk"] != "low"
                for x in by_name[t["name"]].data["spec"]["actions"]
            )
        ]
        if risky:
            tool, action = rng.choice(risky)
            spec["approvals"] = [
                {"tool": tool, "actions": [action], "approvers": [f"@acme/{team}-oncall"]}
            ]
        if rng.random() < 0.3:
            spec["guardrails"] = {
                "policy": {"limits": {"max_cost_usd_per_run": 1.5, "max_tool_calls_per_run": 30}}
            }
        meta = self.metadata(name, team, self.sentence(name, rng.randint(15, 40)))
        meta["labels"]["tier"] = str(rng.randint(1, 3))
        data = self.envelope("Agent", meta, spec)
        return self.add(f"spokes/{team}/agents/{name}.yaml", "Agent", data, team)

    def pricing(self, team: str) -> Entry:
        models = [
            {
                "id": model,
                "aliases": list(aliases),
                "tier": tier,
                "prices": [
                    {
                        "effective_from": "2025-09-29",
                        "input_per_mtok": inp,
                        "output_per_mtok": out,
                        "cache_read_per_mtok": round(inp / 10, 3),
                        "cache_write_per_mtok": round(inp * 1.25, 3),
                    }
                ],
            }
            for model, aliases, tier, inp, out in _MODELS
        ]
        meta = {
            "name": "pricing",
            "team": team,
            "version": "2025.11.24",
            "description": "List prices per million tokens for the Claude models agents may use.",
        }
        spec = {"currency": "USD", "models": models}
        return self.add("pricing.yaml", "Pricing", self.envelope("Pricing", meta, spec), team)

    # -- errors ------------------------------------------------------------------------

    def corrupt(self, entry: Entry, error: str) -> None:
        """Give ``entry`` one deliberate error (data errors now, text errors when written)."""
        rng = self.rng
        data, spec, meta = entry.data, entry.data["spec"], entry.data["metadata"]
        entry.error = error
        if error == "schema-enum":
            if entry.kind == "Agent":
                spec["data_classification"] = "secret"
            elif entry.kind == "Tool":
                spec["risk"] = "severe"
            else:
                meta["lifecycle"] = "retired"
        elif error == "schema-required":
            if entry.kind == "Agent":
                del spec["logging"]
            else:
                del meta["version"]
        elif error == "schema-unknown-field":
            meta["descripton"] = meta.pop("description")
        elif error == "schema-pattern":
            meta["labels"] = {"Cost Center": "cc-1000"}
        elif error == "ref-unresolved":
            field_name = "skills" if entry.kind == "Agent" else "prompts"
            refs = spec.setdefault(field_name, [])
            refs.append({"name": f"{rng.choice(_WORDS)}-missing-asset", "version": "^1.0.0"})
        elif error == "ref-action":
            spec["tools"][0]["actions"].append("teleport_everything")
        elif error == "ref-version":
            spec["tools"][0]["version"] = "^9.0.0"
        data["spec"] = spec

    def render(self, entry: Entry) -> str:
        depth = entry.path.count("/")
        header = f"# yaml-language-server: $schema={'../' * (depth + 1)}schemas/"
        header += f"{entry.kind.lower()}.schema.json\n"
        text = to_yaml(entry.data, header)
        if entry.error == "yaml-implicit-type":
            text = re.sub(r'(?m)^  version: "\d+\.\d+\.\d+"$', "  version: 1.10", text, count=1)
        elif entry.error == "yaml-duplicate-key":
            text = re.sub(r"(?m)^(  name: .*)$", r"\1\n\1", text, count=1)
        return text


def _counts(manifests: int) -> dict[str, int]:
    counts = {kind: max(1, round(manifests * share)) for kind, share in SHARES.items()}
    counts["teams"] = max(counts["teams"], 3)
    counts["tools"] = max(counts["tools"], 3)
    counts["spoke_skills"] = max(0, manifests - 1 - sum(counts.values()))  # 1: pricing.yaml
    return counts


def generate(out_dir: Path, manifests: int, *, error_rate: float = 0.03, seed: int = 1) -> Summary:
    """Write a registry repository of ``manifests`` manifests into ``out_dir`` (replaced)."""
    if manifests < 20:
        raise ValueError("--manifests must be at least 20")
    if not 0 <= error_rate <= 1:
        raise ValueError("--error-rate must be between 0 and 1")
    gen = _Generator(seed)
    rng = gen.rng
    counts = _counts(manifests)

    gen.taken["Team"] = {"platform"}
    team_names = ["platform"] + [
        gen.unique("Team", f"{rng.choice(_WORDS)}-{rng.choice(_TEAM_SUFFIXES)}")
        for _ in range(counts["teams"] - 1)
    ]
    for i, team in enumerate(team_names):
        gen.team(team, platform=i == 0)
    spokes = team_names[1:]

    def owner() -> str:  # hub assets: mostly the platform team
        return "platform" if rng.random() < 0.7 else rng.choice(spokes)

    gen.pricing("platform")
    tools = [
        gen.tool(owner(), "vetted" if rng.random() < 0.85 else "proposed")
        for _ in range(counts["tools"])
    ]
    # A few retired tools nobody references any more.
    retired = max(0, counts["tools"] // 25)
    for tool in tools[len(tools) - retired :]:
        tool.data["spec"]["status"] = rng.choice(("deprecated", "revoked"))
        tool.data["metadata"]["lifecycle"] = "deprecated"
    live_tools = tools[: len(tools) - retired]

    n_spoke_prompts = round(counts["prompts"] * SPOKE_PROMPT_SHARE)
    hub_prompts = [gen.prompt(owner(), False) for _ in range(counts["prompts"] - n_spoke_prompts)]
    team_prompts: dict[str, list[Entry]] = {}
    for _ in range(n_spoke_prompts):
        team = rng.choice(spokes)
        team_prompts.setdefault(team, []).append(gen.prompt(team, True))

    n_spoke_guardrails = round(counts["guardrails"] * SPOKE_GUARDRAIL_SHARE)
    for _ in range(counts["guardrails"] - n_spoke_guardrails):
        gen.guardrail("platform", False)
    for _ in range(n_spoke_guardrails):
        gen.guardrail(rng.choice(spokes), True)

    hub_skills = [
        gen.skill(owner(), False, live_tools, hub_prompts) for _ in range(counts["skills"])
    ]
    team_skills: dict[str, list[Entry]] = {}
    for _ in range(counts["spoke_skills"]):
        team = rng.choice(spokes)
        prompts = hub_prompts + team_prompts.get(team, [])
        team_skills.setdefault(team, []).append(gen.skill(team, True, live_tools, prompts))

    for _ in range(counts["agents"]):
        team = rng.choice(spokes)
        gen.agent(
            team,
            hub_skills + team_skills.get(team, []),
            live_tools,
            hub_prompts + team_prompts.get(team, []),
        )

    # Deliberate errors, on manifests other than teams and pricing.
    candidates = [e for e in gen.entries if e.kind not in ("Team", "Pricing")]
    wanted = round(manifests * error_rate)
    for entry in rng.sample(candidates, min(wanted, len(candidates))):
        kinds = [
            k
            for k in ERROR_KINDS
            if k not in _REF_ERRORS
            or (entry.kind == "Agent")
            or (entry.kind == "Skill" and k == "ref-unresolved")
            or (entry.kind == "Skill" and entry.data["spec"].get("tools"))
        ]
        gen.corrupt(entry, rng.choice(kinds))

    return _write(gen, out_dir, counts)


def _write(gen: _Generator, out_dir: Path, counts: dict[str, int]) -> Summary:
    registry = out_dir / "registry"
    if registry.exists():
        shutil.rmtree(registry)
    shutil.rmtree(out_dir / ".hub", ignore_errors=True)
    registry.mkdir(parents=True)
    (out_dir / "hub.yaml").write_text(
        "# Generated by benchmarks/generate.py\n"
        "apiVersion: hubrails/v1\nkind: HubConfig\nrole: hub\nregistry: registry\n"
        "limits:\n  max_file_bytes: 1048576\n  max_alias_nodes: 10000\n"
        'ledger:\n  url: "sqlite:///.hub/ledger.db"\n  review_hourly_usd: 90\n',
        encoding="utf-8",
    )
    files = 1
    by_kind: dict[str, int] = {}
    errors: dict[str, int] = {}
    error_paths: list[str] = []
    for entry in gen.entries:
        target = registry / entry.path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(gen.render(entry), encoding="utf-8")
        files += 1
        if entry.kind == "Skill":
            (target.parent / "SKILL.md").write_text(entry.doc_body, encoding="utf-8")
            files += 1
            for rel, text in entry.extras.items():
                extra = target.parent / rel
                extra.parent.mkdir(parents=True, exist_ok=True)
                extra.write_text(text, encoding="utf-8")
                files += 1
        by_kind[entry.kind] = by_kind.get(entry.kind, 0) + 1
        if entry.error is not None:
            errors[entry.error] = errors.get(entry.error, 0) + 1
            error_paths.append(f"registry/{entry.path}")
    broken = {(e.kind, e.name) for e in gen.entries if e.error is not None}
    clean = [e for e in gen.entries if e.error is None]
    agent = next(e for e in clean if e.kind == "Agent" and not broken.intersection(_uses(e)))
    tool = next(e for e in clean if e.kind == "Tool")
    return Summary(
        root=out_dir,
        manifests=len(gen.entries),
        files=files,
        by_kind=by_kind,
        errors=errors,
        error_paths=error_paths,
        sample_agent=f"registry/{agent.path}",
        sample_tool=f"registry/{tool.path}",
    )


def _uses(agent: Entry) -> list[tuple[str, str]]:
    """(kind, name) of every asset an agent references."""
    spec = agent.data["spec"]
    uses = [("Prompt", spec["instructions"]["name"])]
    for field_name, kind in (("skills", "Skill"), ("tools", "Tool"), ("prompts", "Prompt")):
        uses += [(kind, ref["name"]) for ref in spec.get(field_name, [])]
    return uses


def main(argv: Sequence[str] | None = None) -> int:
    """Command line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("out_dir", type=Path, metavar="OUT_DIR")
    parser.add_argument("--manifests", "-n", type=int, required=True, metavar="N")
    parser.add_argument("--error-rate", type=float, default=0.03)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    try:
        summary = generate(args.out_dir, args.manifests, error_rate=args.error_rate, seed=args.seed)
    except ValueError as exc:
        parser.error(str(exc))
    kinds = ", ".join(f"{k} {v}" for k, v in sorted(summary.by_kind.items()))
    print(f"{summary.root}: {summary.manifests} manifests in {summary.files} files ({kinds})")
    if summary.errors:
        errs = ", ".join(f"{k} {v}" for k, v in sorted(summary.errors.items()))
        print(f"deliberate errors in {len(summary.error_paths)} files: {errs}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
