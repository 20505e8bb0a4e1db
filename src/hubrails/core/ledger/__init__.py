"""The cost ledger: records, pricing, ingest, reports and budgets. May import registry, catalog
(the snapshot names the teams and agents), parallel and store."""
