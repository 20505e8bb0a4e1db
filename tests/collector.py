"""A real ``hub ledger serve`` process on a free loopback port, and the real OpenTelemetry SDK
exporters pointed at it, sending what Claude Code and GenAI instrumentation send."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HUB = str(Path(sys.executable).with_name("hub"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@dataclass
class Server:
    """One server process; ``url`` is its base URL."""

    root: Path
    db: str
    port: int = field(default_factory=free_port)
    args: tuple[str, ...] = ()
    process: subprocess.Popen[bytes] | None = None
    log: Path | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> Server:
        self.log = self.root.parent / f"serve-{self.port}-{time.monotonic_ns()}.log"
        with self.log.open("wb") as out:
            self.process = subprocess.Popen(
                [HUB, "ledger", "serve", "--port", str(self.port), "--db", self.db,
                 "--root", str(self.root), *self.args],
                stdout=out, stderr=subprocess.STDOUT,
            )  # fmt: skip
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"the server exited: {self.output()}")
            with (
                contextlib.suppress(OSError),
                urllib.request.urlopen(f"{self.url}/healthz", timeout=1) as answer,
            ):
                if answer.status == 200:
                    return self
            time.sleep(0.05)
        raise AssertionError(f"the server did not start: {self.output()}")

    def output(self) -> str:
        return self.log.read_text(errors="replace") if self.log else ""

    def kill(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(10)

    def stop(self) -> int:
        assert self.process is not None
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        return self.process.wait(30)


@contextlib.contextmanager
def serving(root: Path, db: str, *args: str) -> Iterator[Server]:
    server = Server(root, db, args=args).start()
    try:
        yield server
    finally:
        if server.process is not None and server.process.poll() is None:
            server.stop()


def post(
    url: str, body: bytes, content_type: str = "application/x-protobuf", **headers: str
) -> tuple[int, bytes, dict[str, str]]:
    request = urllib.request.Request(
        url, data=body, method="POST", headers={"Content-Type": content_type, **headers}
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.status, answer.read(), {k.lower(): v for k, v in answer.headers.items()}
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read(), {k.lower(): v for k, v in exc.headers.items()}


def resource(team: str | None = "sre", **more: Any) -> Any:
    from opentelemetry.sdk.resources import Resource

    attrs: dict[str, Any] = {"service.name": "claude-code", "service.version": "2.1.0", **more}
    if team:
        attrs["hub.team"] = team
    return Resource.create(attrs)


def claude_events(
    session: str, prompt: str, sequence: int, *, error: bool = False
) -> list[tuple[str, dict[str, Any]]]:
    """The events Claude Code logs for one prompt: two API requests, a tool call, maybe an error."""
    common = {"session.id": session, "prompt.id": prompt, "user.account_uuid": "u-1",
              "organization.id": "org-1", "terminal.type": "vscode"}  # fmt: skip
    out: list[tuple[str, dict[str, Any]]] = [
        ("user_prompt", {"prompt_length": 42}),
        ("api_request", {"model": "claude-sonnet-4-5-20250929", "cost_usd": 0.0125,
                         "duration_ms": 2100, "input_tokens": 1200, "output_tokens": 300,
                         "cache_read_tokens": 9000, "cache_creation_tokens": 500}),
        ("tool_result", {"tool_name": "Bash", "success": "true", "duration_ms": 40}),
        ("api_request", {"model": "claude-sonnet-4-5-20250929", "cost_usd": "0.0075",
                         "duration_ms": 1800, "input_tokens": "800", "output_tokens": "200",
                         "cache_read_tokens": "10000", "cache_creation_tokens": "0"}),
    ]  # fmt: skip
    if error:
        out.append(("api_error", {"model": "claude-sonnet-4-5-20250929", "error": "overloaded",
                                  "status_code": "529", "attempt": 1}))  # fmt: skip
    events = []
    for i, (name, attrs) in enumerate(out):
        events.append(
            (
                f"claude_code.{name}",
                {
                    **common,
                    "event.name": name,
                    "event.timestamp": f"2026-06-06T14:21:0{i}.000Z",
                    "event.sequence": sequence + i,
                    **attrs,
                },
            )
        )
    return events


def log_provider(
    endpoint: str, team: str | None = "sre", token: str | None = None, **kw: Any
) -> Any:
    from opentelemetry.exporter.otlp.proto.http._log_exporter import OTLPLogExporter
    from opentelemetry.sdk._logs import LoggerProvider
    from opentelemetry.sdk._logs.export import BatchLogRecordProcessor

    headers = {"Authorization": f"Bearer {token}"} if token else None
    exporter = OTLPLogExporter(endpoint=f"{endpoint}/v1/logs", headers=headers, **kw)
    provider = LoggerProvider(resource=resource(team, **{"hub.agent": "claude-code"}))
    provider.add_log_record_processor(
        BatchLogRecordProcessor(exporter, schedule_delay_millis=50, max_export_batch_size=512)
    )
    return provider


def emit_claude(provider: Any, session: str, prompts: int, *, error_every: int = 0) -> None:
    logger = provider.get_logger("com.anthropic.claude_code.events")
    sequence = 0
    for n in range(prompts):
        error = bool(error_every) and n % error_every == 0
        for body, attrs in claude_events(session, f"p{n}", sequence, error=error):
            logger.emit(body=body, attributes=attrs, timestamp=1780755660000000000 + n)
            sequence += 10


def env_off() -> None:
    """No OpenTelemetry environment of the developer's leaks into a test."""
    for key in list(os.environ):
        if key.startswith("OTEL_"):
            del os.environ[key]
