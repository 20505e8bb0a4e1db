"""The rejects file of ``--skip-invalid``: never one of the inputs nor the ledger, written beside
its target and renamed into place only at the end (or removed when nothing was rejected)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from hubrails.core.ledger.rejects import RejectsFile, refuse_inputs
from hubrails.errors import HubError


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def test_a_rejects_path_apart_from_the_inputs_and_the_ledger_is_allowed(tmp_path: Path) -> None:
    runs = tmp_path / "runs.jsonl"
    runs.write_text("{}\n", encoding="utf-8")
    refuse_inputs(tmp_path / "rejects.jsonl", [str(runs), "-"], tmp_path / "ledger.db")


def test_a_rejects_path_that_is_an_input_is_refused_with_a_hint(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "runs.jsonl").write_text("{}\n", encoding="utf-8")
    with pytest.raises(HubError) as caught:
        refuse_inputs(tmp_path / "sub" / ".." / "runs.jsonl", ["other.jsonl", "runs.jsonl"])
    assert caught.value.message == (
        f"--rejects {tmp_path / 'sub' / '..' / 'runs.jsonl'} is the input runs.jsonl: "
        "writing the rejects would lose it"
    )
    assert caught.value.hint == "write the rejects elsewhere, e.g. --rejects rejects-2.jsonl"


def test_a_symlink_or_a_hard_link_to_an_input_is_the_input(tmp_path: Path) -> None:
    runs = tmp_path / "runs.jsonl"
    runs.write_text("{}\n", encoding="utf-8")
    (tmp_path / "soft.jsonl").symlink_to(runs)
    os.link(runs, tmp_path / "hard.jsonl")
    for alias in ("soft.jsonl", "hard.jsonl"):
        with pytest.raises(HubError, match="is the input"):
            refuse_inputs(tmp_path / alias, [str(runs)])


def test_standard_input_is_never_taken_for_a_file_named_dash(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("-").write_text("{}\n", encoding="utf-8")
    refuse_inputs(Path("-"), ["-"])


def test_a_rejects_path_that_is_the_ledger_database_is_refused(tmp_path: Path) -> None:
    ledger = tmp_path / "ledger.db"
    ledger.write_bytes(b"SQLite format 3\x00")
    os.link(ledger, tmp_path / "same.db")
    for given in (ledger, tmp_path / "same.db"):
        with pytest.raises(HubError) as caught:
            refuse_inputs(given, [], ledger)
        assert caught.value.message == (
            f"--rejects {given} is the ledger database: writing it would lose it"
        )


def test_a_rejects_path_that_is_a_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(HubError) as caught:
        refuse_inputs(tmp_path, [])
    assert caught.value.message == f"cannot write {tmp_path}: Is a directory"


def test_rejected_lines_appear_only_at_commit_in_their_order(tmp_path: Path) -> None:
    target = tmp_path / "rejects.jsonl"
    with RejectsFile(target) as out:
        out.write('{"bad": 1}')
        out.write("not json")
        assert not target.exists()  # nothing in place before the commit
        assert len(_leftovers(tmp_path)) == 1
        assert out.commit() is True
    assert target.read_text(encoding="utf-8") == '{"bad": 1}\nnot json\n'
    assert out.count == 2
    assert _leftovers(tmp_path) == []


def test_undecodable_bytes_are_written_back_as_they_were_read(tmp_path: Path) -> None:
    target = tmp_path / "rejects.jsonl"
    with RejectsFile(target) as out:
        out.write(b"caf\xe9 \xff".decode("utf-8", "surrogateescape"))
        out.commit()
    assert target.read_bytes() == b"caf\xe9 \xff\n"


def test_nothing_rejected_leaves_no_rejects_file_not_even_an_earlier_one(tmp_path: Path) -> None:
    target = tmp_path / "rejects.jsonl"
    target.write_text("from an earlier run\n", encoding="utf-8")
    with RejectsFile(target) as out:
        assert out.commit() is False
    assert not target.exists()
    assert _leftovers(tmp_path) == []


def test_an_error_during_the_ingest_keeps_the_earlier_rejects_file(tmp_path: Path) -> None:
    target = tmp_path / "rejects.jsonl"
    target.write_text("from an earlier run\n", encoding="utf-8")
    with pytest.raises(RuntimeError), RejectsFile(target) as out:
        out.write("rejected")
        raise RuntimeError("the ingest failed")
    assert target.read_text(encoding="utf-8") == "from an earlier run\n"
    assert _leftovers(tmp_path) == []


def test_leaving_without_a_commit_discards_the_temporary_file(tmp_path: Path) -> None:
    with RejectsFile(tmp_path / "rejects.jsonl") as out:
        out.write("rejected")
    assert sorted(p.name for p in tmp_path.iterdir()) == []
    out.discard()  # twice is harmless


def test_a_relative_target_is_written_in_the_current_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    with RejectsFile(Path("rejects.jsonl")) as out:
        out.write("x")
        out.commit()
    assert (tmp_path / "rejects.jsonl").read_text(encoding="utf-8") == "x\n"


def test_a_target_in_a_missing_folder_is_an_error_naming_it(tmp_path: Path) -> None:
    target = tmp_path / "missing" / "rejects.jsonl"
    with pytest.raises(HubError) as caught:
        RejectsFile(target)
    assert caught.value.message == f"cannot write {target}: No such file or directory"


def test_a_commit_that_cannot_rename_into_place_is_an_error_and_leaves_nothing(
    tmp_path: Path,
) -> None:
    target = tmp_path / "rejects.jsonl"
    out = RejectsFile(target)
    target.mkdir()  # became a folder, not empty, while the ingest ran
    (target / "keep").write_text("", encoding="utf-8")
    out.write("rejected")
    with pytest.raises(HubError) as caught:
        out.commit()
    assert caught.value.message.startswith(f"cannot write {target}: ")
    assert _leftovers(tmp_path) == []
    assert (target / "keep").exists()
