"""`hub validate`: analysing each file (manifests and SKILL.md), cross-file references, the index
cache and focused runs. May import registry, parallel and signing (a Team's signing keys)."""
