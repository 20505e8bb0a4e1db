"""The pull request a promotion asks for: title, markdown body, and the GitHub / GitLab URL."""

from __future__ import annotations

import re
from urllib.parse import quote, urlencode

from hubrails import __version__
from hubrails.core.promote.outcome import AgentUse, Lineage, ToolUse

_HOSTED = re.compile(
    r"^(?:[a-z+]+://)?(?:[^@/]+@)?(?P<host>[^/:]+)(?::\d+)?[:/](?P<path>.+?)(?:\.git)?/?$"
)


def title(team: str, skill: str) -> str:
    """The pull request (and commit) subject."""
    return f"feat(skills): promote {team}/{skill} to the hub library"


def body(
    *,
    skill: str,
    description: str,
    lineage: Lineage,
    owner: str,
    source_folder: str,
    target_folder: str,
    update: bool,
    tools: tuple[ToolUse, ...],
    agents: tuple[AgentUse, ...],
    reviewers: tuple[str, ...],
    hub_repository: str = "",
) -> str:
    """The markdown body a reviewer reads."""
    verb = "Updates the hub copy of" if update else "Promotes"
    lines = [
        f"{verb} the skill `{skill}` from team `{lineage.team}` into the shared hub library.",
        "",
        "## What it does",
        "",
        description.strip(),
        "",
        "## Ownership and lineage",
        "",
        f"- Owner team: `{owner}` (was `{lineage.team}`)",
        _moved(source_folder, target_folder, lineage.repository, hub_repository),
        f"- Source: version `{lineage.version}`, commit `{lineage.commit}` of "
        f"`{lineage.repository}`",
        "",
        "## Tools",
        "",
    ]
    if tools:
        lines += [
            "| Tool | Version | Status | Risk | Actions used (risk) |",
            "|---|---|---|---|---|",
        ]
        for tool in tools:
            actions = ", ".join(f"`{a}` ({r})" for a, r in tool.actions) or "all"
            lines.append(
                f"| `{tool.name}` | `{tool.version}` | {tool.status} | {tool.risk} | {actions} |"
            )
    else:
        lines.append("The skill needs no tools.")
    lines += ["", "## Agents using it", ""]
    if agents:
        lines += ["| Agent | Team | Certification |", "|---|---|---|"]
        lines += [f"| `{a.name}` | `{a.team}` | {a.certification} |" for a in agents]
    else:
        lines.append("No agent uses it yet.")
    lines += [
        "",
        "## Reviewers",
        "",
        ", ".join(reviewers) if reviewers else f"the owners of team `{owner}`",
        "",
        f"_Opened by `hub promote` (hubrails {__version__})._",
    ]
    return "\n".join(lines) + "\n"


def _moved(source: str, target: str, source_repo: str, hub_repo: str) -> str:
    """Where the skill moves from and to, naming both repositories (one, in a monorepo)."""
    if not hub_repo or hub_repo == source_repo:
        return f"- Moved from `{source}/` to `{target}/` in `{source_repo}`"
    return f"- Moved from `{source}/` in `{source_repo}` to `{target}/` in the hub `{hub_repo}`"


def review_url(remote_url: str | None, base: str, branch: str) -> str | None:
    """The compare page (GitHub) or new merge request page (GitLab) for ``branch``."""
    if not remote_url:
        return None
    match = _HOSTED.match(remote_url.strip())
    if match is None:
        return None
    host, path = match.group("host").lower(), match.group("path").strip("/")
    if "github" in host:
        return f"https://{host}/{path}/compare/{quote(base)}...{quote(branch)}?expand=1"
    if "gitlab" in host:
        query = urlencode(
            {
                "merge_request[source_branch]": branch,
                "merge_request[target_branch]": base,
            }
        )
        return f"https://{host}/{path}/-/merge_requests/new?{query}"
    return None
