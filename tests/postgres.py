"""A real PostgreSQL server for the tests: started on a free loopback port in a temporary
folder, as a non-root user, and stopped afterwards."""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

SUPERUSER = "hub"


@dataclass(frozen=True)
class Server:
    """A running server: its port and data folder."""

    port: int
    folder: Path

    def url(self, database: str = "postgres") -> str:
        """A postgresql:// URL for ``database`` on this server."""
        return f"postgresql://{SUPERUSER}@127.0.0.1:{self.port}/{database}"


def _bindir() -> Path | None:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=_version)
    if found:
        return found[-1].parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def _version(path: Path) -> int:
    part = Path(path).parent.parent.name
    return int(part) if part.isdigit() else 0


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def running_server() -> Iterator[Server | str]:
    """Yield a running server, or the reason none could be started."""
    bindir = _bindir()
    if bindir is None:
        yield "PostgreSQL is not installed (apt-get install postgresql)"
        return
    user: str | None = None
    if os.geteuid() == 0:  # initdb refuses root; run the server as the packaged user
        try:
            import pwd

            pwd.getpwnam("postgres")
        except KeyError:
            yield "running as root and there is no 'postgres' user to run the server as"
            return
        user = "postgres"
    folder = Path(tempfile.mkdtemp(prefix="hub-pg-"))
    data = folder / "data"
    if user:
        shutil.chown(folder, user)
    env = {**os.environ, "LC_ALL": "C"}
    init = subprocess.run(
        [bindir / "initdb", "-D", data, "-U", SUPERUSER, "-A", "trust", "-E", "UTF8", "-N"],
        capture_output=True,
        text=True,
        user=user,
        cwd=folder,
        env=env,
        check=False,
    )
    if init.returncode != 0:
        shutil.rmtree(folder, ignore_errors=True)
        yield f"initdb failed: {init.stderr.strip()[-300:]}"
        return
    port = _free_port()
    log = (folder / "server.log").open("w")
    server = subprocess.Popen(
        [
            bindir / "postgres",
            "-D",
            data,
            "-p",
            str(port),
            "-h",
            "127.0.0.1",
            "-k",
            folder,
            "-c",
            "fsync=off",
            "-c",
            "synchronous_commit=off",
            "-c",
            "full_page_writes=off",
            "-c",
            "max_connections=60",
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
        user=user,
        cwd=folder,
        env=env,
    )
    try:
        reason = _wait(Server(port, folder), server)
        yield reason or Server(port, folder)
    finally:
        server.terminate()
        try:
            server.wait(30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()
        shutil.rmtree(folder, ignore_errors=True)


def _wait(server: Server, process: subprocess.Popen[bytes]) -> str | None:
    import psycopg

    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return "the server exited: " + (server.folder / "server.log").read_text()[-300:]
        try:
            with psycopg.connect(server.url(), connect_timeout=2):
                return None
        except psycopg.OperationalError:
            time.sleep(0.1)
    return "the server did not accept connections within 30 s"


@contextlib.contextmanager
def fresh_database(server: Server, name: str) -> Iterator[str]:
    """A new, empty database for one test; dropped afterwards."""
    import psycopg

    with psycopg.connect(server.url(), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield server.url(name)
    finally:
        with psycopg.connect(server.url(), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
