"""Pure logic: loading, validation, references. Returns data, raises typed errors."""
