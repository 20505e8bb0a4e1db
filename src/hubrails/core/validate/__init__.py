"""`hub validate`: analysing each file, cross-file references, the index cache and focused runs.
May import registry and vcs."""
