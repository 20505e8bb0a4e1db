"""An agent file's own ``hub validate`` findings (schema, layout), taken from the index cache
that validation keeps when the file is unchanged, and added to it when not."""

from __future__ import annotations

from pathlib import PurePosixPath

from hubrails.core.certify.agent_files import Loaded
from hubrails.core.registry import layout
from hubrails.core.registry.config import HubConfig
from hubrails.core.registry.findings import Finding, Severity
from hubrails.core.validate import index_cache as cache
from hubrails.core.validate.analyse import analyse_file
from hubrails.core.validate.reports import FileReport

Analysed = tuple[str, str, cache.Stat, FileReport]


class OwnFindings:
    """Errors ``hub validate`` reports on one file by itself; ``use_index`` reads and updates
    the index cache (worth its load time for many agents, not for one)."""

    def __init__(self, config: HubConfig, *, use_index: bool) -> None:
        self.config = config
        self.spoke_team = config.team if config.role == "spoke" else None
        self.index = (
            cache.IndexCache(cache.index_path(config), cache.repository_key(config))
            if use_index
            else None
        )
        self.added: list[Analysed] = []

    def errors(self, loaded: Loaded) -> list[Finding]:
        """The errors of ``loaded`` (a file of this repository), judged from the bytes and the
        ``stat`` its loading read, never read again."""
        data, info = loaded.manifest.raw, loaded.manifest.stat
        if data is None or info is None:
            return []  # unreadable: the agent-loads check says why
        rel = loaded.file.relative_to(self.config.root).as_posix()
        stat = cache.stat_key(info)
        report = self.index.by_stat(rel, stat) if self.index is not None else None
        if report is None:
            digest = loaded.manifest.digest
            report = self.index.by_digest(rel, digest, stat) if self.index is not None else None
            if report is None:
                report = self._analyse(rel, data)
                if report is None:
                    return []
                self.keep([(rel, digest, stat, report)])
        return [f for f in report.findings if f.severity is Severity.ERROR]

    def _analyse(self, rel: str, data: bytes) -> FileReport | None:
        parts = PurePosixPath(rel).relative_to(self.config.registry.strip("/")).parts
        location = layout.classify(parts)
        if location is None:
            return None
        return analyse_file(
            rel,
            data,
            location,
            spoke_team=self.spoke_team,
            max_alias_nodes=self.config.max_alias_nodes,
        )

    def keep(self, analysed: list[Analysed]) -> None:
        """Add analysed files to the index (also those a worker process analysed)."""
        if self.index is not None:
            for rel, digest, stat, report in analysed:
                self.index.put(rel, digest, stat, report)
                self.added.append((rel, digest, stat, report))

    def save(self) -> None:
        """Keep what was analysed for the next run (best effort, like validation's cache)."""
        if self.index is not None:
            self.index.save()
