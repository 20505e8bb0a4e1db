"""Throughput, latency and memory of ``hub ledger serve`` fed by the real OTel SDK exporters.

Usage: python benchmarks/bench_collector.py [--runs 100000] [--batch 512] [--senders 2]
       [--signal traces|logs] [--no-postgres] [--no-sqlite]

A ``hub ledger serve`` process on a free loopback port (SQLite file, and PostgreSQL on a
throwaway server when it can start); ``--senders`` client threads, each with its own
``OTLPSpanExporter`` (or ``OTLPLogExporter``: Claude Code events, 3 per run), export batches of
``--batch`` runs (protobuf over HTTP, as the SDK does) until ``--runs`` runs are stored. Prints
runs/s (sent until the last run is stored), runs per second of the server's CPU time (what
the server would do on a core of its own; with PostgreSQL's CPU time added too), the load
average at the start and end, the p50/p99 export latency as the exporter sees it
(its encoding included), and the server's resident memory sampled during the run.
"""

from __future__ import annotations

import argparse
import itertools
import os
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "src")]

from tests.collector import Server, env_off  # noqa: E402
from tests.helpers import copy_example  # noqa: E402
from tests.postgres import fresh_database, running_server  # noqa: E402

POOL = 16  # batches made per sender


def renew(batch: list[Any], sender: int, n: int) -> None:
    """Make the runs of a pooled batch new ones: a new trace id per span, a new session."""
    from opentelemetry.trace import SpanContext

    for i, item in enumerate(batch):
        if hasattr(item, "_context"):  # a ReadableSpan
            old = item._context
            trace = (sender << 100) | (n << 20) | i
            item._context = SpanContext(trace, old.span_id, False, old.trace_flags)
        else:  # a log record: its session and sequence
            record = item.log_record
            attrs = dict(record.attributes)
            attrs["session.id"] = f"s{sender}-{n}-{i // 3}"
            record.attributes = attrs


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def cpu_s(pid: int) -> float:
    """User and system CPU seconds of process ``pid`` so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def postgres_cpu_s(folder: Path | None) -> float:
    """CPU seconds of the PostgreSQL server in ``folder`` so far: the postmaster (with its
    children that ended) and its live backends; 0 without one."""
    if folder is None:
        return 0.0
    tick = os.sysconf("SC_CLK_TCK")
    master = int(next(folder.rglob("postmaster.pid")).read_text().split()[0])
    fields = Path(f"/proc/{master}/stat").read_text().rsplit(")", 1)[1].split()
    total = sum(int(f) for f in fields[11:15]) / tick
    for proc in Path("/proc").iterdir():
        try:
            fields = (proc / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == master:
            total += (int(fields[11]) + int(fields[12])) / tick
    return total


def stored_runs(db: str) -> int:
    import sqlalchemy

    engine = sqlalchemy.create_engine(db.replace("postgresql://", "postgresql+psycopg://"))
    try:
        with engine.connect() as conn:
            sql = "SELECT coalesce(sum(runs), 0) FROM ledger_daily"
            return int(conn.execute(sqlalchemy.text(sql)).scalar_one())
    finally:
        engine.dispose()


def span_batches(sender: int, batches: int, size: int) -> Iterator[list[Any]]:
    """Finished ``invoke_agent`` spans, ``size`` a batch, made with the SDK's tracer."""
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import SimpleSpanProcessor, SpanExporter, SpanExportResult

    class Keep(SpanExporter):
        def __init__(self) -> None:
            self.spans: list[Any] = []

        def export(self, spans: Any) -> SpanExportResult:
            self.spans.extend(spans)
            return SpanExportResult.SUCCESS

    keep = Keep()
    provider = TracerProvider(
        resource=Resource.create({"service.name": "bench", "hub.team": "sre"})
    )
    provider.add_span_processor(SimpleSpanProcessor(keep))
    tracer = provider.get_tracer("bench")
    for b in range(batches):
        for n in range(size):
            with tracer.start_as_current_span("invoke_agent bench") as span:
                span.set_attributes({
                    "gen_ai.operation.name": "invoke_agent", "gen_ai.agent.name": "bench",
                    "gen_ai.request.model": "claude-sonnet-4-5-20250929",
                    "gen_ai.usage.input_tokens": 1000 + n, "gen_ai.usage.output_tokens": 100,
                    "gen_ai.usage.cache_read.input_tokens": 500, "hub.sender": sender,
                    "hub.batch": b,
                })  # fmt: skip
        yield keep.spans
        keep.spans = []


