"""Fuzz: the real `summarizer batch` command (click's CliRunner, in process) on hostile JSONL
files, stdin and folder trees, against the fake OpenAI-compatible server with faults.

Asserted for every example: an exit status from the documented set (0 all rows ok, 1 some
rows failed, 2 output refused, 3 bad input path), never a traceback, exactly one row per
input article (each id once), and every file that existed before left byte for byte as it
was. A rerun resumes: it adds no row.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from hypothesis import given
from hypothesis import strategies as st

from summarizer.batch.rows import BatchItem
from summarizer.cli import cli
from summarizer.testing import FakeOpenAIServer, FaultPlan, always
from tests.fuzz.strategies import Tree, file_tree, fuzz_settings, jsonl_file

pytestmark = pytest.mark.fuzz

ENV = {
    "OPENAI_API_KEY": "fuzz-key-0001",
    "SUMMARIZER_TIMEOUT": "10",
    "SUMMARIZER_RETRY_MAX_WAIT": "0.05",
    "SUMMARIZER_MAX_TRANSIENT_RETRIES": "1",
}
OK_OR_FAILED_ROWS = {0, 1}


@pytest.fixture(scope="module")
def server() -> Iterator[FakeOpenAIServer]:
    plan = FaultPlan(
        rate=0.3,
        seed=12,
        retry_after=0.01,
        random_scripts=[["server_error"], ["malformed_json"], always("schema_invalid"),
                        always("echo_headers"), ["rate_limit"]],
    )  # fmt: skip
    with FakeOpenAIServer(plan) as running:
        yield running


def batch(server: FakeOpenAIServer, inputs: list[str], out: Path, **kw: Any) -> Result:
    args = ["batch", *inputs, "-o", str(out), "--backend", "openai", "--base-url",
            server.url + "/v1", "--model", "m", "--no-cache", "--concurrency", "8"]  # fmt: skip
    return CliRunner().invoke(cli, args, env=ENV, **kw)


def snapshot(root: Path) -> dict[str, bytes]:
    """Every regular file under root (symlinks not followed), by path."""
    found = {}
    for folder, _dirs, files in os.walk(root):
        for name in files:
            path = Path(folder, name)
            if path.is_file() and not path.is_symlink():
                found[str(path)] = path.read_bytes()
    return found


def lines_of(path: Path) -> list[bytes]:
    """The JSONL lines of a file: split at newlines only (str.splitlines also splits at the
    U+2028/U+2029 that JSON rows may hold unescaped)."""
    return path.read_bytes().split(b"\n")[:-1]


def check_run(
    result: Result, out: Path, expected_rows: int, earlier: frozenset[str] = frozenset()
) -> list[dict[str, Any]]:
    """The invariants of one run; `earlier`: ids of rows a previous run left in the output."""
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert "Traceback" not in result.output
    assert ENV["OPENAI_API_KEY"] not in result.output
    rows = [json.loads(line) for line in lines_of(out)]
    for row in rows:
        BatchItem.model_validate(row)
    assert len(rows) == expected_rows, (len(rows), expected_rows, result.output)
    assert len({r["id"] for r in rows}) == len(rows)
    failed = sum(r["status"] == "error" for r in rows if r["id"] not in earlier)
    assert result.exit_code == (1 if failed else 0), result.output
    assert ENV["OPENAI_API_KEY"] not in out.read_text(encoding="utf-8")
    return rows


@fuzz_settings(40)
@given(tree=file_tree())
def test_batch_on_hostile_folders(
    server: FakeOpenAIServer, tmp_path_factory: pytest.TempPathFactory, tree: Tree
) -> None:
    base = tmp_path_factory.mktemp("tree")
    root = base / "in"
    root.mkdir()
    tree.create(root)
    before = snapshot(root)
    out = base / "out.jsonl"
    check_run(batch(server, [str(root)], out), out, tree.expected)
    assert snapshot(root) == before
    again = batch(server, [str(root)], out)  # resumes: done rows stay, no row is added
    assert again.exit_code in OK_OR_FAILED_ROWS and "Traceback" not in again.output
    assert len(lines_of(out)) == tree.expected
    assert snapshot(root) == before


EXISTING = st.sampled_from(["none", "empty", "ours", "foreign", "foreign-torn", "binary"])


@fuzz_settings(60)
@given(jsonl=jsonl_file(), existing=EXISTING, via_stdin=st.booleans())
def test_batch_on_hostile_jsonl_and_existing_outputs(
    server: FakeOpenAIServer,
    tmp_path_factory: pytest.TempPathFactory,
    jsonl: tuple[bytes, int],
    existing: str,
    via_stdin: bool,
) -> None:
    data, expected = jsonl
    base = tmp_path_factory.mktemp("jsonl")
    src, out = base / "in.jsonl", base / "out.jsonl"
    src.write_bytes(data)
    prior = {
        "empty": b"",
        "ours": b'{"id":"old","status":"error","result":null,"error":{"type":"x"}}\n',
        "foreign": b"my notes\nmore notes\n",
        "foreign-torn": b"final words",
        "binary": bytes(range(256)),
    }.get(existing)
    if prior is not None:
        out.write_bytes(prior)
    if via_stdin:
        result = batch(server, ["-"], out, input=data)
    else:
        result = batch(server, [str(src)], out)
    assert src.read_bytes() == data
    if existing in {"foreign", "foreign-torn", "binary"}:
        assert result.exit_code == 2 and "not a summarizer output" in result.output
        assert "Traceback" not in result.output
        assert out.read_bytes() == prior  # refused and untouched, whatever else happened
        return
    earlier = frozenset({"old"} if existing == "ours" else ())
    rows = check_run(result, out, expected + len(earlier), earlier)
    if existing == "ours":
        assert rows[0]["id"] == "old"  # an earlier run's row is kept


@fuzz_settings(10)
@given(name=st.sampled_from(["missing.jsonl", "missing-dir/sub", "-x", "a b.txt"]))
def test_batch_on_inputs_that_do_not_exist(
    server: FakeOpenAIServer, tmp_path_factory: pytest.TempPathFactory, name: str
) -> None:
    base = tmp_path_factory.mktemp("missing")
    out = base / "out.jsonl"
    result = batch(server, [str(base / name)], out)
    assert result.exit_code in {2, 3}, result.output
    assert "Traceback" not in result.output and not out.exists()
