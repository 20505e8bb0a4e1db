"""Mutated certificates (``hub certify --verify``), waivers and ``hub.yaml`` files: no internal
error, JSON output parses, and a one-file run on a waiver agrees with the whole run."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from tests.cli.test_waivers import waiver
from tests.fuzz.known import budget, cli, count, no_internal_error
from tests.fuzz.mutations import byte_mutant, json_mutant, yaml_mutant
from tests.fuzz.registry import example, replaced
from tests.helpers import edit, expect_focused_runs_to_match, run_cli

SRE = "registry/spokes/sre/agents/incident-triage.yaml"


@pytest.fixture(scope="module")
def certified(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example registry with its certificates written."""
    root = example(tmp_path_factory.mktemp("fuzz") / "hub")
    run = run_cli("certify", "--all", "--write", "--root", str(root))
    assert run.exit_code == 0, run.stderr
    assert run_cli("certify", "--verify", "--root", str(root)).exit_code == 0
    assert sorted(CERTIFICATES) == sorted(
        p.relative_to(root).as_posix() for p in (root / "certificates").rglob("*.json")
    )
    return root


@pytest.fixture(scope="module")
def hub(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example registry with the SRE agent's logging check failing (so that a waiver of
    it matters)."""
    root = example(tmp_path_factory.mktemp("fuzz") / "hub")
    edit(root / SRE, "    retention_days: 90\n", "    retention_days: 7\n")
    return root


EXPIRES = ["2099-01-01t00:00:00z", "2099-02-30T00:00:00Z", "2099-01-01T00:00:00+99:99", "x"]


@st.composite
def certificate(draw: st.DrawFn, root: Path) -> tuple[str, bytes]:
    """A certificate path under ``root`` and a mutant of its content."""
    rel = draw(st.sampled_from(sorted(CERTIFICATES)))
    data = json.loads((root / rel).read_bytes())
    if draw(st.integers(0, 49)) == 0:
        return rel, b"[" * 100_000
    if draw(st.integers(0, 9)) == 0:  # a date that matches the schema's pattern but is no date
        data["predicate"]["expires_at"] = draw(st.sampled_from(EXPIRES))
        return rel, json.dumps(data, indent=2).encode()
    return rel, draw(json_mutant(data, indent=2))


def _json(stdout: str) -> None:
    json.loads(stdout)


CERTIFICATES = [
    f"certificates/{agent}.json"
    for agent in ("sre/incident-triage", "growth/release-notes", "support/ticket-responder")
] + ["certificates/billing-ops/invoice-triage.json"]


@budget(ci=60, share=0.08)
@given(st.data())
def test_certify_verify(certified: Path, data: st.DataObject) -> None:
    count("certify, --verify of a mutated certificate")
    rel, content = sample = data.draw(certificate(certified))
    with (
        replaced(certified, rel, content),
        no_internal_error("certify --verify", sample) as guard,
    ):
        run = cli("certify", "--verify", "--root", str(certified), "--format", "json")
    if guard.ok:
        assert run.exit_code in (0, 1, 2), (run.exit_code, run.stderr)
        assert "Traceback" not in run.stderr
        if run.exit_code != 2:
            _json(run.stdout)


WAIVER = waiver("2099-12-31").encode()


@budget(ci=30, share=0.06)
@given(st.one_of(yaml_mutant(WAIVER), st.just(WAIVER)), st.sampled_from(["json", "sarif"]))
def test_waivers(hub: Path, content: bytes, fmt: str) -> None:
    count("certify, mutated waiver")
    rel = "registry/waivers/short-logs.yaml"
    with replaced(hub, rel, content), no_internal_error("waiver", content) as guard:
        expect_focused_runs_to_match(hub, [rel])
        for args in (
            ("certify", "incident-triage", "--format", fmt),
            ("certify", "--all", "--format", "json"),
        ):
            run = cli(*args, "--root", str(hub))
            assert run.exit_code in (0, 1, 2), (args, run.exit_code, run.stderr)
            if run.exit_code != 2:
                _json(run.stdout)
    assert guard.known or guard.refused is None, guard.refused


HUB_YAML = (example.__globals__["EXAMPLE"] / "hub.yaml").read_bytes()
SPOKE_YAML = (
    b"apiVersion: hubrails/v1\nkind: HubConfig\nrole: spoke\nteam: sre\nregistry: registry\n"
    b"hub:\n  url: ../hub\n  ref: main\nlimits:\n  max_file_bytes: 1048576\n"
)


def _safe(content: bytes) -> bool:
    """Whether a hub.yaml mutant keeps the run inside its folder: no registry outside it
    (issue 18 item 2, fixed elsewhere: the fuzzer must not walk the machine), no hub or
    ledger anywhere but a local path."""
    try:
        data = yaml.safe_load(content)
    except (yaml.YAMLError, ValueError):
        return True
    if not isinstance(data, dict):
        return True
    registry, hub, ledger = data.get("registry"), data.get("hub"), data.get("ledger")
    if isinstance(registry, str) and (registry.startswith(("/", "~")) or ".." in registry):
        return False
    if registry is not None and not isinstance(registry, str) and str(registry).strip(".") == "":
        return False
    url = hub.get("url") if isinstance(hub, dict) else None
    if isinstance(url, str) and ("://" in url or "@" in url or url.startswith("/")):
        return False
    db = ledger.get("url") if isinstance(ledger, dict) else None
    return not isinstance(db, str) or (db.startswith("sqlite:///") and ".." not in db)


@budget(ci=40, share=0.06)
@given(st.one_of(yaml_mutant(HUB_YAML), yaml_mutant(SPOKE_YAML), byte_mutant(HUB_YAML)))
def test_hub_yaml(hub: Path, content: bytes) -> None:
    count("hub.yaml, validate + certify + catalog")
    if not _safe(content):
        return
    with replaced(hub, "hub.yaml", content):
        for args in (
            ("validate", "--format", "json"),
            ("certify", "--all", "--format", "json"),
            ("catalog", "ls", "--format", "json"),
            ("codeowners", "--check"),
        ):
            with no_internal_error(" ".join(args[:2]), content) as guard:
                run = cli(*args, "--root", str(hub))
            if not guard.ok:
                continue
            assert run.exit_code in (0, 1, 2), (args, run.exit_code, run.stderr)
            assert "Traceback" not in run.stderr
            if run.exit_code != 2 and "json" in args:
                _json(run.stdout)
