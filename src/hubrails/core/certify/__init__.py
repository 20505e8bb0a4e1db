"""`hub certify` and `hub policy`: effective policy, checks, waivers, certificates, and an agent
file's own validation findings. May import registry, validate, hub, parallel, store (the
ledger-records check reads the ledger), vcs (``--verify`` reads the hub commit a certificate
names) and signing (signed certificates' keys and envelopes)."""
