"""``hub review``: the hub's review queue, one item per agent that needs a person, from the
ledger's runs and evidence against what the registry declares, each with a suggested action;
and the evidence check of ``hub certify --verify --evidence``. May import registry, catalog,
certify, hub, ledger, signing and store."""
