"""Formats of other tools in and out: Agent Skills folders, MCP server.json. May import registry
and validate (the SKILL.md rules)."""
