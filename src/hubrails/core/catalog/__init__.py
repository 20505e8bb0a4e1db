"""`hub catalog` and `hub codeowners`: read-only queries over a registry's assets. May import
registry, validate."""
