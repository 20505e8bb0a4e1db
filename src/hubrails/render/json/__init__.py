"""JSON for programs, one module per command: one document on stdout, stable keys
(docs/output.md, docs/ledger.md)."""
