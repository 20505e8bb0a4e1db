"""The cost ledger: records, pricing, ingest, reports and budgets. May import registry, catalog
(its snapshot names the teams and agents), parallel and store."""
