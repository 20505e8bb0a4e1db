"""Waivers: hub-owned, per agent and check, never shown as pass, absent once expired."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from tests.helpers import edit, run_cli, write

SRE = "registry/spokes/sre/agents/incident-triage.yaml"


def waiver(expires: str, check: str = "logging", agent: str = "incident-triage") -> str:
    return (
        "apiVersion: hubrails/v1\nkind: Waiver\nmetadata:\n  name: short-logs\n"
        '  team: platform\n  version: "1.0.0"\n  description: Short logs for now.\n'
        f"spec:\n  agent: {agent}\n  check: {check}\n"
        "  reason: Log shipping moves to the new cluster in December.\n"
        f'  granted_by: "@carol.diaz"\n  expires: "{expires}"\n'
    )


def in_days(days: int) -> str:
    return (dt.datetime.now(dt.UTC).date() + dt.timedelta(days=days)).isoformat()


def logging_check(*extra: str) -> tuple[int, dict[str, Any], str]:
    run = run_cli("certify", "incident-triage", "--format", "json", *extra)
    check = next(c for c in run.json()["agents"][0]["checks"] if c["id"] == "logging")
    return run.exit_code, check, run.stderr


def break_logging(root: Path) -> None:
    edit(root / SRE, "    retention_days: 90\n", "    retention_days: 7\n")


def test_waived_check_shows_waived_and_passes_the_agent(registry: Path) -> None:
    break_logging(registry)
    write(registry, {"registry/waivers/short-logs.yaml": waiver(in_days(10))})
    code, check, _ = logging_check()
    assert code == 0
    assert check["status"] == "waived"
    assert check["waiver"]["granted_by"] == "@carol.diaz"
    assert check["waiver"]["file"] == "registry/waivers/short-logs.yaml"
    assert "at least 30" in check["reason"]
    assert "waived by @carol.diaz" in run_cli("certify", "incident-triage").stdout


def test_waiver_of_a_passing_check_leaves_it_pass(registry: Path) -> None:
    write(registry, {"registry/waivers/short-logs.yaml": waiver(in_days(10))})
    code, check, _ = logging_check()
    assert (code, check["status"], check["waiver"]) == (0, "pass", None)


def test_expired_waiver_counts_as_absent(registry: Path) -> None:
    break_logging(registry)
    write(registry, {"registry/waivers/short-logs.yaml": waiver(in_days(-1))})
    code, check, _ = logging_check()
    assert (code, check["status"]) == (1, "fail")


def test_waiver_for_another_check_or_agent_does_not_apply(registry: Path) -> None:
    break_logging(registry)
    write(
        registry,
        {
            "registry/waivers/a.yaml": waiver(in_days(5), check="approvals"),
            "registry/waivers/b.yaml": waiver(in_days(5), agent="invoice-triage"),
        },
    )
    assert logging_check()[1]["status"] == "fail"


def test_waiver_in_a_spoke_folder_is_ignored_with_a_warning(registry: Path) -> None:
    break_logging(registry)
    path = "registry/spokes/sre/waivers/short-logs.yaml"
    write(registry, {path: waiver(in_days(10))})
    code, check, stderr = logging_check()
    assert (code, check["status"]) == (1, "fail")
    assert f"{path}: waiver ignored" in stderr


def test_invalid_waiver_is_ignored_with_a_warning(registry: Path) -> None:
    break_logging(registry)
    text = waiver(in_days(10)).replace(f'expires: "{in_days(10)}"', f"expires: {in_days(10)}")
    write(registry, {"registry/waivers/short-logs.yaml": text})
    code, _, stderr = logging_check()
    assert code == 1
    assert "registry/waivers/short-logs.yaml: waiver ignored: line 13" in stderr


def test_waiver_validates_as_a_manifest(registry: Path) -> None:
    write(registry, {"registry/waivers/short-logs.yaml": waiver(in_days(10))})
    assert run_cli("validate").exit_code == 0
    edit(registry / "registry/waivers/short-logs.yaml", "  check: logging", "  chekc: logging")
    assert run_cli("validate").exit_code == 1


def test_certificate_records_the_waiver_and_ends_with_it(registry: Path) -> None:
    break_logging(registry)
    write(registry, {"registry/waivers/short-logs.yaml": waiver(in_days(10))})
    assert run_cli("certify", "incident-triage", "--write").exit_code == 0
    cert = registry / "certificates/sre/incident-triage.json"
    predicate = json.loads(cert.read_text(encoding="utf-8"))["predicate"]
    assert predicate["waivers"][0]["check"] == "logging"
    assert predicate["expires_at"].startswith(in_days(10))
    assert "registry/waivers/short-logs.yaml" in {i["path"] for i in predicate["inputs"]}


def test_ci_formats_show_failures_and_waivers(registry: Path) -> None:
    break_logging(registry)
    edit(registry / SRE, "  telemetry:\n    enabled: true\n", "  telemetry:\n    enabled: false\n")
    write(registry, {"registry/waivers/short-logs.yaml": waiver(in_days(10))})
    github = run_cli("certify", "incident-triage", "--format", "github")
    assert github.exit_code == 1
    lines = github.stdout.splitlines()
    assert any(line.startswith(f"::error file={SRE},line=") and "title=telemetry" in line
               for line in lines)  # fmt: skip
    assert any(line.startswith("::notice ") and "title=logging" in line for line in lines)
    assert lines[-1] == "hub certify: 0 of 1 agents certified"
    sarif = run_cli("certify", "incident-triage", "--format", "sarif").json()
    results = {r["ruleId"]: r for r in sarif["runs"][0]["results"]}
    assert results["telemetry"]["level"] == "error"
    assert "suppressions" not in results["telemetry"]
    assert results["logging"]["suppressions"][0]["kind"] == "external"
    rules = [r["id"] for r in sarif["runs"][0]["tool"]["driver"]["rules"]]
    assert results["logging"]["ruleIndex"] == rules.index("logging")


def test_waiver_of_a_spoke_team_is_an_error_and_not_applied(registry: Path) -> None:
    break_logging(registry)
    path = "registry/waivers/short-logs.yaml"
    write(registry, {path: waiver(in_days(10)).replace("team: platform", "team: sre")})
    code, check, stderr = logging_check()
    assert (code, check["status"]) == (1, "fail")
    assert f"{path}: waiver ignored: its metadata.team is sre, not the platform team" in stderr
    for args in ((), (path,)):  # the whole run and a one-file run agree
        run = run_cli("validate", "--format", "json", *args)
        assert run.exit_code == 1
        assert ("waiver-team", path, 4) in run.rules()


def test_waivers_folder_linked_into_a_spoke_is_refused(registry: Path) -> None:
    break_logging(registry)
    write(registry, {"registry/spokes/sre/waivers/short-logs.yaml": waiver(in_days(10))})
    (registry / "registry/waivers").symlink_to("spokes/sre/waivers")
    code, check, stderr = logging_check()
    assert (code, check["status"]) == (1, "fail")
    assert "registry/waivers/short-logs.yaml (through a symbolic link): waiver ignored" in stderr


def test_waiver_file_linked_from_a_spoke_is_refused(registry: Path) -> None:
    break_logging(registry)
    write(registry, {"registry/spokes/sre/waivers/short-logs.yaml": waiver(in_days(10))})
    (registry / "registry/waivers").mkdir()
    link = registry / "registry/waivers/short-logs.yaml"
    link.symlink_to("../spokes/sre/waivers/short-logs.yaml")
    code, check, _ = logging_check()
    assert (code, check["status"]) == (1, "fail")


def test_codeowners_gives_waivers_and_certificates_to_the_platform_team(registry: Path) -> None:
    path = "registry/waivers/short-logs.yaml"
    write(registry, {path: waiver(in_days(10)).replace("team: platform", "team: billing-ops")})
    assert run_cli("codeowners").exit_code == 0
    lines = (registry / ".github/CODEOWNERS").read_text(encoding="utf-8").splitlines()
    rules = [line.split() for line in lines if line and not line.startswith("#")]
    platform = ["@acme/ai-platform", "@dana.okafor"]
    assert [r[0] for r in rules][-2:] == ["/registry/waivers/", "/certificates/"]  # last wins
    assert rules[-2][1:] == rules[-1][1:] == platform
    assert not any(r[0].startswith("/certificates/") and r[1:] != platform for r in rules)
    assert not any(r[0] == f"/{path}" for r in rules)
