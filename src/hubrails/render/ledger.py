"""The ingest summary, as text or JSON."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import TextIO

from hubrails.core.ledger.ingest import IngestResult


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def render_ingest(result: IngestResult, fmt: str, out: TextIO, rejects: Path | None) -> None:
    """Write what an ingest stored, skipped and flagged."""
    if fmt == "json":
        doc = asdict(result)
        doc["rejects_file"] = str(rejects) if rejects and result.rejected else None
        json.dump(doc, out, indent=2, sort_keys=True)
        out.write("\n")
        return
    if not result.committed:
        out.write(
            f"✗ nothing ingested: {_plural(result.rejected, 'invalid record')} "
            "(listed above; fix them or pass --skip-invalid)\n"
        )
        return
    out.write(
        f"{'✓' if not (result.rejected or result.conflict_count) else '!'} ingested "
        f"{_plural(result.inserted, 'new run')} from {_plural(result.files, 'input')}: "
        f"{result.duplicates} already stored, {_plural(result.conflict_count, 'conflict')}, "
        f"{result.rejected} invalid\n"
    )
    if rejects is not None and result.rejected:
        out.write(f"  invalid lines written to {rejects}\n")
    for c in result.conflicts:
        out.write(
            f"  conflict: {c.source}:{c.line}: run {c.run_key} is stored with different "
            "content; kept the stored record\n"
        )
    if result.conflict_count > len(result.conflicts):
        out.write(f"  … and {result.conflict_count - len(result.conflicts)} more conflicts\n")
    for title, counts in (
        ("unknown team", result.unknown_teams),
        ("unknown agent", result.unknown_agents),
        ("unpriced model", result.unpriced),
    ):
        for name, n in sorted(counts.items()):
            out.write(f"  {title}: {name} ({_plural(n, 'run')})\n")
