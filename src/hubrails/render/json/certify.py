"""``hub certify`` and ``hub policy`` as JSON: one document on stdout, stable keys (documented
in docs/output.md)."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import TYPE_CHECKING, Any, TextIO

from hubrails import __version__
from hubrails.render.json.validate import SHAPE_VERSION

if TYPE_CHECKING:
    from collections.abc import Mapping

    from hubrails.core.certify.certificate import VerifyProblem
    from hubrails.core.certify.policy import EffectivePolicy
    from hubrails.core.certify.results import Certification

INDENT_LIMIT = 20  # agents; larger certification documents are written compact


def certification_document(
    run: Certification, problems: list[VerifyProblem] | None = None
) -> dict[str, Any]:
    """The JSON document for a certification run (and its certificate checks with --verify)."""
    document: dict[str, Any] = {
        "version": SHAPE_VERSION,
        "tool": {"name": "hubrails", "version": __version__},
        "hub": {"commit": run.hub.commit, "dirty": run.hub.dirty, "ref": run.hub.ref},
        "warnings": list(run.warnings),
        "summary": {
            "agents": len(run.results),
            "passed": sum(1 for r in run.results if r.passed),
            "failed": sum(1 for r in run.results if not r.passed),
        },
        "agents": [
            {
                "name": r.name,
                "team": r.team,
                "path": r.path,
                "verdict": "pass" if r.passed else "fail",
                "checks": [
                    {
                        **c.to_dict(),
                        "problems": [
                            {"message": p.message, "path": p.path, "line": p.line, "field": p.field}
                            for p in c.problems
                        ],
                        "waiver": c.waiver.to_dict() if c.waiver else None,
                    }
                    for c in r.checks
                ],
            }
            for r in run.results
        ],
    }
    if problems is not None:
        document["certificates"] = [asdict(p) for p in problems]
    return document


def render_certification(
    run: Certification, problems: list[VerifyProblem] | None, out: TextIO
) -> None:
    """Write a certification run as one JSON document (indented for a few agents; compact for
    many, where the C encoder is several times faster)."""
    indent = 2 if len(run.results) <= INDENT_LIMIT else None
    out.write(
        json.dumps(certification_document(run, problems), indent=indent, ensure_ascii=False) + "\n"
    )


def render_policy(
    path: str,
    policy: EffectivePolicy,
    required: EffectivePolicy,
    out: TextIO,
    defaults: Mapping[str, Any] | None = None,
) -> None:
    """Write an effective policy, each value with its sources, and any loosening attempts;
    built-in ``defaults`` have no sources and ``"builtin": true``."""
    values = policy.to_dict()
    for name, value in values.items():
        value["enforcement"] = "required" if name in required.values else "advisory"
    for name, default in (defaults or {}).items():
        values[name] = {"value": default, "sources": [], "enforcement": "required", "builtin": True}
    values = dict(sorted(values.items()))
    document = {
        "version": SHAPE_VERSION,
        "agent": path,
        "policy": values,
        "loosenings": [
            {
                "field": loose.field,
                "value": loose.value,
                "path": loose.source.path,
                "line": loose.source.line,
                "base": loose.base,
                "base_sources": [asdict(s) for s in loose.base_sources],
                "message": loose.message(),
            }
            for loose in policy.loosenings
        ],
    }
    out.write(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
