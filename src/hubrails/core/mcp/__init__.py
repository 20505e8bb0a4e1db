"""Live MCP: connecting to a Tool's server (``client``), fingerprints of its tools
(``fingerprint``), comparing them with the manifest's pins (``compare``), writing the pins
(``write``) and ``hub mcp probe|verify`` (``run``). May import registry, catalog, interop,
validate (its result type)."""