def log_batches(sender: int, batches: int, size: int) -> Iterator[list[Any]]:
    """Claude Code events, 3 per run (``size`` runs a batch), made with the SDK's logger."""
    from opentelemetry.sdk._logs import LoggerProvider
    from opentelemetry.sdk._logs.export import (
        LogRecordExporter,
        LogRecordExportResult,
        SimpleLogRecordProcessor,
    )
    from tests.collector import claude_events, resource

    class Keep(LogRecordExporter):
        def __init__(self) -> None:
            self.records: list[Any] = []

        def export(self, batch: Any) -> LogRecordExportResult:
            self.records.extend(batch)
            return LogRecordExportResult.SUCCESS

        def shutdown(self) -> None:
            pass

        def force_flush(self, timeout_millis: int = 0) -> bool:
            return True

    keep = Keep()
    provider = LoggerProvider(resource=resource("sre"))
    provider.add_log_record_processor(SimpleLogRecordProcessor(keep))
    logger = provider.get_logger("com.anthropic.claude_code.events")
    for b in range(batches):
        for n in range(size):
            events = claude_events(f"s{sender}-{b}-{n}", f"p{n}", 0)[1:4]
            for body, attrs in events:
                logger.emit(body=body, attributes=attrs)
        yield keep.records
        keep.records = []


def run(
    db: str, root: Path, args: argparse.Namespace, pg_folder: Path | None = None
) -> dict[str, float | list[float]]:
    from opentelemetry.exporter.otlp.proto.http._log_exporter import OTLPLogExporter
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

    server = Server(root, db, args=("--quiet", "1")).start()
    assert server.process is not None
    pid = server.process.pid
    per_sender = args.runs // args.batch // args.senders
    total = per_sender * args.batch * args.senders
    latencies: list[float] = []
    memory: list[float] = [rss_mib(pid)]
    failures = [0]

    def send(sender: int) -> None:
        if args.signal == "traces":
            exporter: Any = OTLPSpanExporter(endpoint=f"{server.url}/v1/traces", timeout=60)
            made = span_batches(sender, per_sender, args.batch)
        else:
            exporter = OTLPLogExporter(endpoint=f"{server.url}/v1/logs", timeout=60)
            made = log_batches(sender, per_sender, args.batch)
        # Made before the clock starts (the SDK's span creation is not timed); beyond the pool,
        # its batches are sent again with new trace ids (spans) or session ids (events).
        pool = list(itertools.islice(made, POOL))
        ready.wait()
        for n in range(per_sender):
            batch = pool[n % len(pool)]
            if n >= len(pool):
                renew(batch, sender, n)
            start = time.perf_counter()
            result = exporter.export(batch)
            latencies.append(time.perf_counter() - start)
            if getattr(result, "name", "") != "SUCCESS":
                failures[0] += 1
        exporter.shutdown()

    ready = threading.Event()
    threads = [threading.Thread(target=send, args=(s,)) for s in range(args.senders)]
    for thread in threads:
        thread.start()
    time.sleep(1.0 + total / 20_000)  # let the senders build their batches
    cpu_before, pg_before, load = cpu_s(pid), postgres_cpu_s(pg_folder), os.getloadavg()[0]
    start = time.perf_counter()
    ready.set()
    while any(t.is_alive() for t in threads):
        memory.append(rss_mib(pid))
        time.sleep(0.5)
    sent = time.perf_counter() - start
    while stored_runs(db) < total and time.perf_counter() - start < sent + 60:
        memory.append(rss_mib(pid))
        time.sleep(0.1)
    elapsed = time.perf_counter() - start
    found = stored_runs(db)
    cpu = cpu_s(pid) - cpu_before
    pg_cpu = postgres_cpu_s(pg_folder) - pg_before
    server.stop()
    ordered = sorted(latencies)
    return {
        "runs": float(found),
        "expected": float(total),
        "failed_exports": float(failures[0]),
        "runs_per_s": found / elapsed,
        "server_cpu_s": cpu,
        "runs_per_server_cpu_s": found / cpu if cpu else 0.0,
        "postgres_cpu_s": pg_cpu,
        "runs_per_server_and_postgres_cpu_s": found / (cpu + pg_cpu) if cpu else 0.0,
        "load_start_end": [round(load, 1), round(os.getloadavg()[0], 1)],
        "p50_ms": statistics.median(ordered) * 1000,
        "p99_ms": ordered[max(0, int(len(ordered) * 0.99) - 1)] * 1000,
        "rss_start_mib": memory[0],
        "rss_max_mib": max(memory),
        "rss_end_mib": memory[-1],
        "rss_quarters_mib": [round(memory[len(memory) * q // 4], 1) for q in (1, 2, 3)],
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=100_000)
    parser.add_argument("--batch", type=int, default=512)
    parser.add_argument("--senders", type=int, default=2)
    parser.add_argument("--signal", choices=("traces", "logs"), default="traces")
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument("--no-sqlite", action="store_true")
    args = parser.parse_args()
    env_off()
    with tempfile.TemporaryDirectory() as folder:
        root = copy_example(Path(folder) / "hub")
        if not args.no_sqlite:
            print("sqlite", run(f"sqlite:///{folder}/ledger.db", root, args), flush=True)
        if args.no_postgres:
            return
        with running_server() as pg:
            if isinstance(pg, str):
                print(f"postgresql skipped: {pg}")
                return
            with fresh_database(pg, "bench_collector") as url:
                print("postgresql", run(url, root, args, pg.folder), flush=True)


if __name__ == "__main__":
    main()
