"""The crash-safe output file: whole-line writes, torn-line repair, the resume index, compaction."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from summarizer.batch.jsonl import (
    JsonlWriter,
    compact,
    key_digest,
    repair_partial_line,
    row_key,
    scan_output,
)
from summarizer.errors import OutputError


def _ok(row_id: str, sha: str = "h", model: str = "m") -> dict[str, object]:
    provenance = {"input_sha256": sha, "prompt_version": "p@1", "schema_version": "1.0.0",
                  "model": model, "mode": "abstractive"}  # fmt: skip
    return {"id": row_id, "status": "ok", "result": {"provenance": provenance}, "error": None}


def _err(row_id: str, sha: str = "h") -> dict[str, object]:
    error = {"type": "backend_error", "message": "x", "attempts": 3, "input_sha256": sha,
             "prompt_version": "p@1", "schema_version": "1.0.0", "model": "m",
             "mode": "abstractive"}  # fmt: skip
    return {"id": row_id, "status": "error", "result": None, "error": error}


def _write(path: Path, rows: list[dict[str, object]]) -> None:
    with JsonlWriter(path) as writer:
        for row in rows:
            writer.write_line(json.dumps(row))


def test_writer_appends_whole_lines(tmp_path: Path) -> None:
    out = tmp_path / "sub" / "out.jsonl"
    _write(out, [_ok("a"), _ok("b")])
    _write(out, [_ok("c")])  # a second writer appends, never truncates
    lines = out.read_bytes().split(b"\n")
    assert lines[-1] == b""
    assert [json.loads(x)["id"] for x in lines[:-1]] == ["a", "b", "c"]


def test_writer_rows_are_visible_before_close(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    writer = JsonlWriter(out)
    writer.write_line('{"id": "a"}')
    # No buffering in this process: another reader (or a kill -9) sees the row right away.
    assert out.read_text() == '{"id": "a"}\n'
    writer.close()
    writer.close()
    with pytest.raises(ValueError, match="closed"):
        writer.write_line("{}")


@pytest.mark.parametrize("bad", ['{"a": 1}\n{"b": 2}', '{"a": "x\ry"}'])
def test_writer_refuses_raw_line_breaks(tmp_path: Path, bad: str) -> None:
    with JsonlWriter(tmp_path / "o.jsonl") as writer, pytest.raises(ValueError, match="line break"):
        writer.write_line(bad)


def test_repair_drops_only_the_torn_tail(tmp_path: Path) -> None:
    out = tmp_path / "o.jsonl"
    out.write_bytes(b'{"id": "a"}\n{"id": "b"}\n{"id": "c", "res')
    assert repair_partial_line(out) == len(b'{"id": "c", "res')
    assert out.read_bytes() == b'{"id": "a"}\n{"id": "b"}\n'
    assert repair_partial_line(out) == 0  # whole files are left alone


def test_repair_handles_missing_empty_and_single_torn_line(tmp_path: Path) -> None:
    assert repair_partial_line(tmp_path / "missing.jsonl") == 0
    empty = tmp_path / "e.jsonl"
    empty.write_bytes(b"")
    assert repair_partial_line(empty) == 0
    torn = tmp_path / "t.jsonl"
    torn.write_bytes(b'{"id": "only", "tr')
    assert repair_partial_line(torn) == 18
    assert torn.read_bytes() == b""


def test_repair_of_a_torn_line_longer_than_the_scan_chunk(tmp_path: Path) -> None:
    out = tmp_path / "o.jsonl"
    head = b'{"id": "a"}\n'
    out.write_bytes(head + b'{"id": "b", "text": "' + b"y" * 300_000)
    repair_partial_line(out)
    assert out.read_bytes() == head


def test_row_key_reads_provenance_and_error_rows() -> None:
    assert row_key(_ok("a", sha="s1")) == ("s1", "p@1", "1.0.0", "m", "abstractive")
    assert row_key(_err("a", sha="s2")) == ("s2", "p@1", "1.0.0", "m", "abstractive")
    assert row_key({"id": "a", "status": "ok", "result": None}) is None
    assert row_key({"id": "a", "status": "error", "error": {"input_sha256": 5}}) is None


def test_scan_indexes_latest_row_per_id_and_marks_the_rest_stale(tmp_path: Path) -> None:
    out = tmp_path / "o.jsonl"
    _write(out, [_ok("a", sha="old"), _err("b"), _ok("a", sha="new")])
    with open(out, "ab") as handle:
        handle.write(b"\n  \n")  # blank lines carry no data: tolerated, dropped at compaction
        handle.write(b'{"id": "c", "status": "ok"')  # torn by a crash
    index = scan_output(out)
    assert index.repaired_bytes > 0
    assert set(index.rows) == {"a", "b"}
    assert index.rows["a"].key == key_digest(("new", "p@1", "1.0.0", "m", "abstractive"))
    assert index.rows["a"].line == 3 and index.rows["a"].ok
    assert not index.rows["b"].ok
    assert index.invalid_lines == 2
    assert index.stale_lines == {1, 4, 5}
    index.supersede("b")
    assert "b" not in index.rows and 2 in index.stale_lines
    index.supersede("never-seen")  # no-op


FOREIGN = {
    "notes": b"notes 1\nnotes 2\nfinal",  # issue 12: this file was emptied, exit 0
    "one word, no newline": b"final",
    "not json": b"not json\n",
    "a json list": b"[1, 2]\n",
    "an object without id": b'{"no_id": true}\n',
    "an input row, not an output row": b'{"id": "a", "text": "An article."}\n',
    "binary": bytes(range(256)) * 4,
    "nested 2,000 deep": b"[" * 2000 + b"]" * 2000 + b"\n",
    "our rows, then a line of someone else": (
        json.dumps(_ok("a")).encode() + b"\n" + b"my own notes\n" + json.dumps(_ok("b")).encode()
    ),
}


@pytest.mark.parametrize("content", FOREIGN.values(), ids=FOREIGN.keys())
def test_scan_refuses_a_file_that_is_not_ours_and_leaves_it_untouched(
    tmp_path: Path, content: bytes
) -> None:
    out = tmp_path / "notes.txt"
    out.write_bytes(content)
    refused = r"is not a summarizer output \(lines? .* summarizer rows?\); it was left untouched"
    with pytest.raises(OutputError, match=refused):
        scan_output(out)
    assert out.read_bytes() == content


def test_compact_keeps_order_and_drops_given_lines(tmp_path: Path) -> None:
    out = tmp_path / "o.jsonl"
    _write(out, [_ok(x) for x in "abcde"])
    out.chmod(0o640)
    assert compact(out, {2, 4}) == 2
    assert [json.loads(x)["id"] for x in out.read_text().splitlines()] == ["a", "c", "e"]
    assert out.stat().st_mode & 0o777 == 0o640
    assert compact(out, set()) == 0
    assert not list(tmp_path.glob(".*.tmp"))


def test_scan_then_compact_leaves_each_id_once(tmp_path: Path) -> None:
    out = tmp_path / "o.jsonl"
    _write(out, [_ok("a"), _ok("b"), _ok("a"), _err("c"), _ok("b"), _ok("a")])
    index = scan_output(out)
    compact(out, index.stale_lines)
    ids = [json.loads(x)["id"] for x in out.read_text().splitlines()]
    assert sorted(ids) == ["a", "b", "c"]
    assert scan_output(out).stale_lines == set()


@settings(max_examples=60, deadline=None)
@given(
    ids=st.lists(st.text(min_size=1, max_size=12), min_size=1, max_size=12),
    cut_share=st.floats(min_value=0.0, max_value=1.0),
)
def test_any_crash_point_leaves_exactly_the_complete_rows(
    tmp_path_factory: pytest.TempPathFactory, ids: list[str], cut_share: float
) -> None:
    """Whatever byte a crash stops at, repair + scan recovers exactly the rows written whole."""
    out = tmp_path_factory.mktemp("crash") / "o.jsonl"
    lines = [json.dumps(_ok(i), ensure_ascii=False).encode() + b"\n" for i in ids]
    blob = b"".join(lines)
    cut = int(len(blob) * cut_share)
    out.write_bytes(blob[:cut])
    index = scan_output(out)
    whole, used = [], 0
    for line in lines:
        if used + len(line) <= cut:
            whole.append(line)
        used += len(line)
    assert out.read_bytes() == b"".join(whole)
    assert index.invalid_lines == 0
    expected = {json.loads(x)["id"] for x in whole}
    assert set(index.rows) == expected


def test_key_digest_tells_keys_apart() -> None:
    base = ("h", "p@1", "1.0.0", "m", "abstractive")
    assert key_digest(base) == key_digest(tuple(base))  # type: ignore[arg-type]
    variants = [
        ("h2", "p@1", "1.0.0", "m", "abstractive"),
        ("h", "p@2", "1.0.0", "m", "abstractive"),
        ("h", "p@1", "1.0.0", "m2", "abstractive"),
        ("h", "p@1", "1.0.0", "m", None),
        ("h", "p@1", "1.0.0", "m", "None"),
        ("hp@1", "", "1.0.0", "m", "abstractive"),  # no ambiguity from joining
    ]
    digests = {key_digest(v) for v in variants}
    assert len(digests) == len(variants) and key_digest(base) not in digests
    assert len(key_digest(base)) == 16
