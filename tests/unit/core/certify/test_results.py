"""Certification results: which statuses pass an agent, what a certificate records of a check,
and digests that change with any input and nothing else."""

from __future__ import annotations

from dataclasses import replace

from hubrails.core.certify.check_context import Problem
from hubrails.core.certify.policy import EffectivePolicy
from hubrails.core.certify.results import AgentResult, CheckResult, Status

PROBLEM = Problem(
    "retention is 7 days", "registry/agents/bot.yaml", 12, "spec.logging.retention_days"
)


def check(status: Status, *problems: Problem) -> CheckResult:
    return CheckResult(
        "logging", "Logging", "required", status, "keep logs 30 days", None, problems
    )


def agent(
    *checks: CheckResult, inputs: tuple[tuple[str, str], ...] = (("a.yaml", "1"),)
) -> AgentResult:
    return AgentResult("bot", "sre", "registry/agents/bot.yaml", "production", checks,
                       EffectivePolicy(), inputs)  # fmt: skip


def test_only_a_failing_check_fails_the_agent() -> None:
    for status in (Status.PASS, Status.WARN, Status.SKIP, Status.WAIVED):
        assert agent(check(Status.PASS), check(status)).passed
    assert not agent(check(Status.PASS), check(Status.FAIL, PROBLEM)).passed


def test_a_check_records_its_first_problems_place_and_a_remediation_unless_it_passed() -> None:
    failed = check(Status.FAIL, PROBLEM, replace(PROBLEM, line=20)).to_dict()
    assert (failed["file"], failed["line"], failed["field"]) == (
        "registry/agents/bot.yaml",
        12,
        "spec.logging.retention_days",
    )
    assert failed["remediation"] == "keep logs 30 days"
    passed = check(Status.PASS).to_dict()
    assert (passed["remediation"], passed["file"], passed["line"], passed["field"]) == (
        None,
        None,
        None,
        None,
    )
    assert check(Status.WARN, replace(PROBLEM, field="")).to_dict()["field"] is None


def test_the_inputs_digest_follows_the_inputs_not_their_order() -> None:
    one = agent(inputs=(("a.yaml", "1"), ("b.yaml", "2")))
    assert one.inputs_digest() == agent(inputs=(("b.yaml", "2"), ("a.yaml", "1"))).inputs_digest()
    assert one.inputs_digest() != agent(inputs=(("a.yaml", "1"), ("b.yaml", "3"))).inputs_digest()
    assert len(one.inputs_digest()) == 64
    assert one.policy_digest() == agent().policy_digest()  # the same (empty) policy


def test_digests_made_once_are_not_carried_into_a_changed_result() -> None:
    import pickle

    from hubrails.core.certify.policy import Value

    one = agent(inputs=(("a.yaml", "1"),))
    first = (one.inputs_digest(), one.policy_digest())
    changed = replace(one, inputs=(("a.yaml", "2"),))
    assert changed.inputs_digest() != first[0]
    stricter = replace(
        one,
        policy=EffectivePolicy({"logging.retention_days": Value("logging.retention_days", 90, ())}),
    )
    assert stricter.policy_digest() != first[1] and stricter.inputs_digest() != first[0]
    assert (one.inputs_digest(), one.policy_digest()) == first
    assert pickle.loads(pickle.dumps(one)) == one  # as workers send results back
