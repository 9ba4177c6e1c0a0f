"""Batch API pieces without a server: request files split by limits, result lines classified,
the result index, ids and the state file."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from summarizer.batch import BatchOptions
from summarizer.batchapi import Limits, ResultIndex, custom_id, load_state, parse_line, submit
from summarizer.batchapi.prepare import PartWriter, part_namer
from summarizer.batchapi.state import BatchState, InputRecord, hash_input, save_state
from summarizer.config import Settings
from summarizer.errors import ConfigError
from summarizer.inputs import Article


def completion_body(text: str = "{}") -> dict[str, Any]:
    return {
        "id": "c", "object": "chat.completion", "created": 0, "model": "m",
        "choices": [{"index": 0, "finish_reason": "stop",
                     "message": {"role": "assistant", "content": text}}],
    }  # fmt: skip


def line(custom: str, status: int | None, body: Any = None, error: Any = None) -> dict[str, Any]:
    response = None if status is None else {"status_code": status, "body": body}
    return {"id": "b", "custom_id": custom, "response": response, "error": error}


def test_parts_split_at_the_request_and_byte_limits(tmp_path: Path) -> None:
    writer = PartWriter(part_namer(tmp_path, None), Limits(max_requests=3, max_bytes=1024))
    for n in range(7):
        writer.add(json.dumps({"n": n, "pad": "x" * 100}).encode() + b"\n")
    writer.add(b"y" * 950 + b"\n")  # fits no part with others in it
    writer.close()
    assert [p.requests for p in writer.parts] == [3, 3, 1, 1]
    for part in writer.parts:
        data = Path(part.request_file).read_bytes()
        assert len(data) == part.bytes <= 1024 and data.count(b"\n") == part.requests
    assert Path(writer.parts[0].request_file).name == "requests-00001.jsonl"
    named = part_namer(tmp_path, tmp_path / "out.jsonl")
    assert named(1).name == "out.jsonl" and named(2).name == "out-00002.jsonl"
    with pytest.raises(ConfigError):
        Limits(max_requests=0)


def test_result_lines_are_classified_as_the_direct_path_would_treat_them() -> None:
    ok = parse_line(line("a", 200, completion_body()))
    assert ok is not None and ok.ok and ok.tried
    for status in (429, 500, 503, 408):
        failed = parse_line(line("a", status, {"error": {"message": "no"}}))
        assert failed is not None and failed.tried and failed.transient and not failed.ok
    refused = parse_line(line("a", 400, {"error": {"code": "bad", "message": "no"}}))
    assert refused is not None and refused.tried and not refused.transient
    assert "HTTP 400: bad: no" in refused.message
    mangled = parse_line(line("a", 200, '{"id": "chatcmpl-broken", "choices": [{"mess'))
    assert mangled is not None and mangled.tried and mangled.transient
    expired = parse_line(line("a", None, error={"code": "batch_expired", "message": "late"}))
    assert expired is not None and not expired.tried and "batch_expired" in expired.message
    assert parse_line({"response": None}) is None and parse_line([1]) is None


def test_result_index_prefers_a_success_and_reads_lines_lazily(tmp_path: Path) -> None:
    errors, output = tmp_path / "errors.jsonl", tmp_path / "output.jsonl"
    errors.write_text(
        json.dumps(line("a", 500, {"error": {"message": "x"}})) + "\n"
        + json.dumps(line("b", 500, {"error": {"message": "x"}})) + "\nnot json\n"
    )  # fmt: skip
    output.write_text(json.dumps(line("a", 200, completion_body("{}"))) + "\n")
    index = ResultIndex([output, errors])
    assert len(index) == 2 and index.unreadable == 1 and index.lines == 4
    a, b = index.get("a"), index.get("b")
    assert a is not None and a.ok
    assert b is not None and b.status_code == 500
    assert index.get("c") is None and "c" not in index


def test_custom_id_names_the_article_the_run_and_the_text() -> None:
    one = Article.create("Some text here.", id="x-1")
    other = Article.create("Other text here.", id="x-1")
    assert custom_id(one, "abc").startswith("x-1#abc.")
    assert custom_id(one, "abc") != custom_id(other, "abc") != custom_id(one, "abd")


def test_state_round_trip_and_input_hashes(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text("one")
    first = hash_input(str(folder))
    (folder / "a.txt").write_text("two")
    assert hash_input(str(folder)) != first
    record = InputRecord(path="p", sha256="s")
    state = BatchState(kind="api", created=1.0, digest="d", fingerprint={"model": "m"},
                       settings={}, options={}, inputs=[record])  # fmt: skip
    path = tmp_path / "run" / "state.json"
    save_state(path, state)
    assert load_state(path) == state
    path.write_text("{}")
    with pytest.raises(ConfigError, match="not a batch state file"):
        load_state(path)
    with pytest.raises(ConfigError, match="no batch state file"):
        load_state(tmp_path / "missing.json")


def test_submit_refuses_a_run_that_would_send_nothing(tmp_path: Path) -> None:
    src = tmp_path / "a.txt"
    src.write_text("The council approved the budget on Tuesday.\n", encoding="utf-8")
    settings = Settings(
        backend="openai", api_key="k", mode="extractive", article_type_judge="rules"
    )
    with pytest.raises(ConfigError, match="no model call"):
        submit([str(src)], settings, BatchOptions(), out_dir=tmp_path / "out")
