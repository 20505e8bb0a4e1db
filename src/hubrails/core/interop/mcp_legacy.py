"""The older snake_case ``server.json`` (MCP registry schema 2025-07-09, before 2025-09-16's
camelCase) read as the current format; and ``tools/list`` results in their three shapes."""

from __future__ import annotations

from typing import Any

from hubrails.errors import HubError

LEGACY_VERSION = "2025-07-09"
_RENAMED = {
    "registry_name": "registryType",
    "registry_type": "registryType",
    "registry_base_url": "registryBaseUrl",
    "file_sha256": "fileSha256",
    "runtime_hint": "runtimeHint",
    "runtime_arguments": "runtimeArguments",
    "package_arguments": "packageArguments",
    "environment_variables": "environmentVariables",
    "is_required": "isRequired",
    "is_secret": "isSecret",
    "value_hint": "valueHint",
    "is_repeated": "isRepeated",
    "website_url": "websiteUrl",
    "transport_type": "type",
}
_REGISTRY = {"docker": "oci"}  # 2025-07-09's name for OCI images


def is_legacy(server: dict[str, Any]) -> bool:
    """Whether ``server`` is written in the 2025-07-09 snake_case format."""
    schema = server.get("$schema")
    return (isinstance(schema, str) and LEGACY_VERSION in schema) or _has_snake(server)


def _has_snake(value: Any) -> bool:
    if isinstance(value, dict):
        if "version_detail" in value or any(k in _RENAMED for k in value):
            return True
        return any(_has_snake(v) for v in value.values())
    if isinstance(value, list):
        return any(_has_snake(v) for v in value)
    return False


def modernise(server: dict[str, Any]) -> dict[str, Any]:
    """A camelCase copy of a 2025-07-09 ``server.json`` (``version_detail.version`` becomes
    ``version``, a package's ``name`` its ``identifier``, ``docker`` the ``oci`` type)."""
    out: dict[str, Any] = _renamed(server)
    detail = server.get("version_detail")
    if "version" not in out and isinstance(detail, dict):
        out["version"] = detail.get("version")
    out.pop("version_detail", None)
    for package in out.get("packages") or []:
        if isinstance(package, dict):
            if "identifier" not in package and "name" in package:
                package["identifier"] = package.pop("name")
            kind = package.get("registryType")
            package["registryType"] = _REGISTRY.get(kind, kind) if isinstance(kind, str) else kind
    return out


def _renamed(value: Any) -> Any:
    if isinstance(value, dict):
        return {_RENAMED.get(k, k): _renamed(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_renamed(v) for v in value]
    return value


def tools_of(listed: Any, source: str) -> tuple[list[Any], list[str]]:
    """The tools of a ``tools/list`` result: a bare list, the result ``{"tools": [...]}``, or
    the whole JSON-RPC response ``{"jsonrpc": "2.0", "result": {"tools": [...]}}``; and notes."""
    notes: list[str] = []
    if isinstance(listed, dict) and "jsonrpc" in listed:
        if isinstance(listed.get("error"), dict):
            message = listed["error"].get("message", "no message")
            raise HubError(f"{source} is a JSON-RPC error response: {message}", path=source)
        listed = listed.get("result")
    if isinstance(listed, dict) and isinstance(listed.get("tools"), list):
        if listed.get("nextCursor"):
            notes.append(
                f"{source} is one page of tools/list (nextCursor is set): only its tools were "
                "read; merge the pages into one list to import them all"
            )
        return listed["tools"], notes
    if isinstance(listed, list):
        return listed, notes
    raise HubError(
        f"{source} is not a tools/list result",
        path=source,
        hint='give the result {"tools": [...]}, the JSON-RPC response '
        '{"jsonrpc": "2.0", "id": 1, "result": {"tools": [...]}}, or a list of tools',
    )
