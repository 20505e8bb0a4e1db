"""A bounded MCP client (the official SDK): ``initialize`` and every page of ``tools/list``.

A stdio server is started from a temporary folder with only the environment variables its
manifest declares (plus the SDK's minimal ``HOME``, ``PATH``, ``SHELL``, ``TERM``), in its own
session, so that a timeout kills it and its children. A server that hangs, exits or answers
too much is a :class:`HubError` with the tail of its stderr, never a hang.
"""

from __future__ import annotations

import os
import tempfile
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field
from typing import IO, Any

from hubrails.errors import HubError

DEFAULT_TIMEOUT = 20.0
MAX_TOOLS = 500
MAX_DESCRIPTION = 16_384
MAX_PAGES = 50
STDERR_TAIL = 2_000


@dataclass(frozen=True, slots=True)
class LiveTool:
    """One tool as the server lists it (wire names: ``inputSchema``, ``readOnlyHint``)."""

    name: str
    description: str
    input_schema: dict[str, Any]
    annotations: dict[str, Any]


@dataclass(frozen=True, slots=True)
class Probe:
    """What a server said: its name and version from ``initialize`` and its tools."""

    server_name: str
    server_version: str
    tools: list[LiveTool] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Limits:
    """How long to wait and how much to take from one server."""

    timeout: float = DEFAULT_TIMEOUT
    max_tools: int = MAX_TOOLS
    max_description: int = MAX_DESCRIPTION


def _tail(stream: IO[str] | None) -> list[str]:
    if stream is None:
        return []
    try:
        stream.flush()
        stream.seek(0)
        text = stream.read()[-STDERR_TAIL:]
    except (OSError, ValueError):
        return []
    return [f"stderr: {line}" for line in text.splitlines()[-10:]]


def _leaves(exc: BaseException) -> list[BaseException]:
    if isinstance(exc, BaseExceptionGroup):
        return [leaf for sub in exc.exceptions for leaf in _leaves(sub)]
    return [exc]


def _transport(
    mcp_spec: dict[str, Any], folder: str, errlog: IO[str] | None
) -> AbstractAsyncContextManager[Any]:
    transport = mcp_spec.get("transport")
    if transport == "stdio":
        from hubrails.core.mcp.stdio import stdio_streams

        command = mcp_spec.get("command")
        if not isinstance(command, str):
            raise HubError("the stdio server has no 'command' to start it with")
        names = [n for n in mcp_spec.get("env") or () if isinstance(n, str)]
        env = {n: os.environ[n] for n in names if n in os.environ}
        args = [str(a) for a in mcp_spec.get("args") or ()]
        assert errlog is not None
        return stdio_streams(command, args, env, folder, errlog)
    url = mcp_spec.get("url")
    if not isinstance(url, str):
        raise HubError(f"the {transport} server has no 'url'")
    if transport == "sse":
        from mcp.client.sse import sse_client

        return sse_client(url)
    from mcp.client.streamable_http import streamable_http_client

    return streamable_http_client(url)


def _live(tool: Any, limits: Limits) -> LiveTool:
    description = tool.description or ""
    if len(description) > limits.max_description:
        raise HubError(
            f"tool {tool.name!r} has a description of {len(description)} characters "
            f"(the limit is {limits.max_description})"
        )
    annotations = (
        tool.annotations.model_dump(by_alias=True, exclude_none=True) if tool.annotations else {}
    )
    return LiveTool(tool.name, description, dict(tool.inputSchema or {}), annotations)


async def _session(mcp_spec: dict[str, Any], limits: Limits, errlog: IO[str] | None) -> Probe:
    import anyio
    from mcp import ClientSession

    with tempfile.TemporaryDirectory(prefix="hub-mcp-") as folder, anyio.fail_after(limits.timeout):
        async with _transport(mcp_spec, folder, errlog) as streams:
            read, write = streams[0], streams[1]
            async with ClientSession(read, write) as session:
                init = await session.initialize()
                tools: list[LiveTool] = []
                cursor: str | None = None
                for _ in range(MAX_PAGES):
                    page = await session.list_tools(cursor=cursor)
                    tools += [_live(t, limits) for t in page.tools]
                    if len(tools) > limits.max_tools:
                        raise HubError(f"the server lists more than {limits.max_tools} tools")
                    cursor = page.nextCursor
                    if not cursor:
                        break
                else:
                    raise HubError(f"the server's tools/list goes past {MAX_PAGES} pages")
                info = init.serverInfo
                return Probe(info.name, info.version, tools)


def require_sdk() -> None:
    """Refuse, with the extra to install, when the MCP SDK (the ``mcp`` extra) is missing."""
    try:
        import anyio  # noqa: F401
        import mcp  # noqa: F401
        import rfc8785  # noqa: F401
    except ImportError:
        raise HubError("hub mcp needs the MCP SDK", hint="pip install 'hubrails[mcp]'") from None


async def probe(mcp_spec: dict[str, Any], limits: Limits | None = None, *, what: str = "") -> Probe:
    """``initialize`` and ``tools/list`` on the server ``mcp_spec`` (a Tool's ``spec.mcp``)."""
    limits = limits or Limits()
    require_sdk()
    label = f"MCP server of {what}" if what else "MCP server"
    errlog = (
        tempfile.TemporaryFile("w+", encoding="utf-8", errors="replace")  # noqa: SIM115
        if mcp_spec.get("transport") == "stdio"
        else None
    )
    try:
        return await _session(mcp_spec, limits, errlog)
    except TimeoutError:
        raise HubError(
            f"the {label} did not answer within {limits.timeout:g} s", details=_tail(errlog)
        ) from None
    except HubError as exc:
        raise HubError(f"the {label}: {exc.message}", details=_tail(errlog)) from None
    except Exception as exc:  # the SDK's and the transport's errors, often grouped
        hub = [e for e in _leaves(exc) if isinstance(e, HubError)]
        if hub:
            raise HubError(f"the {label}: {hub[0].message}", details=_tail(errlog)) from None
        if any(isinstance(e, TimeoutError) for e in _leaves(exc)):
            raise HubError(
                f"the {label} did not answer within {limits.timeout:g} s", details=_tail(errlog)
            ) from None
        reasons = "; ".join(f"{type(e).__name__}: {e}" for e in _leaves(exc))[:500]
        raise HubError(
            f"cannot talk to the {label}: {reasons or type(exc).__name__}",
            details=_tail(errlog),
        ) from None
    finally:
        if errlog is not None:
            errlog.close()
