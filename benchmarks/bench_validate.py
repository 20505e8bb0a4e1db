"""Wall-clock benchmark of ``hub validate`` on generated registries.

    python benchmarks/bench_validate.py [--sizes 1000 10000] [--runs 5] [--out benchmarks/out]
        [--shapes generated tools]

For every size and shape it writes a registry into ``OUT/SHAPE-nSIZE`` — ``generated``: the mix
of ``benchmarks/generate.py``; ``tools``: the example registry plus SIZE copies of
``registry/tools/filesystem-write.yaml`` with only the name changed — makes it a git
repository, reads every file once (so the OS file cache is warm), and times, as separate
processes (median of ``--runs``, the 1-minute load average noted before each command):

* ``hub --version``;
* ``hub validate --root DIR --no-cache``: the whole registry, no index cache (cold);
* ``hub validate --root DIR`` with ``.hub/cache`` removed before each run: the first run of a
  fresh clone, which writes the cache (and its ratio to the ``--no-cache`` median);
* ``hub validate --root DIR``: the whole registry with a warm index cache;
* ``hub validate ONE_FILE`` from inside DIR, as a pre-commit hook runs it: unchanged (warm), and
  after changing that file's description before every run;
* ``check-jsonschema`` (schema only, no cross-references) on all tools and on all agents.

and prints a markdown table. Exit status 0 unless a command could not run at all.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import measured
from generate import Summary, generate

REPO = Path(__file__).resolve().parent.parent
SCHEMAS = REPO / "schemas"
TARGETS = {"version": 0.15, "whole": 2.0, "one": 0.3}  # seconds, for the 10,000 registry
TARGET_SIZE = 10_000
RATIOS: list[tuple[str, int, float, float]] = []  # shape, size, first run / --no-cache, load
# Python compiles a module it has no bytecode for on every import while this is set; an
# installed tool has its bytecode (pip writes it), so the commands are timed without it.
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


@dataclass(slots=True)
class Result:
    """The timings of one command."""

    size: int
    label: str
    times: list[float]
    files: int
    exit_codes: list[int]
    target: float | None = None
    load: float = 0.0
    peak_mib: int = 0

    @property
    def median(self) -> float:
        return statistics.median(self.times)

    @property
    def verdict(self) -> str:
        if self.target is None:
            return ""
        mark = "met" if self.median < self.target else "**missed**"
        return f"< {self.target:g} s: {mark}"


def _tool(name: str) -> str:
    beside = Path(sys.executable).parent / name
    found = str(beside) if beside.exists() else shutil.which(name)
    if found is None:
        raise SystemExit(f"bench: {name} not found; install hubrails[test] into this venv")
    return found


def measure(
    cmd: Sequence[str], cwd: Path, runs: int, prepare: Callable[[int], None] | None = None
) -> tuple[list[float], list[int], list[int]]:
    """Wall-clock seconds, exit codes and peak resident MiB (``measured.run``) of ``runs`` runs
    of ``cmd`` (``prepare(i)`` runs untimed before each)."""
    times: list[float] = []
    codes: list[int] = []
    peaks: list[int] = []
    for i in range(runs):
        if prepare is not None:
            prepare(i)
        done = measured.run(cmd, cwd, ENV)
        times.append(done.wall)
        codes.append(done.code)
        peaks.append(done.peak_mib)
    return times, codes, peaks


def tools_registry(out: Path, size: int) -> Summary:
    """The example registry and ``size`` copies of one realistic 76-line Tool manifest."""
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    shutil.copy(REPO / "hub.yaml", out / "hub.yaml")
    shutil.copytree(REPO / "registry", out / "registry")
    text = (REPO / "registry/tools/filesystem-write.yaml").read_text(encoding="utf-8")
    folder = out / "registry" / "tools"
    for i in range(size):
        name = f"filesystem-write-{i:05d}"
        (folder / f"{name}.yaml").write_text(
            text.replace("name: filesystem-write\n", f"name: {name}\n", 1), encoding="utf-8"
        )
    files = sum(1 for p in out.rglob("*") if p.is_file())
    sample = f"registry/tools/filesystem-write-{size // 2:05d}.yaml"
    return Summary(out, size, files, {"Tool": size}, {}, [], sample, sample)


def warm(out: Path) -> None:
    """Read every file once, so the OS file cache holds them."""
    for path in out.rglob("*"):
        if path.is_file() and ".git" not in path.parts:
            path.read_bytes()


def make_repo(out: Path, size: int, error_rate: float, seed: int, shape: str) -> Summary:
    """Write the registry and commit it, so it is a repository like the real one."""
    if shape == "tools":
        summary = tools_registry(out, size)
    else:
        summary = generate(out, size, error_rate=error_rate, seed=seed)
    shutil.rmtree(out / ".git", ignore_errors=True)
    git = ["git", "-c", "user.name=bench", "-c", "user.email=bench@example.invalid"]
    subprocess.run([*git, "init", "-q", "-b", "main"], cwd=out, check=True)
    subprocess.run([*git, "add", "-A"], cwd=out, check=True)
    subprocess.run([*git, "commit", "-q", "-m", "generated registry"], cwd=out, check=True)
    return summary


def bench_size(
    size: int, out: Path, runs: int, schema_runs: int, error_rate: float, seed: int, shape: str
) -> list[Result]:
    """Every measurement for one registry size (``schema_runs`` 0 skips check-jsonschema)."""
    hub, checker = _tool("hub"), _tool("check-jsonschema")
    summary = make_repo(out, size, error_rate, seed, shape)
    warm(out)
    checked = summary.manifests + summary.by_kind.get("Skill", 0)  # + one SKILL.md per skill
    at_target = size == TARGET_SIZE
    results: list[Result] = []

    def run(
        label: str,
        cmd: Sequence[str],
        files: int,
        target: str | None = None,
        prepare: Callable[[int], None] | None = None,
        count: int = runs,
    ) -> None:
        before = os.getloadavg()[0]
        times, codes, peaks = measure(cmd, out, count, prepare)
        limit = TARGETS[target] if target and at_target else None
        results.append(
            Result(size, f"{shape}: {label}", times, files, codes, limit, before, max(peaks))
        )
        print(f"  {label}: {statistics.median(times):.3f} s", file=sys.stderr)

    print(f"n={size}: {summary.manifests} manifests, {summary.files} files", file=sys.stderr)
    measure([hub, "validate", "--root", str(out), "--no-cache"], out, 1)  # bytecode, OS cache
    run("`hub --version`", [hub, "--version"], 0, "version")
    # Cold and first runs alternate, so that both see the same load; the ratio is the median
    # of the pairs' ratios.
    cold_cmd = [hub, "validate", "--root", str(out), "--no-cache"]
    first_cmd = [hub, "validate", "--root", str(out)]
    load_before = os.getloadavg()[0]
    pairs: list[tuple[float, float, int, int, int, int]] = []
    for _ in range(runs):
        (cold_time,), (cold_code,), (cold_peak,) = measure(cold_cmd, out, 1)
        shutil.rmtree(out / ".hub" / "cache", ignore_errors=True)
        (first_time,), (first_code,), (first_peak,) = measure(first_cmd, out, 1)
        pairs.append((cold_time, first_time, cold_code, first_code, cold_peak, first_peak))
    limit = TARGETS["whole"] if at_target else None
    for label, index in (
        ("`hub validate --no-cache` (whole, cold)", 0),
        ("`hub validate`, first run (no `.hub/cache`; writes it)", 1),
    ):
        results.append(
            Result(
                size,
                f"{shape}: {label}",
                [float(p[index]) for p in pairs],
                checked,
                [int(p[index + 2]) for p in pairs],
                limit,
                load_before,
                max(int(p[index + 4]) for p in pairs),
            )
        )
    ratio = statistics.median(p[1] / p[0] for p in pairs)
    RATIOS.append((shape, size, ratio, load_before))
    print(f"  first run / --no-cache (median of pairs): {ratio:.2f}", file=sys.stderr)
    subprocess.run([hub, "validate", "--root", str(out)], cwd=out, capture_output=True, check=False)
    run(
        "`hub validate` (whole, warm cache)",
        [hub, "validate", "--root", str(out)],
        checked,
        "whole",
    )
    one = summary.sample_agent
    run("`hub validate ONE_FILE` (warm, unchanged)", [hub, "validate", one], 1, "one")

    original = (out / one).read_text(encoding="utf-8")

    def edit(i: int) -> None:
        changed = original.replace("  description: ", f"  description: Edit {i} {time.time()}. ", 1)
        (out / one).write_text(changed, encoding="utf-8")

    try:
        run("`hub validate ONE_FILE` (file just edited)", [hub, "validate", one], 1, "one", edit)
    finally:
        (out / one).write_text(original, encoding="utf-8")

    if schema_runs == 0:
        return results
    for kind, folder_glob in (
        ("tool", "registry/tools/*.yaml"),
        ("agent", "registry/spokes/*/agents/*.yaml"),
    ):
        files = sorted(str(p.relative_to(out)) for p in out.glob(folder_glob))
        schema = SCHEMAS / f"{kind}.schema.json"
        cmd = [checker, "--schemafile", str(schema), "--base-uri", schema.as_uri(), *files]
        run(f"`check-jsonschema` {kind}s (schema only)", cmd, len(files), count=schema_runs)
    return results


def machine() -> str:
    """nproc, Python and CPU model, for the report."""
    cpu = platform.processor() or "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"nproc {os.cpu_count()}, Python {platform.python_version()}, CPU {cpu}"


def table(results: Sequence[Result]) -> str:
    """The results as a markdown table."""
    lines = [
        "| manifests | command | median s | min s | max s | peak MiB | files | files/s | exit "
        "| target | load |",
        "|---:|---|---:|---:|---:|---:|---:|---:|---|---|---:|",
    ]
    for r in results:
        rate = f"{r.files / r.median:,.0f}" if r.files > 1 else ""
        codes = ",".join(sorted({str(c) for c in r.exit_codes}))
        lines.append(
            f"| {r.size:,} | {r.label} | {r.median:.3f} | {min(r.times):.3f} | "
            f"{max(r.times):.3f} | {r.peak_mib} | {r.files:,} | {rate} | {codes} | {r.verdict} "
            f"| {r.load:.1f} |"
        )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """Command line entry point."""
    parser = argparse.ArgumentParser(description="Benchmark hub validate.")
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000])
    parser.add_argument("--runs", type=int, default=5, help="timed runs per command (median)")
    parser.add_argument(
        "--schema-runs",
        type=int,
        default=None,
        help="runs for check-jsonschema (default --runs; 0 skips it)",
    )
    parser.add_argument("--shapes", nargs="+", default=["generated", "tools"])
    parser.add_argument("--error-rate", type=float, default=0.03)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, default=REPO / "benchmarks" / "out")
    args = parser.parse_args(argv)
    results: list[Result] = []
    for shape in args.shapes:
        for size in args.sizes:
            results += bench_size(
                size,
                args.out.resolve() / f"{shape}-n{size}",
                args.runs,
                args.runs if args.schema_runs is None else args.schema_runs,
                args.error_rate,
                args.seed,
                shape,
            )
    print(f"Machine: {machine()}. Wall clock, median of {args.runs} runs.\n")
    print(table(results))
    print("\n| shape | manifests | first run / `--no-cache` (median of pairs) | target | load |")
    print("|---|---:|---:|---|---:|")
    for shape, size, ratio, before in RATIOS:
        verdict = "met" if ratio <= 1.05 else "**missed**"
        print(f"| {shape} | {size:,} | {ratio:.2f} | ≤ 1.05: {verdict} | {before:.1f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
