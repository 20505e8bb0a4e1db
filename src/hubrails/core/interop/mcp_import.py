"""``hub import mcp``: an MCP registry ``server.json`` as a Tool manifest, status ``proposed``.

``server.json`` (the MCP registry's format) names the server and how to run it: ``packages``
(``registryType``, ``identifier``, ``version``, ``runtimeHint``, ``transport``,
``environmentVariables``, arguments) and/or ``remotes`` (``type``, ``url``). It does not list the
server's tools; those come from the server's ``tools/list`` result (``--tools``, or live with
``--probe``) or by name (``--action``); with none the Tool has no actions yet. Every action is
written with all four MCP annotations spelled out, taking the MCP defaults where the server gives
none (``destructiveHint`` and ``openWorldHint`` true; ``destructiveHint`` means something only
when ``readOnlyHint`` is false, so a read-only tool is not destructive), and the tool is rated
high risk and restricted data until the platform team vets it: nothing unvetted looks safe.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from hubrails.core.registry.layout import action_name
from hubrails.errors import HubError

HINT_DEFAULTS = {
    "readOnlyHint": False,
    "destructiveHint": True,
    "idempotentHint": False,
    "openWorldHint": True,
}
_RUNTIME = {"npm": "npx", "pypi": "uvx", "oci": "docker", "nuget": "dnx"}
_REGISTRY_TYPES = ("npm", "pypi", "oci", "nuget", "mcpb")
_SEMVER = re.compile(r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z.-]+)?$")
_ENV = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    """A JSON array as it is; any other value (``true``, a number, an object) as none."""
    return value if isinstance(value, list) else []


def read_json(path: Path, what: str) -> Any:
    """A JSON file, or a :class:`HubError` with the line and column of the syntax error."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise HubError(f"cannot read {what}: {exc}", path=str(path)) from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise HubError(
            f"{what} is not valid JSON: {exc.msg}",
            path=str(path),
            line=exc.lineno,
            column=exc.colno,
        ) from None


def tool_name(server_name: str) -> str:
    """``io.github.acme/Weather_Server`` → ``weather-server``."""
    last = server_name.rsplit("/", 1)[-1]
    return "-".join(re.findall(r"[a-z0-9]+", last.lower()))[:63].strip("-")


def actions_from(tools: list[Any], names: list[str]) -> list[dict[str, Any]]:
    """Actions from a ``tools/list`` result and from bare names, each fully annotated."""
    actions: dict[str, dict[str, Any]] = {}
    for tool in tools:
        if not isinstance(tool, dict) or not isinstance(tool.get("name"), str):
            raise HubError("every entry of the tools list needs a 'name'")
        given = _dict(tool.get("annotations"))
        hints = {
            k: given[k] if isinstance(given.get(k), bool) else d for k, d in HINT_DEFAULTS.items()
        }
        if hints["readOnlyHint"] and not isinstance(given.get("destructiveHint"), bool):
            hints["destructiveHint"] = False
        action: dict[str, Any] = {"name": action_name(tool["name"])}
        if isinstance(tool.get("description"), str) and tool["description"].strip():
            action["description"] = " ".join(tool["description"].split())
        action["risk"] = (
            "high" if hints["destructiveHint"] and not hints["readOnlyHint"] else "medium"
        )
        action["annotations"] = hints
        actions[action["name"]] = action
    for name in names:
        key = action_name(name)
        actions.setdefault(key, {"name": key, "risk": "high", "annotations": dict(HINT_DEFAULTS)})
    return list(actions.values())


def fill_url(url: str, declared: Any, given: dict[str, str], where: str) -> str:
    """``url`` with its ``{name}`` variables replaced by ``--var name=VALUE``; refused, naming
    the variable, when one is not given (a default is only the publisher's example)."""
    declared = _dict(declared)

    def value(match: re.Match[str]) -> str:
        name = match.group(1)
        if name in given:
            return given[name]
        info = _dict(declared.get(name))
        about = f" ({info['description']})" if isinstance(info.get("description"), str) else ""
        default = info.get("default")
        example = f"; the server suggests {default}" if isinstance(default, str) else ""
        raise HubError(
            f"the {where} URL {url} needs the variable '{name}'{about}",
            hint=f"pass --var {name}=VALUE{example}",
        )

    return re.sub(r"\{([A-Za-z_][A-Za-z0-9_]*)\}", value, url)


def _mcp_from_package(
    package: dict[str, Any], given: dict[str, str], notes: list[str]
) -> dict[str, Any]:
    kind = package.get("registryType")
    if kind not in _REGISTRY_TYPES or not isinstance(package.get("identifier"), str):
        raise HubError(
            "a package needs 'registryType' (npm, pypi, oci, nuget or mcpb) and 'identifier'"
        )
    transport = _dict(package.get("transport"))
    mcp: dict[str, Any] = {"transport": transport.get("type", "stdio")}
    ident, version = package["identifier"], package.get("version")
    mcp["package"] = {"registry_type": kind, "identifier": ident}
    if isinstance(version, str):
        mcp["package"]["version"] = version
    if mcp["transport"] == "stdio":
        command = package.get("runtimeHint") or _RUNTIME.get(kind)
        if command:
            mcp["command"] = command
            mcp["args"] = _args(package, kind, ident, version, given, notes)
    elif isinstance(transport.get("url"), str):
        mcp["url"] = fill_url(transport["url"], transport.get("variables"), given, "package")
    env = [
        v["name"]
        for v in _list(package.get("environmentVariables"))
        if isinstance(v, dict) and isinstance(v.get("name"), str) and _ENV.match(v["name"])
    ]
    if env:
        mcp["env"] = list(dict.fromkeys(env))
    return mcp


