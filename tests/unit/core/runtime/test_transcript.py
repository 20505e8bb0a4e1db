"""Transcript sums on awkward input: wrong types, synthetic messages, legacy subagent files."""

from __future__ import annotations

import json
from pathlib import Path

from hubrails.core.runtime.transcript import summarise, transcript_files


def _line(mid: str, usage: object, model: object = "claude-sonnet-4-5", **more: object) -> str:
    message = {"id": mid, "model": model, "usage": usage, "content": []}
    return json.dumps({"type": "assistant", "requestId": "r", "message": message, **more})


def test_wrong_types_count_as_zero_and_bad_lines_are_skipped(tmp_path: Path) -> None:
    path = tmp_path / "s.jsonl"
    lines = [
        _line("a", {"input_tokens": "12", "output_tokens": -3, "cache_read_input_tokens": True}),
        _line("b", {"input_tokens": 7.0, "output_tokens": 2}),
        _line("c", {"input_tokens": 99}, model="<synthetic>"),
        _line("d", "not usage"),
        _line("e", {"input_tokens": 5}, model=["x"]),
        json.dumps({"type": "assistant", "message": "text"}),
        json.dumps([1, 2]),
        "{broken",
        "",
    ]
    path.write_text("\n".join(lines) + "\n")
    session = summarise([path])
    usage = session.models["claude-sonnet-4-5"]
    assert (usage.input, usage.output, usage.cache_read, usage.cache_write) == (7, 2, 0, 0)
    assert set(session.models) == {"claude-sonnet-4-5"}
    assert session.bad_lines == 2  # the list and the broken line; empty lines are not counted


def test_legacy_subagent_files_count_only_for_their_session(tmp_path: Path) -> None:
    main = tmp_path / "sess-1.jsonl"
    main.write_text(_line("a", {"input_tokens": 1}) + "\n")
    (tmp_path / "agent-x.jsonl").write_text(
        _line("b", {"input_tokens": 10}, sessionId="sess-1") + "\n"
    )
    (tmp_path / "agent-y.jsonl").write_text(
        _line("c", {"input_tokens": 100}, sessionId="sess-2") + "\n"
    )
    files = transcript_files(main, "sess-1")
    assert [f.name for f in files] == ["sess-1.jsonl", "agent-x.jsonl"]
    assert summarise(files).models["claude-sonnet-4-5"].input == 11
    assert transcript_files(tmp_path / "missing.jsonl", "sess-1") == []
