"""``--verify`` in-process: a certificate written for a real result of the example registry,
then judged against a recomputation: missing, expired, stale, edited in any field (each named),
issued in the future, the environmental check's result, orphans, and the hub's history."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import git
import pytest

from hubrails import __version__
from hubrails.core.certify.agent_files import Workspace
from hubrails.core.certify.certificate import VerifyProblem, write_certificate
from hubrails.core.certify.results import Certification, Status
from hubrails.core.certify.run import certify
from hubrails.core.certify.signatures import Trust
from hubrails.core.certify.verify import (
    CLOCK_SKEW,
    Judged,
    certify_and_verify,
    judge,
    parse_stamp,
    settle,
    verify,
)
from hubrails.core.hub.locate import find_hub
from hubrails.core.registry.config import load_config
from hubrails.core.vcs.checkout import CheckoutState
from tests.helpers import edit

INCIDENT = "spokes/sre/agents/incident-triage.yaml"
CERT = "certificates/sre/incident-triage.json"
NOW = dt.datetime(2026, 6, 1, 9, 0, 0, tzinfo=dt.UTC)
OPEN = Trust(required=False)


def workspace(root: Path, commit: str | None = None) -> Workspace:
    config = load_config(root)
    found = find_hub(config, None)
    return Workspace(config, dataclasses.replace(found, pinned=CheckoutState(commit, False)))


def run_of(root: Path, agents: list[str] | None = None) -> Certification:
    ws = workspace(root)
    return certify(ws, ws.agent_paths if agents is None else agents, today=NOW.date())


def certified(root: Path, when: dt.datetime = NOW) -> Certification:
    """The run of the sre agent alone, its certificate written at ``when``."""
    run = run_of(root, [INCIDENT])
    write_certificate(load_config(root), run.results[0], run.hub, when)
    return run


def rewrite(root: Path, change: Callable[[dict[str, Any]], object]) -> None:
    path = root / CERT
    data = json.loads(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(json.dumps(data), encoding="utf-8")


def problems(root: Path, now: dt.datetime = NOW) -> list[tuple[str, str, str]]:
    return [
        (p.kind, p.path, p.message)
        for p in verify(load_config(root), run_of(root, [INCIDENT]), now)
    ]


def one(root: Path, now: dt.datetime = NOW) -> tuple[str, str]:
    [(kind, path, message)] = problems(root, now)
    assert path == CERT
    return kind, message


def test_a_fresh_certificate_holds(hub: Path) -> None:
    certified(hub)
    assert problems(hub) == []
    assert problems(hub, NOW + dt.timedelta(days=89)) == []


def test_a_production_agent_without_a_certificate_is_missing_and_others_need_none(
    hub: Path,
) -> None:
    config = load_config(hub)
    run = run_of(hub)
    by_name = {r.name: r for r in run.results}
    assert judge(config, NOW, OPEN, by_name["release-notes"]) is None  # experimental
    assert judge(config, NOW, OPEN, by_name["incident-triage"]) == Judged(
        CERT,
        "incident-triage",
        VerifyProblem(
            "missing",
            CERT,
            "incident-triage",
            "production agent sre/incident-triage has no certificate; "
            "run 'hub certify incident-triage --write'",
        ),
    )
    assert sorted(p.path for p in verify(config, run, NOW)) == [
        "certificates/billing-ops/invoice-triage.json",
        CERT,
        "certificates/support/ticket-responder.json",
    ]


def test_a_held_certificate_leaves_its_hub_revision_to_settle(hub: Path) -> None:
    run = certified(hub)
    found = judge(load_config(hub), NOW, OPEN, run.results[0])
    assert found is not None
    assert (found.problem, found.later) == (None, None)
    assert found.hub == {"commit": None, "dirty": False, "ref": None}
    assert found.inputs == [{"path": p, "sha256": d} for p, d in run.results[0].inputs]


def test_an_expired_certificate_says_when(hub: Path) -> None:
    certified(hub)
    assert one(hub, NOW + dt.timedelta(days=91)) == (
        "expired",
        "expired at 2026-08-30T09:00:00Z; certify again",
    )


def test_a_changed_input_makes_it_stale_naming_the_file(hub: Path) -> None:
    certified(hub)
    edit(hub / "registry" / INCIDENT, "retention_days: 90", "retention_days: 91")
    assert one(hub) == ("stale", f"its inputs changed: registry/{INCIDENT}")


def test_a_certificate_of_another_version_of_hubrails_is_stale(hub: Path) -> None:
    certified(hub)
    rewrite(hub, lambda d: d["predicate"]["tool"].update(version="0.0.1"))
    assert one(hub) == (
        "stale",
        f"written by hubrails 0.0.1, checked by hubrails {__version__}: certify again with "
        "this version",
    )


def test_a_certificate_issued_in_the_future_is_edited_beyond_the_clock_skew(hub: Path) -> None:
    certified(hub, NOW + CLOCK_SKEW)
    assert problems(hub) == []
    certified(hub, NOW + CLOCK_SKEW + dt.timedelta(seconds=1))
    assert one(hub) == ("edited", "it is issued in the future (2026-06-01T09:05:01Z)")


def test_an_expiry_later_than_the_policy_allows_is_edited(hub: Path) -> None:
    certified(hub)
    rewrite(hub, lambda d: d["predicate"].update(expires_at="2026-08-30T09:00:01Z"))
    assert one(hub) == (
        "edited",
        "its expires_at 2026-08-30T09:00:01Z is later than issued_at plus the policy's 90 days "
        "(or a waiver's end): 2026-08-30T09:00:00Z",
    )


@pytest.mark.parametrize("moment", ["2026-02-30T09:00:00Z", "2026-06-01T09:00:00+00:00"])
def test_a_time_hubrails_does_not_write_is_edited(hub: Path, moment: str) -> None:
    certified(hub)
    rewrite(hub, lambda d: d["predicate"].update(issued_at=moment))
    assert one(hub) == (
        "edited",
        f"its issued_at {moment!r} is not a time hubrails writes (YYYY-MM-DDTHH:MM:SSZ, a real "
        "date)",
    )


def test_an_edited_check_result_or_verdict_is_named(hub: Path) -> None:
    certified(hub)
    rewrite(hub, lambda d: d["predicate"]["checks"][1].update(status="fail"))
    assert one(hub) == (
        "edited",
        "its result for check tools-vetted (fail) differs from a recomputation (pass)",
    )
    certified(hub)
    rewrite(hub, lambda d: d["predicate"].update(verdict="fail"))
    assert one(hub) == ("edited", "it records verdict fail, a recomputation gives pass")
    certified(hub)
    rewrite(hub, lambda d: d["predicate"]["checks"].append(dict(d["predicate"]["checks"][0])))
    assert one(hub) == ("edited", "it records checks that a recomputation does not give")


def test_any_other_edited_field_is_named_with_both_values(hub: Path) -> None:
    certified(hub)
    rewrite(hub, lambda d: d["predicate"]["agent"].update(team="growth"))
    assert one(hub) == (
        "edited",
        'its predicate.agent.team ("growth") differs from a recomputation ("sre")',
    )
    certified(hub)
    rewrite(hub, lambda d: d["predicate"].update(policy_sha256="0" * 64))
    assert one(hub)[1].startswith('its predicate.policy_sha256 ("' + "0" * 64 + '") differs')
    certified(hub)
    rewrite(hub, lambda d: d["subject"].append(d["subject"][0]))
    assert one(hub) == ("edited", "its subject length (2) differs from a recomputation (1)")


def test_a_long_value_is_shortened_in_the_message(hub: Path) -> None:
    certified(hub)
    rewrite(hub, lambda d: d["predicate"]["agent"].update(path="x" * 200))
    _, message = one(hub)
    assert message.startswith('its predicate.agent.path ("' + "x" * 76 + "...)")
    assert message.endswith(f'differs from a recomputation ("registry/{INCIDENT}")')


def test_the_ledger_check_counts_only_as_not_failed(hub: Path) -> None:
    run = certified(hub)
    [ledger] = [c for c in run.results[0].checks if c.id == "ledger-records"]
    assert ledger.status is Status.SKIP  # no ledger here
    rewrite(
        hub,
        lambda d: [
            c.update(status="pass", reason=None)
            for c in d["predicate"]["checks"]
            if c["id"] == "ledger-records"
        ],
    )
    assert problems(hub) == []
    rewrite(
        hub,
        lambda d: [
            c.update(status="fail") for c in d["predicate"]["checks"] if c["id"] == "ledger-records"
        ],
    )
    assert one(hub) == (
        "edited",
        "its result for check ledger-records (fail) differs from a recomputation (not failed)",
    )


def test_a_certificate_of_no_agent_is_stale(hub: Path) -> None:
    certified(hub)
    orphan = hub / "certificates/sre/gone.json"
    orphan.write_text("{}", encoding="utf-8")
    (hub / "certificates/notes.json").write_text("{}", encoding="utf-8")  # not TEAM/AGENT.json
    config = load_config(hub)
    run = run_of(hub, [INCIDENT])
    assert settle(config, run, [None]) == [
        VerifyProblem(
            "stale",
            "certificates/sre/gone.json",
            "gone",
            "certificate for an agent that no longer exists",
        )
    ]


def test_a_hub_commit_not_in_the_history_wins_over_a_later_problem(hub: Path) -> None:
    with git.Repo.init(hub) as repo:
        repo.git.add("-A")
        repo.index.commit("hub")
    unknown = "1" * 40
    ws = workspace(hub, unknown)
    run = certify(ws, [INCIDENT], today=NOW.date())
    write_certificate(ws.config, run.results[0], ws.hub, NOW)
    rewrite(hub, lambda d: d["predicate"].update(verdict="fail"))
    [found] = settle(ws.config, run, [judge(ws.config, NOW, OPEN, run.results[0])])
    assert (found.kind, found.message) == (
        "edited",
        f"its hub commit {unknown} is not a commit of the hub's repository",
    )


def test_certify_and_verify_judges_every_agent_of_the_workspace(hub: Path) -> None:
    certified(hub)
    run, found = certify_and_verify(workspace(hub), NOW, OPEN)
    assert len(run.results) == 4
    assert sorted((p.kind, p.agent) for p in found) == [
        ("missing", "invoice-triage"),
        ("missing", "ticket-responder"),
    ]


@pytest.mark.parametrize(
    ("value", "parsed"),
    [
        ("2026-06-01T09:00:00Z", NOW),
        ("2026-06-01T09:00:00", None),
        ("2026-06-01 09:00:00Z", None),
        ("2026-13-01T09:00:00Z", None),
        ("2026-06-01T24:00:00Z", None),
        (" 2026-06-01T09:00:00Z", None),
        (1780304400, None),
        (None, None),
    ],
)
def test_parse_stamp_reads_only_the_form_certificates_write(value: Any, parsed: Any) -> None:
    assert parse_stamp(value) == parsed
