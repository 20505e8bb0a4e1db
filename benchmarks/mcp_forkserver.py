"""A fork server of the tests' FastMCP fixture, so that a stdio MCP server starts in ~20 ms.

``serve SOCKET`` imports ``tests/fixtures/mcp/honest.py`` once and waits on a Unix socket;
``connect SOCKET`` (run with ``python -S``, the command a benchmark Tool starts) hands its own
stdin, stdout and stderr to the fork server, which forks a child that runs the SDK's server on
exactly those pipes, and waits until the child is done. Each server is thus the SDK's own
FastMCP server on the pipes ``hub`` opened, without the ~0.8 s of CPU its imports cost: what is
left to measure is ``hub mcp verify``'s own cost (a compiled or warm server, not a cold Python
one).
"""

from __future__ import annotations

import os
import signal
import socket
import sys
from pathlib import Path


def serve(path: str) -> None:
    """Fork one honest server per connection, on the connection's stdio."""
    import importlib.util

    fixture = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "mcp" / "honest.py"
    spec = importlib.util.spec_from_file_location("honest", fixture)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    signal.signal(signal.SIGCHLD, _reap)  # reaped, so their CPU time counts as ours (cutime)
    listener = socket.socket(socket.AF_UNIX)
    listener.bind(path)
    listener.listen(64)
    while True:
        conn, _ = listener.accept()
        _, fds, _, _ = socket.recv_fds(conn, 1, 3)
        if os.fork() == 0:
            listener.close()
            for target, fd in enumerate(fds):
                os.dup2(fd, target)
                os.close(fd)
            module.server.run()  # the SDK's stdio server; returns when stdin closes
            os._exit(0)  # conn closes with the child: the stub's wait ends
        conn.close()
        for fd in fds:
            os.close(fd)


def _reap(*_: object) -> None:
    try:
        while os.waitpid(-1, os.WNOHANG)[0]:
            pass
    except ChildProcessError:
        pass


def connect(path: str) -> None:
    """Hand this process's stdio to the fork server and wait for the child to finish."""
    conn = socket.socket(socket.AF_UNIX)
    conn.connect(path)
    socket.send_fds(conn, [b"x"], [0, 1, 2])
    for fd in (0, 1):
        os.close(fd)  # the child has them now: EOF and exit follow the child's, not ours
    while conn.recv(1):
        pass


if __name__ == "__main__":
    {"serve": serve, "connect": connect}[sys.argv[1]](sys.argv[2])
