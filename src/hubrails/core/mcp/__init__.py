"""Live MCP: connecting to a Tool's server (``client``, ``stdio``), fingerprints of its tools
(``fingerprint``), comparing them with the manifest's pins (``compare``), writing the pins
(``write``), ``hub mcp probe|verify`` (``run``) and ``hub import mcp --probe``
(``importing``). May import registry, catalog, interop,
validate (its result type)."""
