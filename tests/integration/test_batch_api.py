"""The Batch API end to end through the real CLI: submit, status, cancel and collect against the
fake server's Files and Batch APIs (and --export/--import with its offline run-batch), each
compared row for row with `summarizer batch` on the same inputs and the same fault scripts."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from summarizer.api import run_batch
from summarizer.batch import BatchOptions
from summarizer.batchapi import load_state
from summarizer.cli import cli
from summarizer.config import load_settings
from summarizer.testing import FakeOpenAIServer, FaultPlan, always
from summarizer.testing.corpus import marker, write_jsonl

pytestmark = pytest.mark.integration

# A generous client timeout: rows are compared exactly, so no ordinary answer may time out on
# a loaded machine; only the injected hangs (12 s: a starved client loop still times out) do.
FAST = {"timeout": 4.0, "retry_max_wait": 0.1, "max_transient_retries": 3, "max_attempts": 3}
# Article n gets script n: transient faults end "ok" after a retry or a re-ask, permanent
# ones never do. The batch line is each article's first request.
SCRIPTS: list[list[str]] = [
    ["server_error"], ["server_error", "server_error"], ["rate_limit"], ["bad_gateway"],
    ["timeout"], ["malformed_body"], ["malformed_json"], ["schema_invalid"], ["ungrounded"],
    ["schema_invalid", "ungrounded"], always("server_error"), always("schema_invalid"),
    always("ungrounded"), always("malformed_json"),
]  # fmt: skip
PERMANENT = {10: "backend_error", 11: "grounding_error", 12: "grounding_error",
             13: "grounding_error"}  # fmt: skip


def fault_plan(**extra: Any) -> FaultPlan:
    scripts = {marker(i): script for i, script in enumerate(SCRIPTS)}
    return FaultPlan(scripts=scripts, hang=12.0, retry_after=0.05, **extra)


def read_rows(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def comparable(path: Path) -> dict[str, dict[str, Any]]:
    """Rows by id, minus the one field that measures time (provenance latency)."""
    out = {}
    for row in read_rows(path):
        row = copy.deepcopy(row)
        if row["result"] is not None:
            row["result"]["provenance"].pop("latency_ms")
        out[row["id"]] = row
    assert len(out) == len(read_rows(path)), "an id has two rows"
    return out


def direct_rows(src: Path, out: Path, plan: FaultPlan, **extra: Any) -> dict[str, dict[str, Any]]:
    """`summarizer batch` on its own fresh server with the same plan."""
    with FakeOpenAIServer(plan) as server:
        settings = load_settings(backend="openai", base_url=server.url + "/v1",
                                 api_key="test-key", model="fake-model",
                                 **FAST, **extra)  # fmt: skip
        run_batch([str(src)], out, settings, BatchOptions(use_cache=False, progress=False))
    return comparable(out)


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("SUMMARIZER_CACHE_DIR", "OPENAI_BASE_URL", "SUMMARIZER_BASE_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("OPENAI_API_KEY", "test-key")
    for name, value in FAST.items():
        monkeypatch.setenv(f"SUMMARIZER_{name.upper()}", str(value))


def run_cli(*args: str) -> Result:
    result = CliRunner().invoke(cli, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result


def submit_args(src: Path, server: FakeOpenAIServer, out_dir: Path, *extra: str) -> list[str]:
    return ["batch-api", "submit", str(src), "--backend", "openai", "--base-url",
            server.url + "/v1", "--model", "fake-model", "--no-cache", "--out-dir",
            str(out_dir), *extra]  # fmt: skip


def test_submit_status_collect_gives_the_direct_rows_with_failed_lines_repaired(
    tmp_path: Path, env: None
) -> None:
    src = write_jsonl(tmp_path / "in.jsonl", 40, targets=True)
    want = direct_rows(src, tmp_path / "direct.jsonl", fault_plan())
    with FakeOpenAIServer(fault_plan(batch_polls=2)) as server:
        submitted = run_cli(*submit_args(src, server, tmp_path / "run", "--max-requests", "15"))
        assert submitted.exit_code == 0, submitted.output
        state_path = tmp_path / "run" / "state.json"
        state = load_state(state_path)
        assert [p.requests for p in state.parts] == [15, 15, 10]  # split by --max-requests
        assert all(p.batch_id and p.file_id for p in state.parts)
        assert "test-key" not in state_path.read_text()
        status = run_cli("batch-api", "status", str(state_path))
        assert status.exit_code == 0 and "in_progress" in status.output, status.output
        early = run_cli("batch-api", "collect", str(state_path), "-o", str(tmp_path / "x.jsonl"))
        assert early.exit_code == 2 and "still running" in early.output  # no rows before the end
        assert not (tmp_path / "x.jsonl").exists()
        out = tmp_path / "out.jsonl"
        collected = run_cli("batch-api", "collect", str(state_path), "-o", str(out), "--wait",
                            "--poll", "0.01", "--no-cache")  # fmt: skip
        served = server.stats()
    assert collected.exit_code == 1, collected.output  # the permanent faults are error rows
    assert "through direct calls" in collected.output
    got = comparable(out)
    assert got == want
    for n, error_type in PERMANENT.items():
        assert got[f"art-{n:06d}"]["error"]["type"] == error_type
    repaired = [got[f"art-{n:06d}"]["result"]["provenance"] for n in range(10)]
    assert all(p["attempts"] + p["transient_retries"] >= 2 for p in repaired)
    # Every article went out once in a batch; only the faulty ones were asked again.
    assert served["articles"] == 40 and served["requests"] > 40


@pytest.mark.parametrize("mode", ["abstractive", "extractive"])
def test_export_and_import_an_offline_run_batch_file(tmp_path: Path, env: None, mode: str) -> None:
    src = write_jsonl(tmp_path / "in.jsonl", 20, targets=True)
    want = direct_rows(src, tmp_path / "direct.jsonl", fault_plan(), mode=mode)
    requests, results = tmp_path / "requests.jsonl", tmp_path / "results.jsonl"
    with FakeOpenAIServer(fault_plan()) as server:
        exported = run_cli(
            *submit_args(src, server, tmp_path / "run", "--export", str(requests), "--mode", mode)
        )
        assert exported.exit_code == 0, exported.output
        lines = [json.loads(line) for line in requests.read_text().splitlines()]
        assert len(lines) == 20 and {line["url"] for line in lines} == {"/v1/chat/completions"}
        assert lines[0]["custom_id"].startswith("art-000000#")
        assert lines[0]["body"]["model"] == "fake-model" and lines[0]["body"]["tools"]
        assert server.stats()["requests"] == 0  # nothing was sent
        server.run_batch_file(requests, results)  # what `vllm run-batch -i ... -o ...` does
        out = tmp_path / "out.jsonl"
        collected = run_cli("batch-api", "collect", str(tmp_path / "run" / "state.json"), "-o",
                            str(out), "--import", str(results), "--no-cache")  # fmt: skip
    assert collected.exit_code == 1, collected.output
    assert comparable(out) == want


def test_the_request_body_is_the_direct_first_call(tmp_path: Path, env: None) -> None:
    src = write_jsonl(tmp_path / "in.jsonl", 3, targets=True)
    with FakeOpenAIServer(keep_requests=True) as server:
        settings = load_settings(backend="openai", base_url=server.url + "/v1",
                                 api_key="test-key", model="fake-model", **FAST)  # fmt: skip
        run_batch([str(src)], tmp_path / "d.jsonl", settings, BatchOptions(use_cache=False))
        direct = {json.dumps(body, sort_keys=True) for body in server.requests}
        requests = tmp_path / "requests.jsonl"
        run_cli(*submit_args(src, server, tmp_path / "run", "--export", str(requests)))
    exported = {json.dumps(json.loads(line)["body"], sort_keys=True)
                for line in requests.read_text().splitlines()}  # fmt: skip
    assert exported == direct and len(direct) == 3


@pytest.mark.parametrize("repair", ["direct", "none"])
def test_expired_partial_and_failed_batches(tmp_path: Path, env: None, repair: str) -> None:
    src = write_jsonl(tmp_path / "in.jsonl", 40, start=100, targets=True)
    want = direct_rows(src, tmp_path / "direct.jsonl", FaultPlan())
    plan = FaultPlan(batch_outcomes=["expired", "partial", "failed", "completed"],
                     batch_done_share=0.5, batch_polls=0)  # fmt: skip
    with FakeOpenAIServer(plan) as server:
        run_cli(*submit_args(src, server, tmp_path / "run", "--max-requests", "10"))
        out = tmp_path / "out.jsonl"
        state_path = str(tmp_path / "run" / "state.json")
        collected = run_cli("batch-api", "collect", state_path, "-o", str(out), "--wait",
                            "--poll", "0.01", "--no-cache", "--repair", repair)  # fmt: skip
        statuses = [p.status for p in load_state(Path(state_path)).parts]
        assert statuses == ["expired", "completed", "failed", "completed"]
        got = comparable(out)
        assert set(got) == set(want)
        if repair == "direct":
            assert collected.exit_code == 0, collected.output
            assert got == want
            return
        # Left unrepaired: 5 expired + 5 missing + 10 never run = 20 error rows, ordinary ones
        # that `summarizer batch --retry-errors` redoes, and then the rows are the direct ones.
        errors = [r for r in got.values() if r["status"] == "error"]
        assert collected.exit_code == 1 and len(errors) == 20
        assert {r["error"]["type"] for r in errors} == {"backend_error"}
        assert any("batch_expired" in r["error"]["message"] for r in errors)
        retried = run_cli("batch", str(src), "-o", str(out), "--backend", "openai", "--base-url",
                          server.url + "/v1", "--model", "fake-model", "--no-cache",
                          "--retry-errors")  # fmt: skip
    assert retried.exit_code == 0, retried.output
    assert "ok 20" in retried.output and "20 skipped" in retried.output
    assert comparable(out) == want


def test_cancel_then_collect_and_resume(tmp_path: Path, env: None) -> None:
    src = write_jsonl(tmp_path / "in.jsonl", 12, start=300)
    want = direct_rows(src, tmp_path / "direct.jsonl", FaultPlan())
    with FakeOpenAIServer(FaultPlan(batch_polls=3)) as server:
        run_cli(*submit_args(src, server, tmp_path / "run"))
        state_path = str(tmp_path / "run" / "state.json")
        run_cli("batch-api", "status", state_path)  # runs a quarter of the lines
        cancelled = run_cli("batch-api", "cancel", state_path)
        assert "cancelled" in cancelled.output, cancelled.output
        out = tmp_path / "out.jsonl"
        first = run_cli("batch-api", "collect", state_path, "-o", str(out), "--no-cache")
        assert first.exit_code == 0 and "3 answers as returned" in first.output, first.output
        assert comparable(out) == want
        again = run_cli("batch-api", "collect", state_path, "-o", str(out), "--no-cache")
    assert again.exit_code == 0 and "12 skipped" in again.output, again.output
    assert len(read_rows(out)) == 12


def test_collect_refuses_a_changed_input_or_other_settings(tmp_path: Path, env: None) -> None:
    src = write_jsonl(tmp_path / "in.jsonl", 3)
    with FakeOpenAIServer() as server:
        run_cli(*submit_args(src, server, tmp_path / "run", "--export", str(tmp_path / "r.jsonl")))
    state_path = str(tmp_path / "run" / "state.json")
    state = json.loads(Path(state_path).read_text())
    state["settings"]["temperature"] = 0.7
    Path(state_path).write_text(json.dumps(state))
    other = run_cli("batch-api", "collect", state_path, "-o", str(tmp_path / "o.jsonl"),
                    "--import", str(tmp_path / "r.jsonl"))  # fmt: skip
    assert other.exit_code == 2 and "settings differ" in other.output
    write_jsonl(src, 4)
    changed = run_cli("batch-api", "collect", state_path, "-o", str(tmp_path / "o.jsonl"),
                      "--import", str(tmp_path / "r.jsonl"))  # fmt: skip
    assert changed.exit_code == 2 and "changed since it was submitted" in changed.output
