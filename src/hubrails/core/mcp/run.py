"""``hub mcp probe`` and ``hub mcp verify``: live servers against the Tool manifests' pins."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from hubrails.core.mcp.client import Limits, Probe, probe, require_sdk
from hubrails.core.mcp.compare import Change, diff, merged
from hubrails.core.registry.findings import Finding, Severity
from hubrails.errors import HubError

if TYPE_CHECKING:
    from hubrails.core.catalog.query import Catalog
    from hubrails.core.registry.config import HubConfig
    from hubrails.core.registry.document import Document
    from hubrails.core.validate.run import ValidationResult

MAX_CONCURRENT = 8


@dataclass(frozen=True, slots=True)
class ToolFile:
    """A Tool manifest: its path in the registry, text and parsed document."""

    name: str
    path: str
    text: str
    document: Document

    @property
    def spec(self) -> dict[str, Any]:
        """The manifest's ``spec`` mapping."""
        spec = self.document.data.get("spec")
        return spec if isinstance(spec, dict) else {}

    @property
    def actions(self) -> list[Any]:
        """The manifest's ``spec.actions``."""
        actions = self.spec.get("actions")
        return actions if isinstance(actions, list) else []

    @property
    def mcp(self) -> dict[str, Any]:
        """The manifest's ``spec.mcp``."""
        mcp = self.spec.get("mcp")
        return mcp if isinstance(mcp, dict) else {}


@dataclass(frozen=True, slots=True)
class ProbeOutcome:
    """What ``hub mcp probe`` found, and whether it wrote the manifest."""

    tool: str
    path: str
    probe: Probe
    changes: list[Change] = field(default_factory=list)
    written: bool = False


def load_tool(config: HubConfig, name: str, catalog: Catalog | None = None) -> ToolFile:
    """The Tool manifest called ``name``."""
    from hubrails.core.catalog.query import find, load_catalog
    from hubrails.core.registry import safefile, safeyaml

    entry = find(catalog or load_catalog(config), name, "tool")
    try:
        document = safefile.load(config.root / entry.path, config.root)
        text = safeyaml.decode(safefile.read_bytes(config.root / entry.path, config.root))
    except safeyaml.LoadError as exc:
        raise exc.to_error(entry.path) from None
    return ToolFile(entry.asset.name, entry.path, text, document)


def vetted_tools(catalog: Catalog) -> list[str]:
    """The names of every vetted Tool of the registry."""
    from hubrails.core.catalog.query import list_assets

    return [e.asset.name for e in list_assets(catalog, "Tool", status="vetted")]


def probe_tool(
    config: HubConfig, name: str, *, write: bool = False, limits: Limits | None = None
) -> ProbeOutcome:
    """Probe one Tool's server; with ``write``, pin what it lists into the manifest."""
    require_sdk()
    import anyio

    from hubrails.core.mcp.write import atomic_write, rewrite

    tool = load_tool(config, name)
    found = anyio.run(_probe, tool, limits or Limits())
    changes = diff(tool.actions, found)
    if write:
        server = {"name": found.server_name, "version": found.server_version}
        mcp = {**{k: v for k, v in tool.mcp.items() if k != "server"}, "server": server}
        text = rewrite(tool.text, mcp, merged(tool.actions, found))
        atomic_write(config.root / tool.path, text)
    return ProbeOutcome(tool.name, tool.path, found, changes, write)


async def _probe(tool: ToolFile, limits: Limits) -> Probe:
    return await probe(tool.mcp, limits, what=f"tool {tool.name}")


def _position(tool: ToolFile, index: int | None) -> tuple[int, int]:
    pointer = ("spec", "actions", index) if index is not None else ("spec", "mcp")
    return tool.document.mark(pointer)


def findings_for(tool: ToolFile, changes: list[Change]) -> list[Finding]:
    """The verify findings of one tool's changes."""
    found: list[Finding] = []
    for change in changes:
        line, column = _position(tool, change.index)
        where = f"action {change.action!r} of tool {tool.name}"
        if change.kind == "changed":
            message = (
                f"{where} changed on the server (fingerprint differs): "
                f"pinned description {change.old_description!r}, "
                f"live description {change.new_description!r}"
            )
            found.append(
                Finding(
                    "mcp-fingerprint-changed",
                    Severity.ERROR,
                    tool.path,
                    line,
                    column,
                    message,
                    f"review the change, then `hub mcp probe {tool.name} --write`",
                )
            )
        elif change.kind == "removed":
            found.append(
                Finding(
                    "mcp-action-removed",
                    Severity.ERROR,
                    tool.path,
                    line,
                    column,
                    f"{where} is no longer listed by the server",
                )
            )
        elif change.kind == "new":
            found.append(
                Finding(
                    "mcp-action-new",
                    Severity.WARNING,
                    tool.path,
                    line,
                    column,
                    f"the server lists a new action {change.action!r} "
                    f"({change.new_description!r}) not pinned in tool {tool.name}",
                    f"`hub mcp probe {tool.name} --write` adds it as risk: high",
                )
            )
        else:
            found.append(
                Finding(
                    "mcp-action-unpinned",
                    Severity.WARNING,
                    tool.path,
                    line,
                    column,
                    f"{where} has no fingerprint pinned",
                    f"`hub mcp probe {tool.name} --write`",
                )
            )
    return found


async def _verify_one(
    tool: ToolFile, limits: Limits, allow_unreachable: bool, slots: Any
) -> list[Finding]:
    async with slots:
        try:
            found = await _probe(tool, limits)
        except HubError as exc:
            line, column = _position(tool, None)
            reason = " / ".join([exc.message, *exc.details[-3:]])
            severity = Severity.WARNING if allow_unreachable else Severity.ERROR
            return [Finding("mcp-unreachable", severity, tool.path, line, column, reason)]
    return findings_for(tool, diff(tool.actions, found))


def verify(
    config: HubConfig,
    names: list[str],
    *,
    allow_unreachable: bool = False,
    limits: Limits | None = None,
) -> ValidationResult:
    """Probe every named (or vetted) Tool's server concurrently and compare with the pins."""
    require_sdk()
    import anyio

    from hubrails.core.catalog.query import load_catalog
    from hubrails.core.validate.run import ValidationResult

    catalog = load_catalog(config)
    tools = [load_tool(config, n, catalog) for n in (names or vetted_tools(catalog))]
    results: list[list[Finding]] = [[] for _ in tools]

    async def main() -> None:
        slots = anyio.Semaphore(MAX_CONCURRENT)

        async def one(i: int) -> None:
            results[i] = await _verify_one(tools[i], limits or Limits(), allow_unreachable, slots)

        async with anyio.create_task_group() as group:
            for i in range(len(tools)):
                group.start_soon(one, i)

    anyio.run(main)
    findings = sorted((f for r in results for f in r), key=Finding.sort_key)
    return ValidationResult(findings=findings, files_checked=len(tools))
