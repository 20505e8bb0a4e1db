"""What validation keeps of one file: the source lines its findings point at, and the rows and
blobs a report, its asset and its references round-trip through (and a damaged blob)."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest

from hubrails.core.registry.findings import Finding, Severity
from hubrails.core.validate.reports import (
    MAX_LINE,
    Asset,
    FileReport,
    Ref,
    asset_from_row,
    decode,
    encode,
    finding_at,
    ref_from_row,
)

PATH = "registry/spokes/sre/agents/bot.yaml"
ASSET = Asset(
    "Agent",
    "bot",
    2,
    3,
    "sre",
    "1.2.0",
    "beta",
    None,
    "does things",
    True,
    ("sonnet", "opus"),
    (("tier", "gold"), ("env", "prod")),
)
REF = Ref("Tool", "jira", "spec.tools[0]", 5, 9, "^1.0.0", ("search", "comment"))


def full() -> FileReport:
    return FileReport(
        PATH,
        [
            Finding("placeholder", Severity.WARNING, PATH, 3, 5, "owner", "fix", ("a.yaml",)),
            Finding("schema", Severity.ERROR, PATH, 1, 1, "bad"),
        ],
        ASSET,
        [REF, Ref("Model", "sonnet", "spec.model", 6, 10)],
        {1: "kind: Agent", 3: "owner: x"},
    )


def test_a_report_round_trips_through_its_row() -> None:
    report = full()
    row = orjson.loads(orjson.dumps(report.to_row()))  # as the cache stores it: JSON
    assert FileReport.from_row(PATH, row) == report


def test_an_empty_report_round_trips_too() -> None:
    report = FileReport(PATH)
    assert report.to_row() == [[], None, [], []]
    assert FileReport.from_row(PATH, report.to_row()) == report


def test_the_row_takes_the_path_it_is_stored_under() -> None:
    moved = FileReport.from_row("elsewhere.yaml", full().to_row())
    assert moved.path == "elsewhere.yaml"
    assert {f.path for f in moved.findings} == {"elsewhere.yaml"}


def test_assets_and_references_come_back_as_tuples_from_json_lists() -> None:
    asset = asset_from_row(orjson.loads(orjson.dumps(list(ASSET))))
    assert asset == ASSET
    assert isinstance(asset.provides, tuple)
    assert all(isinstance(label, tuple) for label in asset.labels)
    ref = ref_from_row(orjson.loads(orjson.dumps(list(REF))))
    assert ref == REF
    assert isinstance(ref.actions, tuple)


def test_encode_gives_the_report_the_asset_and_each_reference() -> None:
    blob, asset, refs = encode(full())
    assert decode(PATH, blob) == full()
    assert asset is not None and asset_from_row(orjson.loads(asset)) == ASSET
    assert [ref_from_row(orjson.loads(r)) for r in refs] == full().refs
    assert encode(FileReport(PATH))[1:] == (None, [])


@pytest.mark.parametrize(
    "blob",
    [b"not json", b"[]", b"[[], null, []]", b'{"a": 1}', b"[[[1]], null, [], []]", b"null"],
)
def test_a_damaged_blob_decodes_to_none(blob: bytes) -> None:
    assert decode(PATH, blob) is None


def test_a_blob_with_an_unknown_severity_decodes_to_none() -> None:
    row = full().to_row()
    row[0][0][1] = "fatal"
    assert decode(PATH, orjson.dumps(row)) is None


def test_keep_lines_keeps_only_the_lines_pointed_at() -> None:
    text = "\n".join(f"line {n}" for n in range(1, 11))
    report = full()
    report.lines = {}
    report.keep_lines(text)
    # findings at 3 and 1, the asset at 2, the references at 5 and 6
    assert report.lines == {n: f"line {n}" for n in (1, 2, 3, 5, 6)}
    assert list(report.lines) == [1, 2, 3, 5, 6]


def test_keep_lines_skips_lines_beyond_the_text_and_cuts_long_ones() -> None:
    report = FileReport(
        PATH,
        [Finding("r", Severity.ERROR, PATH, n, 1, "m") for n in (0, 1, 2, 99)],
    )
    report.keep_lines("x" * (MAX_LINE + 50) + "\r\nshort")
    assert report.lines == {1: "x" * MAX_LINE, 2: "short"}


def test_keep_lines_of_a_report_pointing_nowhere_keeps_what_it_had() -> None:
    report = FileReport(PATH, lines={7: "kept"})
    report.keep_lines("a\nb\n")
    assert report.lines == {7: "kept"}


def test_finding_at_is_placed_where_the_reference_or_asset_is_written() -> None:
    finding = finding_at("tool-unknown", Severity.ERROR, PATH, REF, "no such tool", "add it", ["t"])
    assert finding == Finding(
        "tool-unknown", Severity.ERROR, PATH, 5, 9, "no such tool", "add it", ("t",)
    )
    at_asset = finding_at("x", Severity.WARNING, PATH, ASSET, "m")
    assert (at_asset.line, at_asset.column, at_asset.hint, at_asset.related) == (2, 3, "", ())


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads the resident size")
def test_kept_blobs_hold_no_more_memory_than_their_bytes() -> None:
    """A first run keeps every file's blobs until it saves them: 20,000 small blobs as
    ``orjson.dumps`` leaves them held a 4 KiB page each (80 MiB); of their own size, 2 MiB."""

    def resident_kib() -> int:
        status = Path("/proc/self/status").read_text()
        return int(status.split("VmRSS:")[1].split()[0])

    report = FileReport(PATH, [], ASSET, [REF, REF])
    before = resident_kib()
    kept = [encode(report) for _ in range(20_000)]
    grown = resident_kib() - before
    assert len(kept) == 20_000 and kept[0] == encode(report)
    assert grown < 30 * 1024, f"{grown} KiB for 60,000 blobs"
