"""Cross-file rules: unique names, resolvable references, satisfiable version ranges,
one platform team, SKILL.md agreeing with skill.yaml, and cross-tool shadowing."""

from __future__ import annotations

from collections.abc import Mapping

from hubrails.core.registry.findings import Finding, Severity
from hubrails.core.registry.versions import Verdicts
from hubrails.core.validate.asset_index import HUB_PREFIX, Index
from hubrails.core.validate.reports import FileReport, Ref, finding_at
from hubrails.core.validate.shadowing import MENTION, shadowing
from hubrails.core.validate.skill_agreement import skill_docs

_INACTIVE = {"deprecated": Severity.WARNING, "revoked": Severity.ERROR}


def cross_check(
    reports: list[FileReport],
    hub: list[FileReport] | None = None,
    focus: set[str] | None = None,
    names: Mapping[str, list[str]] | None = None,
    verdicts: Verdicts | None = None,
    hub_name: str = "",
) -> list[Finding]:
    """Findings that need more than one file, reported on the file that must change.

    With ``focus`` (the files a pre-commit run asks about), references are resolved only where
    the result can concern those files: from them, to the assets they define, or to nothing at
    all. Everything else would be filtered out anyway; this keeps one-file runs fast. ``names``
    completes the names of kinds that ``reports`` hold only in part (for "did you mean");
    ``verdicts`` answers version questions asked before; ``hub_name`` names the hub repository
    in messages.
    """
    index = Index(reports, names, verdicts, hub=hub or ())
    findings: list[Finding] = []
    findings += _duplicates(index, {r.path for r in reports}, hub_name)
    findings += _platform_team(reports, index)
    findings += _waiver_team(reports, index)
    focused = None
    if focus is not None:
        focused = {(r.asset.kind, r.asset.name) for r in reports if r.asset and r.path in focus}
    clean: set[tuple[str, str, str | None, tuple[str, ...]]] = set()  # refs that resolve
    for report in reports:
        everything = focused is None or report.path in (focus or ())
        for ref in report.refs:
            if ref.kind == MENTION:
                continue
            if everything or (ref.kind, ref.name) in (focused or ()) or _missing(ref, index):
                key = (ref.kind, ref.name, ref.version, ref.actions)
                if key not in clean:
                    found = resolve(report.path, ref, index)
                    findings += found
                    if not found:
                        clean.add(key)
    findings += skill_docs(reports, index)
    findings += shadowing(reports, index)
    return findings


def _missing(ref: Ref, index: Index) -> bool:
    return ref.kind != "Model" and not index.get(ref.kind, ref.name)


def _duplicates(index: Index, local: set[str], hub_name: str = "") -> list[Finding]:
    findings = []
    for kind, names in index.by_kind.items():
        if kind == "SkillDoc":
            continue
        for name, entries in names.items():
            if len(entries) < 2:
                continue
            for path, asset in entries:
                if path not in local:
                    continue
                others = [p for p, _ in entries if p != path]
                in_hub = [p.removeprefix(HUB_PREFIX) for p in others if p.startswith(HUB_PREFIX)]
                if in_hub:
                    where = f"the hub {hub_name}".rstrip()
                    message = f"{kind} '{name}' is also defined in {where}: {', '.join(in_hub)}"
                    own = path.rsplit("/", 1)[0] + "/" if kind == "Skill" else path
                    hint = (
                        f"the hub has its own copy (a merged promotion?): delete this one, {own}, "
                        "and keep referencing the name"
                    )
                else:
                    message = f"{kind} '{name}' is also defined in {', '.join(others)}"
                    hint = "names are unique per kind; rename one, or promote and reuse the other"
                findings.append(
                    finding_at("duplicate-name", Severity.ERROR, path, asset, message, hint, others)
                )
    return findings


