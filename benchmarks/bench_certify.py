"""Wall-clock benchmark of ``hub certify`` on a generated registry.

    python benchmarks/bench_certify.py [--manifests 10000] [--agents 1000] [--runs 5]
                                       [--out benchmarks/out]

Generates a registry with ``benchmarks/generate.py`` (no deliberate errors), then rebalances it
to ``--agents`` agents while keeping ``--manifests`` manifests: surplus agents are replaced by
copies of prompts under new names (prompts nothing references). It makes the registry a git
repository with one commit and times, as separate processes (median of ``--runs``):

* ``hub certify --all --format json`` (output thrown away): every agent;
* ``hub certify AGENT``: one agent, by name;
* ``hub --help``: the start-up floor on this machine at this moment;
* ``hub certify --verify`` with a certificate for every agent, unsigned and then signed (a DSSE
  envelope; hub.yaml's ``certify.signing: required``), each team listing its own Ed25519 key.

and prints a markdown table with wall-clock and CPU seconds. One untimed ``--all`` run first fills
``.hub/cache`` (the index and parsed-manifest caches), as any earlier run in a checkout would.
The generated agents are not written to pass certification (their models and data classes do not
follow the generated guardrails), so most checks run twice (against all guardrails, then the
required ones) and every agent file is parsed again for the lines of its problems: a worst case.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate import generate

REPO = Path(__file__).resolve().parent.parent
TARGETS = {"all": 3.0, "one": 0.4, "verify": 3.0}


def rebalance(root: Path, agents: int) -> int:
    """Keep ``agents`` agents; replace the others by prompt copies. Returns agents removed."""
    registry = root / "registry"
    found = sorted(registry.glob("spokes/*/agents/*.yaml"))
    surplus = found[agents:]
    prompts = sorted((registry / "prompts").glob("*.yaml"))
    for i, path in enumerate(surplus):
        source = prompts[i % len(prompts)]
        name = f"bench-prompt-{i}"
        text = source.read_text(encoding="utf-8").replace(
            f"  name: {source.stem}\n", f"  name: {name}\n", 1
        )
        (registry / "prompts" / f"{name}.yaml").write_text(text, encoding="utf-8")
        path.unlink()
    return len(surplus)


def list_keys(root: Path) -> dict[str, Path]:
    """A key pair per team (in a temporary folder: never inside a repository, which the
    default ``--out`` under benchmarks/ is), its public key in the team's manifest."""
    import tempfile

    from hubrails.core.signing.keys import write_pair

    folder = Path(tempfile.mkdtemp(prefix=f"hub-bench-{root.name}-keys-"))
    keys = {}
    for team in sorted((root / "registry" / "teams").glob("*.yaml")):
        pair = write_pair(folder / f"{team.stem}.pem")
        pem = "".join(f"          {line}\n" for line in pair.public_pem.splitlines())
        with team.open("a", encoding="utf-8") as out:
            out.write(
                f"  signing_keys:\n    - keyid: {pair.keyid}\n"
                f'      not_after: "2999-12-31"\n      public_key: |\n{pem}'
            )
        keys[team.stem] = pair.private
    return keys


def write_certificates(root: Path, keys: dict[str, Path] | None) -> int:
    """A certificate for every agent, pass or fail (``--verify`` recomputes either verdict),
    signed with its team's key when ``keys`` are given. Returns how many."""
    import datetime as dt

    from hubrails.core.certify.agent_files import Workspace
    from hubrails.core.certify.certificate import write_certificate
    from hubrails.core.certify.run import certify
    from hubrails.core.hub.locate import find_hub
    from hubrails.core.registry.config import load_config
    from hubrails.core.signing.keys import load_private_key

    config = load_config(root)
    ws = Workspace(config, find_hub(config, None))
    run = certify(ws, ws.agent_paths, ledger_url=None, hub_state=True)
    now = dt.datetime.now(dt.UTC)
    private = {team: load_private_key(path) for team, path in (keys or {}).items()}
    for result in run.results:
        write_certificate(config, result, run.hub, now, private.get(result.team))
    return len(run.results)


