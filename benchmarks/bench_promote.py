"""Benchmark ``hub promote`` (without the push) in a large hub repository.

Builds a hub repository of FILES files and COMMITS commits with ``git fast-import`` (the
example registry plus copies of a hub skill, and filler documents), checks it out, and times
``hub promote sentiment-triage --no-push`` as its own process, deleting the branch between runs.

    python benchmarks/bench_promote.py [--files 10000] [--commits 5000] [--skills 3300] [--runs 5]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SKILL = "registry/skills/pr-review"
IDENTITY = {
    "GIT_AUTHOR_NAME": "Bench",
    "GIT_AUTHOR_EMAIL": "bench@example.com",
    "GIT_COMMITTER_NAME": "Bench",
    "GIT_COMMITTER_EMAIL": "bench@example.com",
}


def example_files() -> dict[str, bytes]:
    """The example hub: hub.yaml and registry/."""
    files = {"hub.yaml": (ROOT / "hub.yaml").read_bytes()}
    for path in sorted((ROOT / "registry").rglob("*")):
        if path.is_file():
            files[path.relative_to(ROOT).as_posix()] = path.read_bytes()
    return files


def skill_copies(files: dict[str, bytes], count: int) -> Iterator[tuple[str, bytes]]:
    """``count`` valid copies of the pr-review hub skill, named pr-review-N."""
    template = {p[len(SKILL) + 1 :]: d for p, d in files.items() if p.startswith(SKILL + "/")}
    for n in range(count):
        name = f"pr-review-{n}"
        for rel, data in template.items():
            if rel == "skill.yaml":
                data = data.replace(b"\n  name: pr-review\n", f"\n  name: {name}\n".encode())
            elif rel == "SKILL.md":
                data = data.replace(b"\nname: pr-review\n", f"\nname: {name}\n".encode())
            yield f"registry/skills/{name}/{rel}", data


def stream(total: int, commits: int, skills: int) -> Iterator[bytes]:
    """A fast-import stream: one big first commit, then small commits up to ``commits``."""
    files = example_files()
    files.update(skill_copies(files, skills))
    filler = 0
    while len(files) < total - (commits > 1):  # later commits add docs/activity.md
        files[f"docs/notes/{filler // 500:03d}/note-{filler}.md"] = f"# Note {filler}\n".encode()
        filler += 1
    when = 1_700_000_000
    yield b"reset refs/heads/main\n"
    for i in range(commits):
        message = b"initial hub registry" if i == 0 else f"docs: activity {i}".encode()
        head = f"commit refs/heads/main\nauthor Bench <b@e> {when + i} +0000\n"
        head += f"committer Bench <b@e> {when + i} +0000\ndata {len(message)}\n"
        yield head.encode() + message + b"\n"
        changes = files if i == 0 else {"docs/activity.md": f"activity {i}\n".encode()}
        for path, data in changes.items():
            yield f"M 100644 inline {path}\ndata {len(data)}\n".encode() + data + b"\n"
        yield b"\n"


def build(dest: Path, files: int, commits: int, skills: int) -> float:
    """Create the repository in ``dest`` (checked out); the seconds it took."""
    start = time.perf_counter()
    git(dest.parent, "init", "-q", "-b", "main", str(dest))
    importer = subprocess.Popen(
        ["git", "fast-import", "--quiet"], cwd=dest, stdin=subprocess.PIPE, env=env()
    )
    assert importer.stdin is not None
    for chunk in stream(files, commits, skills):
        importer.stdin.write(chunk)
    importer.stdin.close()
    if importer.wait() != 0:
        raise SystemExit("git fast-import failed")
    git(dest, "checkout", "-q", "-f", "main")
    return time.perf_counter() - start


def env() -> dict[str, str]:
    """The environment of every command: a fixed identity, the benchmark's own cache folder."""
    return {**os.environ, **IDENTITY}


def git(cwd: Path, *args: str) -> str:
    """Run git; its stdout."""
    return subprocess.run(
        ["git", *args], cwd=cwd, env=env(), check=True, capture_output=True, text=True
    ).stdout.strip()


def timed(cwd: Path, *args: str) -> tuple[float, int]:
    """Wall seconds and exit code of one ``hub`` process."""
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "hubrails", *args], cwd=cwd, env=env(), capture_output=True
    )
    elapsed = time.perf_counter() - start
    if done.returncode not in (0, 1):
        sys.stderr.write(done.stderr.decode())
    return elapsed, done.returncode


def promote_runs(repo: Path, runs: int) -> list[float]:
    """Time ``runs`` promotions, removing the branch after each."""
    times = []
    for _ in range(runs):
        elapsed, code = timed(repo, "promote", "sentiment-triage", "--no-push")
        if code != 0:
            raise SystemExit("the promotion failed; run it by hand to see why")
        git(repo, "branch", "-q", "-D", "promote/support/sentiment-triage")
        times.append(elapsed)
    return times


def row(label: str, times: list[float]) -> str:
    """One markdown table row."""
    return (
        f"| {label} | {statistics.median(times):.3f} | {min(times):.3f} | {max(times):.3f} "
        f"| {len(times)} |"
    )


def main() -> None:
    """Build the repository, time the promotions, print a markdown table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=10_000)
    parser.add_argument("--commits", type=int, default=5_000)
    parser.add_argument("--skills", type=int, default=3_300, help="copies of a hub skill")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-promote-") as folder:
        os.environ["XDG_CACHE_HOME"] = str(Path(folder) / "cache")
        repo = Path(folder) / "hub"
        seconds = build(repo, args.files, args.commits, args.skills)
        count = int(git(repo, "rev-list", "--count", "HEAD"))
        tracked = len(git(repo, "ls-files").splitlines())
        cold = promote_runs(repo, 1)
        shutil.rmtree(Path(folder) / "cache")
        validate, _ = timed(repo, "validate")
        report = subprocess.run(
            [sys.executable, "-m", "hubrails", "validate", "--format", "json"],
            cwd=repo,
            env=env(),
            capture_output=True,
            check=False,
        )
        checked = json.loads(report.stdout)["summary"]["files_checked"]
        print(f"repository: {tracked} files ({checked} checked by hub validate), {count} commits;")
        print(f"built with git fast-import in {seconds:.1f} s")
        print()
        print("| case | median s | min s | max s | runs |")
        print("|---|---:|---:|---:|---:|")
        print(row("promote, cold (no index cache anywhere)", cold))
        print(row("hub validate (fills the repository's .hub/cache)", [validate]))
        print(row("promote, the user has run hub validate", promote_runs(repo, args.runs)))
        shutil.rmtree(repo / ".hub")
        print(row("promote, cache kept by an earlier promotion", promote_runs(repo, args.runs)))


if __name__ == "__main__":
    main()
