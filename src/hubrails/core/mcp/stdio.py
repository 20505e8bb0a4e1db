"""A bounded stdio transport for the SDK's ``ClientSession``.

It does what the SDK's ``stdio_client`` does (start the server in its own session, one JSON-RPC
message a line each way, close stdin then end the process tree), but bounds what it reads: the
SDK's reader keeps a line in memory however long it grows and passes any number of lines that
are not JSON-RPC on to the session, so a server that floods stdout would fill memory or keep the
client busy until the timeout. Here a line over ``MAX_LINE`` bytes, or more than ``MAX_NOISE``
bytes that are not JSON-RPC, is a :class:`HubError` at once.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import IO, Any

from hubrails.errors import HubError

MAX_LINE = 32 * 1024 * 1024  # a tools/list page of 500 tools with 16 KiB descriptions fits
MAX_NOISE = 64 * 1024
GRACE = 2.0  # seconds a server has to exit once its stdin is closed


def _message(line: bytes, noise: list[int]) -> Any:
    """The JSON-RPC message of ``line``, or ``None`` for tolerated noise (counted)."""
    from mcp.shared.message import SessionMessage
    from mcp.types import JSONRPCMessage

    try:
        return SessionMessage(JSONRPCMessage.model_validate_json(line))
    except ValueError:
        noise[0] += len(line) + 1
        if noise[0] > MAX_NOISE:
            shown = line[:80].decode("utf-8", "replace")
            raise HubError(
                f"the server wrote more than {MAX_NOISE // 1024} KiB to stdout that is not "
                f"JSON-RPC (e.g. {shown!r}); stdout is for MCP messages only"
            ) from None
        return None


@asynccontextmanager
async def stdio_streams(
    command: str, args: list[str], env: dict[str, str], cwd: str, errlog: IO[str]
) -> AsyncIterator[tuple[Any, Any]]:
    """The session's (read, write) streams to a server started as ``command args``."""
    import anyio
    from mcp.client.stdio import get_default_environment
    from mcp.os.posix.utilities import terminate_posix_process_tree

    try:
        process = await anyio.open_process(
            [command, *args],
            env={**get_default_environment(), **env},
            stderr=errlog,
            cwd=cwd,
            start_new_session=True,
        )
    except OSError as exc:
        raise HubError(f"cannot start {command}: {exc.strerror or exc}") from None
    reader_in, read = anyio.create_memory_object_stream[Any](0)
    write, writer_out = anyio.create_memory_object_stream[Any](0)

    flooded: list[HubError] = []

    async def pump_out() -> None:
        try:
            await _pump_out()
        except HubError as exc:
            flooded.append(exc)
            raise

    async def _pump_out() -> None:
        assert process.stdout is not None
        buffer, noise = bytearray(), [0]
        async with reader_in:
            async for chunk in process.stdout:
                if b"\n" not in chunk:
                    buffer += chunk
                    if len(buffer) > MAX_LINE:
                        raise HubError(f"the server wrote a line of over {MAX_LINE >> 20} MiB")
                    continue
                first, *lines, rest = chunk.split(b"\n")
                lines.insert(0, bytes(buffer + first))
                buffer = bytearray(rest)
                for line in lines:
                    message = _message(line, noise) if line.strip() else None
                    if message is not None:
                        await reader_in.send(message)

    async def pump_in() -> None:
        assert process.stdin is not None
        async with writer_out:
            async for message in writer_out:
                body = message.message.model_dump_json(by_alias=True, exclude_none=True)
                try:
                    await process.stdin.send(body.encode() + b"\n")
                except (anyio.BrokenResourceError, anyio.ClosedResourceError):
                    return  # the server exited: its stdout's end tells the session

    async with process, anyio.create_task_group() as group:
        group.start_soon(pump_out)
        group.start_soon(pump_in)
        try:
            yield read, write
        finally:
            group.cancel_scope.cancel()
            with anyio.CancelScope(shield=True):
                await _stop(process, terminate_posix_process_tree, 0 if flooded else GRACE)
                for stream in (read, write, reader_in, writer_out):
                    await stream.aclose()


async def _stop(process: Any, terminate: Any, grace: float) -> None:
    """Close the server's stdin, give it ``grace`` seconds, then end its process tree."""
    import anyio

    try:
        await process.stdin.aclose()
        with anyio.fail_after(grace):
            await process.wait()
    except (TimeoutError, anyio.BrokenResourceError, anyio.ClosedResourceError, OSError):
        await terminate(process, GRACE)
