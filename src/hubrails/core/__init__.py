"""The logic of every command, one package per capability (see docs/architecture.md): it returns
data (dataclasses) and raises the errors of :mod:`hubrails.errors`, and never prints, parses
options or decides exit codes. It is not all pure: it reads the registry, keeps caches under
``.hub/``, runs git (only in ``vcs``), forks workers (only through ``parallel``) and talks to the
ledger store (``hubrails.store``)."""
