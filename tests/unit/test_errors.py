"""The error tree: every class says its exit code; a load error converts in one place."""

from __future__ import annotations

from hubrails.core.registry.findings import Finding, Severity
from hubrails.errors import (
    ConfigError,
    ExitCode,
    GitError,
    HubError,
    HubFetchError,
    LoadError,
    PromotionError,
    RefRaceError,
    RemoteError,
)


def test_each_class_says_its_exit_code() -> None:
    assert HubError("x").exit_code is ExitCode.USAGE
    assert ConfigError("x").exit_code is ExitCode.USAGE
    assert GitError("x").exit_code is ExitCode.USAGE
    assert HubFetchError("x").exit_code is ExitCode.USAGE
    assert RemoteError("x").exit_code is ExitCode.FINDINGS
    assert RefRaceError("x").exit_code is ExitCode.FINDINGS
    assert PromotionError("code", "x").exit_code is ExitCode.FINDINGS


def test_load_error_becomes_a_hub_error_with_its_place_and_hint() -> None:
    error = LoadError("yaml-syntax", "bad colon", 3, 7, hint="quote it")
    converted = error.to_error("registry/a.yaml", ConfigError)
    assert isinstance(converted, ConfigError)
    assert converted.render() == "hub: registry/a.yaml:3:7: bad colon\nhub: hint: quote it\n"


def test_load_error_becomes_an_error_finding() -> None:
    error = LoadError("file-too-large", "too big", 1, 1, hint="split it")
    assert Finding.from_load_error(error, "registry/b.yaml") == Finding(
        "file-too-large", Severity.ERROR, "registry/b.yaml", 1, 1, "too big", "split it"
    )


def test_promotion_refusal_as_json() -> None:
    error = PromotionError("dirty", "the tree is dirty", hint="commit", details=["a.yaml"])
    assert error.to_dict() == {
        "promoted": False,
        "reason": "dirty",
        "message": "the tree is dirty",
        "hint": "commit",
        "details": ["a.yaml"],
    }
