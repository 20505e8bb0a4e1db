"""Fuzz tests (issue 18): mutated manifests, ledger lines, OTLP bodies, MCP files, SKILL.md,
certificates, waivers and hub.yaml, driven through the core API and the CLI. A short,
deterministic budget runs with every ``pytest``; ``HUB_FUZZ_EXAMPLES=N`` runs N in all.

Hook JSON (for a ``hub guard`` command) is not fuzzed: that command does not exist yet."""