def signature_cost(root: Path) -> tuple[float, float]:
    """In-process seconds to read every certificate (JSON parse and schema: the floor) and to
    read it with its envelope's signature checked (``load_certificate``), best of three."""
    import json

    from hubrails.core.certify.agent_files import Workspace
    from hubrails.core.certify.signatures import Trust, load_certificate
    from hubrails.core.hub.locate import find_hub
    from hubrails.core.registry.config import load_config
    from hubrails.core.registry.schemas import validate_json

    config = load_config(root)
    trust = Trust.of(Workspace(config, find_hub(config, None)))
    files = sorted((root / "certificates").glob("*/*.json"))
    assert all(isinstance(load_certificate(f, f.parent.name, trust), dict) for f in files)
    floor, signed = [], []
    for _ in range(3):
        start = time.perf_counter()
        for f in files:
            validate_json("CertificateEnvelope", json.loads(f.read_bytes()))
        floor.append(time.perf_counter() - start)
        start = time.perf_counter()
        for f in files:
            load_certificate(f, f.parent.name, trust)
        signed.append(time.perf_counter() - start)
    return min(floor), min(signed)


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(args: list[str], cwd: Path, runs: int) -> tuple[list[float], int, float]:
    """Wall-clock seconds of ``runs`` runs, the last exit code, and the median CPU seconds
    (user + system, worker processes included): on a shared machine, wall time varies with
    the load; CPU time much less."""
    hub = str(Path(sys.executable).with_name("hub"))
    times, cpus, code = [], [], 0
    for _ in range(runs):
        start, cpu = time.perf_counter(), _cpu()
        done = subprocess.run([hub, *args], cwd=cwd, capture_output=True, check=False)
        times.append(time.perf_counter() - start)
        cpus.append(_cpu() - cpu)
        code = done.returncode
        if code not in (0, 1):
            raise SystemExit(f"hub {' '.join(args)} failed: {done.stderr.decode()}")
    return times, code, statistics.median(cpus)


def main(argv: list[str] | None = None) -> int:
    """Generate, time and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--manifests", type=int, default=10_000)
    parser.add_argument("--agents", type=int, default=1_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--out", type=Path, default=REPO / "benchmarks" / "out")
    args = parser.parse_args(argv)
    root = args.out / f"certify-n{args.manifests}-a{args.agents}"
    generate(root, args.manifests, error_rate=0.0, seed=1)
    rebalance(root, args.agents)
    keys = list_keys(root)
    subprocess.run(["git", "init", "-q"], cwd=root, check=True)
    subprocess.run(["git", "add", "-A"], cwd=root, check=True)
    subprocess.run(
        [
            "git",
            "-c",
            "user.name=bench",
            "-c",
            "user.email=b@example.com",
            "commit",
            "-qm",
            "x",
            "--allow-empty",
        ],
        cwd=root,
        check=True,
    )
    agents = sorted((root / "registry").glob("spokes/*/agents/*.yaml"))
    one = agents[0].stem
    timed(["certify", "--all", "--format", "json"], root, 1)  # fills .hub/cache once
    rows = [
        ("`hub --help`", timed(["--help"], root, args.runs), None),
        (
            f"`hub certify --all` ({len(agents):,} agents)",
            timed(["certify", "--all", "--format", "json"], root, args.runs),
            TARGETS["all"],
        ),
        (f"`hub certify {one}`", timed(["certify", one], root, args.runs), TARGETS["one"]),
    ]
    verify = ["certify", "--verify", "--format", "json"]
    written = write_certificates(root, None)
    rows.append(
        (f"`hub certify --verify` ({written:,} unsigned)", timed(verify, root, args.runs), None)
    )
    write_certificates(root, keys)
    with (root / "hub.yaml").open("a", encoding="utf-8") as out:
        out.write("certify:\n  signing: required\n")
    timed(verify, root, 1)  # hub.yaml changed: its schema check is remembered again
    signed = timed(verify, root, args.runs)
    rows.append((f"`hub certify --verify` ({written:,} signed)", signed, TARGETS["verify"]))
    if signed[1] != 0:
        raise SystemExit("hub certify --verify found problems in the signed certificates")
    floor, opened = signature_cost(root)
    print(f"Registry: {args.manifests:,} manifests, {len(agents):,} agents; {os.cpu_count()} CPUs")
    print("\n| command | median s | min s | max s | CPU s | exit | target |")
    print("|---|---:|---:|---:|---:|---|---|")
    for label, (times, code, cpu), target in rows:
        median = statistics.median(times)
        verdict = ""
        if target is not None:
            verdict = f"< {target} s: " + ("met" if median < target else "**missed**")
        spread = f"{median:.3f} | {min(times):.3f} | {max(times):.3f} | {cpu:.3f}"
        print(f"| {label} | {spread} | {code} | {verdict} |")
    print(
        f"\nIn process, {written:,} certificates: read and parse the envelopes {floor:.3f} s; "
        f"open them, signature checked, {opened:.3f} s ({opened / floor:.1f}x)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
