"""`hub certify` and `hub policy`: effective policy, checks, waivers, certificates. May import
registry, validate, ledger."""
