"""The cost ledger: records, pricing, ingest, reports and budgets."""
