"""An agent's effective policy: its hub's and team's guardrails, then its own overrides."""

from __future__ import annotations

from typing import Any

from hubrails.core.certify.agent_files import Loaded, Workspace
from hubrails.core.certify.policy import EffectivePolicy, Layer, effective, layer


def meta_of(agent: Loaded) -> dict[str, Any]:
    """The ``metadata`` mapping of a loaded manifest (empty when malformed)."""
    meta = agent.data.get("metadata")
    return meta if isinstance(meta, dict) else {}


def _required(found: list[Layer]) -> EffectivePolicy:
    """The policy of the required guardrails alone, with every attempt to loosen one of its
    values, advisory team guardrails' attempts too: loosening a required value fails (only
    loosening an advisory value warns)."""
    required = effective([la for la in found if la.required])
    advisory = [la for la in found if not la.required and la.level != "hub"]
    if not advisory:
        return required
    probe = effective(advisory, required)  # only its loosenings count, not its values
    extra = tuple(x for x in probe.loosenings if x not in required.loosenings)
    return EffectivePolicy(required.values, required.loosenings + extra)


class PolicyMemo:
    """Effective policies per agent, merging each team's hub and team levels only once."""

    def __init__(self, ws: Workspace) -> None:
        self.ws = ws
        self._levels: dict[str, tuple[list[Layer], EffectivePolicy, EffectivePolicy]] = {}

    def levels(self, team: str) -> tuple[list[Layer], EffectivePolicy, EffectivePolicy]:
        """The hub and team layers of ``team``, and their merges (all, required only)."""
        if team not in self._levels:
            hub_level, team_level = self.ws.guardrails(team)
            found = []
            for level, docs in (("hub", hub_level), ("team", team_level)):
                for g in docs:
                    assert g.doc is not None
                    spec = g.data.get("spec")
                    advisory = isinstance(spec, dict) and spec.get("enforcement") == "advisory"
                    found.append(layer(level, g.path, g.doc, ("spec", "policy"),
                                       required=not advisory))  # fmt: skip
            self._levels[team] = (found, effective(found), _required(found))
        return self._levels[team]

    def policies(self, agent: Loaded) -> tuple[EffectivePolicy, EffectivePolicy, list[Layer]]:
        """(policy with advisory guardrails, policy of required guardrails only, the layers)."""
        team = meta_of(agent).get("team")
        found, full, required = self.levels(team if isinstance(team, str) else "")
        spec = agent.data.get("spec")
        overrides = spec.get("guardrails") if isinstance(spec, dict) else None
        if not overrides or agent.doc is None:  # no overrides: no need to parse for marks
            return full, required, found
        own = layer("agent", agent.path, agent.doc, ("spec", "guardrails", "policy"))
        return effective([own], full), effective([own], required), [*found, own]


def policies(ws: Workspace, agent: Loaded) -> tuple[EffectivePolicy, EffectivePolicy, list[Layer]]:
    """(policy with advisory guardrails, policy of required guardrails only, the layers)."""
    return PolicyMemo(ws).policies(agent)
