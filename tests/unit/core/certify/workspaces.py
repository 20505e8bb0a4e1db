"""Certify's view of a registry for unit tests: its workspace, and the incident-triage agent's
context as ``certify`` builds it."""

from __future__ import annotations

from pathlib import Path

from hubrails.core.certify.agent_files import Workspace
from hubrails.core.certify.check_context import AgentContext
from hubrails.core.certify.run import context
from hubrails.core.hub.locate import find_hub
from hubrails.core.registry.config import load_config

INCIDENT = "spokes/sre/agents/incident-triage.yaml"


def workspace(root: Path) -> Workspace:
    """The workspace of the registry at ``root``, its hub found as certify finds it."""
    config = load_config(root)
    return Workspace(config, find_hub(config, None))


def incident_context(root: Path) -> AgentContext:
    """The context of the example's incident-triage agent (no ledger)."""
    ws = workspace(root)
    return context(ws, ws.agent(INCIDENT), None)
