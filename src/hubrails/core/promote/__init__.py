"""`hub promote`: the promotion of a spoke skill into the hub library. May import registry,
validate, vcs."""