def _platform_team(reports: list[FileReport], index: Index) -> list[Finding]:
    teams = [
        (path, asset)
        for entries in index.by_kind.get("Team", {}).values()
        for path, asset in entries
    ]
    platform = [(path, asset) for path, asset in teams if asset.platform]
    if len(platform) > 1:
        names = ", ".join(a.name for _, a in platform)
        culprits, message = platform, f"more than one platform team ({names})"
    elif not platform and teams:
        culprits, message = teams[:1], "no team is the platform team"
    else:
        return []
    local = {r.path for r in reports}
    return [
        finding_at(
            "platform-team",
            Severity.ERROR,
            path,
            asset,
            message,
            "exactly one Team sets spec.platform: true",
        )
        for path, asset in culprits
        if path in local
    ]


def _waiver_team(reports: list[FileReport], index: Index) -> list[Finding]:
    """A waiver's ``metadata.team`` must be the platform team: spokes may propose waivers, only
    the hub's platform team approves (and owns) them."""
    platform = {
        asset.name
        for entries in index.by_kind.get("Team", {}).values()
        for _, asset in entries
        if asset.platform
    }
    if not platform:
        return []  # platform-team reports that
    return [
        finding_at(
            "waiver-team",
            Severity.ERROR,
            r.path,
            r.asset,
            f"waiver '{r.asset.name}' is owned by team '{r.asset.team}', not by the platform "
            f"team ({', '.join(sorted(platform))}); certify does not apply it",
            f"set metadata.team: {sorted(platform)[0]} (the platform team reviews waivers)",
        )
        for r in reports
        if r.asset is not None and r.asset.kind == "Waiver" and r.asset.team not in platform
    ]


def resolve(path: str, ref: Ref, index: Index) -> list[Finding]:
    """The problems of one reference made in ``path`` (none when it resolves cleanly)."""
    if ref.kind == "Model":
        if index.models and ref.name not in index.models:
            return [
                finding_at(
                    "ref-model",
                    Severity.WARNING,
                    path,
                    ref,
                    f"model '{ref.name}' is not in the pricing table",
                    index.suggest("Model", ref.name),
                )
            ]
        return []
    targets = index.get(ref.kind, ref.name)
    if not targets:
        return [
            finding_at(
                "ref-unresolved",
                Severity.ERROR,
                path,
                ref,
                f"{ref.field}: no {ref.kind} named '{ref.name}'",
                index.suggest(ref.kind, ref.name),
            )
        ]
    if ref.version is not None:
        if not index.versions.is_range(ref.version):
            return [
                finding_at(
                    "ref-range-invalid",
                    Severity.ERROR,
                    path,
                    ref,
                    f"{ref.field}: '{ref.version}' is not a valid version range",
                    "use npm syntax: ^1.2.0, ~1.2, >=1.0.0 <2.0.0, 1.x, or an exact version",
                )
            ]
        versioned = [(p, a) for p, a in targets if index.versions.is_version(a.version or "")]
        matching = [
            (p, a) for p, a in versioned if index.versions.matches(ref.version, a.version or "")
        ]
        if versioned and not matching:  # an unversioned target is reported on its own file
            have = ", ".join(sorted({a.version or "" for _, a in versioned}))
            return [
                finding_at(
                    "ref-version",
                    Severity.ERROR,
                    path,
                    ref,
                    f"{ref.field}: no version of {ref.kind} '{ref.name}' satisfies "
                    f"'{ref.version}' (available: {have})",
                    "widen the range or update the reference",
                    [p for p, _ in targets],
                )
            ]
        targets = matching or targets
    target_path, target = targets[0]
    findings = []
    state = (
        target.status
        if target.status in _INACTIVE
        else ("deprecated" if target.lifecycle == "deprecated" else None)
    )
    if state is not None:
        findings.append(
            finding_at(
                f"ref-{state}",
                _INACTIVE[state],
                path,
                ref,
                f"{ref.field}: {ref.kind} '{ref.name}' is {state}",
                "move to a supported replacement"
                if state == "deprecated"
                else "remove it: a revoked asset must not be used",
                [target_path],
            )
        )
    missing = [a for a in ref.actions if a not in target.provides]
    if missing and ref.kind == "Tool":
        findings.append(
            finding_at(
                "ref-action",
                Severity.ERROR,
                path,
                ref,
                f"{ref.field}: tool '{ref.name}' has no action {', '.join(map(repr, missing))}",
                "its actions: " + ", ".join(target.provides),
                [target_path],
            )
        )
    return findings
