"""`hub init` and `hub new`: the files of a new registry or manifest. May import registry."""