def _fixed(arguments: Any, given: dict[str, str], notes: list[str]) -> list[str]:
    """The arguments: a fixed ``value``, else ``--var HINT=VALUE`` for its ``valueHint``, else
    its ``default``; one with none of them is refused when required and noted when optional."""
    out: list[str] = []
    for arg in _list(arguments):
        if not isinstance(arg, dict):
            continue
        named = arg.get("type") == "named" and isinstance(arg.get("name"), str)
        hint = arg.get("valueHint") if isinstance(arg.get("valueHint"), str) else None
        value = arg.get("value")
        if not isinstance(value, str):
            key = hint or (arg["name"].lstrip("-") if named else None)
            value = given.get(key) if key else None
            if value is None and isinstance(arg.get("default"), str):
                value = arg["default"]
                notes.append(f"argument {key or '?'}: the server's default {value!r} was used")
        if not isinstance(value, str):
            if not named and hint is None:
                continue
            label = hint or arg["name"]
            if arg.get("isRequired") is True:
                raise HubError(
                    f"the package needs the argument '{label}', which has no value",
                    hint=f"pass --var {label.lstrip('-')}=VALUE",
                )
            notes.append(
                f"argument '{label}' has no value and was left out of args; pass "
                f"--var {label.lstrip('-')}=VALUE to include it"
            )
            continue
        if named:
            out.append(arg["name"])
        out.append(value)
    return out


def _args(
    package: dict[str, Any],
    kind: str,
    ident: str,
    version: Any,
    given: dict[str, str],
    notes: list[str],
) -> list[str]:
    pinned = isinstance(version, str)
    runtime = _fixed(package.get("runtimeArguments"), given, notes)
    spec = {
        "npm": f"{ident}@{version}" if pinned else ident,
        "pypi": f"{ident}=={version}" if pinned else ident,
        "oci": f"{ident}:{version}" if pinned else ident,
        "nuget": f"{ident}@{version}" if pinned else ident,
    }.get(kind, ident)
    lead = {"npm": ["-y"], "oci": ["run", "-i", "--rm"]}.get(kind, [])
    return [*lead, *runtime, spec, *_fixed(package.get("packageArguments"), given, notes)]


def tool_document(
    server: Any,
    *,
    team: str,
    name: str | None = None,
    tools: Any = None,
    actions: list[str] | None = None,
    remote: bool = False,
    variables: dict[str, str] | None = None,
    notes: list[str] | None = None,
) -> dict[str, Any]:
    """The Tool manifest (as data) for a parsed ``server.json``; ``variables`` fill URL
    variables and valueless arguments; what the reader should know is added to ``notes``."""
    from hubrails.core.interop.mcp_legacy import LEGACY_VERSION, is_legacy, modernise

    given = variables or {}
    notes = notes if notes is not None else []
    if not isinstance(server, dict):
        raise HubError("server.json must be a JSON object")
    if is_legacy(server):
        server = modernise(server)
        notes.append(f"server.json is in the older snake_case format ({LEGACY_VERSION})")
    for key in ("name", "description"):
        if not isinstance(server.get(key), str) or not server[key].strip():
            raise HubError(f"server.json needs a non-empty '{key}'")
    packages = [p for p in _list(server.get("packages")) if isinstance(p, dict)]
    remotes = [r for r in _list(server.get("remotes")) if isinstance(r, dict)]
    if remote and not remotes:
        raise HubError("--remote: server.json lists no remotes")
    if packages and not remote:
        mcp = _mcp_from_package(packages[0], given, notes)
    elif remotes:
        first = remotes[0]
        if first.get("type") not in ("streamable-http", "sse") or not isinstance(
            first.get("url"), str
        ):
            raise HubError("a remote needs 'type' (streamable-http or sse) and 'url'")
        url = fill_url(first["url"], first.get("variables"), given, "remote")
        mcp = {"transport": first["type"], "url": url}
        headers = [
            h["name"] for h in first.get("headers") or [] if isinstance(h, dict) and h.get("name")
        ]
        if headers:
            notes.append(f"the remote expects the header(s) {', '.join(map(str, headers))}")
    else:
        raise HubError("server.json lists neither packages nor remotes: nothing to run")
    if tools is not None and not isinstance(tools, list):
        raise HubError("the tools list must be an array of tools (a tools/list result)")
    listed = actions_from(tools or [], actions or [])
    version = server.get("version")
    homepage = server.get("websiteUrl") or _dict(server.get("repository")).get("url")
    spec: dict[str, Any] = {
        "status": "proposed",
        "risk": "high",
        "data_classification": "restricted",
    }
    if isinstance(homepage, str) and homepage.startswith(("http://", "https://")):
        spec["homepage"] = homepage
    spec |= {"scopes": [], "mcp": mcp, "actions": listed}
    return {
        "apiVersion": "hubrails/v1",
        "kind": "Tool",
        "metadata": {
            "name": name or tool_name(server["name"]),
            "team": team,
            "version": version if isinstance(version, str) and _SEMVER.match(version) else "0.1.0",
            "description": " ".join(server["description"].split()),
            "lifecycle": "experimental",
            "annotations": {"mcp-registry-name": server["name"]},
        },
        "spec": spec,
    }
